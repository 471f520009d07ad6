"""Each figure draws the data it is given (checked on the artists, not pixels)."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from security_regimes.experiments.powerlaw import ccdf
from security_regimes.presentation import plots
from security_regimes.regimes.scenarios import run_scenario, schelling


@pytest.fixture(scope="module")
def concert():
    return run_scenario("concert_of_europe", seed=1, systems=30, years=60)


def test_capabilities_over_time_draws_each_power(concert, tmp_path):
    caps = concert.result.capability_frame()
    years = concert.result.per_year
    fig = plots.capabilities_over_time(caps, years, system=2, start_year=1816)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_label() in ("UKG", "RUS", "FRN", "AUH", "GMY")]
    assert len(lines) == 5
    ukg = caps[(caps.system == 2) & (caps.power == "UKG")]
    np.testing.assert_allclose(lines[0].get_ydata(), ukg.capability)
    np.testing.assert_array_equal(lines[0].get_xdata(), ukg.year + 1815)
    wars = years[(years.system == 2) & years.war]
    vlines = [ln for ln in ax.get_lines() if ln.get_label().startswith("_")]
    assert len(vlines) == len(wars)
    assert "capability" in ax.get_ylabel() and "year" in ax.get_xlabel()
    png, svg = plots.save(fig, tmp_path / "caps")
    assert png.stat().st_size > 1000 and svg.read_text().startswith("<?xml")


def test_a_whole_state_system_names_its_strongest_and_fits_its_legend(tmp_path):
    import warnings

    r = run_scenario("state_system_1816", seed=1, systems=2, years=10)
    caps = r.result.capability_frame()
    fig = plots.capabilities_over_time(caps, r.result.per_year, system=0, start_year=1816)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    n = caps.power.nunique()
    assert n > plots.LEGEND and len(texts) == plots.LEGEND + 1
    assert texts[-1] == f"{n - plots.LEGEND} others"
    peak = caps[caps.system == 0].groupby("power").capability.max()
    assert set(texts[:-1]) == set(peak.nlargest(plots.LEGEND).index)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # constrained layout must not collapse the axes
        plots.save(fig, tmp_path / "caps")


def test_alliance_network_edges(concert):
    al = concert.result.alliances()
    fig = plots.alliance_network(al, list(concert.scenario.system.names), 0, (1, 10))
    e1 = al[(al.system == 0) & (al.year == 1)]
    assert fig.axes[0].get_title().startswith(f"year 1: {len(e1)} alliance")


def test_state_map_draws_states_borders_alliances_and_wars():
    r = run_scenario("state_system_1816", seed=1, systems=4, years=30)
    maps = r.map_tables()
    assert set(maps) == {"map", "borders"} and len(maps["map"]) == r.scenario.system.n_powers
    caps, years, al = r.result.capability_frame(), r.result.per_year, r.result.alliances()
    fig = plots.state_map(maps["map"], maps["borders"], caps, years, al, 1, (1, 30), 1816)
    assert len(fig.axes) == 2
    alive = caps[(caps.system == 1) & (caps.year == 30) & (caps.capability > 0)]
    wars = years[(years.system == 1) & years.war & (years.year > 1) & (years.year <= 30)]
    assert fig.axes[1].get_title() == (f"1845: {len(alive)} states alive, wars begun in "
                                       f"{len(wars)} year(s) since 1816")
    e = al[(al.system == 1) & (al.year == 30)]
    lines = fig.axes[1].get_lines()  # borders, then the year's alliances
    assert len(lines) == len(maps["borders"]) + len(e)
    arrows = [c for c in fig.axes[1].texts if c.get_text() == ""]
    assert len(arrows) == len(wars)
    with pytest.raises(ValueError, match="map: missing column"):
        plots.state_map(maps["map"].drop(columns="x"), maps["borders"], caps, years)
    assert run_scenario("concert_of_europe", seed=1, systems=2, years=3).map_tables() == {}


def test_system_history_draws_one_run_at_one_year(concert):
    res = concert.result
    caps, years, al = res.capability_frame(), res.per_year, res.alliances()
    powers = list(res.system.names)
    busiest = al.groupby(["system", "year"]).size().idxmax()  # a run-year with alliances
    k, year = int(busiest[0]), int(busiest[1])
    fig = plots.system_history(caps, years, al, powers, k, year, start_year=1816)
    cap_ax, strength_ax, net_ax = fig.axes
    ukg = caps[(caps.system == k) & (caps.power == "UKG")]
    line = next(ln for ln in cap_ax.get_lines() if ln.get_label() == "UKG")
    np.testing.assert_allclose(line.get_ydata(), ukg.capability)
    marker = [ln for ln in cap_ax.get_lines() if ln.get_color() == "black"]
    assert marker and marker[0].get_xdata()[0] == 1815 + year
    y = years[years.system == k]
    np.testing.assert_allclose(strength_ax.get_lines()[0].get_ydata(), y.regime_strength)
    n_edges = int(((al.system == k) & (al.year == year)).sum())
    assert n_edges > 0 and net_ax.get_title().startswith(f"{1815 + year}: {n_edges} alliance")
    with pytest.raises(ValueError, match="no run 999"):
        plots.system_history(caps, years, al, powers, 999, 1)


def test_concert_timeline(concert):
    by_year = concert.autonomy_by_year()
    fig = plots.concert_timeline(by_year)
    ax = fig.axes[0]
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "regime autonomy")
    np.testing.assert_allclose(line.get_ydata(), by_year.regime_autonomy)
    assert "Concert" in ax.get_title()


def test_four_worlds_heatmap():
    grid = pd.DataFrame({"offense_defense": [-0.5, -0.5, 0.5, 0.5],
                         "distinguishability": [0.0, 1.0, 0.0, 1.0],
                         "cooperation_rate": [0.6, 0.7, 0.2, 0.4]})
    fig = plots.four_worlds_heatmap(grid)
    data = fig.axes[0].images[0].get_array()
    # rows: distinguishability (0, 1); columns: offense-defense (-0.5, 0.5)
    np.testing.assert_allclose(data, [[0.6, 0.2], [0.7, 0.4]])
    with pytest.raises(ValueError, match="missing column"):
        plots.four_worlds_heatmap(grid, "regime_autonomy")


def test_survival_and_war_plots():
    from security_regimes.experiments.balance import balance_experiment

    out, surv = balance_experiment((3,), systems=10, years=20, seed=1)
    fig = plots.survival_curves(surv)
    labels = [ln.get_label() for ln in fig.axes[0].get_lines()]
    assert labels == ["waltz", "kaplan", "balancer", "far_sighted_waltz"]
    k = surv[surv.policy == "kaplan"]
    np.testing.assert_allclose(fig.axes[0].get_lines()[1].get_ydata(), k.survival)
    fig = plots.war_frequency_and_size(out)
    assert len(fig.axes) == 2


def test_schelling_and_knobs():
    df = schelling("concert_of_europe")
    fig = plots.schelling_diagram(df)
    restrain = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(restrain.get_ydata(), df.restrain)
    k = pd.DataFrame({"knob": ["a", "a", "b", "b"], "value": [0, 1, 0, 1],
                      "member_war_frequency": [0.1, 0.2, 0.1, 0.05]})
    fig = plots.knobs(k, "member_war_frequency")
    np.testing.assert_allclose(fig.axes[0].get_lines()[1].get_ydata(), [0.1, 0.05])


def test_the_war_size_figure_draws_the_tail_tables_fits():
    pytest.importorskip("powerlaw")
    from security_regimes.experiments.powerlaw import csn_fit

    rng = np.random.default_rng(0)
    x = (1 - rng.random(2000)) ** (-1 / 1.5)  # Pareto, alpha = 2.5, xmin = 1
    y = (1 - rng.random(2000)) ** (-1 / 1.0)  # alpha = 2.0
    xs, p = ccdf(x)
    assert p[0] == 1.0 and np.all(np.diff(p) < 0)
    fig = plots.war_size_ccdf({"a": x, "b": y}, x * 1000, "COW inter-state wars 1823-2003")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "a" and legend[2] == "b"
    for text, data in ((legend[1], x), (legend[3], y)):  # the table's estimator, to 2 places
        assert text.startswith(f"alpha = {csn_fit(data)['alpha']:.2f} +/- ")
    assert fig.axes[1].get_legend().get_texts()[0].get_text() == "COW inter-state wars 1823-2003"
    few = plots.war_size_ccdf([1, 2, 3], x)  # too few wars for a tail: the points, no fit
    assert [t.get_text() for t in few.axes[0].get_legend().get_texts()] == ["simulated wars"]


def test_the_cow_sample_is_named_by_its_wars_years():
    from security_regimes.presentation.report import war_size_label

    cow = pd.DataFrame({"battle_deaths": [1.0, 2.0], "start_year": [1846, 1991]})
    assert war_size_label(cow) == "COW inter-state wars 1846-1991"
    assert war_size_label(cow.drop(columns="start_year")) == "COW inter-state wars"


def test_sweep_outcome_and_sobol():
    runs = pd.DataFrame({"p": [0, 0, 1, 1], "q": [0, 1, 0, 1], "y": [1.0, 2.0, 3.0, 5.0]})
    fig = plots.sweep_outcome(runs, "y", "p")
    ln = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(ln.get_ydata(), [1.5, 4.0])
    fig = plots.sweep_outcome(runs, "y", "p", "q")
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), [[1, 3], [2, 5]])
    with pytest.raises(ValueError, match="no column 'z'"):
        plots.sweep_outcome(runs, "z", "p")
    si = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.5, 0.1], "S1_conf": [0.1, 0.1],
                       "ST": [0.6, 0.2], "ST_conf": [0.1, 0.1]})
    fig = plots.sobol_bars(si, "y")
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == [0.5, 0.1, 0.6, 0.2]


def test_state_map_leaves_out_states_yet_to_enter():
    r = run_scenario("state_system_dated", seed=1, systems=3, years=20)
    maps = r.map_tables()
    caps, years = r.result.capability_frame(), r.result.per_year
    fig = plots.state_map(maps["map"], maps["borders"], caps, years, None, 0, (1,), 1816)
    c = caps[caps.system == 0].pivot(index="year", columns="power", values="capability")
    gone = ((c.loc[1] == 0) & (c.loc[[0, 1]].max() > 0)).sum()
    alive, crosses = fig.axes[0].collections[:2]
    assert len(alive.get_offsets()) == (c.loc[1] > 0).sum()
    assert len(crosses.get_offsets()) == gone  # not the 38 states that enter later
    assert (c.loc[0] == 0).sum() > 30
