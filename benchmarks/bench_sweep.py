"""Sweep throughput per executor, process speed-up, and store overhead.

A 10,000-run sweep of the kaplan_balance scenario (5 powers, 100 years):
10 design points x 1,000 replicates in chunks of 500 runs, run with each
executor: serial on one thread (``SECURITY_REGIMES_THREADS=1``, the
baseline; its files are written on a second thread), serial with the
compiled year threaded over all cores, process (this process and one
forked worker per other core, one thread each), dask local cluster; then
the same comparison on the example sweeps of ``examples/``.
Bars: process >= 1.7x serial (one thread) on this 2-core machine; store < 5%
of the time.

    .venv/bin/python benchmarks/bench_sweep.py [--runs-per-point 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import tempfile
import time
from pathlib import Path

from security_regimes.experiments.files import load_sweep_file
from security_regimes.experiments.store import load, run_sweep
from security_regimes.experiments.sweep import (
    Chunk,
    check_points,
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
    ap.add_argument("--repeats", type=int, default=3, help="best of this many runs each")
    ap.add_argument("--examples-only", action="store_true",
                    help="only the example sweeps and the start-up, not the 10,000 runs")
    ap.add_argument("--design-points", action="store_true",
                    help="only the 10,000-point one-replicate Sobol sweep (issue 31)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    if args.design_points:
        _design_points(args, tmp)
        shutil.rmtree(tmp)
        return
    if args.examples_only:
        _examples(args, tmp)
        shutil.rmtree(tmp)
        return
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
        return _with_store(tmp, ex, k, sweep, n)

    def without_store(ex):
        with _threads(ex):
            # Results are dropped where computed, as the store's workers do not
            # send theirs back either.
            it = (iter_serial(fn, chunks) if ex.startswith("serial")
                  else iter_process(functools.partial(_dropped, fn), chunks, None))
            t = time.perf_counter()
            for _ in it:
                pass
            return time.perf_counter() - t

    # With and without the store, interleaved (this VM's timings drift), best of 5 each.
    times, bare, store = {}, {}, {}
    executors = ("serial-1", "serial", "process")
    for ex in executors:
        a, b = [], []
        for k in range(args.repeats):
            a.append(with_store(ex, k))
            b.append(without_store(ex))
        times[ex], store[ex] = min(a)
        bare[ex] = min(b)
    times["dask"], store["dask"] = with_store("dask", 0)
    for ex in (*executors, "dask"):
        print(f"  {LABELS[ex]:28s} {times[ex]:7.2f} s  {n / times[ex]:8,.0f} runs/s  "
              f"(files written in {store[ex]:4.2f} s of worker time)")
    # The store's cost is the time it adds: serially the files are written on
    # a second thread while the next chunk is computed, so time spent writing
    # is not time added.
    for ex in executors:
        share = store[ex] / times[ex] / (os.cpu_count() if ex == "process" else 1)
        where = "on a writer thread" if ex.startswith("serial") else "by the workers"
        print(f"  {LABELS[ex]:28s} store: writing takes {100 * share:4.1f}% of the time "
              f"({where}); same chunks without any store {bare[ex]:5.2f} s: the store adds "
              f"{100 * (times[ex] - bare[ex]) / times[ex]:+5.1f}% (bar: < 5%)")
    base = times["serial-1"]
    print(f"process speed-up over serial (one thread): {base / times['process']:.2f}x (bar: 1.7x)")
    print(f"serial, threaded, over serial (one thread): {base / times['serial']:.2f}x")
    print(f"dask speed-up over serial (one thread):     {base / times['dask']:.2f}x")

    _examples(args, tmp)
    shutil.rmtree(tmp)


SOBOL = """
base = "kaplan_balance"
seed = 1
replicates = 1
design = "sobol"
samples = 2000
years = 100
chunk_size = {chunk}
outcomes = ["war_frequency", "essential_survival", "regime_autonomy", "hegemony"]

[parameters]
"system.first_strike" = {{ low = -0.2, high = 0.8 }}
"system.transfer" = {{ low = 0.1, high = 0.6 }}
"policy.rules.3" = {{ low = 0.0, high = 1.0 }}
"""


def _design_points(args, tmp: Path) -> None:
    """Issue 31's bars: a 10,000-point one-replicate Sobol sweep spends at most
    20% of its time outside the kernel (serial, one thread), and the process
    executor reaches 1.8x serial on 2 cores."""
    from security_regimes.system import kernel

    file = tmp / "sobol.toml"
    file.write_text(SOBOL.format(chunk=args.chunk_size))
    m, scn = load_sweep_file(file)
    n = len(design_points(m, scn))
    print(f"{n:,}-point one-replicate Sobol sweep of kaplan_balance (5 powers, 100 years, "
          f"3 parameters), chunks of {args.chunk_size} runs, {os.cpu_count()} cores, "
          f"best of {args.repeats}")
    inside = [0.0]
    run = kernel.Kernel.run

    def timed(self, *a, **kw):
        t = time.perf_counter()
        try:
            return run(self, *a, **kw)
        finally:
            inside[0] += time.perf_counter() - t

    _with_store(tmp, "serial-1", 99, file, n)  # warm up
    serial, share, proc = [], [], []
    for k in range(args.repeats):
        kernel.Kernel.run = timed
        inside[0] = 0.0
        try:
            t1 = _with_store(tmp, "serial-1", k, file, n)[0]
        finally:
            kernel.Kernel.run = run
        serial.append(t1)
        share.append(1 - inside[0] / t1)
        proc.append(_with_store(tmp, "process", k, file, n)[0])
    t1, tp = min(serial), min(proc)
    print(f"  serial, one thread: {t1:6.2f} s ({n / t1:7,.0f} points/s); outside the kernel "
          f"{100 * min(share):4.1f}% (runs: {', '.join(f'{100 * x:.1f}%' for x in share)}; "
          "bar: at most 20%)")
    print(f"  process, {os.cpu_count()} workers: {tp:6.2f} s, {t1 / tp:.2f}x serial (bar: 1.8x)")


def _examples(args, tmp: Path) -> None:
    # What the process executor costs before any work: fork the worker, run
    # an empty chunk here and one there, hear that the worker is done.  A sweep
    # of serial time T can at best reach T / (T / 2 + this) on 2 cores.
    empty = [Chunk(i, 0, 0) for i in range(2)]
    startup = min(_time(lambda: list(iter_process(_nothing, empty, 2))) for _ in range(5))
    print(f"process executor start-up and shut-down with no work: {1e3 * startup:.1f} ms "
          "(best of 5); "
          f"1.7x needs at least {1.7 * startup / 0.15:.2f} s of serial work")
    print("example sweeps (examples/sweep_*.toml, best of "
          f"{args.repeats}, one thread vs process):")
    for file in sorted((ROOT / "examples").glob("sweep_*.toml")):
        m, scn = load_sweep_file(file)
        pts = design_points(m, scn)
        runs = len(pts) * m.replicates
        t1 = min(_with_store(tmp, "serial-1", k, file, runs)[0] for k in range(args.repeats))
        tp = min(_with_store(tmp, "process", k, file, runs)[0] for k in range(args.repeats))
        # The part no executor shares out: reading the file, the design and
        # checking every point before anything is written.
        before = min(_time(lambda f=file: _prepare(f)) for _ in range(args.repeats))
        # Amdahl's bound: only the chunks are shared out, after the start-up.
        ceiling = t1 / (before + startup + (t1 - before) / os.cpu_count())
        print(f"  {file.name:28s} {runs:6,} runs: serial (one thread) {t1:6.3f} s, process "
              f"{tp:6.3f} s, {t1 / tp:.2f}x (bar: 1.7x); before the first chunk, on one core: "
              f"{1e3 * before:4.1f} ms; at best {ceiling:.2f}x with this start-up")


def _with_store(tmp: Path, ex: str, k: int, file: Path, runs: int) -> tuple[float, float]:
    """Seconds to run ``file`` with executor ``ex`` into a fresh store, and its write time."""
    out = tmp / f"{ex}-{k}"
    with _threads(ex):
        t = time.perf_counter()
        rep = run_sweep(file, out, executor=ex.split("-")[0], quiet=True)
        dt = time.perf_counter() - t
    assert len(load(out).runs) == runs
    shutil.rmtree(out)
    return dt, rep.store_seconds


def _prepare(file):
    m, scn = load_sweep_file(file)
    check_points(scn, design_points(m, scn), m.years or scn.years)


def _dropped(fn, chunk):
    fn(chunk)


def _nothing(chunk):
    return chunk.index


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


ROOT = Path(__file__).resolve().parents[1]
LABELS = {"serial-1": "serial, one thread", "serial": "serial, threads over cores",
          "process": "process, one thread a worker", "dask": "dask local cluster"}


@contextlib.contextmanager
def _threads(executor: str):
    """Run with the compiled year on one thread (``serial-1``) or the default."""
    old = os.environ.pop("SECURITY_REGIMES_THREADS", None)
    if executor == "serial-1":
        os.environ["SECURITY_REGIMES_THREADS"] = "1"
    try:
        yield
    finally:
        os.environ.pop("SECURITY_REGIMES_THREADS", None)
        if old is not None:
            os.environ["SECURITY_REGIMES_THREADS"] = old


if __name__ == "__main__":
    main()
