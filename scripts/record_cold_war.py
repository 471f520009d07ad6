"""Run the second era's calibrations behind docs/validation.md and record their results.

Like ``scripts/record_validation.py`` (whose helpers it uses): the fits take
minutes, so this script runs them and writes what the page's section on
1946-1991 shows, with the date, the commit and the commands, to
``docs/recorded/cold_war.json``; the page renders from that file.

    .venv/bin/python scripts/record_cold_war.py       # about 5 minutes on 2 cores

It runs, with seed 1:

    regimes calibrate examples/calibrate_cold_war.toml --out DIR/cold_war
    regimes calibrate examples/calibrate_cold_war_crisis.toml --out DIR/cold_war_crisis
    and 1,000 runs of each calibrated scenario (the era's record, the pairs'
    first-year games; for the crisis core, the USA-USSR crises against MID),
    and the Basic Principles (cold_war_basic_principles) on top of the calibrated
    crisis-core system (the default core), with and without its norms
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record_validation import _records, begin, calibration, games_record, write  # noqa: E402


def calibrated_era_run(directory: Path) -> dict:
    """1,000 runs of a calibrated 1946 scenario: the era's record and the pairs' games."""
    from security_regimes.experiments.files import load_scenario_file
    from security_regimes.regimes.history import cold_war_check, dyad_crisis_check

    scn, _ = load_scenario_file(directory / "calibrated.toml")
    r = scn.run(seed=1, systems=1000)
    out = {"runs": 1000, "core": scn.system.core, "record": _records(cold_war_check(r.result)),
           **games_record(scn)}
    if scn.system.core == "crisis":
        out["dyad"] = _records(dyad_crisis_check(r))
    return out


def main() -> None:
    out, work, t0, rec = begin("record_cold_war.py", "cold_war.json", "cold-war-")
    for key, name in (("first_strike", "calibrate_cold_war.toml"),
                      ("crisis", "calibrate_cold_war_crisis.toml")):
        rec[key] = {"fit": calibration(name, work / key)}
        rec[key]["run"] = calibrated_era_run(work / key)
    rec["basic_principles"] = basic_principles_run(work / "crisis")
    write(rec, out, t0)


def basic_principles_run(directory: Path) -> dict:
    """The Basic Principles on top of the calibrated cold war of the default (crisis) core: 1,000 runs
    with and without the norms on the same seeds; the era's record in both."""
    from dataclasses import replace

    from security_regimes.experiments.files import load_scenario_file
    from security_regimes.regimes.history import cold_war_check
    from security_regimes.regimes.scenarios import get_scenario

    base, _ = load_scenario_file(directory / "calibrated.toml")
    scn = replace(get_scenario("cold_war_basic_principles"), system=base.system)
    r = scn.run(seed=1, systems=1000)
    with_, without = cold_war_check(r.result), cold_war_check(r.counterfactual)
    o = r.outcomes().set_index("outcome")
    return {"runs": 1000, "core": scn.system.core, "formed": int(r.result.summary.formation_year.notna().sum()),
            "regime_years": float(o.loc["regime_years", "mean"]),
            "autonomy": [float(o.loc["regime_autonomy", k]) for k in ("mean", "lo", "hi")],
            "with_norms": _records(with_), "without_norms": _records(without)}


if __name__ == "__main__":
    main()
