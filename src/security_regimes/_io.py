"""Atomic file writes: a temporary name in the same directory, then a rename.

A reader (or a killed process) never sees half a file under its final name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")  # per-process: no clashes


def write_parquet(table, path: str | Path, metadata: dict[str, str] | None = None) -> None:
    """Write a DataFrame or Arrow table to ``path`` atomically; ``metadata``
    goes into the file's key-value metadata (read back without the data)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               **{k.encode(): v.encode()
                                                  for k, v in metadata.items()}})
    tmp = _tmp(path)
    # Plain encoding without statistics writes several times faster and is
    # still read by DuckDB/pandas; whole-column batches, version-2 data pages
    # and one write of the finished file (not one per page) are faster still
    # (benchmarks/bench_sweep.py measures the store's share of a sweep).
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="lz4", use_dictionary=False, write_statistics=False,
                   write_batch_size=1 << 16, data_page_version="2.0")
    _write(tmp, path, lambda f: f.write(sink.getvalue()), "wb")


def write_text(text: str, path: str | Path) -> None:
    """Write ``text`` to ``path`` atomically."""
    path = Path(path)
    _write(_tmp(path), path, lambda f: f.write(text), "w")


def _write(tmp: Path, path: Path, fill, mode: str) -> None:
    """Fill ``tmp`` and rename it to ``path``; on any failure (a full disk,
    Ctrl-C) the temporary file is removed, so nothing is left behind."""
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory; give a file name", str(path))
    try:
        with open(tmp, mode) as f:
            fill(f)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def results_kind(directory: str | Path) -> str | None:
    """The ``kind`` a results directory's ``manifest.json`` names (sweep,
    scenario, calibration, demo), or None without one or if it is unreadable."""
    import json

    try:
        return json.loads((Path(directory) / "manifest.json").read_text()).get("kind")
    except (ValueError, AttributeError, OSError):  # JSON and Unicode errors are ValueErrors
        return None


LOCK_NAME = ".lock"


class DirectoryLock:
    """An exclusive lock on a results directory while a run writes into it.

    A second sweep or calibration into the same directory (two ``--resume``
    at once) is refused with one line naming the process that holds it,
    instead of both writing the same files.  The lock is an ``flock`` on
    ``DIR/.lock``, released when the run ends, however it ends (the kernel
    drops it when a killed process exits, so a stale file never blocks).
    Where ``fcntl`` is missing (Windows) the lock is a no-op.
    """

    def __init__(self, directory: str | Path, what: str = "run"):
        self.path = Path(directory) / LOCK_NAME
        self.what = what
        self._fd = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise ValueError(f"{self.path.parent} is in use by another {self.what}{who}; wait "
                             "for it to end or choose another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc):
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd = None
        return False


def json_records(df: pd.DataFrame) -> list[dict]:
    """Rows of ``df`` as dicts with NaN as None (valid JSON)."""
    return df.astype(object).where(df.notna(), None).to_dict("records")

