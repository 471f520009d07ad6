"""The whole state system against COW: dangerous dyads, survival, war sizes
(regimes.history and experiments.powerlaw; issue 28)."""

import json
from dataclasses import replace

import numpy as np
import pytest

from security_regimes.regimes.history import (
    contiguity_check,
    great_powers_only,
    observed_survival,
    simulated_onset_ratio,
    state_system_check,
)
from security_regimes.regimes.scenarios import get_scenario
from security_regimes.system import System, simulate


def _grid(gradient, core="crisis", systems=60, years=60):
    s = System.equal(9, geography="grid", gradient=gradient, core=core)
    return simulate(s, years=years, systems=systems, seed=3, record_alliances=False,
                    record_capabilities=False)


def test_out_of_reach_pairs_never_begin_a_war_or_crisis():
    # On a 3 x 3 lattice every pair that is not contiguous is at least
    # 1414 km apart: at gradient 1 per 1000 km none of them reaches the other.
    r = simulated_onset_ratio(_grid(1.0), "wars")
    assert r["other_onsets"] == 0 and r["contiguous_onsets"] > 0
    assert np.isinf(r["ratio"]) and np.isnan(r["low"])  # no onset between other pairs
    c = simulated_onset_ratio(_grid(1.0), "crises")
    assert c["other_onsets"] == 0 and c["contiguous_onsets"] > 0


def test_the_ratio_grows_with_the_gradient_and_is_near_one_without_it():
    flat = simulated_onset_ratio(_grid(0.0), "wars")
    steep = simulated_onset_ratio(_grid(0.3), "wars")
    assert flat["low"] < 1.0 < flat["high"] or abs(flat["ratio"] - 1) < 0.25
    assert steep["low"] > flat["high"]
    assert flat["contiguous_pair_years"] > 0 and flat["other_pair_years"] > 0


def test_onset_ratio_bad_input():
    r = _grid(0.5, systems=4, years=5)
    with pytest.raises(ValueError, match="expected 'wars' or 'crises'"):
        simulated_onset_ratio(r, "disputes")
    with pytest.raises(ValueError, match="miss 1900-1910"):
        simulated_onset_ratio(r, "wars", start_year=1816, period=(1900, 1910))
    flat = simulate(System.equal(4), years=5, systems=4, seed=1)
    with pytest.raises(ValueError, match="no contiguous pairs"):
        contiguity_check(flat)


def test_observed_survival_and_great_powers_only():
    assert observed_survival(1816, 1913, ["UKG", "BAV", "FRN"]).tolist() == [True, False, True]
    assert great_powers_only(get_scenario("concert_of_europe").system)
    assert great_powers_only(System.equal(3))
    assert not great_powers_only(get_scenario("state_system_1816").system)


@pytest.fixture(scope="module")
def state_run():
    base = get_scenario("state_system_1816")
    scn = replace(base, system=base.system.with_(core="crisis"))
    return scn.simulate(seed=1, systems=40, record_capabilities=True, record_alliances=True)


def test_state_system_check_against_cow(state_run):
    t = state_system_check(state_run).set_index("statistic")
    assert list(t.index) == ["contiguity_ratio_wars", "contiguity_ratio_crises",
                             "survival_great", "survival_minor", "allied_pair_share",
                             "alliances_per_year", "alliance_years"]
    # COW's alliances among these states last years (spells cut at 1816 and 1913)
    assert 5 < t.observed["alliance_years"] < 20
    # COW: several alliances a year among these states; the model forms far fewer.
    assert t.observed["alliances_per_year"] > 2 >= t.simulated_high["alliances_per_year"]
    assert 0 < t.observed["allied_pair_share"] < 0.5
    # COW: every great power of 1816 is a member in 1913; half the minor ones
    # (the German and Italian states left by unification).
    assert t.observed["survival_great"] == 1.0
    assert 0.3 < t.observed["survival_minor"] < 0.7
    assert 6 < t.observed["contiguity_ratio_wars"] < 16
    for row in t.itertuples():  # (a quantile interval over runs need not hold the mean:
        assert 0 <= row.simulated_low <= row.simulated_high  # 39 runs of 40 at 1, say)
        assert row.simulated >= 0
    assert t.simulated["contiguity_ratio_wars"] > 1  # neighbours fight more often
    with pytest.raises(ValueError, match="the check needs 1950"):
        state_system_check(state_run, end=1950)


def test_war_size_check_columns(state_run):
    pytest.importorskip("powerlaw", reason="the tails extra (make test installs it)")
    from security_regimes.experiments.powerlaw import MIN_DECADES, war_size_check

    w = war_size_check(state_run.measures).set_index("statistic")
    assert list(w.index) == ["war_size_alpha", "war_size_decades"]
    a = w.loc["war_size_alpha"]
    assert a.observed_low < a.observed < a.observed_high and 1.2 < a.observed < 2.0
    assert a.inside == (a.observed_low <= a.simulated <= a.observed_high)
    d = w.loc["war_size_decades"]
    assert d.observed > 2 and d.inside == (d.simulated >= MIN_DECADES)


def test_regimes_run_reports_the_state_system(capsys):
    from tests.presentation.test_cli import run

    code, out, err = run("run", "state_system_1816", "--systems", "30", "--core", "crisis",
                         "--json", capsys=capsys)
    assert code == 0, err
    stats = {r["statistic"] for r in json.loads(out)["state_system"]}
    assert {"contiguity_ratio_wars", "contiguity_ratio_crises", "survival_great",
            "survival_minor"} <= stats
    if "war_size_alpha" not in stats:  # the fit needs the tails extra and 10 wars
        pytest.importorskip("powerlaw")
    assert {"war_size_alpha", "war_size_decades"} <= stats


def test_the_dated_state_system_scores_only_the_first_years_states():
    base = get_scenario("state_system_dated")
    s = base.system
    assert s.membership == "record" and s.growth == "record" and s.n_powers > 23
    r = base.simulate(seed=2, systems=10, record_capabilities=True)
    t = state_system_check(r).set_index("statistic")
    first = System.from_cow(1816, members=True)
    assert t.loc["survival_great", "description"].startswith("share of the 5 great powers")
    n_minor = first.n_powers - 5
    assert t.loc["survival_minor", "description"].startswith(f"share of the {n_minor} minor")
    assert r.measures["entries"].sum() > 0


def test_no_state_of_a_state_system_falls_out_without_a_war():
    from security_regimes.regimes.scenarios import state_system_elimination

    assert state_system_elimination([0.5, 0.3, 0.17, 0.03]) == 0.01
    assert state_system_elimination([2.0, 1.0, 1.0]) == 0.1  # shares, any scale
    for name in ("state_system_1816", "state_system_dated", "state_system_1946"):
        s = get_scenario(name).system
        c = np.asarray(s.capabilities)
        assert s.elimination_threshold <= c.min() / c.sum() < 10 * s.elimination_threshold
    # A world without war (the first-strike core, nothing to win, striking first a handicap): no
    # state falls out of the 1946-1991 system, whereas below the first era's
    # threshold most of its small states would.
    s = get_scenario("state_system_1946").system.with_(core="first_strike", first_strike=-0.9,
                                                       transfer=0.0)
    for threshold, falls in ((s.elimination_threshold, False), (0.001, True)):
        m = simulate(s.with_(elimination_threshold=threshold), years=46, systems=3,
                     seed=1).measures
        assert m["wars"].sum() == 0
        assert (m["eliminated"].sum() > 0) == falls


def test_regimes_run_scores_the_second_eras_state_system(capsys):
    from tests.presentation.test_cli import run

    code, out, err = run("run", "state_system_1946", "--systems", "4", "--json",
                         capsys=capsys)
    assert code == 0, err
    rows = {r["statistic"]: r for r in json.loads(out)["state_system"]}
    assert rows["survival_great"]["description"].startswith("share of the 4 great powers of "
                                                            "1946 alive in 1991")
    assert 0.95 < rows["survival_minor"]["observed"] < 1.0
