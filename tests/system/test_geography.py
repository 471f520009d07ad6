"""Geography (``System.geography``, ``System.gradient``): reach, known answers, measures, scale."""

import numpy as np
import pytest

from security_regimes import System, simulate
from security_regimes.system.layout import YEAR_MEASURES

CONTIGUITY = ("contiguous_pairs", "contiguous_wars", "contiguous_crises")


def test_reach_matrix():
    s = System.from_cow(1816, states=("UKG", "FRN", "RUS", "AUH", "GMY"),
                        geography="capitals", gradient=0.3)
    reach, near = s.reach()
    assert np.all(np.diag(reach) == 1) and np.all((reach >= 0) & (reach <= 1))
    assert np.allclose(reach, reach.T) and np.array_equal(near, near.T)
    assert np.all(reach[near] == 1)  # neighbours meet at their border
    assert reach[0, 2] == pytest.approx(1 - 0.3 * 2091.0 / 1000, abs=0.01)  # London-St Petersburg
    flat, none = System().reach()
    assert np.all(flat == 1) and not none.any()
    grid_reach, grid_near = System.equal(9, geography="grid", gradient=0.5).reach()
    assert grid_near.sum() == 2 * 12  # a 3 x 3 lattice has 12 edges
    assert grid_reach[0, 8] == 0  # corner to corner, 2828 km: out of reach
    with pytest.raises(ValueError):
        grid_reach[0, 0] = 0.5  # read-only


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
@pytest.mark.parametrize("geography", ["grid", "capitals"])
def test_a_flat_gradient_is_the_all_reach_system(core, geography):
    base = System.from_cow(1816, core=core)
    flat = base.with_(geography=geography, gradient=0.0)
    a = simulate(system=base, years=40, systems=30, seed=3)
    b = simulate(system=flat, years=40, systems=30, seed=3)
    for name in YEAR_MEASURES:
        if name not in CONTIGUITY:
            np.testing.assert_array_equal(a.measures[name], b.measures[name], err_msg=name)
    np.testing.assert_array_equal(a.capabilities, b.capabilities)
    assert a.measures["wars"].sum() > 0
    assert b.measures["contiguous_pairs"].sum() > 0 and not a.measures["contiguous_pairs"].any()


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_two_states_out_of_reach_never_fight(core):
    near = System.from_cow(1816, states=("UKG", "USA"), core=core, first_strike=1.0)
    far = near.with_(geography="capitals", gradient=0.2)  # 5,900 km apart: reach 0
    assert far.reach()[0][0, 1] == 0
    assert simulate(system=near, years=60, systems=50, seed=1).measures["wars"].sum() > 0
    m = simulate(system=far, years=60, systems=50, seed=1).measures
    assert m["wars"].sum() == 0 and m["crises"].sum() == 0


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_powers_out_of_reach_never_meet(core):
    # 1 and 2 are out of each other's reach on the lattice: year after year
    # their beliefs and strategy states stay at the start, while those of the
    # pairs in reach move; the cooperation rate counts only the pairs in reach.
    from security_regimes.engine.rng import spawn_keys
    from security_regimes.system import Policy
    from security_regimes.system.kernel import step_year
    from security_regimes.system.model import Dyadic, initial_state

    s = System.equal(3, geography="grid", gradient=1.0, misperception=0.2, core=core)
    dy = Dyadic.build("Tit For Tat", 30, 3)
    state, keys = initial_state(s, 20, None, dy), spawn_keys(1, np.arange(20))
    start_belief, start_dyad = state.belief.copy(), state.dyad.copy()
    for year in range(30):
        state, m, _ = step_year(state, keys, year, s, Policy("waltz"), dy)
        if year == 0:  # pairs counts every living pair, the one out of reach too
            assert np.all(m["pairs"] == 3)
    for a, b in ((1, 2), (2, 1)):
        np.testing.assert_array_equal(state.belief[:, a, b], start_belief[:, a, b])
        np.testing.assert_array_equal(state.dyad[:, a, b], start_dyad[:, a, b])
    assert (state.belief[:, 0, 1] != start_belief[:, 0, 1]).any()
    # four ordered pairs of the three are in reach: the rate is a multiple of 1/4
    rate = m["cooperation_rate"][~np.isnan(m["cooperation_rate"])]
    assert np.all(np.isin(np.round(rate * 4, 9), np.arange(5)))


def test_a_pair_out_of_reach_is_never_attacker_and_defender():
    # A 2 x 2 lattice with three powers: 0 borders 1 and 2; 1 and 2 are 1,414 km
    # apart, out of reach at gradient 1.
    s = System.equal(3, geography="grid", gradient=1.0, first_strike=1.0, core="crisis")
    assert s.reach()[0][1, 2] == 0 and s.reach()[0][0, 1] == 1
    r = simulate(system=s, years=60, systems=100, seed=2, record_crises=True)
    assert r.measures["wars"].sum() > 0
    assert not (r.crises[:, :, 1, 2].any() or r.crises[:, :, 2, 1].any())
    pair = {(a, d) for a, d in zip(r.measures["attacker"].ravel(),
                                   r.measures["defender"].ravel(), strict=True)}
    assert not pair & {(1, 2), (2, 1)}


def test_contiguity_measures_count_within_their_totals():
    s = System.from_cow(1816, members=True, geography="capitals", gradient=0.5,
                        elimination_threshold=0.001, core="crisis")
    m = simulate(system=s, years=30, systems=40, seed=1).measures
    assert np.all(m["contiguous_pairs"] <= m["pairs"])
    assert np.all(m["contiguous_wars"] <= m["wars"])
    assert np.all(m["contiguous_crises"] <= m["crises"])
    assert m["contiguous_pairs"][:, 0].max() == 60  # 1816's contiguous members (COW v3.2)
    # neighbours are more dangerous than others once reach falls with distance
    rate = lambda on, at: on.sum() / at.sum()  # noqa: E731
    assert (rate(m["contiguous_wars"], m["contiguous_pairs"])
            > rate(m["wars"] - m["contiguous_wars"], m["pairs"] - m["contiguous_pairs"]))


def test_more_than_32_powers_and_their_alliances():
    s = System(capabilities=(1.0,) * 39 + (40.0,), cow_year=None)  # one threatens the rest
    r = simulate(system=s, years=5, systems=4, seed=1, record_alliances=True)
    edges = r.alliance_edges
    assert edges.shape[1] == 4 and (edges[:, 3] > 31).any()  # bits above 32 decode
    assert r.measures["alliance_count"].sum() == len(edges)


def test_the_whole_1816_system():
    s = System.from_cow(1816, members=True)
    assert s.n_powers == 23 and s.names[0] == "UKG" and "HSG" in s.names
    assert sum(s.capabilities) == pytest.approx(1.0)


def test_a_system_of_200_states_runs_with_its_alliances():
    # every COW member of 2012 with a CINC (195 states), and all of 1816-2012 (217)
    s = System.from_cow(2012, members=True, geography="capitals", gradient=0.5)
    assert s.n_powers == 195 and System.from_cow(1816, members=True, until=2012).n_powers > 200
    r = simulate(s, years=3, systems=2, seed=1, policy="waltz")
    assert r.alliance_blocs.shape == (2, 3, 195)
    assert r.measures["alliance_count"].sum() == len(r.alliance_edges)
    # one power threatens 199 others: they all ally, beyond a 64-bit mask
    r = simulate(System(capabilities=(1.0,) * 199 + (200.0,), cow_year=None), years=2,
                 systems=2, seed=1)
    edges = r.alliance_edges
    assert r.measures["alliance_count"].sum() == len(edges) > 0
    assert (edges[:, 3] > 63).any()
    with pytest.raises(ValueError, match="alliance_mask holds at most 64 powers"):
        _ = r.alliance_mask


def test_states_ally_against_the_threat_that_reaches_them():
    """Balance of threat (``phases.ally``): on a 3 x 3 lattice with two strong
    corners (0 and 8, capability 3, the rest 1) and a steep gradient, each
    corner's neighbours ally against it and the centre, reached by both at
    0.15, allies with neither: two alliances in one year."""
    s = System(capabilities=(3.0,) + (1.0,) * 7 + (3.0,), cow_year=None, geography="grid",
               gradient=0.6, threat_share=0.4, growth_mean=0.0, growth_sd=0.0)
    reach = s.reach()[0]
    assert reach[0, 1] == 1 and reach[0, 4] == pytest.approx(0.15, abs=0.01)
    r = simulate(s, years=1, systems=3, seed=1, record_alliances=True)
    table = r.alliance_table()
    assert table[["against", "members"]].drop_duplicates().values.tolist() == [
        [s.names[0], f"{s.names[1]}, {s.names[3]}"], [s.names[8], f"{s.names[5]}, {s.names[7]}"]]
    assert (table["size"] == 2).all() and len(table) == 2 * 3
    assert r.measures["alliance_count"].tolist() == [[2]] * 3
    assert r.alliances_per_year().tolist() == [[2]] * 3
    assert sorted(map(tuple, r.alliance_edges[r.alliance_edges[:, 0] == 0][:, 2:])) == [
        (1, 3), (5, 7)]
    # without a geography the same powers form one alliance, against the first corner
    # (power 0 has 3 / 13 of the system: at threat_share 0.2 every other allies, 8 too)
    flat = simulate(s.with_(geography="none", gradient=0.0, threat_share=0.2), years=1,
                    systems=1, seed=1,
                    record_alliances=True).alliance_table()
    assert flat["against"].tolist() == [s.names[0]] and flat["size"].tolist() == [8]


def test_allies_against_different_threats_may_fight():
    """Allied means the same alliance: members of two alliances are not allied."""
    s = System(capabilities=(3.0,) + (1.0,) * 7 + (3.0,), cow_year=None, geography="grid",
               gradient=0.6, threat_share=0.4)
    r = simulate(s, years=30, systems=50, seed=2, record_alliances=True)
    blocs = r.alliance_blocs
    several = ((blocs > 0).any(axis=2)) & (np.array([[len(set(row[row > 0])) for row in yr]
                                                      for yr in blocs]) > 1)
    assert several.any()
    edges = r.alliance_edges
    b, y, i, j = edges.T
    assert (blocs[b, y, i] == blocs[b, y, j]).all() and (blocs[b, y, i] > 0).all()
    assert r.measures["alliance_count"].sum() == len(edges)


@pytest.mark.parametrize("call, message", [
    (lambda: System.equal(3, geography="capitals"), "geography = 'capitals' places the powers"),
    (lambda: System(gradient=-0.1), "gradient"),
    (lambda: System(geography="sphere"), "geography"),
    (lambda: System.from_cow(1816, members=True, states=("UKG",)), "from_cow: give members"),
    (lambda: System.equal(257), "n_powers"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError) as e:
        call()
    assert message in str(e.value) and "\n" not in str(e.value)


def test_positions_follow_the_geography():
    assert System.equal(3).positions() is None
    grid = System.equal(5, geography="grid").positions()
    np.testing.assert_array_equal(grid, [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1]])
    s = System.from_cow(1816, states=("UKG", "FRN"), geography="capitals")
    lon, lat = s.positions().T
    assert -1 < lon[0] < 0 and 51 < lat[0] < 52  # London
    assert 2 < lon[1] < 3 and 48 < lat[1] < 49  # Paris


def test_the_random_planar_map():
    a = System.equal(20, geography="random", gradient=0.5, map_seed=3)
    reach, near = a.reach()
    assert (near == near.T).all() and not near.diagonal().any()
    edges = int(near.sum()) // 2
    assert 20 - 1 <= edges <= 3 * 20 - 6  # connected and planar (Delaunay)
    assert near.any(axis=1).all()  # every state borders another
    xy = a.positions()
    assert xy.shape == (20, 2) and (xy >= 0).all() and (xy <= np.sqrt(20)).all()
    km = 1000 * np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.testing.assert_allclose(reach[~near & ~np.eye(20, dtype=bool)],
                               np.maximum(0, 1 - 0.5 * km / 1000)[~near & ~np.eye(20, dtype=bool)])
    same = System.equal(20, geography="random", gradient=0.5, map_seed=3)
    other = System.equal(20, geography="random", gradient=0.5, map_seed=4)
    assert (same.reach()[1] == near).all() and (other.reach()[1] != near).any()
    line = System.equal(2, geography="random").reach()[1]
    assert line[0, 1] and line[1, 0]
    with pytest.raises(ValueError, match="map_seed must be an integer"):
        System.equal(3, geography="random", map_seed=-1)
