"""The international system: powers, war, alliances, balance-of-power policies."""

from .config import KAPLAN_RULES, NAMED_POLICIES, POLICIES, Policy, System, get_policy
from .simulate import YEAR_MEASURES, SimulationResult, simulate

__all__ = ["System", "Policy", "get_policy", "POLICIES", "NAMED_POLICIES", "KAPLAN_RULES", "simulate",
           "SimulationResult", "YEAR_MEASURES"]
