"""International-system throughput, thread scaling and memory.

Times 10,000 systems of 8 powers for 200 years (policies kaplan and waltz)
with one thread and with two (best of three runs each), and measures the
peak memory per system-year above the imports (each run in a fresh process;
the kernel is compiled, and cached, before the clock starts).
Bars (issue 12): near-linear speed-up on 2 cores; at most 0.4 KB per
system-year above the imports with default recording (capabilities and
alliances).

    .venv/bin/python benchmarks/bench_system.py
    .venv/bin/python benchmarks/bench_system.py --against /tmp/old   # a worktree of another commit

``--against DIR`` times the package in ``DIR/src`` too (for instance
``git worktree add /tmp/old 9b2b2b9``), interleaved run by run with this
tree, and prints each policy's ratio (the phases issue's bar: within 5%);
with ``--shape statedated`` (or ``state1816``, ``state2012``) and ``--core
crisis`` it compares that state system instead.
``--cold`` times the first run of an empty numba cache (the kernel's cold
compile), for each decision core, and the warm start (issue 31's bar: the
first ``regimes run concert_of_europe`` after ``make setup``, which runs
``regimes compile``, under 5 s).  Without ``--core`` it times the first-strike core at
its uncalibrated defaults (``UNCALIBRATED``: the configuration every earlier run timed,
and the one the peers implement); ``--core crisis`` times the crisis core, the
package's default, at the package defaults. ``--state-system`` times the whole 1816 state system
(geography, 23 states), the dated system (23 states growing to about 45) and
the state system of 2012 (195 states at their capitals), each core, with
their memory per system-year (issue 28's bars).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

CHILD = r"""
import json, resource, time, sys
from security_regimes.system import System, simulate
systems, years, policy, record, threads = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                          sys.argv[4] == "1", int(sys.argv[5]))
# The first-strike core at its uncalibrated defaults, as timed before the crisis core
# became the default; trees from before then have no UNCALIBRATED and those defaults.
try:
    from security_regimes.system import UNCALIBRATED
except ImportError:
    UNCALIBRATED = {}
kw = dict(UNCALIBRATED) if sys.argv[6] == "first_strike" else {"core": sys.argv[6]}
shape = sys.argv[7] if len(sys.argv) > 7 else "cow8"
if shape == "cow8":
    system = System.from_cow(1816, 8, **kw)
elif shape == "state1816":  # the whole state system of 1816 at its capitals
    from security_regimes.regimes.scenarios import state_system
    system = state_system(1816, **kw)
elif shape == "statedated":  # ... with every state that enters by 1913, on its COW dates
    from security_regimes.regimes.scenarios import state_system
    system = state_system(1816, until=1913, **kw)
elif shape == "state2012":  # every COW member of 2012 with a CINC (195 states)
    from security_regimes.regimes.scenarios import STATE_SYSTEM_GRADIENT
    system = System.from_cow(2012, members=True, geography="capitals",
                             gradient=STATE_SYSTEM_GRADIENT, elimination_threshold=0.0001, **kw)
else:  # "capitalsN": the N largest COW states of 1991 at their capitals
    from security_regimes.regimes.scenarios import STATE_SYSTEM_GRADIENT
    system = System.from_cow(1991, int(shape[8:]), geography="capitals",
                             gradient=STATE_SYSTEM_GRADIENT, elimination_threshold=0.0001, **kw)
simulate(system, years=2, policy=policy, systems=2, seed=0)  # load the compiled kernel
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
r = simulate(system, years=years, policy=policy, systems=systems, seed=1, threads=threads,
             record_capabilities=record, record_alliances=record)
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "base_mb": base,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "wars": int(r.measures["war"].sum()), "powers": system.n_powers}))
"""


#: Runs of each timing; the best is reported.
REPEATS = 3


def run(systems: int, years: int, policy: str, record: bool, threads: int,
        src: str | None = None, core: str = "first_strike", shape: str = "cow8") -> dict:
    cmd = [sys.executable, "-c", CHILD, str(systems), str(years), policy, "1" if record else "0",
           str(threads), core] + ([] if shape == "cow8" else [shape])
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


COLD = r"""
import sys, time
t = time.perf_counter()
from security_regimes.system import System, simulate
try:
    from security_regimes.system import UNCALIBRATED
except ImportError:  # a tree from before the calibration
    UNCALIBRATED = {}
simulate(System(**(dict(UNCALIBRATED) if sys.argv[1] == "first_strike" else {"core": sys.argv[1]})),
         years=2, systems=2, seed=0, threads=1)
print(time.perf_counter() - t)
"""


def _empty_cache(src: str | None = None) -> dict:
    import tempfile

    env = dict(os.environ, NUMBA_CACHE_DIR=tempfile.mkdtemp(prefix="sr-numba-"))
    if src is not None:
        env["PYTHONPATH"] = src
    return env


def cold_compile(src: str | None = None, core: str = "first_strike") -> float:
    """Seconds to import and run a first tiny simulation with an empty numba cache."""
    out = subprocess.run([sys.executable, "-c", COLD, core], check=True, capture_output=True,
                         text=True, env=_empty_cache(src))
    return float(out.stdout.strip().splitlines()[-1])


def warm_start() -> tuple[float, float]:
    """Seconds of ``regimes compile`` on an empty cache, then of the first
    ``regimes run concert_of_europe --seed 1 --systems 1000`` after it (wall clock)."""
    import time

    env = _empty_cache()
    regimes = str(Path(sys.executable).with_name("regimes"))
    times = []
    for cmd in ([regimes, "compile"],
                [regimes, "run", "concert_of_europe", "--seed", "1", "--systems", "1000"]):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return times[0], times[1]


def against(other: str, core: str = "first_strike", shape: str = "cow8") -> None:
    """This tree against the package in ``other/src``, one thread, interleaved:
    8 powers (kaplan and waltz), or with ``--shape`` one of the state systems
    (waltz, as ``--state-system`` runs them)."""
    years, systems, policies = (200, 10_000, ("kaplan", "waltz")) if shape == "cow8" else \
        (98, 1_000, ("waltz",))
    src = str(Path(other) / "src")
    print(f"this tree against {other} ({shape}, {core} core, {years} years, {systems:,} systems, "
          f"1 thread, best of {REPEATS}, interleaved)")
    for policy in policies:
        ours, theirs = [], []
        for _ in range(REPEATS):
            ours.append(run(systems, years, policy, False, 1, core=core, shape=shape))
            theirs.append(run(systems, years, policy, False, 1, src, core=core, shape=shape))
        a, b = (min(r["seconds"] for r in x) for x in (ours, theirs))
        same = {r["wars"] for r in ours} == {r["wars"] for r in theirs}
        print(f"  {policy:6s} this {systems * years / a:10,.0f}  other {systems * years / b:10,.0f}"
              f" system-years/s  ratio {b / a:.3f}  (same wars: {same}; wars this "
              f"{ours[0]['wars']:,}, other {theirs[0]['wars']:,})")


def state_system() -> None:
    """The whole state system of 1816 (scenario state_system_1816: every COW
    member with a CINC at its capital, 98 years), the same with every state
    that enters by 1913 on its COW dates (state_system_dated: 23 states
    growing to about 45 of 61) and every COW member of 2012 with a CINC
    (195 states at their capitals), each core, one thread, best of REPEATS;
    memory per system-year with default recording.  Bars (issue 28): the
    1816 system at least 20,000 system-years per second per thread; 200
    states at least 2,000 (reported against the 195 states of 2012)."""
    years = 98
    for shape, systems, bar in (("state1816", 2_000, 20_000), ("statedated", 2_000, 20_000),
                                ("state2012", 100, 2_000)):
        for core in ("first_strike", "crisis"):
            best = min((run(systems, years, "waltz", False, 1, core=core, shape=shape)
                        for _ in range(REPEATS)), key=lambda r: r["seconds"])
            rate = systems * years / best["seconds"]
            print(f"  {shape:10s} ({best['powers']} powers) {core:12s} 1 thread: "
                  f"{best['seconds']:6.2f} s {rate:10,.0f} system-years/s  "
                  f"({rate / bar:.2f}x the bar of {bar:,})")
        r = run(systems, years, "waltz", True, 1, core="crisis", shape=shape)
        per = (r["peak_rss_mb"] - r["base_mb"]) * 1024 / (systems * years)
        print(f"  {shape:10s} memory (crisis core, capabilities and alliances recorded): "
              f"{per:.2f} KB per system-year")


def main() -> None:
    if "--state-system" in sys.argv:
        print(f"the whole state system, waltz, {os.cpu_count()} CPUs")
        state_system()
        return
    if "--against" in sys.argv:
        def flag(name, default):
            return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default

        against(sys.argv[sys.argv.index("--against") + 1], flag("--core", "first_strike"),
                flag("--shape", "cow8"))
        return
    if "--cold" in sys.argv:
        for core in ("first_strike", "crisis"):
            print(f"cold compile ({core} core): first run {cold_compile(core=core):.1f} s "
                  "with an empty numba cache")
        compile_s, first = warm_start()
        print(f"warm start: regimes compile {compile_s:.1f} s on an empty cache, then the first "
              f"regimes run concert_of_europe --systems 1000 {first:.1f} s (bar: 5 s)")
        return
    years, systems = 200, 10_000
    core = sys.argv[sys.argv.index("--core") + 1] if "--core" in sys.argv else "first_strike"
    print(f"8 powers (COW 1816 top 8), {years} years, {systems:,} systems, "
          f"{os.cpu_count()} CPUs, {core} core")
    for policy in ("kaplan", "waltz"):
        # Best of REPEATS, one and two threads interleaved: on this VM the same
        # run's time varies by up to 25% from one process to the next.
        runs = {1: [], 2: []}
        for _ in range(REPEATS):
            for threads in (1, 2):
                runs[threads].append(run(systems, years, policy, False, threads, core=core))
        rates = {}
        for threads in (1, 2):
            r = min(runs[threads], key=lambda r: r["seconds"])
            assert len({x["wars"] for x in runs[threads]}) == 1  # same seeds, same wars
            rates[threads] = systems * years / r["seconds"]
            spread = ", ".join(f"{x['seconds']:.2f}" for x in runs[threads])
            print(f"  {policy:6s} {threads} thread{'s' if threads > 1 else ' '}: "
                  f"{r['seconds']:6.2f} s {rates[threads]:12,.0f} system-years/s  "
                  f"wars {r['wars']:,}  (best of {spread} s)")
        print(f"  {policy:6s} speed-up on 2 threads: {rates[2] / rates[1]:.2f}x "
              "(bar: near-linear)")
    print("memory, kaplan, recording capabilities and alliances (default):")
    for n in (1_000, 10_000):
        r = run(n, years, "kaplan", True, 2, core=core)
        per = (r["peak_rss_mb"] - r["base_mb"]) * 1024 / (n * years)
        print(f"  {n:6,d} systems: peak RSS {r['peak_rss_mb']:7.0f} MB, "
              f"{r['peak_rss_mb'] - r['base_mb']:6.0f} MB above the imports = "
              f"{per:.3f} KB per system-year (bar: 0.4)")


if __name__ == "__main__":
    main()
