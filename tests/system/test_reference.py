"""The compiled system year against the scalar reference, on many random states."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_regimes.engine.rng import spawn_keys
from security_regimes.regimes.regime import Conditions, Regime
from security_regimes.system import Policy, System
from security_regimes.system.kernel import step_year
from security_regimes.system.layout import YEAR_MEASURES
from security_regimes.system.model import Dyadic, State

from .draws import Draws
from .reference import ref_step

POLICIES = [
    Policy("waltz"),
    Policy("kaplan"),
    Policy("kaplan", rules={1: 0.3, 2: 0.7, 3: 0.5, 4: 0.6, 5: 1.0, 6: 0.4}),
    Policy("balancer", balancer=1),
    Policy("far_sighted_waltz", future_weight=0.7),
    Policy("far_sighted_waltz", future_weight=0.1, discount=0.95),
    Policy("far_sighted_waltz", future_weight=0.0, discount=0.0),
    # Custom policies: every trait together, and Kaplan's rules with a balancer.
    Policy("custom", internal_rules=True, manual_balancer=True, spares_future_allies=True,
           balancer=2, rules={3: 0.5}, future_weight=0.7),
    Policy("custom", internal_rules=True, manual_balancer=True, balancer=1),
]


def random_state(rng, B, N, dyadic):
    n_states = len(dyadic.act) // 8
    cap = rng.dirichlet(np.ones(N), size=B) * rng.uniform(0.5, 3, size=(B, 1))
    alive = rng.random((B, N)) < 0.85
    alive[:, 0] = True
    cap = np.where(alive, cap, 0.0)
    return State(
        cap=cap,
        alive=alive,
        excluded=rng.integers(0, 4, size=(B, N)) * (rng.random((B, N)) < 0.4),
        belief=rng.uniform(0.01, 0.99, size=(B, N, N)),
        dyad=rng.integers(0, n_states, size=(B, N, N)) * 8,
        grievance=rng.integers(0, 4, size=(B, N, N)) * (rng.random((B, N, N)) < 0.3),
        seen_hostile=rng.random((B, N, N)) < 0.3,
        fallen=~alive | (rng.random((B, N)) < 0.1),
    )


def random_dated_state(rng, B, N, dyadic, core):
    """:func:`random_state`, with a random status quo and trend under the crisis core."""
    state = random_state(rng, B, N, dyadic)
    if core == "crisis":
        sq = rng.uniform(0, 1, (B, N, N))
        state.status_quo = np.triu(sq, 1) + np.tril(1 - np.transpose(sq, (0, 2, 1)), -1)
        state.trend = rng.normal(0.01, 0.05, (B, N))
    return state


def world_of(state, b, core):
    """System ``b`` of ``state`` as the reference's dict of lists."""
    w = {k: getattr(state, k)[b].tolist() for k in (
        "cap", "alive", "excluded", "dyad", "belief", "grievance", "seen_hostile", "fallen")}
    if core == "crisis":
        w.update(status_quo=state.status_quo[b].tolist(), trend=state.trend[b].tolist())
    return w


def random_regime(rng, n, members):
    """A regime with every norm, over all powers (``members="all"``) or every second one."""
    return Regime(members=None if members == "all" else tuple(range(0, n, 2)),
                  norms={"restraint": 0.8, "consultation": 0.6, "conference": 0.4, "collective": 0.6, "compensation": 0.7,
                         "no_elimination": 0.9, "readmission": 0.5},
                  conditions=Conditions(regulation=float(rng.uniform(0.5, 1)),
                                        regulation_from_war=bool(rng.integers(2)),
                                        shock_rate=0.1, domestic_rate=0.15,
                                        domestic_revisionist=float(rng.choice([0.0, 0.4, 1.0])),
                                        events=tuple((y, y % n, ("domestic", "revisionist")[y % 2])
                                                     for y in range(1, 101, 3)),
                                        memory=0.2, learning=float(rng.uniform(0, 1)),
                                        half_life=(15.0, None)[int(rng.integers(2))],
                                        threshold=float(rng.uniform(0.2, 0.8)),
                                        decline=float(rng.choice([0.0, 1.0, 2.5])),
                                        available_from=int(rng.choice([1, 40, 80]))))


def with_random_regime(rng, state, n, regime):
    """A random regime (``"all"`` or ``"some"`` members; ``"none"``: None) and random
    regime state for the ``B`` systems of ``state`` (set in place)."""
    if regime == "none":
        return None
    B = state.cap.shape[0]
    reg = random_regime(rng, n, regime)
    state.weight = rng.uniform(0, 1, (B, n))
    state.memory = rng.uniform(0, 1, B)
    state.revisionist = rng.random((B, n)) < 0.2
    state.ref_share = rng.uniform(0, 0.6, (B, n))
    state.in_force = rng.random(B) < 0.7
    return reg


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(2, 7),
    policy=st.sampled_from(POLICIES),
    dyadic=st.sampled_from(["Tit For Tat", "GTFT: 0.3", "Grudger", "Win-Stay Lose-Shift",
                            "Bayesian Trust", "mixed"]),
    misperception=st.sampled_from([0.0, 0.1]),
    k=st.sampled_from([1.0, 2.0, 3.5]),
    extra=st.sampled_from([{}, {"relative_gains": 0.5, "capability_noise": 0.3},
                           {"conquest": False, "first_strike": -0.3},
                           {"nuclear": (0, 1), "first_strike": 1.0, "shadow": 0.2},
                           {"cooperation_gain": 1.0, "conquest": False, "transfer": 0.3},
                           {"alliance_reliability": 1.0, "opportunism": 0.0, "decisive_lead": 1},
                           {"decisive_lead": 3, "war_cost": 0.02},
                           {"alliance_reliability": 0.5, "threat_share": 0.15, "first_strike": 1.5,
                            "grievance_years": 0, "transfer": 0.9},
                           {"alliance_reliability": 0.3, "opportunism": 0.6, "threat_share": 0.2},
                           {"geography": "grid", "gradient": 0.6, "threat_share": 0.2},
                           {"geography": "grid", "gradient": 2.0, "first_strike": 1.0},
                           {"geography": "grid", "gradient": 0.3, "contagion": 0.7,
                            "threat_share": 0.2, "opportunism": 0.3},
                           {"geography": "random", "map_seed": 5, "gradient": 0.8,
                            "contagion": 0.5},
                           {"alliance_persistence": 0.6, "threat_share": 0.3},
                           {"geography": "grid", "gradient": 0.5, "alliance_persistence": 1.0,
                            "threat_share": 0.25}]),
    regime=st.sampled_from(["none", "all", "some"]),
)
def test_compiled_step_equals_reference(seed, n, policy, dyadic, misperception, k, extra, regime):
    rng = np.random.default_rng(seed)
    system = System.equal(n, core="first_strike", misperception=misperception, decisiveness=k,
                          supranational=(n - 1,), restore_rate=0.5, **extra)
    if policy.balancer_index >= n:
        policy = replace(policy, balancer=0)
    if dyadic == "mixed":  # one strategy per power, Bayesian Trust among them
        pool = ["Defector", "Tit For Tat", "Bayesian Trust", "Win-Stay Lose-Shift"]
        dyadic = [pool[i % len(pool)] for i in range(n)]
    dy = Dyadic.build(dyadic, 50, n)
    B = 12
    state = random_state(rng, B, n, dy)
    reg = with_random_regime(rng, state, n, regime)
    # last year's alliances: a random threat (1 + its index) for some powers
    state.treaty = np.where(rng.random((B, n)) < 0.5, rng.integers(1, n + 1, (B, n)), 0)
    keys = spawn_keys(seed, np.arange(B))
    year = int(rng.integers(0, 100))
    draws = Draws(keys, year, n)
    new, measures, allied = step_year(state, keys, year, system, policy, dy, reg)
    for b in range(B):
        st_b = {key: getattr(state, key)[b].tolist() for key in (
            "cap", "alive", "excluded", "dyad", "belief", "grievance", "seen_hostile", "fallen",
            "treaty")}
        if reg is not None:
            st_b.update(weight=state.weight[b].tolist(), memory=float(state.memory[b]),
                        revisionist=state.revisionist[b].tolist(),
                        ref_share=state.ref_share[b].tolist(),
                        in_force=bool(state.in_force[b]))
        u_b = draws.of(b)
        ref, ref_m = ref_step(st_b, u_b, system, policy, dy, reg)
        assert new.alive[b].tolist() == ref["alive"], f"system {b}"
        np.testing.assert_allclose(new.cap[b], ref["cap"], rtol=1e-9, atol=1e-12)
        assert new.excluded[b].tolist() == ref["excluded"]
        assert new.seen_hostile[b].tolist() == ref["seen_hostile"]
        assert new.dyad[b].tolist() == ref["dyad"]
        np.testing.assert_allclose(new.belief[b], ref["belief"], rtol=1e-12)
        assert new.grievance[b].tolist() == ref["grievance"]
        assert new.fallen[b].tolist() == ref["fallen"]
        assert new.treaty[b].tolist() == ref["treaty"]
        for key in ("punishers", "restored", "pairs", "restraints", "norm_restraints",
                    "settled", "member_war", "alliance_count", "hegemonic_war", "system_war", "spared", "wars", "decisive_wars"):
            assert measures[key][b] == ref_m[key], key
        if measures["war"][b]:
            assert (measures["attacker"][b], measures["defender"][b]) == (
                ref_m["attacker"], ref_m["defender"])
        assert allied[b].sum() // 2 == ref_m["alliance_count"]
        if reg is not None:
            np.testing.assert_allclose(new.weight[b], ref["weight"], rtol=1e-12, atol=1e-15)
            assert new.memory[b] == pytest.approx(ref["memory"], rel=1e-12, abs=1e-15)
            assert new.revisionist[b].tolist() == ref["revisionist"]
            np.testing.assert_allclose(new.ref_share[b], ref["ref_share"], rtol=1e-12)
            assert bool(new.in_force[b]) == ref["in_force"] == bool(measures["regime_in_force"][b])
            assert measures["regime_strength"][b] == pytest.approx(ref_m["regime_strength"],
                                                                  rel=1e-12, abs=1e-15)
        assert measures["continuous_survival"][b] == pytest.approx(ref_m["continuous_survival"])
        assert bool(measures["war"][b]) == ref_m["war"]
        assert bool(measures["attacker_won"][b]) == ref_m["attacker_won"]
        assert measures["n_alive"][b] == ref_m["n_alive"]
        assert measures["war_size"][b] == pytest.approx(ref_m["war_size"], rel=1e-9, abs=1e-12)
        assert measures["growth"][b] == pytest.approx(ref_m["growth"], rel=1e-9, abs=1e-12)
        assert measures["largest_war"][b] == pytest.approx(ref_m["largest_war"], rel=1e-9,
                                                           abs=1e-12)
        np.testing.assert_allclose(measures["cooperation_rate"][b], ref_m["cooperation_rate"])
        assert set(ref_m) == set(YEAR_MEASURES)  # the reference computes every measure
        for key, v in ref_m.items():
            if isinstance(v, float):
                assert measures[key][b] == pytest.approx(v, rel=1e-9, abs=1e-12, nan_ok=True), key
            else:
                assert measures[key][b] == v, key
