import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from security_regimes.experiments.store import run_sweep
from security_regimes.presentation.report import write_report
from security_regimes.regimes.scenarios import run_scenario

CLI = [sys.executable, "-m", "security_regimes.presentation.cli"]


def _check_self_contained(html: str):
    assert html.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in html
    # Nothing is fetched from elsewhere: no external src/href.
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_scenario_report(tmp_path):
    r = run_scenario("concert_of_europe", seed=2, systems=20, years=100)
    r.to_parquet(tmp_path / "c", run_seconds=1.5)
    path = write_report(tmp_path / "c")
    html = path.read_text()
    _check_self_contained(html)
    assert "regime_autonomy" in html and "Crimean" in html  # the claim names it
    assert "[regime.conditions]" in html  # the scenario file
    assert "0.1.0" in html and ">2<" in html  # version and seed
    assert html.count("<img") >= 3
    assert "Map snapshots" not in html and not (tmp_path / "c" / "map.parquet").exists()


def test_scenario_report_draws_the_map_of_a_geography(tmp_path):
    r = run_scenario("state_system_1816", seed=1, systems=5, years=30)
    r.to_parquet(tmp_path / "s")
    html = write_report(tmp_path / "s").read_text()
    _check_self_contained(html)
    assert "Map snapshots" in html and "The map: each state" in html


def test_sweep_report(tmp_path):
    sweep = tmp_path / "s.toml"
    sweep.write_text('base = "kaplan_balance"\nseed = 4\nreplicates = 3\nyears = 20\n'
                     'outcomes = ["essential_survival"]\n'
                     '[parameters]\n"policy.rules.3" = { values = [0.0, 0.5, 1.0] }\n')
    run_sweep(sweep, tmp_path / "out", executor="serial", quiet=True)
    r = subprocess.run([*CLI, "report", str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "out" / "report.html").read_text()
    _check_self_contained(html)
    assert "policy.rules.3" in html and "replicates = 3" in html


@pytest.mark.parametrize("setup,msg", [
    (lambda d: None, "no such results directory"),
    (lambda d: d.mkdir(), "is not a results directory (no manifest.json)"),
    (lambda d: (d.mkdir(), (d / "manifest.json").write_text("{")), "not valid JSON"),
    (lambda d: (d.mkdir(), (d / "manifest.json").write_text(json.dumps({"kind": "x"}))),
     "unknown results kind 'x'"),
])
def test_report_bad_directory_one_line(tmp_path, setup, msg):
    d = tmp_path / "d"
    setup(d)
    r = subprocess.run([*CLI, "report", str(d)], capture_output=True, text=True)
    assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_web_port_validation():
    r = subprocess.run([*CLI, "web", "--port", "70000"], capture_output=True, text=True)
    assert r.returncode == 2 and "--port must be in [1, 65535]" in r.stderr


def test_demo_report_links_to_the_docs(tmp_path):
    from security_regimes.presentation import report

    (tmp_path / "manifest.json").write_text('{"kind": "demo", "seed": 1}')
    text = report.write_report(tmp_path).read_text()
    label, where = report.docs_location()
    rel = Path(os.path.relpath(where, tmp_path)).as_posix()
    assert f'<a href="{rel}">' in text and not rel.startswith("/")  # relative to the report
    assert rel.endswith(("site/index.html", "docs/index.md"))
    assert (tmp_path / rel).resolve() == where.resolve()


def test_a_report_has_contents_and_formats_each_column():
    from security_regimes.presentation.report import Html, column_format

    assert column_format(pd.Series([0.1234, 1.0, 0.0])) == "{:.3f}"
    assert column_format(pd.Series([3.0, 12.0, np.nan])) == "{:,.0f}"
    assert column_format(pd.Series([6525.5, 130000.2])) == "{:,.0f}"
    assert column_format(pd.Series([-0.5, 2.25])) == "{:.4g}"
    doc = Html("t")
    doc.h2("First")
    doc.table(pd.DataFrame({"share": [0.12345, 0.5], "deaths": [130000.0, 6525.0],
                            "x": [-1.23456, 2.0], "name": ["a", "b"]}),
              formats={"x": "{:.1f}"})
    doc.h2("Second")
    page = doc.render({})
    assert '<a href="#s1">First</a>' in page and '<h2 id="s2">Second</h2>' in page
    for cell in ("0.123", "130,000", "-1.2", "6,525"):
        assert f"<td>{cell}</td>" in page
