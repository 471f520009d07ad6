"""The international system: powers, war, alliances, balance-of-power policies."""

from .._tables import CALIBRATED, CALIBRATION, UNCALIBRATED
from .config import KAPLAN_RULES, NAMED_POLICIES, POLICIES, Policy, System, get_policy, uncalibrated
from .simulate import YEAR_MEASURES, SimulationResult, simulate

__all__ = ["System", "Policy", "get_policy", "POLICIES", "NAMED_POLICIES", "KAPLAN_RULES", "simulate",
           "SimulationResult", "YEAR_MEASURES", "CALIBRATED", "CALIBRATION", "UNCALIBRATED", "uncalibrated"]
