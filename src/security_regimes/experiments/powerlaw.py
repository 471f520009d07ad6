"""Power-law tails of war sizes (Richardson 1960; Clauset, Shalizi and Newman 2009)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PowerLawFit:
    """Continuous power law ``p(x) ~ x^-alpha`` for ``x >= xmin``.

    ``alpha`` is the maximum-likelihood estimate ``1 + n / sum(ln(x / xmin))``
    with standard error ``(alpha - 1) / sqrt(n)``; ``xmin`` minimises the
    Kolmogorov-Smirnov distance between the tail and the fit (Clauset et al.
    2009, section 3.3).
    """

    alpha: float
    se: float
    xmin: float
    n_tail: int
    ks: float


def fit_power_law(x, min_tail: int = 10, max_candidates: int = 200) -> PowerLawFit:
    x = np.sort(np.asarray(x, dtype=float))
    x = x[np.isfinite(x) & (x > 0)]
    if x.size < min_tail:
        raise ValueError(f"a power-law fit needs at least {min_tail} positive sizes, "
                         f"got {x.size}")
    candidates = np.unique(x[: x.size - min_tail + 1])
    if candidates.size > max_candidates:
        candidates = np.unique(np.quantile(candidates, np.linspace(0, 1, max_candidates)))
    best = None
    for xmin in candidates:
        tail = x[x >= xmin]
        n = tail.size
        alpha = 1 + n / np.log(tail / xmin).sum()
        emp = np.arange(n) / n  # empirical CDF at the sorted tail points (left limits)
        fit = 1 - (tail / xmin) ** (1 - alpha)
        ks = float(np.max(np.abs(emp - fit)))
        if best is None or ks < best.ks:
            best = PowerLawFit(float(alpha), float((alpha - 1) / np.sqrt(n)), float(xmin), n, ks)
    return best


def ccdf(x) -> tuple[np.ndarray, np.ndarray]:
    """Sorted sizes and P(X >= x) for each."""
    x = np.sort(np.asarray(x, dtype=float))
    x = x[np.isfinite(x) & (x > 0)]
    return x, 1.0 - np.arange(x.size) / x.size
