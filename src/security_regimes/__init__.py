"""security-regimes: simulate and measure international security regimes.

The public API (see README):

* stage games: :class:`Game`, presets, :class:`SecurityDilemma`;
* strategies: one class per strategy, named as in the Axelrod library;
* :func:`match` and :func:`tournament`: the batched repeated-game engine.
"""

from .engine.play import MatchResult, match, play_batch
from .engine.tournament import TournamentResult, tournament
from .games.stage import (
    CHICKEN,
    DEADLOCK,
    HARMONY,
    PRESETS,
    PRISONERS_DILEMMA,
    STAG_HUNT,
    Game,
    SecurityDilemma,
)
from .games.strategies import (
    GTFT,
    STRATEGY_NAMES,
    Alternator,
    BayesianTrust,
    ContriteTitForTat,
    Cooperator,
    Defector,
    Grudger,
    MemoryOne,
    Random,
    SoftGoByMajority,
    Strategy,
    SuspiciousTitForTat,
    TitFor2Tats,
    TitForTat,
    VectorStrategy,
    WinStayLoseShift,
    all_strategies,
    get_strategy,
)

__version__ = "0.1.0"


def load(directory):
    """Load a sweep results directory: ``.runs``, ``.years``, ``.points``, ``.manifest``."""
    from .experiments.store import load as _load

    return _load(directory)


def simulate(*args, **kwargs):
    """Simulate international systems; see :func:`security_regimes.system.simulate`."""
    from .system import simulate as _simulate

    return _simulate(*args, **kwargs)


def run_scenario(*args, **kwargs):
    """Run a built-in or custom scenario; see :mod:`security_regimes.regimes.scenarios`."""
    from .regimes.scenarios import run_scenario as _run

    return _run(*args, **kwargs)

__all__ = [
    "match",
    "tournament",
    "play_batch",
    "MatchResult",
    "TournamentResult",
    "Game",
    "SecurityDilemma",
    "PRESETS",
    "PRISONERS_DILEMMA",
    "STAG_HUNT",
    "CHICKEN",
    "DEADLOCK",
    "HARMONY",
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
    "__version__",
    "load",
    "simulate",
    "run_scenario",
]
