"""Build the curated Correlates of War copy shipped in the package.

    python scripts/curate_cow.py [../shared/data/cow]

Reads the COW release files (see their SOURCES.md) and writes, under
src/security_regimes/data/cow/:

* capabilities.csv: stateabb, ccode, year, cinc, milex, milper, irst, pec, tpop, upop
  (NMC v6.0 abridged, -9 kept as missing = empty);
* majors.csv: the major-power spells (State System Membership v2016);
* wars.csv: inter-state war participations (COW War Data v4.0): war number,
  name, ccode, state, side, start/end years, outcome, battle deaths
  (-9 = unknown kept as empty); bare-CR line endings normalised;
* alliances.csv: formal alliance memberships (COW Formal Alliances v4.1,
  member level): alliance id, ccode, state, type, membership start and end
  years (empty end = still in force in 2012);
* disputes.csv: militarized interstate disputes (MID v5.0, dispute level,
  MIDA): dispute number, start and end years, outcome, settlement, highest
  hostility level (-9 = missing kept as empty);
* dispute_participants.csv: their participants (MID v5.0, MIDB): dispute
  number, ccode, state, start and end years, side A, hostility level, originator.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "security_regimes" / "data" / "cow"


def main(src: Path, out: Path = OUT) -> None:
    nmc = pd.read_csv(src / "NMC-60-abridged.csv")
    cols = ["stateabb", "ccode", "year", "cinc", "milex", "milper", "irst", "pec", "tpop", "upop"]
    nmc = nmc[cols].replace(-9, pd.NA)
    nmc.to_csv(out / "capabilities.csv", index=False, lineterminator="\n")

    majors = pd.read_csv(src / "majors2016.csv").drop(columns=["version"])
    majors.to_csv(out / "majors.csv", index=False, lineterminator="\n")

    wars = pd.read_csv(src / "Inter-StateWarData_v4.0.csv")
    wars = wars.rename(columns=str.strip)
    keep = {
        "WarNum": "war_num", "WarName": "war_name", "ccode": "ccode", "StateName": "state_name",
        "Side": "side", "StartYear1": "start_year", "EndYear1": "end_year",
        "EndYear2": "end_year2", "Initiator": "initiator", "Outcome": "outcome",
        "BatDeath": "battle_deaths",
    }
    wars = wars[list(keep)].rename(columns=keep)
    wars["end_year"] = wars[["end_year", "end_year2"]].max(axis=1)
    wars = wars.drop(columns=["end_year2"])
    wars["battle_deaths"] = wars["battle_deaths"].where(wars["battle_deaths"] >= 0)
    wars.to_csv(out / "wars.csv", index=False, lineterminator="\n")
    al = pd.read_csv(src / "alliance_v4.1_by_member.csv")
    keep = {"version4id": "alliance", "ccode": "ccode", "state_name": "state_name",
            "ss_type": "type", "mem_st_year": "start_year", "mem_end_year": "end_year"}
    al = al[list(keep)].rename(columns=keep)
    al["end_year"] = al["end_year"].astype("Int64")  # empty: still in force in 2012
    al.to_csv(out / "alliances.csv", index=False, lineterminator="\n")
    mida = pd.read_csv(src / "MIDA_5.0.csv")
    mida = mida[["dispnum", "styear", "endyear", "outcome", "settle", "hostlev"]]
    mida = mida.astype("Int64").where(mida >= 0)
    mida.to_csv(out / "disputes.csv", index=False, lineterminator="\n")
    midb = pd.read_csv(src / "MIDB_5.0.csv")
    midb = midb[["dispnum", "ccode", "stabb", "styear", "endyear", "sidea", "hostlev", "orig"]]
    midb.to_csv(out / "dispute_participants.csv", index=False, lineterminator="\n")
    print(f"wrote {len(nmc)} capability rows, {len(majors)} major spells, {len(wars)} war rows, "
          f"{len(al)} alliance memberships, {len(mida)} disputes, {len(midb)} participations")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "cow")
