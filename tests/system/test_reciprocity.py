"""Known answers for reciprocity in the decisions that matter (issue 10)."""

import numpy as np
import pytest

from security_regimes.engine.rng import spawn_keys
from security_regimes.system import UNCALIBRATED, Policy, System, simulate
from security_regimes.system.kernel import step_year
from security_regimes.system.model import Dyadic, initial_state


def _system(**kw):
    """The first-strike core's reciprocity layer at its earlier defaults, where
    these known answers were worked out (the crisis core's are in test_crisis.py)."""
    return System(**{**UNCALIBRATED, **kw})


RUNS = dict(years=100, systems=300, seed=1, policy="waltz", record_alliances=False,
            record_capabilities=False)


def per_pair(**kw):
    return simulate(_system(**kw.pop("system", {})), **{**RUNS, **kw}).summary.wars_per_dyad_year.mean()


def test_defectors_fight_more_than_tit_for_tat():
    assert per_pair(dyadic="Defector") > 1.3 * per_pair(dyadic="Tit For Tat")


def test_misperception_raises_war_under_reciprocity():
    calm = per_pair(system={"misperception": 0.0})
    noisy = per_pair(system={"misperception": 0.3})
    assert noisy > 2 * calm


def test_the_dyadic_strategy_decides_wars():
    a = simulate(_system(), **RUNS, dyadic="Tit For Tat").measures["war"]
    b = simulate(_system(), **RUNS, dyadic="Cooperator").measures["war"]
    assert not np.array_equal(a, b)


def test_reciprocity_deters_a_revisionist():
    """A revisionist middle power (FRN, a Defector) starts fewer wars when the
    others reciprocate (Tit For Tat) than when they never do (Cooperator)."""
    started = {}
    for other in ("Cooperator", "Tit For Tat"):
        dy = [other] * 5
        dy[2] = "Defector"
        r = simulate(_system(), **{**RUNS, "systems": 600}, dyadic=dy)
        started[other] = (r.measures["attacker"] == 2).sum(axis=1).mean()
    assert started["Cooperator"] > 1.1 * started["Tit For Tat"]


def test_bayesian_trust_runs_in_the_system():
    r = simulate(_system(), **RUNS, dyadic="Bayesian Trust")
    assert r.dyadic == "Bayesian Trust: 0.6"
    assert 0 < r.summary.cooperation_per_pair_year.mean() < 1


def _punishment_year(grievance: bool):
    """Power 0 (a Defector, strongest) faces 1, 2 and 3.  Power 2 was attacked by
    0 (if ``grievance``) and replies with defection; power 3 replies with
    defection too but saw nothing."""
    system = _system(capabilities=(0.55, 0.15, 0.15, 0.15), threat_share=1.0,
                    predominance_share=1.0, misperception=0.0)
    dy = Dyadic.build(["Defector", "Tit For Tat", "Tit For Tat", "Tit For Tat"], 10, 4)
    B = 400
    st = initial_state(system, B, None, dy)
    d_state = int(np.nonzero(dy.act[::8] == 0)[0][-1]) * 8  # a Tit For Tat state that defects
    st.dyad[:, 2, 0] = d_state
    st.dyad[:, 3, 0] = d_state
    if grievance:
        st.grievance[:, 2, 0] = 5
    st.belief[:] = 0.3
    _, m, _ = step_year(st, spawn_keys(7, np.arange(B)), 0, system, Policy("waltz"), dy)
    return m


def test_victim_punishes_and_bystander_does_not():
    m = _punishment_year(grievance=True)
    by0 = m["war"] & (m["attacker"] == 0)
    assert by0.sum() > 20
    # Power 2 joins every war 0 starts against someone else; power 3 never joins.
    expected = np.where(m["defender"] == 2, 0, 1)
    assert np.array_equal(m["punishers"][by0], expected[by0])
    m0 = _punishment_year(grievance=False)
    assert m0["punishers"].sum() == 0


def test_survival_is_continuous_and_restorations_apart():
    s = simulate(_system(), years=200, systems=200, seed=1, policy="kaplan",
                 record_alliances=False, record_capabilities=False).summary
    assert s.restorations.sum() > 0
    assert (s.continuous_survival <= s.essential_survival).all()
    assert s.continuous_survival.mean() < s.essential_survival.mean()


def test_per_pair_measures_use_pairs_at_risk():
    r = simulate(_system(), **RUNS)
    s, m = r.summary, r.measures
    n0 = m["n_alive"][:, :-1]
    # Pairs at risk in year t+1 are the pairs among powers alive after year t.
    assert np.array_equal(m["pairs"][:, 1:], n0 * (n0 - 1) // 2)
    assert s.wars_per_dyad_year.to_numpy() == pytest.approx(s.wars / s.pair_years)


def test_bad_belief_prior_and_dyadic():
    with pytest.raises(ValueError, match="belief_prior"):
        _system(belief_prior=1.5)
    with pytest.raises(ValueError, match="unknown strategy 'Nice'"):
        simulate(_system(), years=2, systems=2, dyadic="Nice")
    with pytest.raises(ValueError, match="one per power"):
        simulate(_system(), years=2, systems=2, dyadic=["Defector", "Cooperator"])
