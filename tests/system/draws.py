"""The uniforms of a system-year by named block, for the plain-Python reference (tests only)."""

from __future__ import annotations

import numpy as np

from security_regimes.engine.rng import uniforms
from security_regimes.system.layout import draw_layout, draws_per_year


class Draws:
    """The uniforms of one year for a batch of systems, computed block by block.

    Block ``name`` of system ``b`` in year ``y`` is counter
    ``y * draws_per_year(N) + offset(name) + i`` of the system's stream, so
    every policy sees the same draws for the same decision, and blocks a run
    does not need are never computed.
    """

    def __init__(self, keys: np.ndarray, year: int, n: int):
        self.keys, self.n, self.year = keys, n, year
        self.base = year * draws_per_year(n)
        self.layout = draw_layout(n)
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            off, shape = self.layout[name]
            size = int(np.prod(shape))
            counters = np.arange(self.base + off, self.base + off + size, dtype=np.uint64)
            u = uniforms(self.keys[:, None], counters[None, :])
            self._cache[name] = u.reshape((len(self.keys), *shape))
        return self._cache[name]

    def of(self, b: int) -> dict:
        """System ``b``'s uniforms by block (lists), and the 0-based ``"year"``."""
        return {**{name: self[name][b].tolist() for name in self.layout}, "year": self.year}
