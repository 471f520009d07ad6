"""Known answers of the regime as an institution (issue 26, "done when").

Each test states what must happen when one mechanism runs alone, and checks
it on runs or on a single phase; each would fail if the mechanism were
missing or wired to the wrong powers.
"""

from dataclasses import replace

import numpy as np
import pytest

from security_regimes.data import dated_domestic_changes, domestic_change_rates
from security_regimes.regimes.effects import breakdown_causes
from security_regimes.regimes.regime import Conditions, Regime
from security_regimes.regimes.scenarios import get_scenario
from security_regimes.system import Policy, simulate, uncalibrated
from security_regimes.system import phases as ph
from security_regimes.system.layout import INT_MEASURES

from ..system.test_golden_decisions import after

OBSERVE = 10  # index of the observation phase in reference.PHASES


def test_the_information_effect_alone_lowers_the_share_of_crises_ending_in_war():
    """Consultation at full strength (weights start at their target of 1 and the
    regime is in force from the first year), nothing else: each side sees the
    other's private cost, so fewer crises end in war than on the same seeds
    without it."""
    scn = get_scenario("concert_of_europe")
    system = scn.system.with_(core="crisis", misperception=0.0)
    cond = Conditions(memory=1.0, initial_weight=None, threshold=0.0, decline=0.0,
                      learning=0.0)
    share = {}
    for strength in (0.0, 1.0):
        reg = Regime(norms={"consultation": strength}, conditions=cond)
        m = simulate(system, years=60, systems=200, seed=1, policy=scn.policy,
                     regime=reg).measures
        assert m["regime_in_force"][:, 1:].all() and m["compromises"].sum() == 0
        share[strength] = m["crisis_wars"].sum() / m["crises"].sum()
    assert share[1.0] < 0.6 * share[0.0]


def _held_from_formation(r):
    s, held = r.summary, r.measures["regime_in_force"]
    first = s.formation_year.to_numpy()
    return [bool(held[b, int(first[b]) - 1:].all()) for b in range(len(first))
            if not np.isnan(first[b])]


def test_without_events_a_regime_that_is_a_best_reply_holds_for_the_whole_run():
    """Defence dominates (first_strike -0.5), so no power gains by attacking:
    compliance is every member's best reply.  With no domestic changes, no
    decline and no betrayal, every run's regime forms and then holds to the
    end; with domestic changes it is interrupted (the test can fail).  The
    first-strike core: under the crisis core wars also come from bargaining
    failures under private information, whatever the offense-defense balance."""
    scn = get_scenario("concert_of_europe")
    system = uncalibrated(scn.system).with_(first_strike=-0.5, belief_prior=0.9,
                                            misperception=0.0)
    quiet = Conditions(memory=1.0, decline=0.0)
    r = simulate(system, years=100, systems=200, seed=1, policy=scn.policy,
                 regime=replace(scn.regime, conditions=quiet))
    assert not r.measures["war"].any()  # no betrayal
    held = _held_from_formation(r)
    assert len(held) == 200 and all(held)
    shaken = simulate(system, years=100, systems=200, seed=1, policy=scn.policy,
                      regime=replace(scn.regime, conditions=replace(quiet, domestic_rate=0.02)))
    assert not all(_held_from_formation(shaken))


def test_a_single_identified_betrayal_lowers_every_members_trust_in_the_violator_only():
    """Power 0 (0.55 of the total) attacks power 1; powers 2 and 3 stand by.
    With the regime in force (the restraint norm exists; weights 0, so it binds
    no one) every member sees the attack: the bystanders' beliefs about power 0
    fall, and no other belief differs from the same year without the regime in
    force."""
    reg = Regime(norms={"restraint": 1.0}, conditions=Conditions(threshold=0.0))
    kw = dict(first_strike=0.2, threat_share=1.0, predominance_share=1.0, opportunism=0.0)
    beliefs = {}
    for bound in (False, True):
        s, x, _ = after(OBSERVE, (0.55, 0.15, 0.15, 0.15), Policy("waltz"), reg,
                        in_force=bound, weight=0.0, **kw)
        wars = x.mi[INT_MEASURES.index("wars")]
        assert wars == 1 and x.war_index[ph.WAR.war_att][0] == 0
        assert x.war_index[ph.WAR.war_dfd][0] == 1
        beliefs[bound] = s.belief.copy()
    lower = beliefs[True] < beliefs[False]
    assert lower[2, 0] and lower[3, 0]
    same = np.ones((4, 4), bool)
    same[2, 0] = same[3, 0] = False
    np.testing.assert_array_equal(beliefs[True][same], beliefs[False][same])


def test_the_economic_regime_does_not_decay_on_a_clock():
    """The economic regime fights no war, with or without its norms.  Without
    domestic changes and relative decline it holds from formation to the end of
    every run; with the record's rate of domestic changes, what ends it is those
    changes (and the decline that unequal gains from cooperation bring), never
    the memory of war.  The first-strike core at its earlier defaults (under the
    crisis core the economic scenario's powers still dispute a good, and fight)."""
    e = get_scenario("economic")
    e = replace(e, system=uncalibrated(e.system))
    cond = e.regime.conditions
    quiet = replace(e, regime=replace(e.regime, conditions=replace(
        cond, domestic_rate=0.0, decline=0.0)))
    r = quiet.run(seed=1, systems=100, years=100)
    assert not r.result.measures["war"].any() and not r.counterfactual.measures["war"].any()
    held = _held_from_formation(r.result)
    assert len(held) == 100 and all(held)
    causes = breakdown_causes(e.run(seed=1, systems=100, years=100).regime_breakdowns())
    causes = causes.set_index("cause").breakdowns
    assert causes["domestic change"] > 0
    assert causes[["member war", "lost trust", "fading memory", "revisionist turn"]].sum() == 0


def test_the_memory_of_war_changes_only_through_experience():
    """In peace the memory stays where the last hegemonic war left it; a year of
    member wars replaces a share ``learning`` of it with their seen cost."""
    scn = get_scenario("concert_of_europe")
    scn = replace(scn, system=uncalibrated(scn.system))  # the first-strike core: wars for certain
    peace = scn.system.with_(first_strike=-0.5, belief_prior=0.9, misperception=0.0)
    m = simulate(peace, years=80, systems=20, seed=1, policy=scn.policy,
                 regime=scn.regime).measures
    assert (m["regime_cost"] == 1.0).all()  # min(0.3 + memory 1, 1), year after year
    war = simulate(scn.system, years=80, systems=200, seed=1, policy=scn.policy,
                   regime=scn.regime).measures
    lower = war["regime_cost"][:, -1] < 1.0
    assert lower.mean() > 0.5  # cheaper wars replaced the lesson of the Napoleonic wars
    assert (war["regime_cost"][~war["member_war"].any(axis=1), -1] == 1.0).all()


def test_the_rates_and_the_dated_history_come_from_the_shipped_table():
    rate, share = domestic_change_rates()
    assert rate == pytest.approx(7 / 490) and share == pytest.approx(1 / 7)
    events = dated_domestic_changes()
    assert (15, 2, "domestic") in events and (37, 2, "revisionist") in events  # 1830, 1852
    assert [e for e in events if e[0] == 33] == [(33, 2, "domestic"), (33, 3, "domestic"),
                                                 (33, 4, "domestic")]  # 1848: FRN, AUH, GMY
    assert get_scenario("concert_of_europe").regime.conditions.domestic_rate == rate


def test_dated_events_happen_in_their_year_in_every_run():
    scn = get_scenario("concert_of_europe")
    cond = replace(scn.regime.conditions, domestic_rate=0.0,
                   events=dated_domestic_changes(start_year=1816))
    r = simulate(scn.system, years=40, systems=50, seed=1, policy=scn.policy,
                 regime=replace(scn.regime, conditions=cond))
    changes = r.measures["domestic_changes"]
    alive_end = r.capabilities[:, 1:] > 0  # (systems, years, powers) at each year's end
    # 1830 (year 15): France's July Revolution, wherever France is alive
    np.testing.assert_array_equal(changes[:, 14], alive_end[:, 14, 2])
    # 1848 (year 33): France, Austria and Prussia
    np.testing.assert_array_equal(changes[:, 32], alive_end[:, 32, 2:5].sum(axis=1))
    quiet = [y for y in range(40) if y not in (14, 32, 36)]
    assert changes[:, quiet].sum() == 0 and changes[:, 14].sum() > 0


def test_superpower_support_is_derived_from_the_cost_of_war_and_formation_is_an_output():
    """Condition 1 of the Basic Principles is what the shortest decided war between
    the two would destroy (not an input), so whether the regime forms follows
    from what the superpowers come to believe of each other."""
    from security_regimes.system.model import derived_regulation

    scn = get_scenario("superpower_bipolar")
    assert scn.regime.conditions.regulation_from_war and scn.regime.members == (0, 1)
    sy = scn.system
    living = np.array([[True, True] + [False] * (sy.n_powers - 2)])
    want = 1 - (1 - sy.nuclear_cost) ** sy.decisive_lead
    np.testing.assert_allclose(derived_regulation(sy, living)[0, :2], want)
    conventional = derived_regulation(sy.with_(nuclear=()), living)[0, 0]
    assert conventional == pytest.approx(1 - (1 - sy.war_cost) ** sy.decisive_lead)
    assert conventional < want
    formed = {}
    for prior, mis in ((0.9, 0.0), (0.2, 0.3)):
        s = replace(scn, system=sy.with_(belief_prior=prior, misperception=mis))
        formed[prior] = s.simulate(seed=1, systems=200).summary.formation_year.notna().mean()
    assert formed[0.9] > 0.3 and formed[0.2] < formed[0.9]
    # Started at its target (initial_weight None), a weight is regulation x trust x cost.
    cond = replace(scn.regime.conditions, initial_weight=None)
    r = simulate(sy.with_(belief_prior=0.9), years=1, systems=3, seed=1, policy=scn.policy,
                 regime=replace(scn.regime, conditions=cond))
    assert r.measures["regime_strength"][:, 0].max() > 0.5


def test_members_act_jointly_against_a_violator_and_are_expected_to():
    """Power 0 (0.55) attacks power 1 (0.15); powers 2 and 3 stand by without the
    regime in force.  With the collective-action norm at full strength (weights
    1), both side with the victim, and the attacker counted on it: the
    capability it expected to face includes theirs."""
    reg = Regime(norms={"collective": 1.0}, conditions=Conditions(threshold=0.0))
    kw = dict(first_strike=1.0, threat_share=1.0, predominance_share=1.0, opportunism=0.0)
    fights = {}
    for bound in (False, True):
        s, x, _ = after(6, (0.55, 0.15, 0.15, 0.15), Policy("waltz"), reg, in_force=bound,
                        weight=1.0, **kw)
        assert x.war_index[ph.WAR.war_att][0] == 0 and x.war_index[ph.WAR.war_dfd][0] == 1
        wid, on_a = x.war_index[ph.WAR.wid], x.flags[ph.FLAG.on_a]
        fights[bound] = [bool(wid[q] == 0 and not on_a[q]) for q in range(4)]
        punish = x.pair_values[ph.PAIR_VALUE.punish, 0, 1]
        assert punish == pytest.approx(0.3 if bound else 0.0)
    assert fights[False] == [False, True, False, False]
    assert fights[True] == [False, True, True, True]


def test_a_regime_binds_only_from_the_date_of_its_norms():
    """Conditions.available_from: the Concert's norms dated to year 20 of the run."""
    scn = get_scenario("concert_of_europe")
    base = scn.simulate(systems=200, years=60, seed=2)
    assert base.measures["regime_in_force"][:, :19].any()  # undated, it forms early
    dated = replace(scn, regime=replace(scn.regime, conditions=replace(
        scn.regime.conditions, available_from=20))).simulate(systems=200, years=60, seed=2)
    held = dated.measures["regime_in_force"]
    assert not held[:, :19].any() and held[:, 19:].any()
    never = replace(scn, regime=replace(scn.regime, conditions=replace(
        scn.regime.conditions, available_from=61))).simulate(systems=200, years=60, seed=2)
    assert not never.measures["regime_in_force"].any()
    # with norms that never bind, the run is the norm-free twin's
    free = replace(scn, regime=None).simulate(systems=200, years=60, seed=2)
    np.testing.assert_array_equal(never.measures["wars"], free.measures["wars"])
