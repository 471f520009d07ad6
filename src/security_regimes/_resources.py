"""Memory estimates checked before a run allocates anything.

A run that cannot fit is refused with one line (what, how much, how much the
machine has, what to change) instead of dying in numpy with a traceback or
driving the machine into swap.
"""

from __future__ import annotations

import os

#: Share of the available memory a single run may plan to use.
SHARE = 0.8
#: Requests below this many bytes are not checked (any machine that runs numba has them).
SMALL = 32_000_000


def available_memory() -> int:
    """Bytes of memory available now (psutil's ``available``: Linux ``MemAvailable``).

    ``SECURITY_REGIMES_MEMORY`` (bytes) overrides the measurement, for tests
    and for shared machines where a job should stay below its allocation.
    """
    forced = os.environ.get("SECURITY_REGIMES_MEMORY")
    if forced:
        return int(float(forced))
    import psutil

    return int(psutil.virtual_memory().available)


def human(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(nbytes) < 1000 or unit == "PB":
            return f"{nbytes:,.0f} {unit}" if unit == "B" else f"{nbytes:,.1f} {unit}"
        nbytes /= 1000
    return f"{nbytes} B"  # pragma: no cover


def check_fits(nbytes: float, what: str, hint: str) -> None:
    """Raise ``ValueError`` (one line) if ``nbytes`` would not fit in memory now."""
    if nbytes < SMALL and not os.environ.get("SECURITY_REGIMES_MEMORY"):
        return  # asking the OS costs more than a small tournament
    have = available_memory()
    if nbytes > SHARE * have:
        raise ValueError(f"{what} would need about {human(nbytes)} of memory and "
                         f"{human(have)} is available; {hint}")
