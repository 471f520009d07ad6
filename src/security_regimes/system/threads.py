"""Threads over systems for the compiled year.

The kernel releases the GIL (``nogil=True``) and each thread runs a slice of
the systems.  A ``parallel=True`` loop with ``prange`` gave the same speed-up
but compiled the whole year a second time for the parallel target (a cold
start about twice as long); one plain compile is cached (``cache=True``) and
shared by every thread count.
"""

from __future__ import annotations

import contextlib
import contextvars
import os

from .._validation import check_int

#: Fewest systems worth a thread of their own.
MIN_SYSTEMS_PER_THREAD = 16


#: Threads set by :func:`threads_limit` for the current context (None: not set).
_THREADS_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "security_regimes_threads", default=None)


@contextlib.contextmanager
def threads_limit(n: int):
    """Run the kernel on ``n`` threads by default inside this block (this thread only).

    The process executor computes chunks in the parent process too, on one
    thread, beside its single-threaded workers; the environment variable
    would also change the threads of anything else running in the process.
    """
    token = _THREADS_LIMIT.set(check_int(n, "threads", 1))
    try:
        yield
    finally:
        _THREADS_LIMIT.reset(token)


def default_threads() -> int:
    """Threads for the system kernel: the :func:`threads_limit` in force, else
    ``SECURITY_REGIMES_THREADS`` if set, else the usable CPUs."""
    if (limit := _THREADS_LIMIT.get()) is not None:
        return limit
    env = os.environ.get("SECURITY_REGIMES_THREADS")
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"SECURITY_REGIMES_THREADS: expected a positive integer, got {env!r}")
        return n
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def threads_for(threads, systems: int) -> int:
    """Threads to use for ``systems`` systems: ``threads`` (default
    :func:`default_threads`), at most one per ``MIN_SYSTEMS_PER_THREAD`` systems."""
    threads = default_threads() if threads is None else check_int(threads, "threads", 1)
    return max(1, min(threads, systems // MIN_SYSTEMS_PER_THREAD))
