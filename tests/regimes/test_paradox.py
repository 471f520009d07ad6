"""The stability-instability paradox (Snyder 1965) as the model measures it."""

from dataclasses import replace

import pytest

from security_regimes.regimes.scenarios import get_scenario, stability_instability
from security_regimes.system import uncalibrated


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_nuclear_weapons_cut_direct_wars_and_not_the_periphery(core):
    # at the earlier defaults, where non-nuclear superpowers fight often enough to
    # tell the worlds apart in 200 runs (the defaults' answer is `regimes claims`')
    sp = get_scenario("superpower_bipolar")
    base = replace(sp, system=uncalibrated(sp.system))
    df = stability_instability(systems=200, years=30, seed=1, core=core,
                               base=base).set_index("world")
    nuc, conv = df.loc["nuclear"], df.loc["non-nuclear"]
    assert (df.core == core).all()
    assert nuc.superpower_wars_hi < conv.superpower_wars_lo  # fewer wars between the two
    assert nuc.periphery_wars >= conv.periphery_wars_lo  # as many or more in the periphery


def test_the_crisis_core_reports_its_crises():
    df = stability_instability(systems=50, years=20, seed=1, core="crisis")
    assert {"crises", "crisis_war_share"} <= set(df.columns)
    assert (df.crisis_war_share.between(0, 1)).all()
    plain = stability_instability(systems=20, years=10, seed=1, core="first_strike")
    assert "crises" not in plain.columns and (plain.core == "first_strike").all()
