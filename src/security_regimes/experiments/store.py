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

import functools
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .. import __version__
from .._io import write_parquet, write_text
from .files import load_sweep_file
from .sweep import (
    Progress,
    check_dask,
    design_points,
    iter_dask,
    iter_process,
    iter_serial,
    make_chunks,
    run_chunk,
)

EXECUTORS = ("serial", "process", "dask")


def _fingerprint(model) -> str:
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()[:16]


@dataclass
class SweepReport:
    out: Path
    n_runs: int
    chunks_run: int
    chunks_skipped: int
    seconds: float
    store_seconds: float


def run_sweep(path: str | Path, out: str | Path, executor: str = "process",
              address: str | None = None, resume: bool = False, quiet: bool = False,
              workers: int | None = None, chunk_size: int | None = None) -> SweepReport:
    """Run the sweep file ``path`` into directory ``out``."""
    from .._validation import check_choice

    executor = check_choice(executor, EXECUTORS, "executor")
    path, out = Path(path), Path(out)
    model, scenario = load_sweep_file(path)
    if chunk_size is not None:
        model = model.model_copy(update={"chunk_size": int(chunk_size)})
    points = design_points(model, scenario)
    years = model.years or scenario.years
    n_runs = len(points) * model.replicates
    fingerprint = _fingerprint(model.model_copy(update={"chunk_size": 1}))
    if executor == "dask" and address:
        check_dask(address)  # before anything is written
    manifest_path = out / "manifest.json"
    chunk_dir = out / "chunks"

    if manifest_path.exists():
        old = json.loads(manifest_path.read_text())
        if old.get("fingerprint") != fingerprint:
            raise ValueError(f"{out} holds a different sweep ({old.get('sweep_file')}); "
                             "choose another --out")
        if not resume:
            raise ValueError(f"{out} already holds this sweep; pass --resume to continue it")
        if old.get("chunk_size") != model.chunk_size:
            raise ValueError(f"{out} was started with chunk_size {old.get('chunk_size')}; "
                             f"resume with the same chunk size")
    elif out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty and holds no sweep; choose another --out")
    else:
        out.mkdir(parents=True, exist_ok=True)
        chunk_dir.mkdir(exist_ok=True)
        write_parquet(points, out / "points.parquet")
        manifest = {
            "kind": "sweep", "sweep_file": str(path), "sweep": path.read_text(),
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

    chunks = make_chunks(n_runs, model.chunk_size)
    done = {c.index for c in chunks if (chunk_dir / f"runs-{c.index:06d}.parquet").exists()}
    todo = [c for c in chunks if c.index not in done]
    fn = functools.partial(run_chunk, scenario, points, model.replicates, years, model.seed,
                           list(model.outcomes), start_year=scenario.start_year)
    # Workers on this machine write their own chunk files (unique names, atomic
    # renames), so results never travel back through the main process; a
    # remote Dask cluster may not share this file system, so its results come
    # back to be written here.
    local = functools.partial(compute_and_write, fn, chunk_dir)
    if executor == "serial":
        stream = iter_serial(local, todo)
    elif executor == "process":
        stream = iter_process(local, todo, workers)
    else:
        stream = iter_dask(fn if address else local, todo, address, workers)

    progress = Progress(n_runs, done=sum(c.stop - c.start for c in chunks if c.index in done),
                        quiet=quiet)
    t0 = time.perf_counter()
    store = 0.0
    try:
        for chunk, result in stream:
            if isinstance(result, float):  # written by the worker; result = its write time
                store += result
            else:
                store += write_chunk(chunk_dir, chunk, *result)
            progress.advance(chunk.stop - chunk.start)
    finally:
        progress.close()
    return SweepReport(out, n_runs, len(todo), len(done), time.perf_counter() - t0, store)


def write_chunk(chunk_dir: Path, chunk, runs, years) -> float:
    """Write a chunk's tables (years first: the runs file marks the chunk done)."""
    t = time.perf_counter()
    write_parquet(years, chunk_dir / f"years-{chunk.index:06d}.parquet")
    write_parquet(runs, chunk_dir / f"runs-{chunk.index:06d}.parquet")
    return time.perf_counter() - t


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


@dataclass
class SweepData:
    manifest: dict
    points: pd.DataFrame
    runs: pd.DataFrame
    years: pd.DataFrame


def load(directory: str | Path) -> SweepData:
    """Load a sweep directory as pandas DataFrames (finished chunks only)."""
    d = _require_results(directory)
    finished = sorted((d / "chunks").glob("runs-*.parquet"))
    runs = pd.concat([pd.read_parquet(p) for p in finished], ignore_index=True)
    years = pd.concat([pd.read_parquet(d / "chunks" / p.name.replace("runs-", "years-"))
                       for p in finished], ignore_index=True)
    return SweepData(json.loads((d / "manifest.json").read_text()),
                     pd.read_parquet(d / "points.parquet"),
                     runs.sort_values("run_id", ignore_index=True),
                     years.sort_values(["run_id", "year"], ignore_index=True))


def query(directory: str | Path, sql: str) -> pd.DataFrame:
    """Run DuckDB SQL over a sweep directory: tables ``runs``, ``years``, ``points``."""
    import duckdb

    d = _require_results(directory)
    finished = sorted((d / "chunks").glob("runs-*.parquet"))
    years = [str(d / "chunks" / p.name.replace("runs-", "years-")) for p in finished]
    con = duckdb.connect()

    def files(paths):
        return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"

    try:
        con.execute(f"CREATE VIEW runs AS SELECT * FROM read_parquet({files(finished)})")
        con.execute(f"CREATE VIEW years AS SELECT * FROM read_parquet({files(years)})")
        con.execute("CREATE VIEW points AS SELECT * FROM read_parquet("
                    f"{files([d / 'points.parquet'])})")
        try:
            return con.execute(sql).df()
        except duckdb.Error as e:
            raise ValueError(f"query failed: {str(e).splitlines()[0]}") from None
    finally:
        con.close()


def sensitivity(directory: str | Path, outcome: str) -> pd.DataFrame:
    """First- and total-order Sobol indices (SALib) of ``outcome`` over a Sobol sweep."""
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
    y = data.runs.groupby("point")[outcome].mean().reindex(range(m["n_points"]))
    if y.isna().any():
        y = y.fillna(y.mean())  # points where the outcome never occurred (e.g. no hegemony)
    params = m["parsed"]["parameters"]
    problem = {"num_vars": len(params), "names": list(params),
               "bounds": [[params[n]["low"], params[n]["high"]] for n in params]}
    si = sobol.analyze(problem, y.to_numpy(), calc_second_order=False, seed=m["seed"])
    return pd.DataFrame({"parameter": problem["names"], "S1": si["S1"],
                         "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]})
