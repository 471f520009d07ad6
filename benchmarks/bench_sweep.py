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
chunk_size = {chunk}
outcomes = ["war_frequency", "essential_survival", "regime_autonomy", "hegemony"]

[parameters]
"policy.rules.3" = {{ low = 0.0, high = 1.0, steps = 10 }}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs-per-point", type=int, default=1000)
    ap.add_argument("--chunk-size", type=int, default=500)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    sweep = tmp / "sweep.toml"
    sweep.write_text(SWEEP.format(reps=args.runs_per_point, chunk=args.chunk_size))
    n = 10 * args.runs_per_point
    print(f"{n:,} runs of kaplan_balance (5 powers, 100 years), chunks of {args.chunk_size}, "
          f"{os.cpu_count()} cores")
    model, scenario = load_sweep_file(sweep)
    points = design_points(model, scenario)
    chunks = make_chunks(len(points) * model.replicates, model.chunk_size)
    fn = functools.partial(run_chunk, scenario, points, model.replicates, model.years, model.seed,
                           list(model.outcomes), start_year=scenario.start_year)
    fn(chunks[0])  # warm caches (compiled strategy tables) before timing anything

    def with_store(ex, k):
        out = tmp / f"{ex}-{k}"
        t = time.perf_counter()
        rep = run_sweep(sweep, out, executor=ex, quiet=True)
        dt = time.perf_counter() - t
        assert len(load(out).runs) == n
        shutil.rmtree(out)
        return dt, rep.store_seconds

    def without_store(ex):
        it = iter_serial(fn, chunks) if ex == "serial" else iter_process(fn, chunks, None)
        t = time.perf_counter()
        for _ in it:
            pass
        return time.perf_counter() - t

    # With and without the store, interleaved (this VM's timings drift), best of 5 each.
    times, bare, store = {}, {}, {}
    for ex in ("serial", "process"):
        a, b = [], []
        for k in range(5):
            a.append(with_store(ex, k))
            b.append(without_store(ex))
        times[ex], store[ex] = min(a)
        bare[ex] = min(b)
    times["dask"], store["dask"] = with_store("dask", 0)
    for ex in ("serial", "process", "dask"):
        print(f"  {ex:8s} {times[ex]:7.2f} s  {n / times[ex]:8,.0f} runs/s  "
              f"(files written in {store[ex]:4.2f} s of worker time)")
    for ex in ("serial", "process"):
        share = store[ex] / times[ex] / (1 if ex == "serial" else os.cpu_count())
        print(f"  {ex:8s} store: writing = {100 * share:4.1f}% of the sweep's time; same chunks "
              f"without any store {bare[ex]:5.2f} s, i.e. {100 * (times[ex] - bare[ex]) / times[ex]:+5.1f}% "
              f"(bar: < 5%)")
    print(f"process speed-up over serial: {times['serial'] / times['process']:.2f}x (bar: 1.7x)")
    print(f"dask speed-up over serial:    {times['serial'] / times['dask']:.2f}x")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
