"""The ``.plot()`` methods of the results draw what the results hold."""

import numpy as np
import pytest

import security_regimes as sr
from security_regimes._plot import mean_band


def test_a_simulation_plots_its_yearly_mean_with_a_band():
    r = sr.simulate(sr.System(), years=30, systems=40, seed=1)
    ax = r.plot("war", start_year=1816)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1816, 1846))
    np.testing.assert_allclose(line.get_ydata(), r.measures["war"].mean(axis=0))
    assert ax.get_xlabel() == "calendar year" and len(ax.collections) == 1  # the band
    with pytest.raises(ValueError, match="unknown measure 'wra'; closest: war"):
        r.plot("wra")


def test_a_scenario_plots_with_and_without_its_norms():
    r = sr.run_scenario("concert_of_europe", seed=1, systems=30, years=40)
    ax = r.plot("restraints")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["with norms", "without norms"]
    with_, without = ax.get_lines()
    np.testing.assert_allclose(without.get_ydata(),
                               r.counterfactual.measures["restraints"].mean(axis=0))
    assert with_.get_xdata()[0] == 1816
    free = sr.run_scenario("waltz_balance", seed=1, systems=5, years=10)
    assert free.counterfactual is None or len(free.plot().get_lines()) >= 1


def test_the_band_is_the_normal_interval_of_the_mean():
    v = np.array([[1.5, 1.0], [2.0, 1.0], [2.5, np.nan], [2.0, np.nan], [2.0, np.nan]])
    mean, lo, hi = mean_band(v)
    np.testing.assert_allclose(mean, [2.0, 1.0])
    np.testing.assert_allclose(hi - mean, [1.959964 * np.sqrt(0.125) / np.sqrt(5), 0.0],
                               rtol=1e-6)
    # cut at the values' range: a share's band stays in [0, 1]
    mean, lo, hi = mean_band(np.array([[0.0], [0.0], [0.0], [0.5]]))
    assert lo[0] == 0.0 and 0.125 < hi[0] <= 0.5
    mean, lo, hi = mean_band(np.array([[0.0], [0.0], [0.0], [1.0]]))  # 0/1: Wilson's
    assert 0 < lo[0] < 0.25 < hi[0] < 1.0


def test_a_sweep_plots_an_outcome_against_its_parameter(tmp_path):
    data = sr.sweep(sr.run_scenario("waltz_balance", systems=2, years=5).scenario,
                    parameters={"system.first_strike": [0.0, 0.5]}, replicates=4, seed=1,
                    out=tmp_path / "s")
    ax = data.plot("war_frequency")
    assert ax.get_xlabel() == "system.first_strike"
    with pytest.raises(ValueError, match="no column 'nope'"):
        data.plot("nope")


def test_in_a_notebook_a_plot_is_on_a_pyplot_figure_elsewhere_on_its_own(monkeypatch):
    """Jupyter shows pyplot's figures; a server must not keep them in pyplot's registry."""
    import matplotlib.pyplot as plt

    from security_regimes import _plot

    r = sr.simulate(sr.System.equal(3), years=5, systems=4, seed=1)
    assert not _plot.in_notebook()  # pytest is no kernel
    before = set(plt.get_fignums())
    r.plot("war")
    assert set(plt.get_fignums()) == before
    monkeypatch.setattr(_plot, "in_notebook", lambda: True)
    ax = r.plot("war")
    assert ax.figure.number in set(plt.get_fignums()) - before
    plt.close(ax.figure)
