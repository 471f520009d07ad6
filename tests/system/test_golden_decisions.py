"""Hand-worked decisions of three-power systems, phase by phase.

Each test's docstring works the decision out by hand.  Weights of 0 and 1
make the draws irrelevant (a uniform u in [0, 1) is always below 1 and never
below 0), so the expected values follow from the rules alone.
"""

import numpy as np
import pytest

from security_regimes.regimes.regime import Conditions, Regime
from security_regimes.system import Policy, System
from security_regimes.system import phases as ph
from security_regimes.system.kernel import Kernel
from security_regimes.system.layout import BOOL_MEASURES, FLOAT_MEASURES, INT_MEASURES
from security_regimes.system.model import Dyadic

from .test_phases import run_phases


def after(stop, caps, policy, regime=None, belief=0.5, in_force=False, weight=0.0, **system):
    """Run the kernel's phases up to ``stop`` (index into reference.PHASES) on
    one system of len(caps) powers with no growth; returns (s, x, out)."""
    n = len(caps)
    sysm = System(capabilities=tuple(caps), growth_sd=0.0, growth_mean=0.0,
                  misperception=0.0, **system)
    dy = Dyadic.build("Tit For Tat", 10, n)
    k = Kernel(sysm, policy, dy, regime)
    caps = np.array(sysm.capabilities)
    s = ph.SystemState(caps.copy(), np.ones(n, bool), np.zeros(n, np.int64),
                       np.full((n, n), belief), np.zeros((n, n), np.int64),
                       np.zeros((n, n), np.int64), np.zeros((n, n), bool), np.zeros(n, bool),
                       np.full(n, weight), np.zeros(n, bool), caps.copy(),
                       np.zeros(1), np.array([in_force]))
    x = ph.scratch(n, len(FLOAT_MEASURES), len(INT_MEASURES), len(BOOL_MEASURES))
    dr = ph.Draws(np.uint64(1), np.int64(0), k.off)
    out = run_phases(stop, s, x, k.params, k.tables, dr, np.ones(n), np.ones((n, n)), n)
    return s, x, out


ALLY, DECIDE = 2, 5


def test_a_threatening_power_is_balanced_under_every_policy():
    """Capabilities 0.5, 0.3, 0.2 (threat_share 0.4): power 0 holds half the
    total, so powers 1 and 2 ally against it whatever the policy.  With
    alliance_reliability 0.75 each expects its ally's help at that rate:
    side[1] = 0.3 + 0.75 (0.5 - 0.3) = 0.45, side[2] = 0.2 + 0.75 (0.5 - 0.2) = 0.425."""
    for policy in (Policy("waltz"), Policy("kaplan"), Policy("balancer", balancer=1),
                   Policy("far_sighted_waltz")):
        s, x, out = after(ALLY, (0.5, 0.3, 0.2), policy, threat_share=0.4)
        assert x.flags[ph.FLAG.join].tolist() == [False, True, True], policy.name
        np.testing.assert_allclose(x.values[ph.VALUE.side], [0.5, 0.45, 0.425])
        assert (int(out[3]), out[4]) == (0, pytest.approx(0.5))


@pytest.mark.parametrize("policy, joined", [
    (Policy("waltz"), [False, False, False]),
    (Policy("kaplan"), [False, True, True]),
    (Policy("balancer", balancer=2), [False, False, True]),
    (Policy("far_sighted_waltz"), [False, False, False]),
    (Policy("kaplan", rules={4: 0.0}), [False, False, False]),
])
def test_a_power_tending_toward_predominance(policy, joined):
    """Capabilities 0.35, 0.35, 0.30 with threat_share 0.4 and
    predominance_share 0.3: the strongest power is the first of the two at
    0.35 (power 0).  It does not threaten (0.35 < 0.4), so self-help forms no
    alliance (waltz, far-sighted); it tends toward predominance (0.35 >= 0.3),
    so Kaplan's rule 4 at weight 1 makes powers 1 and 2 join against it, at
    weight 0 no one; the manual balancer (power 2) joins alone."""
    s, x, out = after(ALLY, (0.35, 0.35, 0.30), policy, threat_share=0.4,
                      predominance_share=0.3)
    assert x.flags[ph.FLAG.join].tolist() == joined
    assert int(out[3]) == 0


def _norm_regime(**norms):
    return Regime(norms=norms, conditions=Conditions(threshold=0.0))


def test_the_restraint_norm_stops_a_ready_attack_between_members():
    """Capabilities 0.8 and 0.2, first_strike 1 (a first strike doubles the
    striker), no alliances.  Without the norm, power 0's attack on power 1
    is ready and a candidate: it wins its battle with p = 1 / (1 + (0.2 /
    1.6)^2) = 0.985 and takes half of power 1 at a cost of 5%.  With the
    regime in force, both members, weight 1, restraint strength 1 and belief
    0.5 (it expects reciprocity), the norm binds with probability 1: no
    candidate, and the decision counts as a norm-explained restraint."""
    kw = dict(first_strike=1.0, threat_share=1.0, predominance_share=1.0)
    s, x, out = after(DECIDE, (0.8, 0.2), Policy("waltz"), **kw)
    assert x.pair_values[ph.PAIR_VALUE.margin, 0, 1] > 0
    norm = INT_MEASURES.index("norm_restraints")
    assert x.mi[norm] == 0
    s, x, out = after(DECIDE, (0.8, 0.2), Policy("waltz"), _norm_regime(restraint=1.0),
                      in_force=True, weight=1.0, **kw)
    assert x.pair_values[ph.PAIR_VALUE.margin, 0, 1] == -np.inf
    assert x.mi[norm] >= 1
    # Not in force, or not expecting reciprocity (belief below 1/2): the norm does not bind.
    for extra in ({"in_force": False, "weight": 1.0}, {"in_force": True, "weight": 1.0,
                                                        "belief": 0.3}):
        s, x, out = after(DECIDE, (0.8, 0.2), Policy("waltz"), _norm_regime(restraint=1.0),
                          **extra, **kw)
        assert x.pair_values[ph.PAIR_VALUE.margin, 0, 1] > 0, extra


def test_consultation_settles_the_crisis_in_conference():
    """The same crisis with the consultation norm at strength 1 (restraint 0):
    the attack is a candidate, but between members of a regime in force, with
    weight 1 and belief 0.5, it goes to a conference that settles it: no war,
    the year is 'settled', and the settlement counts as a norm restraint."""
    kw = dict(first_strike=1.0, threat_share=1.0, predominance_share=1.0)
    s, x, out = after(6, (0.8, 0.2), Policy("waltz"), _norm_regime(consultation=1.0),
                      in_force=True, weight=1.0, **kw)
    assert x.mi[INT_MEASURES.index("wars")] == 0
    assert x.mb[BOOL_MEASURES.index("settled")]
    s, x, out = after(6, (0.8, 0.2), Policy("waltz"), **kw)
    assert x.mi[INT_MEASURES.index("wars")] == 1 and not x.mb[BOOL_MEASURES.index("settled")]


def _battle_and_push_draws(n, key=1, year=0):
    """The uniforms of the first war's first battle and of pressing on (draw blocks war, push)."""
    from security_regimes.engine.kernels import uniform
    from security_regimes.system.layout import draws_per_year, offsets

    off, base = offsets(n), year * draws_per_year(n)
    return (uniform(np.uint64(key), np.uint64(base + off.war)),
            uniform(np.uint64(key), np.uint64(base + off.push)))


@pytest.mark.parametrize("policy, regime, spared", [
    (Policy("waltz"), None, False),
    (Policy("kaplan", rules={1: 0.0, 3: 1.0}), None, True),
    (Policy("waltz"), "no_elimination", True),
])
def test_a_beaten_power_is_pressed_to_elimination_unless_a_rule_spares_it(policy, regime, spared):
    """Capabilities 0.8 and 0.2, first strike 1, one decisive battle
    (decisive_lead 1): power 0 attacks and wins its battle with p = 1 / (1 +
    (0.2 / 1.6)^2) = 0.985 (the battle's uniform is below it, checked).
    The winners take half (transfer 0.5); pressing on pays (the winner's odds
    against the remnant are near 1 and each battle costs 5%), and succeeds
    when the push draw is below those odds (checked).  Under waltz power 1
    is eliminated; Kaplan's rule 3 at weight 1, or the no-elimination norm at
    strength 1 between members of a regime in force (weight 1, belief 0.5),
    spares it: power 1 survives and the sparing is a norm-explained
    restraining decision."""
    u_battle, u_push = _battle_and_push_draws(2)
    assert u_battle < 1 / (1 + (0.2 / 1.6) ** 2) and u_push < 0.9
    reg = _norm_regime(no_elimination=1.0) if regime else None
    s, x, out = after(6, (0.8, 0.2), policy, reg, in_force=regime is not None,
                      weight=1.0 if regime else 0.0, first_strike=1.0, threat_share=1.0,
                      predominance_share=1.0, elimination_threshold=0.0)
    assert x.mi[INT_MEASURES.index("wars")] == 1 and x.mi[INT_MEASURES.index("decisive_wars")] == 1
    assert bool(s.alive[1]) is spared
    assert x.flags[ph.FLAG.win].tolist() == [True, False]
