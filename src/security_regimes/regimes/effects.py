"""What a regime does while it is in force: paired effects, tests and tenure.

A scenario with a regime runs twice on the same seeds: with its norms and
without them (:meth:`Scenario.counterfactual`).  The two runs of a seed are
identical, draw for draw, until the norms first bind: a regime is *in force*
from the year it forms, and its norms bind from the next year on (they bind
in year ``y`` when the regime was in force at the end of year ``y - 1``).
So the twin without norms is the counterfactual of each bound year, and the
paired difference over the bound years is the norms' treatment effect there
(the effect of norms on the identical-seed world, not an average over
worlds in which the regime might have formed: only runs in which it formed
count, which is a selection on formation; Downs, Rocke and Barsoom 1996
warn that compliance is high where an agreement asks little, which the
*tested share* below measures).

:func:`regime_effects` reports, over the bound system-years:

* the wars per bound year with the norms and in the twin, their paired
  difference per run and the share of the twin's wars the norms prevented (pooled, with a
  bootstrap interval over runs);
* under the crisis core, the share of crises that end in war, both ways;
* the share of bound years with anything to restrain (a war, a crisis or a
  norm-restrained attack with the norms, or a war or crisis in the twin):
  a regime whose years are untested neither succeeds nor fails;
* tenure: the length of each spell in force (spells still in force at the
  run's end are censored, and counted) and the hazard of breakdown (spells
  ended per year in force);
* the autonomy index beside them, with its numerator and denominator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._stats import mean_ci

#: Resamples of the runs for the pooled shares' 95% intervals.
BOOTSTRAP = 1000


#: Run outcomes that compare each run with its identical-seed twin without
#: norms (sweeps, EMA): years the norms bind, the wars started per bound year
#: with the norms and in the twin, and the paired difference (twin minus with
#: norms; positive: the norms prevent wars).  NaN where the norms never bind.
TWIN_OUTCOMES = ("years_bound", "wars_per_bound_year", "wars_per_bound_year_twin",
                 "wars_prevented_per_bound_year")


def _bound(in_force: np.ndarray, initially) -> np.ndarray:
    """(runs, years) bool: the norms bind in the year (in force at the end of the
    last); ``initially``: in force before year 1, a bool or one per run."""
    out = np.empty_like(in_force)
    out[:, 0] = initially
    out[:, 1:] = in_force[:, :-1]
    return out


def in_force_at_start(scenario) -> bool:
    """Whether the scenario's regime is in force before year 1 (its initial state)."""
    from ..system.model import Dyadic, initial_state

    if scenario.regime is None:
        return False
    n = scenario.system.n_powers
    return bool(initial_state(scenario.system, 1, scenario.regime,
                              Dyadic.build(scenario.dyadic, 1, n)).in_force[0])


def _bound_wars(measures: dict, twin: dict, initially) -> tuple[np.ndarray, ...]:
    """Per run: years the norms bind, and the wars started in them with the norms
    and in the twin (float), shape (runs,) each."""
    bound = _bound(np.asarray(measures["regime_in_force"], dtype=bool), initially)
    return (bound.sum(axis=1), np.where(bound, measures["wars"], 0).sum(axis=1).astype(float),
            np.where(bound, twin["wars"], 0).sum(axis=1).astype(float))


def twin_columns(measures: dict, twin: dict, initially) -> dict[str, np.ndarray]:
    """The :data:`TWIN_OUTCOMES` of each run, shape (runs,) each, from the
    measures of the runs with norms and of their twins without (name ->
    (runs, years)); ``initially`` as in :func:`_bound`."""
    return _rates(*_bound_wars(measures, twin, initially))


def _rates(years, with_norms, without) -> dict[str, np.ndarray]:
    """The :data:`TWIN_OUTCOMES` from :func:`_bound_wars`' counts."""
    per = np.where(years > 0, years, np.nan)
    return {"years_bound": years.astype(np.int64), "wars_per_bound_year": with_norms / per,
            "wars_per_bound_year_twin": without / per,
            "wars_prevented_per_bound_year": (without - with_norms) / per}


def _ratio(num: np.ndarray, den: np.ndarray, seed: int) -> tuple[float, float, float]:
    """``sum(num) / sum(den)`` over runs (shape (runs,) each), with a bootstrap
    95% interval that resamples runs (years of one run are not independent)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    if den.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    value = num.sum() / den.sum()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(num), size=(BOOTSTRAP, len(num)))
    n, d = num[idx].sum(axis=1), den[idx].sum(axis=1)
    boot = n[d > 0] / d[d > 0]
    lo, hi = np.quantile(boot, [0.025, 0.975]) if boot.size else (np.nan, np.nan)
    return float(value), float(lo), float(hi)


def _spells(in_force: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lengths of the spells in force (years) and whether each ended before the run did."""
    lengths, ended = [], []
    for row in in_force:
        padded = np.concatenate([[False], row, [False]]).astype(np.int8)
        starts = np.flatnonzero(np.diff(padded) == 1)
        stops = np.flatnonzero(np.diff(padded) == -1)
        lengths.extend(stops - starts)
        ended.extend(stops < len(row))
    return np.asarray(lengths, dtype=float), np.asarray(ended, dtype=bool)


def regime_effects(result, counterfactual, initially_in_force: bool = False,
                   seed: int = 0) -> pd.DataFrame:
    """What the regime does while in force, with 95% intervals (see the module docstring).

    ``result`` and ``counterfactual`` are the scenario's runs with and
    without norms on the same seeds; ``initially_in_force``: whether the
    regime is in force before year 1 (its initial state).  One row per
    measure: ``measure``, ``value``, ``lo``, ``hi``, ``n`` (runs, years or
    spells it rests on) and ``meaning``.
    """
    m, c = result.measures, counterfactual.measures
    in_force = np.asarray(m["regime_in_force"], dtype=bool)
    bound = _bound(in_force, initially_in_force)
    years_bound = bound.sum(axis=1)
    formed = years_bound > 0
    rows = []

    def row(measure, value, lo, hi, n, meaning):
        rows.append({"measure": measure, "value": value, "lo": lo, "hi": hi, "n": int(n),
                     "meaning": meaning})

    v = mean_ci(formed.astype(float))
    row("runs_bound", v[0], v[1], v[2], v[3],
        "share of runs in which the norms bind at least one year (the regime formed)")
    v = mean_ci(years_bound[formed].astype(float))
    row("years_bound", v[0], v[1], v[2], v[3],
        "years the norms bind per run where they bind at all")
    counts = _bound_wars(m, c, initially_in_force)
    twins = {k: v[formed] for k, v in _rates(*counts).items()}
    per = years_bound[formed].astype(float)
    wars1, wars0 = counts[1][formed], counts[2][formed]
    for name, meaning in (
            ("wars_per_bound_year", "wars started per bound year, with the norms"),
            ("wars_per_bound_year_twin", "wars started per bound year, in the twin without "
                                         "norms"),
            ("wars_prevented_per_bound_year", "paired effect: twin minus with norms, wars per "
                                              "bound year (positive: the norms prevent wars)")):
        v = mean_ci(twins[name]) if per.size else (np.nan,) * 3 + (0,)
        row(name, v[0], v[1], v[2], v[3], meaning)
    kept = _ratio(wars1, wars0, seed) if per.size else (np.nan,) * 3
    share = (1 - kept[0], 1 - kept[2], 1 - kept[1])
    row("share_of_wars_prevented", *share, int(wars0.sum()),
        "1 - wars with norms / wars in the twin, pooled over bound years (n: the twin's wars)")
    if np.asarray(m["crises"]).any() or np.asarray(c["crises"]).any():
        for name, x, who in (("crisis_war_share_bound", m, "with the norms"),
                             ("crisis_war_share_bound_twin", c, "in the twin")):
            cr = np.where(bound, x["crises"], 0).sum(axis=1)
            cw = np.where(bound, x["crisis_wars"], 0).sum(axis=1)
            row(name, *_ratio(cw, cr, seed), int(cr.sum()),
                f"share of crises in bound years that end in war, {who} (n: crises)")
    tested = ((np.asarray(m["wars"]) > 0) | (np.asarray(m["crises"]) > 0)
              | (np.asarray(m["norm_restraints"]) > 0) | (np.asarray(c["wars"]) > 0)
              | (np.asarray(c["crises"]) > 0))
    n_bound = int(bound.sum())
    row("tested_share", *_ratio((tested & bound).sum(axis=1), bound.sum(axis=1), seed),
        n_bound,
        "share of bound system-years with anything to restrain: a war, a crisis or a "
        "norm-restrained attack with the norms, or a war or crisis in the twin (n: bound "
        "system-years); the rest test nothing")
    lengths, ended = _spells(in_force)
    v = mean_ci(lengths)
    row("tenure", v[0], v[1], v[2], v[3],
        "years in force per spell (n: spells; spells still in force at the run's end are "
        "cut short there)")
    v = mean_ci((~ended).astype(float))
    row("censored_share", v[0], v[1], v[2], v[3],
        "share of spells still in force when the run ends")
    years_in = lengths.sum()
    k = int(ended.sum())
    hazard = k / years_in if years_in else np.nan
    half = 1.96 * np.sqrt(k) / years_in if years_in else np.nan
    row("breakdown_hazard", hazard, max(hazard - half, 0.0) if years_in else np.nan,
        hazard + half if years_in else np.nan, k,
        "spells ended per year in force (n: breakdowns; Poisson interval)")
    s = result.summary
    v = mean_ci(s.regime_autonomy.astype(float))
    row("regime_autonomy", v[0], v[1], v[2], v[3],
        "the autonomy index: norm-explained restraints / all restraining decisions, per run "
        "(its denominator counts every feasible attack not made, profitable or not, so read "
        "it with tested_share)")
    for col, meaning in (("norm_restraints", "its numerator: attacks the norms restrained, "
                                             "per run"),
                         ("restraints", "its denominator: restraining decisions, per run")):
        v = mean_ci(s[col].astype(float))
        row(col, v[0], v[1], v[2], v[3], meaning)
    return pd.DataFrame(rows)


#: The columns of :func:`breakdowns`.
BREAKDOWN_COLUMNS = ("run", "year", "calendar_year", "tenure", "cause", "regime_weight",
                     "regime_trust", "regime_cost", "regime_decline")

#: What ended a spell in force, in the order the rule tests them (see :func:`breakdowns`).
BREAKDOWN_CAUSES = ("member war", "domestic change", "revisionist turn", "lost trust",
                    "fading memory", "relative decline", "other")


def breakdowns(result, threshold: float, start_year: int = 1) -> pd.DataFrame:
    """Why each spell in force ended: one row per breakdown (spells still in force at
    the run's end are not breakdowns).

    A regime holds while its strength, the smaller of the living members' mean
    weight and mean trust, reaches ``threshold``.  The breakdown of year ``t`` is
    put down to the first of these that holds (the measures of
    :data:`~security_regimes.system.layout.MEASURES`):

    1. ``member war``: a war between members began in year ``t`` (it is seen by
       every member as betrayal: Jervis's Crimean War);
    2. ``domestic change``: a member's government changed in year ``t`` (a
       revolution or change of regime; its new government has not internalised
       the norms and may be revisionist);
    3. ``revisionist turn``: more members see expansion as their best security
       than a year earlier (condition 3) without a change of government;
    4. ``lost trust``: mean trust fell below the threshold without a member war
       (misread stances eroded the beliefs of condition 2);
    5. ``fading memory`` or ``relative decline``: the weights fell below it; of
       the perceived cost of war (condition 4: the memory of the hegemonic war
       is replaced by the lessons of cheaper wars, or fades with a
       ``half_life``) and the members' mean relative-decline factor, the one
       that fell more, relative to its value in the spell's first year;
    6. ``other`` (a member eliminated, or none of the above moved).

    Columns: ``run`` (system index), ``year`` (model year of the breakdown),
    ``calendar_year``, ``tenure`` (years in force), ``cause``, and the year's
    ``regime_weight``, ``regime_trust``, ``regime_cost`` and ``regime_decline``.
    """
    m = result.measures
    in_force = np.asarray(m["regime_in_force"], dtype=bool)
    rows = []
    for k, row in enumerate(in_force):
        padded = np.concatenate([[False], row, [False]]).astype(np.int8)
        starts = np.flatnonzero(np.diff(padded) == 1)
        stops = np.flatnonzero(np.diff(padded) == -1)
        for a, t in zip(starts, stops, strict=True):
            if t >= len(row):
                continue  # still in force at the end: censored
            trust, weight = m["regime_trust"][k, t], m["regime_weight"][k, t]
            cost, decline = m["regime_cost"][k, t], m["regime_decline"][k, t]
            if m["member_war"][k, t]:
                cause = "member war"
            elif m["domestic_changes"][k, t] > 0:
                cause = "domestic change"
            elif t > 0 and m["revisionists"][k, t] > m["revisionists"][k, t - 1]:
                cause = "revisionist turn"
            elif trust < threshold:
                cause = "lost trust"
            elif weight < threshold:
                fall_cost = 1 - cost / m["regime_cost"][k, a] if m["regime_cost"][k, a] > 0 else 0
                fall_decline = (1 - decline / m["regime_decline"][k, a]
                                if m["regime_decline"][k, a] > 0 else 0)
                if max(fall_cost, fall_decline) <= 0:
                    cause = "other"
                else:
                    cause = "fading memory" if fall_cost >= fall_decline else "relative decline"
            else:
                cause = "other"
            rows.append({"run": k, "year": int(t + 1), "calendar_year": int(t + start_year),
                         "tenure": int(t - a), "cause": cause, "regime_weight": float(weight),
                         "regime_trust": float(trust), "regime_cost": float(cost),
                         "regime_decline": float(decline)})
    return pd.DataFrame(rows, columns=list(BREAKDOWN_COLUMNS))


def breakdown_causes(table: pd.DataFrame) -> pd.DataFrame:
    """Breakdowns by cause (from :func:`breakdowns`): count and share of all
    breakdowns, with a 95% Wilson interval, and the mean tenure before them."""
    from scipy.stats import binomtest

    n = len(table)
    rows = []
    for cause in BREAKDOWN_CAUSES:
        g = table[table.cause == cause]
        ci = binomtest(len(g), n).proportion_ci(method="wilson") if n else None
        lo, hi = (ci.low, ci.high) if ci is not None else (np.nan, np.nan)
        rows.append({"cause": cause, "breakdowns": len(g), "share": len(g) / n if n else np.nan,
                     "lo": lo, "hi": hi,
                     "mean_tenure": float(g.tenure.mean()) if len(g) else np.nan})
    return pd.DataFrame(rows)
