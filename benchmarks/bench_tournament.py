"""Tournament throughput: our engine against the Axelrod library, in one run.

The same round robin (10 deterministic strategies of issue 3, self-play
included, 200 turns, 20 repetitions = 1,100 matches) played by both.
Prints match-turns per second for each and the ratio.  Bar: >= 1000x.

Axelrod is timed in three configurations, best of ``--axelrod-repeat``
each: the default serial ``play()`` (``processes=None``, which builds its
result set of about 25 statistics), ``play(build_results=False)`` (which
skips them: this package does not compute those either) and
``play(processes=1)`` (which starts a worker process).  Our engine is timed
on one thread (numba's threads set to 1: the per-core ratio, the bar's
reference) and on every thread; the ratios are printed against each
Axelrod configuration (bar: 1,000x against serial ``play()`` per core).

    .venv/bin/python benchmarks/bench_tournament.py [--axelrod-repetitions N]
"""

from __future__ import annotations

import argparse
import time

import axelrod as axl

from security_regimes import tournament

PAIRS = [
    ("Cooperator", axl.Cooperator),
    ("Defector", axl.Defector),
    ("Tit For Tat", axl.TitForTat),
    ("Grudger", axl.Grudger),
    ("Tit For 2 Tats", axl.TitFor2Tats),
    ("Suspicious Tit For Tat", axl.SuspiciousTitForTat),
    ("Win-Stay Lose-Shift", axl.WinStayLoseShift),
    ("Alternator", axl.Alternator),
    ("Soft Go By Majority", axl.GoByMajority),
    ("Contrite Tit For Tat", axl.ContriteTitForTat),
]


def match_turns(n_players: int, turns: int, reps: int) -> int:
    return n_players * (n_players + 1) // 2 * turns * reps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=200)
    ap.add_argument("--repetitions", type=int, default=20)
    ap.add_argument("--noise", type=float, default=0.0)
    ap.add_argument("--repeat", type=int, default=20, help="timed runs of our engine (best kept)")
    ap.add_argument("--axelrod-repeat", type=int, default=3, help="timed runs of each Axelrod "
                    "configuration (best kept)")
    args = ap.parse_args()
    names = [n for n, _ in PAIRS]
    work = match_turns(len(names), args.turns, args.repetitions)

    import numba

    def ours() -> float:
        tournament(names, turns=args.turns, repetitions=args.repetitions, noise=args.noise,
                   seed=0)
        return min(_time(lambda: tournament(names, turns=args.turns,
                                            repetitions=args.repetitions, noise=args.noise,
                                            seed=0))
                   for _ in range(args.repeat))

    threads = numba.config.NUMBA_NUM_THREADS
    engine = {}
    for k in sorted({1, threads}):
        numba.set_num_threads(k)
        engine[k] = ours()
    numba.set_num_threads(threads)

    players = [cls() for _, cls in PAIRS]
    configs = {}
    for label, kw in (("serial play()", {}), ("play(build_results=False)",
                                               {"build_results": False}),
                      ("play(processes=1)", {"processes": 1})):
        configs[label] = min(
            _time(lambda kw=kw: axl.Tournament(players, turns=args.turns,
                                               repetitions=args.repetitions, noise=args.noise,
                                               seed=0).play(progress_bar=False, **kw))
            for _ in range(args.axelrod_repeat))
    print(f"tournament: 10 strategies, {args.turns} turns, {args.repetitions} repetitions, "
          f"noise {args.noise:g} = {work:,} match-turns")
    for label, t in configs.items():
        print(f"axelrod {axl.__version__} {label:26s}: {t:8.3f} s  {work / t:14,.0f} "
              f"match-turns/s (best of {args.axelrod_repeat}, one core)")
    for k, t in engine.items():
        print(f"security-regimes, {k} thread{'s' if k > 1 else ' '}        : {t:8.4f} s  "
              f"{work / t:14,.0f} match-turns/s (best of {args.repeat})")
    for label, t_axl in configs.items():
        ratios = ", ".join(f"{t_axl / t:,.0f}x on {k} thread{'s' if k > 1 else ''}"
                           for k, t in engine.items())
        bar = "  (bar: 1,000x on 1 thread)" if label == "serial play()" else ""
        print(f"ratio against axelrod {label:26s}: {ratios}{bar}")


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
