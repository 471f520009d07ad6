"""The crisis core (``System(core="crisis")``): each phase against the plain-Python
reference, the whole year against it, and the known answers of the bargaining
theory of war (``../shared/design/bargaining.md``), in the kernel and in the reference.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_regimes.engine.kernels import njit
from security_regimes.engine.libm import exp_affine
from security_regimes.engine.rng import spawn_keys
from security_regimes.system import Policy, System, simulate
from security_regimes.system import phases as ph
from security_regimes.system.kernel import Kernel, step_year
from security_regimes.system.layout import (
    BOOL_MEASURES,
    FLOAT_MEASURES,
    INT_MEASURES,
    YEAR_MEASURES,
)
from security_regimes.system.model import Dyadic, State, initial_state
from security_regimes.system.war import demand

from . import reference as ref
from .draws import Draws
from .test_phases import _pairs_of, assert_same_margins
from .test_reference import random_state, with_random_regime

CRISIS_MEASURES = ref.CRISIS_MEASURES
PV, PF, PC = ph.PAIR_VALUE, ph.PAIR_FLAG, ph.PAIR_CODE


# --- Known answers of the formulas (bargaining.md 1-3), kernel steps and reference --

DEMANDS = [lambda *a: demand.py_func(*a, 0.0), ref.fearon_demand]


@pytest.mark.parametrize("demand", DEMANDS)
def test_fearon_risk_return_trade_off(demand):
    """bargaining.md 2: c_B ~ U(0, C), C = 0.4, c_A = 0.1, a challenger that always
    fights: x* = p + 0.15 and P(war) = (C - c_A) / (2 C) = 0.375."""
    for p in (0.2, 0.5, 0.6):
        x, acc = demand(p, 0.3, p - 0.1, 0.0, 0.4, 1.0)
        assert x == pytest.approx(p + 0.15)
        assert 1 - acc == pytest.approx(0.375)
    # More uncertainty, more war; none as C falls to c_A.
    risks = [1 - demand(0.5, 0.3, 0.4, 0.0, c, 1.0)[1] for c in (0.1, 0.2, 0.4)]
    assert risks[0] == pytest.approx(0.0, abs=1e-12) and risks[0] < risks[1] < risks[2]


@pytest.mark.parametrize("demand", DEMANDS)
def test_complete_information_leaves_no_war(demand):
    """bargaining.md 1: with the target's cost known the demand is the most it
    accepts, and it is accepted."""
    for p, c_b in ((0.3, 0.1), (0.5, 0.25), (0.9, 0.3)):
        x, acc = demand(p, 0.4, p - 0.1, c_b, c_b, 1.0)
        assert acc == 1.0 and x == pytest.approx(min(p + c_b, 1.0))


@pytest.mark.parametrize("demand", DEMANDS)
def test_an_unbelieved_threat_coerces_nothing(demand):
    x, acc = demand(0.5, 0.45, 0.4, 0.0, 0.4, 0.0)
    assert (x, acc) == (0.45, 0.0)


def _preventive_margin(delta, p, p1, c):
    return delta * (p - p1) - (1 - delta) * (1 - p + c)


def test_the_commitment_threshold_formula():
    """bargaining.md 3: delta 0.9, p 0.6, c_A 0.1: war iff p' < 0.5444."""
    assert _preventive_margin(0.9, 0.6, 0.544, 0.1) > 0
    assert _preventive_margin(0.9, 0.6, 0.545, 0.1) < 0


# --- Phases and the year against the reference ------------------------------------

EXTRAS = [{}, {"first_strike": 0.0, "resolve_spread": 0.5},
          {"capability_noise": 0.3, "escalation_risk": 0.5, "audience_cost": 0.2},
          {"nuclear": (0, 1), "discount_factor": 0.5, "stakes": 0.1},
          {"resolve_spread": 0.0, "first_strike": -0.2},
          {"decisive_lead": 3, "war_cost": 0.02, "trend_years": 1, "growth_sd": 0.2},
          {"decisive_lead": 4, "war_cost": 0.03, "intensification": 0.8},
    {"yield_cost": 0.05, "first_strike": 0.1},
          {"geography": "grid", "gradient": 0.6, "first_strike": 0.1},
          {"geography": "grid", "gradient": 2.0, "resolve_spread": 0.5},
          {"geography": "grid", "gradient": 0.3, "contagion": 0.7, "opportunism": 0.3},
          {"geography": "random", "map_seed": 5, "gradient": 0.8, "contagion": 0.5}]


def crisis_world(seed, n, policy, dyadic, extra, regime, years_ahead=False):
    rng = np.random.default_rng(seed)
    system = System.equal(n, core="crisis", misperception=float(rng.choice([0.0, 0.1])),
                          decisiveness=float(rng.choice([1.0, 2.0])), restore_rate=0.5,
                          **extra)
    if dyadic == "mixed":
        pool = ["Defector", "Tit For Tat", "Bayesian Trust", "Grudger"]
        dyadic = [pool[i % len(pool)] for i in range(n)]
    dy = Dyadic.build(dyadic, 50, n)
    B = 6
    state = random_state(rng, B, n, dy)
    sq = rng.uniform(0, 1, (B, n, n))
    sq = np.triu(sq, 1) + np.tril(1 - np.transpose(sq, (0, 2, 1)), -1)
    sq[rng.random((B, n, n)) < 0.15] = np.nan  # some pairs unsettled
    sq = np.where(np.isnan(np.transpose(sq, (0, 2, 1))), np.nan, sq)
    state.status_quo = sq
    state.trend = rng.normal(0.01, 0.08, (B, n))
    reg = with_random_regime(rng, state, n, regime)
    keys = spawn_keys(seed, np.arange(B))
    year = int(rng.integers(0, 100))
    return system, policy, dy, reg, state, keys, year


@njit
def _through_crises(s, x, p, t, dr, g, seen, n):
    bound = p.has_regime and s.in_force[0]
    ph.begin_year(s, x, n)
    _, total = ph.grow(s, g, n)
    ph.track_trend(s, p, g, n)
    ph.ally(s, x, p, dr, t, total, n)
    ph.reply(s, x, p, dr, t, n)
    ph.punishers(s, x, t, n)
    if bound and p.collective > 0:
        ph.collective_security(s, x, p, t, n)
    dyads = ph.crises(s, x, p, dr, t, seen, bound, n)
    ph.resolve_crises(s, x, p, dr, t, bound, n)
    return dyads


def _ref_world(state, b, reg):
    keys = ("cap", "alive", "excluded", "dyad", "belief", "grievance", "seen_hostile", "fallen",
            "status_quo", "trend")
    w = {k: getattr(state, k)[b].tolist() for k in keys}
    if reg is not None:
        w.update(weight=state.weight[b].tolist(), memory=float(state.memory[b]),
                 revisionist=state.revisionist[b].tolist(),
                 ref_share=state.ref_share[b].tolist(), in_force=bool(state.in_force[b]))
    return w


def _nan_equal(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(np.nan_to_num(a), np.nan_to_num(b), rtol=1e-12, atol=1e-14)


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
GIVEN = dict(seed=st.integers(0, 2**31), n=st.integers(2, 6),
             policy=st.sampled_from([Policy("waltz"), Policy("kaplan"),
                                     Policy("kaplan", rules={1: 0.5, 3: 0.5})]),
             dyadic=st.sampled_from(["Tit For Tat", "Grudger", "Bayesian Trust", "GTFT: 0.3",
                                     "mixed"]),
             extra=st.sampled_from(EXTRAS), regime=st.sampled_from(["none", "all", "some"]))


@settings(max_examples=40, **SETTINGS)
@given(**GIVEN)
def test_crisis_phases_equal_their_reference(seed, n, policy, dyadic, extra, regime):
    """Trend, decisions and resolution of the crises, system by system."""
    system, policy, dy, reg, state, keys, year = crisis_world(seed, n, policy, dyadic, extra,
                                                              regime)
    k = Kernel(system, policy, dy, reg)
    g_all = exp_affine(k._normals(keys, year, year + 1, k.off.growth, (n,)),
                       system.growth_mean, system.growth_sd)
    seen_all = (exp_affine(k._normals(keys, year, year + 1, k.off.perceive, (n, n)), 0.0,
                           system.capability_noise)
                if system.capability_noise > 0 else np.ones((len(keys), 1, n, n)))
    draws = Draws(keys, year, n)
    regime_fill = {"weight": np.zeros(n), "revisionist": np.zeros(n, bool),
                   "ref_share": np.zeros(n), "memory": np.zeros(1), "in_force": np.zeros(1, bool)}
    for b in range(len(keys)):
        arrays = {}
        for f in ph.SystemState._fields:
            v = getattr(state, f)
            if v is None:
                arrays[f] = regime_fill[f].copy()
            elif f in ("memory", "in_force"):
                arrays[f] = np.array(v[b:b + 1], copy=True)
            else:
                arrays[f] = np.array(v[b], copy=True)
        s = ph.SystemState(*(arrays[f] for f in ph.SystemState._fields))
        x = ph.scratch(n, len(FLOAT_MEASURES), len(INT_MEASURES), len(BOOL_MEASURES))
        dr = ph.Draws(np.uint64(keys[b]), np.int64(year) * k.dpy, k.off, np.int64(year))
        dyads = _through_crises(s, x, k.params, k.tables, dr, g_all[b, 0], seen_all[b, 0], n)
        w = _ref_world(state, b, reg)
        if reg is None:
            w.update(weight=[0.0] * n, memory=0.0, revisionist=[False] * n,
                     ref_share=[0.0] * n, in_force=False)
        u = draws.of(b)
        cfg = ref.Setting(system, policy, dy, reg)
        for phase in (ref.ref_begin_year, ref.ref_grow, ref.ref_track_trend, ref.ref_ally,
                      ref.ref_reply, ref.ref_punishers):
            phase(w, cfg, u)
        ref.ref_crises(w, cfg, u, seen=seen_all[b, 0].tolist())
        np.testing.assert_allclose(s.trend, w["trend"], rtol=1e-12, atol=1e-15)
        _nan_equal(s.status_quo, w["status_quo"])
        alive0 = x.flags[ph.FLAG.alive0]
        reach = system.reach()[0]  # powers out of each other's reach take no stance
        stance = _pairs_of(x.pair_flags[PF.stance], n,
                           lambda i, j, a=alive0, r=reach: a[i] and a[j] and r[i, j] > 0)
        assert stance == w["stance"] and dyads == w["dyads"]
        outcome = {(i, j): int(x.pair_codes[PC.outcome, i, j]) for i in range(n)
                   for j in range(n) if x.pair_codes[PC.outcome, i, j] != ph.NO_CRISIS}
        assert outcome == w["outcome"]
        assert_same_margins(x.pair_values[PV.margin], w["margins"], n, 1e-14)
        for key in ("restraints", "norm_restraints"):
            assert x.mi[INT_MEASURES.index(key)] == w[key], key


@settings(max_examples=40, **SETTINGS)
@given(**GIVEN)
def test_crisis_year_equals_reference(seed, n, policy, dyadic, extra, regime):
    """The whole year of the crisis core (wars, settlements, observation, measures)."""
    system, policy, dy, reg, state, keys, year = crisis_world(seed, n, policy, dyadic, extra,
                                                              regime)
    draws = Draws(keys, year, n)
    new, measures, _ = step_year(state, keys, year, system, policy, dy, reg)
    for b in range(len(keys)):
        w = _ref_world(state, b, reg)
        u = draws.of(b)
        out, ref_m = ref.ref_step(w, u, system, policy, dy, reg)
        np.testing.assert_allclose(new.cap[b], out["cap"], rtol=1e-9, atol=1e-12)
        assert new.alive[b].tolist() == out["alive"]
        _nan_equal(new.status_quo[b], out["status_quo"])
        np.testing.assert_allclose(new.trend[b], out["trend"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(new.belief[b], out["belief"], rtol=1e-12)
        assert new.dyad[b].tolist() == out["dyad"]
        assert set(ref_m) == set(YEAR_MEASURES)
        for key, v in ref_m.items():
            if isinstance(v, float):
                assert measures[key][b] == pytest.approx(v, rel=1e-9, abs=1e-12, nan_ok=True), key
            else:
                assert measures[key][b] == v, key
        assert sum(ref_m[k] for k in ("yields", "compromises", "stalemates",
                                      "crisis_wars")) == ref_m["crises"]


# --- Known answers in the system ------------------------------------------------

#: The crisis parameters the known answers below are worked out with (the stakes
#: make c = war_cost / stakes = 0.1; no reputation at stake), not the fitted defaults.
KNOWN = {"stakes": 0.5, "yield_cost": 0.0, "audience_cost": 0.05}


def _run(years=40, systems=200, seed=1, policy="waltz", dyadic="Tit For Tat", **kw):
    kw = {"misperception": 0.0, "first_strike": 0.0, "threat_share": 1.0, "resolve_spread": 1.0,
          "discount_factor": 0.9, **KNOWN, **kw}
    system = System.equal(kw.pop("n", 2), core="crisis", **kw)
    return simulate(system=system, policy=policy, dyadic=dyadic, years=years, systems=systems,
                    seed=seed).measures


def _total(m, key):
    return int(m[key].sum())


def test_complete_information_and_no_shift_give_no_war_in_the_system():
    """bargaining.md 1: with costs known and no shift in power (no growth, no
    trend) every crisis is settled by a concession, none becomes a war, from
    status quo divisions far from the balance of power."""
    for first_strike in (0.0, 0.25):
        system = System.equal(4, core="crisis", resolve_spread=0.0, growth_sd=0.0,
                              growth_mean=0.0, misperception=0.0, first_strike=first_strike,
                              **KNOWN)
        dy = Dyadic.build("Defector", 50, 4)
        B = 200
        state = initial_state(system, B, None, dy)
        sq = np.random.default_rng(2).uniform(0, 1, (B, 4, 4))
        state.status_quo = np.triu(sq, 1) + np.tril(1 - np.transpose(sq, (0, 2, 1)), -1)
        state.trend[:] = 0.0
        m = step_year(state, spawn_keys(1, np.arange(B)), 0, system, Policy("waltz"), dy)[1]
        assert m["crises"].sum() > 100  # there are crises to settle
        assert m["wars"].sum() == 0 and m["crisis_wars"].sum() == 0
        assert m["yields"].sum() == m["crises"].sum()


def test_private_information_makes_war_a_risk():
    """Without private information the share of crises ending in war falls (to 0)."""
    shares = []
    for spread in (0.0, 0.8, 1.0):
        m = _run(n=4, resolve_spread=spread, growth_sd=0.1, years=60, dyadic="Defector")
        shares.append(_total(m, "crisis_wars") / max(_total(m, "crises"), 1))
    assert shares[0] == 0.0 < shares[1] < shares[2]


def _step_pair(trend_i, trend_j, delta=0.9, **kw):
    """One year of two equal powers with the given growth trends; no growth
    noise, costs known.  Returns the measures."""
    system = System.equal(2, core="crisis", misperception=0.0, first_strike=0.0,
                          growth_sd=0.0, growth_mean=0.0, resolve_spread=0.0,
                          discount_factor=delta, threat_share=1.0, trend_years=100,
                          **{**KNOWN, **kw})
    dy = Dyadic.build("Tit For Tat", 50, 2)
    B = 50
    state = initial_state(system, B, None, dy)
    state.status_quo[:] = 0.5
    state.status_quo[:, [0, 1], [0, 1]] = np.nan
    state.trend[:] = (trend_i, trend_j)
    return step_year(state, spawn_keys(1, np.arange(B)), 0, system, Policy("waltz"), dy)[1]


def _shift_for(p_next, k=2.0):
    """Log growth of the rising power that moves an equal pair's odds to p_next."""
    return math.log((1 - p_next) / p_next) / k


def test_preventive_war_above_the_commitment_threshold_only():
    """bargaining.md 3, in the system: two equal powers (p = 1/2, c = war_cost /
    stakes = 0.1, delta 0.9): the declining one fights iff its odds fall below
    p' = p - (1 - delta)(1 - p + c) / delta = 0.4333."""
    threshold = 0.5 - 0.1 * (1 - 0.5 + 0.1) / 0.9
    above = _step_pair(0.0, _shift_for(threshold - 0.002))
    below = _step_pair(0.0, _shift_for(threshold + 0.002))
    assert above["preventive_wars"].sum() == 50 and above["wars"].sum() == 50
    assert below["preventive_wars"].sum() == 0 and below["wars"].sum() == 0
    # More impatience shrinks preventive war (the same shift, delta 0.5).
    assert _step_pair(0.0, _shift_for(threshold - 0.002), delta=0.5)["wars"].sum() == 0


def _first_year_crises(delta, dyadic, q=0.42, belief=1.0):
    """Crises opened in the first year by two equal powers with costs known
    (c = war_cost / stakes = 0.1), power 0 holding ``q`` of the good."""
    system = System.equal(2, core="crisis", misperception=0.0, first_strike=0.0,
                          growth_sd=0.0, growth_mean=0.0, resolve_spread=0.0,
                          discount_factor=delta, threat_share=1.0, belief_prior=belief, **KNOWN)
    dy = Dyadic.build(dyadic, 50, 2)
    B = 20
    state = initial_state(system, B, None, dy)
    state.status_quo[:, 0, 1], state.status_quo[:, 1, 0] = q, 1 - q
    return step_year(state, spawn_keys(1, np.arange(B)), 0, system, Policy("waltz"), dy)[1]


@pytest.mark.parametrize("dyadic", ["Tit For Tat", "Grudger"])
def test_reciprocity_needs_a_shadow_of_the_future(dyadic):
    """bargaining.md 4, in the system.  Power 0 of an equal pair holds 0.42 of
    the good: R = 0.42, war P = 1/2 - 0.1 = 0.40, and a demand it makes is
    met at T = 1/2 + 0.1 = 0.60 (costs known).  Under a reciprocal strategy
    that trusts the other (belief 1) it restrains iff
    delta >= (T - R) / (T - P) = 0.9, and opens a crisis below."""
    assert _first_year_crises(0.91, dyadic)["crises"].sum() == 0
    assert (_first_year_crises(0.89, dyadic)["crises"] == 1).all()
    # A belief b < 1 that the other reciprocates raises the threshold to
    # (T - R) / (T - R + b (R - P)) = 0.18 / 0.19 at b = 1/2.
    assert _first_year_crises(0.95, dyadic, belief=0.5)["crises"].sum() == 0
    assert (_first_year_crises(0.94, dyadic, belief=0.5)["crises"] == 1).all()
    # Without reciprocity (Defector) there is no shadow of the future.
    assert (_first_year_crises(0.99, "Defector")["crises"] == 1).all()


def test_nuclear_crises_end_in_a_yield_or_a_stalemate():
    """bargaining.md 5: at the same stakes, crises between nuclear powers end in a
    yield or a stalemate far more often than between non-nuclear ones."""
    share = {}
    for nuclear in ((), (0, 1)):
        m = _run(n=2, nuclear=nuclear, resolve_spread=1.0, growth_sd=0.1, years=80,
                 systems=400, dyadic="Defector")
        crises = _total(m, "crises")
        assert crises > 50
        share[bool(nuclear)] = (_total(m, "yields") + _total(m, "stalemates")) / crises
    assert share[True] > share[False]
    assert 1 - share[True] < 0.5 * (1 - share[False])


def test_escalation_risk_raises_the_share_of_crises_ending_in_war():
    """Brinkmanship (Powell 1990): a risk that a stand-off escalates by accident."""
    shares = []
    for risk in (0.0, 0.5):
        m = _run(n=3, nuclear=(0, 1, 2), escalation_risk=risk, growth_sd=0.1, years=60,
                 systems=300, dyadic="Defector")
        shares.append(_total(m, "crisis_wars") / max(_total(m, "crises"), 1))
    assert shares[1] > shares[0]


def test_first_strike_core_opens_no_crises():
    m = simulate(system=System.equal(4, core="first_strike"), years=20, systems=20, seed=1).measures
    assert all(_total(m, key) == 0 for key in CRISIS_MEASURES)


def test_crisis_core_needs_its_state():
    system = System.equal(3, core="crisis")
    dy = Dyadic.build("Tit For Tat", 50, 3)
    st_ = initial_state(System.equal(3, core="first_strike"), 2, None, dy)
    with pytest.raises(ValueError, match="status_quo"):
        step_year(st_, spawn_keys(1, np.arange(2)), 0, system, Policy("waltz"), dy)


def test_crisis_runs_are_reproducible_across_threads_and_batches():
    system = System(core="crisis")
    a = simulate(system=system, years=30, systems=40, seed=5, threads=1)
    b = simulate(system=system, years=30, systems=40, seed=5, threads=2)
    for key in ("crises", "wars", "yields", "war_size"):
        assert np.array_equal(a.measures[key], b.measures[key])
    assert isinstance(initial_state(system, 1), State)


def test_recorded_crises_agree_with_the_measures():
    r = simulate(system=System(core="crisis"), years=40, systems=30, seed=2, record_crises=True)
    c = r.crises
    assert c.shape == (30, 40, 5, 5) and c.dtype == np.int8
    m = r.measures
    assert np.array_equal((c > 0).sum(axis=(2, 3)), m["crises"])
    for code, key in ((1, "yields"), (2, "compromises"), (3, "stalemates")):
        assert np.array_equal((c == code).sum(axis=(2, 3)), m[key]), key
    assert np.array_equal(np.isin(c, (4, 5)).sum(axis=(2, 3)), m["crisis_wars"])
    assert np.array_equal((c == 5).sum(axis=(2, 3)), m["preventive_wars"])
    assert not ((c > 0) & (np.transpose(c, (0, 1, 3, 2)) > 0)).any()  # one crisis per pair
    assert simulate(system=System(core="crisis"), years=5, systems=2).crises is None
    with pytest.raises(ValueError, match="record_crises: crises are kept in memory only"):
        simulate(system=System(core="crisis"), years=5, systems=2, record_crises=True,
                 out="never")


@pytest.mark.parametrize("demand_of", [demand.py_func, ref.fearon_demand])
def test_a_reputation_at_stake_moderates_demands_and_yields(demand_of):
    """A target that loses rho by yielding accepts x only when its cost is at
    least x - w + rho (pi = 1): the challenger's best demand falls by rho / 2
    and the chance of a yield by rho / (2 C)."""
    x0, a0 = demand_of(0.5, 0.3, 0.4, 0.0, 0.4, 1.0, 0.0)
    x1, a1 = demand_of(0.5, 0.3, 0.4, 0.0, 0.4, 1.0, 0.1)
    assert x1 == pytest.approx(x0 - 0.05) and a1 == pytest.approx(a0 - 0.1 / 0.8)


def test_targets_with_a_reputation_yield_less_and_stand_firm_more():
    shares = {}
    for rho in (0.0, 0.2):
        m = _run(n=4, yield_cost=rho, growth_sd=0.1, years=60, dyadic="Defector")
        crises = max(_total(m, "crises"), 1)
        shares[rho] = (_total(m, "yields") / crises, _total(m, "stalemates") / crises)
    assert shares[0.2][0] < shares[0.0][0] and shares[0.2][1] > shares[0.0][1]
