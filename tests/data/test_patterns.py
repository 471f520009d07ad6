"""Observed patterns against hand-checked facts of great-power history."""

import numpy as np
import pytest

from security_regimes.data import DEFAULT_POWERS_1816, capability_shares
from security_regimes.data.patterns import (
    allied_pair_set,
    cohort_wars,
    concentration,
    observed_patterns,
)

FIVE = list(DEFAULT_POWERS_1816)


def test_wars_among_the_five_great_powers_of_1816():
    w = cohort_wars(1816, 1913)
    assert list(zip(w.war_name, w.start_year, strict=True)) == [
        ("Crimean", 1853), ("Italian Unification", 1859), ("Seven Weeks", 1866),
        ("Franco-Prussian", 1870)]
    # With every major power in its years, the Russo-Japanese War (1904) enters too.
    assert cohort_wars(1816, 1913, "all").war_name.tolist()[-1] == "Russo-Japanese"


def test_patterns_of_the_fit_and_holdout_periods():
    fit = observed_patterns(1816, 1870)
    assert fit["wars"] == 4 and fit["years_to_first_war"] == 1853 - 1816
    assert fit["wars_per_pair_year"] == pytest.approx(4 / (10 * 55))
    assert fit["eliminations"] == 0
    held = observed_patterns(1871, 1913)
    assert held["wars"] == 0 and held["years_to_first_war"] == 1913 - 1871 + 1  # censored
    everything = observed_patterns(1816, 1913, "all")
    # Italy from 1860, Japan from 1895, the United States from 1898: 1,476 pair-years.
    assert everything["wars_per_pair_year"] == pytest.approx(5 / 1476)


def test_concentration_is_singer_bremer_stuckey_con():
    s = capability_shares(1816, FIVE).to_numpy()
    h = (s**2).sum()
    assert concentration(1816, FIVE) == pytest.approx(np.sqrt((h - 1 / 5) / (1 - 1 / 5)))
    assert 0 < concentration(1900, FIVE) < concentration(1816, FIVE)  # Britain's lead shrank


def test_alliances_in_known_years():
    # The Quadruple Alliance of 1815: Britain, Austria, Russia, Prussia.
    assert allied_pair_set(1816, FIVE) >= {("AUH", "GMY"), ("AUH", "RUS"), ("GMY", "UKG"),
                                           ("RUS", "UKG"), ("AUH", "UKG"), ("GMY", "RUS")}
    # 1910: the Dual Alliance, the Franco-Russian alliance and the Entente Cordiale.
    assert allied_pair_set(1910, FIVE) >= {("AUH", "GMY"), ("FRN", "RUS"), ("FRN", "UKG")}
    assert ("GMY", "UKG") not in allied_pair_set(1910, FIVE)


def test_periods_outside_the_record_are_refused():
    with pytest.raises(ValueError, match="period must lie within 1816-1913"):
        observed_patterns(1800, 1850)


def test_by_period_defaults_to_decades_and_adds_up():
    from security_regimes.data.patterns import observed_by_period

    decades = observed_by_period()
    assert decades.start.tolist()[:2] == [1816, 1826] and decades.end.iloc[-1] == 1913
    assert decades.wars.sum() == 4  # every war once
    eras = observed_by_period([(1816, 1852), (1853, 1870), (1871, 1913)])
    assert eras.wars.tolist() == [0, 4, 0]
    assert decades.con.iloc[0] > decades.con.iloc[-1]  # capabilities spread out over the century


def test_the_second_era_among_the_five_cold_war_powers():
    from security_regimes.data.patterns import COLD_WAR_POWERS, cohort_wars, era_of

    first, second = observed_patterns(1946, 1968), observed_patterns(1969, 1991)
    assert first["wars"] == 1 and second["wars"] == 0  # Korea, 1950: the USA, Britain, France v China
    assert list(cohort_wars(1946, 1991).war_name) == ["Korean"]
    assert first["wars_per_pair_year"] == pytest.approx(1 / (23 * 10))
    assert first["years_to_first_war"] == 4 and second["years_to_first_war"] == 23
    assert set(COLD_WAR_POWERS) == {"USA", "RUS", "UKG", "FRN", "CHN"}
    assert era_of(1946, 1991) == "1946" and era_of(1816, 1913) == "1816"
    with pytest.raises(ValueError, match="period must lie within 1816-1913 or 1946-1991, got 1900-1950"):
        observed_patterns(1900, 1950)


def test_the_cold_war_scenario_and_its_check():
    from security_regimes.regimes.history import cold_war_check
    from security_regimes.regimes.scenarios import get_scenario

    scn = get_scenario("cold_war")
    assert scn.system.names == ("USA", "RUS", "UKG", "FRN", "CHN") and scn.start_year == 1946
    assert scn.system.nuclear_at(2) == (0,) and scn.system.nuclear_at(3) == (0, 1)  # 1949
    r = scn.simulate(systems=20, seed=1)
    check = cold_war_check(r).set_index("statistic")
    assert check.loc["wars_1946_1968", "observed"] == 1
    assert check.simulated.between(0, 50).all()
    with pytest.raises(ValueError, match="the check needs 1946-1991"):
        cold_war_check(scn.simulate(systems=2, years=10, seed=1))
