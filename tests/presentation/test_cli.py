import json
import subprocess
import sys

import pytest

from security_regimes.presentation.cli import main


def run(*args, capsys):
    sys_argv = sys.argv
    sys.argv = ["regimes", *args]
    try:
        with pytest.raises(SystemExit) as exc:
            main()
            raise SystemExit(0)
    finally:
        sys.argv = sys_argv
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_match_table(capsys):
    code, out, _ = run("match", "Tit For Tat", "Defector", "--turns", "10", capsys=capsys)
    assert code == 0
    assert "CDDDDDDDDD" in out and "DDDDDDDDDD" in out


def test_match_json(capsys):
    code, out, _ = run("match", "tft", "alternator", "--turns", "4", "--json", capsys=capsys)
    data = json.loads(out)
    assert data["moves"] == ["CCDC", "CDCD"]
    assert data["scores"] == [8.0, 13.0]  # CC 3+3, CD 0+5, DC 5+0, CD 0+5


def test_tournament_json(capsys):
    code, out, _ = run("tournament", "-s", "TFT", "-s", "Defector", "--turns", "5",
                       "--repetitions", "2", "--json", capsys=capsys)
    assert code == 0
    assert json.loads(out)["ranking"] == ["Defector", "Tit For Tat"]


@pytest.mark.parametrize(
    "args,msg",
    [(["match", "Tit For Tatt", "Defector"], "unknown strategy 'Tit For Tatt'; closest: 'Tit For Tat'"),
     (["match", "TFT", "TFT", "--turns", "0"], "turns must be an integer >= 1"),
     (["match", "TFT", "TFT", "--noise", "2"], "noise must be a probability in [0, 1]"),
     (["tournament", "--repetitions", "0"], "repetitions must be an integer >= 1")],
)
def test_bad_input_one_line_exit_2(args, msg, capsys):
    code, out, err = run(*args, capsys=capsys)
    assert code == 2
    assert msg in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_console_script_installed():
    r = subprocess.run([sys.executable, "-m", "security_regimes.presentation.cli", "match", "TFT",
                        "nonsense"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("error: unknown strategy")
