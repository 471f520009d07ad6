"""Result against intent: far-sighted interest against Kaplan's internalised rules."""

import numpy as np

from security_regimes.experiments.balance import intent_phase_diagram
from security_regimes.presentation import plots


def test_intent_phase_diagram():
    df = intent_phase_diagram(future_weights=(0.0, 20.0), thresholds=(0.0, 0.05), systems=40,
                              years=60, seed=2)
    assert len(df) == 4
    # A beaten power worth nothing as a future ally: far-sighted is plain Waltz.
    zero = df[df.future_weight == 0.0]
    np.testing.assert_allclose(zero.far_continuous, zero.waltz_continuous)
    assert (zero.mimicry.fillna(0) == 0).all()
    # Restored actors count as alive in "essential" survival only.
    assert (df.kaplan_essential >= df.kaplan_continuous).all()
    assert (df.far_essential >= df.far_continuous).all()
    fig = plots.intent_phase(df)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"{df.mimicry.iloc[1]:.2f}" in texts
