"""Parameter paths into a scenario: what a sweep, an EMA experiment or a calibration may vary.

A path names one setting of a scenario (``system.first_strike``,
``policy.rules.4``, ``regime.norms.restraint``,
``regime.conditions.half_life``, ``dyadic``); :func:`targets` lists every
path of a scenario with its current value, :func:`apply_point` sets the
values of one design point, :func:`check_parameters` checks a sweep file's
parameters against them.  The paths, their bounds and their casts follow from
the constraint tables of the settings classes (``System.SETTINGS`` ...).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from .._settings import Setting
from .._validation import closest_hint
from ..regimes.effects import TWIN_OUTCOMES
from ..regimes.regime import Conditions, Regime
from ..regimes.scenarios import Scenario
from ..system import Policy, System
from ..system.config import CUSTOM_POLICY, POLICY_TRAITS

#: The settings classes a path reaches, by the path's prefix.
SECTIONS = {"system": System, "policy": Policy, "regime": Regime,
            "regime.conditions": Conditions}


def _objects(scenario: Scenario) -> dict[str, object]:
    out = {"system": scenario.system, "policy": scenario.policy}
    if scenario.regime is not None:
        out["regime"] = scenario.regime
        out["regime.conditions"] = scenario.regime.conditions
    return out


def settings(scenario: Scenario) -> dict[str, Setting]:
    """Every sweepable parameter path of a scenario -> its :class:`Setting` (the row of
    its class's constraint table; a table of weights gives one path per key).

    The paths depend only on whether the scenario has a regime: the mapping is
    built once for each case (do not modify it)."""
    return _settings(scenario.regime is not None)


@lru_cache(maxsize=2)
def _settings(has_regime: bool) -> dict[str, Setting]:
    out = {}
    for prefix, cls in SECTIONS.items():
        if prefix.startswith("regime") and not has_regime:
            continue
        for row in cls.SETTINGS:
            if not row.sweep:
                continue
            if row.kind == "weights":
                for key in row.choices:
                    path = f"{prefix}.{row.name}.{key}"
                    out[path] = replace(row.element(key), name=path)
            else:
                out[f"{prefix}.{row.name}"] = replace(row, name=f"{prefix}.{row.name}")
    out["dyadic"] = Scenario.SETTINGS["dyadic"]
    return out


def targets(scenario: Scenario) -> dict[str, object]:
    """Every sweepable parameter path -> its current value in the scenario."""
    objects = _objects(scenario)
    out = {}
    for path in settings(scenario):
        if path == "dyadic":
            out[path] = scenario.dyadic
            continue
        prefix, _, name = path.rpartition(".")
        if prefix in objects:
            out[path] = getattr(objects[prefix], name)
        else:  # a weight: policy.rules.4, regime.norms.restraint
            prefix = prefix.rpartition(".")[0]
            obj = objects[prefix]
            out[path] = (float(obj.weights()[int(name)]) if isinstance(obj, Policy)
                         else obj.strength(name))
    return out


def check_value(setting: Setting, value, where: str) -> None:
    """A sweep's or an EMA experiment's value of a setting, checked as Python checks it."""
    setting.check(value, f"{where}: {setting.name}")


def check_spec(setting: Setting, values, low, high, where: str) -> None:
    """A sweep's values or range, an EMA range or a prior's support: inside the
    setting's valid values (:meth:`~security_regimes._settings.Setting.check_range`)."""
    for v in values or ():
        check_value(setting, v, f"{where}.values")
    setting.check_range(low, high, where)


def check_ends(scenario: Scenario, path: str, ends, where: str) -> None:
    """Each end of a range (or each value) of ``path``, set alone in ``scenario``,
    gives a valid scenario: a setting valid only with others the scenario does
    not have (``system.entry_rate`` on a closed system) is refused before
    anything runs, as a sweep refuses its points."""
    for v in ends:
        if v is None:
            continue
        try:
            apply_point(scenario, from_continuous(scenario, {path: v}))
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None


def check_parameters(model, scenario: Scenario) -> None:
    """A sweep file's parameters: known paths, a complete design, and values and ranges
    inside each setting's valid values (so no point is refused later)."""
    known = settings(scenario)
    if not model.parameters:
        raise ValueError("parameters: name at least one parameter to vary")
    for name, spec in model.parameters.items():
        if name not in known:
            hint = closest_hint(name, known)
            raise ValueError(f"parameters.{name}: not a parameter of the base scenario{hint}")
        has_range = spec.low is not None and spec.high is not None
        if spec.values is None and not has_range and spec.dist != "normal":
            raise ValueError(f"parameters.{name}: give values = [...] or low and high")
        if model.design == "grid" and spec.values is None and spec.steps is None:
            raise ValueError(f"parameters.{name}: a grid needs values or steps")
        if model.design == "sobol" and not has_range:
            raise ValueError(f"parameters.{name}: a Sobol design needs low and high")
        if spec.dist != "uniform" and model.design != "lhs":
            raise ValueError(f"parameters.{name}: dist = {spec.dist!r} needs design = \"lhs\"")
        if spec.dist == "loguniform" and has_range and spec.low <= 0:
            raise ValueError(f"parameters.{name}: a loguniform range needs low > 0")
        if name.startswith("policy.rules.") and not scenario.policy.traits["internal_rules"] \
                and not {"policy.name", "policy.internal_rules"} & set(model.parameters):
            raise ValueError(f"parameters.{name}: Kaplan's rules apply only under policy "
                             f"kaplan or a custom policy with internal_rules; the base "
                             f"scenario's policy is {scenario.policy.label}")
        if spec.dist == "normal" and (spec.mean is None or spec.sd is None):
            raise ValueError(f"parameters.{name}: a normal distribution needs mean and sd")
        check_spec(known[name], spec.values, spec.low, spec.high, f"parameters.{name}")
    for outcome in model.outcomes:
        if outcome not in RUN_OUTCOMES:
            raise ValueError(f"outcomes: unknown outcome {outcome!r}; expected one of "
                             f"{sorted(RUN_OUTCOMES)}")


RUN_OUTCOMES = {
    "war_frequency", "mean_war_size", "eliminations", "essential_survival", "all_survive",
    "hegemony", "cooperation_rate", "final_con", "restraints", "regime_autonomy",
    "member_wars", "settled", "regime_holds", "formation_year", "regime_years",
    "first_member_war", "wars", "system_wars", "hegemonic_wars", "cooperation_per_pair_year",
    "wars_per_dyad_year", "crises_per_pair_year", "crisis_war_share", "yield_share",
    "stalemate_share", "compromise_share", "preventive_wars", "regime_spells",
    "regime_breakdowns", "regime_tenure", "domestic_changes",
    *TWIN_OUTCOMES,  # each run against its identical-seed twin without norms
}


def from_continuous(scenario: Scenario, point: dict) -> dict:
    """A point drawn from a continuous design or prior, as the settings take it (an
    integer setting rounds to the nearest integer)."""
    rows = settings(scenario)
    return {k: rows[k].from_continuous(v) if k in rows else v for k, v in point.items()}


def apply_point(scenario: Scenario, point: dict) -> Scenario:
    """The scenario with the parameters of one design point set.

    Values are checked by the settings classes themselves (as when built in
    Python); an unknown path raises ``ValueError``.
    """
    known = settings(scenario)
    changes: dict[str, dict] = {}
    weights: dict[str, dict] = {}
    dyadic = scenario.dyadic
    for name, value in point.items():
        if name not in known:
            raise ValueError(f"{name}: not a parameter of scenario {scenario.name}"
                             f"{closest_hint(name, known)}")
        if name == "dyadic":
            dyadic = value
            continue
        prefix, _, key = name.rpartition(".")
        if prefix in SECTIONS:
            changes.setdefault(prefix, {})[key] = value
        else:
            weights.setdefault(prefix, {})[key] = value
    system = scenario.system.with_(**changes.get("system", {}))
    policy = scenario.policy
    change = dict(changes.get("policy", {}))
    rules = weights.get("policy.rules", {})
    if rules:
        change["rules"] = {**policy.rules, **{int(k): v for k, v in rules.items()}}
    if Policy._JOINT.intersection(change):  # a new name or trait: the policy afresh
        new = {**{k: getattr(policy, k) for k in Policy.SETTINGS.names}, **change}
        # the weights stay with every policy that has internal rules: kaplan,
        # and a custom policy with that trait (a file's or a sweep's)
        internal = (bool(new["internal_rules"]) if new["name"] == CUSTOM_POLICY
                    else POLICY_TRAITS[new["name"]]["internal_rules"])
        new["rules"] = new["rules"] if internal else {}
        policy = Policy(**new)
    elif change:  # only the changed settings are checked
        policy = policy.with_(**change)
    regime = scenario.regime
    norms = weights.get("regime.norms", {})
    if regime is not None and (norms or changes.get("regime") or changes.get("regime.conditions")):
        conditions = replace(regime.conditions, **changes.get("regime.conditions", {}))
        regime = replace(regime, norms={**regime.norms, **norms}, conditions=conditions,
                         **changes.get("regime", {}))
    return scenario.with_parts(system, policy, regime, dyadic)
