"""Roofline: the compiled year against a tight loop doing its countable work.

Issue 31 (item 5) asks what fraction of what the machine allows the system
year reaches.  The tight loop does, per system-year and with no model logic
around it, the work the year cannot avoid for ``N`` powers:

* the year's uniform draws (``draws_per_year(N)``, the same counter-based
  generator, ``engine.kernels.uniform``);
* one contest-success evaluation and expected gain per ordered pair (the
  decision phase weighs an attack on every other power: ``N (N - 1)``);
* ``PAIR_PASSES`` further O(N^2) passes over the pairs, one for each visit of
  every pair without a contest in the phases of ``system/phases.py``: the
  grievances of ``begin_year``, ``reply``, the two passes of ``punishers``,
  ``observe`` (stances and beliefs) and ``measure``;
* growth of every power.

The kernel runs the same configuration (kaplan, first-strike core, one
thread, default recording off) on the same number of system-years; the
figure is tight-loop time over kernel time, the kernel's fraction of this
roofline (the issue's bar: at least 60 percent at 8 and at 30 powers).  The
loop is a lower bound on the work, not on the model: the year also resolves
wars, joins and settlements, which the loop leaves out, so a fraction near 1
would mean those cost nothing.

    .venv/bin/python benchmarks/bench_roofline.py
"""

from __future__ import annotations

import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from security_regimes.engine.kernels import uniform  # noqa: E402
from security_regimes.engine.rng import spawn_keys  # noqa: E402
from security_regimes.system import UNCALIBRATED, Policy, System, simulate  # noqa: E402
from security_regimes.system.layout import draws_per_year  # noqa: E402

#: O(N^2) passes of the year beside the pair evaluations (see the docstring).
PAIR_PASSES = 6
#: Best of this many timings.
REPEATS = 3


@njit(cache=False)
def tight(keys, caps, years, dpy, passes):
    """The countable work of ``years`` years of every system (``caps`` (B, N))."""
    B, n = caps.shape
    acc = 0.0
    c = np.empty(n)
    for b in range(B):
        for i in range(n):
            c[i] = caps[b, i]
        for t in range(years):
            base = np.uint64(t * dpy)
            for d in range(dpy):
                acc += uniform(keys[b], base + np.uint64(d))
            for i in range(n):  # the decision: an attack on every other power weighed
                for j in range(n):
                    if i != j:
                        r = c[j] / c[i]
                        p = 1.0 / (1.0 + r * r)
                        v = p * 0.5 * c[j] - (1.0 - p) * 0.5 * c[i] - 0.05 * c[i]
                        if v > 0.0:
                            acc += v
            for _ in range(passes):  # the other phases' visits of every pair
                for i in range(n):
                    s = 0.0
                    for j in range(n):
                        if i != j:
                            s += c[j]
                    acc += s * 1e-12
            for i in range(n):  # growth
                c[i] *= 1.0 + 1e-3 * (uniform(keys[b], base + np.uint64(i)) - 0.5)
    return acc


def best(f) -> float:
    times = []
    for _ in range(REPEATS):
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    print("Roofline: kaplan, first-strike core, one thread; process CPU time, best of "
          f"{REPEATS}; the tight loop does the year's draws, N(N-1) contest evaluations, "
          f"{PAIR_PASSES} further passes over the pairs and growth")
    print(f"{'powers':>6} {'system-years':>13} {'kernel us/sy':>13} {'loop us/sy':>11} "
          f"{'kernel fraction':>16}")
    for n, systems, years in ((8, 2000, 200), (30, 200, 100)):
        kernel, loop = measure(n, systems, years)
        sy = systems * years
        print(f"{n:>6} {sy:>13,} {kernel / sy * 1e6:>13.2f} {loop / sy * 1e6:>11.2f} "
              f"{loop / kernel:>16.0%}")


def measure(n: int, systems: int, years: int) -> tuple[float, float]:
    """Seconds of CPU for the kernel and for the tight loop, best of REPEATS each."""
    system, policy = System.equal(n, **UNCALIBRATED), Policy("kaplan")
    simulate(system, years=2, policy=policy, systems=2, seed=0, threads=1)  # compiled
    kernel = best(lambda: simulate(system, years=years, policy=policy, systems=systems, seed=1,
                                   threads=1, record_capabilities=False, record_alliances=False))
    keys = spawn_keys(1, np.arange(systems))
    caps = np.full((systems, n), 1.0 / n)
    dpy = draws_per_year(n)
    tight(keys[:2], caps[:2], 2, dpy, PAIR_PASSES)  # compile
    return kernel, best(lambda: tight(keys, caps, years, dpy, PAIR_PASSES))

if __name__ == "__main__":
    main()
