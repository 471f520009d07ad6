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
