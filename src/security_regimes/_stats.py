"""Small statistics shared by every layer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def mean_ci(x: np.ndarray | pd.Series, z: float = 1.96) -> tuple[float, float, float, int]:
    """Mean, normal-approximation 95% CI bounds, and count of the non-missing values.

    The bounds never leave the range of the values (a share's interval stays
    in [0, 1], a count's above 0): where the normal interval would cross the
    smallest or largest value it is cut there, as a percentile bootstrap's
    interval always is."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(v.mean())
    half = z * float(v.std(ddof=1)) / math.sqrt(n) if n > 1 else float("nan")
    if n == 1:
        return m, m - half, m + half, n
    return m, max(m - half, float(v.min())), min(m + half, float(v.max())), n
