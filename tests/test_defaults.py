"""The package defaults are the calibrated set, as recorded (issue 27, item 6)."""

import json
import subprocess
import sys
from pathlib import Path

import security_regimes as sr
from security_regimes.experiments.calibrate import load_calibration_file
from security_regimes.regimes.scenarios import builtin_scenarios
from security_regimes.system import CALIBRATION, System, uncalibrated

ROOT = Path(__file__).resolve().parents[1]


def test_the_defaults_are_the_recorded_fits_medians_to_three_digits():
    rec = json.loads((ROOT / "docs/recorded/validation.json").read_text())["defaults"]
    assert rec["file"] == "examples/calibrate_defaults.toml" and rec["executor"] == "serial"
    medians = {p["parameter"].removeprefix("system."): float(f"{p['q50']:.3g}")
               for p in rec["posterior"]}
    assert medians == sr.CALIBRATED
    d = System()
    assert d.core == "crisis"
    assert {k: getattr(d, k) for k in sr.CALIBRATED} == sr.CALIBRATED
    model, scenario = load_calibration_file(ROOT / rec["file"])
    assert set(model.parameters) == {f"system.{k}" for k in sr.CALIBRATED}
    assert scenario.name == "waltz_balance" and scenario.regime is None  # the base system
    assert rec["file"] in CALIBRATION and "--executor serial" in CALIBRATION


def test_scenarios_change_only_what_they_name():
    """Every built-in scenario keeps the calibrated defaults but for the settings it
    names (``defines``), and the uncalibrated system differs only in UNCALIBRATED's."""
    d = System()
    for name, s in builtin_scenarios().items():
        for k in sr.CALIBRATED:
            if k not in s.defines:
                assert getattr(s.system, k) == getattr(d, k), (name, k)
        old = uncalibrated(s.system)
        changed = {k for k in System.__dataclass_fields__ if getattr(old, k) != getattr(s.system, k)}
        assert changed <= set(sr.UNCALIBRATED), (name, changed)
        assert old.core == "first_strike"


def test_uncalibrated_keeps_what_was_set():
    s = System(first_strike=0.1, stakes=0.3)
    old = uncalibrated(s)
    assert old.first_strike == 0.1 and old.stakes == 0.3  # set, so kept
    assert old.core == "first_strike" and old.misperception == sr.UNCALIBRATED["misperception"]
    assert System(**sr.UNCALIBRATED) == uncalibrated(System())


def test_the_generated_example_files_are_current():
    r = subprocess.run([sys.executable, str(ROOT / "scripts/write_examples.py"), "--check"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
