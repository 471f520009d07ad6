"""The Axelrod library's players as this package's strategies, and back.

``from_axelrod(player)`` turns an Axelrod player into a strategy the batched
engine (and, being finite-state, the system's dyadic layer) can play:

- a player this package names the same way (``axl.TitForTat()``,
  ``axl.Grudger()``, ``axl.Random(0.3)`` ...; :data:`NAMED`) becomes that
  strategy, with its parameter;
- an Axelrod finite-state machine (``axl.FSMPlayer`` and its evolved
  subclasses) becomes an :class:`AxelrodFSM` with the same transitions;
- a memory-one player with a four-vector (``axl.MemoryOnePlayer``) becomes a
  :class:`~security_regimes.games.strategies.MemoryOne`.

Anything else (a player whose state is not finite, or that reads its
opponent's source) is refused with one line: the engine compiles a strategy
to tables before it plays, so it cannot call a Python player turn by turn.

``to_axelrod(strategy)`` goes the other way: an Axelrod ``Player`` that plays
any strategy of this package (Bayesian Trust included) move by move, for the
library's Moran processes, its tournaments and its analysis tools.

Moves agree move for move with the Axelrod library for deterministic
strategies without noise (``tests/games/test_interop.py``); stochastic ones
draw from different random streams, so they agree in distribution only.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .strategies import (
    GTFT,
    STRATEGY_NAMES,
    MemoryOne,
    Random,
    Strategy,
    VectorStrategy,
    get_strategy,
)

#: Axelrod player names this package plays under the same name.
NAMED = tuple(n for n in STRATEGY_NAMES if n not in ("Generous Tit For Tat", "Bayesian Trust"))


def is_axelrod_player(obj: Any) -> bool:
    """Whether ``obj`` is an Axelrod library player (an instance, not a class)."""
    return any(c.__module__.split(".")[0] == "axelrod" and c.__name__ == "Player"
               for c in type(obj).__mro__)


@dataclass(frozen=True)
class AxelrodFSM(Strategy):
    """An Axelrod finite-state machine: ``transitions`` are Axelrod's
    ``(state, opponent's last move, next state, move)`` rows with moves as
    booleans (True = C, restrain); the first move is ``initial_action`` and
    each later move follows from the state and the opponent's last move as
    this side saw it."""

    transitions: tuple[tuple[Hashable, bool, Hashable, bool], ...]
    initial_state: Hashable
    initial_action: bool
    label: str = "FSM Player"
    name: ClassVar[str] = "FSM Player"
    classifier = {"memory_depth": float("inf"), "stochastic": False}

    def __post_init__(self):
        keys = [(s, o) for s, o, _, _ in self.transitions]
        if len(set(keys)) != len(keys):
            raise ValueError("AxelrodFSM: one transition per (state, opponent move)")
        states = {s for s, _ in keys}
        missing = [(s, o) for s in states for o in (True, False) if (s, o) not in set(keys)]
        if missing or self.initial_state not in states:
            raise ValueError(f"AxelrodFSM: no transition for {missing[0] if missing else self.initial_state!r}")

    @property
    def _table(self) -> dict:
        return {(s, o): (t, a) for s, o, t, a in self.transitions}

    @property
    def display_name(self) -> str:
        return self.label

    def initial(self):
        return (self.initial_state, self.initial_action)

    def act(self, state):
        return 1.0 if state[1] else 0.0

    def observe(self, state, intended, actual, seen):
        return self._table[(state[0], bool(seen))]


def _move(action) -> bool:
    return str(action) == "C"


def from_axelrod(player: Any) -> Strategy | VectorStrategy:
    """This package's strategy for an Axelrod player (module docstring)."""
    if not is_axelrod_player(player):
        raise ValueError(f"from_axelrod: expected an Axelrod player, got {player!r}")
    own = getattr(type(player), "_security_regimes_strategy", None)
    if own is not None:  # made by to_axelrod
        return own
    name = getattr(player, "name", type(player).__name__)
    fsm = getattr(player, "fsm", None)
    if fsm is not None and hasattr(fsm, "state_transitions"):
        rows = tuple(sorted(((s, _move(o), t, _move(a))
                             for (s, o), (t, a) in fsm.state_transitions.items()),
                            key=repr))
        return AxelrodFSM(rows, player.initial_state, _move(player.initial_action), label=name)
    if name in NAMED:
        if name == "Random":
            return Random(p=float(player.p))
        if name == "GTFT":
            p = getattr(player, "p", None)
            return GTFT() if p is None else GTFT(p=float(p))
        return get_strategy(name)
    vector = getattr(player, "_four_vector", None)
    if vector is not None:
        from axelrod.action import Action

        C, D = Action.C, Action.D
        return MemoryOne(p_cc=float(vector[(C, C)]), p_cd=float(vector[(C, D)]),
                         p_dc=float(vector[(D, C)]), p_dd=float(vector[(D, D)]),
                         first=1.0 if _move(getattr(player, "_initial", C)) else 0.0)
    raise ValueError(f"Axelrod player {name!r} is not one this package can compile: it plays "
                     "players it names the same way, finite-state machines (axl.FSMPlayer) "
                     "and memory-one players (axl.MemoryOnePlayer); to_axelrod goes the other way")


def to_axelrod(strategy: Strategy | VectorStrategy | str):
    """An Axelrod ``Player`` (a new class, so the library can clone it) that
    plays ``strategy`` move by move: it feeds the strategy its own intended and
    actual moves and the opponent's move as played, and draws restraint with
    the strategy's probability from the player's own random generator."""
    from .._validation import require_extra

    require_extra("axelrod", "axelrod")
    import axelrod as axl

    s = get_strategy(strategy)
    vector = isinstance(s, VectorStrategy)

    class Adapter(axl.Player):
        name = s.display_name
        classifier = {"memory_depth": s.classifier.get("memory_depth", float("inf")),
                      "stochastic": bool(s.classifier.get("stochastic", False)),
                      "long_run_time": False, "inspects_source": False,
                      "manipulates_source": False, "manipulates_state": False}
        _security_regimes_strategy = s

        def __init__(self):
            super().__init__()
            self._start()

        def _start(self):
            self._state = s.start(1) if vector else s.initial()
            self._intended = None

        def reset(self):
            super().reset()
            self._start()

        def strategy(self, opponent):
            if self._intended is not None:  # the last turn's moves, as played
                mine, seen = _move(self.history[-1]), _move(opponent.history[-1])
                if vector:
                    s.observe(self._state, np.array([self._intended]), np.array([mine]),
                              np.array([seen]))
                else:
                    self._state = s.observe(self._state, self._intended, mine, seen)
            p = float(s.act(self._state)[0]) if vector else float(s.act(self._state))
            restrain = p >= 1.0 or (p > 0.0 and self._random.random() < p)
            self._intended = restrain
            return axl.Action.C if restrain else axl.Action.D

    Adapter.__name__ = Adapter.__qualname__ = f"{type(s).__name__}Player"
    return Adapter()


def as_strategy(spec: Any) -> Strategy | VectorStrategy:
    """:func:`~security_regimes.games.strategies.get_strategy`, also for an
    Axelrod player (:func:`from_axelrod`): what ``match``, ``tournament`` and
    the system's dyadic strategies accept."""
    return from_axelrod(spec) if is_axelrod_player(spec) else get_strategy(spec)
