"""The system simulator against its peers, in one run: Mesa, plain Python, numpy, ``simulate``.

Same dynamics (8 powers of COW 1816, Kaplan, Tit For Tat, no regime,
100 years) in four implementations:

* a Mesa 3 model (``benchmarks/peers/mesa_system.py``: Agents, Model.step,
  DataCollector) written as a competent Mesa user would: the run's draws in
  one call, punishers once a year in O(N^2);
* the same year in a plain-Python loop, without Mesa;
* a batched numpy year (``benchmarks/peers/numpy_system.py``): every system
  at once, each phase whole-array operations, Python loops only over powers
  and the year's wars;
* ``security_regimes.simulate`` on a batch of systems, one thread, then two.

Each engine runs ``--repeats`` times, interleaved, and every ratio is the
best of those runs (the fastest run of each engine) with its range (slowest
over fastest, fastest over slowest).  Prints system-years per second and the
ratios against the issue's bars, and checks that the peers give the same
histories on the same seeds (numpy: the share of systems identical year by
year; Mesa and plain Python: wars, final survival and cooperation).

    .venv/bin/python benchmarks/bench_peers.py [--peer-systems 40] [--systems 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from benchmarks.peers.mesa_system import (  # noqa: E402
    PEER_YEAR,
    STATE_KEYS,
    BulkDraws,
    InternationalSystem,
)
from tests.system.reference import ref_step  # noqa: E402

from security_regimes import simulate  # noqa: E402
from security_regimes.system import UNCALIBRATED, Policy, System  # noqa: E402
from security_regimes.system.model import Dyadic, initial_state  # noqa: E402


def run_mesa(system, policy, years, n, seed):
    """Per system: wars per year, share of powers alive at the end, mean cooperation."""
    wars, alive, coop = [], [], []
    for i in range(n):
        m = InternationalSystem(system, policy, years=years, seed=seed, index=i)
        for _ in range(years):
            m.step()
        df = m.datacollector.get_model_vars_dataframe()
        wars.append(df.war.mean())
        alive.append(df.alive.iloc[-1] / system.n_powers)
        coop.append(np.nanmean(df.cooperation))
    return np.array(wars), np.array(alive), np.array(coop)


def run_plain(system, policy, years, n, seed):
    """As :func:`run_mesa`, the same year in a plain loop (bulk draws, O(N^2) punishers)."""
    dy = Dyadic.build("Tit For Tat", years, system.n_powers)
    wars, alive, coop = [], [], []
    for i in range(n):
        s0 = initial_state(system, 1, None, dy)
        st = {k: getattr(s0, k)[0].tolist() for k in STATE_KEYS}
        draws = BulkDraws(seed, i, years, system.n_powers)
        w, c = 0, []
        for y in range(years):
            st, m = ref_step(st, draws.year(y), system, policy, dy, phases=PEER_YEAR)
            w += bool(m["war"])
            c.append(m["cooperation_rate"])
        wars.append(w / years)
        alive.append(sum(st["alive"]) / system.n_powers)
        coop.append(np.nanmean(c))
    return np.array(wars), np.array(alive), np.array(coop)


def timed(fn, repeats: int):
    """The fastest and slowest of ``repeats`` runs of ``fn`` (seconds), and its result."""
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), max(times), out


def ratio(fast, slow, work_fast, work_slow) -> str:
    """``fast``'s rate over ``slow``'s, best of runs, with the range."""
    best = (work_fast / fast[0]) / (work_slow / slow[0])
    lo = (work_fast / fast[1]) / (work_slow / slow[0])
    hi = (work_fast / fast[0]) / (work_slow / slow[1])
    return f"{best:,.1f}x (range {min(lo, best):,.1f}-{max(hi, best):,.1f}x)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-systems", type=int, default=40)
    ap.add_argument("--numpy-systems", type=int, default=5000)
    ap.add_argument("--systems", type=int, default=5000)
    ap.add_argument("--years", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    # the peers implement the first-strike core: timed at its uncalibrated defaults
    system, policy, seed = System.from_cow(1816, 8, **UNCALIBRATED), Policy("kaplan"), 1
    import mesa
    from benchmarks.peers.numpy_system import NumpySystems, identical

    years, reps = args.years, args.repeats
    work_peer = args.peer_systems * years
    work_np = args.numpy_systems * years
    work = args.systems * years
    kw = dict(years=years, policy=policy, seed=seed, record_alliances=False,
              record_capabilities=False)
    simulate(system, years=5, policy=policy, systems=10, seed=seed)  # warm up (compiled)
    runs = {"mesa": [], "plain": [], "numpy": [], "one": [], "two": []}
    for _ in range(reps):  # interleaved: each engine sees the same machine
        for name, fn in (
                ("mesa", lambda: run_mesa(system, policy, years, args.peer_systems, seed)),
                ("plain", lambda: run_plain(system, policy, years, args.peer_systems, seed)),
                ("numpy", lambda: NumpySystems(system, policy, systems=args.numpy_systems,
                                               seed=seed, years=years).run(years)),
                ("one", lambda: simulate(system, systems=args.systems, threads=1, **kw)),
                ("two", lambda: simulate(system, systems=args.systems, threads=2, **kw))):
            runs[name].append(timed(fn, 1))
    best = {k: (min(r[0] for r in v), max(r[0] for r in v), v[-1][2]) for k, v in runs.items()}
    (mw, ma, mc), (pw, pa, pc) = best["mesa"][2], best["plain"][2]
    peer_np, r, r2 = best["numpy"][2], best["one"][2], best["two"][2]
    same = all(np.array_equal(r.measures[k], r2.measures[k], equal_nan=True) for k in r.measures)
    s = r.summary
    rate = {k: w / best[k][0] for k, w in (("mesa", work_peer), ("plain", work_peer),
                                           ("numpy", work_np), ("one", work), ("two", work))}
    print(f"8 powers (COW 1816), kaplan, {years} years; best of {reps} interleaved runs each")
    print(f"  mesa {mesa.__version__} model : {args.peer_systems:6,} systems {best['mesa'][0]:7.2f} s "
          f"{rate['mesa']:11,.0f} system-years/s")
    print(f"  plain Python          : {args.peer_systems:6,} systems {best['plain'][0]:7.2f} s "
          f"{rate['plain']:11,.0f} system-years/s")
    print(f"  numpy {np.__version__:<16}: {args.numpy_systems:6,} systems "
          f"{best['numpy'][0]:7.2f} s {rate['numpy']:11,.0f} system-years/s")
    print(f"  security-regimes      : {args.systems:6,} systems {best['one'][0]:7.2f} s "
          f"{rate['one']:11,.0f} system-years/s (one thread)")
    print(f"  security-regimes      : {args.systems:6,} systems {best['two'][0]:7.2f} s "
          f"{rate['two']:11,.0f} system-years/s (two threads, speed-up "
          f"{best['one'][0] / best['two'][0]:.2f}x; results identical to one thread: {same})")
    print(f"ratio over numpy: {ratio(best['one'], best['numpy'], work, work_np)} one thread "
          f"(bar: 5x), {ratio(best['two'], best['numpy'], work, work_np)} two threads")
    print(f"ratio over Mesa: {ratio(best['one'], best['mesa'], work, work_peer)} one thread "
          f"(bar: 300x); over plain Python: {ratio(best['one'], best['plain'], work, work_peer)}")
    n_cmp = min(args.numpy_systems, args.systems)
    agree = identical({k: v[:n_cmp] for k, v in peer_np.items()},
                      {k: v[:n_cmp] for k, v in r.measures.items()})
    print(f"numpy peer, same seeds: {agree.mean():.1%} of {n_cmp:,} systems have the same "
          f"history as simulate's, year by year (wars, survival, eliminations, restorations, "
          f"restraints, cooperation; total capability to 1e-12)")
    first = s.iloc[:args.peer_systems]
    print(f"same seeds, first {args.peer_systems} systems: wars/system-year mesa "
          f"{mw.mean():.4f}, plain {pw.mean():.4f}, ours {first.war_frequency.mean():.4f}; "
          f"final survival mesa {ma.mean():.3f}, plain {pa.mean():.3f}, ours "
          f"{first.essential_survival.mean():.3f}; cooperation mesa {mc.mean():.4f}, plain "
          f"{pc.mean():.4f}, ours {first.cooperation_rate.mean():.4f}")


if __name__ == "__main__":
    main()
