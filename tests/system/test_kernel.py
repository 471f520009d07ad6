"""The compiled system year: thread counts, batch sizes, alliances, settings."""

import numpy as np
import pytest

from security_regimes.engine.rng import spawn_keys
from security_regimes.regimes.regime import Conditions, Regime
from security_regimes.regimes.scenarios import get_scenario
from security_regimes.system import System, simulate, uncalibrated
from security_regimes.system.kernel import step_year
from security_regimes.system.model import Dyadic, initial_state
from security_regimes.system.threads import default_threads

CASES = {
    "kaplan": dict(system=System.from_cow(1816, 8), policy="kaplan"),
    "waltz noisy": dict(system=System.from_cow(1816, 6, capability_noise=0.3,
                                               relative_gains=0.5), policy="waltz"),
    "concert": dict(system=get_scenario("concert_of_europe").system,
                    policy=get_scenario("concert_of_europe").policy,
                    regime=get_scenario("concert_of_europe").regime),
}


def _same(a, b):
    for name in a.measures:
        np.testing.assert_array_equal(a.measures[name], b.measures[name], err_msg=name)
    np.testing.assert_array_equal(a.capabilities, b.capabilities)
    np.testing.assert_array_equal(a.alliance_blocs, b.alliance_blocs)


@pytest.mark.parametrize("case", sorted(CASES))
def test_results_do_not_depend_on_thread_count(case):
    kw = dict(CASES[case], years=60, systems=96, seed=4)
    one = simulate(**kw, threads=1)
    for threads in (2, 3, 5):
        _same(one, simulate(**kw, threads=threads))


@pytest.mark.parametrize("case", sorted(CASES))
def test_results_do_not_depend_on_batch_size(case):
    kw = dict(CASES[case], years=60, seed=4, threads=2)
    full = simulate(**kw, systems=96)
    for first, n in ((0, 17), (17, 40), (57, 39)):
        part = simulate(**kw, systems=n, first_index=first)
        for name in full.measures:
            np.testing.assert_array_equal(full.measures[name][first:first + n],
                                          part.measures[name], err_msg=name)
        np.testing.assert_array_equal(full.capabilities[first:first + n], part.capabilities)


@pytest.mark.parametrize("case", sorted(CASES))
def test_results_do_not_depend_on_the_slices_a_thread_runs(case, monkeypatch):
    """A thread runs its systems a slice at a time (Kernel.SLICE); slices of 7
    (and so more years per block) give the same run as one slice."""
    from security_regimes.system.kernel import Kernel

    kw = dict(CASES[case], years=60, systems=40, seed=4, threads=1)
    monkeypatch.setattr(Kernel, "SLICE", 1000)
    whole = simulate(**kw)
    monkeypatch.setattr(Kernel, "SLICE", 7)
    _same(whole, simulate(**kw))


def test_year_by_year_equals_one_call():
    """Running the kernel one year at a time (as step_year does) is the same run."""
    system, years, B = System.from_cow(1816, 5), 30, 8
    res = simulate(system, years=years, policy="kaplan", systems=B, seed=2)
    dy = Dyadic.build("Tit For Tat", years, system.n_powers)
    state = initial_state(system, B, None, dy)
    keys = spawn_keys(2, np.arange(B))
    for y in range(years):
        state, m, allied = step_year(state, keys, y, system, res.policy, dy)
        np.testing.assert_array_equal(state.cap, res.capabilities[:, y + 1])
        np.testing.assert_array_equal(m["war"], res.measures["war"][:, y])
        np.testing.assert_array_equal(allied.sum(axis=(1, 2)) // 2,
                                      res.measures["alliance_count"][:, y])


def test_alliance_edges_match_the_alliance_counts():
    r = simulate(System.from_cow(1816, 7), years=80, policy="kaplan", systems=40, seed=3)
    e = r.alliance_edges
    assert e.dtype == np.int32 and e.shape[1] == 4 and len(e) > 0
    assert np.all(e[:, 2] < e[:, 3])
    counts = np.zeros_like(r.measures["alliance_count"])
    np.add.at(counts, (e[:, 0], e[:, 1]), 1)
    np.testing.assert_array_equal(counts, r.measures["alliance_count"])
    order = np.lexsort((e[:, 3], e[:, 2], e[:, 0], e[:, 1]))  # year, system, pair
    np.testing.assert_array_equal(order, np.arange(len(e)))
    df = r.alliances()
    assert len(df) == len(e) and set(df.a) <= set(r.system.names)


def test_thread_setting_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECURITY_REGIMES_THREADS", "3")
    assert default_threads() == 3
    for bad in ("many", "0", "-2"):
        monkeypatch.setenv("SECURITY_REGIMES_THREADS", bad)
        with pytest.raises(ValueError, match="SECURITY_REGIMES_THREADS: expected a positive"):
            default_threads()
    with pytest.raises(ValueError, match="threads"):
        simulate(System.equal(3), years=2, systems=2, seed=0, threads=0)


def test_step_year_needs_the_regime_state():
    scn = get_scenario("concert_of_europe")
    dy = Dyadic.build("Tit For Tat", 10, scn.system.n_powers)
    state = initial_state(scn.system, 4, None, dy)
    with pytest.raises(ValueError, match="regime needs state.weight"):
        step_year(state, np.arange(4, dtype=np.uint64), 0, scn.system, scn.policy, dy,
                  scn.regime)


def _concert(system=None, **conditions):
    from dataclasses import replace

    scn = get_scenario("concert_of_europe")
    regime = replace(scn.regime, conditions=replace(scn.regime.conditions, **conditions))
    return simulate(system or scn.system, years=40, policy=scn.policy, regime=regime,
                    systems=60, seed=2)


def test_no_regime_forms_when_every_condition_is_zero():
    r = _concert(regulation=0.0, shared_value=0.0, war_cost_perception=0.0, memory=0.0,
                 initial_weight=0.0)
    assert r.summary.formation_year.isna().all()
    assert (r.summary.regime_years == 0).all() and not r.summary.regime_holds.any()
    assert not r.measures["regime_in_force"].any()
    hz = r.regime_hazards()
    assert (hz.formed == 0).all() and (hz.at_risk_formation == 60).all()


ALL_CONDITIONS = dict(regulation=1.0, shared_value=1.0, war_cost_perception=1.0, memory=1.0,
                      shock_rate=0.0, domestic_rate=0.0, revisionist=(), initial_weight=0.0)


def test_regime_forms_in_the_first_years_when_every_condition_holds_after_a_hegemonic_war():
    # Condition 2 at 1: the powers start out believing the others share the
    # value of security; condition 3 at 1: defense dominates, so no power sees
    # expansion as its best security.  Weights start at 0 and close 0.2 of the
    # gap to their target of 1 each year: 0.2, 0.36, 0.488, 0.59, so the
    # regime forms in year 4, the first year it can.
    # (the first-strike core at its earlier defaults, where the years were worked out)
    system = uncalibrated(get_scenario("concert_of_europe").system).with_(first_strike=-0.5,
                                                                          belief_prior=0.9)
    r = _concert(system, **ALL_CONDITIONS)
    s = r.summary
    assert (s.formation_year == 4).all()
    assert (_concert(system, **ALL_CONDITIONS, adaptation=1.0).summary.formation_year == 1).all()
    hz = r.regime_hazards()
    assert hz.formation_hazard.iloc[3] == 1.0 and (hz.formed.iloc[:3] == 0).all()
    assert ((s.regime_years >= 1) & (s.regime_years <= 37)).all()
    # Breakdown is counted only for runs in which the regime held the year before.
    held = r.measures["regime_in_force"]
    assert (hz.broke <= hz.at_risk_breakdown).all()
    assert hz.broke.sum() == (held[:, :-1] & ~held[:, 1:]).sum()
    # In force exactly while the strength is at the threshold or above.
    assert (held == (r.measures["regime_strength"] >= 0.5)).all()


def test_norms_bind_only_while_the_regime_is_in_force():
    # Same draws, norms of full strength: before formation (years 1-3) the
    # regime changes nothing; a threshold above 1 is refused, so compare with
    # a regime that can never form (threshold 1 with weights below 1).
    system = get_scenario("concert_of_europe").system.with_(belief_prior=0.9)
    forms = _concert(system, **ALL_CONDITIONS)
    never = _concert(system, **ALL_CONDITIONS, threshold=1.0)
    assert not never.measures["regime_in_force"].any()
    assert (never.summary.norm_restraints == 0).all()
    first = np.nan_to_num(forms.summary.formation_year.to_numpy(), nan=41).astype(int)
    for b in range(60):
        for key in ("war", "attacker", "restraints"):
            a, c = forms.measures[key][b, :first[b]], never.measures[key][b, :first[b]]
            assert (a == c).all(), (b, key)
    assert forms.summary.norm_restraints.sum() > 0


def test_a_hegemonic_war_restores_the_memory_of_war():
    # No memory, no fixed war-cost perception: the target is 0 until a
    # hegemonic war makes war look as costly as it can.
    # (the first-strike core: its hegemonic wars come from first strikes)
    system = uncalibrated(System(capabilities=(0.5, 0.2, 0.15, 0.15), cow_year=None,
                                 first_strike=0.5, belief_prior=0.9))
    regime = Regime(conditions=Conditions(war_cost_perception=0.0, memory=0.0, memory_gain=0.0,
                                          decline=0.0))
    r = simulate(system, years=60, policy="waltz", regime=regime, systems=200, seed=5)
    heg = r.measures["hegemonic_war"]
    s = r.summary
    assert heg.any() and s.formation_year.notna().any()
    # It never forms before the first hegemonic war.
    formed = s.formation_year.notna()
    assert (s.formation_year[formed] > s.first_hegemonic_war[formed]).all()


def test_without_a_regime_nothing_forms():
    r = simulate(System.from_cow(1816, 5), years=20, policy="waltz", systems=10, seed=1)
    assert r.summary.formation_year.isna().all() and (r.summary.regime_years == 0).all()


def test_hegemonic_wars_are_detected_only_when_most_powers_beat_the_predominant_one():
    # A predominant power (half the total) that the others balance against.
    system = System(capabilities=(0.5, 0.2, 0.15, 0.15), cow_year=None, first_strike=0.5)
    r = simulate(system, years=60, policy="waltz", systems=200, seed=5)
    m = r.measures
    heg = m["hegemonic_war"]
    assert heg.any(), "a balancing coalition should beat the predominant power sometimes"
    assert not (heg & ~m["war"]).any()
    assert (r.summary.hegemonic_wars == heg.sum(axis=1)).all()
    # No power can reach a predominant share of 0.9 between two equal powers.
    small = simulate(System.equal(2, predominance_share=0.9), years=40, policy="waltz",
                     systems=50, seed=1)
    assert not small.measures["hegemonic_war"].any()


def test_threads_limit_holds_in_its_block_and_thread_only(monkeypatch):
    import threading

    from security_regimes.system.threads import threads_limit

    monkeypatch.setenv("SECURITY_REGIMES_THREADS", "3")
    seen = []
    with threads_limit(1):
        assert default_threads() == 1  # over the environment
        t = threading.Thread(target=lambda: seen.append(default_threads()))
        t.start()
        t.join()
    assert seen == [3]  # another thread keeps the environment's setting
    assert default_threads() == 3
    with pytest.raises(ValueError, match="threads"):
        with threads_limit(0):
            pass
