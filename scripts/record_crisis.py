"""Run the crisis core's calibration behind docs/crisis.md and record its results.

Like ``scripts/record_validation.py`` (whose helpers it uses): the fit takes
about a minute, too slow for every docs build, so this script runs it and
writes what the page shows, with the date, the commit and the commands, to
``docs/recorded/crisis.json``; the page renders from that file.

    .venv/bin/python scripts/record_crisis.py        # about 3 minutes on 2 cores

It runs, with seed 1:

    regimes calibrate examples/calibrate_crisis.toml --out DIR
    regimes run DIR/calibrated.toml --systems 1000 --seed 1   (history and crisis checks)
    regimes dilemmas DIR/calibrated.toml

and the same for examples/calibrate_crisis_dated.toml (the dated-history mode:
the powers grow along their COW CINC paths) into DIR/dated.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record_validation import _records, begin, calibration, games_record, write  # noqa: E402


def calibrated_crisis_run(directory: Path) -> dict:
    """1,000 runs of the calibrated crisis scenario: history, crises by period, games."""
    from security_regimes.experiments.files import load_scenario_file
    from security_regimes.regimes.history import crisis_check, history_check

    scn, _ = load_scenario_file(directory / "calibrated.toml")
    r = scn.run(seed=1, systems=1000)
    return {"runs": 1000, "history": _records(history_check(r)),
            "crises": _records(crisis_check(r)), **games_record(scn, "crisis")}


def main() -> None:
    out, work, t0, rec = begin("record_crisis.py", "crisis.json", "crisis-")
    rec["fit"] = calibration("calibrate_crisis.toml", work / "calibration")
    rec["run"] = calibrated_crisis_run(work / "calibration")
    rec["dated_fit"] = calibration("calibrate_crisis_dated.toml", work / "dated")
    rec["dated_run"] = calibrated_crisis_run(work / "dated")
    write(rec, out, t0)


if __name__ == "__main__":
    main()
