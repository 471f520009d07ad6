"""Dated history (``System(growth="record")``): the powers grow along their COW CINC paths."""

import numpy as np
import pytest

from security_regimes import Policy, System, simulate
from security_regimes.data import capabilities, cinc_growth
from security_regimes.engine.rng import spawn_keys
from security_regimes.system import uncalibrated
from security_regimes.system.kernel import step_year
from security_regimes.system.model import Dyadic

from . import reference as ref
from .draws import Draws
from .test_reference import random_dated_state, world_of


def _record_shares(names, start, years):
    caps = capabilities()
    wide = caps[caps.stateabb.isin(names)].pivot(index="year", columns="stateabb",
                                                  values="cinc")[list(names)]
    rec = wide.loc[start:start + years - 1].to_numpy()
    return rec / rec.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
def test_without_war_the_powers_hold_the_records_shares_year_by_year(core):
    system = System(growth="record", first_strike=-0.9, misperception=0.0, core=core,
                    discount_factor=0.99, stakes=0.01)
    r = simulate(system, years=60, policy=Policy("waltz"), systems=20, seed=1,
                 record_capabilities=True)
    peaceful = ~r.measures["war"].any(axis=1)
    assert peaceful.sum() >= 5
    sim = r.capabilities[peaceful][:, 1:]  # after model year t: the shares of cow_year + t
    shares = sim / sim.sum(axis=2, keepdims=True)
    np.testing.assert_allclose(shares, np.broadcast_to(
        _record_shares(system.names, 1816, 60), shares.shape), rtol=1e-9)


def test_a_war_is_a_deviation_that_persists():
    """Drawn and dated runs on the same seeds differ; in the dated ones, the ratio of two
    powers that fought nobody moves only with the record."""
    system = uncalibrated(System(growth="record"))  # the earlier defaults: wars in every run
    r = simulate(system, years=40, policy=Policy("waltz"), systems=200, seed=2,
                 record_capabilities=True)
    assert r.measures["war"].any()
    growth = cinc_growth(system.names, 1816)[1:40]
    c = r.capabilities[:, 1:]
    # Year over year, a power's change is the record's factor times what war did to it:
    # where no war was fought that year, exactly the record's factor.
    calm = ~r.measures["war"][:, 1:40]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = c[:, 1:40] / c[:, 0:39]
    alive = (c[:, 0:39] > 0).all(axis=2)
    ok = calm & alive
    np.testing.assert_allclose(ratio[ok], np.broadcast_to(growth, ratio.shape)[ok], rtol=1e-12)


@pytest.mark.parametrize("core", ["first_strike", "crisis"])
@pytest.mark.parametrize("seed", range(4))
def test_the_dated_year_equals_the_reference(core, seed):
    rng = np.random.default_rng(seed)
    system = System(growth="record", core=core, misperception=0.1)
    n = system.n_powers
    dy = Dyadic.build("Tit For Tat", 50, n)
    state = random_dated_state(rng, 8, n, dy, core)
    keys = spawn_keys(seed, np.arange(8))
    year = int(rng.integers(0, 100))
    draws = Draws(keys, year, n)
    new, measures, _ = step_year(state, keys, year, system, Policy("waltz"), dy)
    for b in range(8):
        out, ref_m = ref.ref_step(world_of(state, b, core), draws.of(b), system, Policy("waltz"), dy)
        np.testing.assert_allclose(new.cap[b], out["cap"], rtol=1e-9, atol=1e-12)
        assert new.alive[b].tolist() == out["alive"]
        if core == "crisis":
            np.testing.assert_allclose(new.trend[b], out["trend"], rtol=1e-12, atol=1e-15)
        assert measures["wars"][b] == ref_m["wars"]


def test_the_record_factors():
    f = cinc_growth(("UKG", "RUS"), 1816)
    caps = capabilities().set_index(["stateabb", "year"]).cinc
    assert f[0].tolist() == [1.0, 1.0]
    assert f[1, 0] == caps["UKG", 1817] / caps["UKG", 1816]
    assert len(cinc_growth(("AUH", "GMY"), 1816)) == 1918 - 1816 + 1  # Austria-Hungary to 1918
    with pytest.raises(ValueError, match="no COW capabilities for ROK in 1816"):
        cinc_growth(("UKG", "ROK"), 1816)


def test_bad_dated_systems_are_refused():
    with pytest.raises(ValueError, match="growth = 'record' follows the COW record"):
        System.equal(3, growth="record")
    with pytest.raises(ValueError, match="growth: unknown growth of the powers.*closest: .record."):
        System(growth="recorded")
    with pytest.raises(ValueError, match=r"cover 103 years from 1816 \(to 1918\); the run asks for 150"):
        simulate(System(growth="record"), years=150, systems=2, seed=1)


def test_without_war_the_dated_runs_shift_power_as_the_record_did():
    from security_regimes.data.patterns import power_shifts
    from security_regimes.regimes.history import simulated_power_shifts

    r = simulate(System(growth="record", first_strike=-0.9, misperception=0.0), years=98,
                 policy=Policy("waltz"), systems=10, seed=1, record_capabilities=True)
    peaceful = ~r.measures["war"].any(axis=1)
    assert peaceful.any()
    for lo, hi in ((1816, 1852), (1853, 1870), (1871, 1908)):
        sim = simulated_power_shifts(r, 1816, lo, hi)[peaceful]
        np.testing.assert_allclose(sim, power_shifts(lo, hi), rtol=1e-9)
    with pytest.raises(ValueError, match="not 1871-1918"):
        simulated_power_shifts(r, 1816, 1871, 1913)


def test_the_dated_scenario_file_and_bad_input_on_the_command_line(tmp_path, capsys):
    from pathlib import Path

    from security_regimes.experiments.files import load_scenario_file
    from tests.presentation.test_cli import run

    f = Path(__file__).parents[2] / "examples" / "concert_dated.toml"
    scn, _ = load_scenario_file(f)
    assert scn.system.growth == "record" and scn.system.cow_year == scn.start_year == 1816
    out = tmp_path / "out"
    code, _, err = run("run", str(f), "--years", "150", "--systems", "2", "--out", str(out),
                       capsys=capsys)
    assert code == 2 and "cover 103 years from 1816" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    bad = tmp_path / "bad.toml"
    bad.write_text(f.read_text().replace('growth = "record"', 'growth = "recorded"'))
    code, _, err = run("run", str(bad), capsys=capsys)
    assert code == 2 and "growth" in err and "closest: 'record'" in err
    moved = tmp_path / "moved.toml"
    moved.write_text(f.read_text().replace("start_year = 1816", "start_year = 1820"))
    code, _, err = run("run", str(moved), capsys=capsys)
    assert code == 2 and "start_year must be the same year, got 1820" in err
