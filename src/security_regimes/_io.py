"""Atomic file writes: a temporary name in the same directory, then a rename.

A reader (or a killed process) never sees half a file under its final name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")  # per-process: no clashes


def write_parquet(table, path: str | Path) -> None:
    """Write a DataFrame or Arrow table to ``path`` atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    tmp = _tmp(path)
    # Plain encoding without statistics writes several times faster and is
    # still read by DuckDB/pandas; whole-column batches, version-2 data pages
    # and one write of the finished file (not one per page) are faster still
    # (benchmarks/bench_sweep.py measures the store's share of a sweep).
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="lz4", use_dictionary=False, write_statistics=False,
                   write_batch_size=1 << 16, data_page_version="2.0")
    with open(tmp, "wb") as f:
        f.write(sink.getvalue())
    os.replace(tmp, path)


def write_text(text: str, path: str | Path) -> None:
    """Write ``text`` to ``path`` atomically."""
    path = Path(path)
    tmp = _tmp(path)
    tmp.write_text(text)
    os.replace(tmp, path)
