"""Settings declared once: a constraint table per settings class, and what follows from it.

Each settings class (:class:`~security_regimes.system.config.System`,
:class:`~security_regimes.system.config.Policy`,
:class:`~security_regimes.regimes.regime.Regime`,
:class:`~security_regimes.regimes.regime.Conditions`,
:class:`~security_regimes.regimes.scenarios.Scenario`) is a frozen dataclass
whose fields give each setting's name, type and default, and whose
``SETTINGS`` table gives, per field, its kind, its bounds and a one-line
description.  From the two follow:

* the checks the dataclass runs when it is built (:func:`check_settings`),
* the pydantic model of the scenario-file form (:func:`file_fields`),
* the parameter paths a sweep, an EMA experiment or a calibration may vary,
  with the cast from a continuous design to an integer setting
  (:mod:`security_regimes.experiments.parameters`),
* the check of a sweep range, an EMA range and a calibration prior against
  the setting's bounds (:meth:`Setting.check_range`),
* the CLI's help texts and ``regimes settings``, and the settings page of the docs
  (:func:`settings_markdown`).

So a value is valid in Python exactly when it is valid in a scenario file, in
a sweep, as the support of a calibration prior and in an EMA range: each of
them asks the same :meth:`Setting.check`, and each refuses with one line
saying what, where and what was expected.

This module sits at the bottom of the stack and imports nothing heavy.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._validation import check_choice, closest_hint

#: The one default root seed of the library, the command line and the files.
DEFAULT_SEED = 1

#: The kinds of setting, and what a value of each must be.
KINDS = {
    "number": "a number",
    "integer": "an integer",
    "flag": "true or false",
    "choice": "one of the names",
    "text": "a text",
    "texts": "a list of texts",
    "numbers": "a list of positive numbers",
    "indices": "a list of power indices (integers >= 0)",
    "years": "a list of years of the run (integers >= 1)",
    "weights": "a table of weights in [0, 1]",
    "events": "a list of (year, power, kind) triples: year of the run >= 1, power index "
              ">= 0, kind one of the names",
    "strategies": "a strategy (a name; in Python also a strategy object) or a list of one "
                  "per power",
    "section": "a table",
}


#: The longest text a ``text`` setting takes unless its row says otherwise
#: (``max_chars``): names and claims are printed in titles and tables.
TEXT_CHARS = 1_000


def _is_strategy(value) -> bool:
    """A strategy's name, a strategy object of this package (``Strategy``,
    ``VectorStrategy``: they have a display name) or an Axelrod player (it
    has a ``strategy`` method and a ``classifier``); which one it is, and
    whether the system can play it, the system's ``Dyadic.build`` says."""
    return isinstance(value, str) or hasattr(value, "display_name") or (
        callable(getattr(value, "strategy", None)) and hasattr(value, "classifier"))


def _is_number(value) -> bool:
    import numbers

    t = type(value)
    if t is float or t is int:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and \
        t.__name__ != "bool_"


@dataclass(frozen=True)
class Setting:
    """One row of a constraint table: a setting's kind, bounds and meaning.

    ``low`` and ``high`` bound a number or an integer (``open_low`` /
    ``open_high``: the bound itself is excluded); ``choices`` lists the names
    of a choice, or the keys of a table of weights.  ``optional``: ``None``
    is valid too.  ``sweep``: a sweep, an EMA experiment or a calibration may
    vary it.  ``unit`` is the unit of a number (``""``: a share or a pure
    number).  ``max_chars`` bounds the length of a text (default
    :data:`TEXT_CHARS`).
    """

    name: str
    kind: str
    doc: str
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    choices: tuple = ()
    optional: bool = False
    sweep: bool = True
    unit: str = ""
    max_chars: int = TEXT_CHARS

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name}: unknown kind {self.kind!r}")

    # --- what is valid --------------------------------------------------------

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "integer")

    def interval(self) -> str:
        """The valid range as text: ``[0, 1]``, ``(0, 20]``, ``>= 0``."""
        lo = "(" if self.open_low else "["
        hi = ")" if self.open_high else "]"
        if self.low is not None and self.high is not None:
            return f"{lo}{_num(self.low)}, {_num(self.high)}{hi}"
        if self.low is not None:
            return f"{'>' if self.open_low else '>='} {_num(self.low)}"
        if self.high is not None:
            return f"{'<' if self.open_high else '<='} {_num(self.high)}"
        return ""

    def expected(self) -> str:
        """What a valid value is, as the end of "must be ..."."""
        if self.kind in ("number", "integer"):
            where = self.interval()
            text = f"{KINDS[self.kind]} in {where}" if self.low is not None and \
                self.high is not None else f"{KINDS[self.kind]} {where}".rstrip()
        elif self.kind == "choice":
            text = "one of " + ", ".join(map(repr, self.choices))
        elif self.kind == "events":
            text = (f"a list of (year, power, kind) triples: year of the run >= 1, power "
                    f"index >= 0, kind {' or '.join(map(repr, self.choices))}")
        elif self.kind == "weights":
            text = f"{KINDS['weights']} keyed by {', '.join(map(str, self.choices))}"
        elif self.kind == "text":
            text = f"{KINDS['text']} of at most {self.max_chars:,} characters"
        else:
            text = KINDS[self.kind]
        return f"{text} or null" if self.optional else text

    def within(self, x: float) -> bool:
        if self.low is not None and (x < self.low or (self.open_low and x == self.low)):
            return False
        if self.high is not None and (x > self.high or (self.open_high and x == self.high)):
            return False
        return True

    def validate(self, value):
        """The value in canonical form (float, int, bool, tuple, dict), or ``ValueError``
        whose message ends what "must be" begins (no name: the caller says where)."""
        if value is None:
            if self.optional:
                return None
            raise ValueError(f"must be {self.expected()}")
        kind = self.kind
        if kind == "number":
            if not _is_number(value) or not math.isfinite(float(value)) or \
                    not self.within(float(value)):
                raise ValueError(f"must be {self.expected()}")
            return float(value)
        if kind == "integer":
            if not _is_number(value) or not math.isfinite(float(value)) or \
                    float(value) != int(value) or not self.within(int(value)):
                raise ValueError(f"must be {self.expected()}")
            return int(value)
        if kind == "flag":
            if not isinstance(value, bool) and type(value).__name__ != "bool_":
                raise ValueError(f"must be {self.expected()}")
            return bool(value)
        if kind == "choice":
            if not isinstance(value, str):
                raise ValueError(f"must be {self.expected()}")
            return check_choice(value, self.choices,
                                re.split(r"[:,(]", self.doc)[0].strip().lower())
        if kind == "text":
            if not isinstance(value, str) or len(value) > self.max_chars:
                raise ValueError(f"must be {self.expected()}" + (
                    f", got {len(value):,} characters" if isinstance(value, str) else ""))
            return value
        if kind == "strategies":
            if _is_strategy(value):
                return value
            if isinstance(value, Sequence) and value and all(_is_strategy(v) for v in value):
                return tuple(value)
            raise ValueError(f"must be {self.expected()}")
        if kind in ("texts", "numbers", "indices", "years"):
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence | tuple) \
                    and not hasattr(value, "tolist"):
                raise ValueError(f"must be {self.expected()}")
            items = list(value.tolist() if hasattr(value, "tolist") else value)
            if kind == "texts":
                if not all(isinstance(v, str) for v in items):
                    raise ValueError(f"must be {self.expected()}")
                return tuple(items)
            if kind == "numbers":
                if not all(_is_number(v) and math.isfinite(float(v)) and float(v) > 0
                           for v in items):
                    raise ValueError(f"must be {self.expected()}")
                return tuple(float(v) for v in items)
            least = 1 if kind == "years" else 0
            if not all(_is_number(v) and float(v) == int(v) and int(v) >= least for v in items):
                raise ValueError(f"must be {self.expected()}")
            return tuple(int(v) for v in items)
        if kind == "events":
            return _events(value, self.choices, self.expected())
        if kind == "weights":
            if not isinstance(value, Mapping):
                raise ValueError(f"must be {self.expected()}")
            out = {}
            keytype = type(self.choices[0])
            for key, w in value.items():
                try:
                    k = keytype(key)
                except (TypeError, ValueError):
                    k = None
                if k not in self.choices:
                    names = [str(c) for c in self.choices]
                    raise ValueError(f"unknown key {key!r}{closest_hint(str(key), names)}; "
                                     f"expected one of {', '.join(names)}")
                if not _is_number(w) or not 0 <= float(w) <= 1:
                    raise ValueError(f".{key} must be a number in [0, 1], got {w!r}")
                out[k] = float(w)
            return out
        return value  # a section: checked by its own class

    def check(self, value, where: str | None = None):
        """:meth:`validate` with the one-line error of the Python entry points:
        ``"<where> must be <expected>, got <value>"``."""
        try:
            return self.validate(value)
        except ValueError as e:
            msg = str(e)
            label = where or self.name
            if msg.startswith("."):  # one weight of a table: norms.restraint must be ...
                raise ValueError(f"{label}{msg}") from None
            if msg.startswith("must be"):
                raise ValueError(f"{label} {msg}, got {value!r}") from None
            raise ValueError(f"{label}: {msg}") from None

    def element(self, key) -> Setting:
        """The setting of one weight of a table of weights (``policy.rules.4``)."""
        if self.kind != "weights":
            raise TypeError(f"{self.name} is not a table of weights")
        return Setting(f"{self.name}.{key}", "number", f"{self.doc} ({key})", 0.0, 1.0)

    def check_range(self, low: float | None, high: float | None, where: str) -> None:
        """A sweep range, an EMA range or a prior's support must lie inside the valid
        values (a continuous range of an integer setting is rounded, so its ends
        need not be integers)."""
        if low is None and high is None:
            return
        if not self.numeric:
            raise ValueError(f"{where}: {self.name} is {self.expected()}: give values = "
                             "[...], not low and high")
        for label, v in (("low", low), ("high", high)):
            if v is not None and not self.within(float(v)):
                raise ValueError(f"{where}.{label}: {self.name} must be {self.expected()}, "
                                 f"got {v!r}")

    def from_continuous(self, x):
        """A value drawn from a continuous design or prior, as the setting takes it
        (an integer setting rounds to the nearest integer)."""
        return int(round(float(x))) if self.kind == "integer" else x

    # --- the extremes, for the bounds test and the docs -----------------------

    def smallest(self) -> float:
        lo = self.low
        return math.nextafter(lo, math.inf) if self.open_low and self.kind == "number" else \
            (lo + 1 if self.open_low else lo)

    def largest(self) -> float:
        hi = self.high
        return math.nextafter(hi, -math.inf) if self.open_high and self.kind == "number" else \
            (hi - 1 if self.open_high else hi)

    # --- the file form ---------------------------------------------------------

    def annotation(self):
        """The Python type of the setting in the file form (for pydantic)."""
        base = {"number": float, "integer": int, "flag": bool, "choice": str, "text": str,
                "texts": tuple[str, ...], "numbers": tuple[float, ...],
                "indices": tuple[int, ...], "years": tuple[int, ...],
                "events": tuple[tuple[int, int, str], ...],
                "strategies": str | tuple[str, ...],
                "weights": dict[type(self.choices[0]) if self.choices else str, float]}
        t = base.get(self.kind, Any)
        return t | None if self.optional else t

    def schema(self) -> dict:
        """JSON-schema keywords of the bounds (documentation; the check is :meth:`validate`)."""
        out: dict = {}
        if self.low is not None:
            out["exclusiveMinimum" if self.open_low else "minimum"] = self.low
        if self.high is not None:
            out["exclusiveMaximum" if self.open_high else "maximum"] = self.high
        if self.kind == "choice":
            out["enum"] = list(self.choices)
        if self.kind == "text":
            out["maxLength"] = self.max_chars
        if self.unit:
            out["unit"] = self.unit
        return out

    def help(self) -> str:
        """One line for the CLI's help: the meaning and the valid range."""
        return f"{self.doc} ({self.expected()})."


def _events(value, kinds: tuple, expected: str) -> tuple:
    """A list of dated events in canonical form, ``((year, power, kind), ...)``
    sorted by year, or ``ValueError`` naming the first bad entry."""
    if isinstance(value, str | bytes | Mapping) or not (
            isinstance(value, Sequence) or hasattr(value, "tolist")):
        raise ValueError(f"must be {expected}")
    out = []
    for k, e in enumerate(list(value)):
        if isinstance(e, str | bytes) or not isinstance(e, Sequence) or len(e) != 3:
            raise ValueError(f"must be {expected}; entry {k} is {e!r}")
        year, power, what = e
        if not (_is_number(year) and float(year) == int(year) and int(year) >= 1):
            raise ValueError(f"must be {expected}; entry {k} has year {year!r}")
        if not (_is_number(power) and float(power) == int(power) and int(power) >= 0):
            raise ValueError(f"must be {expected}; entry {k} has power {power!r}")
        if what not in kinds:
            raise ValueError(f"must be {expected}; entry {k} has the unknown event {what!r}"
                             f"{closest_hint(str(what), [str(c) for c in kinds])}")
        out.append((int(year), int(power), str(what)))
    return tuple(sorted(out))


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


class Settings(tuple):
    """A constraint table: the :class:`Setting` rows of one settings class, by name."""

    def __new__(cls, rows: Sequence[Setting]):
        self = super().__new__(cls, rows)
        names = [r.name for r in self]
        if len(set(names)) != len(names):
            raise ValueError(f"a setting is declared twice: {names}")
        self._by_name = {r.name: r for r in self}
        self._names = tuple(names)
        return self

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._by_name[key]
        return super().__getitem__(key)

    @property
    def names(self) -> tuple[str, ...]:
        return self._names


#: Classes whose table :func:`table_of` has checked against their fields.
_TABLES: dict[type, Settings] = {}


def table_of(cls) -> Settings:
    """The constraint table of a settings class, checked against its fields: every
    field has a row and every row a field (a slip fails at import)."""
    table = cls.SETTINGS
    if _TABLES.get(cls) is table:
        return table
    fields = tuple(f.name for f in dataclasses.fields(cls))
    if set(fields) != set(table.names):
        missing = sorted(set(fields) - set(table.names))
        extra = sorted(set(table.names) - set(fields))
        raise TypeError(f"{cls.__name__}.SETTINGS and its fields disagree: "
                        f"fields without a row {missing}, rows without a field {extra}")
    _TABLES[cls] = table
    return table


def clone(obj):
    """A shallow copy of a frozen settings dataclass, to change fields of
    (``copy.copy`` without its generic dispatch; a sweep makes thousands)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


_SCALARS = (bool, int, float, str)
#: Canonical values already checked, by (row, value with its types): a sweep
#: builds thousands of settings that differ in one field, and checking every
#: field of each took most of the time before its first run.
_CANONICAL: dict[tuple, Any] = {}


def _memo_key(row, value):
    """A key that tells apart values equal but of other types (1, 1.0, True), or
    None for a value not worth remembering (a table, a strategy object, NaN)."""
    t = type(value)
    if t is float:
        return (id(row), t, value) if value == value else None  # NaN: never equal
    if t is int or t is str or t is bool or value is None:
        return (id(row), t, value)
    if t is tuple and len(value) <= 64 and all(type(v) in _SCALARS for v in value):
        return (id(row), t, value, tuple(map(type, value)))
    return None


def check_settings(obj) -> None:
    """Check every field of a frozen settings dataclass against its table and store
    the canonical value (a section is checked by its own class)."""
    cls = type(obj)
    for row in table_of(cls):
        if row.kind == "section":
            continue
        value = getattr(obj, row.name)
        key = _memo_key(row, value)
        if key is not None and key in _CANONICAL:
            canonical = _CANONICAL[key][1]
        else:
            canonical = row.check(value)
            if key is not None:
                if len(_CANONICAL) > 100_000:
                    _CANONICAL.clear()
                _CANONICAL[key] = (row, canonical)  # the row kept alive: its id stays its own
        object.__setattr__(obj, row.name, canonical)


def defaults(cls) -> dict[str, Any]:
    """Each field's default value (``...`` for a required field)."""
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
        else:
            out[f.name] = ...
    return out


def file_fields(cls, skip: Sequence[str] = ()) -> dict[str, tuple]:
    """The pydantic field definitions (``create_model`` form) of a settings class's file
    form, each checked by the same :meth:`Setting.validate` as the dataclass."""
    from typing import Annotated

    from pydantic import BeforeValidator, Field

    out = {}
    defs = defaults(cls)
    for row in table_of(cls):
        if row.name in skip:
            continue
        default = defs[row.name]
        if isinstance(default, tuple):
            default = list(default)
        kwargs = {"description": row.doc, "json_schema_extra": row.schema() or None}
        if isinstance(default, dict | list):
            field = Field(default_factory=lambda d=default: type(d)(d), **kwargs)
        else:
            field = Field(default, **kwargs)
        out[row.name] = (Annotated[row.annotation(), BeforeValidator(row.validate)], field)
    return out


def settings_rows(cls) -> list[dict]:
    """The table of a settings class as rows of text (name, kind, valid values, default,
    unit, meaning, swept), for the docs and ``regimes settings``."""
    defs = defaults(cls)
    rows = []
    for row in table_of(cls):
        d = defs[row.name]
        rows.append({"setting": row.name, "valid": row.expected(),
                     "default": "required" if d is ... else _show(d), "unit": row.unit,
                     "meaning": row.doc, "sweep": "yes" if row.sweep else ""})
    return rows


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_num(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    if dataclasses.is_dataclass(value):
        return "(table)"
    return _num(value) if isinstance(value, float) else str(value)


def settings_markdown(cls, prefix: str = "") -> str:
    """A Markdown table of a settings class (the docs' settings page)."""
    lines = ["| setting | valid values | default | unit | meaning | swept |",
             "|---|---|---|---|---|---|"]
    for r in settings_rows(cls):
        name = f"{prefix}{r['setting']}"
        lines.append(f"| `{name}` | {r['valid']} | `{r['default']}` | {r['unit']} | "
                     f"{r['meaning']} | {r['sweep']} |")
    return "\n".join(lines)
