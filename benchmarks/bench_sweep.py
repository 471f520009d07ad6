"""Sweep throughput per executor, process speed-up, and store overhead.

A 10,000-run sweep of the kaplan_balance scenario (5 powers, 100 years):
10 design points x 1,000 replicates in chunks of 500 runs, run with each
executor (serial, process with all cores, dask local cluster).
Bars: process >= 1.7x serial on this 2-core machine; store < 5% of the time.

    .venv/bin/python benchmarks/bench_sweep.py [--runs-per-point 1000]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import tempfile
import time
from pathlib import Path

from security_regimes.experiments.files import load_sweep_file
from security_regimes.experiments.store import load, run_sweep
from security_regimes.experiments.sweep import (
    design_points,
    iter_process,
    iter_serial,
    make_chunks,
    run_chunk,
)

SWEEP = """
base = "kaplan_balance"
seed = 1
replicates = {reps}
design = "grid"
years = 100
chunk_size = 500
outcomes = ["war_frequency", "essential_survival", "regime_autonomy", "hegemony"]

[parameters]
"policy.rules.3" = {{ low = 0.0, high = 1.0, steps = 10 }}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs-per-point", type=int, default=1000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    sweep = tmp / "sweep.toml"
    sweep.write_text(SWEEP.format(reps=args.runs_per_point))
    n = 10 * args.runs_per_point
    print(f"{n:,} runs of kaplan_balance (5 powers, 100 years), chunks of 500, "
          f"{os.cpu_count()} cores")
    times = {}
    for ex in ("serial", "process", "dask"):
        out = tmp / ex
        t = time.perf_counter()
        rep = run_sweep(sweep, out, executor=ex, quiet=True)
        dt = time.perf_counter() - t
        times[ex] = dt
        assert len(load(out).runs) == n
        print(f"  {ex:8s} {dt:7.2f} s  {n / dt:8,.0f} runs/s  (main process writing files: "
              f"{rep.store_seconds:5.2f} s)")
    # The store's real cost: the same chunks computed and discarded, no files.
    model, scenario = load_sweep_file(sweep)
    points = design_points(model, scenario)
    chunks = make_chunks(len(points) * model.replicates, model.chunk_size)
    fn = functools.partial(run_chunk, scenario, points, model.replicates, model.years, model.seed,
                           list(model.outcomes), start_year=scenario.start_year)
    for ex, it in (("serial", lambda: iter_serial(fn, chunks)),
                   ("process", lambda: iter_process(fn, chunks, None))):
        t = time.perf_counter()
        for _ in it():
            pass
        bare = time.perf_counter() - t
        print(f"  {ex:8s} without the store {bare:6.2f} s: the store adds "
              f"{100 * (times[ex] - bare) / times[ex]:4.1f}% to the sweep (bar: < 5%)")
    print(f"process speed-up over serial: {times['serial'] / times['process']:.2f}x (bar: 1.7x)")
    print(f"dask speed-up over serial:    {times['serial'] / times['dask']:.2f}x")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
