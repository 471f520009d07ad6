"""One self-contained HTML report for a results directory.

Figures are embedded as PNG data URIs, so the file opens offline and can be
mailed.  A results directory is one this package wrote; its
``manifest.json`` says which kind:

* ``sweep``: written by ``regimes sweep``;
* ``scenario``: written by ``regimes run NAME --out DIR``;
* ``demo``: written by ``regimes demo`` (several scenarios and experiments).
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .._io import write_text
from .._version import __version__
from ..data.patterns import RECORD
from . import plots

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; color: #222;
       line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ddd; padding: .25em .5em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: .8em; }
figure { margin: 1em 0; } img { max-width: 100%; }
.meta { color: #555; font-size: .9em; }
nav.toc { background: #f8f8f8; padding: .5em 1em; margin: 1em 0; font-size: .9em; }
"""


class Html:
    """An HTML report: sections (each in the table of contents), paragraphs,
    figures embedded as PNG, tables with a number format per column, and
    links that are relative to the report's own directory when they point
    to a local file (so a results directory can be moved with its checkout)."""

    def __init__(self, title: str):
        self.title = title
        self.parts: list[str | tuple] = []
        self.sections: list[tuple[str, str]] = []

    def h2(self, text: str) -> None:
        anchor = f"s{len(self.sections) + 1}"
        self.sections.append((anchor, text))
        self.parts.append(f"<h2 id=\"{anchor}\">{html.escape(text)}</h2>")

    def p(self, text: str) -> None:
        self.parts.append(f"<p>{html.escape(text)}</p>")

    def figure(self, fig, caption: str = "") -> None:
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        data = base64.b64encode(buf.getvalue()).decode()
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        self.parts.append(f'<figure><img alt="{html.escape(caption or "figure")}" '
                          f'src="data:image/png;base64,{data}">{cap}</figure>')

    def table(self, df: pd.DataFrame, formats: dict[str, str] | None = None) -> None:
        """``df`` as a table; each float column formatted by ``formats[column]``
        (a ``str.format`` spec) or by :func:`column_format`."""
        formats = formats or {}
        formatters = {c: (formats.get(c) or column_format(df[c])).format
                      for c in df.columns if pd.api.types.is_float_dtype(df[c])}
        self.parts.append(df.to_html(index=False, formatters=formatters, border=0,
                                     classes="data", na_rep="-", escape=True))

    def link(self, before: str, text: str, href: str | Path, after: str = "") -> None:
        """A link; a local ``Path`` is written relative to the report's directory."""
        self.parts.append(("link", before, text, href, after))

    def pre(self, text: str) -> None:
        self.parts.append(f"<pre>{html.escape(text)}</pre>")

    def _part(self, part, base: Path) -> str:
        if isinstance(part, str):
            return part
        _, before, text, href, after = part
        if isinstance(href, Path):
            href = Path(os.path.relpath(href.resolve(), base.resolve())).as_posix()
        return (f"<p>{html.escape(before)}<a href=\"{html.escape(str(href))}\">"
                f"{html.escape(text)}</a>{html.escape(after)}</p>")

    def render(self, meta: dict, base: str | Path = ".") -> str:
        """The page; ``base`` is the directory the report is written to."""
        rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                       for k, v in meta.items())
        toc = ""
        if len(self.sections) > 1:
            items = "".join(f"<li><a href=\"#{a}\">{html.escape(t)}</a></li>"
                            for a, t in self.sections)
            toc = f"<nav class='toc'><strong>Contents</strong><ol>{items}</ol></nav>"
        body = "\n".join(self._part(p, Path(base)) for p in self.parts)
        return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>"
                f"<h1>{html.escape(self.title)}</h1><table class='meta'>{rows}</table>"
                + toc + body + "</body></html>")


def column_format(values: pd.Series) -> str:
    """A column's number format from its values: shares and probabilities (all
    in [0, 1]) to 3 decimals, whole numbers and large ones (all at least 10,000)
    with thousands separators and no decimals, anything else to 4 significant
    digits."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    v = v[np.isfinite(v)]
    if v.empty:
        return "{:.4g}"
    if v.min() >= 0 and v.max() <= 1:
        return "{:.3f}"
    if (v == v.round()).all() and v.abs().max() < 1e15:
        return "{:,.0f}"
    if v.abs().max() >= 1e4 and v.abs().min() >= 1:
        return "{:,.0f}"
    return "{:.4g}"


def _manifest(directory: Path) -> dict:
    path = directory / "manifest.json"
    if not directory.is_dir():
        raise ValueError(f"{directory}: no such results directory")
    if not path.is_file():
        raise ValueError(f"{directory} is not a results directory (no manifest.json)")
    try:
        m = json.loads(path.read_text())
    except json.JSONDecodeError:
        raise ValueError(f"{path}: not valid JSON") from None
    if m.get("kind") not in ("sweep", "scenario", "demo", "calibration"):
        raise ValueError(f"{path}: unknown results kind {m.get('kind')!r}")
    return m


def write_report(directory: str | Path, out: str | Path | None = None) -> Path:
    """Write ``report.html`` for ``directory`` (or to ``out``); returns its path."""
    t0 = time.perf_counter()
    directory = Path(directory)
    m = _manifest(directory)
    if out is not None:  # checked before any work
        out = Path(out)
        if out.is_dir():
            raise ValueError(f"--out {out} is a directory; give the report's file name, e.g. "
                             f"{out / 'report.html'}")
        if not out.parent.is_dir():
            raise ValueError(f"--out {out}: no such directory {out.parent}")
    doc = {"sweep": _sweep_report, "scenario": _scenario_report, "demo": _demo_report,
           "calibration": _calibration_report}[m["kind"]](directory, m)
    meta = {"results": str(directory), "kind": m["kind"], "seed": m.get("seed"),
            "package version": m.get("package_version", __version__),
            "results written": m.get("started", m.get("written", "")),
            "report written": datetime.now(UTC).isoformat(timespec="seconds"),
            "report time": f"{time.perf_counter() - t0:.1f} s"}
    if "run_seconds" in m:
        meta["run time"] = f"{m['run_seconds']:.1f} s"
    path = Path(out) if out is not None else directory / "report.html"
    write_text(doc.render(meta, path.parent), path)
    return path


# --- Scenario ------------------------------------------------------------------

def _scenario_section(doc: Html, d: Path, m: dict, heading: bool = True) -> None:
    name = m.get("scenario", d.name)
    if heading:
        doc.h2(f"Scenario {name}")
    if m.get("description"):
        doc.p(m["description"])
    if m.get("claim"):
        doc.p("Claim tested: " + m["claim"])
    if (d / "regime_effects.parquet").exists():
        doc.p("What the regime does while its norms bind (the years after it is in force), "
              "against the same seeds without norms, with 95% intervals "
              "(ScenarioResult.regime_effects()).")
        doc.table(pd.read_parquet(d / "regime_effects.parquet"))
    if (d / "regime_breakdowns.parquet").exists():
        doc.p("What ended each spell in force: the first of a member war that year, a "
              "domestic change, a revisionist turn, trust below the threshold, or (the "
              "weights fell) fading "
              "memory or relative decline (ScenarioResult.regime_breakdowns()).")
        doc.table(pd.read_parquet(d / "regime_breakdowns.parquet"))
    outcomes = pd.read_parquet(d / "outcomes.parquet")
    doc.p("Outcomes: mean and 95% CI over runs; 'without_norms' is the same runs on the same "
          "seeds with the norms stripped.")
    doc.table(outcomes)
    by_year = pd.read_parquet(d / "autonomy_by_year.parquet")
    concert = name == "concert_of_europe"
    doc.figure(plots.concert_timeline(
        by_year, None if concert else f"{name}: regime autonomy and cooperation by year (95% "
                                      "bands)", history=concert),
        "Regime autonomy and cooperation by year")
    if (d / "channels.parquet").exists():
        doc.p("Wars per run, with minus without norms, split into a survival channel (more "
              "or fewer pairs at risk) and a per-pair channel.")
        doc.table(pd.read_parquet(d / "channels.parquet"))
    if (d / "history.parquet").exists():
        h = pd.read_parquet(d / "history.parquet")
        doc.p(f"History as a predictive distribution (COW {RECORD[0]}-{RECORD[1]}): how often "
              "the model "
              "produces what happened, with and without the norms; likelihood_ratio = "
              "P(record | norms) / P(record | no norms).")
        doc.table(h)
    if (d / "capabilities.parquet").exists():
        caps = pd.read_parquet(d / "capabilities.parquet")
        years = pd.read_parquet(d / "years.parquet")
        first = int(caps.system.min())
        doc.figure(plots.capabilities_over_time(caps, years, first, m.get("start_year", 1)),
                   "Capabilities in one run")
        if (d / "alliances.parquet").exists():
            al = pd.read_parquet(d / "alliances.parquet")
            powers = list(dict.fromkeys(caps.power))
            n_years = int(years.year.max())
            snaps = tuple(sorted({1, max(1, n_years // 2), n_years}))
            doc.figure(plots.alliance_network(al, powers, first, snaps), "Alliance snapshots")
        if (d / "map.parquet").exists() and (d / "borders.parquet").exists():
            n_years = int(years.year.max())
            snaps = tuple(sorted({1, max(1, n_years // 2), n_years}))
            al = (pd.read_parquet(d / "alliances.parquet")
                  if (d / "alliances.parquet").exists() else None)
            doc.p("The map: each state at its position, its capability, the alliances of the "
                  "year and the wars begun since the previous panel (one run).")
            doc.figure(plots.state_map(pd.read_parquet(d / "map.parquet"),
                                       pd.read_parquet(d / "borders.parquet"), caps, years, al,
                                       first, snaps, m.get("start_year", 1)), "Map snapshots")
    if m.get("scenario_toml"):
        doc.p("Scenario file (run it with `regimes run FILE`):")
        doc.pre(m["scenario_toml"])


def _scenario_report(d: Path, m: dict) -> Html:
    doc = Html(f"security-regimes report: scenario {m.get('scenario', d.name)}")
    _scenario_section(doc, d, m, heading=False)
    return doc


# --- Sweep ----------------------------------------------------------------------

def _calibration_report(d: Path, m: dict) -> Html:
    from ..experiments.calibrate import load_calibration

    cal = load_calibration(d)
    post, ppc, params = cal.posterior, cal.ppc, cal.parameters
    doc = Html(f"security-regimes report: calibration of {m.get('scenario')}")
    doc.p(f"ABC-SMC (pyabc): {post.generation.max() + 1} generations, "
          f"{len(cal.final)} particles in the last. "
          "The fit period is fitted; the held-out period is predicted, not fitted.")
    doc.figure(plots.posterior_predictive(ppc), "Posterior predictive check, fit and held out")
    doc.table(ppc)
    doc.h2("Posterior")
    doc.table(cal.quantiles())
    doc.figure(plots.posterior_marginals(post, params), "Posterior marginals")
    doc.figure(plots.posterior_pairs(post, params[:5]), "Posterior pairs")
    doc.h2("Calibration file")
    doc.pre(m.get("calibration", ""))
    if (d / "calibrated.toml").exists():
        doc.h2("calibrated.toml (runnable with regimes run)")
        doc.pre((d / "calibrated.toml").read_text())
    return doc


def _sweep_report(d: Path, m: dict) -> Html:
    from ..experiments.store import load, sensitivity

    data = load(d)
    doc = Html(f"security-regimes report: sweep of {m.get('base_scenario')}")
    doc.p(f"{len(data.runs)} of {m['n_runs']} runs finished: {m['n_points']} design points "
          f"({m['design']}) x {m['replicates']} replicates, {m['years']} years each.")
    params = list(m["parsed"]["parameters"])
    for outcome in m.get("outcomes", []):
        if outcome not in data.runs or data.runs[outcome].isna().all():
            continue
        if m["design"] == "grid":
            doc.figure(plots.sweep_outcome(data.runs, outcome, params[0]),
                       f"{outcome} against {params[0]}")
            if len(params) >= 2:
                doc.figure(plots.sweep_outcome(data.runs, outcome, params[0], params[1]),
                           f"{outcome} over {params[0]} and {params[1]}")
    if m["design"] == "sobol" and len(data.runs) == m["n_runs"]:
        for outcome in m.get("outcomes", []):
            try:
                si = sensitivity(d, outcome)
            except ValueError:
                continue
            doc.figure(plots.sobol_bars(si, outcome), f"Sobol indices of {outcome}")
            doc.table(si)
    doc.h2("Outcomes by design point (means over replicates)")
    cols = [c for c in m.get("outcomes", []) if c in data.runs]
    doc.table(data.runs.groupby("point")[params + cols].mean().reset_index().head(200))
    doc.h2("Sweep file")
    doc.pre(m.get("sweep", ""))
    return doc


# --- Demo -----------------------------------------------------------------------

def docs_location() -> tuple[str, Path] | None:
    """(label, path) of the documentation: the built site, else its sources."""
    root = Path(__file__).resolve().parents[3]  # the source checkout, if this is one
    if not (root / "mkdocs.yml").is_file():
        return None
    site = root / "site" / "index.html"
    if site.is_file():
        return "the documentation site", site
    return "the documentation sources (build the site with `make docs`)", root / "docs" / "index.md"


def _docs_link(doc: Html) -> None:
    where = docs_location()
    if where is None:
        doc.p("Documentation: build it from the source repository with `make docs`.")
    else:
        doc.link("Documentation: ", where[0], where[1],
                 ": getting started, one page per claim, the API and CLI references.")


def _demo_report(d: Path, m: dict) -> Html:
    doc = Html("security-regimes: Jervis's 'Security Regimes' (1982), run")
    doc.p("Every figure and table below was produced by `regimes demo` from the seed shown "
          "above; see docs/theory.md for how each claim maps to the model.")
    _docs_link(doc)
    if (d / "tournament.csv").exists():
        doc.h2("Repeated security games: a round-robin tournament")
        t = pd.read_csv(d / "tournament_summary.csv")
        doc.table(t)
    if (d / "schelling.csv").exists():
        s = pd.read_csv(d / "schelling.csv")
        s.attrs.update(json.loads((d / "schelling.json").read_text()))
        doc.h2("Schelling's binary choice in the Concert's stance game")
        doc.figure(plots.schelling_diagram(s))
    if (d / "four_worlds.csv").exists():
        g = pd.read_csv(d / "four_worlds.csv")
        doc.h2("Jervis's four worlds (1978)")
        doc.figure(plots.four_worlds_heatmap(g, "cooperation_rate"),
                   "Cooperation over offense-defense balance and distinguishability")
        doc.figure(plots.four_worlds_heatmap(g, "regime_autonomy"),
                   "Regime autonomy over the same grid")
    if (d / "balance").is_dir():
        doc.h2("The balance of power: Waltz, Kaplan, balancer, far-sighted Waltz")
        out = pd.read_csv(d / "balance" / "outcomes.csv")
        surv = pd.read_csv(d / "balance" / "survival.csv")
        for n in sorted(surv.n_powers.unique()):
            doc.figure(plots.survival_curves(surv, int(n)))
        doc.figure(plots.war_frequency_and_size(out))
        cols = ["n_powers", "policy", "war_frequency", "mean_war_size", "essential_survival",
                "essential_survival_lo", "essential_survival_hi", "hegemony_year",
                "system_war_frequency", "sparing"]
        doc.table(out[[c for c in cols if c in out]])  # older results lack the last two
    if (d / "knobs.csv").exists():
        k = pd.read_csv(d / "knobs.csv")
        doc.h2("Security versus economic regimes: Jervis's three knobs")
        for value in ("formed", "regime_years", "cooperation", "conflict"):
            if value in k:
                doc.figure(plots.knobs(k, value))
    if (d / "war_sizes.csv").exists():
        w = pd.read_csv(d / "war_sizes.csv")
        cow = pd.read_csv(d / "cow_war_sizes.csv")
        doc.h2("War sizes: simulated against COW")
        doc.figure(plots.war_size_ccdf(
            {name: g.war_size for name, g in w.groupby("scenario", sort=False)},
            cow.battle_deaths, war_size_label(cow)))
    if (d / "tails.csv").exists():
        doc.p("Clauset-Shalizi-Newman fits with the powerlaw package: alpha above xmin, and "
              "normalised log-likelihood ratios R against a lognormal and an exponential "
              "(R > 0 favours the power law; p is the significance of its sign). Simulated "
              "sizes are capability destroyed, COW sizes battle deaths: compare exponents.")
        doc.table(pd.read_csv(d / "tails.csv"))
    scen = d / "scenarios"
    if scen.is_dir():
        for sub in sorted(p for p in scen.iterdir() if p.is_dir()):
            sm = _manifest(sub)
            _scenario_section(doc, sub, sm)
    return doc


def war_size_label(cow: pd.DataFrame) -> str:
    """The COW war sample's name with the years its wars began (from the data)."""
    if "start_year" not in cow or cow.start_year.isna().all():
        return "COW inter-state wars"
    return f"COW inter-state wars {int(cow.start_year.min())}-{int(cow.start_year.max())}"
