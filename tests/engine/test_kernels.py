"""The compiled match loop equals the numpy reference, whatever the threads or batches."""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from security_regimes import tournament
from security_regimes.engine.play import play_batch
from security_regimes.games.strategies import Strategy, all_strategies

FSM = [s for s in all_strategies() if isinstance(s, Strategy)]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), turns=st.integers(1, 60),
       noise=st.sampled_from([0.0, 0.01, 0.2]), mis_a=st.sampled_from([0.0, 0.1]),
       mis_b=st.sampled_from([0.0, 0.3]), cont=st.sampled_from([None, 0.0, 0.9]))
def test_compiled_equals_numpy_reference(seed, n, turns, noise, mis_a, mis_b, cont):
    rng = np.random.default_rng(seed)
    a = [FSM[i] for i in rng.integers(len(FSM), size=n)]
    b = [FSM[i] for i in rng.integers(len(FSM), size=n)]
    kw = dict(turns=turns, noise=noise, misperception=(mis_a, mis_b), continuation=cont,
              seed=seed)
    fast, ref = play_batch(a, b, **kw), play_batch(a, b, compiled=False, **kw)
    np.testing.assert_array_equal(fast.moves, ref.moves)
    np.testing.assert_array_equal(fast.lengths, ref.lengths)
    np.testing.assert_array_equal(fast.scores, ref.scores)


def test_results_do_not_depend_on_threads_or_batches():
    rng = np.random.default_rng(1)
    a = [FSM[i] for i in rng.integers(len(FSM), size=200)]
    b = [FSM[i] for i in rng.integers(len(FSM), size=200)]
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = play_batch(a, b, turns=80, noise=0.05, misperception=0.1, seed=9)
        numba.set_num_threads(max(before, 2) if numba.config.NUMBA_NUM_THREADS > 1 else 1)
        many = play_batch(a, b, turns=80, noise=0.05, misperception=0.1, seed=9)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.moves, many.moves)
    part = play_batch(a[50:120], b[50:120], turns=80, noise=0.05, misperception=0.1, seed=9,
                      index=np.arange(50, 120))
    np.testing.assert_array_equal(part.moves, one.moves[:, 50:120])


@pytest.mark.parametrize("names", [
    ["Cooperator", "Defector", "Tit For Tat", "Grudger", "Alternator", "Soft Go By Majority"],
    ["Tit For Tat", "Suspicious Tit For Tat", "Win-Stay Lose-Shift", "Contrite Tit For Tat"],
])
def test_deterministic_repetitions_share_one_match(names, monkeypatch):
    import security_regimes.engine.tournament as t
    from security_regimes.games.strategies import get_strategy

    calls = []
    real = t.play_indexed

    def spy(players, a, b, **kw):
        calls.append(len(a))
        return real(players, a, b, **kw)

    monkeypatch.setattr(t, "play_indexed", spy)
    shared = tournament(names, turns=50, repetitions=7, seed=3)
    pairs = len(names) * (len(names) + 1) // 2
    assert calls == [pairs]  # each pair played once, not 7 times
    # The same tournament with every repetition played gives the same table.
    ii, jj = np.triu_indices(len(names))
    players = [get_strategy(x) for x in names]
    every = play_batch([players[i] for i in np.tile(ii, 7)], [players[j] for j in np.tile(jj, 7)],
                       turns=50, seed=3)
    np.testing.assert_array_equal(shared.scores.score.to_numpy(),
                                  np.concatenate([every.scores[:, 0], every.scores[:, 1]]))
    coop = every.moves.sum(axis=0) / every.lengths[:, None]
    np.testing.assert_allclose(shared.scores.cooperation.to_numpy(),
                               np.concatenate([coop[:, 0], coop[:, 1]]))
    noisy = tournament(names, turns=50, repetitions=7, seed=3, noise=0.01)
    assert calls[-1] == 7 * pairs  # with noise, repetitions differ and are all played
    assert not noisy.scores.score.equals(shared.scores.score)


def test_play_indexed_equals_play_batch():
    """A round robin's numbered matches are the same matches as strategy objects per match."""
    from security_regimes.engine.play import play_indexed

    rng = np.random.default_rng(4)
    a, b = rng.integers(len(FSM), size=60), rng.integers(len(FSM), size=60)
    kw = dict(turns=40, noise=0.05, misperception=(0.1, 0.0), continuation=0.95, seed=11)
    by_number = play_indexed(FSM, a, b, **kw)
    by_object = play_batch([FSM[i] for i in a], [FSM[j] for j in b], **kw)
    np.testing.assert_array_equal(by_number.moves, by_object.moves)
    np.testing.assert_array_equal(by_number.scores, by_object.scores)


def test_play_indexed_refuses_indices_outside_the_players():
    from security_regimes.engine.play import play_indexed

    with pytest.raises(ValueError, match=r"b must hold indices of players \(0 to 1\)"):
        play_indexed(FSM[:2], np.array([0, 1]), np.array([1, 2]), turns=5)
    with pytest.raises(ValueError, match="a must hold indices"):
        play_indexed(FSM[:2], np.array([0.5]), np.array([1]), turns=5)


def test_play_batch_refuses_sides_of_different_lengths():
    with pytest.raises(ValueError, match="a and b must have the same length, got 1 and 2"):
        play_batch([FSM[0]], [FSM[1], FSM[1]], turns=5)


def test_a_small_batch_runs_on_one_thread_and_gives_the_same_moves():
    """Issue 31: a tournament too small to pay for threads runs on one."""
    import numba

    from security_regimes import tournament
    from security_regimes.engine import play

    before = numba.get_num_threads()
    seen = []
    with play._threads_for(play.THREAD_WORK - 1):
        seen.append(numba.get_num_threads())
    with play._threads_for(play.THREAD_WORK):
        seen.append(numba.get_num_threads())
    assert seen == [1, before] and numba.get_num_threads() == before
    names = ["Tit For Tat", "Grudger", "Random"]
    small = tournament(names, turns=20, repetitions=2, noise=0.1, seed=4)
    numba.set_num_threads(1)
    try:
        alone = tournament(names, turns=20, repetitions=2, noise=0.1, seed=4)
    finally:
        numba.set_num_threads(before)
    assert small.summary.equals(alone.summary)
