"""Wars that spread: alliance reliability, opportunists, system wars."""

from security_regimes.system import System, simulate

# Five powers, one strong enough that the others ally against it.
FIVE = System(capabilities=(0.42, 0.16, 0.14, 0.14, 0.14), cow_year=None, first_strike=0.5,
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
    # A hegemonic war is a system war that the predominant power loses.
    assert not (m["hegemonic_war"] & ~m["system_war"]).any()


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
