"""Strategies for repeated security games, named as in the Axelrod library.

Two kinds, both played by the batched engine:

* :class:`Strategy` (most of them) is a finite-state machine written as
  readable scalar rules: ``initial()`` gives the state before the first move,
  ``act(state)`` the probability of cooperating (restraining), and
  ``observe(state, intended, actual, seen)`` the next state after a turn.
  The engine enumerates every reachable state once, compiles the rules into
  lookup tables and then plays any number of matches with a few numpy
  gathers per turn.
* :class:`VectorStrategy` keeps continuous state in numpy arrays (one row per
  match) for rules that no small state machine expresses, such as Bayesian
  belief updating.

``intended`` is the move the strategy chose, ``actual`` the move played after
noise, ``seen`` the opponent's move as this player perceived it (after
misperception).  ``True`` = cooperate / restrain.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from .._validation import check_choice, check_probability
from .stage import Game

C, D = True, False


class _Named:
    """Name, Axelrod-style metadata and game configuration shared by all strategies.

    ``classifier`` mirrors the Axelrod library's metadata (``memory_depth``,
    ``stochastic``) so that users can filter strategies the same way.
    """

    name: ClassVar[str] = "Strategy"
    classifier: ClassVar[dict[str, Any]] = {"memory_depth": 0, "stochastic": False}

    def for_game(self, game: Game):
        """Return the strategy configured for ``game`` (most ignore it)."""
        return self

    @property
    def display_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.display_name


@dataclass(frozen=True)
class Strategy(_Named):
    """Base class: a finite-state strategy.  Subclasses set ``name`` and ``classifier``."""

    #: True when the number of reachable states grows with the match length.
    unbounded: ClassVar[bool] = False

    def initial(self) -> Hashable:
        return None

    def act(self, state: Hashable) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def observe(self, state: Hashable, intended: bool, actual: bool, seen: bool) -> Hashable:
        return None


class Cooperator(Strategy):
    """Always restrains."""

    name = "Cooperator"

    def act(self, state):
        return 1.0


class Defector(Strategy):
    """Always expands."""

    name = "Defector"

    def act(self, state):
        return 0.0


class TitForTat(Strategy):
    """Restrains first, then copies the opponent's last (perceived) move."""

    name = "Tit For Tat"
    classifier = {"memory_depth": 1, "stochastic": False}

    def act(self, state):
        return 1.0 if state is None else float(state)

    def observe(self, state, intended, actual, seen):
        return seen


class SuspiciousTitForTat(TitForTat):
    """Expands first, then copies the opponent's last move."""

    name = "Suspicious Tit For Tat"

    def act(self, state):
        return 0.0 if state is None else float(state)


class Grudger(Strategy):
    """Restrains until the opponent expands once, then expands for ever."""

    name = "Grudger"
    classifier = {"memory_depth": math.inf, "stochastic": False}

    def initial(self):
        return False  # holds a grudge?

    def act(self, state):
        return 0.0 if state else 1.0

    def observe(self, state, intended, actual, seen):
        return state or not seen


class TitFor2Tats(Strategy):
    """Expands only after two consecutive expansions by the opponent."""

    name = "Tit For 2 Tats"
    classifier = {"memory_depth": 2, "stochastic": False}

    def initial(self):
        return (C, C)  # opponent's last two moves, padded with restraint

    def act(self, state):
        return 0.0 if state == (D, D) else 1.0

    def observe(self, state, intended, actual, seen):
        return (state[1], seen)


class Alternator(Strategy):
    """Restrains, then alternates, whatever the opponent does."""

    name = "Alternator"
    classifier = {"memory_depth": 1, "stochastic": False}

    def initial(self):
        return C  # next move

    def act(self, state):
        return float(state)

    def observe(self, state, intended, actual, seen):
        # Axelrod's Alternator flips its own last *played* move.
        return not actual


class SoftGoByMajority(Strategy):
    """Restrains while the opponent has restrained at least as often as not."""

    name = "Soft Go By Majority"
    classifier = {"memory_depth": math.inf, "stochastic": False}
    unbounded = True

    def initial(self):
        return 0  # opponent's restraints minus expansions

    def act(self, state):
        return 1.0 if state >= 0 else 0.0

    def observe(self, state, intended, actual, seen):
        return state + (1 if seen else -1)


class ContriteTitForTat(Strategy):
    """Tit For Tat that apologises when its own move was flipped by noise.

    Follows the Axelrod library: if noise turned an intended restraint into an
    expansion against a restraining opponent, it becomes contrite and, once it
    has managed to restrain again, restrains one more time whatever the
    opponent did, so that a single error does not start a feud.
    """

    name = "Contrite Tit For Tat"
    classifier = {"memory_depth": 3, "stochastic": False}

    def initial(self):
        return None  # later: (contrite, my intended, my actual, opponent seen)

    def _decide(self, state):
        """Return (move, contrite flag after deciding)."""
        if state is None:
            return C, False
        contrite, intended, actual, seen = state
        if contrite and actual == C:
            return C, False
        if intended != actual and actual == D and seen == C:
            contrite = True
        return seen, contrite

    def act(self, state):
        return float(self._decide(state)[0])

    def observe(self, state, intended, actual, seen):
        return (self._decide(state)[1], intended, actual, seen)


class _MemoryOneRules(Strategy):
    """Play by a four-vector of restraint probabilities after (my move, opponent's move)."""

    classifier = {"memory_depth": 1, "stochastic": True}

    def _vector(self) -> tuple[float, float, float, float, float]:
        """(p_cc, p_cd, p_dc, p_dd, first)."""
        raise NotImplementedError  # pragma: no cover

    @property
    def four_vector(self) -> tuple[float, float, float, float]:
        return self._vector()[:4]

    def act(self, state):
        v = self._vector()
        if state is None:
            return v[4]
        mine, theirs = state
        return v[(0 if mine else 2) + (0 if theirs else 1)]

    def observe(self, state, intended, actual, seen):
        return (actual, seen)


@dataclass(frozen=True)
class MemoryOne(_MemoryOneRules):
    """General memory-one strategy.

    Parameters
    ----------
    p_cc, p_cd, p_dc, p_dd : float in [0, 1]
        Probability of restraining after (my move, opponent's move) was
        (C, C), (C, D), (D, C), (D, D), as Axelrod's four-vector.
    first : float in [0, 1]
        Probability of restraining on the first turn.
    """

    p_cc: float = 1.0
    p_cd: float = 0.0
    p_dc: float = 1.0
    p_dd: float = 0.0
    first: float = 1.0
    name: ClassVar[str] = "Generic Memory One"

    def __post_init__(self):
        for k in ("p_cc", "p_cd", "p_dc", "p_dd", "first"):
            object.__setattr__(self, k, check_probability(getattr(self, k), k))

    def _vector(self):
        return (self.p_cc, self.p_cd, self.p_dc, self.p_dd, self.first)

    @property
    def display_name(self) -> str:
        v = ", ".join(f"{p:g}" for p in self.four_vector)
        return f"{self.name}: ({v}), first {self.first:g}"


class WinStayLoseShift(_MemoryOneRules):
    """Pavlov: repeat the last move after a good outcome (R or T), switch otherwise."""

    name = "Win-Stay Lose-Shift"
    classifier = {"memory_depth": 1, "stochastic": False}

    def _vector(self):
        return (1.0, 0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True)
class Random(_MemoryOneRules):
    """Restrains with probability ``p`` every turn, ignoring history."""

    p: float = 0.5
    name: ClassVar[str] = "Random"
    classifier = {"memory_depth": 0, "stochastic": True}

    def __post_init__(self):
        object.__setattr__(self, "p", check_probability(self.p, "p"))

    def _vector(self):
        return (self.p,) * 5

    @property
    def display_name(self) -> str:
        return f"{self.name}: {self.p:g}"


@dataclass(frozen=True)
class GTFT(_MemoryOneRules):
    """Generous Tit For Tat: forgives an expansion with probability ``p``.

    With ``p=None`` the generosity is Nowak and Sigmund's
    ``min(1 - (T - R) / (R - S), (R - P) / (T - P))`` for the game played,
    as in the Axelrod library (1/3 for the standard prisoner's dilemma).
    """

    p: float | None = None
    name: ClassVar[str] = "GTFT"

    def __post_init__(self):
        if self.p is not None:
            object.__setattr__(self, "p", check_probability(self.p, "p"))

    def for_game(self, game: Game) -> Strategy:
        if self.p is not None:
            return self
        R, S, T, P = game.R, game.S, game.T, game.P
        p = min(1 - (T - R) / (R - S), (R - P) / (T - P)) if R != S and T != P else 0.0
        return GTFT(p=min(max(p, 0.0), 1.0))

    def _vector(self):
        if self.p is None:
            raise ValueError("GTFT without p must be configured with for_game(game)")
        return (1.0, self.p, 1.0, self.p, 1.0)

    @property
    def display_name(self) -> str:
        return self.name if self.p is None else f"{self.name}: {round(self.p, 2):g}"


class VectorStrategy(_Named):
    """Base for strategies whose state lives in numpy arrays, one row per match.

    Subclasses implement ``start(n)`` (initial state), ``act(state)`` (shape
    ``(n,)`` probabilities of restraint) and ``observe(state, intended,
    actual, seen)`` (update in place; arguments are bool arrays of shape
    ``(n,)``).  They must not draw random numbers themselves: the engine's
    per-match streams keep results independent of batching.
    """

    name: ClassVar[str] = "VectorStrategy"
    classifier: ClassVar[dict[str, Any]] = {"memory_depth": math.inf, "stochastic": False}

    def start(self, n: int) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def act(self, state: dict[str, np.ndarray]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def observe(self, state, intended, actual, seen) -> None:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class BayesianTrust(VectorStrategy):
    """Reciprocal restraint guided by trust (Kydd, *Trust and Mistrust*, 2005).

    The player holds a belief ``mu`` that the opponent is a security seeker
    (who restrains with probability ``seeker_restraint`` each turn) rather
    than an expansionist (who restrains with probability
    ``expansionist_restraint``).  It restrains while ``mu >= threshold`` and
    updates ``mu`` by Bayes' rule after each perceived move.  ``floor`` keeps
    the belief inside ``[floor, 1 - floor]`` so that trust can be rebuilt
    after a run of bad luck.
    """

    prior: float = 0.6
    seeker_restraint: float = 0.9
    expansionist_restraint: float = 0.2
    threshold: float = 0.5
    floor: float = 0.01
    name: ClassVar[str] = "Bayesian Trust"
    classifier = {"memory_depth": math.inf, "stochastic": False}

    def __post_init__(self):
        for k in ("prior", "seeker_restraint", "expansionist_restraint", "threshold"):
            check_probability(getattr(self, k), k)
        if not 0.0 <= self.floor < 0.5:
            raise ValueError(f"floor must be in [0, 0.5), got {self.floor!r}")
        if not 0 < self.expansionist_restraint < self.seeker_restraint < 1:
            raise ValueError(
                "expected 0 < expansionist_restraint < seeker_restraint < 1, got "
                f"{self.expansionist_restraint!r} and {self.seeker_restraint!r}"
            )

    @property
    def display_name(self) -> str:
        return f"{self.name}: {self.prior:g}"

    def _logit(self, p: float) -> float:
        p = min(max(p, self.floor), 1 - self.floor)
        return math.log(p) - math.log1p(-p) if 0 < p < 1 else math.copysign(math.inf, p - 0.5)

    def start(self, n):
        return {"logodds": np.full(n, self._logit(self.prior))}

    def act(self, state):
        return (state["logodds"] >= self._logit(self.threshold)).astype(float)

    def observe(self, state, intended, actual, seen):
        qs, qa = self.seeker_restraint, self.expansionist_restraint
        step = np.where(seen, math.log(qs / qa), math.log((1 - qs) / (1 - qa)))
        lo = state["logodds"] + step
        bound = self._logit(1 - self.floor)
        np.clip(lo, -bound, bound, out=lo)
        state["logodds"] = lo


# Registry: display name -> factory.  Parameterised strategies also accept
# "Name: p" (as Axelrod prints them), e.g. "Random: 0.3" or "GTFT: 0.1".
_FIXED: dict[str, type] = {
    cls.name: cls
    for cls in (
        Cooperator,
        Defector,
        TitForTat,
        Grudger,
        TitFor2Tats,
        SuspiciousTitForTat,
        WinStayLoseShift,
        Alternator,
        SoftGoByMajority,
        ContriteTitForTat,
    )
}
_PARAMETRIC: dict[str, type] = {
    "Random": Random,
    "GTFT": GTFT,
    "Generous Tit For Tat": GTFT,
    "Bayesian Trust": BayesianTrust,
}
_PARAM_FIELD = {Random: "p", GTFT: "p", BayesianTrust: "prior"}

_ALIASES = {
    "TFT": "Tit For Tat",
    "TF2T": "Tit For 2 Tats",
    "STFT": "Suspicious Tit For Tat",
    "WSLS": "Win-Stay Lose-Shift",
    "Pavlov": "Win-Stay Lose-Shift",
    "Contrite TFT": "Contrite Tit For Tat",
}

STRATEGY_NAMES: list[str] = [*_FIXED, *_PARAMETRIC]
"""Display names accepted by :func:`get_strategy` (aliases such as "TFT" too)."""


def all_strategies() -> list[Strategy | VectorStrategy]:
    """One default instance of every built-in strategy."""
    return [cls() for cls in _FIXED.values()] + [Random(), GTFT(), BayesianTrust()]


@lru_cache(maxsize=1024)
def _parse_name(spec: str) -> tuple[str, str | None]:
    """Canonical display name and parameter text of a strategy name (cached: a
    tournament looks up the same few names every time)."""
    m = re.fullmatch(r"\s*(.*?)\s*(?::\s*([-+0-9.eE]+))?\s*", spec)
    base, param = m.group(1), m.group(2)
    canonical = check_choice(base if param is not None else spec, [*STRATEGY_NAMES, *_ALIASES],
                             "strategy")
    return _ALIASES.get(canonical, canonical), param


def get_strategy(spec: Strategy | VectorStrategy | str) -> Strategy | VectorStrategy:
    """Accept a strategy object, or a display name (case-insensitive), e.g. ``"tit for tat"``."""
    if isinstance(spec, Strategy | VectorStrategy):
        return spec
    if isinstance(spec, type) and issubclass(spec, Strategy | VectorStrategy):
        return spec()
    if not isinstance(spec, str):
        raise ValueError(f"strategy must be a Strategy or a name, got {spec!r}")
    canonical, param = _parse_name(spec)
    if canonical in _FIXED:
        if param is not None:
            raise ValueError(f"strategy {canonical!r} takes no parameter, got {spec!r}")
        return _FIXED[canonical]()
    cls = _PARAMETRIC[canonical]
    if param is None:
        return cls()
    try:
        value = float(param)
    except ValueError:
        raise ValueError(f"strategy parameter in {spec!r} must be a number") from None
    return cls(**{_PARAM_FIELD[cls]: value})


__all__ = [
    "Strategy",
    "VectorStrategy",
    "Cooperator",
    "Defector",
    "TitForTat",
    "SuspiciousTitForTat",
    "Grudger",
    "TitFor2Tats",
    "Alternator",
    "SoftGoByMajority",
    "ContriteTitForTat",
    "MemoryOne",
    "WinStayLoseShift",
    "Random",
    "GTFT",
    "BayesianTrust",
    "get_strategy",
    "all_strategies",
    "STRATEGY_NAMES",
]
