"""Paste the output of one ``make bench`` run into the README's Speed section, whole.

    make bench 2>&1 | tee results/bench.log        # note when it started and how long it took
    .venv/bin/python scripts/paste_bench.py results/bench.log --started "2026-12-07 14:30" \
        --minutes 14 --machine "2 CPUs, 24 GiB, no GPU, Python 3.11, a shared VM, idle"

Replaces what lies between ``<!-- bench:start -->`` and ``<!-- bench:end -->``
in README.md with a header naming the run (date, duration, machine) and the
benchmarks' output as printed (set-up lines of make and pip left out), so the
README quotes only figures that a run measured.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
#: make's echo of a benchmark command (becomes a ``$ command`` line).
COMMAND = re.compile(r"^\S*python\S* (benchmarks/bench_\w+\.py.*)$")
#: Lines of the set-up, not of any benchmark.
NOISE = re.compile(r"^(\S*python\S* -m pip|WARNING: |touch |compiling: |kernels compiled|"
                   r"\S*/regimes compile|\S*python\S* -m venv|\s*warnings\.warn\(|"
                   r"\S+\.py:\d+: \w*Warning: )")


#: A Python warning's header line: the indented line after it is its source.
WARNING = re.compile(r"^\S+\.py:\d+: \w*Warning: ")


def bench_block(log: str) -> str:
    out, started, after_warning = [], False, False
    for line in log.splitlines():
        m = COMMAND.match(line)
        source = after_warning and line.startswith(" ")
        after_warning = bool(WARNING.match(line))
        if m:
            if started:
                out.append("")
            out.append(f"$ .venv/bin/python {m.group(1)}")
            started = True
        elif started and not source and not NOISE.match(line) and line.strip():
            out.append(line.rstrip())
    if not started:
        raise ValueError("no benchmark output in the log (expected make's echo of "
                         "`.venv/bin/python benchmarks/bench_*.py`)")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", type=Path)
    ap.add_argument("--started", required=True, help="UTC date and time the run started")
    ap.add_argument("--minutes", required=True, type=float, help="how long the run took")
    ap.add_argument("--machine", required=True, help="the machine, and whether it was idle")
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    a = ap.parse_args(argv)
    try:
        block = bench_block(a.log.read_text())
    except (OSError, ValueError) as e:
        print(f"paste_bench: {e}", file=sys.stderr)
        return 2
    try:
        text = a.readme.read_text()
    except OSError as e:
        print(f"paste_bench: {e}", file=sys.stderr)
        return 2
    if START not in text or END not in text:
        print(f"paste_bench: {a.readme} has no {START} ... {END} block", file=sys.stderr)
        return 2
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = (f"Every figure below is from **one `make bench` run started {a.started} UTC**\n"
            f"({a.minutes:.0f} min), on {a.machine}. Its output is quoted whole, as\n"
            f"`scripts/paste_bench.py` pasted it from the run's log.\n\n```\n{block}\n```\n")
    a.readme.write_text(head + START + "\n" + body + END + tail)
    print(f"pasted {len(block.splitlines())} lines into {a.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
