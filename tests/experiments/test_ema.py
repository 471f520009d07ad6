"""EMA Workbench model and PRIM scenario discovery."""

import json
import pathlib
import re

import numpy as np
import pytest

from security_regimes.experiments.store import run_sweep

pytest.importorskip("ema_workbench", reason="the ema extra (make test installs it)")

# The first-strike core at its earlier defaults, where misperception decides whether the
# regime holds (at the calibrated crisis defaults relative decline ends most spells).
FIRST_STRIKE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "concert_first_strike.toml"

SWEEP = f"""
base = "{FIRST_STRIKE.as_posix()}"
seed = 1
replicates = 4
design = "lhs"
samples = 60
years = 60
chunk_size = 60
outcomes = ["regime_years", "war_frequency"]

[parameters]
"regime.conditions.half_life" = {{ low = 5.0, high = 80.0 }}
"system.misperception" = {{ low = 0.0, high = 0.3 }}
"""


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    d = tmp_path_factory.mktemp("disc")
    (d / "s.toml").write_text(SWEEP)
    return run_sweep(d / "s.toml", d / "out", executor="serial", quiet=True).out


def test_model_names_and_results_match_the_library():
    from ema_workbench import SequentialEvaluator, perform_experiments

    from security_regimes import simulate
    from security_regimes.ema import model
    from security_regimes.experiments.sweep import apply_point
    from security_regimes.regimes.scenarios import get_scenario

    m = model("concert_of_europe", uncertainties={"system.misperception": (0.0, 0.3),
                                                   "regime.conditions.half_life": (5.0, 80.0)},
              outcomes=("regime_holds", "war_frequency"), systems=10, years=20, seed=3)
    assert [u.name for u in m.uncertainties] == ["system.misperception",
                                                 "regime.conditions.half_life"]
    assert {lev.name for lev in m.levers} == {f"regime.norms.{n}" for n in (
        "restraint", "consultation", "compensation", "no_elimination", "readmission",
        "conference", "collective")}
    with SequentialEvaluator(m) as ev:
        experiments, outcomes = perform_experiments(m, scenarios=3, policies=1, evaluator=ev)
    assert outcomes["war_frequency"].shape == (3,)
    row = experiments.iloc[0]
    point = {p.name: row[p.name] for p in [*m.uncertainties, *m.levers]}
    scn = apply_point(get_scenario("concert_of_europe"), point)
    direct = simulate(scn.system, years=20, policy=scn.policy, regime=scn.regime, systems=10,
                      seed=3, record_alliances=False, record_capabilities=False).summary
    assert np.isclose(outcomes["war_frequency"][0], direct.war_frequency.mean())


def test_replicates_are_the_runs_of_each_experiment():
    """replicates=True: every run's value (each from its own seed stream), whose mean is
    the scalar model's outcome for the same experiment (EMA's ReplicatorModel, batched)."""
    from ema_workbench import Scenario, SequentialEvaluator, perform_experiments

    from security_regimes.ema import model

    points = [Scenario(f"s{i}", **{"system.misperception": v}) for i, v in
              enumerate((0.0, 0.1, 0.3))]
    kw = {"uncertainties": {"system.misperception": (0.0, 0.3)}, "levers": {},
          "outcomes": ("war_frequency", "regime_years"), "systems": 12, "years": 20, "seed": 3}
    results = {}
    for replicates in (False, True):
        m = model("concert_of_europe", replicates=replicates, **kw)
        with SequentialEvaluator(m) as ev:
            results[replicates] = perform_experiments(m, scenarios=points, evaluator=ev)
    (e0, o0), (e1, o1) = results[False], results[True]
    runs = o1["war_frequency_by_run"]
    assert runs.shape == (3, 12) and o0["war_frequency"].shape == (3,)
    assert np.allclose(e0["system.misperception"], e1["system.misperception"])
    np.testing.assert_allclose(runs.mean(axis=1), o0["war_frequency"])
    np.testing.assert_allclose(np.nanmean(o1["regime_years_by_run"], axis=1), o0["regime_years"])
    assert np.ptp(runs, axis=1).max() > 0  # the runs differ: replicates


def test_model_refuses_unknown_parameters():
    from security_regimes.ema import model

    with pytest.raises(ValueError, match="closest: system.misperception"):
        model("concert_of_europe", uncertainties={"system.misperseption": (0, 1)})


def test_discover_finds_where_the_regime_holds(sweep):
    from security_regimes.ema import discover

    d = discover(sweep, "regime_years", threshold=5, min_density=0.5)
    assert d.rule == "regime_years > 5"
    assert 0 < d.base_rate < d.density <= 1 and 0 < d.coverage <= 1
    mis = d.limits.set_index("parameter").loc["system.misperception"]
    assert mis.high < mis["max"] - 0.1  # it holds where the powers read each other well
    assert np.isclose(d.mass, (d.trajectory.n / d.n_runs).loc[
        d.trajectory.density.sub(d.density).abs().idxmin()])
    text = repr(d)  # a few lines, not the trajectory's frame
    assert len(text) < 2000 and text.startswith("Discovery (PRIM)")
    assert f"system.misperception in [{mis.low:.4g}, {mis.high:.4g}]" in text
    assert f"{d.coverage:.3g}, {d.density:.3g}, {d.mass:.3g}" in text
    assert "<table>" in d._repr_html_()


def test_discover_cli(sweep, tmp_path, capsys):
    from tests.presentation.test_cli import run

    code, out, err = run("discover", str(sweep), "--outcome", "regime_years", "--threshold",
                         "5", "--json", "--out", str(tmp_path / "fig"), capsys=capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["rule"] == "regime_years > 5" and data["box"]
    assert (tmp_path / "fig.png").is_file()
    code, _, err = run("discover", str(sweep), "--outcome", "war_frequency", capsys=capsys)
    assert code == 2 and "give --threshold" in err and len(err.strip().splitlines()) == 1
    # A density no box reaches: the densest box, and the output says so.
    code, out, err = run("discover", str(sweep), "--outcome", "regime_years", "--threshold", "5",
                         "--min-density", "1", "--out", str(tmp_path / "fig"), capsys=capsys)
    densest = float(re.search(r"density (\d\.\d+)", out).group(1))
    assert code == 0 and ("no box reached density 1" in out) == (densest < 1), out
    code, out, _ = run("discover", str(sweep), "--outcome", "regime_years", "--threshold", "5",
                       "--min-density", "0", "--out", str(tmp_path / "fig"), capsys=capsys)
    assert code == 0 and "no box reached" not in out


def test_the_model_reports_each_runs_twin_outcomes():
    """Twin outcomes from the EMA model are the scenario's own runs against their
    identical-seed twins without norms, run by run."""
    from ema_workbench import Scenario, SequentialEvaluator, perform_experiments

    from security_regimes.ema import model
    from security_regimes.experiments.sweep import apply_point
    from security_regimes.regimes.effects import TWIN_OUTCOMES, in_force_at_start, twin_columns
    from security_regimes.regimes.scenarios import get_scenario

    m = model("concert_of_europe", uncertainties={"system.misperception": (0.0, 0.3)},
              levers={}, outcomes=TWIN_OUTCOMES, systems=15, years=40, seed=4,
              replicates=True)
    with SequentialEvaluator(m) as ev:
        _, outcomes = perform_experiments(m, scenarios=[Scenario("s", **{
            "system.misperception": 0.05})], evaluator=ev)
    scn = apply_point(get_scenario("concert_of_europe"), {"system.misperception": 0.05})
    r = scn.run(seed=4, systems=15, years=40)
    want = twin_columns(r.result.measures, r.counterfactual.measures, in_force_at_start(scn))
    for o in TWIN_OUTCOMES:
        np.testing.assert_array_equal(outcomes[f"{o}_by_run"][0], np.asarray(want[o], float), o)
    assert np.nansum(outcomes["wars_prevented_per_bound_year_by_run"][0]) != 0
