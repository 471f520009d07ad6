"""Simulated great-power history against the record (COW), as a predictive distribution.

The question is not whether the mean of many runs lies near the one history
we had, but how often the model produces what happened: the share of runs
with no war between great powers in 1816-1852, the percentiles of the first
such war's year, the share of runs in which every great power of 1816 is
still alive (without interruption) in 1914, and wars between great powers
per great-power pair-year.  With and without the norms on the same seeds,
the ratio of the two probabilities of the observed event is a likelihood
ratio: how much more (or less) likely the record is under the regime.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._stats import mean_ci
from ..data import great_power_wars, major_powers
from ..data.disputes import PERIODS as MID_PERIODS
from ..data.disputes import dispute_record, great_power_pair_years
from ..data.patterns import PEACE_THEN_WARS, covers_peace_then_wars
from ..system.layout import CRISIS_OUTCOMES

PERIODS = ((1816, 1853), (1854, 1914))

#: The record this module compares with (COW War Data v4.0 and State System
#: Membership v2016): 1816 to the eve of the First World War.
RECORD = (1816, 1913)
SURVIVAL_YEAR = 1914
#: The long peace (to 1852: the Crimean War began in 1853) and the cluster of
#: wars after it, at least three great-power wars in 1853-1870 (COW: Crimean,
#: Italian Unification, Seven Weeks, Franco-Prussian); one definition with the
#: calibration statistic ``peace_then_wars``.
(_, PEACE_UNTIL), CLUSTER, CLUSTER_WARS = PEACE_THEN_WARS


def observed_war_rates(periods=PERIODS) -> pd.DataFrame:
    """Wars with major powers on both sides per year, per period (COW War Data v4.0)."""
    wars = great_power_wars(1816, 2016)
    rows = []
    for lo, hi in periods:
        w = wars[(wars.start_year >= lo) & (wars.start_year <= hi) & wars.major_vs_major]
        rows.append({"period": f"{lo}-{hi}", "years": hi - lo + 1, "wars": len(w),
                     "rate": len(w) / (hi - lo + 1), "names": ", ".join(w.war_name)})
    return pd.DataFrame(rows)


def observed_record(start: int = RECORD[0], end: int = RECORD[1]) -> dict:
    """The historical values of the statistics of :func:`history_check`.

    Great-power pair-years count every pair of COW major powers in each year
    (Italy from 1860, Japan from 1895 and the United States from 1898 enter
    the count when they become major powers); wars are wars with major powers
    on both sides that began in ``[start, end]``.
    """
    m = major_powers()
    pair_years = great_power_pair_years(start, end)
    w = great_power_wars(start, end)
    w = w[w.major_vs_major]
    first = int(w.start_year.min()) if len(w) else None
    majors_1816 = set(m[(m.styear <= 1816) & (m.endyear >= 1816)].stateabb)
    alive = set(m[(m.styear <= 1816) & (m.endyear >= SURVIVAL_YEAR)].stateabb)
    # A great power "eliminated" in COW terms: its major-power spell ended in
    # the record; "restored": a later spell of a 1816 power began in it.
    ended = m[(m.endyear >= start) & (m.endyear < end)]
    returned = m[m.stateabb.isin(majors_1816) & (m.styear > start) & (m.styear <= end)]
    cluster = w[(w.start_year >= CLUSTER[0]) & (w.start_year <= CLUSTER[1])]
    return {"wars": len(w), "pair_years": pair_years, "cluster_wars": len(cluster),
            "wars_per_pair_year": len(w) / pair_years, "first_war_year": first,
            "no_war_until_1852": bool(first is None or first > PEACE_UNTIL),
            "all_1816_powers_alive_1914": majors_1816 <= alive,
            "eliminations": len(ended), "restorations": len(returned),
            "war_names": ", ".join(w.war_name)}


def simulated_wars(m: dict) -> np.ndarray:
    """Great-power wars begun each system-year, shape (runs, years): the one
    count behind every "wars per pair-year" of the history checks and the
    calibration (divided by the great-power pairs alive that year, summed).

    Several wars may start in a year (``wars``); a year counts them when one
    of its wars is between great powers (``member_war``: all of them when the
    run has no regime or every power is a member).  ``summary``'s
    ``wars_per_dyad_year`` counts every war the same way."""
    return np.where(np.asarray(m["member_war"], dtype=bool), m["wars"], 0)


def covers_record(start_year: int, years: int) -> bool:
    """Whether a run from ``start_year`` for ``years`` years covers 1816-1914."""
    return start_year <= RECORD[0] and start_year + years - 1 >= SURVIVAL_YEAR


def _history_stats(result, start_year: int) -> dict:
    """Predictive statistics of one SimulationResult whose year 1 is ``start_year``."""
    m = result.measures
    T = result.years
    cal = start_year + np.arange(T)
    if not covers_record(start_year, T):
        raise ValueError(f"the run covers {cal[0]}-{cal[-1]}; the history check needs "
                         f"{RECORD[0]}-{SURVIVAL_YEAR} (run from 1816 for at least 99 years)")
    war = m["member_war"]
    wars = simulated_wars(m)
    in_peace = (cal >= RECORD[0]) & (cal <= PEACE_UNTIL)
    in_record = (cal >= RECORD[0]) & (cal <= RECORD[1])
    no_war = ~war[:, in_peace].any(axis=1)
    rec = war[:, in_record]
    first = np.where(rec.any(axis=1), cal[in_record][rec.argmax(axis=1)], np.inf)
    # The empirical quantile (a year some run had): no interpolation, which
    # would turn runs without a war (inf) into NaN.
    q = np.percentile(first, [10, 50, 90], method="inverted_cdf")
    at_1914 = int(np.nonzero(cal == SURVIVAL_YEAR)[0][0])
    alive = m["continuous_survival"][:, at_1914] == 1.0
    pairs = m["pairs"][:, in_record].sum()
    elim = m["eliminated"][:, in_record].sum(axis=1)
    cluster = (cal >= CLUSTER[0]) & (cal <= CLUSTER[1])
    cluster_wars = wars[:, cluster].sum(axis=1)
    at_least = cluster_wars >= CLUSTER_WARS
    return {
        "p_no_war_1816_1852": float(no_war.mean()),
        "p_3_wars_1853_1870": float(at_least.mean()),
        "p_joint_record": float((no_war & at_least & alive).mean()),
        "first_war_p10": q[0], "first_war_p50": q[1], "first_war_p90": q[2],
        "p_all_alive_1914": float(alive.mean()),
        "wars_per_pair_year": float(wars[:, in_record].sum() / pairs) if pairs else np.nan,
        "eliminations_per_century": float(elim.mean() * 100 / in_record.sum()),
        "restorations_per_run": float(m["restored"][:, in_record].sum(axis=1).mean()),
        "runs": int(war.shape[0]),
    }


def history_check(scenario_result) -> pd.DataFrame:
    """The record as a predictive distribution, with and without the norms.

    ``scenario_result`` is a :class:`~security_regimes.regimes.scenarios.ScenarioResult`
    whose calendar years cover 1816-1914.  One row per statistic: the
    observed value, the simulated value with the norms and without them
    (same seeds), and for the two events the likelihood ratio
    P(record | norms) / P(record | no norms).  Years of first war are
    ``inf`` when fewer than that share of runs had a war by 1913.
    """
    start = scenario_result.scenario.start_year
    main = _history_stats(scenario_result.result, start)
    cf = (_history_stats(scenario_result.counterfactual, start)
          if scenario_result.counterfactual is not None else None)
    obs = observed_record()
    rows = [
        ("p_no_war_1816_1852", "P(no war between great powers 1816-1852)",
         float(obs["no_war_until_1852"])),
        ("first_war_p10", "year of first great-power war, 10th percentile", obs["first_war_year"]),
        ("first_war_p50", "year of first great-power war, median", obs["first_war_year"]),
        ("first_war_p90", "year of first great-power war, 90th percentile", obs["first_war_year"]),
        ("p_3_wars_1853_1870", "P(at least 3 great-power wars 1853-1870)",
         float(obs["cluster_wars"] >= CLUSTER_WARS)),
        ("p_all_alive_1914", "P(every 1816 great power alive without interruption in 1914)",
         float(obs["all_1816_powers_alive_1914"])),
        ("p_joint_record", "P(peace to 1852, at least 3 wars 1853-1870 and all alive in 1914)",
         float(obs["no_war_until_1852"] and obs["cluster_wars"] >= CLUSTER_WARS
               and obs["all_1816_powers_alive_1914"])),
        ("wars_per_pair_year", "great-power wars per great-power pair-year, 1816-1913",
         obs["wars_per_pair_year"]),
        ("eliminations_per_century", "great powers eliminated per century, 1816-1913",
         obs["eliminations"] * 100 / (RECORD[1] - RECORD[0] + 1)),
        ("restorations_per_run", "eliminated powers restored (rule 6), 1816-1913",
         float(obs["restorations"])),
    ]
    out = []
    for key, label, observed in rows:
        row = {"statistic": key, "description": label, "observed": observed,
               "with_norms": main[key], "without_norms": cf[key] if cf else np.nan}
        row["likelihood_ratio"] = np.nan
        if key.startswith("p_") and cf:
            # P(the observed outcome): the event if it happened, its complement if not.
            p1, p0 = (main[key], cf[key]) if observed else (1 - main[key], 1 - cf[key])
            with np.errstate(divide="ignore", invalid="ignore"):
                row["likelihood_ratio"] = float(np.divide(p1, p0))  # 0/0 -> NaN, x/0 -> inf
        out.append(row)
    df = pd.DataFrame(out)
    df.attrs["runs"] = main["runs"]
    return df


def compare_with_history(result, periods=PERIODS) -> pd.DataFrame:
    """Per period: simulated member-war rate (mean, 95% CI over runs) and observed rate.

    ``result`` is a :class:`~security_regimes.regimes.scenarios.ScenarioResult`
    whose calendar years cover the periods (e.g. ``concert_of_europe``).
    """
    df = result.per_year
    obs = observed_war_rates(periods)
    rows = []
    for (lo, hi), (_, o) in zip(periods, obs.iterrows(), strict=True):
        g = df[(df.calendar_year >= lo) & (df.calendar_year <= hi)]
        if g.empty:
            raise ValueError(f"the run does not cover {lo}-{hi}; run more years")
        per_run = g.groupby("system").member_war.mean()
        m, a, b, n = mean_ci(per_run)
        rows.append({"period": f"{lo}-{hi}", "simulated_rate": m, "sim_lo": a, "sim_hi": b,
                     "observed_rate": o.rate, "observed_wars": o.wars, "observed": o.names,
                     "runs": n})
    return pd.DataFrame(rows)


def simulated_patterns(result, start_year: int, start: int, end: int) -> pd.DataFrame:
    """The statistics of :func:`security_regimes.data.patterns.observed_patterns`, per run.

    ``result`` is a SimulationResult whose simulated year 1 is calendar year
    ``start_year``; the statistics cover calendar years ``[start, end]``, in
    the same units as the observed ones: wars among the model's powers
    (every power of the model is one of the 1816 cohort), their rate per
    pair-year of powers alive, years to the first such war (censored at the
    period's length), mean CON and mean allied pairs, and eliminations.
    One row per run.
    """
    m = result.measures
    cal = start_year + np.arange(result.years)
    sel = (cal >= start) & (cal <= end)
    if sel.sum() != end - start + 1:
        raise ValueError(f"the run covers {cal[0]}-{cal[-1]}, not {start}-{end}")
    war = m["member_war"][:, sel].astype(bool)
    count = simulated_wars(m)[:, sel]
    pairs = m["pairs"][:, sel].sum(axis=1)
    # Crises of the crisis core (none under the first-strike core), as disputes.
    crises = _crisis_stats(result, start_year, start, end)
    length = end - start + 1
    first = np.where(war.any(axis=1), war.argmax(axis=1), length)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(pairs > 0, count.sum(axis=1) / pairs, np.nan)
    return pd.DataFrame({
        "wars": count.sum(axis=1).astype(float),
        "wars_per_pair_year": rate,
        "years_to_first_war": first.astype(float),
        "con": np.nanmean(m["con"][:, sel], axis=1),
        "alliances": m["alliance_count"][:, sel].mean(axis=1).astype(float),
        "eliminations": m["eliminated"][:, sel].sum(axis=1).astype(float),
        "disputes_per_pair_year": crises["per_pair_year"],
        "dispute_war_share": crises["share_war"],
        "dispute_yield_share": crises["share_yield"],
        "dispute_stalemate_share": crises["share_stalemate"],
        "peace_then_wars": _peace_then_wars(simulated_wars(m), cal, start, end),
    })


def _peace_then_wars(count: np.ndarray, cal: np.ndarray, start: int, end: int) -> np.ndarray:
    """Per run, the record's pattern (``data.patterns.PEACE_THEN_WARS``) as 1 or 0;
    NaN where ``[start, end]`` does not contain its years."""
    if not covers_peace_then_wars(start, end):
        return np.full(count.shape[0], np.nan)
    (p0, p1), (w0, w1), k = PEACE_THEN_WARS
    peace = count[:, (cal >= p0) & (cal <= p1)].sum(axis=1) == 0
    wars = count[:, (cal >= w0) & (cal <= w1)].sum(axis=1) >= k
    return (peace & wars).astype(float)


def _crisis_stats(result, start_year: int, lo: int, hi: int) -> dict[str, np.ndarray]:
    """Per run: crises per pair-year and the shares of crises by outcome in ``[lo, hi]``."""
    m = result.measures
    cal = start_year + np.arange(result.years)
    sel = (cal >= lo) & (cal <= hi)
    if sel.sum() != hi - lo + 1:
        raise ValueError(f"the run covers {cal[0]}-{cal[-1]}, not {lo}-{hi}")
    crises = m["crises"][:, sel].sum(axis=1).astype(float)
    pairs = m["pairs"][:, sel].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {"per_pair_year": np.where(pairs > 0, crises / pairs, np.nan)}
        for key, measure in (("share_war", "crisis_wars"), ("share_yield", "yields"),
                             ("share_stalemate", "stalemates"),
                             ("share_compromise", "compromises"),
                             ("share_negotiated", "compromises")):
            out[key] = np.where(crises > 0, m[measure][:, sel].sum(axis=1) / crises, np.nan)
    return out


def _predictive(sim: np.ndarray, observed: float) -> dict:
    """Mean, 10th and 90th percentiles of a per-run statistic (NaN runs left
    out), the record's rank among the runs and how many runs count."""
    v = sim[~np.isnan(sim)]
    if not v.size:
        return {"simulated": np.nan, "p10": np.nan, "p90": np.nan, "rank": np.nan, "runs": 0}
    return {"simulated": float(v.mean()), "p10": float(np.percentile(v, 10)),
            "p90": float(np.percentile(v, 90)), "rank": float((v <= observed).mean()),
            "runs": int(v.size)}


def crisis_check(scenario_result, periods=None) -> pd.DataFrame:
    """The crisis core's crises against the MID record, period by period.

    One row per period and statistic: the observed value (great-power
    disputes, :func:`~security_regimes.data.disputes.dispute_record`), the
    simulated mean over runs and its 10th and 90th percentiles, and
    ``rank``, the share of runs at or below the observed value (near 0 or 1:
    the record is in the tail of the predictive distribution).  Shares are
    over runs with at least one crisis in the period (``runs``).  The model's
    crises are one per pair and year, its outcomes coded as in
    :mod:`security_regimes.data.disputes`; a war is a crisis at hostility
    level 5 and only a compromise in conference counts as negotiated.
    """
    periods = MID_PERIODS if periods is None else periods
    start = scenario_result.scenario.start_year
    obs = dispute_record(periods)
    labels = {"per_pair_year": "crises per great-power pair-year",
              "share_war": "share of crises that became a war (MID level 5)",
              "share_yield": "share ending in a yield", "share_stalemate": "share in a stalemate",
              "share_compromise": "share in a compromise",
              "share_negotiated": "share settled by negotiation"}
    rows = []
    for (lo, hi), (_, o) in zip(periods, obs.iterrows(), strict=True):
        sim = _crisis_stats(scenario_result.result, start, lo, hi)
        for key, label in labels.items():
            observed = float(o[key])
            rows.append({"period": f"{lo}-{hi}", "statistic": key, "description": label,
                         "observed": observed, **_predictive(sim[key], observed)})
    return pd.DataFrame(rows)


#: The nuclear dyad's record: USA-USSR militarized disputes, 1946-1991 (MID v5.0).
DYAD_RECORD = (("USA", "RUS"), (1946, 1991))


def dyad_crisis_check(scenario_result, pair: tuple[int, int] | None = None) -> pd.DataFrame:
    """One pair's crises against the USA-USSR record of 1946-1991, as yearly rates.

    ``pair`` (power indices; default: the scenario's first two nuclear
    powers) is compared, both directions pooled, with the USA-USSR disputes
    of MID v5.0: crises per year and the shares ending in war, a yield, a
    stalemate and a compromise.  The comparison is of rates, not dates: the
    run need not start in 1946.  Needs the crisis core's recorded crises
    (``ScenarioResult.result.crises``, kept by :meth:`Scenario.run`).
    """
    r = scenario_result.result
    if r.crises is None:
        raise ValueError("dyad_crisis_check: the run kept no crises (run the crisis core "
                         "with record_crises=True)")
    system = scenario_result.scenario.system
    if pair is None:
        if len(system.nuclear) < 2:
            raise ValueError("dyad_crisis_check: name a pair; the scenario has no two "
                             "nuclear powers")
        pair = tuple(sorted(system.nuclear)[:2])
    i, j = pair
    codes = np.maximum(r.crises[:, :, i, j], r.crises[:, :, j, i])  # one crisis per pair-year
    crises = (codes > 0).sum(axis=1).astype(float)
    states, (lo, hi) = DYAD_RECORD
    obs = dispute_record(((lo, hi),), states).iloc[0]
    code = CRISIS_OUTCOMES.index
    kinds = {"share_war": (code("war"), code("preventive war")), "share_yield": (code("yield"),),
             "share_stalemate": (code("stalemate"),), "share_compromise": (code("compromise"),)}
    rows = [("per_year", "crises per year between the two", float(obs.per_pair_year),
             crises / r.years)]
    with np.errstate(invalid="ignore", divide="ignore"):
        for key, code in kinds.items():
            share = np.isin(codes, code).sum(axis=1) / crises
            rows.append((key, key.replace("share_", "share ending in "), float(obs[key]),
                         np.where(crises > 0, share, np.nan)))
    df = pd.DataFrame([{"pair": f"{system.names[i]}-{system.names[j]}", "statistic": key,
                        "description": label, "observed": observed,
                        **_predictive(sim, observed)}
                       for key, label, observed, sim in rows])
    df.attrs["record"] = f"{'-'.join(states)} {lo}-{hi}"
    return df


def simulated_power_shifts(result, start_year: int, start: int, end: int,
                           window: int = 5) -> np.ndarray:
    """:func:`security_regimes.data.patterns.power_shifts` per run, shape (systems,).

    ``result`` must hold capabilities (``simulate(..., record_capabilities=True)``),
    its simulated year 1 being calendar year ``start_year``; the shifts run
    from each year of ``[start, end]`` to ``window`` years later, so the run
    must reach ``end + window``.
    """
    from ..data.patterns import largest_shifts

    caps = result.capabilities
    if caps is None:
        raise ValueError("simulated_power_shifts needs capabilities: simulate with "
                         "record_capabilities=True")
    lo, hi = start - start_year + 1, end + window - start_year + 1  # row y + 1: after model year y
    if lo < 1 or hi >= caps.shape[1]:
        raise ValueError(f"the run covers {start_year}-{start_year + caps.shape[1] - 2}, not "
                         f"{start}-{end + window}")
    shifts = largest_shifts(caps[:, lo:hi + 1], window)
    with np.errstate(invalid="ignore"):
        return np.nanmean(shifts, axis=1)



#: The second era's record (``cold_war``): its halves, fitted and held out.
COLD_WAR_HALVES = ((1946, 1968), (1969, 1991))


def cold_war_check(result, start_year: int = 1946) -> pd.DataFrame:
    """The second era as a predictive distribution: per run, whether the two
    superpowers (the scenario's first two nuclear powers, indices 0 and 1 in
    ``cold_war``) never fought each other in 1946-1991, whether the five
    fought no war among themselves in each half, and whether all five were
    alive in 1991; against the record (all true, but one war among the five in
    1946-1968: Korea, 1950).  ``result`` is a SimulationResult whose year 1 is
    ``start_year``; one row per statistic with the observed value, the share of
    runs in which it holds and the mean.
    """
    from ..data.patterns import observed_patterns

    m = result.measures
    cal = start_year + np.arange(result.years)
    lo, hi = COLD_WAR_HALVES[0][0], COLD_WAR_HALVES[1][1]
    if cal[0] > lo or cal[-1] < hi:
        raise ValueError(f"the run covers {cal[0]}-{cal[-1]}; the check needs {lo}-{hi}")
    era = (cal >= lo) & (cal <= hi)
    direct = m["war"] & np.isin(m["attacker"], (0, 1)) & np.isin(m["defender"], (0, 1))
    # Every power of the scenario is one of the five: every war counts (not only the
    # wars among a regime's members, as simulated_wars counts them).
    wars = np.asarray(m["wars"])
    rows = [("p_no_superpower_war", f"P(no war between the two superpowers {lo}-{hi})", 1.0,
             float((~direct[:, era].any(axis=1)).mean()))]
    for a, b in COLD_WAR_HALVES:
        sel = (cal >= a) & (cal <= b)
        count = wars[:, sel].sum(axis=1)
        observed = observed_patterns(a, b)["wars"]
        rows.append((f"wars_{a}_{b}", f"wars among the five {a}-{b} (mean)", observed,
                     float(count.mean())))
        rows.append((f"p_as_many_wars_{a}_{b}", f"P(exactly the record's {observed:.0f} "
                     f"war{'s' if observed != 1 else ''} among the five {a}-{b})", 1.0,
                     float((count == observed).mean())))
    at_end = int(np.nonzero(cal == hi)[0][0])
    rows.append(("p_all_alive_1991", f"P(all five alive without interruption in {hi})", 1.0,
                 float((m["continuous_survival"][:, at_end] == 1.0).mean())))
    return pd.DataFrame(rows, columns=["statistic", "description", "observed", "simulated"])


#: The dangerous-dyads check's default period (the first era).
CONTIGUITY_PERIOD = (1816, 1913)
#: The two eras of the record a whole state system is checked against.
STATE_SYSTEM_ERAS = (CONTIGUITY_PERIOD, (1946, 1991))


def state_system_era(start_year: int, years: int) -> tuple[int, int] | None:
    """The first era of :data:`STATE_SYSTEM_ERAS` that a run from calendar
    year ``start_year`` over ``years`` years covers whole, or None."""
    last = start_year + years - 1
    for lo, hi in STATE_SYSTEM_ERAS:
        if start_year <= lo and last >= hi:
            return lo, hi
    return None


def simulated_onset_ratio(result, events: str = "wars", start_year: int | None = None,
                          period: tuple[int, int] | None = None, draws: int = 2000,
                          seed: int = 1, level: float = 0.90) -> dict:
    """How much more often contiguous pairs begin ``events`` ("wars" or
    "crises") than other pairs in a run with a geography, per pair-year
    alive at the year's start, pooled over runs and the years of ``period``
    (calendar years, with year 1 = ``start_year``; default every year), with
    a bootstrap interval over runs (:func:`security_regimes.data.geo.rate_ratio_interval`):
    inf when no other pair begins one, NaN when a rate is undefined (no
    contiguous pair)."""
    from ..data.geo import rate_ratio_interval

    if events not in ("wars", "crises"):
        raise ValueError(f"events: expected 'wars' or 'crises', got {events!r}")
    m = result.measures
    years = np.asarray(m["pairs"]).shape[1]
    sel = np.ones(years, dtype=bool)
    if period is not None:
        cal = (start_year if start_year is not None else 1) + np.arange(years)
        sel = (cal >= period[0]) & (cal <= period[1])
        if not sel.any():
            raise ValueError(f"the run's years {cal[0]}-{cal[-1]} miss {period[0]}-{period[1]}")
    pairs = np.asarray(m["pairs"], float)[:, sel]
    near = np.asarray(m["contiguous_pairs"], float)[:, sel]
    on = np.asarray(m[events], float)[:, sel]
    on_near = np.asarray(m[f"contiguous_{events}"], float)[:, sel]
    ratio, lo, hi = rate_ratio_interval(on_near.sum(1), near.sum(1), (on - on_near).sum(1),
                                        (pairs - near).sum(1), draws, seed, level)
    return {"events": events, "ratio": ratio, "low": lo, "high": hi, "level": level,
            "contiguous_onsets": int(on_near.sum()), "contiguous_pair_years": int(near.sum()),
            "other_onsets": int((on - on_near).sum()),
            "other_pair_years": int((pairs - near).sum())}


def contiguity_check(result, start_year: int = 1816, period=CONTIGUITY_PERIOD,
                     level: float = 0.90) -> pd.DataFrame:
    """The dangerous-dyads check (Bremer 1992) as a predictive check: the
    ratio of onset rates, contiguous against other pairs, of wars (COW
    inter-state wars) and of crises (MID disputes; the crisis core's crises)
    in the run against the same ratio in COW over ``period`` with its
    bootstrap interval at ``level`` (:func:`security_regimes.data.geo.onset_ratio`).

    One row per event kind: observed ratio and interval, the simulated ratio
    and its interval over runs, and whether the simulated ratio falls inside
    the observed interval.  Crises are left out under the first-strike core
    (it opens none).  ``result`` must have a geography (contiguous pairs)."""
    from ..data.geo import onset_ratio

    m = result.measures
    if not np.asarray(m["contiguous_pairs"]).any():
        raise ValueError("the run has no contiguous pairs: give the system a geography "
                         "(System.geography = 'capitals' or 'grid')")
    rows = []
    kinds = [("wars", "wars")]
    if np.asarray(m["crises"]).any():
        kinds.append(("crises", "disputes"))
    for events, cow in kinds:
        obs = onset_ratio(period[0], period[1], events=cow, level=level)
        sim = simulated_onset_ratio(result, events, start_year, period, level=level)
        rows.append({"events": events, "observed": obs["ratio"], "observed_low": obs["low"],
                     "observed_high": obs["high"], "simulated": sim["ratio"],
                     "simulated_low": sim["low"], "simulated_high": sim["high"],
                     "inside": bool(obs["low"] <= sim["ratio"] <= obs["high"])})
    return pd.DataFrame(rows)


def observed_survival(start: int, end: int, names) -> np.ndarray:
    """Whether each state of ``names``, a COW member in ``start``, is still a
    member in ``end`` (COW State System Membership), shape (N,) bool."""
    from ..data.geo import members

    inside = set(members(end))
    return np.array([n in inside for n in names], dtype=bool)


def state_system_check(result, start_year: int = 1816, end: int = CONTIGUITY_PERIOD[1],
                       level: float = 0.90) -> pd.DataFrame:
    """A run of the whole state system (``System.from_cow(..., members=True)``
    with a geography) against COW: the dangerous-dyads ratios of
    :func:`contiguity_check`, and the share of the first year's great and
    minor powers (COW major powers of ``cow_year``) that are alive in ``end``
    against the share still in the state system then (the German and Italian
    states left it by unification, 1860-1871); under ``membership =
    "record"`` the states that enter later are not scored, and those that
    leave on their COW dates count as gone, as in the record.  One row per statistic:
    observed, simulated (mean over runs), and for the ratios the intervals
    and whether the simulated ratio is inside the observed one."""
    system = result.system
    if system.cow_year is None or result.capabilities is None:
        raise ValueError("state_system_check needs a system from COW run with "
                         "record_capabilities")
    cal = start_year + np.arange(result.years)
    if end not in cal:
        raise ValueError(f"the run covers {cal[0]}-{cal[-1]}; the check needs {end}")
    table = contiguity_check(result, start_year, (start_year, end), level)
    rows = [{"statistic": f"contiguity_ratio_{r.events}",
             "description": f"{r.events} onsets per pair-year, contiguous / other pairs",
             "observed": r.observed, "observed_low": r.observed_low,
             "observed_high": r.observed_high, "simulated": r.simulated,
             "simulated_low": r.simulated_low, "simulated_high": r.simulated_high,
             "inside": r.inside} for r in table.itertuples()]
    m = major_powers()
    major = set(m[(m.styear <= system.cow_year) & (m.endyear >= system.cow_year)].stateabb)
    # The states of the first year (under membership = "record" the others
    # enter later and are not scored).
    start = system.members_at_start()
    great = np.array([n in major for n in system.names]) & start
    seen = observed_survival(system.cow_year, end, system.names)
    alive = result.capabilities[:, int(np.nonzero(cal == end)[0][0]) + 1] > 0  # (B, N)
    for label, sel in (("great", great), ("minor", ~great & start)):
        if not sel.any():
            continue
        sim = alive[:, sel].mean(axis=1)
        lo, hi = np.quantile(sim, [(1 - level) / 2, 1 - (1 - level) / 2])
        rows.append({"statistic": f"survival_{label}",
                     "description": f"share of the {sel.sum()} {label} powers of "
                                    f"{system.cow_year} alive in {end}",
                     "observed": float(seen[sel].mean()), "observed_low": np.nan,
                     "observed_high": np.nan, "simulated": float(sim.mean()),
                     "simulated_low": float(lo), "simulated_high": float(hi),
                     "inside": bool(lo <= seen[sel].mean() <= hi)})
    rows += _alliance_rows(result, system, start_year, end, level)
    return pd.DataFrame(rows)


def _alliance_rows(result, system, start_year: int, end: int, level: float) -> list[dict]:
    """The run's alliances against COW's among the same states: the share of
    pair-years allied, and alliances in force per year (the model's: one
    against each power that is the main threat of two states at least,
    ``phases.ally``; counted from ``alliance_blocs``, so that row needs
    alliances recorded)."""
    from ..data.geo import alliance_record

    obs = alliance_record(start_year, end, system.names)
    m = result.measures
    sel = start_year + np.arange(result.years) <= end
    pairs = np.asarray(m["pairs"], float)[:, sel]
    allied = np.asarray(m["alliance_count"], float)[:, sel]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = allied.sum(axis=1) / pairs.sum(axis=1)
    stats = [("allied_pair_share", "share of pair-years allied (COW formal alliances among "
              "the run's states)", obs.allied_pairs.sum() / obs.pairs.sum(), share)]
    if result.alliance_blocs is not None:
        from ..data.geo import alliance_spells

        stats.append(("alliances_per_year", "alliances in force per year",
                      obs.alliances.mean(), result.alliances_per_year()[:, sel]
                      .mean(axis=1)))
        stats.append(("alliance_years", "mean years an alliance stays in force (spells cut "
                      "at the period's ends)",
                      alliance_spells(start_year, end, system.names).years.mean(),
                      result.alliance_years(int(sel.sum()))))
    a = (1 - level) / 2
    rows = []
    for stat, desc, o, sim in stats:
        lo, hi = np.nanquantile(sim, [a, 1 - a])
        rows.append({"statistic": stat, "description": desc, "observed": float(o),
                     "observed_low": np.nan, "observed_high": np.nan,
                     "simulated": float(np.nanmean(sim)), "simulated_low": float(lo),
                     "simulated_high": float(hi), "inside": bool(lo <= o <= hi)})
    return rows


def great_powers_only(system) -> bool:
    """Whether every power of ``system`` is a great power (an abstract system
    counts as one of great powers); the history checks count every war of
    such a system as a great-power war."""
    if system.cow_year is None:
        return True
    m = major_powers()
    major = set(m[(m.styear <= system.cow_year) & (m.endyear >= system.cow_year)].stateabb)
    return set(system.names) <= major
