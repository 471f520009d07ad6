"""Sweep files: TOML validated by pydantic, on top of the scenario file form.

A sweep names a base scenario (built-in or a scenario file), the parameters
to vary and how, and what to keep.  Errors are one line naming the file, the
key path, what was expected and what was found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from .._settings import DEFAULT_SEED
from ..regimes.files import (  # noqa: F401 - re-exported: the file API in one place
    ConditionsModel,
    PolicyModel,
    RegimeModel,
    ScenarioModel,
    SystemModel,
    _Strict,
    _validate,
    load_scenario_file,
    read_toml,
    scenario_to_dict,
    scenario_to_toml,
    to_toml,
)
from ..regimes.scenarios import Scenario, get_scenario
from ..system.simulate import MAX_YEARS
from .parameters import check_parameters


class ParameterModel(_Strict):
    values: list[Any] | None = Field(None, min_length=1,
                                     description="Explicit values (grid) or categories.")
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)
    steps: int | None = Field(None, ge=2, le=10_000, description="Grid points in [low, high].")
    dist: Literal["uniform", "loguniform", "normal"] = Field(
        "uniform", description="Sampling distribution for lhs designs: uniform or loguniform "
                               "on [low, high], or normal(mean, sd) clipped to [low, high].")
    mean: float | None = Field(None, allow_inf_nan=False)
    sd: float | None = Field(None, gt=0, allow_inf_nan=False)

    @field_validator("high")
    @classmethod
    def _order(cls, v, info):
        low = info.data.get("low")
        if v is not None and low is not None and not v > low:
            raise ValueError(f"high must be > low ({low}), got {v}")
        return v


class SweepModel(_Strict):
    base: str = Field(description="Built-in scenario name or scenario file (relative to here).")
    seed: int = Field(DEFAULT_SEED, ge=0)
    replicates: int = Field(10, ge=1, le=1_000_000)
    design: Literal["grid", "lhs", "sobol"] = "grid"
    samples: int = Field(64, ge=1, le=10_000_000,
                         description="Points for lhs; base samples N for sobol (N * (D + 2)).")
    years: int | None = Field(None, ge=1, le=MAX_YEARS)
    chunk_size: int = Field(100, ge=1, le=1_000_000, description="Runs per chunk.")
    outcomes: list[str] = Field(min_length=1, default_factory=lambda: [
        "war_frequency", "essential_survival", "regime_autonomy", "cooperation_rate",
        "hegemony", "mean_war_size"])
    parameters: dict[str, ParameterModel] = Field(default_factory=dict)


def load_sweep_file(path: str | Path) -> tuple[SweepModel, Scenario]:
    """Read and validate a sweep file and its base scenario."""
    path = Path(path)
    model = _validate(SweepModel, read_toml(path), path)
    base = model.base
    candidate = (path.parent / base)
    if base.endswith(".toml"):
        scenario, _ = load_scenario_file(candidate)
    else:
        try:
            scenario = get_scenario(base)
        except ValueError as e:
            raise ValueError(f"{path}: base: {e}") from None
    try:
        check_parameters(model, scenario)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return model, scenario


