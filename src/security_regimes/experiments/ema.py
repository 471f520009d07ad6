"""Exploratory modelling with the EMA Workbench, and PRIM scenario discovery on sweeps.

Jervis's question is *under what conditions* a security regime forms.  The
exploratory-modelling answer (Lempert, Popper and Bankes 2003; Bryant and
Lempert 2010) is scenario discovery: run the model over many possible
worlds, then let PRIM (Friedman and Fisher 1999) find the box of parameter
ranges in which the outcome of interest occurs, with its *coverage* (the
share of all cases of interest that fall in the box) and *density* (the
share of cases in the box that are of interest).

:func:`model` wraps a scenario as an EMA Workbench ``Model`` (Kwakkel 2017)
whose uncertainties, levers and outcomes carry this package's parameter
paths (``system.misperception``, ``regime.norms.restraint``, ...), so any of
the workbench's samplers, evaluators and analyses apply.  :func:`discover`
runs PRIM on a finished sweep (``regimes discover DIR --outcome ...``).
Both need the ``ema`` extra (``pip install 'security-regimes[ema]'``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._repr import Summarised
from .._settings import DEFAULT_SEED
from .._validation import check_int, closest_hint, require_extra
from ..regimes.effects import TWIN_OUTCOMES, in_force_at_start, twin_columns
from ..regimes.scenarios import Scenario, get_scenario
from .parameters import RUN_OUTCOMES, apply_point, check_ends, check_spec, settings

#: Uncertainties by default: Jervis's variables and the regime's formation
#: conditions, with ranges inside each setting's valid values (checked).
DEFAULT_UNCERTAINTIES = {
    "system.misperception": (0.0, 0.3),
    "system.capability_noise": (0.0, 0.5),
    "system.relative_gains": (0.0, 1.0),
    "system.first_strike": (-0.5, 1.0),
    "system.shadow": (0.5, 1.0),
    "system.war_cost": (0.01, 0.2),
    "regime.conditions.shared_value": (0.0, 1.0),
    "regime.conditions.learning": (0.0, 1.0),
    "regime.conditions.war_cost_perception": (0.0, 1.0),
}
#: Outcomes by default: means over the model's runs.
DEFAULT_OUTCOMES = ("regime_holds", "regime_autonomy", "war_frequency", "essential_survival")


def _workbench():
    import warnings

    with warnings.catch_warnings():  # it warns on import about an optional evaluator
        warnings.simplefilter("ignore", UserWarning)
        ema_workbench = require_extra("ema_workbench", "ema")
        require_extra("ema_workbench.analysis.prim", "ema")
    return ema_workbench


#: The suffix of an outcome's per-run values (``model(..., replicates=True)``).
BY_RUN = "_by_run"


class _Runner:
    """The model function (a picklable callable, so the workbench's process pools work)."""

    def __init__(self, scenario: Scenario, outcomes, systems: int, years: int, seed: int,
                 replicates: bool = False):
        self.scenario, self.outcomes = scenario, tuple(outcomes)
        self.systems, self.years, self.seed = systems, years, seed
        self.replicates = replicates

    def __call__(self, **point) -> dict[str, float | np.ndarray]:
        scn = apply_point(self.scenario, point)  # the settings classes check the values
        result = scn.simulate(self.systems, self.years, self.seed)
        s = result.summary
        if any(o in TWIN_OUTCOMES for o in self.outcomes):  # against the twin without norms
            twin = scn.counterfactual().simulate(self.systems, self.years, self.seed)
            s = s.assign(**twin_columns(result.measures, twin.measures, in_force_at_start(scn)))
        if self.replicates:  # every run, each from its own seed stream
            return {f"{o}{BY_RUN}": s[o].to_numpy(float) for o in self.outcomes}
        return {o: float(np.nanmean(s[o].to_numpy(float))) if s[o].notna().any()
                else float("nan") for o in self.outcomes}


def _parameter(ema, name: str, spec, setting):
    """The workbench parameter of a path: its kind from the setting's row, its range
    checked against the setting's valid values."""
    if isinstance(spec, Sequence) and not isinstance(spec, str) and len(spec) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in spec):
        lo, hi = spec
        if not lo < hi:
            raise ValueError(f"{name}: give (low, high) with low < high, got {tuple(spec)!r}")
        check_spec(setting, None, lo, hi, name)
        if setting.kind == "integer":
            if not (float(lo).is_integer() and float(hi).is_integer()):
                raise ValueError(f"{name}: an integer setting needs integer bounds, got "
                                 f"{tuple(spec)!r}")
            return ema.IntegerParameter(name, int(lo), int(hi))
        return ema.RealParameter(name, float(lo), float(hi))
    if isinstance(spec, Sequence) and not isinstance(spec, str) and len(spec) >= 1:
        check_spec(setting, list(spec), None, None, name)
        return ema.CategoricalParameter(name, list(spec))
    raise ValueError(f"{name}: give (low, high) or a list of categories, got {spec!r}")


def model(scenario: str | Scenario = "concert_of_europe",
          uncertainties: Mapping[str, object] | None = None,
          levers: Mapping[str, object] | None = None,
          outcomes: Sequence[str] = DEFAULT_OUTCOMES, systems: int = 100,
          years: int | None = None, seed: int = DEFAULT_SEED, replicates: bool = False):
    """An EMA Workbench ``Model`` of a scenario.

    Parameters
    ----------
    scenario : str or Scenario
        Built-in name or a :class:`~security_regimes.regimes.scenarios.Scenario`.
    uncertainties, levers : mapping of parameter path to range, optional
        ``(low, high)`` for a real (or integer) parameter, or a list of
        categories.  Paths are those of sweep files (``system.misperception``,
        ``regime.norms.restraint``, ``policy.rules.3`` ...).  Default
        uncertainties: :data:`DEFAULT_UNCERTAINTIES` (regime conditions only
        if the scenario has a regime); default levers: the regime's norm
        strengths in [0, 1], or Kaplan's rule weights under ``kaplan``.
    outcomes : sequence of str
        Run-level outcomes (as in sweep files); each experiment reports
        their means over its runs.
    systems, years, seed : int
        Runs per experiment, years per run (default: the scenario's), and
        the root seed.  Every experiment uses the same seed (common random
        numbers), so differences between experiments come from parameters,
        not draws.
    replicates : bool
        ``False``: each outcome is the mean over the experiment's runs (a
        ``ScalarOutcome``).  ``True``: each outcome ``NAME`` is reported as
        ``NAME_by_run`` (the workbench keeps one outcome class per name in a
        process), every run's value, an ``ArrayOutcome`` of shape
        ``(systems,)`` per experiment (so
        ``perform_experiments`` returns ``(experiments, systems)`` arrays):
        the runs are the replicates, each from its own seed stream, computed
        in one batch (what the workbench's ``ReplicatorModel`` does with one
        call per replicate).  NaN where a run has no value (e.g. no restraint).

    Returns
    -------
    ema_workbench.Model
        Ready for ``perform_experiments(model, scenarios=n, policies=m)``.

    Examples
    --------
    >>> from ema_workbench import perform_experiments
    >>> m = model("concert_of_europe", systems=20, years=40)
    >>> experiments, outcomes = perform_experiments(m, scenarios=8)  # doctest: +SKIP
    """
    ema = _workbench()
    scn = get_scenario(scenario) if isinstance(scenario, str) else scenario
    known = settings(scn)
    if uncertainties is None:
        uncertainties = {k: v for k, v in DEFAULT_UNCERTAINTIES.items() if k in known}
    if levers is None:
        if scn.regime is not None:
            levers = {k: (0.0, 1.0) for k in known if k.startswith("regime.norms.")}
        elif scn.policy.traits["internal_rules"]:
            levers = {k: (0.0, 1.0) for k in known if k.startswith("policy.rules.")}
        else:
            levers = {}
    for name in [*uncertainties, *levers]:
        if name not in known:
            hint = closest_hint(name, known)
            raise ValueError(f"{name}: not a parameter of scenario {scn.name}{hint}")
    for o in outcomes:
        if o not in RUN_OUTCOMES:
            raise ValueError(f"unknown outcome {o!r}; expected one of {sorted(RUN_OUTCOMES)}")
    name = "".join(c for c in scn.name.title() if c.isalnum())  # EMA wants alphanumerics

    systems = check_int(systems, "systems", 1)
    m = ema.Model(name, function=_Runner(scn, outcomes, systems, years or scn.years, seed,
                                         bool(replicates)))
    m.uncertainties = [_parameter(ema, k, v, known[k]) for k, v in uncertainties.items()]
    m.levers = [_parameter(ema, k, v, known[k]) for k, v in levers.items()]
    for k, v in {**uncertainties, **levers}.items():  # each end valid in this scenario
        check_ends(scn, k, list(v), k)
    m.outcomes = ([ema.ArrayOutcome(f"{o}{BY_RUN}") for o in outcomes] if replicates
                  else [ema.ScalarOutcome(o) for o in outcomes])
    return m


@dataclass(repr=False)
class Discovery(Summarised):
    """A PRIM box: where the outcome of interest occurs.

    Attributes
    ----------
    limits : DataFrame
        One row per restricted parameter: ``parameter``, ``low``, ``high``
        (the box) and ``min``, ``max`` (the range the sweep covered); for a
        categorical parameter ``low``/``high`` list the categories kept.
    coverage, density, mass : float
        Share of all cases of interest inside the box; share of the box's
        runs that are cases of interest; share of all runs in the box.
    base_rate : float
        Share of all runs that are cases of interest (the density of the
        whole space, to compare ``density`` with).
    trajectory : DataFrame
        PRIM's peeling trajectory (coverage, density, mass, restricted
        dimensions per step).
    """

    outcome: str
    rule: str
    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    base_rate: float
    n_runs: int
    trajectory: pd.DataFrame
    #: The density asked for, and whether any box reached it (if not, the
    #: densest box is reported).
    min_density: float = 0.8
    reached: bool = True

    def _summary(self):
        box = "; ".join(f"{r.parameter} in [{_fmt(r.low)}, {_fmt(r.high)}]"
                        for r in self.limits.itertuples()) or "(the whole space)"
        return "Discovery (PRIM)", [
            ("cases of interest", f"{self.rule} ({self.base_rate:.3g} of {self.n_runs} runs)"),
            ("box", box),
            ("coverage, density, mass", f"{self.coverage:.3g}, {self.density:.3g}, {self.mass:.3g}"),
            ("density asked for", f"{self.min_density:g} "
                                  f"({'reached' if self.reached else 'not reached: the densest box'})"),
            ("peeling steps", len(self.trajectory))]


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def discover(directory, outcome: str = "regime_holds", threshold: float | None = None,
             below: bool = False, min_density: float = 0.8) -> Discovery:
    """PRIM scenario discovery on a finished sweep.

    Cases of interest are runs where ``outcome`` is true (boolean outcomes
    such as ``regime_holds``), or above ``threshold`` (below it with
    ``below=True``).  The box reported is the one with the highest coverage
    whose density is at least ``min_density``; if none reaches it, the
    densest box.  Runs whose outcome is missing (e.g. no member war) are not
    cases of interest.
    """
    ema = _workbench()
    from ema_workbench.analysis import prim

    from .store import load

    data = load(directory)
    params = list(data.manifest["parsed"]["parameters"])
    if outcome not in data.runs.columns:
        raise ValueError(f"unknown outcome {outcome!r}; this sweep kept "
                         f"{', '.join(data.manifest.get('outcomes', []))}")
    y_raw = data.runs[outcome]
    if y_raw.dtype == bool and threshold is None:
        y, rule = y_raw.to_numpy(bool), f"{outcome} is true"
    elif threshold is None:
        raise ValueError(f"{outcome} is not true/false: give --threshold (and --below to look "
                         f"for values under it)")
    else:
        v = y_raw.to_numpy(float)
        with np.errstate(invalid="ignore"):
            y = (v < threshold) if below else (v > threshold)
        rule = f"{outcome} {'<' if below else '>'} {threshold:g}"
    if not 0 < y.sum() < len(y):
        raise ValueError(f"PRIM needs runs with and without {rule}; this sweep has "
                         f"{int(y.sum())} of {len(y)}")
    x = data.runs[params].copy()
    for c in x.columns:
        if x[c].dtype == bool or x[c].dtype == object:
            x[c] = x[c].astype(str).astype("category")
    del ema  # imported for its error message only
    # Threshold 0 keeps the whole peeling trajectory (the box is chosen from it
    # below); PRIM then counts every run as of interest, so coverage and density
    # of the binary outcome come from the box means.
    p = prim.Prim(x, y.astype(float), threshold=0.0, mass_min=0.05)
    box = p.find_box()
    traj = box.peeling_trajectory.copy()
    traj["density"] = traj["mean"]
    traj["coverage"] = traj["mean"] * traj["n"] / y.sum()
    traj["mass"] = traj["n"] / len(y)
    ok = traj[traj.density >= min_density]
    pick = int(ok.coverage.idxmax()) if len(ok) else int(traj.density.idxmax())
    box.select(pick)
    lims = box.box_lims[pick]
    init = box.box_lims[0]
    rows = []
    for c in params:
        lo, hi = lims[c].iloc[0], lims[c].iloc[1]
        if x[c].dtype.name == "category":
            kept = sorted(lo) if isinstance(lo, set) else lo
            if set(kept) != set(init[c].iloc[0]):
                rows.append({"parameter": c, "low": ", ".join(map(str, kept)), "high": "",
                             "min": "", "max": ""})
        elif lo != init[c].iloc[0] or hi != init[c].iloc[1]:
            rows.append({"parameter": c, "low": float(lo), "high": float(hi),
                         "min": float(x[c].min()), "max": float(x[c].max())})
    row = traj.loc[pick]
    return Discovery(outcome=outcome, rule=rule, limits=pd.DataFrame(
        rows, columns=["parameter", "low", "high", "min", "max"]),
        coverage=float(row.coverage), density=float(row.density), mass=float(row.mass),
        base_rate=float(y.mean()), n_runs=len(y), trajectory=traj, min_density=min_density,
        reached=bool(len(ok)))
