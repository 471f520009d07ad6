"""Progress of long jobs: a rich bar on a terminal or in a Jupyter notebook, plain
lines on stderr otherwise."""

from __future__ import annotations

import sys
import time


def _interactive() -> bool:
    """Whether a live bar can be drawn: a terminal on stderr, or a Jupyter
    notebook with ``ipywidgets`` (rich draws and updates its bar in the
    cell's output; without ``ipywidgets`` it cannot, and plain lines are
    printed instead)."""
    if sys.stderr.isatty():
        return True
    import importlib.util

    from rich.console import Console

    return Console().is_jupyter and importlib.util.find_spec("ipywidgets") is not None


class Progress:
    """Work done, rate and ETA: a rich bar on a terminal or in Jupyter, plain lines otherwise.

    ``label`` names the job and ``unit`` what is counted; a plain line is
    printed at most every ``every`` seconds (the first after ``every``
    seconds, so short jobs print nothing) and at the end if any was printed,
    or always with ``report_end``.
    """

    def __init__(self, total: int, done: int = 0, quiet: bool = False, every: float = 5.0,
                 label: str = "sweep", unit: str = "runs", transient: bool = False,
                 report_end: bool = False):
        self.total, self.done, self.quiet, self.every = total, done, quiet, every
        self.label, self.unit = label, unit
        self.printed = report_end
        self.start = time.perf_counter()
        self.first = done
        self.last = 0.0
        self.bar = None
        if not quiet and _interactive():
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("{task.fields[rate]} " + unit + "/s"),
                                    TimeRemainingColumn(), transient=transient)
            self.bar.start()
            self.task = self.bar.add_task(label, total=total, completed=done, rate="-")

    def advance(self, n: int) -> None:
        self.done += n
        elapsed = time.perf_counter() - self.start
        rate = (self.done - self.first) / elapsed if elapsed > 0 else 0.0
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, rate=f"{rate:,.0f}")
        elif not self.quiet and (elapsed - self.last >= self.every or (
                self.done >= self.total and self.printed)):
            self.last = elapsed
            self.printed = True
            eta = (self.total - self.done) / rate if rate > 0 else float("nan")
            speed = (f"{rate:,.1f} {self.unit}/s" if rate >= 1 or rate == 0 else
                     f"{1 / rate:,.1f} s per {self.unit.rstrip('s')}")
            print(f"{self.label}: {self.done:,}/{self.total:,} {self.unit}, {speed}, "
                  f"ETA {eta:,.0f} s", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
