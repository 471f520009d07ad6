"""Correlates of War data shipped with the package (see ``cow/SOURCES.md``)."""

from .cow_data import (
    DEFAULT_POWERS_1816,
    capabilities,
    capability_shares,
    great_power_wars,
    major_powers,
    wars,
)

__all__ = [
    "capabilities",
    "capability_shares",
    "major_powers",
    "wars",
    "great_power_wars",
    "DEFAULT_POWERS_1816",
]
