"""Militarized interstate disputes between great powers (COW MID v5.0), as the crisis core codes them.

The record the crisis core (``System(core="crisis")``) is compared with.  A
dispute counts as *between great powers* when each side has at least one
participant that was a COW major power (``majors.csv``) in the year the
dispute began; participants that joined after the start count like
originators (the MID participant file marks them ``orig = 0``; counting only
originators gives 7, 6 and 29 disputes in the three periods instead of 9, 12
and 32).  A dispute is one crisis however many great-power pairs it sets
against each other.

MID codes (Palmer et al. 2022, codebook v5.0): *outcome* 1 victory for side A,
2 victory for side B, 3 yield by side A, 4 yield by side B, 5 stalemate,
6 compromise, 7 released, 8 unclear, 9 joins an ongoing war; *settlement*
1 negotiated, 2 imposed, 3 none, 4 unclear; *hostility level* 1 no
militarized action, 2 threat to use force, 3 display of force, 4 use of
force, 5 war.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cow_data import _cached, major_powers

OUTCOMES = {1: "victory", 2: "victory", 3: "yield", 4: "yield", 5: "stalemate",
            6: "compromise", 7: "other", 8: "other", 9: "other"}
#: The periods of the record: the Concert, the wars of 1853-70, the rest to 1913.
PERIODS = ((1816, 1852), (1853, 1870), (1871, 1913))


def disputes() -> pd.DataFrame:
    """MID v5.0 disputes (MIDA): dispnum, styear, endyear, outcome, settle, hostlev."""
    return _cached("disputes.csv").copy()


def dispute_participants() -> pd.DataFrame:
    """MID v5.0 participants (MIDB): dispnum, ccode, stabb, styear, endyear, sidea, hostlev, orig."""
    return _cached("dispute_participants.csv").copy()


def disputes_among(start: int, end: int, members: dict[int, set[int]]) -> pd.DataFrame:
    """Disputes begun in ``[start, end]`` with, on each side, a participant in
    ``members[styear]`` (COW ccodes by the dispute's start year).  Columns as
    :func:`great_power_disputes`."""
    if start > end:
        raise ValueError(f"disputes: start {start} is after end {end}")
    d = disputes()
    d = d[(d.styear >= start) & (d.styear <= end)]
    part = dispute_participants()
    part = part[part.dispnum.isin(d.dispnum)]
    names = {}
    for row in part.itertuples():
        names.setdefault(int(row.ccode), row.stabb)
    rows = []
    for dispute in d.itertuples():
        among = members.get(int(dispute.styear), set())
        g = part[part.dispnum == dispute.dispnum]
        side_a = set(g[(g.sidea == 1) & g.ccode.isin(among)].ccode)
        side_b = set(g[(g.sidea == 0) & g.ccode.isin(among)].ccode)
        pairs = sorted((a, b) for a in side_a for b in side_b)
        if not pairs:
            continue
        level = dict(zip(g.ccode, g.hostlev, strict=True))  # each participant's own level
        outcome = dispute.outcome
        rows.append({
            "dispnum": int(dispute.dispnum), "styear": int(dispute.styear),
            "outcome": outcome, "kind": OUTCOMES.get(outcome, "other") if pd.notna(outcome)
            else "other", "settle": dispute.settle,
            "negotiated": bool(dispute.settle == 1) if pd.notna(dispute.settle) else False,
            "hostlev": dispute.hostlev, "war": bool(dispute.hostlev == 5),
            "pair_war": any(level[a] == 5 and level[b] == 5 for a, b in pairs),
            "pair_level": max(min(level[a], level[b]) for a, b in pairs),
            "pairs": ", ".join(f"{names[a]}-{names[b]}" for a, b in pairs)})
    return pd.DataFrame(rows, columns=["dispnum", "styear", "outcome", "kind", "settle",
                                       "negotiated", "hostlev", "war", "pair_war", "pair_level",
                                       "pairs"])


def great_power_disputes(start: int = 1816, end: int = 1913,
                         states: tuple[str, str] | None = None) -> pd.DataFrame:
    """Disputes begun in ``[start, end]`` with major powers (at the start) on both sides.

    ``states`` (two COW abbreviations, e.g. ``("USA", "RUS")``; the Soviet
    Union is ``RUS``/``USR`` under ccode 365) keeps the disputes that set
    those two against each other.  Columns: dispnum, styear, outcome (MID
    code), kind (victory, yield, stalemate, compromise, other), settle,
    negotiated, hostlev, war (the dispute reached hostility level 5),
    pair_war (two of the powers on opposite sides both fought at level 5) and
    pairs (the great-power pairs on opposite sides, as text).
    """
    m = major_powers()
    members = {y: set(m[(m.styear <= y) & (m.endyear >= y)].ccode) for y in range(start, end + 1)}
    if states is not None:
        codes = state_codes(states)
        members = {y: v & codes for y, v in members.items()}
    return disputes_among(start, end, members)


def state_codes(states) -> set[int]:
    """COW ccodes of the MID abbreviations ``states`` (``USR`` and ``RUS`` are both 365)."""
    part = dispute_participants()
    lookup = {"USR": "RUS"}
    want = {lookup.get(x, x) for x in states}
    return {int(cc) for cc, ab in zip(part.ccode, part.stabb, strict=True)
            if lookup.get(ab, ab) in want}


def great_power_pair_years(start: int, end: int) -> int:
    """Pairs of COW major powers summed over the years ``[start, end]``."""
    m = major_powers()
    years = np.arange(start, end + 1)
    n = np.array([((m.styear <= y) & (m.endyear >= y)).sum() for y in years])
    return int((n * (n - 1) // 2).sum())


#: MID hostility levels 1-5 as the columns of :func:`dispute_record` name them.
LEVELS = {1: "no_militarized_action", 2: "threat", 3: "display", 4: "use_of_force", 5: "war"}


def dispute_record(periods=PERIODS, states: tuple[str, str] | None = None) -> pd.DataFrame:
    """Per period: great-power disputes, their rate per great-power pair-year
    (per year of the pair with ``states``), the share that reached war, that
    was negotiated, the shares by outcome (yield, stalemate, compromise,
    victory, other), the shares by the highest hostility level reached
    (``level_threat`` ... ``level_war``, :data:`LEVELS`) and ``cow_wars``, the
    COW inter-state wars begun in the period with major powers on both sides
    (for ``states``: with the two on opposite sides).

    A dispute's level is its highest participant's; for two named states it is
    the highest level both of them reached (so a dispute in which one fought a
    war against a third state is not a war between them)."""
    from .cow_data import great_power_wars, wars

    codes = None if states is None else sorted(state_codes(states))
    rows = []
    for lo, hi in periods:
        d = great_power_disputes(lo, hi, states)
        pair_years = hi - lo + 1 if states is not None else great_power_pair_years(lo, hi)
        n = len(d)
        war = d.pair_war if states is not None else d.war
        level = d.pair_level if states is not None else d.hostlev
        if codes is None:
            w = great_power_wars(lo, hi)
            cow = int(w.major_vs_major.sum())
        else:
            w = wars()
            w = w[(w.start_year >= lo) & (w.start_year <= hi) & w.ccode.isin(codes)]
            sides = w.groupby("war_num").apply(
                lambda g: g.ccode.nunique() == 2 and g.side.nunique() == 2, include_groups=False)
            cow = int(sides.sum())
        row = {"period": f"{lo}-{hi}", "disputes": n, "pair_years": pair_years,
               "per_pair_year": n / pair_years, "wars": int(war.sum()),
               "share_war": war.mean() if n else np.nan,
               "share_negotiated": d.negotiated.mean() if n else np.nan}
        for kind in ("yield", "stalemate", "compromise", "victory", "other"):
            row[f"share_{kind}"] = (d.kind == kind).mean() if n else np.nan
        for code, name in LEVELS.items():
            row[f"level_{name}"] = (level == code).mean() if n else np.nan
        row["cow_wars"] = cow
        rows.append(row)
    return pd.DataFrame(rows)
