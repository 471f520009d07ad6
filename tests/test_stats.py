import math

import numpy as np
import pandas as pd
import pytest

from security_regimes._stats import mean_ci


def test_mean_ci_gives_plain_floats_and_the_normal_interval():
    m, lo, hi, n = mean_ci(pd.Series([2.0, 3.0, np.nan, 3.0, 4.0]))
    assert n == 4 and m == 3.0
    half = 1.96 * float(np.std([2, 3, 3, 4], ddof=1)) / 2
    assert math.isclose(lo, 3 - half) and math.isclose(hi, 3 + half)
    # Plain floats: a result dict prints as {'lo': 1.2, ...}, not np.float64(1.2).
    assert all(type(v) is float for v in (m, lo, hi))
    assert mean_ci([])[3] == 0 and all(math.isnan(v) for v in mean_ci([])[:3])
    assert math.isnan(mean_ci([2.0])[1])


def test_an_interval_never_leaves_the_range_of_the_values():
    """Issue 29: a share's interval stays in [0, 1] (the normal one would not)."""
    shares = np.r_[np.zeros(18), 0.5, 1.0]
    m, lo, hi, n = mean_ci(shares)
    assert m - 1.96 * shares.std(ddof=1) / math.sqrt(n) < 0  # the normal bound
    assert lo == 0.0 and 0 < m < hi <= 1.0
    m, lo, hi, _ = mean_ci([0.2, 0.4, 0.6, 0.8])  # well inside: the normal interval
    assert (lo, hi) == pytest.approx((0.5 - 1.96 * 0.2582 / 2, 0.5 + 1.96 * 0.2582 / 2),
                                     abs=1e-4)
