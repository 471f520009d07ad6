"""Parameter paths into a scenario: what a sweep, an EMA experiment or a calibration may vary.

A path names one setting of a scenario (``system.first_strike``,
``policy.rules.4``, ``regime.norms.restraint``,
``regime.conditions.half_life``, ``dyadic``); :func:`targets` lists every
path of a scenario with its current value, :func:`apply_point` sets the
values of one design point, :func:`check_parameters` checks a sweep file's
parameters against them.
"""

from __future__ import annotations

from dataclasses import replace

from .._validation import closest_hint
from ..regimes.files import ConditionsModel, SystemModel
from ..regimes.regime import NORMS
from ..regimes.scenarios import Scenario
from ..system import Policy


def targets(scenario: Scenario) -> dict[str, tuple]:
    """Every sweepable parameter path -> (kind, current value)."""
    out = {}
    for k in SystemModel.model_fields:
        if hasattr(scenario.system, k) and k not in ("capabilities", "names", "supranational",
                                                     "nuclear", "cow_year"):
            out[f"system.{k}"] = getattr(scenario.system, k)
    out["policy.name"] = scenario.policy.name
    out["policy.future_weight"] = scenario.policy.future_weight
    out["policy.discount"] = scenario.policy.discount
    out["policy.balancer"] = scenario.policy.balancer
    for r in range(1, 7):
        out[f"policy.rules.{r}"] = scenario.policy.weights()[r]
    out["dyadic"] = scenario.dyadic
    if scenario.regime is not None:
        for n in NORMS:
            out[f"regime.norms.{n}"] = scenario.regime.strength(n)
        out["regime.compensation_share"] = scenario.regime.compensation_share
        for k in ConditionsModel.model_fields:
            if k not in ("revisionist",):
                out[f"regime.conditions.{k}"] = getattr(scenario.regime.conditions, k)
    return out


def check_parameters(model, scenario: Scenario) -> None:
    known = targets(scenario)
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
        if name.startswith("policy.rules.") and scenario.policy.name != "kaplan" and \
                "policy.name" not in model.parameters:
            raise ValueError(f"parameters.{name}: Kaplan's rules apply only under policy "
                             f"kaplan; the base scenario's policy is {scenario.policy.name}")
        if spec.dist == "normal" and (spec.mean is None or spec.sd is None):
            raise ValueError(f"parameters.{name}: a normal distribution needs mean and sd")
    for outcome in model.outcomes:
        if outcome not in RUN_OUTCOMES:
            raise ValueError(f"outcomes: unknown outcome {outcome!r}; expected one of "
                             f"{sorted(RUN_OUTCOMES)}")


RUN_OUTCOMES = {
    "war_frequency", "mean_war_size", "eliminations", "essential_survival", "all_survive",
    "hegemony", "cooperation_rate", "final_con", "restraints", "regime_autonomy",
    "member_wars", "settled", "regime_holds", "formation_year", "regime_years",
    "first_member_war", "wars", "system_wars", "hegemonic_wars", "cooperation_per_pair_year",
    "wars_per_dyad_year",
}


def apply_point(scenario: Scenario, point: dict) -> Scenario:
    """The scenario with the parameters of one design point set."""
    system, policy, regime, dyadic = scenario.system, scenario.policy, scenario.regime, \
        scenario.dyadic
    sys_kw, pol_kw, rules, norms, cond_kw, reg_kw = {}, {}, {}, {}, {}, {}
    for name, value in point.items():
        parts = name.split(".")
        if parts[0] == "system":
            sys_kw[parts[1]] = value
        elif parts[:2] == ["policy", "rules"]:
            rules[int(parts[2])] = float(value)
        elif parts[0] == "policy":
            pol_kw[parts[1]] = value
        elif parts[:2] == ["regime", "norms"]:
            norms[parts[2]] = float(value)
        elif parts[:2] == ["regime", "conditions"]:
            cond_kw[parts[2]] = value
        elif parts[0] == "regime":
            reg_kw[parts[1]] = value
        elif name == "dyadic":
            dyadic = value
    if "conquest" in sys_kw:
        sys_kw["conquest"] = bool(sys_kw["conquest"])
    for key in ("exclusion_years", "decisive_lead"):
        if key in sys_kw:
            sys_kw[key] = int(round(sys_kw[key]))
    if "balancer" in pol_kw:
        pol_kw["balancer"] = int(round(pol_kw["balancer"]))
    system = replace(system, **sys_kw) if sys_kw else system
    if pol_kw or rules:
        name = pol_kw.pop("name", policy.name)
        merged = dict(policy.rules)
        merged.update(rules)
        policy = Policy(name, rules=merged if name == "kaplan" else {},
                        balancer=pol_kw.get("balancer", policy.balancer),
                        future_weight=pol_kw.get("future_weight", policy.future_weight),
                        discount=pol_kw.get("discount", policy.discount))
    if regime is not None and (norms or cond_kw or reg_kw):
        conditions = replace(regime.conditions, **cond_kw) if cond_kw else regime.conditions
        regime = replace(regime, norms={**regime.norms, **norms}, conditions=conditions, **reg_kw)
    return replace(scenario, system=system, policy=policy, regime=regime, dyadic=dyadic)
