"""A scenario's file form: TOML validated by pydantic, and the writer back to TOML.

Every field is typed and bounded; errors are reported as one line naming the
file, the key path, what was expected and what was found.  A built-in
scenario written out with :func:`scenario_to_toml` reads back to the same
runs (a test checks it).  Sweep files (:mod:`security_regimes.experiments.files`)
build on these models.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._policies import POLICIES
from ..system import Policy, System
from ..system.simulate import MAX_YEARS
from .regime import NORMS, Conditions, Regime
from .scenarios import Scenario, get_scenario
from .writer import scenario_to_dict, scenario_toml, to_toml  # noqa: F401 - the file API


def _unit_weights(weights: dict, label: str) -> dict:
    """Check that every weight lies in [0, 1]; ``label`` formats the key."""
    for k, w in weights.items():
        if not 0 <= w <= 1:
            raise ValueError(f"{label.format(k)} must be in [0, 1], got {w}")
    return weights


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SystemModel(_Strict):
    capabilities: list[float] | None = Field(
        None, description="Initial capabilities (any positive scale, renormalised to sum 1).")
    names: list[str] | None = Field(None, description="Power names.")
    cow_year: int | None = Field(None, ge=1816, le=2016,
                                 description="COW year for initial capabilities (default 1816).")
    states: list[str] | None = Field(None, description="COW state abbreviations, e.g. UKG.")
    n_powers: int | None = Field(None, ge=2, le=30,
                                 description="Largest n states by CINC in cow_year.")
    growth_mean: float = Field(0.01, ge=-1, le=1, description="Mean yearly log growth.")
    growth_sd: float = Field(0.05, ge=0, le=1, description="Sd of yearly log growth.")
    decisiveness: float = Field(2.0, gt=0, le=20, description="Contest exponent k.")
    war_cost: float = Field(0.05, ge=0, le=1, description="Share of capability destroyed.")
    transfer: float = Field(0.5, ge=0, le=1, description="Share of losers' capability taken.")
    elimination_threshold: float = Field(0.02, ge=0, lt=1,
                                         description="Share of total below which eliminated.")
    misperception: float = Field(0.05, ge=0, le=1, description="Probability a stance is misread.")
    threat_share: float = Field(0.4, gt=0, le=1, description="Share that triggers balancing.")
    predominance_share: float = Field(0.3, gt=0, le=1, description="Kaplan rule 4 threshold.")
    exclusion_years: int = Field(10, ge=0, le=1000, description="Years a loser is shunned.")
    restore_rate: float = Field(0.1, ge=0, le=1, description="Rule 6 restoration rate (1/yr).")
    supranational: list[int] = Field(default_factory=list, description="Rule 5 targets.")
    relative_gains: float = Field(0.0, ge=0, le=1, description="Competitiveness.")
    capability_noise: float = Field(0.0, ge=0, le=5, description="Sd of log capability error.")
    conquest: bool = Field(True, description="False: no power is ever eliminated.")
    nuclear: list[int] = Field(default_factory=list, description="Nuclear powers.")
    nuclear_cost: float = Field(0.9, ge=0, le=1, description="Destruction in a nuclear war.")
    first_strike: float = Field(0.25, gt=-1, le=10,
                                description="First-strike bonus (offense-defense balance).")
    shadow: float = Field(0.9, ge=0, le=1, description="Shadow of the future.")
    belief_prior: float = Field(0.5, ge=0, le=1,
                                description="Initial belief that another power is a security "
                                            "seeker.")
    grievance_years: int = Field(10, ge=0, le=1000, description="Years an attack is remembered.")
    decisive_lead: int = Field(1, ge=1, le=8, description="Battles' lead that ends a war.")
    alliance_reliability: float = Field(0.75, ge=0, le=1,
                                        description="Probability an ally honours its commitment.")
    opportunism: float = Field(1.0, ge=0, le=1,
                               description="Probability a bystander weighs joining a war.")
    cooperation_gain: float = Field(0.0, ge=0, le=1,
                                    description="Extra log growth from mutual restraint with all.")

    def build(self) -> System:
        d = self.model_dump(exclude={"states", "n_powers"})
        for key in ("capabilities", "names", "supranational", "nuclear"):
            if d.get(key) is not None:
                d[key] = tuple(d[key])
        if self.capabilities is not None:
            return System(**d)  # cow_year, if any, is provenance only
        year = self.cow_year if self.cow_year is not None else 1816
        d.pop("cow_year")
        d.pop("capabilities")
        d.pop("names")
        return System.from_cow(year, self.n_powers,
                               tuple(self.states) if self.states else
                               (tuple(self.names) if self.names else None), **d)


class PolicyModel(_Strict):
    name: Literal[POLICIES] = "waltz"  # type: ignore[valid-type]
    rules: dict[int, float] = Field(default_factory=dict,
                                    description="Kaplan rule (1-6) -> weight in [0, 1].")
    balancer: int = Field(0, ge=0, le=29)
    future_weight: float = Field(0.1, ge=0, le=100,
                                 description="Yearly chance a spared power's help is needed.")
    discount: float = Field(0.9, ge=0, lt=1, description="Weight of next year (far-sighted).")

    @field_validator("rules")
    @classmethod
    def _rules(cls, v):
        for k in v:
            if not 1 <= k <= 6:
                raise ValueError(f"Kaplan rules are 1 to 6, got {k}")
        return _unit_weights(v, "weight of rule {}")

    def build(self) -> Policy:
        return Policy(self.name, rules=dict(self.rules), balancer=self.balancer,
                      future_weight=self.future_weight, discount=self.discount)


class ConditionsModel(_Strict):
    regulation: float = Field(1.0, ge=0, le=1)
    shared_value: float = Field(1.0, ge=0, le=1)
    revisionist: list[int] = Field(default_factory=list)
    shock_rate: float = Field(0.0, ge=0, le=1, description="Revisionist turns per power-year.")
    war_cost_perception: float = Field(1.0, ge=0, le=1)
    memory: float = Field(0.0, ge=0, le=1)
    half_life: float = Field(20.0, gt=0, le=1e6, description="Years for the memory to halve.")
    memory_gain: float = Field(2.0, ge=0, le=1e3)
    adaptation: float = Field(0.2, gt=0, le=1)
    initial_weight: float | None = Field(0.0, ge=0, le=1,
                                         description="Weights at the start; null: the target.")
    threshold: float = Field(0.5, ge=0, le=1, description="Strength at which the regime forms.")
    decline: float = Field(1.0, ge=0, le=1e3,
                           description="Exponent of relative decline in a member's target.")

    def build(self) -> Conditions:
        d = self.model_dump()
        d["revisionist"] = tuple(d["revisionist"])
        return Conditions(**d)


class RegimeModel(_Strict):
    name: str = "regime"
    norms: dict[Literal[NORMS], float] = Field(  # type: ignore[valid-type]
        default_factory=lambda: {n: 1.0 for n in NORMS})
    members: list[int] | None = None
    conditions: ConditionsModel = Field(default_factory=ConditionsModel)
    compensation_share: float = Field(0.5, ge=0, le=1)
    principles: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)

    @field_validator("norms")
    @classmethod
    def _norms(cls, v):
        return _unit_weights(v, "strength of norm {!r}")

    def build(self) -> Regime:
        return Regime(name=self.name, norms=dict(self.norms),
                      members=tuple(self.members) if self.members is not None else None,
                      conditions=self.conditions.build(),
                      compensation_share=self.compensation_share,
                      principles=tuple(self.principles), rules=tuple(self.rules))


class ScenarioModel(_Strict):
    name: str
    description: str = ""
    claim: str = ""
    years: int = Field(100, ge=1, le=MAX_YEARS)
    systems: int = Field(1000, ge=1, le=10_000_000)
    start_year: int = Field(1, ge=-10_000, le=10_000)
    seed: int | None = Field(None, ge=0)
    dyadic: str | list[str] = Field(
        "Tit For Tat", description="Dyadic strategy of every power, or a list of one per power.")
    system: SystemModel = Field(default_factory=SystemModel)
    policy: PolicyModel = Field(default_factory=PolicyModel)
    regime: RegimeModel | None = None

    def build(self) -> Scenario:
        return Scenario(name=self.name, description=self.description, claim=self.claim,
                        system=self.system.build(), policy=self.policy.build(),
                        regime=self.regime.build() if self.regime else None, years=self.years,
                        systems=self.systems, start_year=self.start_year,
                        dyadic=self.dyadic if isinstance(self.dyadic, str) else tuple(self.dyadic))


def _format_error(path: Path, err: ValidationError) -> str:
    e = err.errors()[0]
    loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
    found = e.get("input")
    if e["type"] == "extra_forbidden":
        return f"{path}: {loc}: unknown key"
    if e["type"] == "missing":
        return f"{path}: {loc}: required key is missing"
    msg = e["msg"].removeprefix("Value error, ")
    if not e["loc"] or isinstance(found, dict):  # a check across keys: the keys say it
        return f"{path}: {loc}: {msg}"
    return f"{path}: {loc}: {msg}, found {found!r}"


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


def check_scenario(s: Scenario) -> None:
    """Apply the scenario-file checks to a scenario built in code (e.g. a sweep point).

    Raises ``ValueError`` naming the key path, as for a file, so a value a
    file would refuse is refused wherever it comes from.
    """
    try:
        ScenarioModel.model_validate(scenario_to_dict(s))
    except ValidationError as e:
        msg = _format_error(Path("scenario"), e)
        raise ValueError(msg.removeprefix("scenario: ")) from None


def scenario_to_toml(s: Scenario | str) -> str:
    """A scenario (or a built-in's name) as a TOML scenario file."""
    return scenario_toml(get_scenario(s) if isinstance(s, str) else s)
