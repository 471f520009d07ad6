"""What ends a regime, per run (issue 26): the breakdown rule and its measures."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

import security_regimes as sr
from security_regimes.regimes.effects import BREAKDOWN_CAUSES, breakdown_causes, breakdowns
from security_regimes.regimes.scenarios import get_scenario


def fake(**rows):
    """A one-run result whose measures are given year by year."""
    years = len(rows["regime_in_force"])
    base = {"member_war": [False] * years, "revisionists": [0] * years,
            "domestic_changes": [0] * years,
            "regime_trust": [1.0] * years, "regime_weight": [0.8] * years,
            "regime_cost": [1.0] * years, "regime_decline": [1.0] * years}
    base.update(rows)
    return SimpleNamespace(measures={k: np.asarray([v]) for k, v in base.items()})


@pytest.mark.parametrize(("rows", "cause"), [
    ({"member_war": [False, False, True]}, "member war"),
    ({"domestic_changes": [0, 0, 1], "revisionists": [0, 0, 1]}, "domestic change"),
    ({"revisionists": [0, 0, 1]}, "revisionist turn"),
    ({"regime_trust": [1.0, 1.0, 0.4]}, "lost trust"),
    ({"regime_weight": [0.8, 0.8, 0.4], "regime_cost": [1.0, 1.0, 0.6]}, "fading memory"),
    ({"regime_weight": [0.8, 0.8, 0.4], "regime_decline": [1.0, 1.0, 0.7]}, "relative decline"),
    ({"regime_weight": [0.8, 0.8, 0.4], "regime_cost": [1.0, 1.0, 0.9],
      "regime_decline": [1.0, 1.0, 0.7]}, "relative decline"),
    ({}, "other"),
])
def test_each_cause_is_told_apart(rows, cause):
    r = fake(regime_in_force=[True, True, False], **rows)
    b = breakdowns(r, threshold=0.5, start_year=1816)
    assert b.cause.tolist() == [cause]
    assert (b.year.item(), b.calendar_year.item(), b.tenure.item()) == (3, 1818, 2)


def test_a_spell_still_in_force_is_not_a_breakdown():
    r = fake(regime_in_force=[False, True, True], member_war=[True, True, True])
    assert breakdowns(r, 0.5).empty
    counts = breakdown_causes(breakdowns(fake(regime_in_force=[True, False, True, False]), 0.5))
    assert counts.cause.tolist() == list(BREAKDOWN_CAUSES)
    assert counts.breakdowns.sum() == 2 and counts.share.sum() == pytest.approx(1.0)


#: The first-strike core at its earlier defaults (the settings UNCALIBRATED changes).
FIRST_STRIKE = {k: v for k, v in sr.UNCALIBRATED.items() if k != "misperception"}


def _concert(**system_and_conditions):
    s = get_scenario("concert_of_europe")
    cond = {k: v for k, v in system_and_conditions.items() if hasattr(s.regime.conditions, k)}
    system = {k: v for k, v in system_and_conditions.items() if k not in cond}
    regime = replace(s.regime, conditions=replace(s.regime.conditions, **cond))
    return replace(s, system=s.system.with_(**system), regime=regime)


def test_each_channel_ends_spells_only_where_it_runs():
    """Domestic changes end more spells the more often they come, and none without
    them; a memory that changes neither with time nor with experience ends none;
    with neither, the event channels (member wars, lost trust, relative decline)
    end almost every spell."""
    share = {}
    for rate in (0.0, 0.01, 0.05):
        r = _concert(domestic_rate=rate, misperception=0.0, learning=0.0).run(
            seed=1, systems=400, years=60)
        counts = breakdown_causes(r.regime_breakdowns()).set_index("cause")
        assert counts.breakdowns.sum() > 60
        assert counts.loc["fading memory", "breakdowns"] == 0
        assert counts.loc["revisionist turn", "breakdowns"] == 0  # no shock_rate
        share[rate] = counts.loc["domestic change", "share"]
        if rate == 0.0:
            assert counts.loc[["member war", "lost trust", "relative decline"],
                              "share"].sum() > 0.9
    assert share[0.0] == 0 < share[0.01] < share[0.05]


def test_misread_stances_end_it_through_trust_and_war():
    # the first-strike core at its earlier defaults (under the calibrated crisis core
    # relative decline ends most spells, with or without misperception)
    r = _concert(domestic_rate=0.0, learning=0.0, misperception=0.3, **FIRST_STRIKE).run(
        seed=1, systems=200, years=60)
    counts = breakdown_causes(r.regime_breakdowns()).set_index("cause")
    assert counts.loc[["member war", "lost trust"], "share"].sum() > 0.7


def test_the_measures_say_what_the_strength_is_made_of():
    r = sr.run_scenario("concert_of_europe", seed=1, systems=50, years=30)
    m = r.result.measures
    strength = np.minimum(m["regime_weight"], m["regime_trust"])
    same = np.isclose(m["regime_strength"], strength, rtol=1e-12, atol=1e-15)
    two = m["n_alive"] >= 2  # (a regime needs two living members: else its strength is 0)
    assert same[two].all() and (m["regime_strength"][~two] == 0).all() and two.mean() > 0.5
    assert ((m["regime_cost"] >= 0) & (m["regime_cost"] <= 1)).all()
    assert ((m["regime_decline"] > 0) & (m["regime_decline"] <= 1)).all()
    none = sr.run_scenario("waltz_balance", seed=1, systems=5, years=5)
    assert none.regime_breakdowns().empty
    assert not none.result.measures["regime_weight"].any()


def test_per_run_spells_breakdowns_and_tenure_agree_with_the_breakdown_table():
    r = sr.run_scenario("concert_of_europe", seed=2, systems=100, years=60)
    s = r.result.summary
    table = r.regime_breakdowns()
    assert s.regime_breakdowns.sum() == len(table) > 0
    np.testing.assert_array_equal(
        s.regime_breakdowns.to_numpy(),
        table.groupby("run").size().reindex(range(len(s)), fill_value=0).to_numpy())
    assert ((s.regime_spells - s.regime_breakdowns) == s.regime_holds.astype(int)).all()
    some = s.regime_spells > 0
    np.testing.assert_allclose(s.regime_tenure[some], (s.regime_years / s.regime_spells)[some])
    assert s.regime_tenure[~some].isna().all()
    assert s.domestic_changes.sum() == r.result.measures["domestic_changes"].sum() > 0
