"""The balance-of-power experiment: Waltz, Kaplan, balancer and far-sighted Waltz.

All policies run on the same seeds (system ``i`` of every policy draws the
same uniforms for the same decisions), for each number of powers, so that
differences between policies are paired comparisons rather than noise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._settings import DEFAULT_SEED
from .._stats import mean_ci  # noqa: F401 - re-exported
from ..system import NAMED_POLICIES, System, simulate

#: A minor state's capability relative to a great power's in the periphery of
#: :func:`balance_experiment`: an assumption of the order of 1816's (the median
#: minor member's CINC over the median great power's, which docs/geography.md
#: computes from COW).
PERIPHERY_SIZE = 0.05


def world_with_periphery(n_powers: int, periphery: int = 0, geography: str = "grid",
                         gradient: float = 0.0, **kw) -> System:
    """``n_powers`` equal great powers and ``periphery`` minor states of
    :data:`PERIPHERY_SIZE` each, on a map (``geography``: ``grid`` or
    ``none``), the great powers spread evenly over the lattice's points
    (row-major) and named ``G1..``, the minor states ``m1..``.  The great
    powers are :func:`great_powers` of the system."""
    total = n_powers + periphery
    where = np.unique(np.round(np.linspace(0, total - 1, n_powers)).astype(int))
    great = np.zeros(total, dtype=bool)
    great[where] = True
    caps, names, g, m = [], [], 0, 0
    for q in range(total):
        if great[q]:
            g += 1
            caps.append(1.0)
            names.append(f"G{g}")
        else:
            m += 1
            caps.append(PERIPHERY_SIZE)
            names.append(f"m{m}")
    return System(capabilities=tuple(caps), names=tuple(names), geography=geography,
                  gradient=gradient, **kw)


def great_powers(system: System) -> np.ndarray:
    """Which powers of a :func:`world_with_periphery` system are great, (N,) bool."""
    return np.array([n.startswith("G") for n in system.names])


def balance_experiment(
    n_powers: Sequence[int] = (3, 4, 5, 6, 7, 8, 9, 10),
    policies: Sequence[str] = NAMED_POLICIES,
    systems: int = 500,
    years: int = 200,
    seed: int = DEFAULT_SEED,
    equal: bool = True,
    progress=None,
    geography: str = "none",
    gradient: float = 0.0,
    periphery: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every policy for every number of powers.

    Returns ``(outcomes, survival)``: per (n_powers, policy) the mean and 95%
    CI of war frequency, war size, final essential-actor survival, share of
    systems where all survive, share reaching hegemony and mean year of
    hegemony (among those that do); and the survival curve by year with CI.
    ``equal=True`` starts all powers equal (isolating the number of powers);
    otherwise the largest COW states of 1816.  ``progress`` is called with
    system-years done (see :func:`simulate`).

    With a geography (``geography="grid"``, ``gradient`` per 1000 km) or a
    ``periphery`` of minor states, each system is
    :func:`world_with_periphery`: the ``n_powers`` great powers with the rest
    of the system present, and the outcomes gain ``great_survival`` (share of
    the great powers alive at the end), ``all_great_survive`` and
    ``minor_survival``; the survival curve is then the great powers'.
    """
    rows, curves = [], []
    mapped = geography != "none" or periphery > 0
    for n in n_powers:
        if mapped:
            system = world_with_periphery(n, periphery, geography, gradient)
        else:
            system = System.equal(n) if equal else System.from_cow(1816, n)
        great = great_powers(system) if mapped else None
        for policy in policies:
            r = simulate(system, years=years, policy=policy, systems=systems, seed=seed,
                         record_capabilities=mapped, record_alliances=False, progress=progress)
            s = r.summary
            row = {"n_powers": n, "policy": policy, "systems": systems, "years": years}
            extra = ()
            if mapped:
                alive = r.capabilities[:, -1, :] > 0  # (B, N) at the end
                extra = (("great_survival", pd.Series(alive[:, great].mean(axis=1))),
                         ("all_great_survive",
                          pd.Series(alive[:, great].all(axis=1).astype(float))))
                if (~great).any():
                    extra += (("minor_survival", pd.Series(alive[:, ~great].mean(axis=1))),)
            for col, series in (*extra,
                ("war_frequency", s.war_frequency),
                ("mean_war_size", s.mean_war_size),
                ("essential_survival", s.essential_survival),
                ("all_survive", s.all_survive.astype(float)),
                ("hegemony_reached", s.hegemony.notna().astype(float)),
                ("hegemony_year", s.hegemony),
                ("cooperation_rate", s.cooperation_rate),
                ("system_war_frequency", s.system_wars / years),
                ("sparing", s.sparing),
            ):
                m, lo, hi, k = mean_ci(series)
                row[col] = m
                row[f"{col}_lo"] = lo
                row[f"{col}_hi"] = hi
            rows.append(row)
            surv = (r.measures["essential_survival"] if not mapped
                    else (r.capabilities[:, 1:, great] > 0).mean(axis=2))
            mean = surv.mean(axis=0)
            half = 1.96 * surv.std(axis=0, ddof=1) / np.sqrt(systems)
            curves.append(pd.DataFrame({"n_powers": n, "policy": policy,
                                        "year": np.arange(1, years + 1), "survival": mean,
                                        "lo": mean - half, "hi": mean + half}))
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


#: The grid of :func:`intent_phase_diagram` (``regimes intent``).
INTENT_DISCOUNTS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
INTENT_POWERS = (3, 5, 7, 9)
INTENT_THRESHOLDS = (0.0, 0.02, 0.05)

#: A far-sighted cell is Kaplan-like when its survival and its sparing are both
#: within this of ``kaplan``'s on the same seeds.
KAPLAN_LIKE = 0.05


def _means(s: pd.DataFrame) -> dict[str, float]:
    return {"survival": float(s.continuous_survival.mean()),
            "essential": float(s.essential_survival.mean()),
            "sparing": float(np.nanmean(s.sparing)) if s.sparing.notna().any() else float("nan"),
            "autonomy": (float(np.nanmean(s.regime_autonomy))
                         if s.regime_autonomy.notna().any() else float("nan"))}


def intent_phase_diagram(discounts: Sequence[float] = INTENT_DISCOUNTS,
                         n_powers: Sequence[int] = INTENT_POWERS,
                         thresholds: Sequence[float] = INTENT_THRESHOLDS,
                         systems: int = 200, years: int = 200, seed: int = DEFAULT_SEED,
                         progress=None, core: str | None = None) -> pd.DataFrame:
    """"Result" against "intent" (Jervis 1982, p. 362): where does interest alone
    produce Kaplan-like restraint?

    For each number of equal powers and elimination threshold, ``waltz`` (no
    restraint) and ``kaplan`` (the rules internalised: intent) run once, and
    ``far_sighted_waltz`` (restraint from interest alone: result) for each
    discount factor, all on the same seeds.  One row per (n_powers,
    elimination_threshold, discount): continuous survival at the end
    (``*_survival``; restored actors count as fallen), essential survival
    (``*_essential``; restored actors count as alive), ``*_sparing`` (share of
    wars whose main loser survives the year), regime autonomy (``*_autonomy``:
    0 for interest alone), ``mimicry`` (far-sighted's share of Kaplan's
    survival gain over Waltz, NaN where Kaplan gains nothing) and
    ``kaplan_like`` (survival and sparing both within ``KAPLAN_LIKE`` of
    Kaplan's).  ``core`` replaces the default decision core: under the crisis
    core wars are fought for limited aims and no winner presses on to
    elimination, so every beaten power is spared and sparing cannot tell
    interest from rules; ``core="first_strike"`` measures the claim where it can.
    """
    from ..system import Policy

    rows = []
    for n in n_powers:
        for thr in thresholds:
            system = System.equal(int(n), elimination_threshold=float(thr),
                                  **({} if core is None else {"core": core}))

            def run(policy, system=system):
                return _means(simulate(system, years=years, policy=policy, systems=systems,
                                       seed=seed, record_capabilities=False,
                                       record_alliances=False, progress=progress).summary)

            waltz, kaplan = run("waltz"), run("kaplan")
            gain = kaplan["survival"] - waltz["survival"]
            for d in discounts:
                far = run(Policy("far_sighted_waltz", discount=float(d)))
                row = {"n_powers": int(n), "elimination_threshold": float(thr),
                       "discount": float(d)}
                for name, m in (("waltz", waltz), ("kaplan", kaplan), ("far", far)):
                    row.update({f"{name}_{k}": v for k, v in m.items()})
                row["mimicry"] = (far["survival"] - waltz["survival"]) / gain if gain > 0 \
                    else float("nan")
                row["kaplan_like"] = bool(
                    abs(far["survival"] - kaplan["survival"]) <= KAPLAN_LIKE
                    and abs(far["sparing"] - kaplan["sparing"]) <= KAPLAN_LIKE)
                rows.append(row)
    return pd.DataFrame(rows)
