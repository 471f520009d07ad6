"""Data shipped with the package: Correlates of War (``cow/SOURCES.md``) and dated
domestic changes of the great powers (``history/SOURCES.md``)."""

from .cow_data import (
    DEFAULT_POWERS_1816,
    capabilities,
    capability_shares,
    cinc_growth,
    cinc_levels,
    great_power_wars,
    major_powers,
    superpower_wars,
    wars,
)
from .domestic import dated_domestic_changes, domestic_change_rates, domestic_changes

__all__ = [
    "capabilities",
    "capability_shares",
    "cinc_growth",
    "cinc_levels",
    "major_powers",
    "wars",
    "great_power_wars",
    "superpower_wars",
    "DEFAULT_POWERS_1816",
    "domestic_changes",
    "domestic_change_rates",
    "dated_domestic_changes",
]
