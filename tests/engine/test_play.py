import numpy as np
import pytest

from security_regimes import (
    STAG_HUNT,
    BayesianTrust,
    Random,
    TitForTat,
    WinStayLoseShift,
    match,
    play_batch,
    tournament,
)


def test_match_shapes_and_scores():
    r = match("Tit For Tat", "Defector", turns=10)
    assert r.moves.shape == (10, 2) and r.moves.dtype == bool
    assert r.scores.tolist() == [0 + 9 * 1, 5 + 9 * 1]


def test_same_seed_same_result_and_different_seed_differs():
    a = match("Random", "GTFT", turns=100, noise=0.1, seed=7)
    b = match("Random", "GTFT", turns=100, noise=0.1, seed=7)
    c = match("Random", "GTFT", turns=100, noise=0.1, seed=8)
    assert np.array_equal(a.moves, b.moves)
    assert not np.array_equal(a.moves, c.moves)


def test_batch_size_and_order_do_not_change_matches():
    strategies = [Random(0.3), TitForTat(), WinStayLoseShift(), BayesianTrust(), Random(0.8)]
    rng = np.random.default_rng(0)
    a = [strategies[i] for i in rng.integers(0, 5, 40)]
    b = [strategies[i] for i in rng.integers(0, 5, 40)]
    kw = dict(turns=50, noise=0.05, misperception=(0.1, 0.02), seed=11)
    full = play_batch(a, b, **kw)
    perm = rng.permutation(40)
    shuffled = play_batch([a[i] for i in perm], [b[i] for i in perm], index=perm, **kw)
    assert np.array_equal(full.moves[:, perm], shuffled.moves)
    for i in (0, 17, 39):
        alone = play_batch([a[i]], [b[i]], index=[i], **kw)
        assert np.array_equal(alone.moves[:, 0], full.moves[:, i])
        assert np.array_equal(alone.scores[0], full.scores[i])


def test_noise_rate():
    r = play_batch(["Cooperator"] * 200, ["Cooperator"] * 200, turns=500, noise=0.1, seed=1)
    rate = 1 - r.moves.mean()
    assert abs(rate - 0.1) < 4 * np.sqrt(0.1 * 0.9 / r.moves.size)


def test_misperception_is_per_side():
    # TFT copies what it sees: with a cooperating opponent, its defection
    # rate equals its own misperception rate; the other side's rate is zero.
    r = play_batch(["Tit For Tat"] * 400, ["Cooperator"] * 400, turns=200,
                   misperception=(0.2, 0.0), seed=2)
    rate = 1 - r.moves[1:, :, 0].mean()
    assert abs(rate - 0.2) < 4 * np.sqrt(0.2 * 0.8 / r.moves[1:, :, 0].size)
    none = play_batch(["Tit For Tat"] * 50, ["Cooperator"] * 50, turns=100,
                      misperception=(0.0, 0.3), seed=2)
    assert none.moves[..., 0].all()


def test_continuation_gives_geometric_lengths():
    r = play_batch(["Tit For Tat"] * 4000, ["Defector"] * 4000, turns=10_000, continuation=0.9,
                   seed=3)
    mean = r.lengths.mean()
    sd = np.sqrt(0.9) / 0.1  # geometric: sd = sqrt(q)/p
    assert abs(mean - 10) < 4 * sd / np.sqrt(4000)
    # No payoff after a match has ended.
    expected = 0 + (r.lengths - 1) * 1.0
    assert np.array_equal(r.scores[:, 0], expected)


def test_game_changes_payoffs():
    r = match("Cooperator", "Cooperator", turns=5, game=STAG_HUNT)
    assert r.scores.tolist() == [20, 20]
    r = match("Cooperator", "Cooperator", turns=5, game="stag_hunt")
    assert r.scores.tolist() == [20, 20]


@pytest.mark.parametrize(
    "kwargs,msg",
    [({"turns": 0}, "turns must be an integer >= 1"),
     ({"noise": 1.2}, "noise must be a probability"),
     ({"misperception": -0.1}, "misperception must be a probability"),
     ({"continuation": 1.0}, "continuation must be < 1"),
     ({"game": "poker"}, "unknown game 'poker'")],
)
def test_bad_input(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        match("TFT", "TFT", **kwargs)


def test_tournament_tidy_scores_and_ranking():
    r = tournament(["Tit For Tat", "Defector", "Cooperator"], turns=20, repetitions=3, seed=0)
    assert list(r.scores.columns[:4]) == ["strategy", "opponent", "repetition", "score"]
    # 6 pairs (self-play included) x 3 repetitions x 2 rows
    assert len(r.scores) == 36
    # Per turn against the others: Defector (24 + 100) / 40, TFT (19 + 60) / 40,
    # Cooperator (60 + 0) / 40.
    assert r.ranking == ["Defector", "Tit For Tat", "Cooperator"]
    assert r.summary.median_score.tolist() == pytest.approx([3.1, 1.975, 1.5])


def test_tournament_repeated_names_rejected():
    with pytest.raises(ValueError, match="unique"):
        tournament(["TFT", "Tit For Tat"])
