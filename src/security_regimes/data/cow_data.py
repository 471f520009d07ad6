"""Loaders for the shipped Correlates of War data.

Citations are in ``cow/SOURCES.md`` (``CITATIONS`` here holds them as text).
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd

#: Great powers of 1816 in COW's order of capability: Britain, Russia,
#: France, Austria, Prussia.
DEFAULT_POWERS_1816 = ("UKG", "RUS", "FRN", "AUH", "GMY")

CITATIONS = {
    "capabilities": "Singer, Bremer and Stuckey (1972); National Material Capabilities v6.0",
    "majors": "Correlates of War Project (2017), State System Membership List v2016",
    "wars": "Sarkees and Wayman (2010), Resort to War; COW War Data v4.0",
}


def _read(name: str, folder: str = "cow") -> pd.DataFrame:
    with resources.files(__package__).joinpath(folder, name).open("rb") as fh:
        return pd.read_csv(fh)


@cache
def _cached(name: str, folder: str = "cow") -> pd.DataFrame:
    """A shipped table of ``folder`` (``cow``, ``geography``), read once."""
    return _read(name, folder)


def capabilities() -> pd.DataFrame:
    """National Material Capabilities v6.0: one row per state-year (1816-2016).

    Columns: stateabb, ccode, year, cinc (composite index, share of system
    total), milex, milper, irst, pec, tpop, upop (COW units; missing = NaN).
    """
    return _cached("capabilities.csv").copy()


def major_powers() -> pd.DataFrame:
    """Major-power spells (State System Membership v2016)."""
    return _cached("majors.csv").copy()


def wars() -> pd.DataFrame:
    """Inter-state war participations (COW War Data v4.0), battle deaths NaN if unknown."""
    return _cached("wars.csv").copy()


def capability_shares(year: int = 1816, states: tuple[str, ...] | list[str] | None = None
                      ) -> pd.Series:
    """CINC of ``states`` in ``year``, renormalised to sum to 1 (index: stateabb).

    Default states: the five great powers of 1816.  Raises ``ValueError``
    (one line) for a year outside 1816-2016 or a state absent that year.
    """
    lo, hi = _year_range()
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or not lo <= year <= hi:
        raise ValueError(f"COW year must be an integer in [{lo}, {hi}], got {year!r}")
    return _shares(int(year), tuple(states or DEFAULT_POWERS_1816)).copy()


@cache
def _year_range() -> tuple[int, int]:
    caps = _cached("capabilities.csv")
    return int(caps.year.min()), int(caps.year.max())


@lru_cache(maxsize=256)
def _shares(year: int, states: tuple[str, ...]) -> pd.Series:
    """:func:`capability_shares`, computed once per year and states (every ``System()`` asks)."""
    caps = _cached("capabilities.csv")
    states = list(states)
    row = caps[caps.year == year].set_index("stateabb")["cinc"]
    missing = [s for s in states if s not in row.index]
    if missing:
        raise ValueError(f"no COW capabilities for {', '.join(missing)} in {year}")
    share = row.loc[states].astype(float)
    return share / share.sum()


@lru_cache(maxsize=64)
def _cinc_growth(states: tuple[str, ...], start: int) -> np.ndarray:
    caps = _cached("capabilities.csv")
    wide = caps[caps.stateabb.isin(states) & (caps.year >= start)].pivot_table(
        index="year", columns="stateabb", values="cinc", aggfunc="first")
    missing = [s for s in states if s not in wide.columns]
    if missing or start not in wide.index:
        raise ValueError(f"no COW capabilities for {', '.join(missing or states)} in {start}")
    wide = wide.reindex(columns=list(states), index=range(start, int(wide.index.max()) + 1))
    first = wide.loc[start]
    absent = [s for s in states if not first[s] > 0]
    if absent:
        raise ValueError(f"no COW capabilities for {', '.join(absent)} in {start}")
    ok = wide.notna().all(axis=1) & (wide > 0).all(axis=1)
    last = int(ok.values.argmin()) if not ok.all() else len(ok)  # first year without data
    values = wide.to_numpy(float)[:last]
    out = np.ones_like(values)
    out[1:] = values[1:] / values[:-1]
    out.setflags(write=False)
    return out


def cinc_growth(states: tuple[str, ...] | list[str], start: int) -> np.ndarray:
    """Each state's yearly CINC ratio from ``start``: row ``y`` is
    ``cinc[start + y] / cinc[start + y - 1]`` (row 0 is 1), shape (Y, N), up
    to the last year before any of ``states`` lacks a positive CINC (read-only).

    The growth multipliers of ``System(growth="record")``: applied to the
    ``start`` shares they give the record's relative capabilities year by
    year.  ValueError (one line) for a state without data in ``start``.
    """
    return _cinc_growth(tuple(states), int(start))


def cinc_levels(states: tuple[str, ...] | list[str], start: int) -> np.ndarray:
    """Each state's COW CINC in every year from ``start`` to the end of the
    data, shape (Y, N), NaN where the record has none (read-only): what a
    system whose states enter and leave on their COW dates
    (``System(membership="record")``) grows along."""
    return _cinc_levels(tuple(states), int(start))


@lru_cache(maxsize=64)
def _cinc_levels(states: tuple[str, ...], start: int) -> np.ndarray:
    caps = _cached("capabilities.csv")
    wide = caps[caps.stateabb.isin(states) & (caps.year >= start)].pivot_table(
        index="year", columns="stateabb", values="cinc", aggfunc="first")
    end = int(caps.year.max())
    out = wide.reindex(columns=list(states), index=range(start, end + 1)).to_numpy(float).copy()
    out[~(out > 0)] = np.nan
    out.setflags(write=False)
    return out


def great_power_wars(start: int = 1816, end: int = 2016) -> pd.DataFrame:
    """Inter-state wars in which at least one major power fought.

    Returns one row per war that began in ``[start, end]`` and in which a
    state that was a major power at the war's start fought, with columns
    war_num, war_name, start_year, end_year, n_major (major powers taking
    part), major_vs_major (majors on both sides), battle_deaths (sum, NaN
    if any participant's figure is unknown).
    """
    w = _cached("wars.csv")
    m = _cached("majors.csv")
    w = w[(w.start_year >= start) & (w.start_year <= end)]
    merged = w.merge(m[["ccode", "styear", "endyear"]], on="ccode", how="left")
    merged["major"] = (merged.start_year >= merged.styear) & (merged.start_year <= merged.endyear)
    part = merged.groupby(["war_num", "ccode", "side"], as_index=False)["major"].any()
    part = part.merge(w[["war_num", "ccode", "side", "battle_deaths"]].drop_duplicates(),
                      on=["war_num", "ccode", "side"])
    info = w.groupby("war_num").agg(war_name=("war_name", "first"),
                                    start_year=("start_year", "min"),
                                    end_year=("end_year", "max"))
    agg = part.groupby("war_num").agg(
        n_major=("major", "sum"),
        battle_deaths=("battle_deaths", lambda s: s.sum() if s.notna().all() else np.nan),
    )
    sides = part[part.major].groupby("war_num")["side"].nunique()
    out = info.join(agg)
    out["major_vs_major"] = sides.reindex(out.index).fillna(0).astype(int) >= 2
    out = out[out.n_major > 0].reset_index()
    return out[["war_num", "war_name", "start_year", "end_year", "n_major", "major_vs_major",
                "battle_deaths"]]


#: The superpowers of 1946-1991, as COW codes them (USA 2, USSR/Russia 365).
SUPERPOWERS = {2: "USA", 365: "RUS"}


def superpower_wars(start: int = 1946, end: int = 1991) -> pd.DataFrame:
    """COW inter-state wars begun in ``[start, end]`` in which a superpower
    (:data:`SUPERPOWERS`) fought a state other than the other superpower.

    One row per war and superpower: war_num, war_name, start_year, end_year,
    superpower, opponents (the states on the other side, by COW name).
    """
    if start > end:
        raise ValueError(f"superpower_wars: start {start} is after end {end}")
    w = _cached("wars.csv")
    w = w[(w.start_year >= start) & (w.start_year <= end)]
    rows = []
    for num, g in w.groupby("war_num"):
        for code, name in SUPERPOWERS.items():
            mine = g[g.ccode == code]
            if mine.empty:
                continue
            other = g[g.side != mine.side.iloc[0]]
            if other.ccode.isin(list(SUPERPOWERS)).any():
                continue  # a war between the two superpowers (none in COW)
            rows.append({"war_num": int(num), "war_name": g.war_name.iloc[0],
                         "start_year": int(g.start_year.min()), "end_year": int(g.end_year.max()),
                         "superpower": name,
                         "opponents": ", ".join(sorted(other.state_name.unique()))})
    return pd.DataFrame(rows, columns=["war_num", "war_name", "start_year", "end_year",
                                       "superpower", "opponents"])
