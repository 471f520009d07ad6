"""Axelrod players in this package's engine, and this package's strategies in Axelrod."""

import warnings

import numpy as np
import pytest

axl = pytest.importorskip("axelrod")

import security_regimes as sr  # noqa: E402
from security_regimes.games.interop import (  # noqa: E402
    NAMED,
    AxelrodFSM,
    as_strategy,
    from_axelrod,
    to_axelrod,
)

DETERMINISTIC = [axl.Cooperator, axl.Defector, axl.TitForTat, axl.Grudger, axl.TitFor2Tats,
                 axl.SuspiciousTitForTat, axl.WinStayLoseShift, axl.Alternator,
                 lambda: axl.GoByMajority(soft=True), axl.EvolvedFSM4, axl.Fortress3,
                 axl.TF1, lambda: axl.MemoryOnePlayer((1, 0, 1, 0), axl.Action.D)]


def _axl_moves(p, q, turns):
    """Axelrod's own match: each turn's moves as booleans (True = C), shape (turns, 2)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plays = axl.Match((p, q), turns=turns).play()
    return np.array([[str(a) == "C", str(b) == "C"] for a, b in plays])


@pytest.mark.parametrize("make", DETERMINISTIC)
@pytest.mark.parametrize("other", [axl.Alternator, axl.TitForTat, axl.EvolvedFSM4,
                                   axl.SuspiciousTitForTat])
def test_an_axelrod_player_plays_as_in_axelrod_move_for_move(make, other):
    ours = sr.match(make(), other(), turns=40)  # Axelrod players passed straight in
    np.testing.assert_array_equal(ours.moves, _axl_moves(make(), other(), 40))


def test_axelrod_players_in_a_tournament_and_in_the_system():
    players = [axl.TitForTat(), axl.EvolvedFSM4(), "Defector", axl.Random(0.3)]
    t = sr.tournament(players, turns=30, repetitions=2, seed=1)
    assert {"Tit For Tat", "Evolved FSM 4", "Defector", "Random: 0.3"} <= set(t.players)
    from security_regimes.system.model import Dyadic

    d = Dyadic.build([axl.EvolvedFSM4(), axl.TitForTat(), "Grudger"], 20, 3)
    assert len(d.start) == 3
    r = sr.simulate(sr.System.equal(3), years=20, systems=4, seed=1,
                    dyadic=[axl.EvolvedFSM4(), axl.TitForTat(), "Grudger"])
    assert r.n_systems == 4


def test_named_players_keep_their_parameters():
    assert from_axelrod(axl.Random(0.3)) == sr.Random(p=0.3)
    assert from_axelrod(axl.GTFT(p=0.2)) == sr.GTFT(p=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert from_axelrod(axl.MemoryOnePlayer((0.9, 0.1, 0.8, 0.2))) == sr.MemoryOne(
            p_cc=0.9, p_cd=0.1, p_dc=0.8, p_dd=0.2, first=1.0)
    axelrod_names = {p.name for p in (axl.Cooperator(), axl.Defector(), axl.TitForTat(),
                                      axl.Grudger(), axl.TitFor2Tats(), axl.SuspiciousTitForTat(),
                                      axl.WinStayLoseShift(), axl.Alternator(),
                                      axl.GoByMajority(soft=True), axl.ContriteTitForTat(),
                                      axl.Random(), axl.GTFT())}
    assert set(NAMED) == axelrod_names


def test_what_cannot_be_compiled_is_refused_in_one_line():
    with pytest.raises(ValueError, match="is not one this package can compile") as e:
        from_axelrod(axl.Adaptive())
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="expected an Axelrod player"):
        from_axelrod("Tit For Tat")
    with pytest.raises(ValueError, match="one transition per"):
        AxelrodFSM(((0, True, 0, True), (0, True, 0, False), (0, False, 0, False)), 0, True)


@pytest.mark.parametrize("name", ["Bayesian Trust", "Contrite Tit For Tat", "Tit For Tat",
                                  "Grudger", "Soft Go By Majority"])
@pytest.mark.parametrize("other", [axl.Alternator, axl.EvolvedFSM4, axl.Defector])
def test_our_strategy_in_axelrod_plays_as_in_our_engine(name, other):
    mine = to_axelrod(name)
    np.testing.assert_array_equal(_axl_moves(mine, other(), 40),
                                  sr.match(name, from_axelrod(other()), turns=40).moves)
    assert from_axelrod(mine) == as_strategy(name)  # and back


def test_our_strategies_run_a_moran_process_and_a_clone_plays_alike():
    players = [to_axelrod("Bayesian Trust"), to_axelrod("Bayesian Trust"), axl.Defector(),
               axl.TitForTat()]
    mp = axl.MoranProcess(players, turns=20, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        populations = mp.play()
    assert len(populations) >= 2 and len(mp.winning_strategy_name) > 0
    p = to_axelrod("Bayesian Trust")
    q = p.clone()
    assert type(q) is type(p)
    np.testing.assert_array_equal(_axl_moves(p, axl.Alternator(), 30),
                                  _axl_moves(q, axl.Alternator(), 30))
