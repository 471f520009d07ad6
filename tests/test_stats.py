import math

import numpy as np
import pandas as pd

from security_regimes._stats import mean_ci


def test_mean_ci_gives_plain_floats_and_the_normal_interval():
    m, lo, hi, n = mean_ci(pd.Series([1.0, 2.0, np.nan, 3.0, 6.0]))
    assert n == 4 and m == 3.0
    half = 1.96 * float(np.std([1, 2, 3, 6], ddof=1)) / 2
    assert math.isclose(lo, 3 - half) and math.isclose(hi, 3 + half)
    # Plain floats: a result dict prints as {'lo': 1.2, ...}, not np.float64(1.2).
    assert all(type(v) is float for v in (m, lo, hi))
    assert mean_ci([])[3] == 0 and all(math.isnan(v) for v in mean_ci([])[:3])
    assert math.isnan(mean_ci([2.0])[1])
