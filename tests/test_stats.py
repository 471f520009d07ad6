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
    shares = np.r_[np.zeros(18), 0.5, 1.0]  # not 0/1 only: the cut normal interval
    m, lo, hi, n = mean_ci(shares)
    assert m - 1.96 * shares.std(ddof=1) / math.sqrt(n) < 0  # the normal bound
    assert lo == 0.0 and 0 < m < hi <= 1.0
    m, lo, hi, _ = mean_ci([0.2, 0.4, 0.6, 0.8])  # well inside: the normal interval
    assert (lo, hi) == pytest.approx((0.5 - 1.96 * 0.2582 / 2, 0.5 + 1.96 * 0.2582 / 2),
                                     abs=1e-4)


def test_a_share_of_runs_gets_wilsons_interval():
    """Issue 29: values that are all 0 or 1 (did a war begin?) get Wilson's score
    interval, which stays in [0, 1] and is not empty when every run went one way."""
    from security_regimes._plot import mean_band

    m, lo, hi, n = mean_ci(np.r_[np.ones(3), np.zeros(17)])
    # Wilson by hand: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    z, p = 1.96, 3 / 20  # mean_ci's z
    centre, half = p + z * z / 40, z * math.sqrt(p * (1 - p) / 20 + z * z / 1600)
    assert (m, n) == (0.15, 20)
    assert (lo, hi) == pytest.approx(((centre - half) / (1 + z * z / 20),
                                      (centre + half) / (1 + z * z / 20)), rel=1e-9)
    m, lo, hi, _ = mean_ci(np.zeros(10))  # no run had it: the interval is not [0, 0]
    assert m == 0 and lo == pytest.approx(0, abs=1e-12) and 0.2 < hi < 0.35
    runs = np.r_[np.ones((3, 2)), np.zeros((17, 2))]
    runs[0, 1] = np.nan
    mean, lo_b, hi_b = mean_band(runs)
    z95 = 1.959963984540054  # the bands' z
    assert mean[0] == 0.15
    assert (lo_b[0], hi_b[0]) == pytest.approx(mean_ci(runs[:, 0], z95)[1:3], rel=1e-12)
    assert (lo_b[1], hi_b[1]) == pytest.approx(mean_ci(runs[1:, 1], z95)[1:3], rel=1e-12)
