"""Wars that spread (System.contagion; Siverson and Starr 1991): known answers
on a lattice, and the setting's effect on whole runs."""

import numpy as np
import pytest

from security_regimes import System, simulate
from security_regimes.engine.kernels import njit
from security_regimes.engine.rng import spawn_keys
from security_regimes.system import Policy
from security_regimes.system import phases as ph
from security_regimes.system.kernel import Kernel
from security_regimes.system.layout import BOOL_MEASURES, FLOAT_MEASURES, INT_MEASURES
from security_regimes.system.model import Dyadic, initial_state

SPREAD = njit(ph.spread.py_func)  # a phase has no wrapper callable from Python
F = ph.FLAG


def _spread(contagion, dead=(), allied=()):
    """War of 0 on 1 on a 3 x 3 lattice (0 1 2 / 3 4 5 / 6 7 8), 1000 km
    apart, gradient 0.3 (every power reaches every other, the farthest at
    0.15)."""
    system = System.equal(9, geography="grid", gradient=0.3, contagion=contagion)
    n = system.n_powers
    dy = Dyadic.build("Tit For Tat", 50, n)
    k = Kernel(system, Policy("waltz"), dy)
    st = initial_state(system, 1, None, dy)
    for q in dead:
        st.alive[0, q], st.cap[0, q] = False, 0.0
    arrays = {f: getattr(st, f)[0] for f in ("cap", "alive", "excluded", "belief", "dyad",
                                              "grievance", "seen_hostile", "fallen")}
    arrays.update(weight=np.zeros(n), revisionist=np.zeros(n, bool), ref_share=np.zeros(n),
                  memory=np.zeros(1), in_force=np.zeros(1, bool), status_quo=np.zeros((n, n)),
                  trend=np.zeros(n))
    s = ph.SystemState(*(arrays[f] for f in ph.SystemState._fields))
    x = ph.scratch(n, len(FLOAT_MEASURES), len(INT_MEASURES), len(BOOL_MEASURES))
    x.flags[F.a_side][0] = x.flags[F.d_side][1] = True
    x.flags[F.engaged][0] = x.flags[F.engaged][1] = True
    for q in allied:  # one alliance (against power 0, say)
        x.war_index[ph.WAR.bloc][q] = 1
    key = spawn_keys(1, np.arange(1))
    dr = ph.Draws(np.uint64(key[0]), np.int64(3) * k.dpy, k.off, np.int64(3))
    c = s.cap
    a_cap, d_cap = SPREAD(s, x, k.params, dr, k.tables, 0, c[0], c[1], n)
    return (set(np.flatnonzero(x.flags[F.a_side])), set(np.flatnonzero(x.flags[F.d_side])),
            a_cap, d_cap)


def test_a_war_spreads_only_to_neighbours_and_allies():
    # 2, 4 and 6 are gone: 3 borders the attacker; 5, 7 and 8 border no fighter.
    a, d, a_cap, d_cap = _spread(1.0, dead=(2, 4, 6))
    assert a == {0} and d == {1, 3}  # 3 joins against the side it borders
    assert d_cap == pytest.approx(2 / 9) and a_cap == pytest.approx(1 / 9)
    # 8 shares the alliance with the defender: it joins it (on a front of its
    # own, at its reach to the attacker), and exposes its neighbours 5 and 7,
    # who join against the side they border (8's).
    a, d, a_cap, d_cap = _spread(1.0, dead=(2, 4, 6), allied=(1, 8))
    assert a == {0, 5, 7} and d == {1, 3, 8}
    far = 1 - 0.3 * np.hypot(2, 2)  # 8's reach to 0
    assert d_cap == pytest.approx((2 + far) / 9) and a_cap == pytest.approx(3 / 9)


def test_without_contagion_no_one_joins_and_a_cascade_covers_the_lattice():
    a, d, _, _ = _spread(0.0)
    assert a == {0} and d == {1}
    a, d, _, _ = _spread(1.0)  # every bystander borders a fighter, at last
    assert a | d == set(range(9)) and not a & d


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_contagion_makes_wars_larger_and_needs_borders_or_allies(core):
    kw = dict(years=60, systems=60, seed=2, record_capabilities=False, record_alliances=False)
    # Without a map and without an alliance (no power threatens) no bystander
    # is ever exposed: contagion changes nothing.
    flat = System.equal(6, core=core, threat_share=1.0)
    a = simulate(flat, **kw).measures
    b = simulate(flat.with_(contagion=0.9), **kw).measures
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert a["war"].any()
    # On a lattice it spreads wars: they grow larger.
    grid = System.equal(9, geography="grid", gradient=0.3, core=core, opportunism=0.3)
    c = simulate(grid, **kw).measures
    d = simulate(grid.with_(contagion=0.9), **kw).measures
    assert d["largest_war"][d["war"]].mean() > c["largest_war"][c["war"]].mean()


def test_contagion_bad_input():
    with pytest.raises(ValueError, match="contagion must be a number in \\[0, 1\\]"):
        System(contagion=1.5)
