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
except ImportError as e:  # pragma: no cover - in a subprocess: tests/test_api.py
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


@njit(inline="always", cache=True)
def _intend(code, key, c, act, stochastic):
    """Intended move of a side in state ``code`` (see :func:`play_fsm`)."""
    # A draw only where the strategy is mixed: u < 0 and u < 1 are decided
    # without it (u is in [0, 1)), so the moves are the same.
    if stochastic and code & 2:
        return uniform(key, c) < act[code >> 5]
    return (code & 1) == 1


@njit(inline="always", cache=True)
def _flips(out, key, counter, p, length):
    """``out[t] = uniform(key, 8t + counter) < p`` for ``t < length``.

    Independent of the strategies' states, so this loop is vectorised
    (SIMD) and kept out of the turn loop's chain of dependent loads.
    """
    for t in range(length):
        out[t] = uniform(key, np.uint64(8 * t) + counter) < p


@njit(cache=True, parallel=True)
def play_fsm(act, next_code, start, base, lengths, horizon, noise, mis_slot, stochastic):
    """Moves (horizon, n, 2) of ``n`` matches of finite-state strategies.

    A side's state is a code ``state8 << 2 | mixed << 1 | restrains``:
    ``state8`` (a table row pre-multiplied by 8), whether the state's move is
    mixed (``0 < p < 1``), and its move when it is not.  The move is then
    read from the code itself, so a turn costs one dependent load
    (``next_code``) instead of two; ``act[code >> 5]`` is the probability of
    restraint, needed only in mixed states.  ``start`` (2n,) start codes,
    slots ``0..n-1`` side A and ``n..2n-1`` side B; ``base`` (2n,) the
    slots' stream keys; ``next_code[(code >> 2) + obs]`` the next code,
    ``obs = 4 intended + 2 actual + seen``.  Also returns counts (n, 3):
    turns A restrained, turns B restrained, turns both did.
    """
    n = lengths.shape[0]
    # np.empty, and plain loops outside the prange: with parallel=True numba
    # runs np.zeros and reductions as parallel regions of their own, and
    # waking the threads for each costs more than a small tournament.
    moves = np.empty((horizon, n, 2), dtype=np.bool_)
    counts = np.empty((n, 3), dtype=np.int64)
    any_noise = noise > 0.0
    any_mis = False
    for k in range(mis_slot.shape[0]):
        any_mis |= mis_slot[k] > 0.0
    # Noise and misperception flips, drawn before the turn loop (one row per slot).
    noisy = np.empty((2 * n if any_noise else 0, horizon), dtype=np.bool_)
    misread = np.empty((2 * n if any_mis else 0, horizon), dtype=np.bool_)
    n_c, m_c = np.uint64(2), np.uint64(4)
    for m in prange(n):
        ca, cb = start[m], start[n + m]
        ba, bb = base[m], base[n + m]
        length = lengths[m]
        if any_noise:
            _flips(noisy[m], ba, n_c, noise, length)
            _flips(noisy[n + m], bb, n_c, noise, length)
        if any_mis:
            _flips(misread[m], ba, m_c, mis_slot[m], length)
            _flips(misread[n + m], bb, m_c, mis_slot[n + m], length)
        na = nb = cc = 0
        for t in range(length):
            c = np.uint64(8 * t)
            ia = _intend(ca, ba, c, act, stochastic)
            ib = _intend(cb, bb, c, act, stochastic)
            xa, xb = ia, ib
            if any_noise:
                xa = ia ^ noisy[m, t]
                xb = ib ^ noisy[n + m, t]
            seen_a, seen_b = xb, xa
            if any_mis:
                seen_a = seen_a ^ misread[m, t]
                seen_b = seen_b ^ misread[n + m, t]
            ca = next_code[(ca >> 2) + 4 * np.int64(ia) + 2 * np.int64(xa) + np.int64(seen_a)]
            cb = next_code[(cb >> 2) + 4 * np.int64(ib) + 2 * np.int64(xb) + np.int64(seen_b)]
            moves[t, m, 0] = xa
            moves[t, m, 1] = xb
            na += xa
            nb += xb
            cc += xa & xb
        for t in range(length, horizon):  # turns after the match ended
            moves[t, m, 0] = False
            moves[t, m, 1] = False
        counts[m, 0], counts[m, 1], counts[m, 2] = na, nb, cc
    return moves, counts


def state_codes(act8: np.ndarray, state8: np.ndarray) -> np.ndarray:
    """Codes ``state8 << 2 | mixed << 1 | restrains`` of :func:`play_fsm` (int64)."""
    p = act8[state8]
    mixed = (p > 0.0) & (p < 1.0)
    return (state8 << 2) | (mixed.astype(np.int64) << 1) | (p > 0.5).astype(np.int64)
