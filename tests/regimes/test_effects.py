"""What a regime does while in force (issue 26): paired effects, tested share, tenure."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from security_regimes.presentation.cli import app
from security_regimes.regimes.effects import regime_effects
from security_regimes.regimes.scenarios import get_scenario


def _fake(in_force, wars, crises=None, norm=None):
    in_force = np.asarray(in_force, dtype=bool)
    z = np.zeros(in_force.shape, dtype=np.int64)
    m = {"regime_in_force": in_force, "wars": np.asarray(wars), "crises": z if crises is None
         else np.asarray(crises), "crisis_wars": z, "norm_restraints": z if norm is None
         else np.asarray(norm)}
    summary = pd.DataFrame({"regime_autonomy": [0.5] * len(in_force),
                            "norm_restraints": [1.0] * len(in_force),
                            "restraints": [2.0] * len(in_force)})
    return SimpleNamespace(measures=m, summary=summary)


def test_the_measures_by_hand():
    # Run 0 is in force at the end of years 2-3 (its norms bind in years 3-4)
    # and again from year 6 to the end; run 1 never.
    main = _fake([[0, 1, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0]],
                 [[1, 0, 1, 0, 2, 0], [1, 1, 0, 0, 0, 0]])
    twin = _fake([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]],
                 [[1, 0, 3, 1, 2, 0], [1, 1, 0, 0, 0, 0]])
    e = regime_effects(main, twin).set_index("measure")
    assert e.loc["runs_bound", "value"] == 0.5
    assert e.loc["years_bound", "value"] == 2  # years 3 and 4 (index 2, 3)
    assert e.loc["wars_per_bound_year", "value"] == pytest.approx(1 / 2)
    assert e.loc["wars_per_bound_year_twin", "value"] == pytest.approx(4 / 2)
    assert e.loc["wars_prevented_per_bound_year", "value"] == pytest.approx(3 / 2)
    assert e.loc["share_of_wars_prevented", "value"] == pytest.approx(1 - 1 / 4)
    # Both bound years have something to restrain: a war with norms or in the twin.
    assert e.loc["tested_share", "value"] == 1.0
    # Spells: years 2-3 (ended) and year 6 (cut short by the run's end).
    assert e.loc["tenure", "value"] == pytest.approx(1.5)
    assert e.loc["censored_share", "value"] == 0.5
    assert e.loc["breakdown_hazard", "value"] == pytest.approx(1 / 3)
    # In force before year 1: its norms bind in year 1 too.
    e1 = regime_effects(main, twin, initially_in_force=True).set_index("measure")
    assert e1.loc["years_bound", "value"] == pytest.approx((3 + 1) / 2)


def test_a_bound_year_with_nothing_to_restrain_is_untested():
    main = _fake([[1, 1, 1, 1]], [[0, 0, 0, 0]], norm=[[0, 1, 0, 0]])
    twin = _fake([[0, 0, 0, 0]], [[0, 0, 0, 0]], crises=[[0, 0, 1, 0]])
    e = regime_effects(main, twin).set_index("measure")
    # Bound: years 2-4; year 2 restrained an attack, year 3 had a crisis in the twin.
    assert e.loc["tested_share", "value"] == pytest.approx(2 / 3)
    assert np.isnan(e.loc["share_of_wars_prevented", "value"])  # no war to prevent


def test_norms_without_strength_have_no_effect_and_full_norms_do():
    s = get_scenario("concert_of_europe")
    zero = replace(s, regime=replace(s.regime, norms={k: 0.0 for k in s.regime.norms}))
    e0 = zero.run(systems=80, years=50, seed=3).regime_effects().set_index("measure")
    assert e0.loc["runs_bound", "value"] > 0.2
    assert e0.loc["wars_prevented_per_bound_year", "value"] == 0.0
    assert e0.loc["share_of_wars_prevented", "value"] == 0.0
    e1 = s.run(systems=80, years=50, seed=3).regime_effects().set_index("measure")
    assert e1.loc["wars_prevented_per_bound_year", "lo"] > 0


def test_regimes_run_reports_what_the_regime_does():
    r = CliRunner().invoke(app, ["run", "concert_of_europe", "--systems", "30", "--years", "30",
                                 "--json"])
    assert r.exit_code == 0, r.output
    import json

    rows = {x["measure"]: x for x in json.loads(r.output)["regime_effects"]}
    assert {"wars_prevented_per_bound_year", "tested_share", "tenure", "breakdown_hazard",
            "regime_autonomy", "norm_restraints", "restraints"} <= set(rows)
    plain = CliRunner().invoke(app, ["run", "waltz_balance", "--systems", "5", "--years", "5",
                                     "--json"])
    assert "regime_effects" not in json.loads(plain.output)
