"""Per-system parameters: several settings in one kernel call equal running them one at a time."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_regimes.regimes.scenarios import get_scenario
from security_regimes.system import Policy, System, simulate
from security_regimes.system.kernel import _CONSTANTS, Kernel
from security_regimes.system.layout import PARAMETER_DTYPE, pack_rows, pack_values
from security_regimes.system.model import Dyadic
from security_regimes.system.simulate import simulate_group

CONCERT = get_scenario("concert_of_europe").regime


@st.composite
def point(draw):
    """One setting: the parameters a sweep varies, each over its range."""
    system = dict(
        first_strike=draw(st.floats(-0.5, 1.0)),
        transfer=draw(st.floats(0.05, 0.9)),
        misperception=draw(st.sampled_from([0.0, draw(st.floats(0.0, 0.3))])),
        capability_noise=draw(st.sampled_from([0.0, 0.1, draw(st.floats(0.0, 0.4))])),
        growth_sd=draw(st.floats(0.0, 0.05)),
        decisiveness=draw(st.sampled_from([2.0, draw(st.floats(1.0, 4.0))])),
        shadow=draw(st.floats(0.5, 0.99)),
        stakes=draw(st.floats(0.1, 2.0)),
    )
    name = draw(st.sampled_from(["waltz", "kaplan", "far_sighted_waltz"]))
    rules = {draw(st.integers(1, 6)): draw(st.floats(0, 1))} if name == "kaplan" else {}
    return system, Policy(name, rules=rules), draw(st.integers(1, 3))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(points=st.lists(point(), min_size=1, max_size=4), core=st.sampled_from(
    ["first_strike", "crisis"]), regime=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_points_in_one_call_equal_each_run_alone(points, core, regime, seed):
    base = System(core=core)
    reg = CONCERT if regime else None
    group, first = [], 0
    for kw, policy, n in points:
        group.append((base.with_(**kw), policy, reg, first, n))
        first += n + 2  # runs need not be consecutive
    m, ids = simulate_group(group, 12, seed=seed)
    lo = 0
    for sy, policy, re, f, n in group:
        alone = simulate(sy, years=12, policy=policy, systems=n, seed=seed, first_index=f,
                         regime=re, record_capabilities=False, record_alliances=False)
        for name, v in alone.measures.items():
            np.testing.assert_array_equal(m[name][lo:lo + n], v, err_msg=name)
        np.testing.assert_array_equal(ids[lo:lo + n], alone.system_ids)
        lo += n


def test_pack_rows_equals_each_record():
    d = Dyadic.build("Tit For Tat", 10, 5)
    sc = get_scenario("concert_of_europe")
    rows = [(sc.system.with_(transfer=0.1 * k, capability_noise=0.05 * (k % 2)),
             Policy("kaplan", rules={3: 0.2 * k}) if k % 3 else sc.policy,
             sc.regime if k % 2 else None) for k in range(6)]
    P = pack_rows(rows, d, _CONSTANTS)
    for k, (sy, po, re) in enumerate(rows):
        one = np.array([pack_values(sy, po, d, re, _CONSTANTS)], PARAMETER_DTYPE)[0]
        for name in PARAMETER_DTYPE.names:
            assert P[k][name] == one[name], (k, name)


def test_one_call_refuses_points_of_another_structure():
    d = Dyadic.build("Tit For Tat", 10, 5)
    a, b = System(core="first_strike"), System(core="crisis")
    with pytest.raises(ValueError, match="share their structure"):
        Kernel(a, Policy(), d, None, points=[(a, Policy(), None, 1), (b, Policy(), None, 1)])
