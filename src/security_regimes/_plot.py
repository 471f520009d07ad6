"""Plots of results for notebooks: the ``.plot()`` methods of the result classes.

Kept at the bottom of the stack (matplotlib only), so that ``SimulationResult``,
``ScenarioResult`` and ``SweepData`` can draw themselves; the figures of the
report and the CLI (:mod:`security_regimes.presentation.plots`) call the same
functions.  Each draws on ``ax`` (a new figure's axes when None) and returns it,
as pandas' ``.plot()`` does.
"""

from __future__ import annotations

import numpy as np

from ._validation import closest_hint

Z95 = 1.959963984540054


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython's kernel app is running)."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _axes(ax):
    """``ax``, or new axes: in a Jupyter kernel on a pyplot figure, so that the
    notebook shows it as pandas' plots are shown; elsewhere (the report, the
    explorer's server) on a figure of its own that no global registry keeps."""
    if ax is not None:
        return ax
    if in_notebook():
        import matplotlib.pyplot as plt

        return plt.subplots(figsize=(7.0, 4.0), layout="constrained")[1]
    from matplotlib.figure import Figure

    return Figure(figsize=(7.0, 4.0), layout="constrained").subplots()


def check_measure(name: str, names) -> str:
    """``name`` if it is one of ``names``, else ValueError (one line, closest names)."""
    names = list(names)
    if name not in names:
        raise ValueError(f"unknown measure {name!r}{closest_hint(name, names)}; expected one of "
                         f"{', '.join(names)}")
    return name


def mean_band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of ``values`` (runs, years): the mean over runs (NaN ignored) and
    its 95% interval, each shape (years,).  A measure that is 0 or 1 in every run
    and year (whether a war began) gets Wilson's interval per year; any other its
    normal interval cut at the column's smallest and largest value (a share's
    band stays in [0, 1]), as ``_stats.mean_ci``."""
    from ._stats import is_binary, wilson

    v = np.asarray(values, dtype=float)
    n = np.sum(~np.isnan(v), axis=0)
    if v.ndim == 2 and is_binary(v[~np.isnan(v)]):
        k = np.nansum(v, axis=0)
        bounds = np.array([wilson(k[t], n[t], Z95) if n[t] else (np.nan, np.nan)
                           for t in range(v.shape[1])]).reshape(-1, 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return k / n, bounds[:, 0], bounds[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(v, axis=0) if v.size else np.zeros(v.shape[1])
        sd = np.nanstd(v, axis=0, ddof=1) if v.shape[0] > 1 else np.zeros(v.shape[1])
        half = np.where(n > 1, Z95 * sd / np.sqrt(np.maximum(n, 1)), 0.0)
        if v.size:
            lo_v, hi_v = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
            return mean, np.fmax(mean - half, lo_v), np.fmin(mean + half, hi_v)
    return mean, mean - half, mean + half


def yearly(series: dict[str, np.ndarray], years: np.ndarray, measure: str, ax=None,
           xlabel: str = "year"):
    """One line per entry of ``series`` (label -> (runs, years) array): the mean
    over runs each year with its 95% band."""
    ax = _axes(ax)
    for label, values in series.items():
        mean, lo, hi = mean_band(values)
        (line,) = ax.plot(years, mean, label=label)
        ax.fill_between(years, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"{measure} (mean over runs, 95% band)")
    if len(series) > 1:
        ax.legend(frameon=False)
    return ax


def outcome_against(runs, outcome: str, x: str, y: str | None = None, ax=None):
    """An outcome against one parameter (mean, 95% CI) or two (heat map of means);
    ``runs`` one row per run with the parameters as columns."""
    for col in [outcome, x] + ([y] if y else []):
        if col not in runs.columns:
            raise ValueError(f"no column {col!r} in these results; have "
                             f"{', '.join(c for c in runs.columns if c not in ('run_id',))}")
    ax = _axes(ax)
    if y is None:
        g = runs.groupby(x)[outcome]
        m, s, n = g.mean(), g.std(ddof=1), g.count()
        half = Z95 * s / np.sqrt(n)
        ax.errorbar(m.index, m.to_numpy(), yerr=half.to_numpy(), marker="o", capsize=3)
        ax.set_xlabel(x)
        ax.set_ylabel(outcome)
        ax.set_title(f"{outcome} against {x} (mean, 95% CI)")
    else:
        t = runs.groupby([y, x])[outcome].mean().unstack(x)
        im = ax.imshow(t.to_numpy(), origin="lower", cmap="cividis", aspect="auto")
        ax.set_xticks(range(t.shape[1]), [f"{v:.3g}" for v in t.columns])
        ax.set_yticks(range(t.shape[0]), [f"{v:.3g}" for v in t.index])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.figure.colorbar(im, ax=ax, label=f"mean {outcome}")
        ax.set_title(f"{outcome} over {x} and {y}")
    return ax

