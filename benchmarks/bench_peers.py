"""The system simulator against its peers, in one run: Mesa, plain Python, and ``simulate``.

Same dynamics (8 powers of COW 1816, Kaplan, Tit For Tat, no regime,
100 years) in three implementations:

* a Mesa 3 model (``benchmarks/peers/mesa_system.py``: Agents, Model.step,
  DataCollector) written as a competent Mesa user would: the run's draws in
  one call, punishers once a year in O(N^2);
* the same year in a plain-Python loop, without Mesa;
* ``security_regimes.simulate`` on a batch of systems, one thread, then two.

Prints system-years per second and the ratios, and checks that the three
give the same outcomes on the same seeds (wars per system-year, final
survival and cooperation), so like is compared with like.

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
from security_regimes.system import Policy, System  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-systems", type=int, default=40)
    ap.add_argument("--systems", type=int, default=5000)
    ap.add_argument("--years", type=int, default=100)
    args = ap.parse_args()
    system, policy, seed = System.from_cow(1816, 8), Policy("kaplan"), 1
    import mesa

    work_peer = args.peer_systems * args.years
    t = time.perf_counter()
    mw, ma, mc = run_mesa(system, policy, args.years, args.peer_systems, seed)
    t_mesa = time.perf_counter() - t
    t = time.perf_counter()
    pw, pa, pc = run_plain(system, policy, args.years, args.peer_systems, seed)
    t_plain = time.perf_counter() - t
    simulate(system, years=5, policy=policy, systems=10, seed=seed)  # warm up
    t = time.perf_counter()
    r = simulate(system, years=args.years, policy=policy, systems=args.systems, seed=seed,
                 record_alliances=False, record_capabilities=False, threads=1)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    r2 = simulate(system, years=args.years, policy=policy, systems=args.systems, seed=seed,
                  record_alliances=False, record_capabilities=False, threads=2)
    t_two = time.perf_counter() - t
    same = all(np.array_equal(r.measures[k], r2.measures[k], equal_nan=True) for k in r.measures)
    s = r.summary
    ours_rate = args.systems * args.years / t_ours
    print(f"8 powers (COW 1816), kaplan, {args.years} years, one core")
    print(f"  mesa {mesa.__version__} model : {args.peer_systems:6,} systems {t_mesa:7.2f} s "
          f"{work_peer / t_mesa:11,.0f} system-years/s")
    print(f"  plain Python reference: {args.peer_systems:6,} systems {t_plain:7.2f} s "
          f"{work_peer / t_plain:11,.0f} system-years/s")
    print(f"  security-regimes      : {args.systems:6,} systems {t_ours:7.2f} s "
          f"{ours_rate:11,.0f} system-years/s")
    print(f"  security-regimes, 2 threads: {t_two:7.2f} s "
          f"{args.systems * args.years / t_two:11,.0f} system-years/s, speed-up "
          f"{t_ours / t_two:.2f}x, results identical to 1 thread: {same}")
    print(f"ratio over Mesa: {ours_rate / (work_peer / t_mesa):,.1f}x one thread (bar: 35x); "
          f"over plain Python: {ours_rate / (work_peer / t_plain):,.1f}x")
    first = s.iloc[:args.peer_systems]
    print(f"same seeds, first {args.peer_systems} systems: wars/system-year mesa "
          f"{mw.mean():.4f}, plain {pw.mean():.4f}, ours {first.war_frequency.mean():.4f}; "
          f"final survival mesa {ma.mean():.3f}, plain {pa.mean():.3f}, ours "
          f"{first.essential_survival.mean():.3f}; cooperation mesa {mc.mean():.4f}, plain "
          f"{pc.mean():.4f}, ours {first.cooperation_rate.mean():.4f}")
    # The peers' 40-system means against all of ours: within sampling error?
    for label, peer, col in (("wars/system-year", mw, "war_frequency"),
                             ("final survival", ma, "essential_survival"),
                             ("cooperation", mc, "cooperation_rate")):
        se = s[col].std() / np.sqrt(args.peer_systems)
        print(f"all {args.systems:,} of ours: {label} {s[col].mean():.4f} (mesa's mean within "
              f"{abs(peer.mean() - s[col].mean()) / se:.1f} standard errors of a "
              f"{args.peer_systems}-system sample)")

if __name__ == "__main__":
    main()
