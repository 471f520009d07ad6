"""Small statistics shared by every layer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson's score interval for ``k`` successes in ``n`` trials at the normal
    quantile ``z`` (scipy's ``binomtest(...).proportion_ci(method="wilson")``):
    inside [0, 1], and not of width 0 when every trial went one way."""
    from scipy.stats import binomtest, norm

    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=2 * norm.cdf(z) - 1,
                                                 method="wilson")
    return float(ci.low), float(ci.high)


def is_binary(v: np.ndarray) -> bool:
    """Whether every value is 0 or 1 (a share of runs: Wilson's interval applies)."""
    return bool(v.size) and bool(np.all((v == 0) | (v == 1)))


def mean_ci(x: np.ndarray | pd.Series, z: float = 1.96) -> tuple[float, float, float, int]:
    """Mean, 95% CI bounds, and count of the non-missing values.

    Where every value is 0 or 1 (the share of runs in which something
    happened) the interval is Wilson's score interval (:func:`wilson`);
    otherwise it is the normal-approximation interval, cut where it would
    cross the smallest or largest value (a share's interval stays in [0, 1],
    a count's above 0), as a percentile bootstrap's interval always is."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(v.mean())
    if is_binary(v):
        return (m, *wilson(int(v.sum()), n, z), n)
    half = z * float(v.std(ddof=1)) / math.sqrt(n) if n > 1 else float("nan")
    if n == 1:
        return m, m - half, m + half, n
    return m, max(m - half, float(v.min())), min(m + half, float(v.max())), n
