"""The shipped COW copy against the release files in ../shared, and the loaders."""

import importlib.util
from importlib import resources
from pathlib import Path

import pytest

from security_regimes.data import (
    capability_shares,
    great_power_wars,
    major_powers,
    wars,
)
from security_regimes.regimes.history import observed_war_rates

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "cow"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/cow is not present")
def test_shipped_copy_rebuilds_from_the_release_files(tmp_path):
    spec = importlib.util.spec_from_file_location("curate", ROOT / "scripts" / "curate_cow.py")
    curate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(curate)
    curate.main(SHARED, tmp_path)
    shipped = resources.files("security_regimes.data").joinpath("cow")
    for name in ("capabilities.csv", "majors.csv", "wars.csv", "alliances.csv", "disputes.csv",
                 "dispute_participants.csv"):
        assert (tmp_path / name).read_bytes() == shipped.joinpath(name).read_bytes(), name


def test_1816_great_power_shares():
    s = capability_shares(1816)
    assert list(s.index) == ["UKG", "RUS", "FRN", "AUH", "GMY"]
    assert s.sum() == pytest.approx(1.0)
    # SOURCES.md: UKG .337, RUS .164 of the whole system in 1816
    assert s["UKG"] / s["RUS"] == pytest.approx(0.337 / 0.164, rel=0.01)


def test_majors_and_wars():
    m = major_powers()
    assert set(m[m.styear == 1816].stateabb) == {"UKG", "FRN", "GMY", "AUH", "RUS"}
    w = wars()
    assert w.war_num.nunique() == 95
    assert w.battle_deaths.isna().sum() == 1  # Thailand, Second Laotian War, Phase 2
    gp = great_power_wars(1816, 1914)
    crimean = gp[gp.war_name == "Crimean"].iloc[0]
    assert crimean.start_year == 1853 and crimean.major_vs_major
    assert observed_war_rates().wars.tolist() == [1, 5]


@pytest.mark.parametrize("call,msg", [
    (lambda: capability_shares(1700), r"COW year must be an integer in \[1816, 2016\], got 1700"),
    (lambda: capability_shares(1816, ("UKG", "USSR")), "no COW capabilities for USSR in 1816"),
])
def test_bad_input(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()
