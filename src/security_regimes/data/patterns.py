"""Observed patterns of great-power history, computed from the shipped COW data.

These are the targets of calibration (pattern-oriented modelling, Grimm et
al. 2005): each is a number per period, in the units the model reports
(:func:`security_regimes.regimes.history.simulated_patterns` computes the
same statistics from a run).

**Which great powers.** The model's system is the five great powers of 1816
(Britain, Russia, France, Austria, Prussia/Germany, ``DEFAULT_POWERS_1816``),
and it has no mechanism by which a power *enters* the system.  The default
``cohort="1816"`` therefore counts those five only: Italy (major power from
1860), Japan (1895) and the United States (1898) are left out on purpose,
so that observed and simulated statistics count the same pairs.
``cohort="all"`` counts every COW major power in the years it was one, for
comparison; the difference is reported, not hidden.

Statistics (``STATISTICS``), for a period ``[start, end]`` of calendar years:

``wars``
    Inter-state wars (COW War Data v4.0) that began in the period with
    cohort members on opposite sides.
``wars_per_pair_year``
    ``wars`` divided by the cohort pair-years in the period.
``years_to_first_war``
    Years from ``start`` to the first such war; ``end - start + 1`` if none
    began in the period (censored).
``con``
    Mean over the period's years of the concentration of capabilities among
    the cohort (Singer, Bremer and Stuckey 1972): ``sqrt((H - 1/N) / (1 -
    1/N))`` with ``H`` the sum of squared CINC shares renormalised among the
    ``N`` cohort members (NMC v6.0).
``alliances``
    Mean over the period's years of the number of cohort pairs that share a
    formal alliance of any type in force that year (COW Formal Alliances
    v4.1, member level).
``eliminations``
    Cohort members whose major-power spell ended in the period (State System
    Membership v2016).
``disputes_per_pair_year``
    Militarized disputes (MID v5.0) begun in the period with cohort members on
    opposite sides, per cohort pair-year (:mod:`security_regimes.data.disputes`
    gives the coding; the crisis core's crises are compared with them).
``dispute_war_share``, ``dispute_yield_share``, ``dispute_stalemate_share``
    The shares of those disputes that reached war (hostility level 5), that
    ended in a yield by either side (MID outcomes 3 and 4) and in a
    stalemate (outcome 5); NaN without a dispute.
``peace_then_wars``
    The record's pattern as one event: 1 if no war among the cohort began in
    1816-1852 and at least three began in 1853-1870, else 0 (the record: 1).
    A run's mean over runs is the probability of the pattern, so a fit that
    misses it pays for it however it does on the rates.  Defined for periods
    that contain 1816-1870 (NaN otherwise).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .cow_data import DEFAULT_POWERS_1816, _cached, capabilities, major_powers, wars
from .disputes import disputes_among

STATISTICS = ("wars", "wars_per_pair_year", "years_to_first_war", "con", "alliances",
              "eliminations", "disputes_per_pair_year", "dispute_war_share",
              "dispute_yield_share", "dispute_stalemate_share", "peace_then_wars")
#: ``peace_then_wars``: the years of peace, then of wars, and the wars the second needs.
PEACE_THEN_WARS = ((1816, 1852), (1853, 1870), 3)
#: The statistics that count disputes: only the crisis core has crises to compare.
DISPUTE_STATISTICS = ("disputes_per_pair_year", "dispute_war_share", "dispute_yield_share",
                      "dispute_stalemate_share")
#: Calendar years the shipped record covers for these patterns (to the eve of 1914).
RECORD = (1816, 1913)
#: The powers of the second era's scenario (``cold_war``): the five COW major
#: powers of the Cold War, the United States, the Soviet Union, Britain, France
#: and China (a COW major power from 1950; counted from 1946, as the scenario
#: has it).
COLD_WAR_POWERS = ("USA", "RUS", "UKG", "FRN", "CHN")
#: The two eras the patterns cover, with the cohort each counts by default:
#: 1816 to the eve of 1914, and 1946 to the end of the Soviet Union.
ERAS = {"1816": RECORD, "1946": (1946, 1991)}
COHORTS = ("1816", "1946", "all")


def alliances() -> pd.DataFrame:
    """Formal alliance memberships (COW v4.1): alliance, ccode, state_name, type, start/end year.

    ``end_year`` is NaN when the membership was still in force in 2012.
    """
    return _cached("alliances.csv").copy()


def era_of(start: int, end: int) -> str:
    """The era (:data:`ERAS`) that contains ``[start, end]``; ValueError (one line) if none."""
    for era, (lo, hi) in ERAS.items():
        if lo <= start <= end <= hi:
            return era
    spans = " or ".join(f"{lo}-{hi}" for lo, hi in ERAS.values())
    raise ValueError(f"period must lie within {spans}, got {start}-{end}")


def _check_period(start: int, end: int) -> None:
    era_of(start, end)


def cohort_by_year(start: int, end: int, cohort: str = "1816") -> dict[int, list[str]]:
    """Cohort members (COW abbreviations), year by year: ``"1816"`` the five 1816
    great powers while major powers, ``"1946"`` the five of
    :data:`COLD_WAR_POWERS` throughout, ``"all"`` every COW major power."""
    if cohort not in COHORTS:
        raise ValueError(f"cohort must be one of {COHORTS}, got {cohort!r}")
    if cohort == "1946":
        return {y: list(COLD_WAR_POWERS) for y in range(start, end + 1)}
    m = major_powers()
    out = {}
    for y in range(start, end + 1):
        active = m[(m.styear <= y) & (m.endyear >= y)].stateabb.tolist()
        out[y] = [s for s in active if cohort == "all" or s in DEFAULT_POWERS_1816]
    return out


def _cohort(start: int, end: int, cohort: str | None) -> str:
    """``cohort``, or the default cohort of the era of ``[start, end]``."""
    return era_of(start, end) if cohort is None else cohort


def cohort_wars(start: int, end: int, cohort: str | None = None) -> pd.DataFrame:
    """Wars that began in the period with cohort members on opposite sides
    (``cohort`` None: the era's)."""
    _check_period(start, end)
    cohort = _cohort(start, end, cohort)
    members = cohort_by_year(start, end, cohort)
    ccode = major_powers().drop_duplicates("stateabb").set_index("stateabb").ccode
    w = wars()
    rows = []
    for num, g in w[(w.start_year >= start) & (w.start_year <= end)].groupby("war_num"):
        year = int(g.start_year.min())
        codes = {ccode[s] for s in members[year]}
        sides = g[g.ccode.isin(codes)].side.unique()
        if len(sides) >= 2:
            rows.append({"war_num": num, "war_name": g.war_name.iloc[0], "start_year": year,
                         "battle_deaths": g.battle_deaths.sum(min_count=len(g))})
    return pd.DataFrame(rows, columns=["war_num", "war_name", "start_year", "battle_deaths"])


def concentration(year: int, states: list[str]) -> float:
    """CON of the CINC shares of ``states`` in ``year`` (renormalised among them)."""
    c = capabilities()
    s = c[(c.year == year) & c.stateabb.isin(states)].cinc.to_numpy(float)
    n = len(s)
    if n < 2:
        return float("nan")
    s = s / s.sum()
    h = float((s**2).sum())
    return float(np.sqrt(max(h - 1 / n, 0.0) / (1 - 1 / n)))


def allied_pair_set(year: int, states: list[str]) -> set[tuple[str, str]]:
    """Pairs of ``states`` sharing at least one formal alliance in force in ``year``."""
    a = alliances()
    ccode = major_powers().drop_duplicates("stateabb").set_index("stateabb").ccode
    live = a[(a.start_year <= year) & (a.end_year.isna() | (a.end_year >= year))]
    by_state = {s: set(live[live.ccode == ccode[s]].alliance) for s in states}
    return {tuple(sorted((x, y))) for x, y in itertools.combinations(states, 2)
            if by_state[x] & by_state[y]}


def allied_pairs(year: int, states: list[str]) -> int:
    """Number of pairs of ``states`` allied in ``year`` (:func:`allied_pair_set`)."""
    return len(allied_pair_set(year, states))


def observed_patterns(start: int, end: int, cohort: str | None = None) -> dict[str, float]:
    """The statistics of :data:`STATISTICS` for calendar years ``[start, end]``,
    within one era (:data:`ERAS`), among ``cohort`` (None: the era's)."""
    _check_period(start, end)
    cohort = _cohort(start, end, cohort)
    members = cohort_by_year(start, end, cohort)
    w = cohort_wars(start, end, cohort)
    pair_years = sum(len(v) * (len(v) - 1) // 2 for v in members.values())
    first = int(w.start_year.min()) - start if len(w) else end - start + 1
    m = major_powers()
    cohort_states = set().union(*members.values())
    ended = m[m.stateabb.isin(cohort_states) & (m.endyear >= start) & (m.endyear <= end)]
    code = dict(zip(m.stateabb, m.ccode, strict=True))
    d = disputes_among(start, end, {y: {int(code[s]) for s in v} for y, v in members.items()})
    return {
        "wars": float(len(w)),
        "wars_per_pair_year": len(w) / pair_years if pair_years else float("nan"),
        "years_to_first_war": float(first),
        "con": float(np.mean([concentration(y, s) for y, s in members.items()])),
        "alliances": float(np.mean([allied_pairs(y, s) for y, s in members.items()])),
        "eliminations": float(len(ended)),
        "disputes_per_pair_year": len(d) / pair_years if pair_years else float("nan"),
        "dispute_war_share": float(d.war.mean()) if len(d) else float("nan"),
        "dispute_yield_share": float((d.kind == "yield").mean()) if len(d) else float("nan"),
        "dispute_stalemate_share": (float((d.kind == "stalemate").mean()) if len(d)
                                    else float("nan")),
        "peace_then_wars": _peace_then_wars(start, end, w),
    }


def covers_peace_then_wars(start: int, end: int) -> bool:
    """Whether ``[start, end]`` contains the years of :data:`PEACE_THEN_WARS`."""
    (p0, _), (_, w1), _ = PEACE_THEN_WARS
    return start <= p0 and end >= w1


def _peace_then_wars(start: int, end: int, w: pd.DataFrame) -> float:
    if not covers_peace_then_wars(start, end):
        return float("nan")
    (p0, p1), (w0, w1), k = PEACE_THEN_WARS
    y = w.start_year
    return float(((y >= p0) & (y <= p1)).sum() == 0 and ((y >= w0) & (y <= w1)).sum() >= k)


def interstate_war_deaths() -> pd.Series:
    """Battle deaths of every COW inter-state war (all participants summed), indexed
    by ``war_num``; wars with a participant's figure unknown are left out."""
    deaths = wars().groupby("war_num").battle_deaths.agg(
        lambda s: s.sum() if s.notna().all() else None)
    return deaths.dropna().rename("battle_deaths")


def war_sizes(start: int = RECORD[0], end: int = RECORD[1], cohort: str = "1816") -> pd.Series:
    """Battle deaths of the cohort's wars (descriptive: the model measures war size as
    capability destroyed, not deaths, so this is compared in shape, not in level)."""
    return cohort_wars(start, end, cohort).set_index("war_name").battle_deaths


def observed_by_period(periods=None, cohort: str = "1816") -> pd.DataFrame:
    """:func:`observed_patterns` for several periods, one row each.

    Default periods: the decades 1816-1825, ..., 1906-1913 (the last one
    cut at 1913).  Pass e.g. ``[(1816, 1852), (1853, 1870), (1871, 1913)]``
    for the Concert's three eras.
    """
    if periods is None:
        periods = [(y, min(y + 9, RECORD[1])) for y in range(RECORD[0], RECORD[1] + 1, 10)]
    rows = [{"start": lo, "end": hi, **observed_patterns(lo, hi, cohort)} for lo, hi in periods]
    return pd.DataFrame(rows)


def largest_shifts(caps: np.ndarray, window: int = 5) -> np.ndarray:
    """Largest shift in relative power between any pair over ``window`` years.

    ``caps``: capabilities of shape (..., T, N), year by year.  For each pair
    ``(a, b)`` its relative power is ``a / (a + b)``; returns, for each start
    year ``t < T - window``, the largest ``|r[t + window] - r[t]|`` over the
    pairs, shape (..., T - window).  Pairs with a power at 0 (eliminated) do
    not count; NaN where no pair does.
    """
    caps = np.asarray(caps, dtype=float)
    i, j = np.triu_indices(caps.shape[-1], 1)
    a, b = caps[..., i], caps[..., j]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where((a > 0) & (b > 0), a / (a + b), np.nan)
    d = np.abs(r[..., window:, :] - r[..., :-window, :])
    out = np.full(d.shape[:-1], np.nan)
    ok = ~np.isnan(d).all(axis=-1)
    out[ok] = np.nanmax(np.where(np.isnan(d), -np.inf, d), axis=-1)[ok]
    return out


def power_shifts(start: int, end: int, states: tuple[str, ...] = DEFAULT_POWERS_1816,
                 window: int = 5) -> float:
    """Mean over the start years ``t`` in ``[start, end]`` of the largest
    ``window``-year shift in relative power between any pair of ``states``
    (:func:`largest_shifts` of their NMC CINC; the shift of ``t`` runs to
    ``t + window``, which may lie past ``end``).  The power shifts of the
    record that Powell's commitment problem reads: 0.044 in 1816-1852, 0.107
    in 1853-1870 and 0.060 in 1871-1908 among the five 1816 great powers.
    """
    _check_period(start, end)
    caps = capabilities()
    wide = caps[caps.stateabb.isin(states)].pivot_table(
        index="year", columns="stateabb", values="cinc", aggfunc="first")
    values = wide.reindex(index=range(start, end + window + 1), columns=list(states))
    if values.isna().any(axis=None):
        raise ValueError(f"power_shifts: NMC capabilities of {', '.join(states)} do not cover "
                         f"{start}-{end + window}")
    values = values.to_numpy(float)
    return float(np.nanmean(largest_shifts(values, window)))

