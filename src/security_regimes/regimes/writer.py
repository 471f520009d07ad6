"""A scenario written back to its file form (TOML).

Kept apart from :mod:`~security_regimes.regimes.files` (which reads and
validates files, and knows the catalogue) so that a scenario's result can
write its own TOML without importing the reader.
"""

from __future__ import annotations

import math


def _plain(v):
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dict):
        return dict(v)
    return v


def _section(obj, skip=()) -> dict:
    """A settings object's fields (its ``SETTINGS`` rows) as plain data."""
    return {name: _plain(getattr(obj, name)) for name in type(obj).SETTINGS.names
            if name not in skip}


def scenario_to_dict(s) -> dict:
    """A scenario as the plain data of its file form (every field of every section)."""
    d = _section(s, skip=("system", "policy", "regime"))
    for strategy in (s.dyadic if isinstance(s.dyadic, tuple) else (s.dyadic,)):
        if not isinstance(strategy, str):
            raise ValueError(f"dyadic: the strategy object {strategy!r} has no file form "
                             "(a scenario file names its strategies)")
    d["system"] = _section(s.system)
    d["policy"] = _section(s.policy)
    if s.regime is not None:
        d["regime"] = _section(s.regime, skip=("conditions",))
        d["regime"]["conditions"] = _section(s.regime.conditions)
    return d


def _clean(v, where: str = ""):
    """Plain TOML data: ``None`` dropped from tables, tuples as arrays, keys as text;
    NaN and infinity refused (no setting of a file takes them)."""
    if isinstance(v, dict):
        return {str(k): _clean(x, f"{where}.{k}" if where else str(k))
                for k, x in v.items() if x is not None}
    if isinstance(v, list | tuple):
        return [_clean(x, where) for x in v]
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        raise ValueError(f"{where}: TOML cannot hold NaN or infinity here")
    if v is None or not isinstance(v, bool | int | float | str):
        raise TypeError(f"{where}: cannot write {type(v).__name__} to TOML")
    return v


def to_toml(d: dict) -> str:
    """Nested dicts of scalars and lists as TOML (``tomli_w``; ``None`` is omitted)."""
    import tomli_w

    return tomli_w.dumps(_clean(d))


def scenario_toml(s) -> str:
    """A :class:`~security_regimes.regimes.scenarios.Scenario` as a TOML scenario file."""
    head = f"# Scenario {s.name!r}, written by security-regimes; read with `regimes run FILE`.\n"
    return head + to_toml(scenario_to_dict(s))
