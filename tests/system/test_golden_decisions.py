"""Hand-worked decisions of three-power systems, phase by phase.

Each test's docstring works the decision out by hand.  Weights of 0 and 1
make the draws irrelevant (a uniform u in [0, 1) is always below 1 and never
below 0), so the expected values follow from the rules alone.
"""

import numpy as np
import pytest

from security_regimes.regimes.regime import Conditions, Regime
from security_regimes.system import UNCALIBRATED, Policy, System
from security_regimes.system import phases as ph
from security_regimes.system.kernel import Kernel
from security_regimes.system.layout import BOOL_MEASURES, FLOAT_MEASURES, INT_MEASURES
from security_regimes.system.model import Dyadic

from .test_phases import run_phases


def after(stop, caps, policy, regime=None, belief=0.5, in_force=False, weight=0.0,
          alive=None, excluded=None, **system):
    """Run the kernel's phases up to ``stop`` (index into reference.PHASES) on
    one system of len(caps) powers with no growth; returns (s, x, out).
    ``alive`` and ``excluded`` set the state at the start of the year (a dead
    power's capability is 0)."""
    n = len(caps)
    # the first-strike core at its earlier defaults, with which the decisions were worked out
    sysm = System(capabilities=tuple(caps), growth_sd=0.0, growth_mean=0.0,
                  **{**UNCALIBRATED, "misperception": 0.0, **system})
    dy = Dyadic.build("Tit For Tat", 10, n)
    k = Kernel(sysm, policy, dy, regime)
    caps = np.array(sysm.capabilities)
    alive = np.ones(n, bool) if alive is None else np.array(alive, bool)
    caps[~alive] = 0.0
    excluded = np.zeros(n, np.int64) if excluded is None else np.array(excluded, np.int64)
    s = ph.SystemState(caps.copy(), alive, excluded,
                       np.full((n, n), belief), np.zeros((n, n), np.int64),
                       np.zeros((n, n), np.int64), np.zeros((n, n), bool), np.zeros(n, bool),
                       np.full(n, weight), np.zeros(n, bool), caps.copy(),
                       np.zeros(1), np.array([in_force]), np.full((n, n), np.nan), np.zeros(n))
    x = ph.scratch(n, len(FLOAT_MEASURES), len(INT_MEASURES), len(BOOL_MEASURES))
    dr = ph.Draws(np.uint64(1), np.int64(0), k.off, np.int64(0))
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
        assert (x.war_index[ph.WAR.bloc] > 0).tolist() == [False, True, True], policy.name
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
    assert (x.war_index[ph.WAR.bloc] > 0).tolist() == joined
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


def test_the_conference_norm_settles_the_crisis_in_conference():
    """The same crisis with the conference norm at strength 1 (restraint 0):
    the attack is a candidate, but between members of a regime in force, with
    weight 1 and belief 0.5, it goes to a conference that settles it: no war,
    the year is 'settled', and the settlement counts as a norm restraint."""
    kw = dict(first_strike=1.0, threat_share=1.0, predominance_share=1.0)
    s, x, out = after(6, (0.8, 0.2), Policy("waltz"), _norm_regime(conference=1.0),
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


def _eg(ci, cj, f=1.0, tau=0.5, delta=0.05, k=2.0):
    """The attacker's expected gain with one decisive battle, by hand (``war_gain``):
    it wins with p = csf((1 + f) ci, cj) and takes tau cj, loses with 1 - p and
    then its stake tau + csf(cj, ci) (1 - tau) (1 - delta) of ci, and the battle
    destroys delta of it."""
    def csf(a, d):
        return a ** k / (a ** k + d ** k)
    p = csf((1 + f) * ci, cj)
    stake = tau + csf(cj, ci) * (1 - tau) * (1 - delta)
    return p * tau * cj - (1 - p) * stake * ci - delta * ci


CRISIS = dict(first_strike=1.0, threat_share=1.0, predominance_share=1.0)


@pytest.mark.parametrize("rules, extra, candidate", [
    ({}, {}, True),                                              # waltz: no rule
    ({1: 1.0, 2: 0.0}, {}, False),                               # rule 1: negotiate
    ({1: 1.0, 2: 1.0}, {}, True),                                # rule 2: a big gain, fight
    ({1: 1.0, 2: 1.0}, {"war_cost": 0.09, "shadow": 0.0}, False),  # a small gain: negotiate
    ({1: 0.0, 2: 0.0}, {}, True),                                # rule 1 at weight 0
])
def test_kaplan_rules_1_and_2_negotiate_unless_the_gain_is_big(rules, extra, candidate):
    """Capabilities 0.8 and 0.2, first strike 1, one battle: power 0's attack
    on power 1 is ready (margin > 0 under waltz).  Its expected gain is
    0.985 x 0.5 x 0.2 - 0.015 x 0.528 x 0.8 - 0.05 x 0.8 = 0.052 at war_cost
    0.05 and 0.020 at war_cost 0.09 (shadow 0 keeps that attack ready).
    Rule 1 at weight 1 turns the attack into negotiation unless rule 2 (weight
    1) takes a big gain, at least BIG_GAIN = 0.03 of the attacker's
    capability (0.024): 0.052 is big, 0.020 is not.  A negotiated attack is a
    norm-explained restraint."""
    assert _eg(0.8, 0.2) == pytest.approx(0.0520, abs=1e-4)
    assert _eg(0.8, 0.2, delta=0.09) == pytest.approx(0.0200, abs=1e-4)
    policy = Policy("kaplan", rules=rules) if rules else Policy("waltz")
    s, x, out = after(DECIDE, (0.8, 0.2), policy, **{**CRISIS, **extra})
    margin = float(x.pair_values[ph.PAIR_VALUE.margin, 0, 1])
    assert (margin > 0) is candidate and (margin == -np.inf) is (not candidate)
    assert bool(x.mi[INT_MEASURES.index("norm_restraints")] >= 1) is (not candidate)


@pytest.mark.parametrize("weight, supranational, candidate", [
    (1.0, (1,), True), (1.0, (), False), (0.0, (1,), False)])
def test_kaplan_rule_5_constrains_a_supranational_power(weight, supranational, candidate):
    """Capabilities 0.6 and 0.4, no first-strike bonus and war_cost 0.3: war
    does not pay (margin < 0), but power 0 would win it with p = 0.36 / 0.52
    = 0.69 > 1/2.  Rule 5 at weight 1 makes the attack on a power with
    supranational principles a candidate anyway (its margin stays negative);
    against an ordinary power, or at weight 0, there is no candidate."""
    s, x, out = after(DECIDE, (0.6, 0.4), Policy("kaplan", rules={5: weight}),
                      supranational=supranational, first_strike=0.0, war_cost=0.3,
                      threat_share=1.0, predominance_share=1.0)
    margin = float(x.pair_values[ph.PAIR_VALUE.margin, 0, 1])
    assert (margin > -np.inf) is candidate
    if candidate:
        assert margin < 0


READMIT = 8
CALM = dict(first_strike=-0.5, war_cost=0.3, threat_share=1.0, predominance_share=1.0)


@pytest.mark.parametrize("policy, readmitted", [
    (Policy("kaplan", rules={6: 1.0}), True), (Policy("kaplan", rules={6: 0.0}), False),
    (Policy("waltz"), False)])
def test_kaplan_rule_6_readmits_and_restores(policy, readmitted):
    """Capabilities 0.5, 0.3, 0.2 in a calm year (no war pays).  Power 1 is
    shunned for 6 more years: the year's count-down leaves 5, and rule 6 at
    weight 1 readmits it at once (0).  Power 2 is eliminated (capability 0):
    with restore_rate 1, rule 6 restores it with min(2 x 0.02 x 0.8, 0.5 x
    0.5) = 0.032 taken from the strongest power (0.5 -> 0.468), counted in
    ``restored``.  Without rule 6 nothing changes."""
    s, x, out = after(READMIT, (0.5, 0.3, 0.2), policy, excluded=[0, 6, 0], **CALM)
    assert s.excluded.tolist() == ([0, 0, 0] if readmitted else [0, 5, 0])
    s, x, out = after(READMIT, (0.5, 0.3, 0.2), policy, alive=[True, True, False],
                      restore_rate=1.0, **CALM)
    if readmitted:
        assert s.alive.tolist() == [True, True, True]
        np.testing.assert_allclose(s.cap, [0.468, 0.3, 0.032])
        assert x.mi[INT_MEASURES.index("restored")] == 1
    else:
        assert s.alive.tolist() == [True, True, False]
        np.testing.assert_allclose(s.cap, [0.5, 0.3, 0.0])
        assert x.mi[INT_MEASURES.index("restored")] == 0


@pytest.mark.parametrize("regime, in_force, readmitted", [
    (True, True, True), (True, False, False), (False, False, False)])
def test_the_readmission_norm_readmits_a_shunned_member(regime, in_force, readmitted):
    """The same shunned power 1 under waltz: the readmission norm at strength
    1, a member with weight 1 of a regime in force, readmits it at once;
    out of force, or without the regime, it stays shunned (5 years)."""
    reg = _norm_regime(readmission=1.0) if regime else None
    s, x, out = after(READMIT, (0.5, 0.3, 0.2), Policy("waltz"), reg, in_force=in_force,
                      weight=1.0 if regime else 0.0, excluded=[0, 6, 0], **CALM)
    assert s.excluded.tolist() == ([0, 0, 0] if readmitted else [0, 5, 0])


def test_the_compensation_norm_hands_half_the_gain_to_the_member_that_stayed_out():
    """Capabilities 0.6, 0.2, 0.2, no alliances, no opportunists, no conquest:
    power 0 attacks power 1 (the first of the two equal targets) and wins its
    one battle (the battle's uniform 0.818 is below its odds 0.934, checked),
    which destroys 5% of both (0.57 and 0.19); it takes half of power 1
    (0.095): 0.665 against 0.095, power 2 out of the war at 0.2.  Under the
    compensation norm (strength 1, compensation_share 0.5, members with weight
    1, regime in force) power 0 hands 0.5 x 0.095 = 0.0475 to power 2, the
    member that stayed out: 0.6175, 0.095, 0.2475."""
    u_battle, _ = _battle_and_push_draws(3)
    assert u_battle < (0.75 ** 2) / (0.75 ** 2 + 0.2 ** 2)
    kw = dict(threat_share=1.0, predominance_share=1.0, opportunism=0.0, conquest=False)
    s, x, out = after(6, (0.6, 0.2, 0.2), Policy("waltz"), **kw)
    assert (x.mi[INT_MEASURES.index("attacker")], x.mi[INT_MEASURES.index("defender")]) == (0, 1)
    np.testing.assert_allclose(s.cap, [0.665, 0.095, 0.2])
    s, x, out = after(6, (0.6, 0.2, 0.2), Policy("waltz"), _norm_regime(compensation=1.0),
                      in_force=True, weight=1.0, **kw)
    np.testing.assert_allclose(s.cap, [0.6175, 0.095, 0.2475])


@pytest.mark.parametrize("caps, future_weight, spared", [
    ((0.8, 0.2), 1.0, False),          # no rival left: nothing to spare the loser for
    ((0.5, 0.15, 0.35), 0.0, False),   # the future ally is worth nothing
    ((0.5, 0.15, 0.35), 1.0, True),    # a rival remains: the loser is worth more alive
])
def test_a_far_sighted_winner_spares_a_future_ally(caps, future_weight, spared):
    """Far-sighted self-interest (policy far_sighted_waltz, discount 0.9):
    the winner spares the beaten power when 0.9 / 0.1 x future_weight x
    threat x c_loser beats its expected gain from pressing on, (p2 (1 - cost)
    - cost) x c_loser.  Two powers: no rival outside the winning side,
    threat 0, so it presses on (and the push succeeds: its uniform 0.738 is
    below p2).  Three powers 0.5, 0.15, 0.35: power 0 strikes power 2 (its
    most valuable attack) and after the battle and the spoils holds 0.641
    against 0.166; the rival, power 1 at 0.15, gives threat 0.15 / 0.641 =
    0.234, so sparing is worth 9 x 0.234 x 0.166 = 0.350 at future_weight 1,
    more than pressing on, 0.140; at future_weight 0 it is worth nothing.
    Waltz presses on in every case."""
    kw = dict(threat_share=1.0, predominance_share=1.0, opportunism=0.0, first_strike=1.0,
              elimination_threshold=0.0)
    loser = len(caps) - 1
    s, x, out = after(6, caps, Policy("far_sighted_waltz", future_weight=future_weight), **kw)
    assert (x.mi[INT_MEASURES.index("attacker")], x.mi[INT_MEASURES.index("defender")]) == \
        (0, loser)
    assert bool(s.alive[loser]) is spared
    c_w, c_l = s.cap[0], (s.cap[loser] if spared else None)
    if spared:
        threat = 0.15 / c_w
        assert 9 * future_weight * threat * c_l == pytest.approx(0.350, abs=1e-3)
    s, x, out = after(6, caps, Policy("waltz"), **kw)
    assert not s.alive[loser]
