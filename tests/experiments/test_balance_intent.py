"""Result against intent: far-sighted interest against Kaplan's internalised rules."""

import numpy as np
import pytest

from security_regimes.experiments.balance import intent_phase_diagram
from security_regimes.presentation import plots
from security_regimes.system import UNCALIBRATED, Policy, System, simulate


def test_intent_phase_diagram():
    df = intent_phase_diagram(discounts=(0.0, 0.99), n_powers=(3, 7), thresholds=(0.0, 0.05),
                              systems=40, years=60, seed=2)
    assert len(df) == 8
    # Interest alone is never norm-explained restraint.
    assert (df.far_autonomy.fillna(0) == 0).all() and (df.kaplan_autonomy > 0).all()
    # Restored actors count as alive in "essential" survival only.
    assert (df.kaplan_essential >= df.kaplan_survival).all()
    # Kaplan-like means survival and sparing both within 0.05 of Kaplan's.
    close = ((df.far_survival - df.kaplan_survival).abs() <= 0.05) & (
        (df.far_sparing - df.kaplan_sparing).abs() <= 0.05)
    assert (df.kaplan_like == close).all()
    # A longer horizon spares more beaten powers.
    for _, g in df.groupby(["n_powers", "elimination_threshold"]):
        assert g.far_sparing.iloc[1] >= g.far_sparing.iloc[0]
    fig = plots.intent_phase(df)
    assert len(fig.axes) == 3  # two panels and the colour bar
    texts = [t.get_text() for t in fig.axes[0].texts]
    first = df[df.n_powers == 3].iloc[0]
    assert f"{first.far_survival - first.kaplan_survival:+.2f}" in texts


def test_without_a_future_far_sighted_interest_is_plain_self_help_but_for_divided_gains():
    # Discount 0: a spared power is worth nothing later; only the share of the
    # spoils a partner would take can still stop an elimination.  Between two
    # powers there is no partner, so far-sighted Waltz is Waltz.  The first-strike
    # core at its earlier defaults: the crisis core's wars are for limited aims, and
    # no winner presses on to elimination, so every beaten power is spared there.
    two = System.equal(2, **UNCALIBRATED)
    a = simulate(two, years=50, policy=Policy("far_sighted_waltz", discount=0.0), systems=50,
                 seed=1)
    b = simulate(two, years=50, policy="waltz", systems=50, seed=1)
    np.testing.assert_array_equal(a.capabilities, b.capabilities)
    # With a long horizon and a third power to fear, beaten powers are spared more.
    three = System.equal(5, elimination_threshold=0.0, **UNCALIBRATED)
    near = simulate(three, years=100, policy=Policy("far_sighted_waltz", discount=0.0),
                    systems=200, seed=1).summary
    far = simulate(three, years=100, policy=Policy("far_sighted_waltz", discount=0.99),
                   systems=200, seed=1).summary
    assert far.sparing.mean() > near.sparing.mean() + 0.05
    assert far.continuous_survival.mean() > near.continuous_survival.mean()


def test_the_periphery_world_spreads_the_great_powers_over_the_lattice():
    from security_regimes.experiments.balance import (
        PERIPHERY_SIZE,
        great_powers,
        world_with_periphery,
    )

    s = world_with_periphery(4, 12, "grid", 0.5)
    g = great_powers(s)
    assert s.n_powers == 16 and g.sum() == 4
    assert np.flatnonzero(g).tolist() == [0, 5, 10, 15]  # the lattice's diagonal
    caps = np.asarray(s.capabilities)
    assert caps[~g][0] / caps[g][0] == pytest.approx(PERIPHERY_SIZE)
    assert s.geography == "grid" and s.gradient == 0.5


def test_balance_with_the_rest_of_the_system_reports_great_power_survival():
    from security_regimes.experiments.balance import balance_experiment

    out, surv = balance_experiment((3, 5), ("waltz", "kaplan"), systems=20, years=30, seed=1,
                                   geography="grid", gradient=0.5, periphery=6)
    assert {"great_survival", "all_great_survive", "minor_survival"} <= set(out.columns)
    assert out.great_survival.between(0, 1).all() and out.minor_survival.between(0, 1).all()
    # the survival curve is the great powers': it starts near all alive
    first = surv[surv.year == 1]
    assert (first.survival > 0.5).all()
    plain, _ = balance_experiment((3,), ("waltz",), systems=5, years=5, seed=1)
    assert "great_survival" not in plain.columns


@pytest.mark.parametrize("args, message", [
    (["--geography", "capitals"], "expected 'none', 'grid' or 'random', got 'capitals'"),
    (["--periphery", "300"], "exceed the 256 powers a system holds"),
    (["--gradient", "-2"], "--gradient must be a number in [0, 10], got -2.0"),
    (["--cow", "--periphery", "3"], "--cow: the COW start has no periphery or map"),
])
def test_balance_geography_bad_input(args, message, capsys):
    from tests.presentation.test_cli import run

    code, _, err = run("balance", *args, capsys=capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_under_the_crisis_core_every_beaten_power_is_spared():
    """Wars for limited aims: no winner presses on to elimination under the crisis
    core, so sparing cannot tell interest from rules there; the first-strike core
    (``core=``) is where the intent grid measures it."""
    kw = dict(discounts=(0.0,), n_powers=(5,), thresholds=(0.0,), systems=60, years=80, seed=2)
    crisis, first = intent_phase_diagram(**kw), intent_phase_diagram(**kw, core="first_strike")
    for col in ("waltz_sparing", "far_sparing"):
        assert crisis[col].dropna().eq(1.0).all()
    assert (first.waltz_sparing < 1).all()
