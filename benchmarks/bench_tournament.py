"""Tournament throughput: our engine against the Axelrod library, in one run.

The same round robin (10 deterministic strategies of issue 3, self-play
included, 200 turns, 20 repetitions = 1,100 matches) played by both.
Prints match-turns per second for each and the ratio.  Bar: >= 1000x.

Axelrod is timed in its fastest configuration on this machine: the default
serial ``play()`` (``processes=None``) and ``play(processes=1)`` (which
starts a worker process) are both timed, best of ``--axelrod-repeat``, and
the faster one is the reference; results are built (Axelrod's default), as
ours are.

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

    tournament(names, turns=args.turns, repetitions=args.repetitions, noise=args.noise, seed=0)
    best = min(
        _time(lambda: tournament(names, turns=args.turns, repetitions=args.repetitions,
                                 noise=args.noise, seed=0))
        for _ in range(args.repeat)
    )
    ours = work / best

    players = [cls() for _, cls in PAIRS]
    configs = {}
    for label, kw in (("serial play()", {}), ("play(processes=1)", {"processes": 1})):
        configs[label] = min(
            _time(lambda kw=kw: axl.Tournament(players, turns=args.turns,
                                               repetitions=args.repetitions, noise=args.noise,
                                               seed=0).play(progress_bar=False, **kw))
            for _ in range(args.axelrod_repeat))
    fastest = min(configs, key=configs.get)
    t_axl = configs[fastest]
    theirs = work / t_axl
    print(f"tournament: 10 strategies, {args.turns} turns, {args.repetitions} repetitions, "
          f"noise {args.noise:g} = {work:,} match-turns")
    for label, t in configs.items():
        print(f"axelrod {axl.__version__} {label:18s}: {t:8.3f} s  {work / t:14,.0f} match-turns/s"
              f" (best of {args.axelrod_repeat})")
    print(f"axelrod fastest configuration here: {fastest}")
    print(f"security-regimes:   {best:8.4f} s  {ours:14,.0f} match-turns/s (best of {args.repeat})")
    print(f"ratio against Axelrod's fastest: {ours / theirs:,.0f}x  (bar: 1,000x)")


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
