"""Parameter checks shared by every public entry point.

Each check raises ``ValueError`` with one line saying what was wrong, where,
and what was expected; the CLI prints that line and exits with status 2.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable


def check_probability(value: float, name: str) -> float:
    """Return ``value`` as float if it lies in [0, 1], else raise ``ValueError``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}") from None
    if not (0.0 <= v <= 1.0):  # also rejects NaN
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return v


def check_finite(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def check_int(value: int, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    v = int(value)
    if v < low or (high is not None and v > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {bound}, got {value!r}")
    return v


def check_choice(value: str, choices: Iterable[str], what: str) -> str:
    """Return the canonical choice matching ``value`` case-insensitively."""
    choices = list(choices)
    lookup = {c.lower(): c for c in choices}
    key = str(value).strip().lower()
    if key in lookup:
        return lookup[key]
    close = difflib.get_close_matches(key, list(lookup), n=3, cutoff=0.5)
    hint = ", ".join(repr(lookup[c]) for c in close) if close else ", ".join(map(repr, choices))
    label = "closest" if close else "expected one of"
    raise ValueError(f"unknown {what} {value!r}; {label}: {hint}")


def closest_hint(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; closest: a, b"`` for a mistyped name, or ``""`` when nothing is close."""
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=cutoff)
    return f"; closest: {', '.join(close)}" if close else ""


def require_extra(module: str, extra: str):
    """Import an optional library and return it; when it is missing, an
    ``ImportError`` of one line naming the extra that installs it (the CLI
    prints it as its one error line)."""
    import importlib
    import importlib.util

    if importlib.util.find_spec(module.split(".")[0]) is None:
        raise ImportError(f"this needs {module.split('.')[0]}: "
                          f"pip install 'security-regimes[{extra}]'")
    return importlib.import_module(module)
