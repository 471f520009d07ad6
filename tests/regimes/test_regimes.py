from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from security_regimes.regimes.history import compare_with_history, observed_war_rates
from security_regimes.regimes.regime import NORMS, Conditions, Regime, regime_from_dict
from security_regimes.regimes.scenarios import (
    Scenario,
    builtin_scenarios,
    get_scenario,
    run_scenario,
    schelling,
)
from security_regimes.system import Policy, System, simulate, uncalibrated

# Two powers, the stronger can always attack the weaker at a profit (k = 2, no
# war cost, no growth), the weaker never has the odds: every restraining
# decision is a forgone profitable attack.
# the first-strike core at its earlier defaults: the stronger power's attack pays every year
TWO = uncalibrated(System(capabilities=(0.6, 0.4), cow_year=None, growth_mean=0.0, growth_sd=0.0,
                          war_cost=0.0, transfer=0.5, decisiveness=2.0)).with_(misperception=0.0)
FIXED = Conditions(regulation=1, shared_value=1, war_cost_perception=1, initial_weight=1.0)


def test_regime_that_never_binds_has_autonomy_zero_and_changes_nothing():
    silent = Regime(norms={n: 0.0 for n in NORMS}, conditions=FIXED)
    for policy in ("waltz", "far_sighted_waltz", "balancer"):
        with_r = simulate(years=60, systems=50, seed=4, policy=policy, regime=silent)
        without = simulate(years=60, systems=50, seed=4, policy=policy)
        np.testing.assert_array_equal(with_r.capabilities, without.capabilities)
        a = with_r.summary.regime_autonomy
        assert (a[with_r.summary.restraints > 0] == 0).all()


def test_regime_forbidding_every_profitable_attack_has_autonomy_one():
    forbid = Regime(norms={"restraint": 1.0}, conditions=FIXED)
    r = simulate(TWO, years=30, systems=20, seed=1, policy="waltz", regime=forbid)
    assert r.measures["war"].sum() == 0
    assert (r.summary.restraints == 30).all()  # one forgone attack a year
    assert (r.summary.regime_autonomy == 1.0).all()
    # Without the regime those attacks happen.
    free = simulate(TWO, years=30, systems=20, seed=1, policy="waltz")
    assert free.measures["war"][:, 0].all()
    assert (free.summary.restraints[free.summary.restraints > 0] >= 0).all()


def test_partial_weight_gives_matching_autonomy():
    # In year 1 every system is in the same state; the norm binds with
    # probability 0.5, so half the forgone attacks are norm-explained.
    half = Regime(norms={"restraint": 0.5}, conditions=FIXED)
    r = simulate(TWO, years=1, systems=2000, seed=2, policy="waltz", regime=half)
    df = r.per_year
    a = df.regime_autonomy.fillna(0).mean()  # no restraint in a year = the attack happened
    assert abs(a - 0.5) < 4 * np.sqrt(0.25 / len(df))
    assert abs(df.war.mean() - 0.5) < 4 * np.sqrt(0.25 / len(df))


def test_interest_based_restraint_is_not_regime_autonomy():
    # Far-sighted Waltz spares beaten powers out of interest: restraint, autonomy 0.
    r = run_scenario("far_sighted_waltz", seed=1, systems=100, years=100)
    assert r.result.summary.restraints.sum() > 0
    assert np.nanmax(r.result.summary.regime_autonomy) == 0.0
    k = run_scenario("kaplan_balance", seed=1, systems=100, years=100)
    assert np.nanmean(k.result.summary.regime_autonomy) > 0.1


def test_memory_fades_with_half_life():
    reg = Regime(conditions=Conditions(memory=1.0, war_cost_perception=0.0, half_life=10.0,
                                       memory_gain=0.0))
    r = simulate(System(conquest=False, elimination_threshold=0.0), years=30, systems=5,
                 seed=0, policy="waltz", regime=reg)
    strength = r.measures["regime_strength"].mean(axis=0)
    assert strength[25] < strength[5]


def test_scenario_tables_have_required_columns(tmp_path):
    r = run_scenario("concert_of_europe", seed=3, systems=40, years=100)
    r.to_parquet(tmp_path)
    years = pd.read_parquet(tmp_path / "years.parquet")
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    for col in ("regime_autonomy", "cooperation_rate", "war", "n_alive", "hhi", "con",
                "calendar_year"):
        assert col in years.columns
    assert {"regime_autonomy", "cooperation_rate", "war_frequency"} <= set(runs.columns)
    a = r.autonomy()
    assert a["lo"] <= a["mean"] <= a["hi"]
    by_year = r.autonomy_by_year()
    assert by_year.calendar_year.iloc[0] == 1816
    hist = compare_with_history(r)
    assert list(hist.period) == ["1816-1853", "1854-1914"]


def test_observed_great_power_wars():
    obs = observed_war_rates()
    assert obs.wars.tolist() == [1, 5]
    assert "Crimean" in obs.names.iloc[0]


def test_schelling_uses_the_game_the_system_plays():
    from security_regimes.regimes.scenarios import stage_game
    from security_regimes.system.model import dyad_payoffs

    df = schelling("concert_of_europe")
    g = stage_game("concert_of_europe")
    pay = dyad_payoffs(get_scenario("concert_of_europe").system)
    assert g.T == pytest.approx(np.nanmean(pay["T"]))
    assert df.attrs["game"] == g.name
    n = len(df)
    assert df.restrain.iloc[-1] == pytest.approx((n - 1) * g.R)
    assert df.expand.iloc[0] == pytest.approx((n - 1) * g.P)
    # Under the first-strike core a first-strike bonus makes being struck first (S)
    # worse than a war neither opens by surprise (P); without it S and P coincide.
    fs = get_scenario("concert_of_europe").system.with_(core="first_strike", first_strike=0.25)
    assert stage_game(fs).S < stage_game(fs).P
    flat = stage_game(fs.with_(first_strike=0.0))
    assert flat.S == pytest.approx(flat.P)
    # Superpowers: a war between them destroys nearly everything.
    # Superpowers under the first-strike core: a war between them destroys nearly everything.
    sp = stage_game(uncalibrated(get_scenario("superpower_bipolar").system), pair=(0, 1))
    assert sp.P < -0.5 and sp.S < -0.5
    with pytest.raises(ValueError, match="two different powers"):
        stage_game("superpower_bipolar", pair=(1, 1))


def test_all_scenarios_run_small():
    for name in builtin_scenarios():
        r = run_scenario(name, seed=0, systems=3, years=5)
        assert len(r.per_year) == 15


def test_counterfactual_strips_norms():
    k = get_scenario("kaplan_balance").counterfactual()
    assert k.policy.name == "waltz" and k.regime is None
    c = get_scenario("concert_of_europe").counterfactual()
    assert c.regime is None


@pytest.mark.parametrize(
    "call,msg",
    [(lambda: regime_from_dict({"nome": "x"}), "unknown regime field 'nome'"),
     (lambda: regime_from_dict({"conditions": {"halflife": 3}}), "unknown regime condition"),
     (lambda: Regime(norms={"restraint": 1.5}), r"norms\.restraint must be a number in \[0, 1\], got 1.5"),
     (lambda: Regime(norms={"restrain": 1.0}), "norms: unknown key 'restrain'; closest: restraint"),
     (lambda: Conditions(half_life=0), r"half_life must be a number in \(0, 1e\+06\] or null, got 0"),
     (lambda: Conditions(half_life=-5), r"half_life must be a number in \(0, 1e\+06\] or null, got -5"),
     (lambda: Conditions(domestic_rate=-0.1), r"domestic_rate must be a number in \[0, 1\], got -0.1"),
     (lambda: Conditions(shock_rate=0.6, domestic_rate=0.6), r"shock_rate \+ domestic_rate must be at most 1"),
     (lambda: Conditions(events=[[3, 0, "coup"]]), r"events must be a list of \(year, power, kind\) triples.*entry 0 has the unknown event 'coup'"),
     (lambda: Conditions(events=[[0, 0, "domestic"]]), r"entry 0 has year 0"),
     (lambda: Conditions(events="1848"), r"events must be a list"),
     (lambda: simulate(TWO, regime=Regime(conditions=Conditions(events=[[1, 4, "domestic"]])), years=2, systems=1),
      r"conditions.events: powers must be indices in \[0, 2\)"),
     (lambda: get_scenario("concert"), "unknown scenario 'concert'"),
     (lambda: simulate(TWO, regime=Regime(members=(0, 5)), years=2, systems=1),
      "regime members must be power indices")],
)
def test_bad_input(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()


def test_custom_scenario():
    s = Scenario("mine", "test", "none", system=TWO, policy=Policy("waltz"),
                 regime=Regime(norms={"restraint": 1.0}, conditions=FIXED), years=5, systems=4)
    r = s.run(seed=1)
    assert r.outcomes().set_index("outcome").loc["regime_autonomy", "mean"] == 1.0


def test_mutual_restraint_pays_a_known_growth():
    # No growth, no wars (defense dominates), everyone restrains: each year every
    # power gains exp(cooperation_gain) for restraint reciprocated by all.
    peace = System.equal(3, growth_mean=0.0, growth_sd=0.0, first_strike=-0.5,
                         misperception=0.0, cooperation_gain=0.1)
    r = simulate(peace, years=10, systems=3, seed=0, policy="waltz", dyadic="Cooperator")
    assert not r.measures["war"].any()
    np.testing.assert_allclose(r.measures["total"], np.exp(0.1 * np.arange(1, 11))[None, :]
                               * np.ones((3, 1)), rtol=1e-12)
    np.testing.assert_allclose(r.measures["growth"][:, 0], np.exp(0.1) - 1, rtol=1e-12)
    # Half the partners reciprocate: a Defector among Cooperators earns nothing
    # and each Cooperator earns half the gain from its one cooperating partner.
    mixed = simulate(peace, years=1, systems=1, seed=0, policy="waltz",
                     dyadic=["Defector", "Cooperator", "Cooperator"])
    np.testing.assert_allclose(mixed.capabilities[0, 1], [1 / 3, np.exp(0.05) / 3,
                                                          np.exp(0.05) / 3], rtol=1e-12)


def test_in_the_economic_realm_nobody_is_eliminated_and_restraint_pays():
    r = run_scenario("economic", seed=3, systems=200, years=100)
    s = r.result.summary
    assert (s.eliminations == 0).all() and (r.result.measures["n_alive"] == 5).all()
    assert s.formation_year.notna().mean() > 0.9
    sec = run_scenario("security", seed=3, systems=200, years=100).result.summary
    assert s.cooperation_per_pair_year.mean() > sec.cooperation_per_pair_year.mean()


def test_the_three_knobs_together_make_regimes_harder_to_form():
    from security_regimes.regimes.scenarios import knobs_experiment

    # the first-strike core at its earlier defaults, where the knobs' machinery was worked
    # out; what the knobs do at the package defaults is reported by `regimes claims`
    economic = get_scenario("economic")
    base = replace(economic, system=uncalibrated(economic.system))
    k = knobs_experiment(values=(0.0, 1.0), systems=150, years=60, seed=2, base=base)
    both = k.set_index(["knob", "value"])
    assert both.loc[("all", 1.0), "formed_hi"] < both.loc[("all", 0.0), "formed_lo"]
    assert both.loc[("all", 1.0), "conflict_lo"] > both.loc[("all", 0.0), "conflict_hi"]
    for knob in ("competitiveness", "uncertainty"):
        assert both.loc[(knob, 1.0), "formed"] < both.loc[(knob, 0.0), "formed"]


def test_member_mask_marks_exactly_the_members():
    assert Regime(members=(0, 2)).member_mask(4).tolist() == [True, False, True, False]
    assert Regime().member_mask(3).tolist() == [True, True, True]
    with pytest.raises(ValueError, match=r"power indices in \[0, 2\)"):
        Regime(members=(0, 2)).member_mask(2)
