"""Dated nuclear acquisition (``System.nuclear_from``)."""

import numpy as np
import pytest

from security_regimes import Policy, System, simulate
from security_regimes.engine.rng import spawn_keys
from security_regimes.system.kernel import step_year
from security_regimes.system.model import Dyadic

from . import reference as ref
from .draws import Draws
from .test_reference import random_state

KW = {"core": "first_strike", "first_strike": 0.6, "shadow": 0.2, "nuclear_cost": 0.9, "conquest": False}


def _same(a, b):
    for key in a.measures:
        np.testing.assert_array_equal(a.measures[key], b.measures[key], err_msg=key)


def test_acquisition_in_the_first_year_is_no_dating_and_after_the_run_is_none():
    years = 40
    both = simulate(System.equal(4, nuclear=(0, 1), **KW), years=years, systems=30, seed=3)
    _same(both, simulate(System.equal(4, nuclear=(0, 1), nuclear_from=(1, 1), **KW),
                         years=years, systems=30, seed=3))
    one = simulate(System.equal(4, nuclear=(0,), **KW), years=years, systems=30, seed=3)
    _same(one, simulate(System.equal(4, nuclear=(0, 1), nuclear_from=(1, years + 1), **KW),
                        years=years, systems=30, seed=3))


def test_a_dated_run_is_the_undated_ones_before_and_differs_after():
    dated = simulate(System.equal(4, nuclear=(0, 1), nuclear_from=(1, 21), **KW), years=40,
                     systems=200, seed=4)
    one = simulate(System.equal(4, nuclear=(0,), **KW), years=40, systems=200, seed=4)
    for key in ("war", "wars", "war_size"):
        np.testing.assert_array_equal(dated.measures[key][:, :20], one.measures[key][:, :20])
    assert not np.array_equal(dated.measures["war_size"][:, 20:], one.measures["war_size"][:, 20:])
    assert System.equal(4, nuclear=(0, 1), nuclear_from=(1, 21)).nuclear_at(19) == (0,)
    assert System.equal(4, nuclear=(0, 1), nuclear_from=(1, 21)).nuclear_at(20) == (0, 1)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("year", [2, 7])
def test_the_dated_year_equals_the_reference(seed, year):
    rng = np.random.default_rng(seed)
    system = System.equal(4, nuclear=(0, 1, 2), nuclear_from=(1, 5, 3), **KW)
    dy = Dyadic.build("Tit For Tat", 50, 4)
    state = random_state(rng, 6, 4, dy)
    keys = spawn_keys(seed, np.arange(6))
    new, measures, _ = step_year(state, keys, year, system, Policy("waltz"), dy)
    draws = Draws(keys, year, 4)
    for b in range(6):
        w = {k: getattr(state, k)[b].tolist() for k in (
            "cap", "alive", "excluded", "dyad", "belief", "grievance", "seen_hostile", "fallen")}
        out, ref_m = ref.ref_step(w, draws.of(b), system, Policy("waltz"), dy)
        np.testing.assert_allclose(new.cap[b], out["cap"], rtol=1e-9, atol=1e-12)
        assert measures["wars"][b] == ref_m["wars"]
        assert measures["war_size"][b] == pytest.approx(ref_m["war_size"], rel=1e-9, abs=1e-12)


def test_bad_dates_are_refused():
    with pytest.raises(ValueError, match="expected one year per nuclear power"):
        System.equal(3, nuclear=(0, 1), nuclear_from=(1,))
    with pytest.raises(ValueError, match="nuclear_from must be a list of years of the run"):
        System.equal(3, nuclear=(0, 1), nuclear_from=(0, 3))
