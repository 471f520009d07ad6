"""Write the scenario files of ``examples/`` that are built-in scenarios with one change.

Each file is a whole scenario (a scenario file names every setting), written
from the built-in it varies, so that it follows the package's defaults:

    .venv/bin/python scripts/write_examples.py          # rewrites the files below
    .venv/bin/python scripts/write_examples.py --check  # exit 1 if one is out of date

* ``concert_dated.toml``: concert_of_europe in the dated-history mode
  (``System.growth = "record"``).
* ``concert_first_strike.toml``, ``waltz_first_strike.toml``,
  ``cold_war_first_strike.toml``: concert_of_europe, waltz_balance and cold_war
  with the first-strike core at the defaults it had before the calibration
  (``security_regimes.system.uncalibrated``), for the first-strike fits of
  docs/validation.md.  They are the earlier model, kept for comparison.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from security_regimes.regimes.files import scenario_to_toml
from security_regimes.regimes.scenarios import get_scenario
from security_regimes.system import uncalibrated

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def files() -> dict[str, tuple[str, str]]:
    """File name -> (header comment, TOML text)."""
    concert = get_scenario("concert_of_europe")
    out = {}
    dated = replace(concert, name="concert_of_europe_dated",
                    description="concert_of_europe in the dated-history mode (System.growth = "
                    "\"record\"): each great power's capability follows its COW CINC path "
                    "from 1816, and the model's wars act as deviations from it; the package "
                    "defaults otherwise. See docs/crisis.md.",
                    system=concert.system.with_(growth="record"))
    out["concert_dated.toml"] = (
        "The Concert of Europe, its powers growing along the COW record (dated history;\n"
        "regimes run examples/concert_dated.toml).", scenario_to_toml(dated))
    for name, file in (("concert_of_europe", "concert_first_strike.toml"),
                       ("waltz_balance", "waltz_first_strike.toml"),
                       ("cold_war", "cold_war_first_strike.toml")):
        s = get_scenario(name)
        fs = replace(s, name=f"{name}_first_strike",
                     description=f"{name} with the first-strike core at the defaults it had "
                     "before the calibration (security_regimes.system.uncalibrated): the "
                     "earlier model, for comparison (docs/validation.md).",
                     system=uncalibrated(s.system))
        out[file] = (f"{name} under the first-strike core, as before the calibration "
                     f"(regimes run examples/{file}).", scenario_to_toml(fs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the files are current")
    args = ap.parse_args()
    stale = []
    for file, (header, text) in files().items():
        body = "".join(f"# {line}\n" for line in header.splitlines()) + text
        path = EXAMPLES / file
        if args.check:
            if not path.exists() or path.read_text() != body:
                stale.append(file)
        else:
            path.write_text(body)
            print(f"wrote {path}")
    if stale:
        sys.exit(f"out of date (run scripts/write_examples.py): {', '.join(stale)}")


if __name__ == "__main__":
    main()
