"""Wars that spread: alliance reliability, opportunists, system wars."""

import numpy as np
import pytest

from security_regimes.system import System, simulate

# Five powers, one strong enough that the others ally against it.
FIVE = System(core="first_strike", misperception=0.05,
              capabilities=(0.42, 0.16, 0.14, 0.14, 0.14), cow_year=None, first_strike=0.5,
              grievance_years=0)


def _run(dyadic="Tit For Tat", **kw):
    return simulate(FIVE.with_(**kw), years=80, policy="waltz", systems=300, seed=3,
                    record_capabilities=False, dyadic=dyadic)


def test_system_wars_need_allies_or_opportunists():
    # Reliable allies: a war with the alliance brings most powers in.
    allied = _run(alliance_reliability=1.0, opportunism=0.0)
    assert allied.measures["system_war"].any()
    # Allies that never honour, no opportunists and nobody who punishes (a
    # Cooperator never replies with hostility): every war stays between its two
    # belligerents, so no system war can occur.
    alone = _run("Cooperator", alliance_reliability=0.0, opportunism=0.0)
    m = alone.measures
    assert m["war"].any() and not m["system_war"].any()
    assert (m["punishers"] == 0).all()


def test_system_war_is_most_powers_fighting():
    r = _run()
    m = r.measures
    assert not (m["system_war"] & ~m["war"]).any()
    assert (m["system_war"] <= m["war"]).all() and (m["hegemonic_war"] <= m["war"]).all()


def test_several_wars_may_start_in_a_year():
    # Six equal powers, no alliances to join, striking first pays: pairs of
    # powers fight apart, at most one war per power (three wars a year).
    six = System.equal(6, first_strike=1.0, alliance_reliability=0.0, opportunism=0.0)
    m = simulate(six, years=30, policy="waltz", systems=200, seed=1, dyadic="Cooperator",
                 record_capabilities=False).measures
    assert m["wars"].max() >= 2 and m["wars"].max() <= 3
    assert (m["war"] == (m["wars"] > 0)).all()
    assert (m["decisive_wars"] <= m["wars"]).all() and (m["spared"] <= m["decisive_wars"]).all()
    # Two separate duels are not a system war (no single war has most powers).
    assert not m["system_war"].any()


def test_opportunists_spread_wars():
    base = dict(dyadic="Cooperator", alliance_reliability=0.0)
    none = _run(**base, opportunism=0.0).measures["system_war"].mean()
    some = _run(**base, opportunism=1.0)
    assert some.measures["system_war"].mean() > none == 0.0


def test_reliable_allies_deter_the_power_they_balance():
    # Attackers expect allies at the reliability rate: the strong power the
    # others ally against attacks them less when their alliance is reliable.
    def strong_attacks(rho):
        m = _run(alliance_reliability=rho, opportunism=0.0).measures
        return (m["attacker"][:, :5] == 0).mean()

    assert strong_attacks(1.0) < strong_attacks(0.5) < strong_attacks(0.0)


def test_a_war_of_battles_has_the_gamblers_ruin_odds():
    from security_regimes.system.war import walk_scratch, war_odds

    def _war_odds(p, lead, delta, tau):
        return war_odds(p, lead, delta, tau, walk_scratch(), 0.0)

    assert _war_odds(0.7, 1, 0.05, 0.5) == (0.7, 1.0 - 0.7, 0.05)
    # Lead 2, nothing to stop it but defeat: p^2 / (p^2 + q^2), and with small
    # battles the share destroyed is close to delta times 2 / (1 - 2pq) battles.
    for p in (0.5, 0.7, 0.9):
        win, lose, d = _war_odds(p, 2, 1e-4, 1.0)
        q = 1 - p
        assert win == pytest.approx(p * p / (p * p + q * q), abs=0.005)
        assert win + lose <= 1 and win + lose > 0.99
        assert d == pytest.approx(1e-4 * 2 / (1 - 2 * p * q), rel=0.02)
    # Nothing to win: the first battle costs the prize and ends the war undecided.
    win, lose, d = _war_odds(0.6, 2, 0.05, 0.0)
    assert (win, lose) == (0.0, 0.0) and d == pytest.approx(0.05)


def test_longer_wars_destroy_more():
    one = _run(decisive_lead=1).measures
    two = _run(decisive_lead=2).measures
    size = lambda m: m["war_size"].sum() / m["wars"].sum()  # noqa: E731
    assert size(two) > 1.3 * size(one)
    assert (one["decisive_wars"] == one["wars"]).all()  # one battle always decides
    # Fighting that costs the prize (transfer) before a lead of 3 ends undecided.
    three = _run(decisive_lead=3, transfer=0.2).measures
    assert (three["decisive_wars"] < three["wars"]).any()


def test_wars_that_intensify_cost_more_battle_by_battle():
    """Battle t destroys war_cost (1 + g)^t of each fighter, at most all: a war
    always won lasts lead battles and destroys one minus the product of what each
    leaves; one battle costs war_cost whatever g; derived regulation's shortest
    war and the walk agree."""
    from security_regimes.system.model import derived_regulation
    from security_regimes.system.war import battle_cost, shortest_war, walk_scratch, war_odds

    left = (1 - 0.05) * (1 - 0.075) * (1 - 0.1125)
    assert war_odds(1.0, 3, 0.05, 1.0, walk_scratch(), 0.5) == pytest.approx((1.0, 0.0, 1 - left))
    assert shortest_war(0.05, 3, 0.5) == pytest.approx(1 - left)
    assert war_odds(0.7, 1, 0.05, 0.5, walk_scratch(), 3.0) == (0.7, 1.0 - 0.7, 0.05)
    assert battle_cost(0.4, 1.0, 2) == 1.0  # at most all
    assert shortest_war(0.05, 3, 0.0) == 1 - 0.95 ** 3  # growth 0: as before, bit for bit
    # the walk's expected cost grows with g at any odds
    d = [war_odds(0.6, 3, 0.02, 1.0, walk_scratch(), g)[2] for g in (0.0, 0.5, 1.0)]
    assert d[0] < d[1] < d[2]
    s = System.equal(4, decisive_lead=3, war_cost=0.05, intensification=0.5)
    living = np.ones((1, 4), dtype=bool)
    np.testing.assert_allclose(derived_regulation(s, living), 1 - left)


def test_intensifying_wars_are_larger_and_change_nothing_with_one_battle():
    base = _run(decisive_lead=3, war_cost=0.03).measures
    grown = _run(decisive_lead=3, war_cost=0.03, intensification=1.0).measures
    size = lambda m: m["war_size"].sum() / m["wars"].sum()  # noqa: E731
    assert size(grown) > 1.5 * size(base)
    one = _run(decisive_lead=1).measures
    one_g = _run(decisive_lead=1, intensification=2.0).measures
    for k in one:  # the first battle is war_cost whatever g: the same runs, draw for draw
        np.testing.assert_array_equal(one[k], one_g[k], err_msg=k)
