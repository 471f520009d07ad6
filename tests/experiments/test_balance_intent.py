"""Result against intent: far-sighted interest against Kaplan's internalised rules."""

import numpy as np

from security_regimes.experiments.balance import intent_phase_diagram
from security_regimes.presentation import plots
from security_regimes.system import Policy, System, simulate


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
    # powers there is no partner, so far-sighted Waltz is Waltz.
    two = System.equal(2)
    a = simulate(two, years=50, policy=Policy("far_sighted_waltz", discount=0.0), systems=50,
                 seed=1)
    b = simulate(two, years=50, policy="waltz", systems=50, seed=1)
    np.testing.assert_array_equal(a.capabilities, b.capabilities)
    # With a long horizon and a third power to fear, beaten powers are spared more.
    three = System.equal(5, elimination_threshold=0.0)
    near = simulate(three, years=100, policy=Policy("far_sighted_waltz", discount=0.0),
                    systems=200, seed=1).summary
    far = simulate(three, years=100, policy=Policy("far_sighted_waltz", discount=0.99),
                   systems=200, seed=1).summary
    assert far.sparing.mean() > near.sparing.mean() + 0.05
    assert far.continuous_survival.mean() > near.continuous_survival.mean()
