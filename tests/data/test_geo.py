"""The shipped geography (states, capitals, contiguity, rivalries) and the dangerous-dyads check."""

import importlib.util
from importlib import resources
from math import comb
from pathlib import Path

import numpy as np
import pytest

from security_regimes.data import geo

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not (SHARED / "peacesciencer").is_dir(),
                    reason="../shared/data/peacesciencer is not present")
def test_shipped_copy_rebuilds_from_the_sources(tmp_path):
    spec = importlib.util.spec_from_file_location("curate",
                                                  ROOT / "scripts" / "curate_geography.py")
    curate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(curate)
    curate.main(SHARED, tmp_path)
    shipped = resources.files("security_regimes.data").joinpath("geography")
    for name in ("states.csv", "capitals.csv", "contiguity.csv", "rivalries.csv"):
        assert (tmp_path / name).read_bytes() == shipped.joinpath(name).read_bytes(), name


def test_members_of_1816_and_1913():
    m16 = geo.members(1816)
    assert len(m16) == 23 and m16[:4] == ("UKG", "RUS", "FRN", "AUH")
    assert {"BAV", "SAX", "PAP", "SIC", "USA"} <= set(m16)
    m13 = set(geo.members(1913))
    assert not {"BAV", "SAX", "PAP", "SIC"} & m13  # gone by unification
    assert {"JPN", "ITA", "GMY", "USA"} <= m13


def test_distances_between_capitals():
    d = geo.distances(("UKG", "FRN", "RUS"), 1816)
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)
    assert d[0, 1] == pytest.approx(344, rel=0.02)  # London-Paris
    assert d[1, 2] == pytest.approx(2170, rel=0.02)  # Paris-St Petersburg (capital to 1918)


def test_contiguity_by_year():
    c = geo.contiguity(("UKG", "FRN", "GMY", "AUH", "RUS"), 1816)
    assert np.array_equal(c, c.T) and np.all(np.diag(c) == 0)
    assert c[0, 1] == 3  # the Channel: at most 24 miles of water
    assert c[1, 2] == 1 and c[3, 4] == 1  # land borders
    assert c[0, 4] == 0


def test_rate_ratio_on_known_counts():
    ratio, lo, hi = geo.rate_ratio_interval([1, 1], [10, 10], [1, 0], [50, 50], draws=500)
    assert ratio == pytest.approx((2 / 20) / (1 / 100))
    assert lo <= ratio <= hi or np.isnan(lo)


def test_dangerous_dyads_in_cow():
    r = geo.onset_ratio(1816, 1913, "disputes")
    assert r["low"] <= r["ratio"] <= r["high"]
    assert r["low"] > 1  # Bremer (1992): contiguous pairs are far more dangerous
    n_pairs = sum(comb(len(geo.members(y)), 2) for y in range(1816, 1914))
    # members() keeps states with a CINC first but lists every member
    assert r["contiguous_pair_years"] + r["other_pair_years"] == n_pairs
    w = geo.onset_ratio(1816, 1913, "wars")
    assert w["contiguous_onsets"] + w["other_onsets"] <= len(geo.dyadic_onsets(1816, 1913, "wars"))


@pytest.mark.parametrize("call, message", [
    (lambda: geo.members(1700), "COW year must be an integer in [1816, 2016], got 1700"),
    (lambda: geo.codes(["XXX"]), "unknown COW state abbreviation(s): XXX"),
    (lambda: geo.check_members(["GFR"], 1816), "not COW system members in 1816: GFR"),
    (lambda: geo.onset_ratio(1900, 1850), "onset_ratio: start 1900 is after end 1850"),
    (lambda: geo.dyadic_onsets(1816, 1913, "battles"), "events: expected 'disputes' or 'wars'"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=None) as e:
        call()
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_alliances_in_force_and_the_alliance_record():
    blocs = dict(geo.alliances_in_force(1816))
    assert blocs[1] == ("UKG", "POR")  # COW alliance 1: Britain and Portugal
    assert {"AUH", "GMY", "BAV", "SAX"} <= set(blocs[3])  # the German Confederation
    assert all(len(m) >= 2 for m in blocs.values())
    only = geo.alliances_in_force(1816, ("UKG", "POR", "RUS"))
    assert (1, ("UKG", "POR")) in only and all(set(m) <= {"UKG", "POR", "RUS"} for _, m in only)
    r = geo.alliance_record(1816, 1820)
    assert list(r.year) == list(range(1816, 1821))
    assert r.alliances.iloc[0] == len(blocs)
    n = len(geo.members(1816))
    assert r.pairs.iloc[0] == n * (n - 1) // 2 and (r.allied_pairs <= r.pairs).all()
    few = geo.alliance_record(1816, 1816, ("UKG", "POR", "RUS"))
    assert few.pairs.iloc[0] == 3 and few.allied_pairs.iloc[0] >= 1


def test_membership_rates_count_the_record():
    """Member-years are the members of each year summed; exits are the spells
    that end inside the period (the German and Italian states at unification
    among them); the split by war is part of them; the rates are per
    member-year."""
    r = geo.membership_rates(1816, 1913)
    assert r["member_years"] == sum(len(geo.members(y)) for y in range(1816, 1914))
    s = geo.states()
    ended = s[(s.end_year >= 1816) & (s.end_year < 1913)]
    assert r["exits"] == len(ended) and {"HAN", "BAV", "TUS", "PAP"} <= set(ended.stateabb)
    assert 0 < r["exits_by_war"] < r["exits"]
    assert r["exit_rate"] == pytest.approx((r["exits"] - r["exits_by_war"]) / r["member_years"])
    assert r["entries_per_year"] == pytest.approx(r["entries"] / 97)
    with pytest.raises(ValueError, match="end must be after start"):
        geo.membership_rates(1900, 1900)
