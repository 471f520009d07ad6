"""Our engine against the Axelrod library, the field's reference implementation.

Deterministic strategies: every ordered pair, moves equal move for move and
scores equal for every match length 1..200.  Stochastic strategies and noisy
matches: mean scores agree within a 4-standard-error band.
"""

import axelrod as axl
import numpy as np
import pytest

from security_regimes import play_batch

DETERMINISTIC = {
    "Cooperator": axl.Cooperator,
    "Defector": axl.Defector,
    "Tit For Tat": axl.TitForTat,
    "Grudger": axl.Grudger,
    "Tit For 2 Tats": axl.TitFor2Tats,
    "Suspicious Tit For Tat": axl.SuspiciousTitForTat,
    "Win-Stay Lose-Shift": axl.WinStayLoseShift,
    "Alternator": axl.Alternator,
    "Soft Go By Majority": axl.GoByMajority,
    "Contrite Tit For Tat": axl.ContriteTitForTat,
}
TURNS = 200


def _axl_moves(cls_a, cls_b, turns, noise=0.0, seed=None):
    m = axl.Match((cls_a(), cls_b()), turns=turns, noise=noise, seed=seed)
    m.play()
    return np.array([[a == axl.Action.C, b == axl.Action.C] for a, b in m.result]), m


def test_names_match_axelrod():
    for name, cls in DETERMINISTIC.items():
        assert str(cls()) == name


def test_deterministic_pairs_move_for_move():
    names = list(DETERMINISTIC)
    for cls in DETERMINISTIC.values():
        # Prefixes of a 200-turn match are the shorter matches only if no
        # strategy looks at the match length.
        assert "length" not in cls().classifier.get("makes_use_of", set())
    pairs = [(a, b) for a in names for b in names]
    left, right = [a for a, _ in pairs], [b for _, b in pairs]
    ours = play_batch(left, right, turns=TURNS)
    game = axl.Game()
    ref_cum = np.zeros((TURNS, len(pairs), 2))
    for k, (a, b) in enumerate(pairs):
        ref, m = _axl_moves(DETERMINISTIC[a], DETERMINISTIC[b], TURNS)
        assert np.array_equal(ours.moves[:, k], ref), f"{a} vs {b}"
        assert ours.scores[k].tolist() == list(m.final_score())
        per_turn = np.array([game.score((axl.Action.C if x else axl.Action.D,
                                         axl.Action.C if y else axl.Action.D)) for x, y in ref])
        ref_cum[:, k] = per_turn.cumsum(axis=0)
    # Every match length 1..200, every pair: our t-turn match scores the
    # Axelrod match's first t turns, and its moves are that prefix.
    for t in range(1, TURNS + 1):
        short = play_batch(left, right, turns=t)
        np.testing.assert_array_equal(short.scores, ref_cum[t - 1], err_msg=f"{t} turns")
        np.testing.assert_array_equal(short.moves, ours.moves[:t], err_msg=f"{t} turns")


STOCHASTIC = [
    ("GTFT: 0.33", axl.GTFT, "Defector", axl.Defector, 0.0),
    ("GTFT: 0.33", axl.GTFT, "Alternator", axl.Alternator, 0.0),
    ("Random: 0.5", lambda: axl.Random(0.5), "Tit For Tat", axl.TitForTat, 0.0),
    ("Random: 0.3", lambda: axl.Random(0.3), "Win-Stay Lose-Shift", axl.WinStayLoseShift, 0.0),
    ("Win-Stay Lose-Shift", axl.WinStayLoseShift, "Tit For Tat", axl.TitForTat, 0.05),
    ("Contrite Tit For Tat", axl.ContriteTitForTat, "Tit For Tat", axl.TitForTat, 0.05),
    ("Tit For 2 Tats", axl.TitFor2Tats, "Grudger", axl.Grudger, 0.05),
]


@pytest.mark.parametrize("a,cls_a,b,cls_b,noise", STOCHASTIC,
                         ids=[f"{s[0]}-{s[2]}-{s[4]}" for s in STOCHASTIC])
def test_stochastic_mean_scores_agree(a, cls_a, b, cls_b, noise):
    turns, reps = 100, 120
    ref = np.array([_axl_moves(cls_a, cls_b, turns, noise, seed=s)[1].final_score()
                    for s in range(reps)], dtype=float)
    ours = play_batch([a] * 4000, [b] * 4000, turns=turns, noise=noise, seed=5).scores
    for side in range(2):
        se = np.sqrt(ref[:, side].var(ddof=1) / reps + ours[:, side].var(ddof=1) / len(ours))
        diff = abs(ref[:, side].mean() - ours[:, side].mean())
        assert diff <= 4 * se + 1e-9, f"side {side}: {diff:.2f} > 4 x {se:.2f}"
