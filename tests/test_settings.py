"""The bounds test: every setting is valid in Python exactly when it is valid in a file,
a sweep, a calibration prior and an EMA range; the command line refuses in one line.

For every numeric field of every settings class (``System``, ``Policy``,
``Regime``, ``Conditions``, ``Scenario``) the smallest and the largest valid
value and a value just outside each bound are tried in each entry point;
flags, choices and tables of weights likewise.  The constraint tables are
read (not copied), so a new row is tested as soon as it exists.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from security_regimes._settings import DEFAULT_SEED, Setting, settings_markdown, table_of
from security_regimes._tables import MAX_POWERS
from security_regimes.experiments.files import load_sweep_file
from security_regimes.experiments.parameters import apply_point, settings
from security_regimes.experiments.sweep import check_points, design_points
from security_regimes.regimes.files import load_scenario_file
from security_regimes.regimes.regime import Conditions, Regime
from security_regimes.regimes.scenarios import Scenario
from security_regimes.regimes.writer import scenario_to_dict, to_toml
from security_regimes.system import Policy, System
from tests.presentation.test_cli import run

N_POWERS = MAX_POWERS  # every power index a Policy accepts names a power of the base
BASE = Scenario(name="base", system=System(capabilities=(1.0,) * N_POWERS),
                policy=Policy("kaplan"), regime=Regime(), start_year=1816, years=5, systems=2)
CLASSES = {"system": System, "policy": Policy, "regime": Regime,
           "regime.conditions": Conditions, "": Scenario}


def _values(row: Setting):
    """(value, valid) pairs at and just beyond the setting's bounds."""
    if row.kind in ("number", "integer"):
        out = [(row.smallest(), True), (row.largest(), True)]
        step = 1 if row.kind == "integer" else None
        below = row.low if row.open_low else (row.low - step if step else
                                              math.nextafter(row.low, -math.inf))
        above = row.high if row.open_high else (row.high + step if step else
                                                math.nextafter(row.high, math.inf))
        out += [(below, False), (above, False)]
        if row.kind == "integer":
            out.append((row.smallest() + 0.5, False))
        out.append((float("nan") if row.kind == "number" else "1", False))
        return out
    if row.kind == "flag":
        return [(True, True), (False, True), (1, False)]
    if row.kind == "choice":
        return [(c, True) for c in row.choices] + [("nonesuch", False)]
    return []


def _cases():
    for prefix, cls in CLASSES.items():
        for row in table_of(cls):
            if row.kind == "weights":
                for key in row.choices:
                    sub = row.element(key)
                    for v, ok in _values(sub):
                        yield pytest.param(prefix, row.name, key, v, ok,
                                           id=f"{prefix}.{row.name}.{key}={v!r}")
            for v, ok in _values(row):
                yield pytest.param(prefix, row.name, None, v, ok,
                                   id=f"{prefix + '.' if prefix else ''}{row.name}={v!r}")


def _python(prefix, name, key, value) -> Scenario:
    """The base scenario with the value set, built in Python."""
    value = {key: value} if key is not None else value
    if prefix == "":
        return replace(BASE, **{name: value})
    if prefix == "regime.conditions":
        return replace(BASE, regime=replace(BASE.regime,
                                            conditions=replace(BASE.regime.conditions,
                                                               **{name: value})))
    obj = getattr(BASE, prefix)
    if prefix == "policy" and name == "name" and value != "kaplan":
        return replace(BASE, policy=Policy(value))
    return replace(BASE, **{prefix: replace(obj, **{name: value})})


def _file_data(prefix, name, key, value) -> dict:
    d = scenario_to_dict(BASE)
    if prefix == "policy" and name == "name" and value != "kaplan":
        d["policy"]["rules"] = {}
    node = d
    for part in prefix.split(".") if prefix else []:
        node = node[part]
    if key is not None:
        node[name] = {key: value}
    else:
        node[name] = value
    return d


def _toml_scalar_ok(value) -> bool:
    return not (isinstance(value, float) and math.isnan(value))  # TOML: nan is written too


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _accepts(call) -> bool:
    try:
        call()
    except ValueError as e:
        assert "\n" not in str(e), str(e)
        return False
    return True


#: Values valid only with other settings, which the base does not have: refused
#: alike in every entry point.  growth = "record" follows the COW record of the
#: system's powers, and the base's 30 equal powers are not from COW
#: (tests/system/test_record_growth.py runs it on a system that is).
#: A named policy's traits are fixed (the base's is kaplan): another value of one
#: needs policy custom.
NEEDS_MORE = {("system", "growth", "record"), ("system", "geography", "capitals"),
              ("system", "membership", "record"), ("policy", "internal_rules", False),
              ("policy", "manual_balancer", True), ("policy", "spares_future_allies", True),
              ("system", "membership", "drawn")}
#: The three entry settings need each other: membership = "drawn" needs
#: entrants >= 1, and entrants, entry_rate or exit_rate other than 0 need membership =
#: "drawn", which the base (closed) does not have.
ENTRY = {"entrants", "entry_rate", "exit_rate"}


def _needs_more(prefix, name, value) -> bool:
    if (prefix, name, value) in NEEDS_MORE:
        return True
    return prefix == "system" and name in ENTRY and value != 0


@pytest.mark.parametrize("prefix,name,key,value,valid", list(_cases()))
def test_python_file_sweep_prior_agree(prefix, name, key, value, valid, tmp_path):
    valid = valid and not _needs_more(prefix, name, value)
    # Python
    assert _accepts(lambda: _python(prefix, name, key, value)) is valid
    # a scenario file
    f = tmp_path / "scenario.toml"
    text = to_toml(_file_data(prefix, name, key, value)) if _toml_scalar_ok(value) else \
        to_toml(_file_data(prefix, name, key, 123.456)).replace("123.456", "nan", 1)
    f.write_text(text)
    assert _accepts(lambda: load_scenario_file(f)) is valid, text
    path = f"{prefix + '.' if prefix else ''}{name}" + (f".{key}" if key is not None else "")
    rows = settings(BASE)
    if path not in rows:
        return  # not a parameter a sweep or a calibration varies
    # a sweep value
    (tmp_path / "base.toml").write_text(to_toml(scenario_to_dict(BASE)))
    sweep = tmp_path / "sweep.toml"
    shown = to_toml({"v": value})[4:].strip() if _toml_scalar_ok(value) else "nan"
    sweep.write_text(f'base = "base.toml"\nreplicates = 1\n\n[parameters."{path}"]\n'
                     f"values = [{shown}]\n")

    def swept():
        model, scn = load_sweep_file(sweep)
        check_points(scn, design_points(model, scn), 5)

    assert _accepts(swept) is valid, sweep.read_text()
    # a calibration prior whose support ends at the value (numeric settings only)
    row = rows[path]
    if not row.numeric or isinstance(value, str) or (isinstance(value, float) and
                                                      (math.isnan(value) or
                                                       not float(value).is_integer() and
                                                       row.kind == "integer")):
        return
    lo, hi = (value, row.largest()) if value <= row.smallest() else (row.smallest(), value)
    if not lo < hi:
        lo, hi = (value, value + 1) if value <= row.smallest() else (value - 1, value)
    # a range is valid when both ends are (each end is a value of the base)
    valid = valid and not _needs_more(prefix, name, hi)
    # an EMA Workbench range
    if _has("ema_workbench"):
        from security_regimes.experiments.ema import model

        assert _accepts(lambda: model(BASE, uncertainties={path: (lo, hi)}, levers={})) is valid
    # a calibration prior
    pytest.importorskip("pyabc")
    from security_regimes.experiments.calibrate import load_calibration_file

    cal = tmp_path / "cal.toml"
    cal.write_text(f'scenario = "base.toml"\n\n[parameters."{path}"]\nprior = "uniform"\n'
                   f"low = {lo!r}\nhigh = {hi!r}\n")
    assert _accepts(lambda: load_calibration_file(cal)) is valid, cal.read_text()


def test_sweep_values_equal_python_values():
    """A point of a sweep builds the scenario Python builds from the same values."""
    point = {"system.decisiveness": 20.0, "system.exclusion_years": 1000,
             "policy.rules.3": 0.0, "regime.norms.restraint": 1.0,
             "regime.conditions.half_life": 1e6}
    scn = apply_point(BASE, point)
    assert scn.system.decisiveness == 20.0 and scn.system.exclusion_years == 1000
    assert scn.policy.rules[3] == 0.0 and scn.regime.conditions.half_life == 1e6
    with pytest.raises(ValueError, match=r"decisiveness must be a number in \(0, 20\], got 50"):
        apply_point(BASE, {"system.decisiveness": 50})


def test_a_sweep_keeps_a_custom_policys_rule_weights():
    """A point that changes a trait setting or one rule keeps the policy's other
    weights whenever the policy has internal rules (not only for kaplan), and
    drops them when the point names a policy without them."""
    custom = Policy("custom", internal_rules=True, rules={2: 0.25, 3: 0.5},
                    manual_balancer=True, balancer=1)
    scn = BASE.with_parts(BASE.system, custom, BASE.regime, BASE.dyadic)
    got = apply_point(scn, {"policy.rules.3": 0.0})
    assert dict(got.policy.rules) == {2: 0.25, 3: 0.0} and got.policy.manual_balancer
    got = apply_point(scn, {"policy.balancer": 2})
    assert dict(got.policy.rules) == {2: 0.25, 3: 0.5} and got.policy.balancer == 2
    kaplan = BASE.with_parts(BASE.system, Policy("kaplan", rules={3: 0.5}), BASE.regime,
                             BASE.dyadic)
    got = apply_point(kaplan, {"policy.name": "waltz"})
    assert dict(got.policy.rules) == {} and not got.policy.traits["internal_rules"]


def test_every_field_has_one_row_and_every_row_a_field():
    for cls in CLASSES.values():
        table_of(cls)  # raises on a field without a row or a row without a field


def test_one_seed_default_everywhere():
    import inspect

    from security_regimes import simulate, tournament
    from security_regimes.engine.play import match
    from security_regimes.experiments.calibrate import CalibrationModel
    from security_regimes.experiments.files import SweepModel
    from security_regimes.presentation import cli

    for fn in (simulate, tournament, match, Scenario.run, Scenario.simulate):
        assert inspect.signature(fn).parameters["seed"].default == DEFAULT_SEED, fn
    assert SweepModel.model_fields["seed"].default == DEFAULT_SEED
    assert CalibrationModel.model_fields["seed"].default == DEFAULT_SEED
    import typer

    click = typer.main.get_command(cli.app)
    seen = 0
    for name, command in click.commands.items():
        for p in command.params:
            if p.name == "seed" and name != "run":  # run: the file's seed, else the default
                assert p.default == DEFAULT_SEED, name
                seen += 1
    assert seen >= 5


def test_settings_page_lists_every_row():
    for prefix, cls in CLASSES.items():
        text = settings_markdown(cls, f"{prefix}." if prefix else "")
        for row in cls.SETTINGS:
            assert f"`{prefix + '.' if prefix else ''}{row.name}`" in text


@pytest.mark.parametrize("section,name,value", [
    ("system", "decisiveness", 50), ("system", "first_strike", -1.0),
    ("regime.conditions", "half_life", 0), ("policy", "discount", 1.0),
])
def test_cli_refuses_in_one_line_and_writes_nothing(section, name, value, tmp_path,
                                                    monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    bad = replace(BASE, regime=Regime())
    d = scenario_to_dict(bad)
    node = d
    for part in section.split("."):
        node = node[part]
    node[name] = value
    (tmp_path / "bad.toml").write_text(to_toml(d))
    (tmp_path / "base.toml").write_text(to_toml(scenario_to_dict(BASE)))
    (tmp_path / "sweep.toml").write_text(
        f'base = "base.toml"\n\n[parameters."{section}.{name}"]\nvalues = [{value!r}]\n')
    commands = [("run", "bad.toml", "--out", "out_run"),
                ("sweep", "sweep.toml", "--out", "out_sweep")]
    try:
        import pyabc  # noqa: F401

        (tmp_path / "cal.toml").write_text(
            f'scenario = "base.toml"\n\n[parameters."{section}.{name}"]\nprior = "uniform"\n'
            f"low = {value!r}\nhigh = {value + 1!r}\n")
        commands.append(("calibrate", "cal.toml", "--out", "out_cal"))
    except ImportError:
        pass
    for args in commands:
        code, _, err = run(*args, capsys=capsys)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (args, err)
        assert name in lines[0]
        assert not (tmp_path / args[-1]).exists(), args


def test_regimes_run_without_a_seed_uses_the_default(capsys):
    import json

    code, out, _ = run("run", "waltz_balance", "--systems", "2", "--years", "2", "--json",
                       capsys=capsys)
    assert code == 0 and json.loads(out)["seed"] == DEFAULT_SEED
