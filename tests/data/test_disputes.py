"""Great-power disputes in the shipped MID v5.0 copy, against figures counted by hand
in ``../shared/design/bargaining.md`` (section 6)."""

import numpy as np
import pytest

from security_regimes.data.disputes import (
    dispute_record,
    great_power_disputes,
    great_power_pair_years,
)


def test_great_power_disputes_by_period():
    rec = dispute_record().set_index("period")
    assert rec.disputes.tolist() == [9, 12, 32]
    assert rec.wars.tolist() == [1, 7, 2]  # hostility level 5
    negotiated = (rec.share_negotiated * rec.disputes).round().astype(int).tolist()
    assert negotiated == [3, 2, 18]
    shares = ["share_yield", "share_stalemate", "share_compromise", "share_victory",
              "share_other"]
    assert rec[shares].sum(axis=1).tolist() == pytest.approx([1.0, 1.0, 1.0])
    # 5 powers to 1859 (10 pairs), Italy from 1860 (15 pairs).
    assert rec.pair_years.tolist()[:2] == [37 * 10, 7 * 10 + 11 * 15]


def test_the_superpower_record():
    us = great_power_disputes(1946, 1991, ("USA", "RUS"))
    assert len(us) == 48
    assert (us.outcome == 5).sum() == 33  # stalemates
    rec = dispute_record(((1946, 1991),), ("USA", "RUS")).iloc[0]
    assert rec.pair_years == 46 and rec.per_pair_year == pytest.approx(48 / 46)
    assert rec.wars == 0  # no war between the two (two disputes reached war with others)
    assert us.war.sum() == 2 and not us.pair_war.any()


def test_joiners_count_like_originators():
    d = great_power_disputes(1853, 1870)
    assert d.dispnum.is_unique and len(d) == 12
    assert great_power_pair_years(1816, 1816) == 10


def test_bad_period():
    with pytest.raises(ValueError, match="start 1900 is after end 1850"):
        great_power_disputes(1900, 1850)


def test_disputes_as_calibration_statistics():
    from security_regimes.data.patterns import observed_patterns

    concert = observed_patterns(1816, 1852)  # the five were the only major powers
    assert concert["disputes_per_pair_year"] == pytest.approx(9 / 370)
    assert concert["dispute_war_share"] == pytest.approx(1 / 9)
    rec = dispute_record(((1816, 1852),)).iloc[0]  # the same nine disputes
    assert concert["dispute_yield_share"] == pytest.approx(rec.share_yield)
    assert concert["dispute_stalemate_share"] == pytest.approx(rec.share_stalemate)
    every = observed_patterns(1853, 1870, cohort="all")  # with Italy from 1860, as section 6
    assert every["disputes_per_pair_year"] == pytest.approx(12 / (7 * 10 + 11 * 15))
    assert every["dispute_war_share"] == pytest.approx(7 / 12)
    five = observed_patterns(1853, 1870)
    assert five["disputes_per_pair_year"] * 180 == pytest.approx(round(five["disputes_per_pair_year"] * 180))
    assert five["disputes_per_pair_year"] * 180 < 12  # the disputes with Italy are left out


def test_hostility_levels_and_cow_wars_by_period():
    rec = dispute_record().set_index("period")
    levels = [c for c in rec.columns if c.startswith("level_")]
    assert len(levels) == 5 and rec[levels].sum(axis=1).tolist() == pytest.approx([1.0] * 3)
    assert rec.level_war.tolist() == pytest.approx(rec.share_war.tolist())
    # COW wars with major powers on both sides: none 1816-52; Crimean (1853), Italian
    # Unification (1859), Seven Weeks (1866), Franco-Prussian (1870); Russo-Japanese (1904).
    assert rec.cow_wars.tolist() == [0, 4, 1]


def test_the_superpower_record_by_era_half():
    rec = dispute_record(((1946, 1968), (1969, 1991)), ("USA", "RUS")).set_index("period")
    assert rec.disputes.tolist() == [31, 17] and rec.cow_wars.tolist() == [0, 0]
    # Two USA-USSR disputes reached war, each with a third state: the pair's own level is lower.
    us = great_power_disputes(1946, 1991, ("USA", "RUS"))
    assert (us.hostlev == 5).sum() == 2 and (us.pair_level < 5).all()
    assert rec.level_war.tolist() == [0.0, 0.0]


def test_wars_in_which_a_superpower_fought_a_smaller_state():
    from security_regimes.data import superpower_wars

    w = superpower_wars()
    assert list(zip(w.war_name, w.superpower, strict=True)) == [
        ("Korean", "USA"), ("Soviet Invasion of Hungary", "RUS"), ("Vietnam War, Phase 2", "USA"),
        ("Second Laotian, Phase 2", "USA"), ("Communist Coalition", "USA"), ("Gulf War", "USA")]
    assert w.opponents.iloc[0] == "China, North Korea" and w.opponents.iloc[-1] == "Iraq"
    assert len(superpower_wars(1946, 1968)) == 4 and len(superpower_wars(1969, 1991)) == 2
    with pytest.raises(ValueError, match="start 1991 is after end 1946"):
        superpower_wars(1991, 1946)


def test_the_records_power_shifts():
    """The largest five-year shift in relative power between two of the five 1816
    great powers, averaged over the period's start years (issue 27's figures)."""
    from security_regimes.data.patterns import largest_shifts, power_shifts

    got = [power_shifts(a, b) for a, b in ((1816, 1852), (1853, 1870), (1871, 1908))]
    assert [round(x, 3) for x in got] == [0.044, 0.107, 0.060]
    caps = np.array([[1.0, 1.0, 2.0], [1.0, 3.0, 2.0], [0.0, 1.0, 1.0]])
    # pairs (0,1), (0,2), (1,2): r = 0.5, 1/3, 1/3 then 0.25, 1/3, 0.6; 3 -> 1 of window 1
    np.testing.assert_allclose(largest_shifts(caps, 1), [0.6 - 1 / 3, 0.6 - 0.5])
    with pytest.raises(ValueError, match="UKG, ROK do not cover 1816-1857"):
        power_shifts(1816, 1852, states=("UKG", "ROK"))
