"""Golden move sequences (as in the Axelrod library's tests) and name lookup."""

import pytest

from security_regimes import (
    GTFT,
    BayesianTrust,
    MemoryOne,
    Random,
    all_strategies,
    get_strategy,
    match,
)


def seq(moves):
    return "".join("C" if m else "D" for m in moves)


@pytest.mark.parametrize(
    "a,b,expected_a,expected_b",
    [
        ("Tit For Tat", "Alternator", "CCDCDC", "CDCDCD"),
        ("Grudger", "Alternator", "CCDDDD", "CDCDCD"),
        ("Tit For 2 Tats", "Defector", "CCDDDD", "DDDDDD"),
        ("Suspicious Tit For Tat", "Tit For Tat", "DCDCDC", "CDCDCD"),
        ("Win-Stay Lose-Shift", "Defector", "CDCDCD", "DDDDDD"),
        ("Soft Go By Majority", "Alternator", "CCCCCC", "CDCDCD"),
        ("Bayesian Trust", "Defector", "CDDDDD", "DDDDDD"),
        ("Bayesian Trust", "Cooperator", "CCCCCC", "CCCCCC"),
    ],
)
def test_golden_sequences(a, b, expected_a, expected_b):
    r = match(a, b, turns=6)
    assert seq(r.moves[:, 0]) == expected_a
    assert seq(r.moves[:, 1]) == expected_b


def test_bayesian_trust_forgives_after_evidence():
    # Prior 0.6, seeker restrains 90%, expansionist 20%: one expansion
    # (likelihood ratio 1/8) drops trust below 0.5; two restraints
    # (ratio 4.5 each) restore it.
    s = BayesianTrust()
    st = s.start(1)
    import numpy as np

    obs = [False, True, True]
    acts = []
    for o in obs:
        s.observe(st, np.array([True]), np.array([True]), np.array([o]))
        acts.append(bool(s.act(st)[0]))
    assert acts == [False, False, True]


@pytest.mark.parametrize("name", ["tit for tat", "TIT FOR TAT", "TFT", "  Tit For Tat "])
def test_names_case_insensitive(name):
    assert get_strategy(name).display_name == "Tit For Tat"


def test_parametric_names():
    assert get_strategy("Random: 0.3") == Random(0.3)
    assert get_strategy("GTFT: 0.1") == GTFT(0.1)
    assert get_strategy("Random").p == 0.5


def test_unknown_name_lists_closest():
    with pytest.raises(ValueError, match=r"unknown strategy 'Tit For Tatt'; closest: 'Tit For Tat'"):
        get_strategy("Tit For Tatt")


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_probabilities_validated(bad):
    with pytest.raises(ValueError, match="must be a probability in"):
        MemoryOne(p_cc=bad)
    with pytest.raises(ValueError, match="must be a probability in"):
        Random(bad)


def test_every_strategy_has_metadata():
    for s in all_strategies():
        assert s.display_name
        assert "memory_depth" in s.classifier and "stochastic" in s.classifier


def test_gtft_generosity_from_game():
    from security_regimes import PRISONERS_DILEMMA

    assert GTFT().for_game(PRISONERS_DILEMMA).p == pytest.approx(1 / 3)
