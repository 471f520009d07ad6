"""A scenario's file form: TOML validated by pydantic, and the writer back to TOML.

Every field is typed and bounded by the constraint table of its settings class
(``System.SETTINGS``, ``Policy.SETTINGS``, ...; :mod:`security_regimes._settings`),
so a file accepts exactly what Python accepts; errors are reported as one line
naming the file, the key path, what was expected and what was found.  A built-in
scenario written out with :func:`scenario_to_toml` reads back to the same
runs (a test checks it).  Sweep files (:mod:`security_regimes.experiments.files`)
build on these models.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .._settings import DEFAULT_SEED, file_fields
from .._tables import MAX_POWERS
from ..system import Policy, System
from .regime import Conditions, Regime
from .scenarios import Scenario, get_scenario
from .writer import scenario_to_dict, scenario_toml, to_toml  # noqa: F401 - the file API


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _model(name: str, cls, base: type, skip=(), **extra):
    """The file model of a settings class: its fields and checks from ``cls.SETTINGS``
    (:func:`security_regimes._settings.file_fields`), with ``extra`` fields on top."""
    return create_model(name, __base__=base, **file_fields(cls, skip), **extra)


def _built(model, cls, **override):
    """The dataclass of a file model's values (sections given in ``override``)."""
    d = {k: getattr(model, k) for k in cls.SETTINGS.names if k not in override}
    return cls(**d, **override)


class _SystemBuild(_Strict):
    def build(self) -> System:
        if self.capabilities is not None:
            return _built(self, System)  # cow_year, if any, is provenance only
        d = {k: getattr(self, k) for k in System.SETTINGS.names
             if k not in ("capabilities", "names", "cow_year")}
        year = self.cow_year if self.cow_year is not None else 1816
        return System.from_cow(year, self.n_powers, self.states or self.names,
                               members=self.members, **d)


#: The ``[system]`` table: the fields of :class:`System`, and two ways to pick COW states.
SystemModel = _model(
    "SystemModel", System, _SystemBuild,
    states=(tuple[str, ...] | None, Field(None, description="COW state abbreviations, "
                                                            "e.g. UKG.")),
    n_powers=(int | None, Field(None, ge=2, le=MAX_POWERS,
                                description="The n largest states by CINC in cow_year.")),
    members=(bool, Field(False, description="Every COW state-system member of cow_year "
                                            "with a CINC (at most 64).")))


class _PolicyBuild(_Strict):
    def build(self) -> Policy:
        return _built(self, Policy)


#: The ``[policy]`` table: the fields of :class:`Policy`.
PolicyModel = _model("PolicyModel", Policy, _PolicyBuild)


class _ConditionsBuild(_Strict):
    def build(self) -> Conditions:
        return _built(self, Conditions)


#: The ``[regime.conditions]`` table: the fields of :class:`Conditions`.
ConditionsModel = _model("ConditionsModel", Conditions, _ConditionsBuild)


class _RegimeBuild(_Strict):
    def build(self) -> Regime:
        return _built(self, Regime, conditions=self.conditions.build())


#: The ``[regime]`` table: the fields of :class:`Regime`.
RegimeModel = _model("RegimeModel", Regime, _RegimeBuild, skip=("conditions",),
                     conditions=(ConditionsModel, Field(default_factory=ConditionsModel)))


def _system_keys(system) -> tuple[str, ...]:
    """The System settings a ``[system]`` table sets (its powers, if it names them)."""
    given = system.model_fields_set
    keys = [k for k in System.SETTINGS.names if k in given]
    if given & {"cow_year", "n_powers", "states", "members"}:
        keys += [k for k in ("capabilities", "names", "cow_year") if k not in keys]
    return tuple(keys)


class _ScenarioBuild(_Strict):
    def build(self) -> Scenario:
        defines = self.defines if "defines" in self.model_fields_set else \
            _system_keys(self.system)
        return _built(self, Scenario, system=self.system.build(), policy=self.policy.build(),
                      regime=self.regime.build() if self.regime else None, defines=defines)


#: A scenario file: the fields of :class:`Scenario` and its seed.
ScenarioModel = _model(
    "ScenarioModel", Scenario, _ScenarioBuild, skip=("system", "policy", "regime"),
    seed=(int | None, Field(None, ge=0, description="Root seed of the scenario's runs "
                                                    f"(null: {DEFAULT_SEED}).")),
    system=(SystemModel, Field(default_factory=SystemModel)),
    policy=(PolicyModel, Field(default_factory=PolicyModel)),
    regime=(RegimeModel | None, None))


def _format_error(path: Path, err: ValidationError) -> str:
    e = err.errors()[0]
    loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
    found = e.get("input")
    if e["type"] == "extra_forbidden":
        return f"{path}: {loc}: unknown key"
    if e["type"] == "missing":
        return f"{path}: {loc}: required key is missing"
    msg = e["msg"].removeprefix("Value error, ")
    if msg.startswith("."):  # one entry of a table: regime.norms.restraint must be ...
        return f"{path}: {loc}{msg}"
    if not e["loc"] or isinstance(found, dict) or msg.startswith("unknown"):  # it says what
        return f"{path}: {loc}: {msg}"
    shown = repr(found)
    if len(shown) > 80:
        shown = shown[:60] + f"... ({len(shown):,} characters)"
    return f"{path}: {loc}: {msg}, found {shown}"


def read_toml(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}: TOML syntax error: {e}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file") from None
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply to read (arrays or tables inside "
                         "each other hundreds of levels deep)") from None


def _validate(model, data: dict, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ValueError(_format_error(path, e)) from None


def load_scenario_file(path: str | Path) -> tuple[Scenario, int | None]:
    """Read and validate a scenario file; returns the scenario and its seed (if any)."""
    path = Path(path)
    model = _validate(ScenarioModel, read_toml(path), path)
    try:
        return model.build(), model.seed
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


def scenario_to_toml(s: Scenario | str) -> str:
    """A scenario (or a built-in's name) as a TOML scenario file."""
    return scenario_toml(get_scenario(s) if isinstance(s, str) else s)
