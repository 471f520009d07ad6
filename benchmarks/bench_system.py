"""International-system throughput and memory.

Times 10,000 systems of 8 powers for 200 years (policy kaplan, the most
work per year) on one core, and reports system-years per second and peak
RSS for 1,000 and 10,000 systems (each in a fresh process).
Bar: >= 100,000 system-years/s; memory linear in systems.

    .venv/bin/python benchmarks/bench_system.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

CHILD = r"""
import json, resource, time, sys
from security_regimes.system import System, simulate
systems, years, policy, record = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
system = System.from_cow(1816, 8)
t = time.perf_counter()
r = simulate(system, years=years, policy=policy, systems=systems, seed=1,
             record_capabilities=record, record_alliances=record)
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "wars": int(r.measures["war"].sum())}))
"""


def run(systems: int, years: int, policy: str, record: bool) -> dict:
    cmd = ["taskset", "-c", "0"] if _has_taskset() else []
    cmd += [sys.executable, "-c", CHILD, str(systems), str(years), policy, "1" if record else "0"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _has_taskset() -> bool:
    from shutil import which

    return which("taskset") is not None


def main() -> None:
    years = 200
    print(f"8 powers (COW 1816 top 8), {years} years, one core")
    for policy in ("kaplan", "waltz"):
        for record in (False, True):
            r = run(10_000, years, policy, record)
            rate = 10_000 * years / r["seconds"]
            print(f"  {policy:6s} 10,000 systems, record capabilities+alliances={record!s:5}: "
                  f"{r['seconds']:6.2f} s  {rate:10,.0f} system-years/s  peak RSS "
                  f"{r['peak_rss_mb']:7.0f} MB   (bar: 100,000/s)")
    print("memory (kaplan, recording everything):")
    for systems in (1_000, 10_000):
        r = run(systems, years, "kaplan", True)
        print(f"  {systems:6,d} systems: peak RSS {r['peak_rss_mb']:7.0f} MB")


if __name__ == "__main__":
    main()
