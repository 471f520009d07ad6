"""security-regimes: simulate and measure international security regimes.

The public API (see README):

* stage games: :class:`Game`, presets, :class:`SecurityDilemma`;
* strategies: one class per strategy, named as in the Axelrod library;
* :func:`match` and :func:`tournament`: the batched repeated-game engine.
"""

from typing import TYPE_CHECKING

from ._tables import CALIBRATED, UNCALIBRATED
from ._version import __version__  # noqa: E402
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

# The system, scenario and store layers import pandas and pyarrow; load them on
# first use so that ``import security_regimes`` stays light, but export the
# real functions (their signatures and docstrings), not wrappers.
_LAZY = {
    "simulate": ("security_regimes.system.simulate", "simulate"),
    "System": ("security_regimes.system.config", "System"),
    "Policy": ("security_regimes.system.config", "Policy"),
    "run_scenario": ("security_regimes.regimes.scenarios", "run_scenario"),
    "Scenario": ("security_regimes.regimes.scenarios", "Scenario"),
    "load": ("security_regimes.experiments.store", "load"),
    "sweep": ("security_regimes.experiments.store", "sweep"),
    "run_claims": ("security_regimes.experiments.claims", "run_claims"),
    "load_calibration": ("security_regimes.experiments.calibrate", "load_calibration"),
    "from_axelrod": ("security_regimes.games.interop", "from_axelrod"),
    "to_axelrod": ("security_regimes.games.interop", "to_axelrod"),
}

if TYPE_CHECKING:  # for IDEs and type checkers
    from .experiments.calibrate import load_calibration
    from .experiments.claims import run_claims
    from .experiments.store import load, sweep
    from .games.interop import from_axelrod, to_axelrod
    from .regimes.scenarios import Scenario, run_scenario
    from .system.config import Policy, System
    from .system.simulate import simulate


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'security_regimes' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


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
    "sweep",
    "simulate",
    "run_scenario",
    "System",
    "Policy",
    "Scenario",
    "run_claims",
    "load_calibration",
    "from_axelrod",
    "to_axelrod",
    "CALIBRATED",
    "UNCALIBRATED",
]
