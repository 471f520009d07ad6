"""Small statistics shared by every layer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def mean_ci(x: np.ndarray | pd.Series, z: float = 1.96) -> tuple[float, float, float, int]:
    """Mean, normal-approximation 95% CI bounds, and count of the non-missing values."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(v.mean())
    half = z * float(v.std(ddof=1)) / math.sqrt(n) if n > 1 else float("nan")
    return m, m - half, m + half, n
