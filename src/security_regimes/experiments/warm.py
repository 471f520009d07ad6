"""A warm start: compile every kernel into numba's on-disk cache once.

numba compiles a kernel the first time it is called with a new type
signature and keeps the machine code in its cache (``__pycache__`` beside
the sources, or ``NUMBA_CACHE_DIR``).  :func:`warm_start` makes each call
that the package's entry points make (the system year under each decision
core, with capability noise and recorded crises, and with a regime; the
tournament and match kernels, geometric match lengths and log-uniform
designs) on a tiny input, so that after it the first
real run loads the cached code instead of compiling it.  ``make setup``
runs it (``regimes compile``); after a plain ``pip install``, run
``regimes compile`` once.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from ..engine.libm import log_uniform
from ..engine.play import match
from ..engine.tournament import tournament
from ..games.strategies import TitForTat
from ..regimes.scenarios import get_scenario
from ..system.config import System
from ..system.simulate import simulate

#: The decision cores, each a compiled year of its own (``system/kernel.py``).
CORES = ("first_strike", "crisis")


def warm_start(progress=None) -> dict[str, float]:
    """Compile (or load from numba's cache) every kernel the entry points call.

    ``progress``: optional callable taking a label, called before each step.
    Returns the seconds each step took, by label: seconds of compilation
    on an empty cache, a fraction of a second on a warm one.
    """
    steps = {}

    def step(label, fn):
        if progress is not None:
            progress(label)
        t0 = time.perf_counter()
        fn()
        steps[label] = time.perf_counter() - t0

    for core in CORES:
        system = System(core=core, capability_noise=0.05)
        step(f"system year ({core} core)",
             lambda system=system: simulate(system, years=3, systems=2, seed=1,
                                            record_crises=system.core == "crisis",
                                            threads=1))
        scenario = get_scenario("concert_of_europe")
        scenario = replace(scenario, system=scenario.system.with_(core=core))
        step(f"a regime ({core} core)",
             lambda scenario=scenario: scenario.run(seed=1, systems=2, years=3))
    step("tournament", lambda: tournament([TitForTat(), "Defector"], turns=5, repetitions=1,
                                          seed=1))
    step("match", lambda: match(TitForTat(), "Defector", turns=5, seed=1))
    step("match lengths", lambda: match(TitForTat(), "Defector", turns=5, seed=1,
                                        continuation=0.5))
    step("log-uniform design", lambda: log_uniform(np.full(2, 0.5), 1.0, 2.0))
    return steps
