"""Calibration: file validation, parameter recovery, resume after kill -9, outputs."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyabc", reason="the calibrate extra (make test installs it)")

from security_regimes.experiments.calibrate import (  # noqa: E402
    load_calibration_file,
    run_calibration,
    weighted_quantile,
)
from security_regimes.regimes.history import simulated_patterns  # noqa: E402
from tests.presentation.test_cli import run  # noqa: E402

CLI = [sys.executable, "-m", "security_regimes.presentation.cli"]

SMALL = """
scenario = "waltz_balance"
seed = 2
populations = {populations}
particles = {particles}
systems = {systems}
fit = [1816, {fit_end}]
holdout = {holdout}
ppc_draws = 10
[statistics]
{statistics}
[parameters]
{parameters}
"""


def write(tmp_path, name="c.toml", populations=2, particles=20, systems=4, fit_end=1850,
          holdout="[1851, 1880]", statistics="wars_per_pair_year = 1.0\ncon = 1.0",
          parameters='"system.transfer" = { prior = "uniform", low = 0.1, high = 0.7 }'):
    p = tmp_path / name
    p.write_text(SMALL.format(populations=populations, particles=particles, systems=systems,
                              fit_end=fit_end, holdout=holdout, statistics=statistics,
                              parameters=parameters))
    return p


BAD = {
    "unknown parameter": ({"parameters": '"system.transferr" = { low = 0.1, high = 0.7 }'},
                          "parameters.system.transferr: not a parameter of waltz_balance; "
                          "closest: system.transfer"),
    "low above high": ({"parameters": '"system.transfer" = { low = 0.7, high = 0.1 }'},
                       "high must be > low"),
    "unknown statistic": ({"statistics": "happiness = 1.0"}, "statistics.happiness"),
    "period outside": ({"fit_end": 1950}, "fit: period must lie within 1816-1913 or 1946-1991"),
    "two eras": ({"fit_end": 1870, "holdout": "[1950, 1960]"}, "lie in different eras"),
    "overlap": ({"holdout": "[1840, 1880]"}, "the fit and holdout periods overlap"),
    "non-numeric": ({"parameters": '"policy.name" = { low = 0.0, high = 1.0 }'},
                    "only numeric parameters"),
    "normal without sd": ({"parameters": '"system.shadow" = { prior = "normal", mean = 0.9 }'},
                          "a normal prior needs mean and sd"),
    # issue 30: priors outside the valid range, non-finite numbers, empty or zero weights
    "prior outside the range": (
        {"parameters": '"system.misperception" = { low = 0.5, high = 2.0 }'},
        "parameters.system.misperception.high: system.misperception must be a number in "
        "[0, 1], got 2.0"),
    "infinite bound": ({"parameters": '"system.transfer" = { low = 0.1, high = inf }'},
                       "parameters.system.transfer.high"),
    "nan mean": ({"parameters": '"system.shadow" = { prior = "normal", mean = nan, sd = 0.1 }'},
                 "parameters.system.shadow.mean"),
    "no statistic": ({"statistics": ""}, "name at least one statistic"),
    "zero weights": ({"statistics": "con = 0.0"}, "at least one weight must be above 0"),
    "infinite weight": ({"statistics": "con = inf"}, "weight of con must be a finite number"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_calibration_files_one_line_nothing_written(case, tmp_path, monkeypatch, capsys):
    kwargs, msg = BAD[case]
    monkeypatch.chdir(tmp_path)
    f = write(tmp_path, **kwargs)
    before = sorted(tmp_path.iterdir())
    code, _, err = run("calibrate", str(f), "--out", "cal", capsys=capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and msg in err, err
    assert sorted(tmp_path.iterdir()) == before


def test_recovers_known_parameters(tmp_path):
    """Simulate from known values, calibrate on the simulated statistics, find them again."""
    f = write(tmp_path, populations=3, particles=40, systems=8, fit_end=1860,
              holdout="[1861, 1880]",
              statistics="eliminations = 1.0\ncon = 1.0\nwars_per_pair_year = 1.0",
              parameters='"system.transfer" = { prior = "uniform", low = 0.05, high = 0.9 }')
    model, scenario = load_calibration_file(f)
    truth = 0.2
    from security_regimes.experiments.calibrate import _run

    res = _run(scenario, {"system.transfer": truth}, 400, 1880 - 1816 + 1, seed=11)
    observed = simulated_patterns(res, 1816, 1816, 1860).mean().to_dict()
    out = run_calibration(f, tmp_path / "cal", quiet=True, observed=observed)
    post = pd.read_parquet(out / "posterior.parquet")
    last = post[post.generation == post.generation.max()]
    x, w = last["system.transfer"].to_numpy(), last.weight.to_numpy()
    lo, hi = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
    assert lo <= truth <= hi, (lo, hi)
    assert hi - lo < 0.6  # narrower than the prior (0.85 wide): the data inform it
    gens = pd.read_parquet(out / "generations.parquet")
    assert list(gens.generation) == [0, 1, 2]
    assert (gens.epsilon.diff().dropna() < 0).all()  # the tolerance tightens every generation
    ppc = pd.read_parquet(out / "ppc.parquet")
    assert set(ppc.period) == {"fit", "holdout"}
    assert list(ppc.columns[:7]) == ["statistic", "period", "years", "observed", "median", "lo",
                                     "hi"]
    assert (ppc.lo <= ppc["median"]).all() and (ppc["median"] <= ppc.hi).all()
    text = (out / "calibrated.toml").read_text()
    from security_regimes.regimes.files import load_scenario_file

    calibrated, _ = load_scenario_file(out / "calibrated.toml")
    median = weighted_quantile(x, w, 0.5)
    assert calibrated.system.transfer == pytest.approx(median) and "Calibrated" in text
    from security_regimes.presentation.report import write_report

    html = write_report(out).read_text()
    assert "Posterior predictive check" in html and html.count("<img") >= 3
    # The same directory read back as a result object.
    import security_regimes as sr

    cal = sr.load_calibration(out)
    assert cal.parameters == ["system.transfer"] and len(cal.final) == 40
    assert cal.medians()["system.transfer"] == pytest.approx(median)
    q = cal.quantiles()
    assert list(q.columns) == ["parameter", "q05", "q50", "q95"]
    assert q.q05.iloc[0] == pytest.approx(lo) and q.q95.iloc[0] == pytest.approx(hi)
    assert cal.calibrated().system.transfer == pytest.approx(median)
    text = repr(cal)
    assert len(text) < 2000 and "CalibrationResult" in text and "system.transfer = " in text
    n_fit = int(ppc[ppc.period == "fit"].inside.sum())
    assert f"inside 90% (fit): {n_fit} of {int((ppc.period == 'fit').sum())}" in text
    assert "<table>" in cal._repr_html_()
    ax = cal.plot()
    assert ax.get_xlabel() == "system.transfer" and len(ax.lines) == 1
    x_kde, y_kde = ax.lines[0].get_data()
    assert (y_kde >= 0).all() and x_kde.min() <= median <= x_kde.max()
    idata = cal.to_arviz(draws=200, seed=3)
    drawn = idata.posterior["system.transfer"].values
    assert drawn.shape == (1, 200) and set(drawn.ravel()) <= set(cal.final["system.transfer"])
    assert np.array_equal(drawn, cal.to_arviz(draws=200, seed=3).posterior["system.transfer"])
    assert set(idata.observed_data.data_vars) == set(ppc[(ppc.period == "fit")
                                                        & ppc.fitted].statistic)
    assert idata.posterior.attrs["particles"] == 40
    gens = cal.generations
    assert ((gens.ess > 0) & (gens.ess <= gens.particles + 1e-9)).all()
    with pytest.raises(ValueError, match="unknown parameter 'system.shadow'.*fitted "
                                         "system.transfer"):
        cal.plot("system.shadow")


def test_load_calibration_refuses_what_is_not_a_finished_calibration(tmp_path):
    from security_regimes.experiments.calibrate import load_calibration

    with pytest.raises(ValueError, match="not a calibration directory .no manifest.json."):
        load_calibration(tmp_path)
    (tmp_path / "manifest.json").write_text('{"kind": "sweep"}')
    with pytest.raises(ValueError, match="its manifest is a 'sweep' one"):
        load_calibration(tmp_path)
    (tmp_path / "manifest.json").write_text("{oops")
    with pytest.raises(ValueError, match="manifest.json: not valid JSON"):
        load_calibration(tmp_path)
    (tmp_path / "manifest.json").write_text('{"kind": "calibration"}')
    with pytest.raises(ValueError, match="has not finished .no posterior.parquet, "
                                         "generations.parquet, ppc.parquet.; continue it"):
        load_calibration(tmp_path)


def test_adaptive_distance_recovers_a_parameter_from_counts_and_the_pattern(tmp_path):
    """Issue 27: wars as a count, the record's pattern as an event, adaptive scales."""
    f = write(tmp_path, populations=3, particles=40, systems=10, fit_end=1870,
              holdout="[1871, 1900]",
              statistics="wars = 1.0\npeace_then_wars = 1.0\nyears_to_first_war = 1.0",
              parameters='"system.first_strike" = { prior = "uniform", low = -0.5, high = 0.5 }')
    f.write_text(f.read_text().replace("ppc_draws = 10", 'ppc_draws = 10\ndistance = "adaptive"'))
    model, scenario = load_calibration_file(f)
    assert model.distance == "adaptive"
    from security_regimes.experiments.calibrate import _run

    truth = -0.2
    res = _run(scenario, {"system.first_strike": truth}, 400, 1900 - 1816 + 1, seed=11)
    observed = simulated_patterns(res, 1816, 1816, 1870).mean().to_dict()
    assert 0 < observed["peace_then_wars"] < 1  # the pattern is an event with a probability
    out = run_calibration(f, tmp_path / "cal", quiet=True, observed=observed)
    post = pd.read_parquet(out / "posterior.parquet")
    last = post[post.generation == post.generation.max()]
    x, w = last["system.first_strike"].to_numpy(), last.weight.to_numpy()
    lo, hi = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
    assert lo <= truth <= hi and hi - lo < 0.6, (lo, hi)  # the prior is 1.0 wide
    ppc = pd.read_parquet(out / "ppc.parquet")
    # The pattern is a fit-period statistic: not checked where it is undefined.
    assert set(ppc[ppc.statistic == "peace_then_wars"].period) == {"fit"}


def test_the_pattern_needs_a_fit_period_that_contains_it(tmp_path):
    f = write(tmp_path, fit_end=1850, statistics="peace_then_wars = 1.0")
    with pytest.raises(ValueError, match="the pattern spans 1816-1870; the fit period "
                                         "1816-1850 must contain it"):
        load_calibration_file(f)
    f = write(tmp_path, fit_end=1870, holdout="[1871, 1880]", statistics="wars = 1.0")
    f.write_text(f.read_text().replace("ppc_draws = 10", 'ppc_draws = 10\ndistance = "adaptve"'))
    with pytest.raises(ValueError, match="distance"):
        load_calibration_file(f)


def _generations(db) -> int:
    try:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_generation_cut_off_while_being_written_is_redone_on_resume(tmp_path):
    """A kill can leave part of a population in pyabc's database (it writes one in
    several transactions): --resume drops it and computes that generation again."""
    from security_regimes.experiments.calibrate import drop_unfinished_generation

    f = write(tmp_path, populations=2, particles=20, systems=3)
    out = run_calibration(f, tmp_path / "cal", quiet=True)
    db = out / "calibration.db"
    assert not drop_unfinished_generation(db, 20)  # a finished run has nothing to drop
    with sqlite3.connect(db) as con:  # cut the last generation's particles in half
        pop = con.execute("SELECT id FROM populations WHERE t = 1").fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT p.id FROM particles p JOIN models m ON "
                                         "p.model_id = m.id WHERE m.population_id = ?", (pop,))]
        con.execute(f"DELETE FROM particles WHERE id IN ({','.join(map(str, ids[:10]))})")
    r = subprocess.run([*CLI, "calibrate", str(f), "--out", str(out), "--executor", "serial",
                        "--quiet", "--resume"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    post = pd.read_parquet(out / "posterior.parquet")
    last = post[post.generation == 1]
    assert len(last) == 20 and last.weight.sum() == pytest.approx(1.0)


def test_kill_9_then_resume_keeps_finished_generations(tmp_path):
    f = write(tmp_path, populations=3, particles=20, systems=5)
    out = tmp_path / "cal"
    proc = subprocess.Popen([*CLI, "calibrate", str(f), "--out", str(out), "--executor",
                             "serial", "--quiet"])
    end = time.time() + 120
    while _generations(out / "calibration.db") < 1 and time.time() < end:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = _generations(out / "calibration.db")
    assert 1 <= kept < 3 and not (out / "posterior.parquet").exists()
    r = subprocess.run([*CLI, "calibrate", str(f), "--out", str(out), "--executor", "serial",
                        "--quiet", "--resume"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    post = pd.read_parquet(out / "posterior.parquet")
    assert sorted(post.generation.unique()) == [0, 1, 2]
    assert json.loads((out / "manifest.json").read_text())["generations"] == 3
    code = subprocess.run([*CLI, "calibrate", str(f), "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert code.returncode == 2 and "is not empty" in code.stderr
    # More generations continue the same calibration; other changes are refused.
    more = write(tmp_path, name="more.toml", populations=4, particles=20, systems=5)
    r = subprocess.run([*CLI, "calibrate", str(more), "--out", str(out), "--executor", "serial",
                        "--quiet", "--resume"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert sorted(pd.read_parquet(out / "posterior.parquet").generation.unique()) == [0, 1, 2, 3]
    other = write(tmp_path, name="other.toml", populations=4, particles=20, systems=6)
    r = subprocess.run([*CLI, "calibrate", str(other), "--out", str(out), "--resume"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "only populations may change" in r.stderr
    assert np.isfinite(post.weight).all()


def test_identifiability_finds_a_parameter_the_data_cannot_see(tmp_path):
    from security_regimes.experiments.calibrate import identifiability

    f = write(tmp_path, systems=6, statistics="wars_per_pair_year = 1.0\ncon = 1.0",
              parameters='"system.first_strike" = { low = -0.5, high = 1.0 }\n'
                         '"system.restore_rate" = { low = 0.0, high = 1.0 }')
    df = identifiability(f, samples=8).set_index(["statistic", "parameter"])
    # Waltz never restores an eliminated power: restore_rate cannot matter.
    assert df.loc[("wars_per_pair_year", "system.restore_rate"), "ST"] == 0
    assert df.loc[("wars_per_pair_year", "system.first_strike"), "ST"] > 0.3


def test_contrasts_over_a_posterior(tmp_path, capsys):
    d = tmp_path / "cal"
    d.mkdir()
    pd.DataFrame({"system.first_strike": [-0.4, 0.0, 0.8], "system.transfer": [0.2, 0.4, 0.6],
                  "weight": [0.2, 0.3, 0.5], "generation": [1, 1, 1]}).to_parquet(
        d / "posterior.parquet")
    code, out, err = run("contrasts", str(d), "--draws", "3", "--systems", "4", "--json",
                         capsys=capsys)
    assert code == 0, err
    rows = {r["contrast"]: r for r in json.loads(out)}
    assert "kaplan_survival_above_waltz" in rows and "paradox_fewer_direct_wars" in rows
    assert all(0 <= r["share_positive"] <= 1 for r in rows.values())
    assert all(r["lo"] <= r["median"] <= r["hi"] for r in rows.values()
               if r["share_undefined"] < 1)
    assert rows["kaplan_survival_above_waltz"]["share_undefined"] == 0
    values = pd.read_parquet(d / "contrasts.parquet")
    assert len(values) == 3 and set(values["system.transfer"]) <= {0.2, 0.4, 0.6}
    code, _, err = run("contrasts", str(tmp_path), capsys=capsys)
    assert code == 2 and "no posterior.parquet" in err


def test_regime_on_top_of_a_base_scenario_file(tmp_path):
    from security_regimes.regimes.files import scenario_to_toml
    from security_regimes.regimes.scenarios import get_scenario

    (tmp_path / "base.toml").write_text(scenario_to_toml(get_scenario("waltz_balance")))
    f = tmp_path / "r.toml"
    f.write_text(SMALL.format(populations=1, particles=10, systems=2, fit_end=1850,
                              holdout="[1851, 1860]", statistics="con = 1.0",
                              parameters='"regime.conditions.half_life" = { low = 5.0, '
                                         'high = 80.0 }')
                 .replace('scenario = "waltz_balance"',
                          'scenario = "base.toml"\nregime_from = "concert_of_europe"'))
    model, scenario = load_calibration_file(f)
    assert scenario.regime is not None and scenario.policy.name == "waltz"
    assert scenario.name == "waltz_balance_with_concert_of_europe_regime"
    bad = tmp_path / "bad.toml"
    bad.write_text(f.read_text().replace('regime_from = "concert_of_europe"',
                                         'regime_from = "anarchy"'))
    with pytest.raises(ValueError, match="regime_from: scenario anarchy has no regime"):
        load_calibration_file(bad)


@pytest.mark.parametrize("damage", ["manifest", "database"])
def test_resume_of_a_damaged_calibration_is_one_line(damage, tmp_path, monkeypatch, capsys):
    """Issue 30: a garbage manifest.json or a truncated calibration.db, then --resume."""
    monkeypatch.chdir(tmp_path)
    f = write(tmp_path, populations=1, particles=10, systems=2)
    out = tmp_path / "cal"
    out.mkdir()
    if damage == "manifest":
        (out / "calibration.db").write_bytes(b"")
        (out / "manifest.json").write_text("{garbage")
        expected = "manifest.json: not a calibration manifest"
    else:
        import json

        (out / "calibration.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
        (out / "manifest.json").write_text(json.dumps({"calibration": f.read_text()}))
        expected = "calibration.db: cannot be read as a calibration database"
    code, _, err = run("calibrate", str(f), "--out", "cal", "--resume", capsys=capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and expected in lines[0], err


def test_ctrl_c_of_a_process_calibration_is_one_line_and_resume_finishes(tmp_path):
    """Issue 30: Ctrl-C (SIGINT to the whole process group, as a terminal sends it) of
    a calibration with the process executor: one line, exit 130, no worker tracebacks,
    no orphaned worker; --resume then finishes."""
    f = write(tmp_path, populations=6, particles=40, systems=20)
    out = tmp_path / "cal"
    proc = subprocess.Popen([*CLI, "calibrate", str(f), "--out", str(out), "--executor",
                             "process", "--workers", "2", "--quiet"], stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    end = time.time() + 120
    while _generations(out / "calibration.db") < 1 and time.time() < end:
        time.sleep(0.1)
    time.sleep(0.5)  # inside the next generation: the workers are computing
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    lines = err.strip().splitlines()
    assert proc.returncode == 130, err[-3000:]
    assert len(lines) == 1 and lines[0].startswith("interrupted: ") and \
        "--resume" in lines[0], err[-3000:]
    time.sleep(0.5)
    try:  # the process group is gone: no worker outlived the parent
        os.killpg(proc.pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
    r = subprocess.run([*CLI, "calibrate", str(f), "--out", str(out), "--executor", "serial",
                        "--quiet", "--resume"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads((out / "manifest.json").read_text())["generations"] == 6


def test_a_ctrl_c_inside_a_database_write_waits_for_the_write():
    """A Ctrl-C that lands in SQLAlchemy's code is raised only once the write has
    returned: cut inside, pyabc's clean-up waited 120 s for the lock it left (CI)."""
    from security_regimes.experiments.calibrate import _ctrl_c_in_this_process_only

    space = {"__name__": "sqlalchemy.engine.stand_in", "os": os, "signal": signal,
             "time": time}
    exec("def write(log):\n"
         "    os.kill(os.getpid(), signal.SIGINT)\n"
         "    for _ in range(10):\n"
         "        time.sleep(0.01)\n"
         "    log.append('written')\n", space)
    log = []
    with pytest.raises(KeyboardInterrupt):
        with _ctrl_c_in_this_process_only():
            space["write"](log)
            log.append("returned")
            time.sleep(2)
            log.append("not interrupted")
    assert log == ["written", "returned"]
    with pytest.raises(KeyboardInterrupt):  # outside a write: at once
        with _ctrl_c_in_this_process_only():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(2)
            log.append("not interrupted")
    assert log == ["written", "returned"]


def test_ctrl_c_inside_a_database_flush_is_still_an_interrupt(tmp_path, monkeypatch, capsys):
    """A Ctrl-C that cuts a flush leaves pyabc's session rolled back, and pyabc's own
    clean-up then raises SQLAlchemy's PendingRollbackError in its place (seen in CI):
    still one line and exit 130, and --resume finishes."""
    import pyabc
    from sqlalchemy.exc import PendingRollbackError

    monkeypatch.chdir(tmp_path)
    f = write(tmp_path, populations=2, particles=10, systems=2)
    real = pyabc.ABCSMC.run

    def cut(self, *args, **kwargs):
        try:
            raise KeyboardInterrupt
        finally:
            raise PendingRollbackError("This Session's transaction has been rolled back")

    monkeypatch.setattr(pyabc.ABCSMC, "run", cut)
    code, _, err = run("calibrate", str(f), "--out", "cal", "--quiet", capsys=capsys)
    lines = err.strip().splitlines()
    assert code == 130 and len(lines) == 1 and lines[0].startswith("interrupted: "), err
    monkeypatch.setattr(pyabc.ABCSMC, "run", real)
    code, _, err = run("calibrate", str(f), "--out", "cal", "--quiet", "--resume", capsys=capsys)
    assert code == 0, err


def test_an_error_that_is_not_a_ctrl_c_is_not_called_one(tmp_path, monkeypatch):
    import pyabc

    from security_regimes.experiments.calibrate import run_calibration

    f = write(tmp_path, populations=2, particles=10, systems=2)

    def broken(self, *args, **kwargs):
        raise RuntimeError("a real failure")

    monkeypatch.setattr(pyabc.ABCSMC, "run", broken)
    with pytest.raises(RuntimeError, match="a real failure"):
        run_calibration(f, tmp_path / "cal", quiet=True)


def test_disputes_need_the_crisis_core(tmp_path):
    from security_regimes.experiments.calibrate import load_calibration_file

    examples = Path(__file__).resolve().parents[2] / "examples"
    model, scenario = load_calibration_file(examples / "calibrate_crisis.toml")
    assert scenario.system.core == "crisis" and "disputes_per_pair_year" in model.statistics
    bad = tmp_path / "bad.toml"
    bad.write_text((examples / "calibrate_crisis.toml").read_text()
                   .replace('scenario = "concert_of_europe"', f'scenario = "{(examples / "concert_first_strike.toml").as_posix()}"'))
    with pytest.raises(ValueError, match="statistics.dispute_stalemate_share: disputes are the crisis core.s"):
        load_calibration_file(bad)


def test_a_posterior_draw_keeps_every_scenarios_defining_settings(monkeypatch):
    """Issue 26: a contrast replaces only what a scenario does not name."""
    from security_regimes.experiments import contrasts
    from security_regimes.regimes.scenarios import builtin_scenarios
    from security_regimes.system.config import System

    draw = {"transfer": 0.459, "misperception": 0.036, "first_strike": 0.7,
            "capability_noise": 0.15, "elimination_threshold": 0.03, "shadow": 0.8,
            "cooperation_gain": 0.05, "relative_gains": 0.2, "decisiveness": 3.0}
    for name, scn in builtin_scenarios().items():
        kept = scn.with_calibrated(draw)
        for k in System.SETTINGS.names:
            if k in scn.defines:
                assert getattr(kept.system, k) == getattr(scn.system, k), (name, k)
            elif k in draw:
                assert getattr(kept.system, k) == draw[k], (name, k)
    economic = contrasts._with("economic", draw).system
    assert (economic.transfer, economic.misperception) == (0.1, 0.0)
    worlds = [contrasts._with(f"world_offense_{d}", draw).system
              for d in ("distinguishable", "indistinguishable")]
    assert worlds[0].misperception != worlds[1].misperception
    assert contrasts._with("concert_of_europe", draw).system.transfer == 0.459


def test_a_scenario_file_defines_what_its_system_table_sets(tmp_path):
    from security_regimes.regimes.files import load_scenario_file, scenario_to_toml
    from security_regimes.regimes.scenarios import Scenario, get_scenario

    f = tmp_path / "s.toml"
    f.write_text('name = "mine"\n[system]\ntransfer = 0.2\nn_powers = 4\n')
    scn, _ = load_scenario_file(f)
    assert set(scn.defines) == {"transfer", "capabilities", "names", "cow_year"}
    assert scn.with_calibrated({"transfer": 0.4, "shadow": 0.8}).system.transfer == 0.2
    f.write_text(scenario_to_toml(get_scenario("economic")))
    assert load_scenario_file(f)[0].defines == get_scenario("economic").defines
    f.write_text('name = "mine"\ndefines = ["tranfser"]\n')
    with pytest.raises(ValueError, match="'tranfser' is not a system setting"):
        load_scenario_file(f)
    with pytest.raises(ValueError, match="not a system setting"):
        Scenario("x", defines=("nope",))


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).resolve().parents[2]
                                                        / "examples").glob("calibrate_*.toml")))
def test_every_shipped_calibration_file_loads(name):
    """The shipped calibration files (both eras, both cores) are valid as they stand."""
    examples = Path(__file__).resolve().parents[2] / "examples"
    if name == "calibrate_regime.toml":  # its scenario is step 1's output
        pytest.skip("needs results/calibration_defaults (examples/calibrate_defaults.toml)")
    model, scenario = load_calibration_file(examples / name)
    assert scenario.start_year <= model.fit[0]
    if name.startswith("calibrate_cold_war"):
        assert (model.fit, model.holdout) == ((1946, 1968), (1969, 1991))
        assert scenario.system.nuclear_from == (1, 4)
