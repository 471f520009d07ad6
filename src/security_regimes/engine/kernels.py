"""Compiled match loop (numba) over the finite-state tables.

One match per iteration of a ``prange`` loop, one turn per step of a plain
loop: the same counter-based draws, in the same order, as the numpy path of
:func:`security_regimes.engine.play.play_batch` (which stays as the
reference for batches with vectorised strategies, and which a property test
compares with this kernel).  Matches are independent, so results do not
depend on the number of threads or on how matches are batched.
"""

from __future__ import annotations

import numpy as np

try:
    from numba import njit, prange
except ImportError as e:  # pragma: no cover - numba is a dependency
    raise ImportError(f"security-regimes needs numba for its compiled kernels ({e}); "
                      "reinstall with: pip install security-regimes") from None

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S1 = np.uint64(0xBF58476D1CE4E5B9)
_S2 = np.uint64(0x94D049BB133111EB)
_SH30, _SH27, _SH31, _SH11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_SCALE = 1.0 / 9007199254740992.0


@njit(inline="always", cache=True)
def uniform(key, counter):
    """splitmix64(key + counter * golden) as a double in [0, 1) (as ``rng.uniforms``)."""
    z = key + counter * _GOLDEN
    z = (z ^ (z >> _SH30)) * _S1
    z = (z ^ (z >> _SH27)) * _S2
    z = z ^ (z >> _SH31)
    return np.float64(z >> _SH11) * _SCALE


@njit(cache=True, parallel=True)
def play_fsm(act8, next8, state8, base, lengths, horizon, noise, mis_slot, stochastic):
    """Moves (horizon, n, 2) of ``n`` matches of finite-state strategies.

    ``state8`` (2n,) start states (pre-multiplied by 8), slots ``0..n-1``
    side A and ``n..2n-1`` side B; ``base`` (2n,) the slots' stream keys;
    ``act8[state8]`` the probability of restraint; ``next8[state8 + obs]``
    the next state, ``obs = 4 intended + 2 actual + seen``.  Also returns
    counts (n, 3): turns A restrained, turns B restrained, turns both did.
    """
    n = lengths.shape[0]
    moves = np.zeros((horizon, n, 2), dtype=np.bool_)
    counts = np.zeros((n, 3), dtype=np.int64)
    any_mis = mis_slot.max() > 0.0
    a_c, n_c, m_c = np.uint64(0), np.uint64(2), np.uint64(4)
    for m in prange(n):
        sa, sb = state8[m], state8[n + m]
        ba, bb = base[m], base[n + m]
        na = nb = cc = 0
        for t in range(lengths[m]):
            c = np.uint64(8 * t)
            pa, pb = act8[sa], act8[sb]
            # A draw only where the strategy is mixed: u < 0 and u < 1 are
            # decided without it (u is in [0, 1)), so the moves are the same.
            if stochastic and 0.0 < pa < 1.0:
                ia = uniform(ba, c + a_c) < pa
            else:
                ia = pa > 0.5
            if stochastic and 0.0 < pb < 1.0:
                ib = uniform(bb, c + a_c) < pb
            else:
                ib = pb > 0.5
            xa, xb = ia, ib
            if noise > 0.0:
                xa = ia ^ (uniform(ba, c + n_c) < noise)
                xb = ib ^ (uniform(bb, c + n_c) < noise)
            seen_a, seen_b = xb, xa
            if any_mis:
                seen_a = seen_a ^ (uniform(ba, c + m_c) < mis_slot[m])
                seen_b = seen_b ^ (uniform(bb, c + m_c) < mis_slot[n + m])
            sa = next8[sa + 4 * np.int64(ia) + 2 * np.int64(xa) + np.int64(seen_a)]
            sb = next8[sb + 4 * np.int64(ib) + 2 * np.int64(xb) + np.int64(seen_b)]
            moves[t, m, 0] = xa
            moves[t, m, 1] = xb
            na += xa
            nb += xb
            cc += xa & xb
        counts[m, 0], counts[m, 1], counts[m, 2] = na, nb, cc
    return moves, counts
