"""Usage errors and bad input: one line on stderr, exit status 2, no traceback, no new files."""

import io
import json
from pathlib import Path

import pytest
import typer
from rich.console import Console

from security_regimes import __version__
from security_regimes.presentation import cli
from tests.presentation.test_cli import run

COMMANDS = cli.app_commands()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLICK = typer.main.get_command(cli.app)


def required(name: str) -> list[str]:
    return [p.name for p in CLICK.commands[name].params if p.required]


def one_line_exit_2(code, err):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


def test_every_command_is_listed():
    assert {"sweep", "run", "simulate", "match", "demo", "query", "web"} <= set(COMMANDS)


def test_version(capsys):
    code, out, _ = run("--version", capsys=capsys)
    assert code == 0 and out.strip() == f"security-regimes {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_option(command, capsys):
    code, _, err = run(command, "--bogus", capsys=capsys)
    one_line_exit_2(code, err)
    assert f"regimes {command}: no such option --bogus" in err


@pytest.mark.parametrize("command", [c for c in COMMANDS if required(c)])
def test_missing_argument(command, capsys):
    code, _, err = run(command, capsys=capsys)
    one_line_exit_2(code, err)
    assert f"regimes {command}: missing" in err and f"regimes {command} --help" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_type_after_a_flag(command, capsys):
    """Typer's rich help printed ``<bool>`` after every flag, which takes no value."""
    code, out, _ = run(command, "--help", capsys=capsys)
    assert code == 0 and "--help" in out and "<bool>" not in out


def test_close_option_and_command_are_suggested(capsys):
    code, _, err = run("match", "TFT", "TFT", "--trns", "3", capsys=capsys)
    one_line_exit_2(code, err)
    assert "closest: --turns" in err
    code, _, err = run("smulate", capsys=capsys)
    one_line_exit_2(code, err)
    assert "no such command 'smulate'; closest: simulate" in err
    code, _, err = run("frobnicate", capsys=capsys)
    one_line_exit_2(code, err)


SWEEP = ('base = "concert_of_europe"\nreplicates = 2\nyears = 10\n'
         '[parameters]\n{param}\n')

BAD_SWEEPS = {
    "huge grid": ("".join(f'"system.{k}" = {{ low = 0.0, high = 0.5, steps = 1000 }}\n'
                          for k in ("misperception", "relative_gains", "war_cost", "transfer",
                                    "opportunism")),
                  "the grid has 1,000,000,000,000,000 points"),
    "probability": ('"system.misperception" = { values = [0.1, 7.0] }',
                    "system.misperception must be a number in [0, 1], got 7.0"),
    "huge exclusion": ('"system.exclusion_years" = { values = [1e12] }',
                       "system.exclusion_years"),
    "balancer index": ('"policy.balancer" = { values = [17] }',
                       "policy.balancer must be a power index below 5"),
    "empty values": ('"system.misperception" = { values = [] }', "at least 1 item"),
    "unknown strategy": ('"dyadic" = { values = ["Tit For Tat", "Nonsense"] }',
                         "unknown strategy 'Nonsense'"),
    "unknown parameter": ('"system.misperseption" = { values = [0.1] }',
                          "closest: system.misperception"),
    "rule under waltz": ('"policy.rules.3" = { values = [1.0] }',
                         "Kaplan's rules apply only under policy kaplan"),
    "rule weight": ('"policy.rules.3" = { values = [2.0] }\n"policy.name" = { values = ["kaplan"] }',
                    "policy.rules.3 must be a number in [0, 1], got 2.0"),
    "no points": ('"system.misperception" = { low = 0.1, high = 0.2, steps = 1 }', "steps"),
    "negative event rate": ('"regime.conditions.domestic_rate" = { values = [0.01, -0.02] }',
                            "regime.conditions.domestic_rate must be a number in [0, 1], "
                            "got -0.02"),
    "condition outside [0, 1]": ('"regime.conditions.learning" = { low = 0.0, high = 1.5, '
                                 'steps = 3 }', "regime.conditions.learning must be a number "
                                 "in [0, 1]"),
}

REGIME_SCENARIO = ('name = "x"\ndescription = "d"\nclaim = "c"\nyears = 20\nsystems = 5\n'
                   '[regime.conditions]\n{line}\n')


@pytest.mark.parametrize("line,msg", [
    ('events = [[3, 0, "coup"]]', "entry 0 has the unknown event 'coup'"),
    ('events = [[0, 0, "domestic"]]', "entry 0 has year 0"),
    ('events = [[3, 9, "domestic"]]', "events: powers must be indices in [0, 5)"),
    ("domestic_rate = -0.1", "domestic_rate: must be a number in [0, 1], found -0.1"),
    ("shared_value = 1.2", "shared_value: must be a number in [0, 1], found 1.2"),
    ("shock_rate = 0.7\ndomestic_rate = 0.7", "shock_rate + domestic_rate must be at most 1"),
])
def test_bad_regime_events_and_conditions_write_nothing(line, msg, tmp_path, monkeypatch,
                                                        capsys):
    (tmp_path / "s.toml").write_text(REGIME_SCENARIO.format(line=line))
    no_new_files(tmp_path, monkeypatch, capsys, ["run", "s.toml", "--out", "out"], msg)


def no_new_files(tmp_path, monkeypatch, capsys, args, msg, bad_param=None):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text(SWEEP.format(param=bad_param or ""))
    (tmp_path / "good.toml").write_text(SWEEP.format(
        param='"system.misperception" = { values = [0.1] }'))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, _, err = run(*args, capsys=capsys)
    one_line_exit_2(code, err)
    assert msg in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("kind", list(BAD_SWEEPS))
def test_bad_sweep_file_writes_nothing(kind, tmp_path, monkeypatch, capsys):
    param, msg = BAD_SWEEPS[kind]
    no_new_files(tmp_path, monkeypatch, capsys, ["sweep", "bad.toml", "--out", "out"], msg,
                 bad_param=param)


@pytest.mark.parametrize("args,msg", [
    (["sweep", "good.toml", "--out", "out", "--chunk-size", "0"], "--chunk-size must be"),
    (["sweep", "good.toml", "--out", "out", "--workers", "-1"], "--workers must be"),
    (["sweep", "good.toml", "--out", "out", "--executor", "nope"], "unknown executor 'nope'"),
    (["sweep", "missing.toml", "--out", "out"], "no such file"),
    (["demo", "--systems", "0", "--out", "d"], "--systems must be"),
    (["simulate", "--systems", "10000000"], "would need about"),
    (["simulate", "--years", "1000000000"], "years must be an integer in [1, 10000]"),
    (["match", "TFT", "TFT", "--turns", "1000000000000"], "would need about"),
    (["tournament", "--turns", "100000000"], "would need about"),
    (["run", "concert_of_europe", "--systems", "10000000"], "would need about"),
    (["balance", "--systems", "0"], "--systems must be"),
    (["knobs", "--years", "0"], "--years must be"),
    (["intent", "--powers", "1,5"], "--powers values must be between 2 and 256"),
    (["intent", "--powers", "five"], "--powers expects a range"),
    (["balance", "--out", "good.toml"], "is not a directory"),
    (["run", "concert_of_europe", "--core", "bargain", "--out", "out"],
     "unknown decision core"),
    (["dilemmas", "--core", "bargain"], "unknown decision core"),
    (["tournament", "--repetitions", "100000000000"], "would need about"),
    (["simulate", "--states", ""], "--states is empty"),
    (["simulate", "--capabilities", " "], "--capabilities is empty"),
    (["simulate", "--states", "UKG,FRN", "--capabilities", "1,2"], "give one"),
    (["sweep", "good.toml", "--out", "out", "--address", "tcp://127.0.0.1:1"],
     "add --executor dask"),
    (["calibrate", str(EXAMPLES / "calibrate_concert_quick.toml"), "--out", "out",
      "--address", "tcp://127.0.0.1:1"], "add --executor dask"),
    (["schelling", "--powers", "100000000"], "--powers must be an integer in [2, 256]"),
    (["web", "--host", "not a host!"], "--host 'not a host!' is not an address"),
    (["web", "--results", "missing"], "--results missing: no such directory"),
    (["web", "--results", "good.toml"], "--results good.toml: no such directory"),
    (["identify", str(EXAMPLES / "calibrate_concert_quick.toml"), "--systems", "0"],
     "--systems must be an integer >= 1"),
    (["simulate", "--out", ""], "Invalid value for '--out': is empty; give a path"),
    (["sweep", "good.toml", "--out", " "], "Invalid value for '--out': is empty"),
    (["run", "concert_of_europe", "--out", ""], "is empty; give a path"),
])
def test_bad_input_writes_nothing(args, msg, tmp_path, monkeypatch, capsys):
    no_new_files(tmp_path, monkeypatch, capsys, args, msg)


def test_query_refuses_writes_and_empty_sql(tmp_path, capsys):
    from security_regimes.experiments.store import run_sweep

    f = tmp_path / "s.toml"
    f.write_text(SWEEP.format(param='"system.misperception" = { values = [0.1] }'))
    out = run_sweep(f, tmp_path / "res", executor="serial", quiet=True).out
    for sql in ("", f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'"):
        code, _, err = run("query", str(out), sql, capsys=capsys)
        one_line_exit_2(code, err)
    assert not (tmp_path / "x.csv").exists()


def test_tables_are_never_cut_in_80_columns(monkeypatch, capsys):
    buf = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(width=80, file=buf, color_system=None))
    code, _, _ = run("balance", "--systems", "20", "--years", "20", "--powers", "3,4",
                     capsys=capsys)
    assert code == 0
    text = buf.getvalue()
    assert "…" not in text
    code, out, _ = run("balance", "--systems", "20", "--years", "20", "--powers", "3,4",
                       "--json", capsys=capsys)
    rows = json.loads(out)["outcomes"]
    for r in rows:  # every number is shown whole, as the JSON gives it
        assert f"{r['essential_survival_hi']:.3f}" in text
        assert r["policy"] in text
    assert max(len(line) for line in text.splitlines()) > 80


def test_intent_json(capsys):
    code, out, _ = run("intent", "--systems", "4", "--years", "5", "--powers", "3,4", "--json",
                       capsys=capsys)
    rows = json.loads(out)
    assert code == 0 and {r["n_powers"] for r in rows} == {3, 4}
    assert {"far_survival", "kaplan_sparing", "kaplan_like", "far_autonomy"} <= set(rows[0])
    code, _, err = run("intent", "--systems", "4", "--years", "5", "--core", "firststrike",
                       capsys=capsys)
    assert code == 2 and "--core" in err and len(err.strip().splitlines()) == 1


def test_knobs_json(capsys):
    code, out, _ = run("knobs", "--systems", "5", "--years", "5", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["systems"] == 5
    assert {r["knob"] for r in data["knobs"]} == {"competitiveness", "unforgivingness",
                                                  "uncertainty", "all"}
    assert {"formed", "formed_lo", "regime_years", "cooperation", "conflict_hi"} <= set(
        data["knobs"][0])


def test_an_explicit_seed_wins_over_the_files(tmp_path, capsys):
    code, toml, _ = run("scenarios", "--export", "waltz_balance", capsys=capsys)
    f = tmp_path / "w.toml"
    f.write_text(toml.replace("years = ", "seed = 5\nyears = ", 1))
    seeds = []
    for extra in ([], ["--seed", "0"], ["--seed", "9"]):
        code, out, _ = run("run", str(f), "--systems", "3", "--years", "5", "--json", *extra,
                           capsys=capsys)
        assert code == 0
        seeds.append(json.loads(out)["seed"])
    assert seeds == [5, 0, 9]


def test_demo_error_keeps_the_previous_demo(tmp_path, monkeypatch):
    from security_regimes.presentation import demo

    out = tmp_path / "demo"
    out.mkdir()
    (out / "manifest.json").write_text('{"kind": "demo"}')
    (out / "kept.csv").write_text("x\n1\n")

    def boom(work, *a):
        (work / "half.csv").write_text("x\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "_run", boom)
    with pytest.raises(KeyboardInterrupt):
        demo.run_demo(out, systems=10)
    assert sorted(p.name for p in out.iterdir()) == ["kept.csv", "manifest.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]  # no partial directory left


def test_scenario_names_are_never_wrapped(monkeypatch, capsys):
    from security_regimes.regimes.scenarios import builtin_scenarios

    buf = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(width=20, file=buf, color_system=None))
    code, _, _ = run("scenarios", capsys=capsys)
    lines = buf.getvalue().splitlines()
    for name in builtin_scenarios():
        assert name in lines, name  # whole, on its own line, in a 20-column terminal


@pytest.mark.parametrize("listing,key", [("scenarios", "claim"), ("strategies", "memory_depth")])
def test_every_listing_has_json(listing, key, capsys):
    code, out, _ = run(listing, "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and len(data) >= 10 and key in data[0]


SCENARIO = '''name = "bad"
description = "a bad crisis scenario"
claim = "none"
years = 120
systems = 4

[system]
core = "crisis"
{line}
'''


@pytest.mark.parametrize("line,msg", [
    ("discount_factor = 1.0", "system.discount_factor: must be a number in [0, 1), found 1.0"),
    ("discount_factor = -0.1", "system.discount_factor: must be a number in [0, 1)"),
    ("stakes = -0.5", "system.stakes: must be a number in (0, 10], found -0.5"),
    ("audience_cost = -0.1", "system.audience_cost: must be a number in [0, 1]"),
    ("resolve_spread = 2.0", "system.resolve_spread: must be a number in [0, 1]"),
    ("core = 'bargain'", "unknown decision core"),
])
def test_bad_crisis_settings_in_a_file_write_nothing(line, msg, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = SCENARIO.format(line=line)
    if line.startswith("core"):
        text = text.replace('core = "crisis"\n', "")
    (tmp_path / "bad.toml").write_text(text)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, _, err = run("run", "bad.toml", "--out", "out", capsys=capsys)
    one_line_exit_2(code, err)
    assert msg in err and "bad.toml" in err, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_an_unknown_crisis_outcome_in_a_sweep_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text(
        'base = "concert_of_europe"\noutcomes = ["crisis_wars_share"]\n'
        '[parameters]\n"system.discount_factor" = { values = [0.5, 0.9] }\n')
    code, _, err = run("sweep", "bad.toml", "--out", "out", capsys=capsys)
    one_line_exit_2(code, err)
    assert "unknown outcome 'crisis_wars_share'" in err
    assert not (tmp_path / "out").exists()


def test_no_outcomes_a_deep_file_and_a_long_name_write_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.toml").write_text(SWEEP.replace("replicates", 'outcomes = []\nreplicates')
                                         .format(param='"system.misperception" = { values = [0.1] }'))
    (tmp_path / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for args, msg in ((["sweep", "empty.toml", "--out", "out"], "outcomes: List should have at least 1"),
                      (["run", "deep.toml", "--out", "out"], "nested too deeply"),
                      (["run", "x" * 5000 + ".toml", "--out", "out"], "File name too long")):
        code, _, err = run(*args, capsys=capsys)
        one_line_exit_2(code, err)
        assert msg in err, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_a_scenario_name_of_100000_characters_is_refused_at_once(tmp_path, monkeypatch, capsys):
    """A huge name took 88 s to print a 5 x 5 run; now the file is refused, in one short line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "long.toml").write_text(f'name = "{"x" * 100_000}"\nyears = 5\nsystems = 5\n')
    code, _, err = run("run", "long.toml", "--out", "out", capsys=capsys)
    one_line_exit_2(code, err)
    assert "name: must be a text of at most 1,000 characters, got 100,000 characters" in err
    assert len(err) < 300 and not (tmp_path / "out").exists()


def test_a_missing_likelihood_ratio_is_explained():
    import numpy as np
    import pandas as pd

    h = pd.DataFrame({"statistic": ["p_no_war_1816_1852", "p_all_alive_1914", "first_war_p50"],
                      "likelihood_ratio": [np.nan, 2.0, np.nan]})
    h.attrs["runs"] = 200
    note = cli._likelihood_note(h)
    assert note.startswith("likelihood_ratio is undefined (nan) for p_no_war_1816_1852: the "
                           "record has probability 0 with and without the norms (0 of 200 runs)")
    assert cli._likelihood_note(h.iloc[1:]) == ""


@pytest.mark.parametrize("change, message", [
    (("cow_year = 1816", "cow_year = 1700"), "system.cow_year: must be an integer in [1816, 2016]"),
    (('"HSG"', '"XXX"'), "not COW system members in 1816: XXX"),
    (('"HSG"', '"ROK"'), "not COW system members in 1816: ROK"),
    (("gradient = 0.5", "gradient = -1"), "system.gradient: must be a number in [0, 10], found -1"),
    (('geography = "capitals"', 'geography = "map"'),
     "system.geography: unknown geography 'map'; expected one of: 'none', 'capitals', 'grid'"),
    (("entry_rate = 0.0", "entry_rate = 0.3"),
     "entrants, entry_rate and exit_rate apply to membership = 'drawn', not 'closed'"),
    (("exit_rate = 0.0", "exit_rate = 0.1"),
     "entrants, entry_rate and exit_rate apply to membership = 'drawn', not 'closed'"),
    (("alliance_persistence = 0.0", "alliance_persistence = 1.5"),
     "system.alliance_persistence: must be a number in [0, 1], found 1.5"),
    (('membership = "closed"', 'membership = "drawn"'),
     "membership = 'drawn': entrants must be an integer in [1, "),
])
def test_a_bad_state_system_file_gets_one_line_and_writes_nothing(change, message, tmp_path,
                                                                 capsys):
    from security_regimes.regimes.scenarios import get_scenario
    from security_regimes.regimes.writer import scenario_toml

    text = scenario_toml(get_scenario("state_system_1816"))
    assert change[0] in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(change[0], change[1], 1))
    code, _, err = run("run", str(path), "--systems", "2", "--out", str(tmp_path / "out"),
                       capsys=capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_more_states_than_memory_allows_gets_one_line(tmp_path, capsys):
    code, _, err = run("run", "state_system_1816", "--systems", "100000000", "--out",
                       str(tmp_path / "out"), capsys=capsys)
    assert code == 2 and "would need about" in err and "use fewer systems" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()
