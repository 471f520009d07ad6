"""Per-run random streams that do not depend on how runs are batched.

Every match or system run ``i`` of a job seeded with ``seed`` gets the key of
``numpy.random.SeedSequence(seed).spawn(...)[i]``, i.e. the first 64-bit word
of ``SeedSequence(entropy, spawn_key=(i,)).generate_state``.  Creating that
many ``SeedSequence`` objects costs ~20 us each, more than a whole match, so
:func:`spawn_keys` computes the same words for many ``i`` at once with numpy;
a test checks it against ``SeedSequence`` itself.

Random numbers are then a counter-based stream: draw ``c`` of run ``i`` is
``splitmix64(key_i + c * golden)`` (Steele et al., 2014), so any run's draws
are the same whether it is played alone, in a batch, or on another machine.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_M32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S1, _S2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _words(x: int) -> list[int]:
    if x == 0:
        return [0]
    out = []
    while x:
        out.append(x & _M32)
        x >>= 32
    return out


def root_entropy(seed: int | np.random.SeedSequence | np.random.Generator | None) -> int:
    """The integer entropy of a job's root seed (fresh OS entropy if ``None``).

    A ``numpy.random.Generator`` (SPEC 7) gives one 63-bit integer drawn from
    it: the run is reproducible from the generator's state, and two runs from
    the same generator differ, as SPEC 7 expects.
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key:
            raise ValueError("seed: pass a root SeedSequence (empty spawn_key) or an int")
        return int(seed.entropy)
    if seed is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        raise ValueError("seed must be a non-negative integer, a SeedSequence, a Generator "
                         f"or None, got {seed!r}")
    return int(seed)


def spawn_keys(seed: int | np.random.SeedSequence | None, index: np.ndarray) -> np.ndarray:
    """64-bit keys of children ``index`` of ``SeedSequence(seed)``.

    Equal to ``SeedSequence(seed, spawn_key=(i,)).generate_state(1, np.uint64)[0]``
    for each ``i`` in ``index`` (``0 <= i < 2**32``).  Returns shape ``index.shape``.
    """
    idx = np.asarray(index, dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= 2**32):
        raise ValueError("run index must be in [0, 2**32)")
    mixer, h = _shared_mixer(root_entropy(seed))

    # Vector part: mix the child index in, then generate two 32-bit words.
    word = idx.astype(np.uint32).ravel()
    pool = []
    for d in range(_POOL):
        hm = (word ^ np.uint32(h)).astype(np.uint32)
        h = (h * _MULT_A) & _M32
        hm = hm * np.uint32(h)
        hm ^= hm >> np.uint32(16)
        r = np.uint32((_MIX_L * mixer[d]) & _M32) - np.uint32(_MIX_R) * hm
        r ^= r >> np.uint32(16)
        pool.append(r)
    hb = _INIT_B
    out = []
    for d in range(2):
        v = pool[d] ^ np.uint32(hb)
        hb = (hb * _MULT_B) & _M32
        v = v * np.uint32(hb)
        v ^= v >> np.uint32(16)
        out.append(v.astype(np.uint64))
    return (out[0] | (out[1] << np.uint64(32))).reshape(idx.shape)


@lru_cache(maxsize=256)
def _shared_mixer(entropy: int) -> tuple[tuple[int, ...], int]:
    """The pool and hash state after a root's entropy, before the child's own
    word: the same for every child, so computed once per root (a sweep asks
    for every design point)."""
    run = _words(entropy)
    run += [0] * (_POOL - len(run))
    h = _INIT_A

    def hashmix(value):
        nonlocal h
        value = (value ^ h) & _M32
        h = (h * _MULT_A) & _M32
        value = (value * h) & _M32
        return value ^ (value >> 16)

    def mix(x, y):
        r = (_MIX_L * x - _MIX_R * y) & _M32
        return r ^ (r >> 16)

    mixer = [hashmix(run[i]) for i in range(_POOL)]
    for s in range(_POOL):
        for d in range(_POOL):
            if s != d:
                mixer[d] = mix(mixer[d], hashmix(mixer[s]))
    for s in range(_POOL, len(run)):
        for d in range(_POOL):
            mixer[d] = mix(mixer[d], hashmix(run[s]))
    return tuple(mixer), h


def uniforms(keys: np.ndarray, counter: np.ndarray | int) -> np.ndarray:
    """Uniform draws in [0, 1) for counter ``counter`` of each key (broadcast)."""
    z = keys + np.asarray(counter, dtype=np.uint64) * GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _S1
    z = (z ^ (z >> np.uint64(27))) * _S2
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
