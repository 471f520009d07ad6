"""Alliances that outlive their threat (``System.alliance_persistence``) and
alliance spells, in runs and in the COW record."""

import numpy as np
import pytest

from security_regimes.data import geo
from security_regimes.engine.rng import spawn_keys
from security_regimes.system import Policy, System, simulate
from security_regimes.system.kernel import step_year
from security_regimes.system.model import Dyadic, initial_state


def _treaty_year(persistence, systems=4000, seed=5):
    """One year (the second) of four equal powers in which no state allies afresh
    (``threat_share`` 1: a state's own strength always reaches it), from a state in
    which powers 1 and 2 have a treaty against power 0."""
    s = System.equal(4, threat_share=1.0, alliance_persistence=persistence)
    dy = Dyadic.build("Tit For Tat", 10, 4)
    state = initial_state(s, systems, None, dy)
    state.treaty[:] = (0, 1, 1, 0)
    new, _, allied = step_year(state, spawn_keys(seed, np.arange(systems)), 1, s,
                               Policy("waltz"), dy)
    return new, allied


@pytest.mark.parametrize("p", [0.0, 0.4, 0.8, 1.0])
def test_a_treaty_outlives_its_threat_at_the_persistence_rate(p):
    """Each member keeps the treaty with probability p, and an alliance needs two:
    powers 1 and 2 are still allied against 0 in a share p**2 of the systems
    (within 4 standard errors), and then both keep it for the next year; a member
    left alone has no treaty."""
    new, allied = _treaty_year(p)
    kept = allied[:, 1, 2]
    se = np.sqrt(max(p * p * (1 - p * p), 1e-12) / kept.size)
    assert abs(kept.mean() - p * p) <= 4 * se + 1e-12
    np.testing.assert_array_equal(new.treaty[kept], np.tile([0, 1, 1, 0], (kept.sum(), 1)))
    if p > 0:  # at 0 the treaties are neither read nor written
        assert (new.treaty[~kept] == 0).all()
    assert not allied[:, 0].any() and not allied[:, 3].any()


def test_a_treaty_ends_with_the_state_it_was_against():
    s = System.equal(4, threat_share=1.0, alliance_persistence=1.0)
    dy = Dyadic.build("Tit For Tat", 10, 4)
    state = initial_state(s, 50, None, dy)
    state.treaty[:] = (0, 1, 1, 0)
    state.alive[:, 0], state.cap[:, 0] = False, 0.0
    new, _, allied = step_year(state, spawn_keys(1, np.arange(50)), 1, s, Policy("waltz"), dy)
    assert not allied.any() and (new.treaty == 0).all()


def test_without_persistence_no_treaty_is_kept_or_written():
    new, allied = _treaty_year(0.0, systems=200)
    assert not allied.any()
    # alliances formed by threat are not written as treaties either
    s = System(threat_share=0.2)
    r = simulate(s, years=20, systems=50, seed=1, record_alliances=True)
    assert r.alliances_per_year().sum() > 0
    dy = Dyadic.build("Tit For Tat", 10, s.n_powers)
    st = initial_state(s, 50, None, dy)
    new, _, allied = step_year(st, spawn_keys(1, np.arange(50)), 1, s, Policy("waltz"), dy)
    assert allied.any() and (new.treaty == 0).all()


def test_alliance_spells_add_up_to_the_years_in_force():
    """Each spell is a run of years with the alliance in force (two members at
    least): the spells' years add up to the alliance-years, and each run's mean
    spell is alliance_years()."""
    s = System(threat_share=0.2, alliance_persistence=0.7)
    r = simulate(s, years=60, systems=40, seed=3, record_alliances=True)
    spells = r.alliance_spells()
    assert len(spells) > 0 and (spells["years"] == spells["last"] - spells["first"] + 1).all()
    assert spells["years"].sum() == r.alliances_per_year().sum()
    table = r.alliance_table()
    for row in spells.sample(min(len(spells), 25), random_state=0).itertuples():
        mine = table[(table.system == row.system) & (table.against == row.against)]
        years = set(mine.year)
        assert set(range(row.first, row.last + 1)) <= years
        assert row.first - 1 not in years and row.last + 1 not in years
    mean = spells.groupby("system").years.mean()
    ay = r.alliance_years()
    np.testing.assert_allclose(ay[mean.index.to_numpy()], mean.to_numpy())
    assert np.isnan(np.delete(ay, mean.index.to_numpy())).all()
    # cut at a year: spells in force then end there
    assert np.nanmax(r.alliance_years(10)) <= 10


def test_cow_alliance_spells_add_up_to_the_alliances_in_force():
    names = ("UKG", "FRN", "AUH", "RUS", "PRU", "ITA", "GMY")
    spells = geo.alliance_spells(1816, 1913, names)
    record = geo.alliance_record(1816, 1913, names)
    assert spells["years"].sum() == record.alliances.sum()
    assert (spells["first"] >= 1816).all() and (spells["last"] <= 1913).all()
    assert (spells["years"] == spells["last"] - spells["first"] + 1).all()
    # the Dual Alliance of Germany and Austria-Hungary (COW 1879-1918): one spell
    # from 1879, cut at the period's end
    dual = spells[(spells["first"] == 1879) & (spells["last"] == 1913)]
    assert len(dual) >= 1
