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


def test_simulate_writes_parquet(tmp_path, capsys):
    code, out, _ = run("simulate", "--policy", "waltz", "--years", "20", "--systems", "10",
                       "--seed", "1", "--out", str(tmp_path), "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["powers"] == ["UKG", "RUS", "FRN", "AUH", "GMY"]
    import pandas as pd

    years = pd.read_parquet(tmp_path / "years.parquet")
    assert len(years) == 200 and "war_size" in years.columns


def test_run_scenario_json(tmp_path, capsys):
    code, out, _ = run("run", "kaplan_balance", "--systems", "5", "--years", "20", "--json",
                       "--out", str(tmp_path), capsys=capsys)
    assert code == 0
    outcomes = {o["outcome"]: o for o in json.loads(out)["outcomes"]}
    assert "regime_autonomy" in outcomes and "cooperation_rate" in outcomes
    assert (tmp_path / "runs.parquet").exists()


@pytest.mark.parametrize(
    "args,msg",
    [(["simulate", "--policy", "hobbes"], "unknown balance-of-power policy 'hobbes'"),
     (["simulate", "--capabilities", "1"], "a system needs 2 to 256 powers, got 1"),
     (["simulate", "--capabilities", "1,-1"], "capabilities must be a list of positive numbers"),
     (["simulate", "--rule", "7=1"], "rules: unknown key 7"),
     (["simulate", "--rule", "3=2"], "rules.3 must be a number in [0, 1], got 2.0"),
     (["simulate", "--cow-year", "1700"], "COW year must be an integer in [1816, 2016]"),
     (["run", "concert"], "unknown scenario 'concert'"),
     (["balance", "--powers", "1-3"], "--powers values must be between 2 and 256")],
)
def test_system_bad_input(args, msg, capsys):
    code, out, err = run(*args, capsys=capsys)
    assert code == 2 and msg in err and "Traceback" not in err


def test_plot_sweep_outcome(tmp_path, capsys):
    from security_regimes.experiments.store import run_sweep

    sweep = tmp_path / "s.toml"
    sweep.write_text('base = "kaplan_balance"\nseed = 1\nreplicates = 2\nyears = 10\n'
                     'outcomes = ["essential_survival"]\n'
                     '[parameters]\n"policy.rules.3" = { values = [0.0, 1.0] }\n')
    run_sweep(sweep, tmp_path / "out", executor="serial", quiet=True)
    code, out, err = run("plot", str(tmp_path / "out"), "--outcome", "essential_survival",
                         "--x", "policy.rules.3", "--out", str(tmp_path / "fig"), capsys=capsys)
    assert code == 0 and (tmp_path / "fig.png").exists() and (tmp_path / "fig.svg").exists()
    code, out, err = run("plot", str(tmp_path / "out"), "--outcome", "joy", "--x", "policy.rules.3",
                         capsys=capsys)
    assert code == 2 and "no column 'joy'" in err


def test_tables_print_bracketed_names_as_text():
    """Column names such as rho[system.transfer] are not swallowed as rich markup."""
    import pandas as pd
    from rich.console import Console

    from security_regimes.presentation.cli import _df_table

    df = pd.DataFrame({"rho[system.transfer]": [0.5], "name": ["[bold]x"]})
    console = Console(record=True, width=200)
    console.print(_df_table(df, title="title [x]"))
    out = console.export_text()
    assert "rho[system.transfer]" in out and "[bold]x" in out and "title [x]" in out


def test_dilemmas_lists_every_ordered_pair(capsys):
    code, out, _ = run("dilemmas", "concert_of_europe", "--core", "crisis", "--json",
                       capsys=capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["core"] == "crisis" and len(payload["pairs"]) == 20
    games = {p["game"] for p in payload["pairs"]}
    assert games <= {"prisoners_dilemma", "stag_hunt", "chicken", "deadlock", "harmony", "other"}
    assert all(p["dilemma"] == (p["game"] in ("prisoners_dilemma", "stag_hunt", "chicken"))
               for p in payload["pairs"])
    code, out, _ = run("dilemmas", "concert_of_europe", capsys=capsys)
    assert code == 0 and "crisis core" in out  # the default core
    code, out, _ = run("dilemmas", "concert_of_europe", "--core", "first_strike", capsys=capsys)
    assert code == 0 and "first_strike core" in out


def test_run_prints_the_second_eras_record(capsys):
    code, out, err = run("run", "cold_war", "--systems", "5", "--json", capsys=capsys)
    assert code == 0, err
    rows = {r["statistic"]: r for r in json.loads(out)["cold_war"]}
    assert rows["wars_1946_1968"]["observed"] == 1 and len(rows) == 6
