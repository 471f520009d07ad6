"""Sweeps under faults: interrupts, kill -9 of a process pool, damaged chunks, failing chunks."""

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import security_regimes as sr
from security_regimes.experiments.store import query, run_sweep
from security_regimes.experiments.sweep import Chunk, iter_process

CLI = [sys.executable, "-m", "security_regimes.presentation.cli"]

SWEEP = """
base = "kaplan_balance"
seed = 3
replicates = {replicates}
design = "grid"
years = {years}
chunk_size = {chunk}
outcomes = ["war_frequency", "essential_survival"]

[parameters]
"system.misperception" = {{ values = [0.0, 0.1, 0.2] }}
"""


def sweep_file(tmp_path: Path, years=20, chunk=2, replicates=4) -> Path:
    """A 3-point sweep of ``3 * replicates`` runs in chunks of ``chunk``."""
    p = tmp_path / f"sweep-{years}-{chunk}-{replicates}.toml"
    p.write_text(SWEEP.format(years=years, chunk=chunk, replicates=replicates))
    return p


def wait_for(cond, timeout=60.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def children(pid: int) -> list[int]:
    """Child processes of ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def frames(d):
    data = sr.load(d)
    return data.runs, data.years


def assert_frames(d, ref_runs, ref_years):
    """The sweep in ``d`` holds exactly the reference tables."""
    runs, years = frames(d)
    pd.testing.assert_frame_equal(runs, ref_runs)
    pd.testing.assert_frame_equal(years, ref_years)


def test_ctrl_c_exits_130_says_what_was_kept_and_resume_finishes(tmp_path):
    # 150 chunks of 2 runs x 5,000 years (about 0.03 s each on one core): a
    # window of seconds to interrupt in.
    f = sweep_file(tmp_path, years=5_000, chunk=2, replicates=100)
    out = tmp_path / "interrupted"
    # A shell that starts a job in the background (as CI runners may) leaves
    # SIGINT ignored, and Python then installs no KeyboardInterrupt handler:
    # restore the default in the child, as an interactive terminal would have it.
    proc = subprocess.Popen([*CLI, "sweep", str(f), "--out", str(out), "--executor", "process",
                             "--workers", "2", "--quiet"], stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert wait_for(lambda: len(list((out / "chunks").glob("runs-*.parquet"))) >= 1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), err
    assert "--resume" in lines[0] and "chunks are finished" in lines[0]
    kept = len(list((out / "chunks").glob("runs-*.parquet")))
    assert 1 <= kept < 150
    assert lines[0].startswith(f"interrupted: {kept} of 150 chunks are finished"), lines[0]
    r = subprocess.run([*CLI, "sweep", str(f), "--out", str(out), "--resume", "--quiet",
                        "--executor", "serial"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    runs, years = frames(out)
    assert sorted(runs.run_id) == list(range(300))
    ref = run_sweep(f, tmp_path / "clean", executor="serial", quiet=True).out
    ref_runs, ref_years = frames(ref)
    pd.testing.assert_frame_equal(runs, ref_runs)
    pd.testing.assert_frame_equal(years, ref_years)


def test_workers_die_with_their_parent_after_kill_9(tmp_path):
    # Chunks of 50 runs x 10,000 years: each worker computes for seconds.
    f = sweep_file(tmp_path, years=10_000, chunk=50, replicates=200)
    out = tmp_path / "killed"
    proc = subprocess.Popen([*CLI, "sweep", str(f), "--out", str(out), "--executor", "process",
                             "--workers", "2", "--quiet"])
    # --workers 2: one worker process, and the parent computes chunks too.
    assert wait_for(lambda: len(children(proc.pid)) >= 1)
    assert wait_for(lambda: (out / "chunks").is_dir())
    workers = children(proc.pid)
    assert workers and all(alive(w) for w in workers)  # still computing when the parent dies
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert wait_for(lambda: not any(alive(w) for w in workers), timeout=3), \
        f"workers outlived their parent: {[w for w in workers if alive(w)]}"


def test_resume_recomputes_damaged_chunks(tmp_path):
    f = sweep_file(tmp_path)
    out = run_sweep(f, tmp_path / "s", executor="serial", quiet=True).out
    ref_runs, ref_years = frames(out)
    chunks = out / "chunks"
    truncated = chunks / "runs-000001.parquet"
    truncated.write_bytes(truncated.read_bytes()[:100])
    (chunks / "years-000004.parquet").write_bytes(os.urandom(2000))
    short = chunks / "runs-000002.parquet"  # a valid Parquet file with the wrong row count
    pd.read_parquet(short).head(1).to_parquet(short)
    with pytest.raises(ValueError, match=r"chunk\(s\) 1, 2, 4 are damaged; .*--resume"):
        sr.load(out)
    with pytest.raises(ValueError, match="damaged"):
        query(out, "SELECT count(*) FROM runs")
    r = run_sweep(f, out, executor="serial", quiet=True, resume=True)
    assert (r.chunks_run, r.chunks_skipped) == (3, 3)
    assert_frames(out, ref_runs, ref_years)


_PARENT = os.getpid()  # forked workers inherit it


def _fail_in(where: str, chunk: Chunk):
    """Fail every chunk computed in ``where`` ("parent" or "worker") after 1 s; others take 5 s."""
    if (where == "parent") == (os.getpid() == _PARENT):
        time.sleep(1)  # the other process is then well into a chunk
        if where == "worker-dies":
            os._exit(3)
        raise RuntimeError(f"chunk {chunk.index} failed in the {where}")
    time.sleep(5)
    return chunk.index


@pytest.mark.parametrize(("where", "error", "within"), [
    ("parent", "failed in the parent", 3), ("worker", "failed in the worker", 8),
    ("worker-dies", r"worker process \d+ died \(exit status 3\)", 8)])
def test_a_failing_chunk_stops_the_process_pool(where, error, within):
    import multiprocessing

    # 12 chunks of 5 s would take 30 s on two processes.  A failure here
    # kills the worker at once (not after its 5 s chunk); a worker's failure
    # is raised once the chunk this process is computing ends (5 s).
    chunks = [Chunk(i, i, i + 1) for i in range(12)]
    t = time.perf_counter()
    with pytest.raises(RuntimeError, match=error):
        list(iter_process(functools.partial(_fail_in, where), chunks, workers=2))
    assert time.perf_counter() - t < within
    assert not multiprocessing.active_children()


def test_nothing_is_written_before_the_sweep_is_valid(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(SWEEP.format(years=10, chunk=2, replicates=4).replace("0.2] }", "7.0] }"))
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=r"parameters.system.misperception.values: "
                                         r"system.misperception must be a number in \[0, 1\], "
                                         r"got 7.0"):
        run_sweep(f, out, executor="serial", quiet=True)
    assert not out.exists()
    f.write_text(SWEEP.format(years=10, chunk=2, replicates=4))  # corrected: same --out
    assert run_sweep(f, out, executor="serial", quiet=True).n_runs == 12


def test_query_is_read_only(tmp_path):
    out = run_sweep(sweep_file(tmp_path), tmp_path / "s", executor="serial", quiet=True).out
    target = tmp_path / "written.csv"
    for sql, msg in [(f"COPY (SELECT 1) TO '{target}'", "only SELECT"),
                     (f"ATTACH '{tmp_path / 'x.db'}' AS x", "only SELECT"),
                     ("SELECT * FROM read_csv('/etc/passwd')", "Permission"),
                     ("SELECT 1; SELECT 2", "exactly one"),
                     ("   ", "give one SQL SELECT")]:
        with pytest.raises(ValueError, match=msg):
            query(out, sql)
    assert not target.exists() and not (tmp_path / "x.db").exists()
    assert query(out, "SELECT count(*) AS n FROM runs").n.item() == 12


def test_serial_store_finishes_the_chunk_it_was_writing_when_computing_fails(tmp_path,
                                                                             monkeypatch):
    # The serial executor writes chunk k on a second thread while computing
    # chunk k + 1; a failure in k + 1 must not lose chunk k.
    import pyarrow as pa

    import security_regimes.experiments.store as st

    real = st.write_chunk

    def slow_write(*args):
        time.sleep(0.3)  # still writing when the next chunk fails
        return real(*args)

    monkeypatch.setattr(st, "write_chunk", slow_write)

    def fn(chunk):
        if chunk.index == 1:
            raise RuntimeError("chunk 1 failed")
        return pd.DataFrame({"run_id": [chunk.start]}), pa.table({"run_id": [chunk.start]})

    with pytest.raises(RuntimeError, match="chunk 1 failed"):
        list(st.iter_written(fn, tmp_path, [Chunk(0, 0, 1), Chunk(1, 1, 2)]))
    assert st.chunk_path(tmp_path, "runs", 0).exists()
    assert st.chunk_path(tmp_path, "years", 0).exists()


def _die_holding(lock):
    lock.acquire()
    os._exit(9)


def test_a_worker_dying_with_the_chunk_counter_locked_does_not_hang_the_sweep():
    # A worker killed inside its claim of the next chunk leaves the counter's
    # lock taken for ever; claiming checks that the workers are alive.
    import multiprocessing

    from security_regimes.experiments.sweep import _claim

    ctx = multiprocessing.get_context("fork")
    claimed = ctx.Value("q", 0)
    p = ctx.Process(target=_die_holding, args=(claimed.get_lock(),))
    p.start()
    p.join()
    t = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"worker process \d+ died \(exit status 9\)"):
        _claim(claimed, 8, [p])
    assert time.perf_counter() - t < 5


def test_a_worker_slow_to_say_it_is_done_exits_cleanly(monkeypatch, capfd):
    # This process stops listening once every chunk is in, without waiting
    # for a worker to say it is done; the worker still exits cleanly.
    import multiprocessing

    from security_regimes.experiments import sweep

    claim = sweep._claim
    parent = os.getpid()

    def slow_last_claim(*args, **kwargs):
        i = claim(*args, **kwargs)
        if i is None and os.getpid() != parent:
            time.sleep(0.5)
        return i

    monkeypatch.setattr(sweep, "_claim", slow_last_claim)
    chunks = [Chunk(i, i, i + 1) for i in range(4)]
    t = time.perf_counter()
    assert sorted(c.index for c, _ in iter_process(_index, chunks, workers=2)) == [0, 1, 2, 3]
    assert time.perf_counter() - t < 0.4  # did not wait for the worker's "done"
    for p in multiprocessing.active_children():  # the reaper's: wait for the worker's exit
        p.join()
    assert "Error" not in capfd.readouterr().err


def _index(chunk: Chunk) -> int:
    time.sleep(0.02)
    return chunk.index


def test_a_chunk_replaced_by_another_valid_chunk_is_damaged(tmp_path):
    """A valid chunk copied over another (same row count) is caught by its run ids."""
    f = sweep_file(tmp_path)
    out = run_sweep(f, tmp_path / "s", executor="serial", quiet=True).out
    ref_runs, ref_years = frames(out)
    chunks = out / "chunks"
    for kind in ("runs", "years"):
        (chunks / f"{kind}-000003.parquet").write_bytes(
            (chunks / f"{kind}-000000.parquet").read_bytes())
    with pytest.raises(ValueError, match=r"chunk\(s\) 3 are damaged"):
        query(out, "SELECT count(DISTINCT run_id) FROM runs")
    r = run_sweep(f, out, executor="serial", quiet=True, resume=True)
    assert (r.chunks_run, r.chunks_skipped) == (1, 5)
    assert_frames(out, ref_runs, ref_years)
    assert query(out, "SELECT count(DISTINCT run_id) AS n FROM runs").n.item() == 12
    # Files written without the run-range metadata (by an earlier version) are
    # checked on their run ids: their own chunk passes, another chunk's does not.
    for kind in ("runs", "years"):
        for i in (1, 4):
            f = chunks / f"{kind}-{i:06d}.parquet"
            pd.read_parquet(f).to_parquet(f)
        pd.read_parquet(chunks / f"{kind}-000001.parquet").to_parquet(
            chunks / f"{kind}-000004.parquet")
    with pytest.raises(ValueError, match=r"chunk\(s\) 4 are damaged"):
        sr.load(out)


def test_a_damaged_points_file_is_named_and_resume_repairs_it(tmp_path, capsys):
    from tests.presentation.test_cli import run

    f = sweep_file(tmp_path)
    out = run_sweep(f, tmp_path / "s", executor="serial", quiet=True).out
    points = pd.read_parquet(out / "points.parquet")
    (out / "points.parquet").write_bytes(b"PAR1 not really")
    code, _, err = run("query", str(out), "SELECT * FROM points", capsys=capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "points.parquet is missing or damaged" in err and "--resume" in err
    r = run_sweep(f, out, executor="serial", quiet=True, resume=True)
    assert r.chunks_run == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "points.parquet"), points)
    assert len(query(out, "SELECT * FROM points")) == 3


def test_a_directory_in_use_is_refused(tmp_path, capsys):
    """Two runs into one directory at once: the second gets one line and writes nothing."""
    from security_regimes._io import DirectoryLock
    from tests.presentation.test_cli import run

    f = sweep_file(tmp_path)
    out = run_sweep(f, tmp_path / "s", executor="serial", quiet=True).out
    (out / "chunks" / "runs-000002.parquet").unlink()  # something left to resume
    with DirectoryLock(out, "sweep"):
        before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
        code, _, err = run("sweep", str(f), "--out", str(out), "--resume", capsys=capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert f"{out} is in use by another sweep (pid {os.getpid()})" in err
        assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
        calib = tmp_path / "calib"
        calib.mkdir()
        with DirectoryLock(calib, "calibration"), pytest.raises(ValueError, match="in use"):
            from security_regimes.experiments.calibrate import run_calibration

            run_calibration(Path(__file__).parents[2] / "examples" / "calibrate_concert_quick.toml",
                            calib, quiet=True)
        assert [p.name for p in calib.iterdir()] == [".lock"]
    assert run_sweep(f, out, executor="serial", quiet=True, resume=True).chunks_run == 1


def _disk_full_at(name: str):
    """``os.replace`` as on a disk that fills up when ``name`` is written."""
    import errno

    real = os.replace

    def replace(src, dst):
        if Path(dst).name == name:
            raise OSError(errno.ENOSPC, "No space left on device", str(src))
        return real(src, dst)
    return replace


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_a_full_disk_stops_the_sweep_with_what_was_kept(executor, tmp_path, monkeypatch, capsys):
    """ENOSPC (simulated) while a chunk is written: exit 1, one line saying what was kept
    and how to resume, no temporary file left; resuming gives the uninterrupted results."""
    from security_regimes import _io
    from tests.presentation.test_cli import run

    f = sweep_file(tmp_path)
    ref_runs, ref_years = frames(run_sweep(f, tmp_path / "ref", executor="serial",
                                           quiet=True).out)
    out = tmp_path / "s"
    monkeypatch.setattr(_io.os, "replace", _disk_full_at("years-000003.parquet"))
    code, _, err = run("sweep", str(f), "--out", str(out), "--executor", executor,
                       "--workers", "2", "--quiet", capsys=capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "No space left on device" in err and "chunks are finished and kept in" in err
    assert f"free some space, then continue with regimes sweep {f} --out {out} --resume" in err
    assert not [p for p in tmp_path.rglob("*.tmp")]
    monkeypatch.undo()
    run_sweep(f, out, executor="serial", quiet=True, resume=True)
    assert_frames(out, ref_runs, ref_years)


def test_query_limits_rows_and_time(tmp_path, capsys):
    from tests.presentation.test_cli import run

    out = run_sweep(sweep_file(tmp_path), tmp_path / "s", executor="serial", quiet=True).out
    df = query(out, "SELECT * FROM range(5000000)", limit=10)
    assert len(df) == 10 and df.attrs["truncated"]
    assert not query(out, "SELECT * FROM runs", limit=12).attrs["truncated"]
    with pytest.raises(TimeoutError, match="stopped after 0.2 s"):
        query(out, "SELECT count(*) FROM range(100000000000)", timeout=0.2)
    code, text, err = run("query", str(out), "SELECT * FROM range(50000000)", capsys=capsys)
    assert code == 0 and "first 1,000 rows shown" in text and len(text.splitlines()) < 1100
    code, text, _ = run("query", str(out), "SELECT * FROM range(5)", "--csv", capsys=capsys)
    assert text.split() == ["range", "0", "1", "2", "3", "4"]
    code, _, err = run("query", str(out), "SELECT count(*) FROM range(100000000000)",
                       "--timeout", "0.2", capsys=capsys)
    assert code == 1 and err.strip().splitlines() == [
        "error: query: stopped after 0.2 s (--timeout); narrow the query or allow more time"]
    for bad in (["--limit", "-1"], ["--timeout", "-3"], ["--timeout", "nan"]):
        code, _, err = run("query", str(out), "SELECT 1", *bad, capsys=capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1, err


def test_outputs_never_land_in_the_wrong_place(tmp_path, monkeypatch, capsys):
    """``--out ""`` is not the current directory, a sweep's folder is not a simulation's,
    and a report's ``--out`` directory is refused before any work."""
    from tests.presentation.test_cli import run

    out = run_sweep(sweep_file(tmp_path), tmp_path / "s", executor="serial", quiet=True).out
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    for args, msg in [(["simulate", "--years", "3", "--systems", "2", "--out", ""],
                       "Invalid value for '--out': is empty; give a path"),
                      (["simulate", "--years", "3", "--systems", "2", "--out", str(out)],
                       "holds the results of another command (sweep)"),
                      (["report", str(out), "--out", str(tmp_path)], "is a directory"),
                      (["report", str(out), "--out", str(tmp_path / "no" / "r.html")],
                       "no such directory")]:
        code, _, err = run(*args, capsys=capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and msg in err, (args, err)
        assert sorted(tmp_path.rglob("*")) == before, args
