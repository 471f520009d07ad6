"""Elementwise ``exp`` and ``log`` that give the same bits on every machine.

NumPy dispatches its float64 ``exp``, ``log`` and ``log1p`` by CPU: on a
machine with AVX-512 it uses its own vector code, which rounds differently in
the last place from the C library that other machines use.  One ULP is
enough to flip a decision of the model now and then, so the same seed gave
different runs on different machines (measured: 26 of the 27 golden
configurations of ``tests/system/golden.py`` changed between an AVX-512
machine and NumPy with AVX-512 switched off).  These compiled loops call the
C library's functions (through LLVM's intrinsics, without SVML or fast-math)
on every machine.  Use them for every transcendental function whose result
feeds a simulation; NumPy's are fine for reporting.
"""

from __future__ import annotations

import math

import numpy as np

from .kernels import njit


@njit(cache=True, nogil=True, error_model="numpy")
def exp_affine(z, mean, sd):
    """``exp(mean + sd * z)`` elementwise; ``z`` any shape, float64."""
    out = np.empty_like(z)
    flat_z = z.ravel()
    flat = out.ravel()
    for i in range(flat_z.size):
        flat[i] = math.exp(mean + sd * flat_z[i])
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def exp_affine_rows(z, mean, sd):
    """``exp(mean[b] + sd[b] * z[b])`` for each row ``b`` of ``z`` (any shape,
    float64, first axis rows); ``mean``, ``sd`` shape (rows,), or (1,) for
    all rows.  Each row has the bits of ``exp_affine(z[b], mean[b], sd[b])``."""
    out = np.empty_like(z)
    rows = z.shape[0]
    if rows == 0:
        return out
    per = z.size // rows
    flat_z = z.ravel()
    flat = out.ravel()
    for b in range(rows):
        k = b if mean.shape[0] > 1 else 0
        m, s = mean[k], sd[k]
        for i in range(b * per, (b + 1) * per):
            flat[i] = math.exp(m + s * flat_z[i])
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def geometric_lengths(u, continuation, turns):
    """Match lengths ``1 + floor(log1p(-u) / log(continuation))``, at most ``turns``:
    geometric with continuation probability ``continuation`` (0 < c < 1), shape of ``u``."""
    out = np.empty(u.size, dtype=np.int64)
    lc = math.log(continuation)
    for i in range(u.size):
        n = 1 + int(math.floor(math.log1p(-u[i]) / lc))
        out[i] = min(n, turns)
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def log_uniform(u, low, high):
    """``exp(log(low) + u * (log(high) - log(low)))`` elementwise (log-uniform on [low, high])."""
    out = np.empty(u.size)
    a, b = math.log(low), math.log(high)
    for i in range(u.size):
        out[i] = math.exp(a + u[i] * (b - a))
    return out
