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


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise ValueError("TOML cannot hold NaN or infinity here")
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _toml_key(k) -> str:
    k = str(k)
    return k if k.replace("_", "").isalnum() and not k.isdigit() else f'"{k}"'


def to_toml(d: dict, prefix: str = "") -> str:
    """A small TOML writer for nested dicts of scalars and lists (``None`` is omitted)."""
    lines, tables = [], []
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, dict) and any(isinstance(x, dict) for x in v.values()) or (
                isinstance(v, dict) and k in ("system", "policy", "regime", "conditions",
                                              "parameters")):
            tables.append((k, v))
        else:
            lines.append(f"{_toml_key(k)} = {_toml_value(v)}")
    out = "\n".join(lines)
    for k, v in tables:
        name = f"{prefix}.{k}" if prefix else k
        body = to_toml(v, name)
        out += f"\n\n[{name}]\n{body}" if body.strip() else f"\n\n[{name}]"
    return out.strip() + "\n"


def scenario_toml(s) -> str:
    """A :class:`~security_regimes.regimes.scenarios.Scenario` as a TOML scenario file."""
    head = f"# Scenario {s.name!r}, written by security-regimes; read with `regimes run FILE`.\n"
    return head + to_toml(scenario_to_dict(s))
