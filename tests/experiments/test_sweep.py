import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import security_regimes as sr
from security_regimes.experiments.store import query, run_sweep, sensitivity

CLI = [sys.executable, "-m", "security_regimes.presentation.cli"]

SWEEP = """
base = "kaplan_balance"
seed = 7
replicates = 6
design = "grid"
years = 30
chunk_size = 5
outcomes = ["war_frequency", "essential_survival", "regime_autonomy", "hegemony"]

[parameters]
"system.misperception" = { values = [0.0, 0.2] }
"policy.rules.3" = { low = 0.0, high = 1.0, steps = 3 }
"""


@pytest.fixture
def sweep_file(tmp_path):
    p = tmp_path / "sweep.toml"
    p.write_text(SWEEP)
    return p


def _frames(d):
    data = sr.load(d)
    return data.runs, data.years


def test_bit_identical_across_executors_and_chunk_sizes(sweep_file, tmp_path):
    ref_runs, ref_years = None, None
    for name, kw in [("serial", {"executor": "serial"}),
                     ("serial_big", {"executor": "serial", "chunk_size": 13}),
                     ("process", {"executor": "process", "workers": 2, "chunk_size": 4}),
                     ("dask", {"executor": "dask", "workers": 2})]:
        out = tmp_path / name
        rep = run_sweep(sweep_file, out, quiet=True, **kw)
        assert rep.n_runs == 36
        runs, years = _frames(out)
        assert sorted(runs.run_id) == list(range(36))
        if ref_runs is None:
            ref_runs, ref_years = runs, years
        else:
            pd.testing.assert_frame_equal(runs, ref_runs)
            pd.testing.assert_frame_equal(years, ref_years)


def test_auto_starts_processes_only_for_sweeps_worth_it(sweep_file, tmp_path, monkeypatch):
    import security_regimes.experiments.store as st

    # 36 runs x 30 years: far below the work that pays for starting processes.
    assert st.estimated_serial_seconds(5, 36, 30, 6) < st.AUTO_PROCESS_SECONDS
    small = run_sweep(sweep_file, tmp_path / "small", quiet=True)
    assert small.executor == "serial"
    # 10,000 runs x 100 years of 5 powers (1.6 s measured serially): processes.
    assert st.estimated_serial_seconds(5, 10_000, 100, 10) > st.AUTO_PROCESS_SECONDS
    monkeypatch.setattr(st, "AUTO_PROCESS_SECONDS", 0.0)  # as if this sweep were big
    big = run_sweep(sweep_file, tmp_path / "big", quiet=True, workers=2)
    assert big.executor == "process"
    assert run_sweep(sweep_file, tmp_path / "one", quiet=True, workers=1).executor == "serial"
    pd.testing.assert_frame_equal(_frames(big.out)[0], _frames(small.out)[0])
    pd.testing.assert_frame_equal(_frames(big.out)[1], _frames(small.out)[1])


def test_manifest_and_refusals(sweep_file, tmp_path):
    out = tmp_path / "out"
    run_sweep(sweep_file, out, executor="serial", quiet=True)
    m = json.loads((out / "manifest.json").read_text())
    assert m["seed"] == 7 and m["n_runs"] == 36 and m["sweep"] == SWEEP
    assert m["package_version"] == sr.__version__ and "started" in m
    with pytest.raises(ValueError, match="already holds this sweep; pass --resume"):
        run_sweep(sweep_file, out, executor="serial", quiet=True)
    other = tmp_path / "other.toml"
    other.write_text(SWEEP.replace("seed = 7", "seed = 8"))
    with pytest.raises(ValueError, match="holds a different sweep"):
        run_sweep(other, out, executor="serial", quiet=True, resume=True)
    # Resuming a finished sweep runs nothing.
    rep = run_sweep(sweep_file, out, executor="serial", quiet=True, resume=True)
    assert rep.chunks_run == 0 and rep.chunks_skipped == 8


def test_query_and_load(sweep_file, tmp_path):
    out = tmp_path / "out"
    run_sweep(sweep_file, out, executor="serial", quiet=True)
    df = query(out, 'select "policy.rules.3" as w, count(*) n, avg(essential_survival) s '
                    "from runs group by 1 order by 1")
    assert df.n.tolist() == [12, 12, 12]
    assert query(out, "select count(*) c from years").c[0] == 36 * 30
    # Years where a measure is undefined (no restraint: no autonomy) are null,
    # as in the runs table, so SQL averages skip them; load() gives NaN.
    years = sr.load(out).years
    undefined = years.regime_autonomy.isna()
    assert 0 < undefined.sum() < len(years)
    per_year = query(out, "select avg(regime_autonomy) a, count(regime_autonomy) n, "
                          "avg(cooperation_rate) c from years")
    assert per_year.n[0] == (~undefined).sum()
    assert per_year.a[0] == pytest.approx(years.regime_autonomy.mean())
    assert per_year.c[0] == pytest.approx(years.cooperation_rate.mean())
    runs = sr.load(out).runs
    assert 0 < runs.hegemony.isna().sum() < len(runs)  # no hegemony in a run: null too
    assert query(out, "select count(hegemony) n from runs").n[0] == runs.hegemony.notna().sum()
    import pyarrow.parquet as pq

    schema = pq.read_schema(next((out / "chunks").glob("years-*.parquet")))
    assert [f.name for f in schema if f.nullable] == ["cooperation_rate", "regime_autonomy"]
    with pytest.raises(ValueError, match="query failed"):
        query(out, "select nonsense from runs")
    r = subprocess.run([*CLI, "query", str(out), "select count(*) as n from runs", "--csv"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.splitlines() == ["n", "36"]
    r = subprocess.run([*CLI, "query", str(tmp_path), "select 1"], capture_output=True, text=True)
    assert r.returncode == 2 and "is not a sweep results directory" in r.stderr


def _wait_for(predicate, timeout=60):
    t = time.time()
    while time.time() - t < timeout:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("kill_after_chunks", [0, 3])
def test_sigkill_then_resume_loses_nothing_and_duplicates_nothing(sweep_file, tmp_path,
                                                                  kill_after_chunks):
    # 18 chunks of 2 runs x 4,000 years (about 15 ms each): the sweep is still
    # running when it is killed after 3 (with 400 years it sometimes finished
    # within one 50 ms poll).
    slow = tmp_path / "slow.toml"
    slow.write_text(SWEEP.replace("years = 30", "years = 4000").replace("chunk_size = 5",
                                                                        "chunk_size = 2"))
    out = tmp_path / "killed"
    proc = subprocess.Popen([*CLI, "sweep", str(slow), "--out", str(out), "--executor",
                             "serial", "--quiet"])
    chunks = out / "chunks"
    assert _wait_for(lambda: (out / "manifest.json").exists())
    assert _wait_for(lambda: len(list(chunks.glob("runs-*.parquet"))) >= kill_after_chunks)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = list(chunks.glob("runs-*.parquet"))
    assert len(finished) < 18  # really interrupted
    for f in chunks.glob("*.parquet"):
        pd.read_parquet(f)  # every visible file is complete
    for f in finished:
        assert (chunks / f.name.replace("runs-", "years-")).exists()
    r = subprocess.run([*CLI, "sweep", str(slow), "--out", str(out), "--executor", "serial",
                        "--quiet", "--resume"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    runs, years = _frames(out)
    assert sorted(runs.run_id) == list(range(36))  # every run exactly once
    assert not years.duplicated(["run_id", "year"]).any()
    clean = tmp_path / "clean"
    run_sweep(slow, clean, executor="serial", quiet=True)
    ref_runs, ref_years = _frames(clean)
    pd.testing.assert_frame_equal(runs, ref_runs)
    pd.testing.assert_frame_equal(years, ref_years)


def test_sensitivity_needs_sobol(sweep_file, tmp_path):
    out = tmp_path / "grid"
    run_sweep(sweep_file, out, executor="serial", quiet=True)
    with pytest.raises(ValueError, match='Sobol indices need a sweep with design = "sobol"'):
        sensitivity(out, "war_frequency")


def test_sobol_indices(tmp_path):
    p = tmp_path / "sobol.toml"
    p.write_text("""
base = "concert_of_europe"
seed = 2
replicates = 4
design = "sobol"
samples = 32
years = 50
chunk_size = 64
outcomes = ["war_frequency", "regime_autonomy"]
[parameters]
"system.stakes" = { low = 0.05, high = 1.0 }
"regime.conditions.shock_rate" = { low = 0.0, high = 0.05 }
""")
    out = tmp_path / "s"
    run_sweep(p, out, executor="serial", quiet=True)
    si = sensitivity(out, "war_frequency")
    assert list(si.parameter) == ["system.stakes", "regime.conditions.shock_rate"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(si.columns)
    # What is at stake drives war; the revisionist shock rate barely can in 50 years.
    assert si.ST[0] > si.ST[1]
    # Replicate noise's share of the variance of the point means.
    g = sr.load(out).runs.groupby("point").war_frequency
    share = (g.var(ddof=1) / 4).mean() / g.mean().var(ddof=1)
    assert si.attrs["noise_share"] == pytest.approx(share) and 0 < share < 1
    assert (si.attrs["points"], si.attrs["replicates"], si.attrs["imputed"]) == (128, 4, 0)
    with pytest.raises(ValueError, match="unknown outcome 'joy'"):
        sensitivity(out, "joy")
    # The command says how much of that variance is noise; with --json, on stderr.
    r = subprocess.run([*CLI, "sensitivity", str(out), "--outcome", "war_frequency", "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 2
    assert r.stderr.startswith(f"Replicate noise is {100 * share:.0f}% of the variance of the "
                               "128 point means (4 replicates a point).")
    assert ("mostly measure noise" in r.stderr) == (share > 0.5)


def test_noise_note_with_one_replicate_and_imputed_points():
    from security_regimes.presentation.cli import _noise_note

    note = _noise_note({"noise_share": float("nan"), "replicates": 1, "points": 8, "imputed": 2})
    assert note.startswith("One replicate a point: replicate noise cannot be measured")
    assert note.endswith("2 point(s) never had this outcome and were given the mean of the others.")
    assert _noise_note({"noise_share": 0.1, "replicates": 5, "points": 8, "imputed": 0}) == (
        "Replicate noise is 10% of the variance of the 8 point means (5 replicates a point).")


def test_unreachable_dask_scheduler_one_line(sweep_file, tmp_path):
    env = {**os.environ, "SECURITY_REGIMES_DASK_TIMEOUT": "2"}
    t = time.time()
    r = subprocess.run([*CLI, "sweep", str(sweep_file), "--out", str(tmp_path / "d"),
                        "--executor", "dask", "--address", "tcp://127.0.0.1:9", "--quiet"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2
    assert "could not reach the Dask scheduler at tcp://127.0.0.1:9 within 2 s" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert time.time() - t < 30
    assert not (tmp_path / "d").exists()  # nothing written


def test_lhs_with_distributions(tmp_path):
    from security_regimes.experiments.files import load_sweep_file
    from security_regimes.experiments.sweep import design_points

    p = tmp_path / "lhs.toml"
    p.write_text("""
base = "concert_of_europe"
seed = 3
design = "lhs"
samples = 400
[parameters]
"regime.conditions.half_life" = { low = 2.0, high = 200.0, dist = "loguniform" }
"system.misperception" = { mean = 0.1, sd = 0.05, low = 0.0, high = 1.0, dist = "normal" }
"policy.name" = { values = ["waltz", "far_sighted_waltz"] }
""")
    model, scenario = load_sweep_file(p)
    pts = design_points(model, scenario)
    hl = pts["regime.conditions.half_life"]
    assert hl.between(2, 200).all()
    # loguniform: the median is the geometric mean of the bounds (20)
    assert 14 < hl.median() < 28
    mis = pts["system.misperception"]
    assert mis.min() >= 0 and abs(mis.mean() - 0.1) < 0.01
    assert set(pts["policy.name"]) == {"waltz", "far_sighted_waltz"}
    # Latin hypercube: each of 400 strata of the uniform scale holds one point
    u = np.log(hl / 2) / np.log(100)
    assert sorted(np.floor(u * 400).astype(int)) == list(range(400))


def test_distribution_needs_lhs(tmp_path):
    from security_regimes.experiments.files import load_sweep_file

    p = tmp_path / "bad.toml"
    p.write_text('base = "concert_of_europe"\n[parameters]\n'
                 '"system.war_cost" = { low = 0.01, high = 0.1, steps = 3, dist = "loguniform" }\n')
    with pytest.raises(ValueError, match='needs design = "lhs"'):
        load_sweep_file(p)


def test_war_sizes_beyond_float32_are_stored_as_simulated(tmp_path):
    # Capabilities grow without bound: over 10,000 years (the longest run
    # allowed) war sizes pass float32's 3.4e38, which the store once wrote as inf.
    # kaplan_balance under the first-strike core at its earlier defaults: it fights to
    # the end of the run (under the calibrated crisis core rule 1's conferences settle
    # every crisis, and no war grows past float32 for want of wars)
    from dataclasses import replace

    from security_regimes.experiments.files import load_sweep_file
    from security_regimes.experiments.sweep import apply_point
    from security_regimes.regimes.scenarios import get_scenario
    from security_regimes.regimes.writer import scenario_toml
    from security_regimes.system import uncalibrated

    kaplan = get_scenario("kaplan_balance")
    (tmp_path / "kaplan_fs.toml").write_text(scenario_toml(replace(
        kaplan, system=uncalibrated(kaplan.system))))
    p = tmp_path / "long.toml"
    p.write_text(SWEEP.replace("years = 30", "years = 10000").replace("replicates = 6",
                                                                      "replicates = 1")
                 .replace('base = "kaplan_balance"', 'base = "kaplan_fs.toml"'))
    out = run_sweep(p, tmp_path / "long", executor="serial", quiet=True).out
    years = sr.load(out).years
    assert np.isfinite(years.war_size).all()
    assert (years.war_size > np.finfo(np.float32).max).any()
    model, scenario = load_sweep_file(p)
    for run in (0, 5):
        point = sr.load(out).points.iloc[run]
        scn = apply_point(scenario, {"system.misperception": float(point["system.misperception"]),
                                     "policy.rules.3": float(point["policy.rules.3"])})
        res = sr.simulate(scn.system, years=10_000, policy=scn.policy, regime=scn.regime,
                          systems=1, seed=7, first_index=run, dyadic=scn.dyadic)
        stored = years[years.run_id == run].war_size.to_numpy()
        np.testing.assert_array_equal(stored, res.measures["war_size"][0])


def test_check_points_gives_each_points_scenario_and_names_the_first_bad_one():
    from security_regimes.experiments.sweep import apply_point, check_points
    from security_regimes.regimes.scenarios import get_scenario

    base = get_scenario("kaplan_balance")
    points = pd.DataFrame({"point": range(5),
                           "dyadic": ["Tit For Tat", "Defector", "Tit For Tat", "Tit For Tat",
                                      "Defector"],
                           "system.misperception": [0.1, 0.1, 0.1, 0.3, 0.1]})
    scenarios = check_points(base, points, 30)
    for k, (dyadic, mis) in enumerate(zip(points.dyadic, points["system.misperception"],
                                          strict=True)):
        assert scenarios[k] == apply_point(base, {"dyadic": dyadic, "system.misperception": mis})
    assert scenarios[2] is scenarios[0] and scenarios[4] is scenarios[1]  # equal points: built once
    assert scenarios[3] is not scenarios[0]
    # An unknown strategy, after good points with the same number of powers, is still checked.
    bad = points.assign(dyadic=["Tit For Tat", "Defector", "Tit For Tat", "Bogus",
                                "Defector"])
    with pytest.raises(ValueError, match=r"^parameters \(point 3: dyadic = 'Bogus', "
                                         r"system.misperception = 0.3\): unknown strategy"):
        check_points(base, bad, 30)


def test_a_sweep_from_python_equals_the_same_sweep_from_a_file(sweep_file, tmp_path):
    """Issue 29: sr.sweep(base, parameters=...) as mesa.batch_run or EMA's
    perform_experiments, with the file's seeds and store."""
    run_sweep(sweep_file, tmp_path / "file", executor="serial", quiet=True)
    d = sr.sweep("kaplan_balance", {"system.misperception": [0.0, 0.2],
                                    "policy.rules.3": {"low": 0.0, "high": 1.0, "steps": 3}},
                 seed=7, replicates=6, years=30, chunk_size=5, out=tmp_path / "py",
                 outcomes=["war_frequency", "essential_survival", "regime_autonomy",
                           "hegemony"], executor="process", workers=2)
    runs, years = _frames(tmp_path / "file")
    pd.testing.assert_frame_equal(d.runs, runs)
    pd.testing.assert_frame_equal(d.years, years)
    assert d.manifest["sweep_file"] == "sweep()" and "kaplan_balance" in d.manifest["sweep"]
    with pytest.raises(ValueError, match=r"resume=True from Python"):
        sr.sweep("kaplan_balance", {"system.misperception": [0.0, 0.2],
                                    "policy.rules.3": {"low": 0.0, "high": 1.0, "steps": 3}},
                 seed=7, replicates=6, years=30, chunk_size=5, out=tmp_path / "py",
                 outcomes=["war_frequency", "essential_survival", "regime_autonomy",
                           "hegemony"])


def test_a_scenario_built_in_python_can_be_swept(tmp_path):
    from dataclasses import replace

    base = sr.run_scenario  # noqa: F841 (the lazy import of the scenario layer)
    from security_regimes.regimes.scenarios import get_scenario

    scn = replace(get_scenario("waltz_balance"), name="mine",
                  system=get_scenario("waltz_balance").system.with_(transfer=0.2))
    d = sr.sweep(scn, {"system.first_strike": [0.0, 0.4]}, replicates=3, years=12,
                 out=tmp_path / "mine")
    assert len(d.points) == 2 and len(d.runs) == 6
    assert "transfer = 0.2" in d.manifest["sweep"]  # the base scenario, as a file
    # Its runs are the runs of the scenario at each point, from the sweep's streams.
    point = replace(scn, system=scn.system.with_(first_strike=0.4))
    alone = point.simulate(systems=3, years=12, seed=1, first_index=3).summary
    np.testing.assert_array_equal(d.runs.war_frequency.to_numpy()[3:],
                                  alone.war_frequency.to_numpy())
    # Another base scenario in the same directory is a different sweep.
    other = replace(scn, system=scn.system.with_(transfer=0.3))
    with pytest.raises(ValueError, match="holds a different sweep"):
        sr.sweep(other, {"system.first_strike": [0.0, 0.4]}, replicates=3, years=12,
                 out=tmp_path / "mine", resume=True)


def test_a_scenario_with_a_custom_strategy_can_be_swept(tmp_path):
    """Issue 29: a strategy written in Python plays in the system and in a sweep."""
    from dataclasses import dataclass, replace

    from security_regimes.regimes.files import scenario_to_toml
    from security_regimes.regimes.scenarios import get_scenario

    @dataclass(frozen=True)
    class ForgivingGrudger(sr.Strategy):
        """Restrains until the other expands, then expands for ``memory`` turns."""

        memory: int = 3
        name = "Forgiving Grudger"

        def initial(self):
            return 0

        def act(self, state):
            return 1.0 if state == 0 else 0.0

        def observe(self, state, intended, actual, seen):
            return self.memory if not seen else max(state - 1, 0)

    base = get_scenario("waltz_balance")
    mine = replace(base, name="forgiving", dyadic=ForgivingGrudger())
    d = sr.sweep(mine, {"system.misperception": [0.0, 0.2]}, replicates=3, years=15,
                 out=tmp_path / "f")
    point = replace(mine, system=mine.system.with_(misperception=0.2))
    alone = point.simulate(systems=3, years=15, seed=1, first_index=3).summary
    np.testing.assert_array_equal(d.runs.cooperation_rate.to_numpy()[3:],
                                  alone.cooperation_rate.to_numpy())
    # an object that is a built-in strategy plays as its name does; the custom
    # one plays otherwise, and a different memory is a different strategy
    by_name = replace(point, dyadic="Tit For Tat").simulate(systems=3, years=15, seed=1).summary
    by_object = replace(point, dyadic=sr.TitForTat()).simulate(systems=3, years=15, seed=1)
    np.testing.assert_array_equal(by_name.cooperation_rate, by_object.summary.cooperation_rate)
    assert not np.array_equal(by_name.cooperation_rate,
                              point.simulate(systems=3, years=15, seed=1).summary.cooperation_rate)
    # only names have a file form; a sweep's manifest says so instead
    with pytest.raises(ValueError, match="has no file form"):
        scenario_to_toml(mine)
    assert "not writable as TOML" in d.manifest["sweep"]
    with pytest.raises(ValueError, match="dyadic must be a strategy"):
        replace(base, dyadic=3)


@pytest.mark.parametrize("parameters, expected", [
    ({"system.frist_strike": [0.0]}, "frist_strike"),
    ({"system.first_strike": {"low": 0.5, "high": 0.1}}, "high must be > low"),
    ("system.first_strike", "parameters must be a dict"),
])
def test_a_bad_python_sweep_is_one_line_and_writes_nothing(parameters, expected, tmp_path):
    with pytest.raises(ValueError, match=expected) as e:
        sr.sweep("kaplan_balance", parameters, out=tmp_path / "x")
    assert "\n" not in str(e.value) and not (tmp_path / "x").exists()


def test_sweep_data_to_xarray(tmp_path):
    d = sr.sweep("kaplan_balance", {"system.first_strike": [0.0, 0.5]}, replicates=3, years=8,
                 out=tmp_path / "x")
    ds = d.to_xarray()
    assert dict(ds.sizes) == {"point": 2, "replicate": 3, "year": 8}
    assert ds["system.first_strike"].values.tolist() == [0.0, 0.5]
    assert ds.calendar_year.values.tolist() == list(range(1816, 1824))
    runs = d.runs.set_index(["point", "replicate"])
    assert ds.war_frequency.sel(point=1, replicate=2).item() == runs.war_frequency.loc[(1, 2)]
    years = d.years[d.years.run_id == 4].set_index("year")
    np.testing.assert_array_equal(ds.hhi.sel(point=1, replicate=1).values, years.hhi.values)
    assert ds.attrs["base_scenario"] == "kaplan_balance" and ds.attrs["seed"] == "1"


def test_twin_outcomes_equal_the_scenarios_own_runs_and_twins(tmp_path):
    """A sweep's twin outcomes at each point are those of the point's scenario run
    with its identical-seed twin (point 0: runs 0..R-1 of the seed, as
    ``Scenario.run``); norms at zero strength prevent exactly 0 wars where they bind."""
    from dataclasses import replace

    from security_regimes.regimes.effects import TWIN_OUTCOMES, in_force_at_start, twin_columns
    from security_regimes.regimes.scenarios import get_scenario

    twins = list(TWIN_OUTCOMES)
    d = sr.sweep("concert_of_europe", {"regime.norms.restraint": [1.0, 0.0]}, replicates=20,
                 years=40, seed=5, outcomes=["war_frequency", *twins], out=tmp_path / "s",
                 executor="serial")
    runs = d.runs.sort_values("run_id")
    scn = get_scenario("concert_of_europe")
    r = scn.run(seed=5, systems=20, years=40)
    want = twin_columns(r.result.measures, r.counterfactual.measures, in_force_at_start(scn))
    first = runs[runs.point == 0]
    for o in twins:
        np.testing.assert_array_equal(first[o].to_numpy(float), np.asarray(want[o], float), o)
    assert (first.years_bound > 0).any() and (first.wars_prevented_per_bound_year != 0).any()
    # the same columns the scenario's regime_effects table averages
    eff = r.regime_effects().set_index("measure")
    assert np.isclose(eff.loc["wars_prevented_per_bound_year", "value"],
                      np.nanmean(first.wars_prevented_per_bound_year))
    # norms that never restrain and no collective action: the twin is the same world
    weak = replace(scn, regime=scn.regime.with_norms(**dict.fromkeys(scn.regime.norms, 0.0)))
    d0 = sr.sweep(weak, {"system.misperception": [0.0, 0.05]}, replicates=10, years=40, seed=2,
                  outcomes=twins, out=tmp_path / "w", executor="serial")
    bound = d0.runs[d0.runs.years_bound > 0]
    assert len(bound) and (bound.wars_prevented_per_bound_year == 0).all()
    assert d0.runs[d0.runs.years_bound == 0].wars_per_bound_year.isna().all()
