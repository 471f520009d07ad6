"""The Mesa 3 adapter (security_regimes.mesa) against the package's own results.

Run ``index`` of a ``RegimesModel`` stepped year by year must be run
``index`` of ``simulate`` on the same seed: every measure of every year,
every capability, every alliance, bit for bit (a stronger check than outcome
distributions within sampling error).
"""

import numpy as np
import pytest

pytest.importorskip("mesa")

import security_regimes as sr  # noqa: E402
from security_regimes.mesa import AGENT_REPORTERS, MODEL_REPORTERS, RegimesModel  # noqa: E402
from security_regimes.regimes.scenarios import get_scenario  # noqa: E402


def _compare(model: RegimesModel, result, k: int) -> None:
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == result.years
    for name, values in result.measures.items():
        np.testing.assert_array_equal(frame[name].to_numpy(), values[k], err_msg=name)
    agents = model.datacollector.get_agent_vars_dataframe()
    caps = agents["capability"].to_numpy().reshape(result.years, -1)
    np.testing.assert_array_equal(caps, result.capabilities[k, 1:])
    np.testing.assert_array_equal(agents["n_allies"].to_numpy().reshape(result.years, -1) > 0,
                                  result.alliance_blocs[k] > 0)


@pytest.mark.parametrize("name", ["concert_of_europe", "kaplan_balance", "cold_war"])
def test_a_stepped_mesa_model_is_simulates_run_bit_for_bit(name):
    sc = get_scenario(name)
    years, k = 40, 3
    model = RegimesModel(name, seed=7, index=k, years=years)
    model.run_model()
    result = sr.simulate(sc.system, years=years, policy=sc.policy, systems=k + 1, seed=7,
                         dyadic=sc.dyadic, regime=sc.regime)
    _compare(model, result, k)
    assert not model.running and model.year == years
    assert model.calendar_year == sc.start_year + years - 1


def test_the_parts_give_the_same_run_as_simulate():
    system = sr.System.equal(6, first_strike=0.1)
    model = RegimesModel(system=system, policy="kaplan", dyadic="Grudger", years=25, seed=3)
    model.run_model()
    result = sr.simulate(system, years=25, policy="kaplan", systems=1, seed=3, dyadic="Grudger")
    _compare(model, result, 0)
    # A Generator seeds the same streams as the int it was drawn from elsewhere:
    # the model takes whatever simulate takes.
    g = RegimesModel(system=system, years=3, seed=np.random.default_rng(5))
    g.run_model()
    assert g.year == 3


def test_agents_read_the_state_and_mesa_tools_work_on_them():
    model = RegimesModel("concert_of_europe", seed=1, years=30)
    assert len(model.agents) == 5
    assert model.year == 0 and model.running
    model.run_model()
    model.step()  # past the horizon: nothing happens
    assert model.year == 30
    names = {a.name for a in model.agents}
    assert names == set(get_scenario("concert_of_europe").system.names)
    total = sum(a.capability for a in model.agents)
    assert total == pytest.approx(model.state.cap[0].sum())
    for a in model.agents:
        assert a.name not in a.allies
        for other in a.allies:  # alliances are symmetric
            assert a.name in next(b for b in model.agents if b.name == other).allies
        assert set(a.belief) == names - {a.name}
        assert all(0.0 <= v <= 1.0 for v in a.belief.values())
        assert 0.0 <= a.regime_weight <= 1.0
    alive = model.agents.select(lambda a: a.alive)
    assert len(alive) == model.datacollector.get_model_vars_dataframe()["alive"].iloc[-1]
    assert set(model.datacollector.get_model_vars_dataframe().columns) == set(MODEL_REPORTERS)
    assert set(model.datacollector.get_agent_vars_dataframe().columns) == set(AGENT_REPORTERS)
    assert "year 30 of 30" in repr(model)


def test_a_scenario_and_its_parts_together_are_refused():
    with pytest.raises(ValueError, match="not both"):
        RegimesModel("concert_of_europe", policy="kaplan")
    with pytest.raises(ValueError, match="years"):
        RegimesModel(years=0)
    with pytest.raises(ValueError, match="index"):
        RegimesModel(index=-1)


def test_solaraviz_renders_the_model_and_its_plots_follow_the_years():
    solara = pytest.importorskip("solara")
    import ipywidgets
    from mesa.visualization import SolaraViz, make_plot_component

    model = RegimesModel("concert_of_europe", seed=1, years=20)
    component = make_plot_component("cooperation_rate")
    page = SolaraViz(model, components=[component], name="Concert of Europe")
    solara.render(page, handle_error=False)  # the page builds on the model

    def image() -> bytes:
        _, rc = solara.render(component[0](model), handle_error=False)
        return rc.find(ipywidgets.Image).widget.value

    model.step()
    first = image()
    for _ in range(10):
        model.step()
    assert image() != first  # the plot drew the new years
