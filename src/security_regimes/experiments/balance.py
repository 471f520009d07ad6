"""The balance-of-power experiment: Waltz, Kaplan, balancer and far-sighted Waltz.

All policies run on the same seeds (system ``i`` of every policy draws the
same uniforms for the same decisions), for each number of powers, so that
differences between policies are paired comparisons rather than noise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._stats import mean_ci  # noqa: F401 - re-exported
from ..system import POLICIES, System, simulate


def balance_experiment(
    n_powers: Sequence[int] = (3, 4, 5, 6, 7, 8, 9, 10),
    policies: Sequence[str] = POLICIES,
    systems: int = 500,
    years: int = 200,
    seed: int = 1,
    equal: bool = True,
    progress=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every policy for every number of powers.

    Returns ``(outcomes, survival)``: per (n_powers, policy) the mean and 95%
    CI of war frequency, war size, final essential-actor survival, share of
    systems where all survive, share reaching hegemony and mean year of
    hegemony (among those that do); and the survival curve by year with CI.
    ``equal=True`` starts all powers equal (isolating the number of powers);
    otherwise the largest COW states of 1816.  ``progress`` is called with
    system-years done (see :func:`simulate`).
    """
    rows, curves = [], []
    for n in n_powers:
        system = System.equal(n) if equal else System.from_cow(1816, n)
        for policy in policies:
            r = simulate(system, years=years, policy=policy, systems=systems, seed=seed,
                         record_capabilities=False, record_alliances=False, progress=progress)
            s = r.summary
            row = {"n_powers": n, "policy": policy, "systems": systems, "years": years}
            for col, series in (
                ("war_frequency", s.war_frequency),
                ("mean_war_size", s.mean_war_size),
                ("essential_survival", s.essential_survival),
                ("all_survive", s.all_survive.astype(float)),
                ("hegemony_reached", s.hegemony.notna().astype(float)),
                ("hegemony_year", s.hegemony),
                ("cooperation_rate", s.cooperation_rate),
            ):
                m, lo, hi, k = mean_ci(series)
                row[col] = m
                row[f"{col}_lo"] = lo
                row[f"{col}_hi"] = hi
            rows.append(row)
            surv = r.measures["essential_survival"]
            mean = surv.mean(axis=0)
            half = 1.96 * surv.std(axis=0, ddof=1) / np.sqrt(systems)
            curves.append(pd.DataFrame({"n_powers": n, "policy": policy,
                                        "year": np.arange(1, years + 1), "survival": mean,
                                        "lo": mean - half, "hi": mean + half}))
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


#: The grid of :func:`intent_phase_diagram` (``regimes intent``).
INTENT_FUTURE_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 5.0, 20.0)
INTENT_THRESHOLDS = (0.0, 0.01, 0.02, 0.05)


def intent_phase_diagram(future_weights: Sequence[float] = INTENT_FUTURE_WEIGHTS,
                         thresholds: Sequence[float] = INTENT_THRESHOLDS,
                         n_powers: int = 5, systems: int = 300, years: int = 200,
                         seed: int = 1, progress=None) -> pd.DataFrame:
    """"Result" against "intent" (Jervis 1982, p. 362) over two settings.

    For each elimination threshold and each ``future_weight`` of
    far-sighted self-help, run ``waltz`` (no restraint), ``kaplan`` (rules
    internalised: intent) and ``far_sighted_waltz`` (restraint from interest
    alone: result) on the same seeds with equal powers.  ``mimicry`` is how
    much of Kaplan's gain in continuous survival over Waltz far-sighted
    interest reproduces: ``(far - waltz) / (kaplan - waltz)``, 1 meaning that
    power-seeking alone mimics the regime's result, 0 that it does not (NaN
    where Kaplan's rules do not raise continuous survival at all).  ``essential`` columns count restored actors
    as alive (Kaplan's rule 6), ``continuous`` columns do not.
    """
    rows = []
    for thr in thresholds:
        system = System.equal(n_powers, elimination_threshold=float(thr))
        base = {}
        for name in ("waltz", "kaplan"):
            s = simulate(system, years=years, policy=name, systems=systems, seed=seed,
                         record_capabilities=False, record_alliances=False,
                         progress=progress).summary
            base[name] = (s.continuous_survival.mean(), s.essential_survival.mean())
        for fw in future_weights:
            s = simulate(system, years=years, policy="far_sighted_waltz", future_weight=fw,
                         systems=systems, seed=seed, record_capabilities=False,
                         record_alliances=False, progress=progress).summary
            far = (s.continuous_survival.mean(), s.essential_survival.mean())
            gain = base["kaplan"][0] - base["waltz"][0]
            rows.append({"elimination_threshold": thr, "future_weight": fw,
                         "waltz_continuous": base["waltz"][0],
                         "kaplan_continuous": base["kaplan"][0], "far_continuous": far[0],
                         "kaplan_essential": base["kaplan"][1], "far_essential": far[1],
                         "mimicry": (far[0] - base["waltz"][0]) / gain if gain > 0
                         else float("nan")})
    return pd.DataFrame(rows)
