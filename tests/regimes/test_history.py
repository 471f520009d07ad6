"""History as a predictive distribution (issue 10)."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from security_regimes.regimes.history import covers_record, history_check, observed_record
from security_regimes.regimes.scenarios import get_scenario


def test_observed_record_matches_hand_checked_cow_facts():
    obs = observed_record()
    # Crimean, Italian Unification, Seven Weeks, Franco-Prussian, Russo-Japanese.
    assert obs["wars"] == 5
    assert obs["first_war_year"] == 1853
    # Pairs of major powers: 5 powers 1816-1859 (44 years x 10 pairs), Italy
    # from 1860 (35 x 15), Japan from 1895 (3 x 21), the USA from 1898 (16 x 28).
    assert obs["pair_years"] == 44 * 10 + 35 * 15 + 3 * 21 + 16 * 28
    assert obs["wars_per_pair_year"] == pytest.approx(5 / 1476)
    assert obs["no_war_until_1852"] and obs["all_1816_powers_alive_1914"]
    assert obs["eliminations"] == 0 and obs["restorations"] == 0


def test_history_check_probabilities_and_likelihood_ratios():
    r = get_scenario("concert_of_europe").run(seed=1, systems=200)
    h = history_check(r).set_index("statistic")
    for key in ("p_no_war_1816_1852", "p_all_alive_1914"):
        assert 0 <= h.with_norms[key] <= 1 and 0 <= h.without_norms[key] <= 1
    w = h.with_norms
    assert w["first_war_p10"] <= w["first_war_p50"] <= w["first_war_p90"]
    # The with-norms first-war year agrees with the per-run first member war.
    first = np.sort(np.nan_to_num(r.result.summary.first_member_war.to_numpy() + 1815,
                                  nan=np.inf))
    first[first > 1913] = np.inf
    assert w["first_war_p50"] == first[len(first) // 2 - 1]  # the empirical median of 200
    py = r.result.measures["pairs"][:, :98].sum()
    m = r.result.measures  # every war begun in a year with a war between members
    assert w["wars_per_pair_year"] == pytest.approx(
        np.where(m["member_war"], m["wars"], 0)[:, :98].sum() / py)
    lr = h.likelihood_ratio["p_no_war_1816_1852"]
    p1, p0 = w["p_no_war_1816_1852"], h.without_norms["p_no_war_1816_1852"]
    assert (np.isnan(lr) and p1 == p0 == 0) or lr == pytest.approx(p1 / p0)


def test_a_world_without_spoils_keeps_the_peace_and_everyone_alive():
    base = get_scenario("concert_of_europe")
    # the first-strike core: wars for spoils (the crisis core's are over the disputed good)
    calm = replace(base, system=base.system.with_(core="first_strike", transfer=0.0,
                                                  conquest=False))
    h = history_check(calm.run(seed=2, systems=50)).set_index("statistic")
    assert h.with_norms["p_no_war_1816_1852"] == 1.0
    assert h.with_norms["p_all_alive_1914"] == 1.0
    assert h.likelihood_ratio["p_no_war_1816_1852"] == 1.0  # same record with or without norms
    assert h.with_norms["wars_per_pair_year"] == 0.0
    assert h.with_norms["first_war_p50"] == np.inf  # no run had a war by 1913


def test_runs_that_miss_the_record_are_refused():
    assert covers_record(1816, 99) and not covers_record(1816, 98)
    assert not covers_record(1817, 200)
    r = get_scenario("concert_of_europe").run(seed=1, systems=5, years=50)
    with pytest.raises(ValueError, match="history check needs 1816-1914"):
        history_check(r)


def test_run_prints_history_and_channels():
    out = subprocess.run([sys.executable, "-m", "security_regimes.presentation.cli", "run",
                          "concert_of_europe", "--systems", "20", "--json"],
                         capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    assert {row["statistic"] for row in d["history"]} >= {"p_no_war_1816_1852",
                                                          "p_all_alive_1914"}
    assert [row["channel"] for row in d["channels"]][:3] == [
        "total difference in wars per run", "survival (pairs at risk)", "war per pair at risk"]


def test_the_cluster_and_the_joint_record():
    obs = observed_record()
    assert obs["cluster_wars"] == 4  # Crimean, Italian Unification, Seven Weeks, Franco-Prussian
    base = get_scenario("concert_of_europe")
    r = replace(base, system=base.system.with_(core="crisis")).run(seed=1, systems=100)
    h = history_check(r).set_index("statistic")
    assert h.observed["p_3_wars_1853_1870"] == 1.0 and h.observed["p_joint_record"] == 1.0
    m = r.result.measures
    war = m["member_war"]
    cluster = np.where(war[:, 37:55], m["wars"][:, 37:55], 0).sum(axis=1) >= 3
    no_war = ~war[:, :37].any(axis=1)
    alive = m["continuous_survival"][:, 98] == 1.0
    assert h.with_norms["p_3_wars_1853_1870"] == pytest.approx(cluster.mean())
    assert h.with_norms["p_joint_record"] == pytest.approx((cluster & no_war & alive).mean())
    assert h.with_norms["p_joint_record"] <= min(h.with_norms["p_3_wars_1853_1870"],
                                                  h.with_norms["p_no_war_1816_1852"])


def test_crisis_check_against_the_mid_record():
    from security_regimes.regimes.history import crisis_check

    base = get_scenario("concert_of_europe")
    r = replace(base, system=base.system.with_(core="crisis")).run(seed=1, systems=60)
    c = crisis_check(r)
    assert c.period.unique().tolist() == ["1816-1852", "1853-1870", "1871-1913"]
    first = c[c.period == "1816-1852"].set_index("statistic")
    assert first.observed["per_pair_year"] == pytest.approx(9 / 370)
    m = r.result.measures
    per_run = m["crises"][:, :37].sum(axis=1) / m["pairs"][:, :37].sum(axis=1)
    assert first.simulated["per_pair_year"] == pytest.approx(per_run.mean())
    assert first["rank"]["per_pair_year"] == pytest.approx((per_run <= 9 / 370).mean())
    shares = first.loc[["share_war", "share_yield", "share_stalemate", "share_compromise"],
                       "simulated"]
    assert 0.99 < shares.sum() < 1.01 or first.runs["share_war"] == 0


def test_run_with_the_crisis_core_reports_crises():
    out = subprocess.run([sys.executable, "-m", "security_regimes.presentation.cli", "run",
                          "concert_of_europe", "--systems", "20", "--core", "crisis", "--json"],
                         capture_output=True, text=True, check=True).stdout
    payload = json.loads(out)
    stats = {row["statistic"] for row in payload["history"]}
    assert {"p_joint_record", "p_3_wars_1853_1870"} <= stats
    assert {row["statistic"] for row in payload["crises"]} >= {"per_pair_year", "share_war"}


def test_the_nuclear_dyad_against_the_superpower_record():
    from security_regimes.regimes.history import dyad_crisis_check

    base = get_scenario("superpower_bipolar")
    r = replace(base, system=base.system.with_(core="crisis")).run(seed=1, systems=100)
    d = dyad_crisis_check(r).set_index("statistic")
    assert d.observed["per_year"] == pytest.approx(48 / 46)
    assert d.observed["share_stalemate"] == pytest.approx(33 / 48)
    assert d.observed["share_war"] == 0.0
    c = r.result.crises
    codes = np.maximum(c[:, :, 0, 1], c[:, :, 1, 0])
    assert d.simulated["per_year"] == pytest.approx(((codes > 0).sum(axis=1) / r.result.years).mean())
    with pytest.raises(ValueError, match="kept no crises"):
        dyad_crisis_check(replace(base, system=base.system.with_(core="first_strike"))
                          .run(seed=1, systems=3, years=5))
