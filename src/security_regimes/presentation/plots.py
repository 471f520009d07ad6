"""Publication figures.  Each function takes data and returns a matplotlib Figure.

Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies); heat maps use ``cividis``.  Save with :func:`save` to PNG and
SVG.  Tests check the data each figure draws, not pixels.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files or embedded images, never windows

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .._plot import outcome_against  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
POLICY_COLOURS = {"waltz": OKABE_ITO[0], "kaplan": OKABE_ITO[1], "balancer": OKABE_ITO[2],
                  "far_sighted_waltz": OKABE_ITO[3]}

plt.rcParams.update({"axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
                     "axes.spines.top": False, "axes.spines.right": False,
                     "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10})


def _fig(w=7.0, h=4.0, **kw) -> tuple[Figure, plt.Axes]:
    fig = Figure(figsize=(w, h), layout="constrained")
    ax = fig.subplots(**kw)
    return fig, ax


def save(fig: Figure, path: str | Path) -> list[Path]:
    """Save ``fig`` as ``path.png`` and ``path.svg``; returns both paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for ext in (".png", ".svg"):
        p = path.with_suffix(ext)
        fig.savefig(p)
        out.append(p)
    return out


def _require(df: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


#: Most powers a figure's legend names (the strongest); the rest are drawn in grey.
LEGEND = 10


def capabilities_over_time(capabilities: pd.DataFrame, years: pd.DataFrame, system: int = 0,
                           start_year: int = 1) -> Figure:
    """Capabilities of each power in one run, wars marked.

    ``capabilities``: long table (system, year, power, capability);
    ``years``: per-year table (system, year, war, ...).
    """
    _require(capabilities, ["system", "year", "power", "capability"], "capabilities")
    c = capabilities[capabilities.system == system]
    if c.empty:
        raise ValueError(f"no run {system} in the capabilities table")
    fig, ax = _fig()
    # A whole state system has dozens of states: the LEGEND strongest (by peak
    # capability) are named, the rest drawn thin and grey, so the legend fits.
    peak = c.groupby("power", sort=False).capability.max()
    named = set(peak.nlargest(LEGEND).index)  # every power when there are fewer
    k = 0
    for power, g in c.groupby("power", sort=False):
        if power in named:
            ax.plot(g.year + start_year - 1, g.capability, label=power,
                    color=OKABE_ITO[k % len(OKABE_ITO)])
            k += 1
        else:
            ax.plot(g.year + start_year - 1, g.capability, color="0.75", lw=0.6, zorder=0)
    if len(peak) > len(named):
        ax.plot([], [], color="0.75", lw=0.6, label=f"{len(peak) - len(named)} others")
    y = years[(years.system == system) & years.war.astype(bool)]
    for yr in y.year:
        ax.axvline(yr + start_year - 1, color="0.6", lw=0.6, ls=":", zorder=0)
    ax.set_xlabel("year")
    ax.set_ylabel("capability (share of initial system total)")
    ax.set_title(f"Capabilities of the powers in run {system} (dotted lines: war onsets)")
    ax.legend(frameon=False, ncol=min(5, len(named) + (len(peak) > len(named))), fontsize=8)
    return fig


def alliance_network(alliances: pd.DataFrame, powers: list[str], system: int = 0,
                     years: tuple[int, ...] = (1, 25, 50)) -> Figure:
    """Alliance network snapshots (networkx): one panel per year."""
    import networkx as nx

    _require(alliances, ["system", "year", "a", "b"], "alliances")
    fig, axes = _fig(3.0 * len(years), 3.2, ncols=len(years))
    axes = np.atleast_1d(axes)
    pos = nx.circular_layout(powers)
    for ax, yr in zip(axes, years, strict=True):
        g = nx.Graph()
        g.add_nodes_from(powers)
        e = alliances[(alliances.system == system) & (alliances.year == yr)]
        g.add_edges_from(zip(e.a, e.b, strict=True))
        nx.draw_networkx(g, pos=pos, ax=ax, node_color=OKABE_ITO[4], edge_color=OKABE_ITO[0],
                         node_size=500, font_size=8)
        ax.set_title(f"year {yr}: {g.number_of_edges()} alliance(s)", fontsize=9)
        ax.set_axis_off()
    fig.suptitle(f"Alliance network of run {system}")
    return fig


def state_map(positions: pd.DataFrame, borders: pd.DataFrame, capabilities: pd.DataFrame,
              years: pd.DataFrame, alliances: pd.DataFrame | None = None, system: int = 0,
              snapshots: tuple[int, ...] = (1, 50, 100), start_year: int = 1,
              labels: int = 10) -> Figure:
    """The map of one run, one panel per model year of ``snapshots``: each
    state at its position (``positions``: power, x, y, units; capitals in
    degrees, or the points of a lattice or a random map in 1000 km), sized by its capability that year (a grey
    cross once gone; a state yet to enter is not drawn), borders (``borders``: a, b) in grey, the year's
    alliances in blue, and the wars begun since the previous panel in red,
    attacker to defender (``years``: system, year, war, attacker, defender;
    indices into the order of ``positions``; a year's table holds its first
    war).  The ``labels`` largest states
    of each panel are named."""
    _require(positions, ["power", "x", "y"], "map")
    _require(borders, ["a", "b"], "borders")
    _require(capabilities, ["system", "year", "power", "capability"], "capabilities")
    _require(years, ["system", "year", "war", "attacker", "defender"], "years")
    at = {p: (x, y) for p, x, y in zip(positions.power, positions.x, positions.y, strict=True)}
    order = list(positions.power)
    c = capabilities[capabilities.system == system]
    if c.empty:
        raise ValueError(f"no run {system} in the capabilities table")
    y = years[(years.system == system) & years.war.astype(bool)]
    fig, axes = _fig(4.2 * len(snapshots), 3.8, ncols=len(snapshots))
    axes = np.atleast_1d(axes)
    previous = 0
    for ax, yr in zip(axes, snapshots, strict=True):
        for a, b in zip(borders.a, borders.b, strict=True):
            ax.plot(*zip(at[a], at[b], strict=True), color="0.8", lw=0.6, zorder=1)
        if alliances is not None:
            e = alliances[(alliances.system == system) & (alliances.year == yr)]
            for a, b in zip(e.a, e.b, strict=True):
                ax.plot(*zip(at[a], at[b], strict=True), color=OKABE_ITO[0], lw=0.8,
                        alpha=0.6, zorder=2)
        w = y[(y.year > previous) & (y.year <= yr)]
        for a, b in zip(w.attacker, w.defender, strict=True):
            if 0 <= a < len(order) and 0 <= b < len(order):
                (x0, y0), (x1, y1) = at[order[a]], at[order[b]]
                ax.annotate("", (x1, y1), (x0, y0), zorder=3,
                            arrowprops={"arrowstyle": "->", "color": OKABE_ITO[5], "lw": 1.0})
        cap = c[c.year == yr].set_index("power").capability.reindex(order).fillna(0.0)
        alive = cap > 0
        # gone: alive in an earlier year (a state yet to enter is not drawn)
        seen = c[c.year <= yr].groupby("power").capability.max().reindex(order).fillna(0.0)
        gone = (~alive & (seen > 0)).to_numpy()
        alive = alive.to_numpy()
        xy = np.array([at[p] for p in order])
        size = 600 * np.sqrt(cap.to_numpy() / max(cap.max(), 1e-12))
        ax.scatter(xy[alive, 0], xy[alive, 1], s=size[alive] + 8, color=OKABE_ITO[1],
                   edgecolor="k", lw=0.4, zorder=4)
        ax.scatter(xy[gone, 0], xy[gone, 1], marker="x", color="0.5", s=20, zorder=4)
        for p in cap[alive].sort_values(ascending=False).index[:labels]:
            ax.annotate(p, at[p], fontsize=7, xytext=(3, 3), textcoords="offset points",
                        zorder=5)
        ax.set_title(f"{yr + start_year - 1}: {int(alive.sum())} states alive, wars begun in "
                     f"{len(w)} year(s) since "
                     f"{previous + start_year - 1 if previous else 'the start'}", fontsize=9)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_axis_off()
        previous = yr
    units = positions.units.iloc[0] if "units" in positions.columns else ""
    fig.suptitle(f"Map of run {system}: states at their "
                 f"{'capitals' if units == 'degrees' else 'points of the map'} (size: capability), "
                 "borders grey, alliances blue, wars red (attacker to defender)", fontsize=9)
    return fig


def four_worlds_heatmap(grid: pd.DataFrame, value: str = "cooperation_rate") -> Figure:
    """A heat map of ``value`` over offense-defense balance x distinguishability."""
    _require(grid, ["offense_defense", "distinguishability", value], "four worlds grid")
    table = grid.pivot(index="distinguishability", columns="offense_defense", values=value)
    fig, ax = _fig(5.5, 4.2)
    im = ax.imshow(table.to_numpy(), origin="lower", cmap="cividis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
    ax.set_xlabel("offense-defense balance (-1 defense dominant, +1 offense dominant)")
    ax.set_ylabel("distinguishability of postures (0-1)")
    label = value.replace("_", " ")
    fig.colorbar(im, ax=ax, label=label)
    ax.set_title(f"Jervis's four worlds: {label}")
    return fig


def survival_curves(survival: pd.DataFrame, n_powers: int | None = None) -> Figure:
    """Essential-actor survival by year per policy, with 95% bands."""
    _require(survival, ["policy", "year", "survival", "lo", "hi", "n_powers"], "survival")
    n = n_powers if n_powers is not None else int(survival.n_powers.iloc[0])
    s = survival[survival.n_powers == n]
    fig, ax = _fig()
    for policy, g in s.groupby("policy", sort=False):
        c = POLICY_COLOURS.get(policy)
        ax.plot(g.year, g.survival, label=policy, color=c)
        ax.fill_between(g.year, g.lo, g.hi, color=c, alpha=0.25, lw=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("year")
    ax.set_ylabel("essential actors surviving (share)")
    ax.set_title(f"Essential-actor survival, {n} powers (95% bands)")
    ax.legend(frameon=False)
    return fig


def war_frequency_and_size(outcomes: pd.DataFrame) -> Figure:
    """War onsets per year and mean war size by policy and number of powers."""
    _require(outcomes, ["policy", "n_powers", "war_frequency", "mean_war_size"], "outcomes")
    fig, axes = _fig(9, 3.6, ncols=2)
    for policy, g in outcomes.groupby("policy", sort=False):
        c = POLICY_COLOURS.get(policy)
        for ax, col in zip(axes, ("war_frequency", "mean_war_size"), strict=True):
            ax.errorbar(g.n_powers, g[col],
                        yerr=[g[col] - g[f"{col}_lo"], g[f"{col}_hi"] - g[col]]
                        if f"{col}_lo" in g else None, label=policy, color=c, marker="o",
                        capsize=2)
    axes[0].set_ylabel("war onsets per system-year")
    axes[1].set_ylabel("capability destroyed per war (share of initial total)")
    for ax in axes:
        ax.set_xlabel("number of powers")
    axes[0].legend(frameon=False)
    fig.suptitle("War frequency and size by balance-of-power policy (95% CI)")
    return fig


def concert_timeline(by_year: pd.DataFrame, title: str | None = None,
                     history: bool = True) -> Figure:
    """Regime autonomy and cooperation by year (95% bands).

    With ``history``, 1815 and the Crimean War (1853-56) are marked, for the
    Concert of Europe scenario.
    """
    _require(by_year, ["calendar_year", "regime_autonomy", "cooperation_rate"], "autonomy by year")
    fig, ax = _fig()
    x = by_year.calendar_year
    for col, band, c in (("regime_autonomy", "autonomy", OKABE_ITO[1]),
                         ("cooperation_rate", "cooperation", OKABE_ITO[0])):
        ax.plot(x, by_year[col], color=c, label=col.replace("_", " "))
        lo, hi = f"{band}_lo", f"{band}_hi"
        if lo in by_year and hi in by_year:
            ax.fill_between(x, by_year[lo], by_year[hi], color=c, alpha=0.25, lw=0)
    if "member_war_rate" in by_year:
        ax.plot(x, by_year.member_war_rate, color=OKABE_ITO[5], lw=1,
                label="share of runs with a war among members")
    if "in_force" in by_year and by_year.in_force.any():
        ax.plot(x, by_year.in_force, color=OKABE_ITO[3], lw=1.5, ls="--",
                label="share of runs with the regime in force")
    if history:
        ax.axvline(1815, color="0.3", ls="--", lw=1)
        ax.text(1815.5, 0.97, "Vienna 1815", fontsize=8, va="top")
        ax.axvspan(1853, 1856, color=OKABE_ITO[5], alpha=0.15)
        ax.text(1853.5, 0.90, "Crimean War", fontsize=8, va="top")
    ax.set_ylim(0, 1)
    ax.set_xlabel("year")
    ax.set_ylabel("share")
    ax.set_title(title or "Concert of Europe: regime autonomy and cooperation (95% bands)")
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    return fig


def knobs(knobs_df: pd.DataFrame, value: str = "formed") -> Figure:
    """An outcome as each of Jervis's three knobs is turned from economic (0) to security (1)."""
    _require(knobs_df, ["knob", "value", value], "knobs")
    fig, ax = _fig()
    for k, (knob, g) in enumerate(knobs_df.groupby("knob", sort=False)):
        lo, hi = f"{value}_lo", f"{value}_hi"
        ax.plot(g.value, g[value], marker="o", label=knob, color=OKABE_ITO[k])
        if lo in g and hi in g:
            ax.fill_between(g.value, g[lo], g[hi], color=OKABE_ITO[k], alpha=0.2, lw=0)
    ax.set_xlabel("knob setting (0 = economic baseline, 1 = security setting)")
    label = {"member_war_frequency": "wars between regime members per year",
             "formed": "share of runs in which the regime forms",
             "regime_years": "years the regime is in force",
             "cooperation": "restraint per directed pair-year",
             "conflict": "wars per pair-year"}.get(value, value)
    ax.set_ylabel(label)
    ax.set_title(f"Security versus economic regimes: {label}")
    ax.legend(frameon=False)
    return fig


def schelling_diagram(df: pd.DataFrame) -> Figure:
    """Schelling's binary-choice diagram: payoff to restraint and expansion."""
    _require(df, ["others_restraining", "restrain", "expand"], "Schelling table")
    fig, ax = _fig(5.5, 4)
    ax.plot(df.others_restraining, df.restrain, marker="o", label="restrain",
            color=OKABE_ITO[2])
    ax.plot(df.others_restraining, df.expand, marker="s", label="expand", color=OKABE_ITO[5])
    crit = df.attrs.get("critical_mass")
    if crit is not None:
        ax.axvline(crit, color="0.4", ls="--", lw=1)
        ax.text(crit, ax.get_ylim()[1], f" critical mass {crit}", fontsize=8, va="top")
    ax.set_xlabel("number of other powers restraining")
    ax.set_ylabel("payoff (stage-game utility units)")
    ax.set_title(f"Schelling's binary choice ({df.attrs.get('game', 'stance game')})")
    ax.legend(frameon=False)
    return fig


def war_size_ccdf(simulated, observed, observed_label: str = "COW inter-state wars") -> Figure:
    """CCDF of war sizes on log-log axes, each sample with its Clauset-Shalizi-Newman fit.

    ``simulated``: sizes (capability destroyed, share of the initial total),
    or a mapping label -> sizes (one curve each); ``observed``: battle
    deaths.  Every fit line is :func:`~security_regimes.experiments.powerlaw.csn_fit`
    (the ``powerlaw`` package), the estimator of the report's tail table, so
    figure and table show the same exponents; a sample of fewer than
    ``MIN_SIZES`` sizes is drawn without a fit.
    """
    from ..experiments.powerlaw import MIN_SIZES, ccdf, csn_fit

    samples = simulated if isinstance(simulated, Mapping) else {"simulated wars": simulated}
    fig, axes = _fig(9, 3.8, ncols=2)
    panels = [(axes[0], label, data, OKABE_ITO[k % len(OKABE_ITO)])
              for k, (label, data) in enumerate(samples.items())]
    panels.append((axes[1], observed_label, observed, OKABE_ITO[5]))
    for ax, label, data, colour in panels:
        x, p = ccdf(data)
        ax.loglog(x, p, ".", color=colour, ms=3, label=label)
        if len(x) < MIN_SIZES:  # too few wars for a tail
            continue
        fit = csn_fit(x)
        xs = np.geomspace(fit["xmin"], x.max(), 50)
        ptail = (x >= fit["xmin"]).mean()
        ax.loglog(xs, ptail * (xs / fit["xmin"]) ** (1 - fit["alpha"]), color=colour, lw=1,
                  label=f"alpha = {fit['alpha']:.2f} +/- {fit['sigma']:.2f} "
                        f"(x >= {fit['xmin']:.3g})")
    axes[0].set_xlabel("capability destroyed (share of initial total)")
    axes[1].set_xlabel("battle deaths")
    for ax in axes:
        ax.set_ylabel("P(size >= x)")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.legend(frameon=False, fontsize=7, loc="lower left")
    fig.suptitle("War sizes: complementary cumulative distribution and power-law fit "
                 "(powerlaw package)")
    return fig


def sweep_outcome(runs: pd.DataFrame, outcome: str, x: str, y: str | None = None) -> Figure:
    """An outcome against one parameter (mean, 95% CI) or two (heat map of means);
    the figure of ``SweepData.plot`` (:func:`security_regimes._plot.outcome_against`)."""
    fig, ax = _fig()
    outcome_against(runs, outcome, x, y, ax=ax)
    return fig


def sobol_bars(si: pd.DataFrame, outcome: str = "") -> Figure:
    """First- and total-order Sobol indices with their 95% confidence intervals."""
    _require(si, ["parameter", "S1", "S1_conf", "ST", "ST_conf"], "Sobol indices")
    fig, ax = _fig()
    k = np.arange(len(si))
    ax.bar(k - 0.2, si.S1, 0.4, yerr=si.S1_conf, label="first order (S1)", color=OKABE_ITO[0],
           capsize=3)
    ax.bar(k + 0.2, si.ST, 0.4, yerr=si.ST_conf, label="total order (ST)", color=OKABE_ITO[1],
           capsize=3)
    ax.set_xticks(k, si.parameter, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title(f"Sobol sensitivity indices{' of ' + outcome if outcome else ''}")
    ax.legend(frameon=False)
    return fig


def prim_box(discovery) -> Figure:
    """PRIM scenario discovery: the peeling trajectory and the chosen box.

    Left: coverage against density for every box PRIM peeled (colour: number
    of restricted parameters), the chosen box circled.  Right: each
    restricted parameter's box as a share of the range the sweep covered.
    """
    traj = discovery.trajectory
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    sc = a.scatter(traj.coverage, traj.density, c=traj.res_dim, cmap="viridis", s=18)
    a.scatter([discovery.coverage], [discovery.density], s=160, facecolors="none",
              edgecolors="red", linewidths=1.5, label="chosen box")
    a.axhline(discovery.base_rate, color="grey", ls=":", label="base rate")
    a.set(xlabel="coverage", ylabel="density", title=f"PRIM peeling: {discovery.rule}",
          xlim=(0, 1.02), ylim=(0, 1.02))
    fig.colorbar(sc, ax=a, label="restricted parameters")
    a.legend(loc="lower left", fontsize=8)
    lim = discovery.limits[discovery.limits["min"] != ""] if len(discovery.limits) else \
        discovery.limits
    for k, row in enumerate(lim.itertuples(index=False)):
        span = (row.max - row.min) or 1.0
        lo, hi = (row.low - row.min) / span, (row.high - row.min) / span
        b.plot([0, 1], [k, k], color="lightgrey", lw=6, solid_capstyle="butt")
        b.plot([lo, hi], [k, k], color="tab:red", lw=6, solid_capstyle="butt")
        b.text(lo, k + 0.25, f"{row.low:.3g}", ha="left", fontsize=8)
        b.text(hi, k + 0.25, f"{row.high:.3g}", ha="right", fontsize=8)
    b.set_yticks(range(len(lim)), list(lim.parameter) if len(lim) else [])
    b.set(xlim=(-0.02, 1.02), ylim=(-0.7, max(len(lim), 1) - 0.3),
          xlabel="share of the range swept",
          title=f"box: coverage {discovery.coverage:.2f}, density {discovery.density:.2f}")
    fig.tight_layout()
    return fig


def system_history(capabilities: pd.DataFrame, years: pd.DataFrame, alliances: pd.DataFrame,
                   powers: list[str], system: int = 0, year: int = 1, start_year: int = 1,
                   title: str = "") -> Figure:
    """One run as it unfolds: capabilities (wars marked), regime strength, alliances in ``year``.

    ``capabilities``, ``years`` and ``alliances`` are the tidy tables of a
    :class:`~security_regimes.system.simulate.SimulationResult`
    (``capability_frame()``, ``per_year``, ``alliances``); ``year`` is the
    simulated year (1-based) marked on the curves and drawn as a network.
    """
    import networkx as nx

    _require(capabilities, ["system", "year", "power", "capability"], "capabilities")
    _require(years, ["system", "year", "war", "regime_strength"], "years")
    c = capabilities[capabilities.system == system]
    y = years[years.system == system]
    if c.empty or y.empty:
        raise ValueError(f"no run {system} in the tables")
    fig = plt.figure(figsize=(6.5, 7.5))
    gs = fig.add_gridspec(3, 1, height_ratios=[2.2, 1.0, 2.4])
    a, b, n = fig.add_subplot(gs[0]), fig.add_subplot(gs[1]), fig.add_subplot(gs[2])
    cal = year + start_year - 1
    for k, (power, g) in enumerate(c.groupby("power", sort=False)):
        a.plot(g.year + start_year - 1, g.capability, label=power,
               color=OKABE_ITO[k % len(OKABE_ITO)])
    for yr in y.year[y.war.astype(bool)]:
        a.axvline(yr + start_year - 1, color="0.6", lw=0.6, ls=":", zorder=0)
    a.axvline(cal, color="black", lw=1.2)
    a.set(ylabel="capability", title=title or f"run {system}")
    a.legend(frameon=False, ncol=min(4, len(powers)), fontsize=7)
    b.plot(y.year + start_year - 1, y.regime_strength, color=OKABE_ITO[2])
    b.axhline(0.5, color="0.6", ls="--", lw=0.8)
    b.axvline(cal, color="black", lw=1.2)
    b.set(ylabel="regime strength", ylim=(-0.02, 1.02), xlabel="year")
    g = nx.Graph()
    g.add_nodes_from(powers)
    e = alliances[(alliances.system == system) & (alliances.year == year)]
    g.add_edges_from(zip(e.a, e.b, strict=True))
    alive = c[(c.year == year) & (c.capability > 0)].power
    colors = [OKABE_ITO[4] if p in set(alive) else "0.85" for p in powers]
    nx.draw_networkx(g, pos=nx.circular_layout(powers), ax=n, node_color=colors,
                     edge_color=OKABE_ITO[0], node_size=600, font_size=8, width=2)
    n.set_title(f"{cal}: {g.number_of_edges()} alliance(s) (grey: eliminated)", fontsize=9)
    n.set_axis_off()
    fig.tight_layout()
    return fig


def _last_generation(post: pd.DataFrame) -> pd.DataFrame:
    _require(post, ["weight", "generation"], "posterior")
    return post[post.generation == post.generation.max()]


def posterior_marginals(post: pd.DataFrame, params: list[str]) -> Figure:
    """Each parameter's weighted kernel density in the final ABC-SMC generation
    (pyabc's ``plot_kde_1d``)."""
    from pyabc.visualization import plot_kde_1d

    last = _last_generation(post)
    w = last.weight.to_numpy(float) / last.weight.sum()
    fig, axes = plt.subplots(1, len(params), figsize=(3.2 * len(params), 2.8), squeeze=False)
    for ax, p in zip(axes[0], params, strict=True):
        plot_kde_1d(last[params].reset_index(drop=True), w, p, ax=ax, xname=p, title=p,
                    color=OKABE_ITO[4])
        ax.title.set_fontsize(8)
        ax.xaxis.label.set_fontsize(8)
        ax.set_yticks([])
    fig.suptitle(f"Posterior marginals (generation {int(last.generation.iloc[0])}, "
                 f"{len(last)} particles)", fontsize=10)
    fig.tight_layout()
    return fig


def posterior_pairs(post: pd.DataFrame, params: list[str]) -> Figure:
    """The final generation's one- and two-parameter marginals (pyabc's
    ``plot_kde_matrix``: weighted densities below the diagonal, particles above)."""
    from pyabc.visualization import plot_kde_matrix

    last = _last_generation(post)
    k = len(params)
    fig, axes = plt.subplots(k, k, figsize=(2.4 * k, 2.4 * k), squeeze=False)
    plot_kde_matrix(last[params].reset_index(drop=True),
                    last.weight.to_numpy(float) / last.weight.sum(), colorbar=False,
                    arr_ax=axes)
    for ax in axes.flat:
        ax.tick_params(labelsize=6)
        ax.xaxis.label.set_fontsize(6)
        ax.yaxis.label.set_fontsize(6)
    fig.tight_layout()
    return fig


def posterior_predictive(ppc: pd.DataFrame) -> Figure:
    """Observed value against the 90% posterior predictive interval, fit and held out."""
    _require(ppc, ["statistic", "period", "observed", "median", "lo", "hi"], "ppc")
    stats = list(dict.fromkeys(ppc.statistic))
    periods = list(dict.fromkeys(ppc.period))
    fig, axes = plt.subplots(1, len(stats), figsize=(2.3 * len(stats), 3.2), squeeze=False)
    for ax, s in zip(axes[0], stats, strict=True):
        for k, p in enumerate(periods):
            r = ppc[(ppc.statistic == s) & (ppc.period == p)].iloc[0]
            color = OKABE_ITO[0] if p == "fit" else OKABE_ITO[5]
            ax.plot([k, k], [r.lo, r.hi], color=color, lw=6, alpha=0.5, solid_capstyle="butt")
            ax.plot(k, r["median"], "_", color=color, ms=14)
            ax.plot(k, r.observed, "o", color="black" if r.lo <= r.observed <= r.hi else "red")
        ax.set_xticks(range(len(periods)), periods, fontsize=8)
        ax.set_xlim(-0.6, len(periods) - 0.4)
        ax.set_title(s, fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("Posterior predictive check: 90% interval of one history (bar), median, "
                 "and the record (dot; red = outside)", fontsize=9)
    fig.tight_layout()
    return fig


def intent_phase(df: pd.DataFrame) -> Figure:
    """Far-sighted interest against Kaplan's rules: one heat map per number of powers.

    Cells (elimination threshold x discount) show far-sighted survival minus
    Kaplan's; a cell where survival and sparing are both within 0.05 of
    Kaplan's (``kaplan_like``) is outlined.
    """
    _require(df, ["n_powers", "elimination_threshold", "discount", "far_survival",
                  "kaplan_survival", "kaplan_like"], "intent")
    ns = sorted(df.n_powers.unique())
    fig, axes = plt.subplots(1, len(ns), figsize=(3.2 * len(ns) + 1, 3.6), squeeze=False,
                             constrained_layout=True)
    im = None
    for ax, n in zip(axes[0], ns, strict=True):
        d = df[df.n_powers == n]
        gap = d.assign(gap=d.far_survival - d.kaplan_survival).pivot(
            index="elimination_threshold", columns="discount", values="gap")
        like = d.pivot(index="elimination_threshold", columns="discount", values="kaplan_like")
        im = ax.imshow(gap.to_numpy(float), origin="lower", aspect="auto", cmap="RdBu",
                       vmin=-1, vmax=1)
        ax.set_xticks(range(gap.shape[1]), [f"{v:g}" for v in gap.columns], fontsize=7)
        ax.set_yticks(range(gap.shape[0]), [f"{v:g}" for v in gap.index])
        for (i, j), v in np.ndenumerate(gap.to_numpy(float)):
            ax.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=7)
            if bool(like.to_numpy()[i, j]):
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2,
                                           color="black"))
        ax.set(xlabel="discount factor", title=f"{n} powers")
    axes[0][0].set_ylabel("elimination threshold")
    fig.suptitle("Result without intent: far-sighted survival minus Kaplan's "
                 "(outlined: Kaplan-like survival and sparing)", fontsize=10)
    fig.colorbar(im, ax=axes[0].tolist(), label="survival gap")
    return fig
