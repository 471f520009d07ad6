"""A strategy whose state grows without bound is told, fast, how to say so."""

import time

import pytest

import security_regimes as sr
from security_regimes.engine.fsm import compile_strategy
from security_regimes.games.strategies import Strategy


class Counter(Strategy):
    """Restrains until the other has defected three times (counts forever)."""

    name = "Counter"

    def initial(self):
        return 0

    def act(self, state):
        return 1.0 if state < 3 else 0.0

    def observe(self, state, intended, actual, seen):
        return state + 1  # counts turns: the state never stops growing


class BoundedCounter(Counter):
    name = "Bounded Counter"
    unbounded = True


def test_a_growing_state_without_unbounded_fails_fast_with_the_fix():
    t = time.perf_counter()
    with pytest.raises(ValueError, match="keeps growing .* set unbounded = True"):
        compile_strategy(Counter())
    assert time.perf_counter() - t < 5


def test_declared_unbounded_it_plays_in_matches_and_in_the_system():
    assert len(compile_strategy(BoundedCounter(), 40).act) <= 40
    r = sr.simulate(years=20, systems=4, seed=1, dyadic=BoundedCounter())
    assert r.measures["war"].shape == (4, 20)
