"""A guard on numba's on-disk cache of the compiled year.

Numba keys each cached function on its own source file's time stamp.  The
phases read names and constants from other files (``layout.py``'s index
constants and parameter record, ``model.py``'s constants, ``war.py``), so a
change to one of those alone left a stale cache: numba loaded it (silently
wrong, or failing to unpickle a type that no longer exists).
:func:`guard` keeps a digest of every source file of the compiled year next
to the cache and, when it changes, removes the cached functions of this
package's compiled modules so that they compile afresh.  It runs once, when
:mod:`~security_regimes.system.phases` is imported.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent
#: The files the compiled year is built from.
SOURCES = ("cache.py", "layout.py", "model.py", "phases.py", "war.py", "kernel.py",
           "../engine/kernels.py", "../engine/libm.py")
#: The modules whose compiled functions numba caches (``<module>.<function>-<line>...``).
COMPILED = ("phases", "kernel", "war", "model")
STAMP = "compiled-year.sha256"


def digest() -> str:
    h = hashlib.sha256()
    for name in SOURCES:
        h.update(name.encode())
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()


def cache_dirs() -> list[Path]:
    """Where numba keeps this directory's cache: ``__pycache__`` beside the sources,
    or the mirror of this directory under ``NUMBA_CACHE_DIR``."""
    dirs = [_HERE / "__pycache__"]
    root = os.environ.get("NUMBA_CACHE_DIR")
    if root:
        dirs.append(Path(root) / _HERE.relative_to(_HERE.anchor))
    return dirs


def guard() -> bool:
    """Remove the stale cached functions if the sources changed; True if it removed any."""
    try:
        current = digest()
    except OSError:  # sources not readable as files (a zip import): nothing to guard
        return False
    removed = False
    for d in cache_dirs():
        stamp = d / STAMP
        try:
            if stamp.read_text() == current:
                continue
        except OSError:
            pass
        if not d.is_dir():
            continue
        for f in d.iterdir():
            if f.suffix in (".nbi", ".nbc") and f.name.split(".")[0] in COMPILED:
                try:
                    f.unlink()
                    removed = True
                except OSError:
                    pass
        try:
            stamp.write_text(current)
        except OSError:  # a read-only install: numba keeps its cache elsewhere
            pass
    return removed
