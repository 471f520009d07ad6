import subprocess
import sys

import pytest

from security_regimes.experiments.files import load_scenario_file, load_sweep_file, scenario_to_toml
from security_regimes.regimes.scenarios import builtin_scenarios, get_scenario

CLI = [sys.executable, "-m", "security_regimes.presentation.cli"]


@pytest.mark.parametrize("name", list(builtin_scenarios()))
def test_builtin_scenarios_round_trip(name, tmp_path):
    path = tmp_path / f"{name}.toml"
    path.write_text(scenario_to_toml(name))
    s, _ = load_scenario_file(path)
    orig = get_scenario(name)
    assert s == orig
    a = s.run(seed=3, systems=4, years=10)
    b = orig.run(seed=3, systems=4, years=10)
    assert (a.result.capabilities == b.result.capabilities).all()


def test_per_power_dyadic_round_trips(tmp_path):
    from dataclasses import replace

    orig = replace(get_scenario("concert_of_europe"),
                   dyadic=("Defector", "Tit For Tat", "GTFT: 0.3", "Bayesian Trust: 0.6",
                           "Cooperator"))
    path = tmp_path / "mixed.toml"
    path.write_text(scenario_to_toml(orig))
    s, _ = load_scenario_file(path)
    assert s == orig
    assert s.run(seed=3, systems=4, years=10).result.dyadic == (
        "Defector, Tit For Tat, GTFT: 0.3, Bayesian Trust: 0.6, Cooperator")


BAD_SCENARIOS = [
    ("name = \"x\"\nyears = [", "TOML syntax error"),
    ("name = \"x\"\nyeers = 10", "yeers: unknown key"),
    ("name = \"x\"\nyears = \"ten\"", "years: must be an integer in [1, 10000], found 'ten'"),
    ("name = \"x\"\n[system]\nwar_cost = 1.5", "system.war_cost: must be a number in [0, 1], found 1.5"),
    ("name = \"x\"\n[regime.conditions]\nhalf_life = 0", "regime.conditions.half_life: must be a number in (0, 1e+06] or null, found 0"),
    ("name = \"x\"\n[regime]\nnorms = { restraint = 2.0 }", "regime.norms.restraint must be a number in [0, 1], got 2.0"),
    ("name = \"x\"\n[regime]\nnorms = { restrain = 1.0 }", "regime.norms: unknown key 'restrain'; closest: restraint"),
    ("name = \"x\"\n[policy]\nname = \"hobbes\"", "policy.name: unknown balance-of-power policy 'hobbes'"),
    ("years = 3", "name: required key is missing"),
    ("name = \"x\"\n[system]\nbelief_prior = 1.5", "system.belief_prior: must be a number in [0, 1], found 1.5"),
    ("name = \"x\"\n[game]\nR = 1", "game: unknown key"),
    ("name = \"x\"\n[regime.conditions]\nthreshold = 1.5",
     "regime.conditions.threshold: must be a number in [0, 1], found 1.5"),
    ("name = \"x\"\n[regime.conditions]\nfear = 1.0", "regime.conditions.fear: unknown key"),
    ("name = \"x\"\n[regime.conditions]\ndecline = -1",
     "regime.conditions.decline: must be a number in [0, 1000], found -1"),
    ("name = \"x\"\n[system]\ncooperation_gain = nan", "system.cooperation_gain"),
    ("name = \"x\"\n[system]\nalliance_reliability = nan", "system.alliance_reliability"),
]


@pytest.mark.parametrize("text,msg", BAD_SCENARIOS)
def test_bad_scenario_file_one_line(text, msg, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out"
    r = subprocess.run([*CLI, "run", str(path), "--out", str(out)], capture_output=True,
                       text=True)
    assert r.returncode == 2
    assert msg in r.stderr, r.stderr
    assert r.stderr.startswith(f"error: {path}")
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


BAD_SWEEPS = [
    ("base = \"concert_of_europe\"\n[parameters]\n\"system.warcost\" = { values = [0.1] }",
     "parameters.system.warcost: not a parameter of the base scenario; closest: system.war_cost"),
    ("base = \"concert\"\n[parameters]\n\"system.war_cost\" = { values = [0.1] }",
     "base: unknown scenario 'concert'"),
    ("base = \"concert_of_europe\"\ndesign = \"sobol\"\n[parameters]\n\"system.war_cost\" = { values = [0.1] }",
     "a Sobol design needs low and high"),
    ("base = \"concert_of_europe\"\nreplicates = 0\n[parameters]\n\"system.war_cost\" = { values = [0.1] }",
     "replicates: Input should be greater than or equal to 1, found 0"),
    ("base = \"concert_of_europe\"\noutcomes = [\"joy\"]\n[parameters]\n\"system.war_cost\" = { values = [0.1] }",
     "outcomes: unknown outcome 'joy'"),
    ("base = \"concert_of_europe\"\n[parameters]\n\"system.war_cost\" = { low = 0.3, high = 0.1, steps = 3 }",
     "parameters.system.war_cost.high: high must be > low"),
]


@pytest.mark.parametrize("text,msg", BAD_SWEEPS)
def test_bad_sweep_file_one_line_nothing_written(text, msg, tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    out = tmp_path / "out"
    r = subprocess.run([*CLI, "sweep", str(path), "--out", str(out), "--executor", "serial"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert msg in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_example_sweeps_are_valid():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for f in (root / "examples/sweep_concert.toml", root / "examples/sweep_sobol.toml",
              root / "examples/sweep_lhs.toml"):
        model, scenario = load_sweep_file(f)
        assert scenario.name == "concert_of_europe"


def test_missing_file():
    r = subprocess.run([*CLI, "run", "nope.toml"], capture_output=True, text=True)
    assert r.returncode == 2 and "nope.toml: no such file" in r.stderr
