from security_regimes._progress import Progress


def test_plain_lines_on_a_pipe(capsys):
    p = Progress(10, every=0.0, label="simulate", unit="system-years")
    p.advance(4)
    p.advance(6)
    p.close()
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("simulate: 4/10 system-years")
    assert lines[-1].startswith("simulate: 10/10 system-years")


def test_short_jobs_print_nothing(capsys):
    p = Progress(10, every=60.0, label="run", unit="system-years")
    p.advance(10)
    p.close()
    assert capsys.readouterr().err == ""


def test_a_notebook_gets_the_live_bar(monkeypatch):
    """In Jupyter stderr is no terminal, yet rich can draw a live bar in the cell
    (with ipywidgets; without it, plain lines)."""
    import importlib.util

    import rich.console

    from security_regimes import _progress

    assert not _progress._interactive()  # pytest's captured stderr, no notebook
    monkeypatch.setattr(rich.console, "_is_jupyter", lambda: True)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipywidgets" else real(name, *a))
    assert not _progress._interactive()
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "ipywidgets" else real(name, *a))
    assert _progress._interactive()
    monkeypatch.undo()  # the bar itself, drawn where _interactive() says it can be
    monkeypatch.setattr(_progress, "_interactive", lambda: True)
    p = Progress(10, label="sweep", unit="runs")
    assert p.bar is not None
    p.advance(10)
    p.close()
