"""States enter and leave the system on their COW dates (System.membership =
"record"; issue 28): the phase against its reference, the whole year against
the reference year, and known answers from the COW record."""

from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_regimes import System, simulate
from security_regimes.engine.kernels import njit
from security_regimes.engine.rng import spawn_keys
from security_regimes.system import Policy
from security_regimes.system import phases as ph
from security_regimes.system.kernel import Kernel, step_year
from security_regimes.system.layout import BOOL_MEASURES, FLOAT_MEASURES, INT_MEASURES
from security_regimes.system.model import Dyadic

from . import reference as ref
from .draws import Draws
from .test_reference import random_dated_state, random_state, world_of


@cache
def dated(core="first_strike", geography="none"):
    """The state system of 1816 with every state that enters by 1913."""
    return System.from_cow(1816, members=True, until=1913, core=core, geography=geography,
                           gradient=0.5 if geography != "none" else 0.0)


def test_from_cow_until_lists_the_entrants_by_date():
    s = dated()
    assert s.growth == "record" and s.membership == "record"
    first = System.from_cow(1816, members=True)
    assert s.names[:first.n_powers] == first.names  # the members of 1816 first
    entrants = s.names[first.n_powers:]
    assert entrants[:4] == ("BRA", "TUN", "GRC", "BEL")  # 1822, 1825, 1828, 1830
    assert "JPN" in entrants and "ROK" not in entrants  # Japan 1860; Korea-South 1949
    assert s.members_at_start().sum() == first.n_powers
    # Units: the first year's members sum to 1, as in the closed system.
    assert sum(np.asarray(s.capabilities)[s.members_at_start()]) == pytest.approx(1.0)
    np.testing.assert_allclose(np.asarray(s.capabilities)[:first.n_powers], first.capabilities)


def test_the_membership_table_follows_cow():
    s = dated()
    m = s.membership_changes()
    q = {name: k for k, name in enumerate(s.names)}
    assert m[1828 - 1816, q["GRC"]] == s.capabilities[q["GRC"]] > 0  # Greece enters in 1828
    assert not m[:1828 - 1816, q["GRC"]].any()
    assert m[1872 - 1816, q["BAV"]] == -1  # Bavaria: a member to 1871
    # Paraguay leaves (1871-1875, occupied) and comes back with its CINC then.
    assert m[1871 - 1816, q["PAR"]] == -1 and m[1876 - 1816, q["PAR"]] > 0
    assert (m[0] == 0).all()
    assert System().membership_changes().shape == (1, 5) and not System().membership_changes().any()


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_a_state_enters_on_its_cow_date_and_leaves_on_it(core):
    s = dated(core)
    r = simulate(s, years=98, systems=20, seed=1, record_capabilities=True)
    c, m = r.capabilities, r.measures  # c[:, y + 1]: at the end of model year y
    grc, bav = s.names.index("GRC"), s.names.index("BAV")
    assert (c[:, : 1828 - 1816, grc] == 0).all()  # not in the system before 1828
    assert (m["entries"][:, 1828 - 1816] >= 1).all()
    assert (m["entries"][:, : 1822 - 1816] == 0).all()  # Brazil is the first, in 1822
    assert (c[:, 1872 - 1816 + 1:, bav] == 0).all()  # gone from 1872, war or no war
    left = c[:, 1871 - 1816 + 1, bav] > 0  # alive at the end of 1871: it leaves in 1872
    assert (m["exits"][left, 1872 - 1816] >= 1).all()
    assert m["eliminated"].sum() >= 0 and (m["n_alive"][:, 0] <= 23).all()
    closed = simulate(System.from_cow(1816, members=True, core=core), years=20, systems=5,
                      seed=1)
    assert not closed.measures["entries"].any() and not closed.measures["exits"].any()


def test_bad_membership_settings_are_refused():
    with pytest.raises(ValueError, match="membership = 'record' needs growth = 'record'"):
        System.from_cow(1816, states=("UKG", "FRN"), membership="record")
    with pytest.raises(ValueError, match="give cow_year and COW names"):
        System.equal(3, membership="record", growth="drawn")
    with pytest.raises(ValueError, match="until needs members=True"):
        System.from_cow(1816, n_powers=5, until=1900)
    with pytest.raises(ValueError, match="until must be an integer"):
        System.from_cow(1816, members=True, until=1700)
    with pytest.raises(ValueError, match="not COW system members in 1950 or later: BAV"):
        System.from_cow(1950, states=("USA", "BAV"), growth="record", membership="record")
    with pytest.raises(ValueError, match="none of the powers is a COW system member in "
                                         "cow_year 1816"):
        System.from_cow(1816, states=("GRC", "BEL"), growth="record", membership="record")
    with pytest.raises(ValueError, match="membership: unknown membership 'open'"):
        System(membership="open")


# --- The phase and the year against the reference ------------------------------

MEMBERSHIP = njit(ph.membership.py_func)  # a phase has no wrapper callable from Python

@cache
def drawn(core="first_strike", rate=0.3, entrants=3, exit_rate=0.1):
    """Eight powers, the last ``entrants`` outside at first, entering at
    ``rate``, each inside leaving at ``exit_rate``."""
    return System(capabilities=(3.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5), core=core,
                  membership="drawn", entrants=entrants, entry_rate=rate, exit_rate=exit_rate)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), year=st.integers(0, 120),
       core=st.sampled_from(["first_strike", "crisis"]),
       kind=st.sampled_from(["record", "drawn"]))
def test_the_membership_phase_equals_its_reference(seed, year, core, kind):
    rng = np.random.default_rng(seed)
    system = dated(core) if kind == "record" else drawn(core)
    n = system.n_powers
    dy = Dyadic.build("Tit For Tat", 50, n)
    state = random_state(rng, 1, n, dy)
    sq = rng.uniform(0, 1, (1, n, n))
    treaty0 = np.where(rng.random((1, n)) < 0.5, rng.integers(1, n + 1, (1, n)), 0)
    k = Kernel(system, Policy("waltz"), dy)
    arrays = {f: np.array(getattr(state, f), copy=True) for f in
              ("cap", "alive", "excluded", "belief", "dyad", "grievance", "seen_hostile",
               "fallen")}
    arrays.update(weight=np.zeros((1, n)), revisionist=np.zeros((1, n), bool),
                  ref_share=np.zeros((1, n)), memory=np.zeros(1), in_force=np.zeros(1, bool),
                  status_quo=sq.copy(), trend=np.zeros((1, n)))
    s = ph.SystemState(*(arrays[f][0] if f not in ("memory", "in_force") else arrays[f]
                         for f in ph.SystemState._fields))
    x = ph.scratch(n, len(FLOAT_MEASURES), len(INT_MEASURES), len(BOOL_MEASURES))
    x.war_index[ph.WAR.treaty] = treaty0[0]  # last year's alliances (State.treaty)
    key = spawn_keys(seed, np.arange(1))
    dr = ph.Draws(np.uint64(key[0]), np.int64(year) * k.dpy, k.off, np.int64(year))
    MEMBERSHIP(s, x, k.params, k.tables, dr, year, n)
    w = {f: np.array(getattr(state, f)[0]).tolist() for f in
         ("cap", "alive", "excluded", "belief", "dyad", "grievance", "seen_hostile", "fallen")}
    w["status_quo"] = sq[0].tolist()
    w["treaty"] = treaty0[0].tolist()
    ref.ref_membership(w, ref.Setting(system, Policy("waltz"), dy, None),
                       Draws(key, year, n).of(0))
    np.testing.assert_allclose(s.cap, w["cap"], rtol=1e-12, atol=1e-15)
    for f in ("alive", "excluded", "dyad", "grievance", "seen_hostile", "fallen"):
        assert getattr(s, f).tolist() == w[f], f
    assert x.war_index[ph.WAR.treaty].tolist() == w["treaty"]
    np.testing.assert_allclose(s.belief, w["belief"])
    np.testing.assert_array_equal(np.isnan(s.status_quo), np.isnan(np.array(w["status_quo"])))
    assert x.mi[INT_MEASURES.index("entries")] == w["entries"]
    assert x.mi[INT_MEASURES.index("exits")] == w["exits"]


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
@pytest.mark.parametrize("seed", range(3))
def test_the_dated_year_with_entries_equals_the_reference(core, seed):
    rng = np.random.default_rng(seed)
    system = dated(core, "capitals")
    n = system.n_powers
    dy = Dyadic.build("Tit For Tat", 50, n)
    state = random_dated_state(rng, 4, n, dy, core)
    keys = spawn_keys(seed, np.arange(4))
    # A year in which states enter (1828, 1860) or leave (1861, 1872).
    year = int(rng.choice([1828, 1860, 1861, 1872])) - 1816
    new, measures, _ = step_year(state, keys, year, system, Policy("waltz"), dy)
    draws = Draws(keys, year, n)
    for b in range(4):
        out, ref_m = ref.ref_step(world_of(state, b, core), draws.of(b), system, Policy("waltz"),
                                  dy)
        np.testing.assert_allclose(new.cap[b], out["cap"], rtol=1e-9, atol=1e-12)
        assert new.alive[b].tolist() == out["alive"]
        for key in ("wars", "entries", "exits", "contiguous_pairs", "n_alive"):
            assert measures[key][b] == ref_m[key], key


# --- Entry drawn at a rate (membership = "drawn") -------------------------------

@pytest.mark.parametrize("core", ["first_strike", "crisis"])
@pytest.mark.parametrize("policy", ["kaplan", "waltz"])
@pytest.mark.parametrize("seed", range(2))
def test_the_year_with_drawn_entries_equals_the_reference(core, policy, seed):
    rng = np.random.default_rng(seed)
    system = drawn(core, rate=0.5)
    n = system.n_powers
    dy = Dyadic.build("Tit For Tat", 50, n)
    state = random_dated_state(rng, 6, n, dy, core)
    keys = spawn_keys(seed, np.arange(6))
    year = int(rng.integers(1, 50))
    new, measures, _ = step_year(state, keys, year, system, Policy(policy), dy)
    draws = Draws(keys, year, n)
    entered = left = 0
    for b in range(6):
        out, ref_m = ref.ref_step(world_of(state, b, core), draws.of(b), system, Policy(policy),
                                  dy)
        np.testing.assert_allclose(new.cap[b], out["cap"], rtol=1e-9, atol=1e-12)
        assert new.alive[b].tolist() == out["alive"]
        for key in ("wars", "entries", "exits", "n_alive"):
            assert measures[key][b] == ref_m[key], key
        entered += ref_m["entries"]
        left += ref_m["exits"]
    assert entered > 0 and left > 0  # the test saw entries and exits


def test_known_answers_of_drawn_entry():
    """At rate 1 every power outside at a year's end enters the next year; at
    rate 0 none ever does; nothing enters in the first year; an entrant has
    its capabilities entry in units of the powers inside at the start."""
    s1 = System.equal(6, membership="drawn", entrants=2, entry_rate=1.0)
    assert s1.capabilities == (0.25,) * 6 and s1.members_at_start().tolist() == [True] * 4 + [
        False] * 2
    r = simulate(s1, years=30, policy=Policy("waltz"), systems=50, seed=1,
                 record_capabilities=True)
    m = r.measures
    assert (m["entries"][:, 0] == 0).all() and (m["entries"][:, 1] >= 2).all()
    caps = r.capabilities  # (systems, years + 1, powers): the start, then each year's end
    outside = caps[:, 1:-1] == 0  # outside at the end of years 1..29
    np.testing.assert_array_equal(m["entries"][:, 1:], outside.sum(axis=2))
    r0 = simulate(System.equal(6, membership="drawn", entrants=2, entry_rate=0.0), years=30,
                  policy=Policy("waltz"), systems=50, seed=1)
    assert r0.measures["entries"].sum() == 0


def test_entry_has_the_rate_a_year_so_the_mean_wait_is_one_over_it():
    """Each year from the second, each power outside (never entered, or
    destroyed) enters with probability ``entry_rate``: entries over powers at
    risk (outside at the previous year's end) is the rate within 4 standard
    errors, so waiting times are geometric with mean 1 / rate."""
    rate = 0.1
    r = simulate(System.equal(6, membership="drawn", entrants=3, entry_rate=rate), years=100,
                 policy=Policy("waltz"), systems=300, seed=3, record_capabilities=True)
    at_risk = (r.capabilities[:, 1:-1] == 0).sum()  # outside at the end of years 0..98
    entries = r.measures["entries"][:, 1:].sum()  # entries in years 1..99
    assert at_risk >= 5000
    se = np.sqrt(rate * (1 - rate) / at_risk)
    assert abs(entries / at_risk - rate) < 4 * se, (entries / at_risk, se)


def test_exit_has_the_rate_a_year_and_is_not_an_elimination():
    """Each year from the second, each power inside leaves with probability
    ``exit_rate`` (without a war: not counted as eliminated): exits over
    powers at risk (inside at the previous year's end) is the rate within 4
    standard errors; nothing leaves in the first year."""
    rate = 0.05
    system = System.equal(6, membership="drawn", entrants=2, entry_rate=0.2, exit_rate=rate)
    r = simulate(system, years=100, policy=Policy("waltz"), systems=300, seed=3,
                 record_capabilities=True)
    m = r.measures
    assert (m["exits"][:, 0] == 0).all()
    at_risk = (r.capabilities[:, 1:-1] > 0).sum()  # inside at the end of years 0..98
    exits = m["exits"][:, 1:].sum()
    assert at_risk >= 5000
    se = np.sqrt(rate * (1 - rate) / at_risk)
    assert abs(exits / at_risk - rate) < 4 * se, (exits / at_risk, se)


def test_at_exit_rate_one_every_power_inside_leaves_in_the_second_year():
    s = System.equal(6, membership="drawn", entrants=2, exit_rate=1.0)
    r = simulate(s, years=3, policy=Policy("waltz"), systems=20, seed=1,
                 record_capabilities=True)
    inside_after_first = (r.capabilities[:, 1] > 0).sum(axis=1)
    np.testing.assert_array_equal(r.measures["exits"][:, 1], inside_after_first)
    assert (r.capabilities[:, 2] == 0).all() and (r.measures["eliminated"][:, 1] == 0).all()


def test_bad_drawn_entry_settings_are_refused():
    with pytest.raises(ValueError, match=r"entrants must be an integer in \[1, 2\] \(at least "
                                         r"two of the 4 powers start inside\), got 3"):
        System.equal(4, membership="drawn", entrants=3, entry_rate=0.1)
    with pytest.raises(ValueError, match=r"entrants must be an integer in \[1, 6\]"):
        System.equal(8, membership="drawn", entry_rate=0.1)
    with pytest.raises(ValueError, match="entrants, entry_rate and exit_rate apply to membership = "
                                         "'drawn', not 'closed'"):
        System.equal(4, entry_rate=0.2)
    with pytest.raises(ValueError, match=r"entry_rate must be a number in \[0, 1\], got 2"):
        System.equal(4, membership="drawn", entrants=1, entry_rate=2)
