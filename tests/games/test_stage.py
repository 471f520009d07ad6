import numpy as np
import pytest

from security_regimes import (
    CHICKEN,
    DEADLOCK,
    HARMONY,
    PRISONERS_DILEMMA,
    STAG_HUNT,
    Game,
    SecurityDilemma,
)


def test_prisoners_dilemma_is_axelrods():
    g = PRISONERS_DILEMMA
    assert (g.R, g.S, g.T, g.P) == (3, 0, 5, 1)
    assert g.T > g.R > g.P > g.S and 2 * g.R > g.T + g.S


def test_stag_hunt_inequalities():
    g = STAG_HUNT
    assert g.R > g.T >= g.P > g.S


def test_chicken_inequalities():
    g = CHICKEN
    assert g.T > g.R > g.S > g.P  # mutual expansion is the worst outcome


def test_deadlock_inequalities():
    g = DEADLOCK
    assert g.T > g.P > g.R > g.S


def test_harmony_inequalities():
    g = HARMONY
    assert g.R > g.T and g.S > g.P


@pytest.mark.parametrize(
    "game,kind",
    [(PRISONERS_DILEMMA, "prisoners_dilemma"), (STAG_HUNT, "stag_hunt"), (CHICKEN, "chicken"),
     (DEADLOCK, "deadlock"), (HARMONY, "harmony")],
)
def test_kind_classifies_presets(game, kind):
    assert game.kind() == kind


def test_payoffs_vectorised():
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    pa, pb = PRISONERS_DILEMMA.payoffs(a, b)
    assert pa.tolist() == [3, 0, 5, 1]
    assert pb.tolist() == [3, 5, 0, 1]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "x"])
def test_non_finite_payoff_rejected(bad):
    with pytest.raises(ValueError, match="payoff R must be a finite number"):
        Game(R=bad)


def test_security_dilemma_default_is_a_prisoners_dilemma():
    assert SecurityDilemma().game.kind() == "prisoners_dilemma"


def test_offense_advantage_raises_temptation_and_cost_of_exploitation():
    lo = SecurityDilemma(offense_defense=-0.5).game
    mid = SecurityDilemma(offense_defense=0.0).game
    hi = SecurityDilemma(offense_defense=0.8).game
    assert lo.T < mid.T < hi.T
    assert lo.S > mid.S > hi.S  # being exploited costs more
    assert lo.R == mid.R == hi.R and lo.P == mid.P == hi.P


def test_strong_defense_removes_the_dilemma():
    assert SecurityDilemma(offense_defense=-0.9).game.kind() == "harmony"


def test_distinguishability_lets_restraint_be_recognised():
    base = SecurityDilemma(misperception=0.2)
    clear = SecurityDilemma(misperception=0.2, distinguishability=1.0)
    assert base.effective_misperception == pytest.approx(0.2)
    assert clear.effective_misperception == 0.0
    assert clear.game.T < base.game.T  # warning blunts a first strike
    assert clear.match_kwargs()["misperception"] == 0.0


@pytest.mark.parametrize(
    "kwargs,msg",
    [({"offense_defense": 2}, "offense_defense must be in"),
     ({"distinguishability": -0.1}, "distinguishability must be a probability"),
     ({"cost_exploited": -1}, "cost_exploited must be >= 0")],
)
def test_security_dilemma_validation(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        SecurityDilemma(**kwargs)
