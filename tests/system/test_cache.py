"""The numba cache guard: a change to any source of the compiled year clears its cache."""

from security_regimes.system import cache


def test_a_changed_source_removes_the_cached_functions(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "cache_dirs", lambda: [tmp_path])
    stale = [tmp_path / "phases.decide-361.py311.nbi", tmp_path / "kernel.year-54.py311.1.nbc"]
    other = tmp_path / "strategies.play-12.py311.nbi"  # another module's cache stays
    for f in (*stale, other):
        f.write_bytes(b"stale")
    (tmp_path / cache.STAMP).write_text("a digest of other sources")
    assert cache.guard()
    assert not any(f.exists() for f in stale) and other.exists()
    assert (tmp_path / cache.STAMP).read_text() == cache.digest()
    # Unchanged sources: the cache is kept.
    stale[0].write_bytes(b"fresh")
    assert not cache.guard() and stale[0].exists()


def test_the_digest_covers_every_source_the_phases_import():
    import ast
    from pathlib import Path

    phases = Path(cache.__file__).with_name("phases.py")
    local = {f"{n.module}.py" for n in ast.walk(ast.parse(phases.read_text()))
             if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module}
    assert local <= set(cache.SOURCES)
