"""Render the figures shown in README.md and docs/ from a demo results directory.

    regimes demo --out results/demo        # (what `make demo` runs; seed 1, 300 runs)
    python scripts/make_figures.py results/demo docs/figures
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from security_regimes.presentation import plots
from security_regimes.presentation.report import war_size_label


def war_sizes(demo: Path):
    """The report's war-size figure: each scenario's sizes and COW's, csn fits."""
    w = pd.read_csv(demo / "war_sizes.csv")
    cow = pd.read_csv(demo / "cow_war_sizes.csv")
    return plots.war_size_ccdf({n: g.war_size for n, g in w.groupby("scenario", sort=False)},
                               cow.battle_deaths, war_size_label(cow))


def main(demo: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    by_year = pd.read_parquet(demo / "scenarios" / "concert_of_europe" / "autonomy_by_year.parquet")
    figs = {
        "concert_timeline": plots.concert_timeline(by_year),
        "survival_5_powers": plots.survival_curves(pd.read_csv(demo / "balance" / "survival.csv"), 5),
        "four_worlds_cooperation": plots.four_worlds_heatmap(pd.read_csv(demo / "four_worlds.csv")),
        "four_worlds_autonomy": plots.four_worlds_heatmap(pd.read_csv(demo / "four_worlds.csv"),
                                                          "regime_autonomy"),
        "knobs_formed": plots.knobs(pd.read_csv(demo / "knobs.csv"), "formed"),
        "war_sizes": war_sizes(demo),
    }
    sch = pd.read_csv(demo / "schelling.csv")
    sch.attrs.update(json.loads((demo / "schelling.json").read_text()))
    figs["schelling"] = plots.schelling_diagram(sch)
    for name, fig in figs.items():
        fig.savefig(out / f"{name}.png", dpi=90)
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
