"""Build the curated geography copy shipped in the package.

    python scripts/curate_geography.py [../shared/data]

Reads COW State System Membership (``cow/states2016.csv``) and the three
peacesciencer tables (``peacesciencer/``, see their SOURCES.md) and writes,
under src/security_regimes/data/geography/:

* states.csv: membership spells of the COW state system (stateabb, ccode,
  name, start and end years; a state may have several spells);
* capitals.csv: capital spells with coordinates (ccode, capital, start and
  end years, lat, lng in decimal degrees);
* contiguity.csv: COW Direct Contiguity v3.2 spells with a border or at most
  400 miles of water (ccode1 < ccode2, conttype 1-5, start and end years);
  peacesciencer's type-0 rows (not contiguous) are dropped;
* rivalries.csv: Thompson-Dreyer strategic rivalries (number, name, ccode1,
  ccode2, start and end years, region, types).

Only columns are selected and dates cut to years; nothing is re-coded.  A test
rebuilds these files from the sources and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "security_regimes" / "data" / "geography"


def _year(col: pd.Series) -> pd.Series:
    return col.str.slice(0, 4).astype(int)


def tables(src: Path) -> dict[str, pd.DataFrame]:
    """The curated tables from the source directory ``src`` (holding cow/, peacesciencer/)."""
    st = pd.read_csv(src / "cow" / "states2016.csv")
    states = st[["stateabb", "ccode", "statenme", "styear", "endyear"]].rename(
        columns={"statenme": "name", "styear": "start_year", "endyear": "end_year"})
    ps = src / "peacesciencer"
    cap = pd.read_csv(ps / "cow_capitals.csv")
    capitals = pd.DataFrame({"ccode": cap.ccode, "capital": cap.capital,
                             "start_year": _year(cap.stdate), "end_year": _year(cap.enddate),
                             "lat": cap.lat, "lng": cap.lng})
    cd = pd.read_csv(ps / "cow_contdir.csv")
    cd = cd[cd.conttype > 0]
    contiguity = pd.DataFrame({"ccode1": cd.ccode1, "ccode2": cd.ccode2,
                               "conttype": cd.conttype, "start_year": _year(cd.stdate),
                               "end_year": _year(cd.enddate)})
    rv = pd.read_csv(ps / "td_rivalries.csv")
    rivalries = rv.rename(columns={"rivalryno": "rivalry", "rivalryname": "name",
                                   "styear": "start_year", "endyear": "end_year"})
    return {"states": states, "capitals": capitals, "contiguity": contiguity,
            "rivalries": rivalries}


def main(src: Path, out: Path = OUT) -> None:
    for name, df in tables(src).items():
        df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
        print(f"wrote {len(df)} rows to {name}.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
