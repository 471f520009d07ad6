"""Simulated against observed great-power war, 1816-1853 and 1854-1914 (COW)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import great_power_wars
from ..experiments.balance import mean_ci

PERIODS = ((1816, 1853), (1854, 1914))


def observed_war_rates(periods=PERIODS) -> pd.DataFrame:
    """Wars with major powers on both sides per year, per period (COW War Data v4.0)."""
    wars = great_power_wars(1816, 2016)
    rows = []
    for lo, hi in periods:
        w = wars[(wars.start_year >= lo) & (wars.start_year <= hi) & wars.major_vs_major]
        rows.append({"period": f"{lo}-{hi}", "years": hi - lo + 1, "wars": len(w),
                     "rate": len(w) / (hi - lo + 1), "names": ", ".join(w.war_name)})
    return pd.DataFrame(rows)


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
    first = result.summary.first_member_war + result.scenario.start_year - 1
    m, a, b, n = mean_ci(first)
    frac = float(np.mean(np.isfinite(first)))
    out = pd.DataFrame(rows)
    out.attrs["first_member_war"] = {"mean_year": m, "lo": a, "hi": b,
                                     "share_of_runs_with_one": frac, "observed": 1853}
    return out
