"""The results store of a sweep: a directory of Parquet chunks and a manifest.

Layout::

    DIR/manifest.json          sweep file, package version, seed, start time, sizes
    DIR/points.parquet         the design: one row per point
    DIR/chunks/years-000012.parquet   per run-year measures of chunk 12
    DIR/chunks/runs-000012.parquet    per run outcomes of chunk 12 (written last)

Every file is written to a temporary name and renamed, so a reader never sees
half a file; a chunk counts as finished only once its ``runs`` file exists.
Killing a sweep at any moment loses at most the chunks in flight, and
``--resume`` runs exactly the unfinished ones.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .._io import LOCK_NAME, DirectoryLock, write_parquet, write_text
from .._progress import Progress
from .._repr import Summarised, names
from .._settings import DEFAULT_SEED
from .._validation import require_extra
from .._version import __version__
from .files import SweepModel, load_sweep_file
from .sweep import (
    check_dask,
    design_points,
    iter_dask,
    iter_process,
    iter_serial,
    make_chunks,
    run_chunk,
)

EXECUTORS = ("auto", "serial", "process", "dask")

#: ``auto`` starts worker processes only for sweeps estimated to take at least
#: this long serially.  Below it, forking the workers and hearing them finish
#: costs more than they save (``benchmarks/bench_sweep.py --examples-only``
#: prints the process executor's speed-up on small sweeps).
AUTO_PROCESS_SECONDS = 0.1


def estimated_serial_seconds(n_powers: int, n_runs: int, years: int, n_points: int) -> float:
    """A rough serial time of a sweep (seconds, one thread), for choosing its executor.

    About 0.063 us per system-year per pair of powers (``n_powers ** 2``) and
    0.66 ms per design point (building it, summarising it), fitted to five
    sweeps of 5 powers measured on the README's machine (the three example
    sweeps, and 1,000 and 10,000 runs of kaplan_balance); within 7% of each.
    """
    return n_runs * years * n_powers ** 2 * 6.3e-8 + n_points * 6.6e-4


def _fingerprint(model, scenario_text: str = "") -> str:
    """The sweep's identity: its parsed settings (and, from Python, its base scenario)."""
    return hashlib.sha256((model.model_dump_json() + scenario_text).encode()).hexdigest()[:16]


@dataclass
class SweepReport:
    out: Path
    n_runs: int
    chunks_run: int
    chunks_skipped: int
    seconds: float
    store_seconds: float
    executor: str = "serial"  # the executor that ran (``auto`` resolved)


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep; the message says what was kept and how to resume."""


def run_sweep(path: str | Path, out: str | Path, executor: str = "auto",
              address: str | None = None, resume: bool = False, quiet: bool = False,
              workers: int | None = None, chunk_size: int | None = None) -> SweepReport:
    """Run the sweep file ``path`` into directory ``out``.

    Everything is validated (the file, every design point, the options, the
    memory one chunk needs) before anything is written.  With ``resume``,
    every finished chunk is verified (Parquet footer and row counts) and
    damaged ones are run again.  Ctrl-C raises :class:`SweepInterrupted`.
    ``executor="auto"`` is ``"process"`` on a machine with several cores
    for a sweep estimated to take at least :data:`AUTO_PROCESS_SECONDS`
    serially (:func:`estimated_serial_seconds`), else ``"serial"``; the
    report says which ran.  Results are the same with every executor.
    ``workers`` is the number of processes computing chunks with the process
    executor, this one included (it forks ``workers - 1``), or the number of
    workers of a local Dask cluster (default: all cores).
    """
    path = Path(path)
    model, scenario = load_sweep_file(path)
    return _run(model, scenario, Path(out), str(path), path.read_text(), executor=executor,
                address=address, resume=resume, quiet=quiet, workers=workers,
                chunk_size=chunk_size)


def sweep(base, parameters: dict, *, design: str = "grid", replicates: int = 10,
          samples: int = 64, years: int | None = None, seed: int = DEFAULT_SEED,
          outcomes: list[str] | None = None, out: str | Path | None = None,
          executor: str = "auto", workers: int | None = None, chunk_size: int = 100,
          resume: bool = False, quiet: bool = True, address: str | None = None) -> SweepData:
    """Sweep parameters of a scenario from Python, as ``regimes sweep`` does from a file.

    The same design, seeds, store and executors as a sweep file (the
    keyword arguments are its keys; see ``docs/examples.md``), so a
    ``Scenario`` built in code, with custom settings, can be swept, and the
    results are bit-identical to the file's.

    Parameters
    ----------
    base : str or Scenario
        A built-in scenario's name or a :class:`~security_regimes.Scenario`.
    parameters : dict
        Parameter path (``"system.first_strike"``, ``"regime.norms.restraint"``
        ...; ``regimes settings`` lists them) -> a list of values (a grid
        axis, or categories) or a dict of a sweep file's keys
        (``{"low": 0.0, "high": 0.5, "steps": 6}``, ``dist``, ``mean``, ``sd``).
    design : {"grid", "lhs", "sobol"}
        Full factorial, Latin hypercube (``samples`` points) or Saltelli's
        Sobol design (``samples * (D + 2)`` points).
    replicates : int
        Runs per design point, each from its own stream of ``seed``.
    out : path, optional
        The results directory (default: a new temporary directory, named in
        the result's ``manifest["out"]``).
    executor, workers, chunk_size, resume, quiet, address
        As for ``regimes sweep``.

    Returns
    -------
    SweepData
        ``points``, ``runs`` (one row per run), ``years`` (one per run-year);
        ``.to_xarray()`` for labelled arrays.

    Examples
    --------
    >>> d = sweep("kaplan_balance", {"system.first_strike": [0.0, 0.5]}, replicates=3, years=20)
    >>> len(d.points), len(d.runs)
    (2, 6)
    """
    from ..regimes.files import _validate
    from ..regimes.scenarios import Scenario, get_scenario
    from .parameters import check_parameters

    scenario = base if isinstance(base, Scenario) else get_scenario(base)
    if not isinstance(parameters, dict):
        raise ValueError(f"sweep(): parameters must be a dict of path -> values, "
                         f"got {type(parameters).__name__}")
    spec = {k: (v if isinstance(v, dict) else {"values": list(v)}
                if isinstance(v, (list, tuple)) else v) for k, v in parameters.items()}
    data = {"base": scenario.name, "seed": seed, "replicates": replicates, "design": design,
            "samples": samples, "years": years, "chunk_size": chunk_size, "parameters": spec}
    if outcomes is not None:
        data["outcomes"] = list(outcomes)
    where = Path("sweep()")
    model = _validate(SweepModel, data, where)
    try:
        check_parameters(model, scenario)
    except ValueError as e:
        raise ValueError(f"sweep(): {e}") from None
    text = "# sweep() from Python; its base scenario:\n" + _scenario_toml(scenario)
    report = _run(model, scenario, None if out is None else Path(out), "sweep()", text, executor=executor,
                  address=address, resume=resume, quiet=quiet, workers=workers,
                  chunk_size=None, python=True)
    return load(report.out)


def _scenario_toml(scenario) -> str:
    from ..regimes.files import scenario_to_toml

    try:
        return scenario_to_toml(scenario)
    except ValueError as e:  # a custom strategy object has no file form
        return f"# (not writable as TOML: {e})\n{scenario!r}\n"


def _run(model, scenario, out: Path | None, source: str, text: str, *, executor: str,
         address: str | None, resume: bool, quiet: bool, workers: int | None,
         chunk_size: int | None, python: bool = False) -> SweepReport:
    """Run a validated sweep (``model`` over ``scenario``) into ``out`` (None:
    a new temporary directory, made once the sweep is valid); ``source``
    names it (a file, or ``sweep()``) and ``text`` is what the manifest
    keeps of it."""
    from .._resources import check_fits
    from .._validation import check_choice, check_int
    from ..system.simulate import estimate_bytes
    from .sweep import check_points

    executor = check_choice(executor, EXECUTORS, "executor")
    if workers is not None:
        check_int(workers, "--workers", 1, 1024)
    path = source
    if chunk_size is not None:
        model = model.model_copy(update={"chunk_size": check_int(chunk_size, "--chunk-size", 1,
                                                                 1_000_000)})
    points = design_points(model, scenario)
    years = model.years or scenario.years
    try:
        point_scenarios = check_points(scenario, points, years)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    n_runs = len(points) * model.replicates
    n_workers = workers or os.cpu_count() or 1
    if executor == "auto":
        big = estimated_serial_seconds(scenario.system.n_powers, n_runs, years,
                                       len(points)) >= AUTO_PROCESS_SECONDS
        executor = "process" if big and n_workers > 1 else "serial"
    # A chunk's simulation and its years table (about 40 bytes per run-year) at once, per
    # worker; serially, also the previous chunk's tables while they are written.
    tables = 40 * years * model.chunk_size
    per_chunk = estimate_bytes(scenario.system.n_powers, years, model.chunk_size, False, False) \
        + tables * (2 if executor == "serial" else 1)
    check_fits(per_chunk * (1 if executor == "serial" else n_workers),
               f"{path}: chunks of {model.chunk_size:,} runs x {years:,} years",
               "lower chunk_size (or --chunk-size) or --workers")
    fingerprint = _fingerprint(model.model_copy(update={"chunk_size": 1}),
                               text if python else "")
    if executor == "dask" and address:
        check_dask(address)  # before anything is written
    if out is None:  # valid: a new temporary directory
        import tempfile

        out = Path(tempfile.mkdtemp(prefix="sweep-"))
    manifest_path = out / "manifest.json"

    if manifest_path.exists():
        try:
            old = read_manifest(out)
        except ValueError as e:
            raise ValueError(f"{e}; choose another --out") from None
        if old.get("fingerprint") != fingerprint:
            raise ValueError(f"{out} holds a different sweep ({old.get('sweep_file')}); "
                             "choose another --out")
        if not resume:
            raise ValueError(f"{out} already holds this sweep; pass --resume (resume=True from "
                             "Python) to continue it")
        if old.get("chunk_size") != model.chunk_size:
            raise ValueError(f"{out} was started with chunk_size {old.get('chunk_size')}; "
                             f"resume with the same chunk size")
    elif out.exists() and (not out.is_dir() or any(p.name != LOCK_NAME
                                                   for p in out.iterdir())):
        raise ValueError(f"{out} is not empty and holds no sweep; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    with DirectoryLock(out, "sweep"):  # one run at a time writes here
        return _write_sweep(model, scenario, out, path, text, points, years, n_runs,
                            point_scenarios, fingerprint, executor=executor, address=address,
                            quiet=quiet, workers=workers, python=python)


def _write_sweep(model, scenario, out: Path, path, text, points, years, n_runs,
                 point_scenarios, fingerprint, *, executor, address, quiet, workers,
                 python) -> SweepReport:
    """The valid sweep's files, written under its directory's lock."""
    manifest_path = out / "manifest.json"
    chunk_dir = out / "chunks"
    if not manifest_path.exists():
        chunk_dir.mkdir(exist_ok=True)
        write_parquet(points, out / "points.parquet")
        manifest = {
            "kind": "sweep", "sweep_file": str(path), "sweep": text, "out": str(out),
            "parsed": json.loads(model.model_dump_json()), "fingerprint": fingerprint,
            "package_version": __version__, "seed": model.seed,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "base_scenario": scenario.name, "years": years, "n_points": len(points),
            "replicates": model.replicates, "n_runs": n_runs, "chunk_size": model.chunk_size,
            "design": model.design, "outcomes": list(model.outcomes),
            "start_year": scenario.start_year,
        }
        write_text(json.dumps(manifest, indent=2), manifest_path)
    chunk_dir.mkdir(exist_ok=True)
    for tmp in [*chunk_dir.glob(".*.tmp"), *out.glob(".*.tmp")]:  # half-written files of a
        tmp.unlink(missing_ok=True)                                  # killed or failed run
    if not _points_intact(out / "points.parquet", points):  # damaged or replaced: rewrite
        if not quiet:
            print(f"sweep: {out / 'points.parquet'} was damaged and is written again",
                  file=sys.stderr)
        write_parquet(points, out / "points.parquet")

    chunks = make_chunks(n_runs, model.chunk_size)
    done, damaged = verify_chunks(chunk_dir, chunks, years)
    for c in damaged:  # recomputed below
        for kind in ("runs", "years"):
            chunk_path(chunk_dir, kind, c.index).unlink(missing_ok=True)
    if damaged and not quiet:
        print(f"sweep: {len(damaged)} damaged chunk(s) will be recomputed: "
              + ", ".join(str(c.index) for c in damaged[:10])
              + (" ..." if len(damaged) > 10 else ""), file=sys.stderr)
    todo = [c for c in chunks if c.index not in done]
    fn = functools.partial(run_chunk, scenario, points, model.replicates, years, model.seed,
                           list(model.outcomes), start_year=scenario.start_year,
                           point_scenarios=point_scenarios)
    # Workers on this machine write their own chunk files (unique names, atomic
    # renames), so results never travel back through the main process; a
    # remote Dask cluster may not share this file system, so its results come
    # back to be written here.
    local = functools.partial(compute_and_write, fn, chunk_dir)
    if executor == "serial":
        stream = iter_written(fn, chunk_dir, todo)
    elif executor == "process":
        stream = iter_process(local, todo, workers)
    else:
        stream = iter_dask(fn if address else local, todo, address, workers)

    progress = Progress(n_runs, done=sum(c.stop - c.start for c in chunks if c.index in done),
                        quiet=quiet, report_end=True)
    t0 = time.perf_counter()
    store = 0.0
    try:
        for chunk, result in stream:
            if isinstance(result, float):  # written by the worker; result = its write time
                store += result
            else:
                store += write_chunk(chunk_dir, chunk, *result)
            progress.advance(chunk.stop - chunk.start)
    except (KeyboardInterrupt, OSError) as e:
        stream.close()  # stops the workers (and finishes a write in progress) before we report
        # Count files, not results received: a chunk written as the sweep stopped is kept too.
        finished = sum(chunk_path(chunk_dir, "runs", c.index).exists() for c in chunks)
        again = (f"sweep(..., out={str(out)!r}, resume=True)" if python else
                 f"regimes sweep {path} --out {out} --resume")
        kept = f"{finished} of {len(chunks)} chunks are finished and kept in {out}"
        if isinstance(e, KeyboardInterrupt):
            raise SweepInterrupted(f"{kept}; continue with {again}") from None
        # A full disk (or another fault of the machine): what failed, what was kept, and how
        # to go on; no half-written file is left (writes are atomic and clean up).
        where = f" writing {e.filename}" if e.filename else ""
        fix = "free some space, then" if e.errno == errno.ENOSPC else "then"
        raise OSError(e.errno, f"{e.strerror or e}{where}; {kept}; {fix} continue with "
                               f"{again}") from None
    finally:
        progress.close()
    return SweepReport(out, n_runs, len(todo), len(done), time.perf_counter() - t0, store,
                       executor)


def _points_intact(path: Path, points: pd.DataFrame) -> bool:
    """Whether ``points.parquet`` opens and holds exactly the design's points."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        held = pq.read_table(path)
    except (OSError, ValueError):
        return False
    return held.equals(pa.Table.from_pandas(points, preserve_index=False), check_metadata=False)


def chunk_path(chunk_dir: Path, kind: str, index: int) -> Path:
    """``chunks/runs-000012.parquet`` or ``chunks/years-000012.parquet``."""
    return chunk_dir / f"{kind}-{index:06d}.parquet"


def verify_chunks(chunk_dir: Path, chunks, years: int):
    """Split chunks whose ``runs`` file exists into intact and damaged.

    A chunk is intact when both of its Parquet files open and hold its own
    runs: one row per run, and one per run-year, of the run ids ``start,
    ..., stop - 1`` (a valid chunk copied over another, with the right row
    count, is damaged).  The run ids are read from the files' metadata,
    where :func:`write_chunk` puts them; files written before that are
    checked on their ``run_id`` columns.
    """
    import pyarrow.parquet as pq

    done, damaged = set(), []
    for c in chunks:
        runs_file = chunk_path(chunk_dir, "runs", c.index)
        if not runs_file.exists():
            continue
        n = c.stop - c.start
        try:
            ok = all(_holds_runs(pq.read_metadata(f), f, c, rows) for f, rows in (
                (runs_file, n), (chunk_path(chunk_dir, "years", c.index), n * years)))
        except (OSError, ValueError, KeyError):  # pyarrow's ArrowInvalid is a ValueError
            ok = False
        if ok:
            done.add(c.index)
        else:
            damaged.append(c)
    return done, damaged


#: The key of a chunk file's metadata that holds its run range, ``"start:stop"``.
RUN_RANGE = "security_regimes.runs"


def _run_range(chunk) -> dict[str, str]:
    return {RUN_RANGE: f"{chunk.start}:{chunk.stop}"}


def _holds_runs(meta, path: Path, chunk, rows: int) -> bool:
    """Whether a chunk file (its ``meta``) has ``rows`` rows of the chunk's runs."""
    if meta.num_rows != rows:
        return False
    kv = meta.metadata or {}
    if RUN_RANGE.encode() in kv:
        return kv[RUN_RANGE.encode()].decode() == _run_range(chunk)[RUN_RANGE]
    import pyarrow.compute as pc  # written before the metadata: read the ids
    import pyarrow.parquet as pq

    ids = pq.read_table(path, columns=["run_id"]).column("run_id")
    lo_hi = pc.min_max(ids)
    return lo_hi["min"].as_py() == chunk.start and lo_hi["max"].as_py() == chunk.stop - 1


def write_chunk(chunk_dir: Path, chunk, runs, years) -> float:
    """Write a chunk's tables (years first: the runs file marks the chunk done)."""
    t = time.perf_counter()
    ids = _run_range(chunk)  # checked by verify_chunks without reading the data
    write_parquet(years, chunk_path(chunk_dir, "years", chunk.index), ids)
    write_parquet(runs, chunk_path(chunk_dir, "runs", chunk.index), ids)
    return time.perf_counter() - t


def iter_written(fn, chunk_dir: Path, chunks) -> Iterator[tuple[object, float]]:
    """The serial executor, with the store on a second thread.

    Chunk ``k`` is written while chunk ``k + 1`` is computed (Parquet
    encoding and I/O release the GIL), so writing adds little to a serial
    sweep's time.  Yields ``(chunk, seconds spent writing)`` in order, once
    the chunk's files are in place.  If computing fails or is interrupted,
    the chunk being written is finished first: nothing handed to the writer
    is lost.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="sweep-writer") as writer:
        pending = None
        for chunk, tables in iter_serial(fn, chunks):
            if pending is not None:
                yield pending[0], pending[1].result()
            pending = (chunk, writer.submit(write_chunk, chunk_dir, chunk, *tables))
        if pending is not None:
            yield pending[0], pending[1].result()


def compute_and_write(fn, chunk_dir: Path, chunk) -> float:
    """Run a chunk and write it where it ran; returns the seconds spent writing."""
    runs, years = fn(chunk)
    return write_chunk(chunk_dir, chunk, runs, years)


def _require_results(directory: str | Path) -> Path:
    d = Path(directory)
    if not (d / "manifest.json").is_file() or not (d / "chunks").is_dir():
        raise ValueError(f"{d} is not a sweep results directory (no manifest.json)")
    if not list((d / "chunks").glob("runs-*.parquet")):
        raise ValueError(f"{d} holds no finished chunks yet")
    return d


def read_manifest(d: Path) -> dict:
    try:
        m = json.loads((d / "manifest.json").read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError(f"{d / 'manifest.json'} is damaged (not JSON)") from None
    if not isinstance(m, dict) or m.get("kind") != "sweep":
        raise ValueError(f"{d / 'manifest.json'} does not describe a sweep")
    return m


def finished_files(d: Path, manifest: dict) -> list[tuple[Path, Path]]:
    """(runs, years) files of the finished chunks, each verified; damaged ones are named."""
    try:
        chunks = make_chunks(int(manifest["n_runs"]), int(manifest["chunk_size"]))
        years = int(manifest["years"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{d / 'manifest.json'} lacks n_runs, chunk_size or years") from None
    done, damaged = verify_chunks(d / "chunks", chunks, years)
    if damaged:
        raise ValueError(f"{d}: chunk(s) {', '.join(str(c.index) for c in damaged[:10])} are "
                         f"damaged; recompute them with regimes sweep "
                         f"{manifest.get('sweep_file', 'FILE')} --out {d} --resume")
    try:
        import pyarrow.parquet as pq

        pq.read_metadata(d / "points.parquet")
    except (OSError, ValueError):
        raise ValueError(f"{d / 'points.parquet'} is missing or damaged; write it again with "
                         f"regimes sweep {manifest.get('sweep_file', 'FILE')} --out {d} "
                         "--resume") from None
    return [(chunk_path(d / "chunks", "runs", i), chunk_path(d / "chunks", "years", i))
            for i in sorted(done)]


@dataclass(repr=False)
class SweepData(Summarised):
    """A sweep's tables: ``points`` (one row per design point), ``runs`` (one per
    run), ``years`` (one per run-year), and its ``manifest``."""

    manifest: dict
    points: pd.DataFrame
    runs: pd.DataFrame
    years: pd.DataFrame

    def plot(self, outcome: str, x: str | None = None, y: str | None = None, ax=None):
        """A run outcome against a swept parameter ``x`` (mean and 95% CI per
        value; default: the first swept parameter), or a heat map of its mean
        over ``x`` and ``y``.  Draws on ``ax`` (new axes when None) and
        returns it."""
        from .._plot import outcome_against

        params = [c for c in self.points.columns if c != "point"]
        if x is None:
            if not params:
                raise ValueError("this sweep swept no parameter: give x")
            x = params[0]
        return outcome_against(self.runs, outcome, x, y, ax)

    def to_xarray(self):
        """An ``xarray.Dataset`` of the sweep (needs the ``xarray`` extra).

        Dims ``point`` and ``replicate`` for every outcome of the ``runs``
        table, and ``year`` too for the per run-year measures of ``years``;
        each swept parameter is a coordinate along ``point`` and
        ``calendar_year`` one along ``year``.  Attributes: the base scenario,
        seed, design, package version and the manifest's start time."""
        xr = require_extra("xarray", "xarray")
        params = [c for c in self.points.columns if c != "point"]
        runs = self.runs.set_index(["point", "replicate"])
        skip = {"run_id", *params}
        data = {c: runs[c].to_xarray() for c in runs.columns if c not in skip}
        ds = xr.Dataset(data)
        if len(self.years):
            per_run = self.runs.set_index("run_id")[["point", "replicate"]]
            y = self.years.join(per_run, on="run_id").set_index(["point", "replicate", "year"])
            cols = [c for c in y.columns if c not in ("run_id", "calendar_year")]
            ds = ds.merge(xr.Dataset({f"year_{c}" if c in ds else c: y[c].to_xarray()
                                      for c in cols}))
            first = self.years.groupby("year")["calendar_year"].first()
            ds = ds.assign_coords(calendar_year=("year", first.reindex(ds.year.values)
                                                 .to_numpy()))
        pts = self.points.set_index("point").reindex(ds.point.values)
        ds = ds.assign_coords({p: ("point", pts[p].to_numpy()) for p in params})
        m = self.manifest
        ds.attrs.update({k: str(m[k]) for k in ("base_scenario", "seed", "design",
                                               "package_version", "started") if k in m})
        return ds

    def _summary(self):
        params = [c for c in self.points.columns if c != "point"]
        return (f"SweepData: {len(self.points):,} points, {len(self.runs):,} runs, "
                f"{len(self.years):,} run-years", [
                    ("base", self.manifest.get("base_scenario", "?")),
                    ("parameters", names(params)),
                    ("run columns", names(self.runs.columns, 8))])


def load(directory: str | Path) -> SweepData:
    """Load a sweep directory as pandas DataFrames (finished, verified chunks only)."""
    d = _require_results(directory)
    manifest = read_manifest(d)
    files = finished_files(d, manifest)
    runs = pd.concat([pd.read_parquet(r) for r, _ in files], ignore_index=True)
    years = pd.concat([pd.read_parquet(y) for _, y in files], ignore_index=True)
    return SweepData(manifest, pd.read_parquet(d / "points.parquet"),
                     runs.sort_values("run_id", ignore_index=True),
                     years.sort_values(["run_id", "year"], ignore_index=True))


def query(directory: str | Path, sql: str, *, limit: int | None = None,
          timeout: float | None = None) -> pd.DataFrame:
    """Run one read-only DuckDB query over a sweep: tables ``runs``, ``years``, ``points``.

    Only a single ``SELECT`` (or ``EXPLAIN``) is accepted, and the
    connection may read only this sweep's files: no statement can write a
    file, attach a database, load an extension or read elsewhere.

    ``limit`` keeps the first rows only (the result then has
    ``attrs["truncated"] = True`` if there were more); ``timeout`` (seconds)
    interrupts a query that runs longer, with a ``TimeoutError``.
    """
    import threading

    import duckdb

    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        raise ValueError(f"query: limit must be a positive integer, got {limit!r}")
    if timeout is not None and not (isinstance(timeout, (int, float)) and 0 < timeout < 1e9):
        raise ValueError(f"query: timeout must be a positive number of seconds, got {timeout!r}")
    if not sql or not sql.strip():
        raise ValueError("query: give one SQL SELECT statement, e.g. "
                         "'SELECT point, avg(war_frequency) FROM runs GROUP BY point'")
    d = _require_results(directory)
    files = finished_files(d, read_manifest(d))
    con = duckdb.connect(":memory:")
    try:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as e:
            raise ValueError(f"query: {str(e).splitlines()[0]}") from None
        if len(statements) != 1:
            raise ValueError(f"query: give exactly one SQL statement, got {len(statements)}")
        kind = statements[0].type
        if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
            raise ValueError(f"query: only SELECT queries are allowed (read-only), got "
                             f"{kind.name}")

        def quoted(paths):
            return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"

        readable = [d / "points.parquet", *(p for pair in files for p in pair)]
        con.execute("SET allowed_paths = " + quoted(p.resolve() for p in readable))
        con.execute("SET enable_external_access = false")
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET lock_configuration = true")
        con.execute("CREATE VIEW runs AS SELECT * FROM read_parquet("
                    f"{quoted(r.resolve() for r, _ in files)})")
        con.execute("CREATE VIEW years AS SELECT * FROM read_parquet("
                    f"{quoted(y.resolve() for _, y in files)})")
        con.execute("CREATE VIEW points AS SELECT * FROM read_parquet("
                    f"{quoted([(d / 'points.parquet').resolve()])})")
        timer = threading.Timer(timeout, con.interrupt) if timeout else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            if limit is None:
                return con.execute(sql).df()
            import pyarrow as pa

            batches, n = [], 0
            reader = con.sql(sql).to_arrow_reader(min(limit + 1, 100_000))
            for batch in reader:
                batches.append(batch)
                n += batch.num_rows
                if n > limit:
                    break
            table = (pa.Table.from_batches(batches, schema=reader.schema) if batches
                     else reader.schema.empty_table())
            df = table.slice(0, limit).to_pandas()
            df.attrs["truncated"] = n > limit
            return df
        except duckdb.Error as e:  # the timer's interrupt, or the query's own error
            if isinstance(e, duckdb.InterruptException) or (
                    timer is not None and not timer.is_alive() and "interrupt" in str(e).lower()):
                raise TimeoutError(f"query: stopped after {timeout:g} s (--timeout); narrow "
                                   "the query or allow more time") from None
            raise ValueError(f"query failed: {str(e).splitlines()[0]}") from None
        finally:
            if timer is not None:
                timer.cancel()
    except duckdb.Error as e:  # a damaged file met while setting up the views
        raise ValueError(f"query: {str(e).splitlines()[0]}") from None
    finally:
        con.close()


def sensitivity(directory: str | Path, outcome: str) -> pd.DataFrame:
    """First- and total-order Sobol indices (SALib) of ``outcome`` over a Sobol sweep.

    The indices decompose the variance of the design points' means over
    their replicates.  With a stochastic model part of that variance is
    replicate noise, which no parameter explains; ``.attrs["noise_share"]``
    estimates it (the mean over points of the variance of a point's mean,
    within-point variance / replicates, over the variance of the point
    means; NaN with one replicate).  Near 1, the indices mostly measure
    noise.  ``.attrs["imputed"]`` counts points where the outcome never
    occurred (e.g. no hegemony in any replicate), given the mean of the others.
    """
    require_extra("SALib", "sensitivity")
    from SALib.analyze import sobol

    data = load(directory)
    m = data.manifest
    if m.get("design") != "sobol":
        raise ValueError(f"{directory}: Sobol indices need a sweep with design = \"sobol\", "
                         f"this one is {m.get('design')!r}")
    if outcome not in data.runs.columns:
        raise ValueError(f"unknown outcome {outcome!r}; this sweep kept "
                         f"{', '.join(m.get('outcomes', []))}")
    if len(data.runs) != m["n_runs"]:
        raise ValueError(f"{directory}: the sweep is unfinished "
                         f"({len(data.runs)}/{m['n_runs']} runs); finish it with --resume")
    by_point = data.runs.groupby("point")[outcome]
    y = by_point.mean().reindex(range(m["n_points"]))
    noise = float((by_point.var(ddof=1) / by_point.count()).mean())
    spread = float(y.var(ddof=1))
    noise_share = noise / spread if spread > 0 else float("nan")
    imputed = int(y.isna().sum())
    if imputed:
        y = y.fillna(y.mean())  # points where the outcome never occurred (e.g. no hegemony)
    params = m["parsed"]["parameters"]
    problem = {"num_vars": len(params), "names": list(params),
               "bounds": [[params[n]["low"], params[n]["high"]] for n in params]}
    si = sobol.analyze(problem, y.to_numpy(), calc_second_order=False, seed=m["seed"])
    df = pd.DataFrame({"parameter": problem["names"], "S1": si["S1"],
                       "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]})
    df.attrs.update(noise_share=noise_share, imputed=imputed, points=m["n_points"],
                    replicates=m["replicates"])
    return df
