"""Parameter sweeps: designs, chunks of runs, and the executors that run them.

Run ``r`` of a sweep is replicate ``r % replicates`` of design point
``r // replicates`` and draws from child ``r`` of ``SeedSequence(seed)``:
results are bit-identical whatever the executor and the chunk size.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import require_extra
from ..regimes.effects import TWIN_OUTCOMES, in_force_at_start, twin_columns
from ..regimes.scenarios import Scenario
from ..system.kernel import structure
from ..system.simulate import simulate_group, summary_columns
from .parameters import (  # noqa: F401 - the parameter API
    RUN_OUTCOMES,
    apply_point,
    check_parameters,
    settings,
    targets,
)

#: Per-year measures written to the ``years`` table of a sweep.
YEAR_COLUMNS = ("war", "war_size", "n_alive", "essential_survival", "hhi", "con", "max_share",
                "alliance_count", "cooperation_rate", "regime_autonomy", "regime_strength",
                "member_war")  # float columns are stored as float32, except war_size

#: Seconds to wait for a Dask scheduler before giving up (env SECURITY_REGIMES_DASK_TIMEOUT).
DASK_TIMEOUT = 10


# --- Parameters: see parameters.py ---------------------------------------------

def check_points(scenario: Scenario, points: pd.DataFrame, years: int) -> list[Scenario]:
    """Every design point must make a scenario a scenario file could hold.

    Returns the scenario of each point (in ``points`` order), for
    :func:`run_chunk`.  Raises ``ValueError`` naming the first bad point and
    parameter, before a sweep writes anything.
    """
    from ..system.model import Dyadic
    from ..system.simulate import check_growth

    params = [c for c in points.columns if c != "point"]
    if points.empty:
        raise ValueError("the design has no points")
    columns = [points[c].tolist() for c in params]  # Python scalars, as run_chunk's
    seen, dyadics, scenarios = {}, set(), []
    for point, *row in zip(points["point"].tolist(), *columns, strict=True):
        key = tuple(map(repr, row))  # 1, 1.0 and True (or 0.0 and -0.0) are other points
        if key in seen:
            scenarios.append(seen[key])
            continue
        values = dict(zip(params, row, strict=True))
        try:
            scn = apply_point(scenario, values)  # the settings classes check the values
            # Its tables depend only on the strategies and the number of powers.
            dyadic = (repr(scn.dyadic), scn.system.n_powers)
            if dyadic not in dyadics:
                Dyadic.build(scn.dyadic, 1, scn.system.n_powers)
                dyadics.add(dyadic)
            check_growth(scn.system, years)
        except (ValueError, TypeError) as e:
            where = ", ".join(f"{k} = {v!r}" for k, v in values.items())
            raise ValueError(f"parameters (point {point}: {where}): "
                             f"{str(e).splitlines()[0]}") from None
        seen[key] = scn
        scenarios.append(scn)
    return scenarios


# --- Designs ------------------------------------------------------------------

#: Most design points a sweep may have (the largest sampled design, 10,000,000).
MAX_POINTS = 10_000_000

def design_points(model, scenario: Scenario) -> pd.DataFrame:
    """One row per design point, one column per parameter (``point`` is the index).

    Values listed in the file are taken as they are; values drawn from a
    range (grid steps, LHS, Sobol) of an integer setting are rounded to the
    nearest integer, and a normal distribution without bounds is clipped to
    the setting's valid range.
    """
    names = list(model.parameters)
    specs = [model.parameters[n] for n in names]
    rows_of = settings(scenario)

    def drawn(name, values):
        return [rows_of[name].from_continuous(v) for v in values]

    if model.design == "grid":
        axes = [spec.values if spec.values is not None
                else drawn(n, np.linspace(spec.low, spec.high, spec.steps).tolist())
                for n, spec in zip(names, specs, strict=True)]
        n_points = math.prod(len(a) for a in axes)
        if n_points > MAX_POINTS:
            raise ValueError(f"the grid has {n_points:,} points ({' x '.join(str(len(a)) for a in axes)}); "
                             f"at most {MAX_POINTS:,}: use fewer steps, or an lhs or sobol design")
        rows = list(itertools.product(*axes))
        df = pd.DataFrame(rows, columns=names)
    elif model.design == "lhs":
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(names), seed=model.seed).random(model.samples)
        df = pd.DataFrame({n: _scale(spec, u[:, k], rows_of[n]) if spec.values is not None
                           else drawn(n, _scale(spec, u[:, k], rows_of[n]))
                           for k, (n, spec) in enumerate(zip(names, specs, strict=True))})
    else:  # sobol (Saltelli's scheme, as SALib analyses it)
        require_extra("SALib", "sensitivity")
        from SALib.sample import sobol as sobol_sample

        problem = sobol_problem(model)
        x = sobol_sample.sample(problem, model.samples, calc_second_order=False,
                                seed=model.seed)
        df = pd.DataFrame({n: drawn(n, x[:, k].tolist()) for k, n in enumerate(names)})
    df.index.name = "point"
    return df.reset_index()


def sobol_problem(model) -> dict:
    names = list(model.parameters)
    return {"num_vars": len(names), "names": names,
            "bounds": [[model.parameters[n].low, model.parameters[n].high] for n in names]}


def _scale(spec, u: np.ndarray, setting) -> list:
    """Map uniform [0, 1) draws to the parameter's values or distribution."""
    if spec.values is not None:
        idx = np.minimum((u * len(spec.values)).astype(int), len(spec.values) - 1)
        return [spec.values[i] for i in idx]
    if spec.dist == "normal":
        from scipy.special import ndtri

        x = spec.mean + spec.sd * ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        lo = spec.low if spec.low is not None else \
            (setting.smallest() if setting.low is not None else -np.inf)
        hi = spec.high if spec.high is not None else \
            (setting.largest() if setting.high is not None else np.inf)
        return np.clip(x, lo, hi).tolist()
    if spec.dist == "loguniform":
        from ..engine.libm import log_uniform  # the same bits on every CPU

        return log_uniform(np.ascontiguousarray(u, dtype=np.float64), float(spec.low),
                           float(spec.high)).tolist()
    return (spec.low + u * (spec.high - spec.low)).tolist()


# --- Chunks -------------------------------------------------------------------

@dataclass(frozen=True)
class Chunk:
    index: int
    start: int  # first run id
    stop: int  # one past the last run id


def make_chunks(n_runs: int, chunk_size: int) -> list[Chunk]:
    return [Chunk(i, s, min(s + chunk_size, n_runs))
            for i, s in enumerate(range(0, n_runs, chunk_size))]


def run_chunk(scenario: Scenario, points: pd.DataFrame, replicates: int, years: int, seed: int,
              outcomes: list[str], chunk: Chunk, start_year: int = 1,
              point_scenarios: list[Scenario] | None = None):
    """Run the runs of one chunk; returns its ``runs`` and ``years`` tables
    (``pyarrow.Table``: one row per run, and one per run-year).

    ``point_scenarios`` (from :func:`check_points`) saves building each
    point's scenario again in every chunk.
    """
    runs, yrs = {}, {}
    # Python scalars (tolist), as the scenario's fields and check_points' expect
    columns = {c: points[c].tolist() for c in points.columns if c != "point"}
    # The chunk's points, each with its runs in the chunk, in groups of
    # consecutive points that share their structure and dyadic strategies:
    # each group is one kernel call with per-system parameters.
    groups, run = [], chunk.start
    while run < chunk.stop:
        point = run // replicates
        stop = min(chunk.stop, (point + 1) * replicates)
        scn = point_scenarios[point] if point_scenarios is not None else \
            apply_point(scenario, {k: v[point] for k, v in columns.items()})
        key = (structure(scn.system, scn.policy, scn.regime), repr(scn.dyadic))
        if not groups or groups[-1][0] != key:
            groups.append((key, scn.dyadic, []))
        groups[-1][2].append((point, scn, run, stop - run))
        run = stop
    arrays = {k: _column(v) for k, v in columns.items()}
    twins = [o for o in outcomes if o in TWIN_OUTCOMES]
    for _, dyadic, members in groups:
        m, ids = simulate_group([(scn.system, scn.policy, scn.regime, first, n)
                                 for _, scn, first, n in members], years, seed, dyadic)
        counts = [n for *_, n in members]
        point_of = np.repeat([p for p, *_ in members], counts)
        policy = np.repeat([scn.policy.label for _, scn, _, _ in members],
                           counts).astype(object)
        summary = summary_columns(m, ids, years, policy, members[0][1].system.n_powers)
        if twins:  # each run's twin without norms: the same seeds, one more kernel call
            cf = [scn.counterfactual() for _, scn, _, _ in members]
            c, _ = simulate_group([(s.system, s.policy, s.regime, first, n)
                                   for s, (_, _, first, n) in zip(cf, members, strict=True)],
                                  years, seed, dyadic)
            initially = np.repeat([in_force_at_start(scn) for _, scn, _, _ in members], counts)
            summary = {**summary, **twin_columns(m, c, initially)}
        _append(runs, _runs_columns(summary, point_of, replicates,
                                    {k: v[point_of] for k, v in arrays.items()}, outcomes))
        _append(yrs, _years_columns(m, ids, start_year))
    # Each table is built once from whole columns, in Arrow: a table per design
    # point, or one built through pandas, cost more than simulating points
    # with few replicates (benchmarks/bench_sweep.py).
    return _runs_table(_joined(runs)), _years_table(_joined(yrs))


def _runs_table(columns: dict[str, np.ndarray]):
    """The ``runs`` table as Arrow, as pandas wrote it: NaN as null, text as large_string."""
    import pyarrow as pa

    arrays = {k: pa.array(v, from_pandas=True) for k, v in columns.items()}
    return pa.table({k: a.cast(pa.large_string()) if pa.types.is_string(a.type) else a
                     for k, a in arrays.items()})


#: ``years`` columns undefined in some years (no pair of powers, no restraint):
#: stored as null, as in the ``runs`` table, so that SQL aggregates skip them.
UNDEFINED_YEAR_COLUMNS = ("cooperation_rate", "regime_autonomy")


def _years_table(columns: dict[str, np.ndarray]):
    """The ``years`` table as Arrow: NaN is null in :data:`UNDEFINED_YEAR_COLUMNS`,
    and every other column is declared non-null, so Parquet writes no
    definition levels for it (building and encoding a 50,000-row file took
    2.6 ms instead of 3.0 ms, best of 30)."""
    import pyarrow as pa

    arrays = {k: pa.array(v, from_pandas=k in UNDEFINED_YEAR_COLUMNS)
              for k, v in columns.items()}
    return pa.Table.from_arrays(list(arrays.values()), schema=pa.schema(
        [pa.field(k, a.type, nullable=k in UNDEFINED_YEAR_COLUMNS) for k, a in arrays.items()]))


def _append(columns: dict[str, list], new: dict) -> None:
    for k, v in new.items():
        columns.setdefault(k, []).append(v)


def _joined(columns: dict[str, list]) -> dict:
    return {k: v[0] if len(v) == 1 else np.concatenate(v) for k, v in columns.items()}


def _column(values: list) -> np.ndarray:
    """A parameter's values at every design point as one array, shape (points,)
    (Python objects where they are not scalars of one kind)."""
    a = np.asarray(values)
    if a.ndim != 1:
        a = np.empty(len(values), dtype=object)
        a[:] = values
    return a


def _runs_columns(s: dict, point: np.ndarray, replicates: int, values: dict,
                  outcomes: list[str]) -> dict[str, np.ndarray]:
    """The ``runs`` table's columns for runs of design points ``point`` (shape
    (runs,) each): their summary ``s``, the points' parameter ``values``."""
    ids = s["system"]
    return {"run_id": ids, "point": point.astype(np.int64),
            "replicate": ids - point * replicates,
            **values, **{o: s[o] for o in outcomes}}


def _years_columns(m: dict, system_ids: np.ndarray, start_year: int) -> dict[str, np.ndarray]:
    """Per run-year measures as compact columns (int16/float32 where lossless enough),
    shape (runs * years,), runs major."""
    B, T = m["war"].shape
    with np.errstate(invalid="ignore", divide="ignore"):
        autonomy = np.where(m["restraints"] > 0, m["norm_restraints"] / np.maximum(
            m["restraints"], 1), np.nan)
    year = np.tile(np.arange(1, T + 1, dtype=np.int32), B)
    cols = {
        "run_id": np.repeat(system_ids.astype(np.int64), T),
        "year": year,
        "calendar_year": year + (start_year - 1),
        "war": m["war"].ravel(),
        # Absolute capabilities grow without bound: over thousands of years
        # they pass float32's 3.4e38 (stored as inf), so war size stays float64.
        "war_size": m["war_size"].ravel(),
        "n_alive": m["n_alive"].ravel().astype(np.int16),
        "essential_survival": m["essential_survival"].ravel().astype(np.float32),
        "hhi": m["hhi"].ravel().astype(np.float32),
        "con": m["con"].ravel().astype(np.float32),
        "max_share": m["max_share"].ravel().astype(np.float32),
        "alliance_count": m["alliance_count"].ravel().astype(np.int16),
        "cooperation_rate": m["cooperation_rate"].ravel().astype(np.float32),
        "regime_autonomy": autonomy.ravel().astype(np.float32),
        "regime_strength": m["regime_strength"].ravel().astype(np.float32),
        "member_war": np.asarray(m["member_war"]).ravel(),
    }
    assert tuple(cols)[3:] == YEAR_COLUMNS
    return cols


# --- Executors ----------------------------------------------------------------

def iter_serial(fn: Callable, chunks: list[Chunk]) -> Iterator[tuple[Chunk, object]]:
    for c in chunks:
        yield c, fn(c)


def _die_with_parent(parent: int) -> None:
    """Worker start-up: exit when the parent dies, ignore Ctrl-C (the parent handles it),
    and run the compiled year on one thread (the pool already uses every core).

    On Linux the kernel kills the worker when its parent dies
    (``PR_SET_PDEATHSIG``); elsewhere, and as a backstop, a thread checks
    every half second that the parent is still ours.
    """
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["SECURITY_REGIMES_THREADS"] = "1"
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - exotic libc
            pass
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="die-with-parent").start()


def iter_process(fn: Callable, chunks: list[Chunk], workers: int | None
                 ) -> Iterator[tuple[Chunk, object]]:
    """Run chunks in ``workers`` processes, this one included, yielding each as it finishes.

    ``workers - 1`` worker processes are forked and this process computes
    chunks too, on one thread, instead of waiting for them: on 2 cores that
    is one fork instead of two (forking this 300 MB interpreter blocks it for
    about 6 ms) and no pool machinery, which is what let small sweeps gain
    from processes at all.  Each process claims the next unclaimed chunk from
    a shared counter, so a slow chunk holds up no other.  Results equal the
    serial ones: a chunk's runs depend only on their run numbers.

    A failing chunk, Ctrl-C or closing the iterator stops the sweep: no
    further chunk is claimed and the workers are killed at once (files are
    written atomically, so nothing half-written remains).  A chunk that this
    process is computing is finished first, so a failure in a worker is
    raised here after at most one chunk.  Workers also exit by themselves if
    this process dies (:func:`_die_with_parent`).
    """
    import multiprocessing

    from ..system.threads import threads_limit

    if not chunks:
        return
    workers = min(workers or os.cpu_count() or 1, len(chunks))
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    claimed = ctx.Value("q", 0)  # chunks claimed so far, by any process
    procs = {}
    try:
        for k in range(workers - 1):
            receive, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_worker, args=(fn, chunks, claimed, send, os.getpid()),
                            name=f"security-regimes-worker-{k + 1}", daemon=True)
            p.start()
            send.close()
            procs[receive] = p
        pending = list(procs)  # workers that have not said they are done
        done = 0
        while (i := _claim(claimed, len(chunks), procs.values())) is not None:
            with threads_limit(1):
                result = fn(chunks[i])
            yield chunks[i], result
            done += 1
            for item in _received(pending, procs, chunks, timeout=0):
                yield item
                done += 1
        # Once every chunk is in, a worker has nothing left to say but that it
        # is done, which could come a few milliseconds later: don't wait.
        while pending and done < len(chunks):
            for item in _received(pending, procs, chunks, timeout=None):
                yield item
                done += 1
    except BaseException:
        for p in procs.values():
            p.kill()
        for p in procs.values():
            p.join()
        raise
    # Every worker has said it is done or has nothing left to say; a worker's
    # exit (unmapping its copy of this process) takes milliseconds, so reap
    # them without waiting.  (A worker holds its pipe's read end too, so saying it
    # is done never meets a closed pipe.)
    threading.Thread(target=_join, args=(list(procs.values()),), daemon=True,
                     name="security-regimes-reaper").start()


def _join(procs: list) -> None:
    for p in procs:
        p.join()


def _claim(claimed, n: int, workers=()) -> int | None:
    """The next unclaimed chunk's position, or None when all are claimed.

    A worker killed while it held the counter's lock (out of memory, say)
    would hold it for ever: this process, which waits on it with the
    ``workers`` it started, checks every second that none of them died.
    """
    lock = claimed.get_lock()
    while not lock.acquire(timeout=1.0):
        for p in workers:
            if p.exitcode not in (None, 0):
                raise _died(p)
    try:
        i = claimed.value
        if i >= n:
            return None
        claimed.value = i + 1
        return i
    finally:
        lock.release()


def _died(p) -> RuntimeError:
    return RuntimeError(f"worker process {p.pid} died (exit status {p.exitcode}) during the "
                        "sweep; finished chunks are kept (--resume)")


def _received(pending: list, procs: dict, chunks: list[Chunk], timeout: float | None
              ) -> Iterator[tuple[Chunk, object]]:
    """The results the workers in ``pending`` have sent (waiting up to ``timeout`` s);
    a worker that says it is done leaves ``pending``; a worker's error is raised."""
    from multiprocessing.connection import wait

    for conn in wait(pending, timeout):
        try:
            msg = conn.recv()
        except EOFError:  # it died without saying so: killed, or out of memory
            procs[conn].join()
            raise _died(procs[conn]) from None
        if msg is None:
            pending.remove(conn)
            continue
        i, ok, value = msg
        if not ok:
            raise value
        yield chunks[i], value


def _worker(fn: Callable, chunks: list[Chunk], claimed, send, parent: int) -> None:
    """A worker process: claim and compute chunks until none is left, sending
    ``(position, True, result)`` for each, ``(position, False, error)`` for a
    failure (then stop), and ``None`` when done."""
    import pickle
    import traceback

    _die_with_parent(parent)
    try:
        while (i := _claim(claimed, len(chunks))) is not None:
            try:
                result = fn(chunks[i])
            except Exception as e:
                e.add_note(f"in worker process {os.getpid()}:\n{traceback.format_exc()}")
                try:
                    pickle.dumps(e)
                except Exception:  # an error that cannot travel: send what it said
                    e = RuntimeError(f"{type(e).__name__}: {e}")
                send.send((i, False, e))
                return
            send.send((i, True, result))
        send.send(None)
    finally:
        send.close()


def _dask():
    return require_extra("dask.distributed", "dask")


def _connect(address: str):
    """A client of the scheduler at ``address``, or one clear line after the timeout."""
    timeout = float(os.environ.get("SECURITY_REGIMES_DASK_TIMEOUT", DASK_TIMEOUT))
    try:
        return _dask().Client(address, timeout=timeout)
    except (OSError, TimeoutError) as e:
        raise ValueError(f"could not reach the Dask scheduler at {address} within "
                         f"{timeout:g} s ({type(e).__name__})") from None


def check_dask(address: str) -> None:
    """Fail fast, with one line, if the Dask scheduler at ``address`` cannot be reached."""
    _connect(address).close()


def dask_client(address: str | None, workers: int | None):
    """``(client, cluster)``: the scheduler at ``address``, or a local cluster (then
    ``cluster`` is not None and the caller closes it) of single-threaded processes."""
    distributed = _dask()
    if address:
        return _connect(address), None
    # One thread per worker process, for Dask's tasks and for the compiled year.
    cluster = distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                       threads_per_worker=1, processes=True,
                                       dashboard_address=None,
                                       env={"SECURITY_REGIMES_THREADS": "1"})
    return distributed.Client(cluster), cluster


def iter_dask(fn: Callable, chunks: list[Chunk], address: str | None, workers: int | None
              ) -> Iterator[tuple[Chunk, object]]:
    distributed = _dask()
    client, cluster = dask_client(address, workers)
    try:
        with client:
            futures = {client.submit(fn, c, pure=False): c for c in chunks}
            for f in distributed.as_completed(futures):
                yield futures[f], f.result()
    finally:
        if cluster is not None:
            cluster.close()
