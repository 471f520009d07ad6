"""Compile finite-state strategies into lookup tables.

A strategy's rules are plain Python on hashable states; breadth-first search
from ``initial()`` over the 8 possible observations (intended x actual x
seen) enumerates every reachable state, and the tables

* ``act[s]``: probability of restraint in state ``s``, shape ``(n_states,)``
* ``next[s, obs]``: the next state, shape ``(n_states, 8)``,
  ``obs = 4 * intended + 2 * actual + seen``

let the engine play any number of matches with one gather per turn.
Strategies whose state grows with the match (``unbounded``) are enumerated
only as deep as the longest match needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ..games.strategies import Strategy

MAX_STATES = 2_000_000
#: A bounded strategy whose reachable states are this many observations deep
#: keeps growing (a counter): it should say ``unbounded = True``.
MAX_DEPTH = 10_000
_OBS = [(bool(o & 4), bool(o & 2), bool(o & 1)) for o in range(8)]


@dataclass(frozen=True)
class Tables:
    act: np.ndarray  # (n_states,) float64
    next: np.ndarray  # (n_states, 8) int32, local indices

    @cached_property  # asked for every strategy of every batch
    def stochastic(self) -> bool:
        return bool(np.any((self.act != 0.0) & (self.act != 1.0)))


@lru_cache(maxsize=256)
def compile_strategy(strategy: Strategy, horizon: int | None = None) -> Tables:
    """Tables for ``strategy``; ``horizon`` (turns) bounds unbounded strategies."""
    depth_limit = horizon if strategy.unbounded else None
    start = strategy.initial()
    index = {start: 0}
    states = [start]
    depth = [0]
    rows: list[list[int]] = []
    i = 0
    while i < len(states):
        s = states[i]
        if depth_limit is not None and depth[i] >= depth_limit - 1:
            rows.append([i] * 8)  # never acted on: the match has ended
        else:
            row = []
            for obs in _OBS:
                t = strategy.observe(s, *obs)
                j = index.get(t)
                if j is None:
                    j = index[t] = len(states)
                    states.append(t)
                    depth.append(depth[i] + 1)
                    if depth_limit is None and depth[-1] > MAX_DEPTH:
                        raise ValueError(
                            f"strategy {strategy.display_name!r}: its state keeps growing "
                            f"(more than {MAX_DEPTH:,} observations deep, as a counter does); "
                            "set unbounded = True on its class so that it is enumerated only "
                            "as deep as a match or a run lasts")
                    if len(states) > MAX_STATES:
                        raise ValueError(
                            f"strategy {strategy.display_name!r} has more than {MAX_STATES:,} "
                            "states; for matches and tournaments write it as a VectorStrategy; "
                            "the system model needs a finite-state form with fewer states")
                row.append(j)
            rows.append(row)
        i += 1
    act = np.array([float(strategy.act(s)) for s in states])
    if np.any((act < 0) | (act > 1)) or not np.all(np.isfinite(act)):
        raise ValueError(f"strategy {strategy.display_name!r} returned a probability outside [0, 1]")
    return Tables(act=act, next=np.asarray(rows, dtype=np.int32))
