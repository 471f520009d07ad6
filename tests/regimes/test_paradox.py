"""The stability-instability paradox (Snyder 1965) as the model measures it."""

import pytest

from security_regimes.regimes.scenarios import stability_instability


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_nuclear_weapons_cut_direct_wars_and_not_the_periphery(core):
    df = stability_instability(systems=200, years=30, seed=1, core=core).set_index("world")
    nuc, conv = df.loc["nuclear"], df.loc["non-nuclear"]
    assert (df.core == core).all()
    assert nuc.superpower_wars_hi < conv.superpower_wars_lo  # fewer wars between the two
    assert nuc.periphery_wars >= conv.periphery_wars_lo  # as many or more in the periphery


def test_the_crisis_core_reports_its_crises():
    df = stability_instability(systems=50, years=20, seed=1, core="crisis")
    assert {"crises", "crisis_war_share"} <= set(df.columns)
    assert (df.crisis_war_share.between(0, 1)).all()
    plain = stability_instability(systems=20, years=10, seed=1)
    assert "crises" not in plain.columns and (plain.core == "first_strike").all()
