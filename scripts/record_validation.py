"""Run the calibrations behind docs/validation.md and record their results.

The calibrations take minutes (too slow for the docs build), so this script
runs them and writes what the page shows, with the date, the machine, the
package version and the commands, to ``docs/recorded/validation.json``;
the page renders its tables and sentences from that file when the site is
built, so no number on it is copied by hand.

    .venv/bin/python scripts/record_validation.py            # about 8 minutes on 2 cores
    .venv/bin/python scripts/record_validation.py --with-regime   # + the regime-on-top fit (about 20 more)

It runs, with the default process executor and seed 1 in every file:

    regimes calibrate examples/calibrate_defaults.toml --executor serial --out DIR/calibration_defaults
        (the fit behind the package defaults, serial: bit-reproducible) and 500 runs of
        its calibrated scenario
    regimes calibrate examples/calibrate_concert.toml --out DIR/calibration
    regimes run DIR/calibration/calibrated.toml --systems 500 --seed 1
    regimes calibrate examples/calibrate_base.toml --out DIR/calibration_base
    regimes identify examples/calibrate_concert.toml --samples 128
    regimes claims --systems 1000 --posterior DIR/calibration_defaults --draws 100 --posterior-systems 100
        (the contrasts over the posterior, and the claims table it also writes into the
        README between its claims markers)
    (--with-regime) regimes calibrate examples/calibrate_regime.toml --out DIR/calibration_regime
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


README_BEGIN, README_END = "<!-- claims:begin -->", "<!-- claims:end -->"


def provenance(script: str) -> dict:
    """When, where and from what a record was made."""
    from security_regimes import __version__

    return {"date": datetime.now(UTC).date().isoformat(), "package_version": __version__,
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                     capture_output=True, text=True).stdout.strip(),
            "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python "
                       f"{platform.python_version()}",
            "script": script}


def begin(script: str, out_name: str, prefix: str) -> tuple[Path, Path, float, dict]:
    """The start of a record script: its ``--out`` (default ``docs/recorded/OUT_NAME``),
    a fresh work directory, the start time and the record's provenance."""
    ap = argparse.ArgumentParser(description=f"Record {out_name} (see {script}'s docstring)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "recorded" / out_name)
    args = ap.parse_args()
    return (args.out, Path(tempfile.mkdtemp(prefix=prefix)), time.perf_counter(),
            provenance(f"python scripts/{script}"))


def games_record(scn, core: str | None = None) -> dict:
    """Every ordered pair's first-year stage game and how many face a dilemma."""
    from security_regimes.regimes.scenarios import pair_games

    games = pair_games(scn, core)
    return {"games": _records(games[["power", "other", "game", "dilemma"]]),
            "dilemma_pairs": int(games.dilemma.sum()), "pairs": len(games)}


def write(rec: dict, out: Path, t0: float) -> None:
    """Write a record as JSON, with the seconds it took since ``t0``."""
    rec["seconds"] = time.perf_counter() - t0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rec, indent=1, default=float) + "\n")
    print(f"written {out} in {rec['seconds']:.0f} s")


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records"))


def calibration(name: str, out: Path, executor: str = "process") -> dict:
    """Run one calibration file; its generations, posterior quantiles and PPC.
    The serial executor is bit-reproducible; the process pool is not (particles
    are accepted in the order workers finish)."""
    from security_regimes.experiments.calibrate import (
        load_calibration,
        load_calibration_file,
        run_calibration,
    )
    path = EXAMPLES / name
    t = time.perf_counter()
    run_calibration(path, out, executor=executor, quiet=True)
    seconds = time.perf_counter() - t
    model, scenario = load_calibration_file(path)
    cal = load_calibration(out)
    gens = cal.generations
    quantiles = cal.quantiles().set_index("parameter")
    defaults = scenario.system  # the values the fitted scenario starts from
    params = []
    for p, prior in model.parameters.items():
        key = p.removeprefix("system.")
        params.append({"parameter": p, "prior": prior.prior, "low": prior.low, "high": prior.high,
                       "mean": prior.mean, "sd": prior.sd, **quantiles.loc[p].to_dict(),
                       "default": getattr(defaults, key) if p.startswith("system.") and
                       hasattr(defaults, key) else None})
    return {"file": f"examples/{name}", "executor": executor, "seconds": seconds,
            "distance": model.distance,
            "statistics": list(model.statistics),
            "populations": model.populations, "particles": model.particles,
            "systems": model.systems, "evaluated": int(gens.samples.sum()),
            "epsilon": [float(gens.epsilon.iloc[0]), float(gens.epsilon.iloc[-1])],
            "acceptance": [float(gens.acceptance.iloc[0]), float(gens.acceptance.iloc[-1])],
            "posterior": params, "ppc": _records(cal.ppc)}


def calibrated_run(directory: Path) -> dict:
    """The calibrated scenario, 500 runs at seed 1, with and without its norms."""
    from security_regimes.experiments.files import load_scenario_file
    from security_regimes.regimes.history import history_check

    scn, _ = load_scenario_file(directory / "calibrated.toml")
    r = scn.run(seed=1, systems=500)
    s = r.result.summary
    o = r.outcomes().set_index("outcome")
    h = history_check(r).set_index("statistic")
    regime = {}
    if scn.regime is not None:
        formed = s.formation_year.notna()
        regime = {"formed": int(formed.sum()),
                  "formation_year": float(s.formation_year[formed].mean()),
                  "regime_years": [float(o.loc["regime_years", k]) for k in ("mean", "lo", "hi")],
                  "autonomy": [float(o.loc["regime_autonomy", k]) for k in ("mean", "lo", "hi")]}
    return {"runs": len(s), **regime, "games": games_record(scn),
            "history": {k: {c: (None if not np.isfinite(h.loc[k, c]) else float(h.loc[k, c]))
                            for c in ("observed", "with_norms", "without_norms",
                                      "likelihood_ratio")} for k in h.index}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "recorded" / "validation.json")
    ap.add_argument("--with-regime", action="store_true",
                    help="also run examples/calibrate_regime.toml (about 20 minutes)")
    args = ap.parse_args()
    from security_regimes.experiments.calibrate import identifiability
    from security_regimes.experiments.claims import run_claims

    work = Path(tempfile.mkdtemp(prefix="validation-"))
    t0 = time.perf_counter()
    rec = provenance("python scripts/record_validation.py"
                     + (" --with-regime" if args.with_regime else ""))
    from security_regimes.regimes.scenarios import get_scenario

    # serial, so that this record reproduces the package defaults bit for bit
    rec["defaults"] = calibration("calibrate_defaults.toml", work / "calibration_defaults",
                                  executor="serial")
    rec["defaults_run"] = calibrated_run(work / "calibration_defaults")
    rec["defaults_games"] = games_record(get_scenario("concert_of_europe"))
    rec["concert"] = calibration("calibrate_concert.toml", work / "calibration")
    rec["concert_run"] = calibrated_run(work / "calibration")
    rec["base"] = calibration("calibrate_base.toml", work / "calibration_base")
    if args.with_regime:
        rec["regime"] = calibration("calibrate_regime.toml", work / "calibration_regime")
    t = time.perf_counter()
    ident = identifiability(EXAMPLES / "calibrate_concert.toml", samples=128)
    rec["identify"] = {"samples": 128, "seconds": time.perf_counter() - t,
                       "points": int(128 * (ident.parameter.nunique() + 2)),
                       "table": _records(ident)}
    t = time.perf_counter()
    claims = run_claims(systems=1000, seed=1, posterior=work / "calibration_defaults", draws=100,
                        posterior_systems=100)
    rec["contrasts"] = {"draws": 100, "systems": 100, "seconds": time.perf_counter() - t,
                        "table": _records(claims.posterior_summary)}
    rec["claims"] = claims.to_records()
    rec["claims"]["posterior"] = ("`regimes calibrate examples/calibrate_defaults.toml`, "
                                  f"recorded {rec['date']}")
    write(rec, args.out, t0)
    write_readme_claims(rec["claims"])


def write_readme_claims(claims: dict, readme: Path = ROOT / "README.md") -> None:
    """Put the claims table between the README's claims markers."""
    from security_regimes.experiments.claims import claims_markdown

    text = readme.read_text()
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_BEGIN}\n{claims_markdown(claims)}\n{README_END}{tail}")


if __name__ == "__main__":
    main()
