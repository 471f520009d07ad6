"""``make demo``: run the built-in scenarios and experiments, then write the report."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .._io import results_kind
from .._resources import check_fits
from .._settings import DEFAULT_SEED
from .._validation import check_int
from .._version import __version__
from ..data.patterns import interstate_war_deaths, wars
from ..engine.tournament import tournament
from ..experiments.balance import balance_experiment
from ..experiments.powerlaw import csn_fit, csn_fit_or_none
from ..regimes.history import covers_record, history_check
from ..regimes.scenarios import (
    builtin_scenarios,
    knobs_experiment,
    schelling,
    security_dilemma_grid,
)
from ..system.simulate import estimate_bytes
from .report import war_size_label, write_report

TOURNAMENT = ["Cooperator", "Defector", "Tit For Tat", "Grudger", "Tit For 2 Tats",
              "Suspicious Tit For Tat", "Win-Stay Lose-Shift", "Alternator",
              "Soft Go By Majority", "Contrite Tit For Tat", "Random", "GTFT", "Bayesian Trust"]


def run_demo(out: str | Path, seed: int = DEFAULT_SEED, systems: int = 300, console=None) -> Path:
    """Run the demo into ``out`` and write its report; returns the report's path.

    Inputs are checked before anything is written.  The demo is built in a
    hidden sibling directory and moved to ``out`` only when complete, so an
    error or Ctrl-C leaves a previous demo in ``out`` untouched.
    """
    out = Path(out)
    systems = check_int(systems, "--systems", 1, 100_000)
    seed = check_int(seed, "--seed", 0)
    if out.exists():
        if not out.is_dir():
            raise ValueError(f"--out {out} exists and is not a directory")
        is_demo = results_kind(out) == "demo"
        if not is_demo and any(out.iterdir()):
            raise ValueError(f"{out} is not empty and is not a demo directory; "
                             "choose another --out")
    biggest = max(2 * estimate_bytes(s.system.n_powers, s.years, systems)
                  for s in builtin_scenarios().values())
    check_fits(biggest, f"demo with --systems {systems}", "use fewer --systems")
    out.parent.mkdir(parents=True, exist_ok=True)
    final, out = out, out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    try:
        _run(out, seed, systems, console)
        if final.exists():
            shutil.rmtree(final)  # a previous demo (checked above): replace it
        os.replace(out, final)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return write_report(final)


def _run(out: Path, seed: int, systems: int, console) -> None:
    t0 = time.perf_counter()

    def say(msg):
        if console is not None:
            console.print(f"[dim]{time.perf_counter() - t0:5.1f}s[/dim] {msg}")

    say("tournament (13 strategies, 200 turns, 10 repetitions, noise 0.02)")
    t = tournament(TOURNAMENT, turns=200, repetitions=10, noise=0.02, seed=seed)
    t.scores.to_csv(out / "tournament.csv", index=False)
    t.summary.to_csv(out / "tournament_summary.csv", index=False)

    sch = schelling("concert_of_europe")
    sch.to_csv(out / "schelling.csv", index=False)
    (out / "schelling.json").write_text(json.dumps(sch.attrs))

    say("Jervis's four worlds: a 5 x 5 grid")
    security_dilemma_grid(systems=max(systems // 3, 20), years=100, seed=seed).to_csv(
        out / "four_worlds.csv", index=False)

    say("balance of power: 4 policies x (3, 5, 8) powers")
    outcomes, survival = balance_experiment((3, 5, 8), systems=systems, years=200, seed=seed)
    (out / "balance").mkdir()
    outcomes.to_csv(out / "balance" / "outcomes.csv", index=False)
    survival.to_csv(out / "balance" / "survival.csv", index=False)

    say("security versus economic: the three knobs")
    knobs_experiment(systems=max(systems // 3, 20), years=100, seed=seed).to_csv(
        out / "knobs.csv", index=False)

    sizes = []
    for name, scn in builtin_scenarios().items():
        if name.startswith("world_"):
            continue
        say(f"scenario {name}")
        ts = time.perf_counter()
        r = scn.run(seed=seed, systems=systems)
        extra = {"channels": r.channels()}
        if covers_record(scn.start_year, scn.years):
            extra["history"] = history_check(r)
        r.to_parquet(out / "scenarios" / name, extra=extra, run_seconds=time.perf_counter() - ts)
        if name in ("waltz_balance", "kaplan_balance", "concert_of_europe"):
            py = r.result.per_year
            sizes.append(py.loc[py.war.astype(bool), ["largest_war"]].rename(
                columns={"largest_war": "war_size"}).assign(scenario=name))
    sizes = pd.concat(sizes)
    sizes.to_csv(out / "war_sizes.csv", index=False)
    cow = interstate_war_deaths()
    cow_frame = cow.to_frame().join(wars().groupby("war_num").start_year.min()).reset_index()
    cow_frame.to_csv(out / "cow_war_sizes.csv", index=False)
    say("war-size tails (powerlaw package)")
    tails = [{"source": name, **csn_fit_or_none(s.war_size)}
             for name, s in sizes.groupby("scenario", sort=False)]
    tails.append({"source": war_size_label(cow_frame), **csn_fit(cow)})
    pd.DataFrame(tails).to_csv(out / "tails.csv", index=False)
    manifest = {"kind": "demo", "seed": seed, "systems": systems,
                "package_version": __version__,
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
                "run_seconds": time.perf_counter() - t0}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    say("writing the report")
