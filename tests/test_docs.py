"""The documentation site builds with --strict (broken references and failing examples fail)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("mkdocs is not installed: `make test` installs the docs extra")
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict",
                        "--site-dir", str(out)], cwd=ROOT, capture_output=True, text=True,
                       env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
                            "HOME": str(out)})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out


def test_every_page_is_built(site):
    for page in ("index.html", "theory/index.html", "api/index.html", "cli/index.html",
                 "examples/index.html", "claims/concert/index.html",
                 "claims/superpowers/index.html"):
        assert (site / page).is_file(), page


def test_examples_ran_and_references_resolved(site):
    index = (site / "index.html").read_text()
    assert "essential survival 0." in index  # printed by the executed snippet
    api = (site / "api/index.html").read_text()
    assert "estimate_bytes" in api and "record_alliances" in api
    cli = (site / "cli/index.html").read_text()
    assert "regimes sweep --help" in cli and "Usage: regimes sweep" in cli
    from security_regimes.presentation.cli import app_commands

    for name in app_commands():  # one section per command, in the page's contents
        assert re.search(rf'<h2 id="[^"]*regimes-{name}">regimes {name}\b', cli), name
    assert "Traceback" not in "".join(p.read_text() for p in site.rglob("*.html"))
    # Formulas are typeset (arithmatex marks them for MathJax), not code.
    theory = (site / "theory/index.html").read_text()
    assert '<span class="arithmatex">\\(p = A^k / (A^k + D^k)\\)</span>' in theory
    assert (site / "javascripts/mathjax.js").is_file()


def test_every_public_name_is_in_the_api_reference(site):
    """Every name of ``security_regimes.__all__`` has an entry (a heading whose id
    ends in the name) or is named in code on the API page, and no literal Sphinx
    role (``:func:`` ...) is left anywhere on the site."""
    import security_regimes as sr

    api = (site / "api/index.html").read_text()
    missing = [n for n in sr.__all__
               if not re.search(rf'id="[\w.]*\.{re.escape(n)}"|<code>security_regimes\.'
                                rf'{re.escape(n)}</code>', api)]
    assert not missing, missing
    pages = "".join(p.read_text() for p in site.rglob("*.html"))
    assert not re.search(r":(?:func|class|meth|mod|attr|data|obj|exc):`", pages)


def test_the_tutorial_notebook_ran_when_the_site_was_built(site):
    """Issue 29: a notebook sweeps a custom strategy from Python, plots it and
    exports it to xarray, executed at build time (the stored one has no outputs)."""
    import json

    stored = json.loads((ROOT / "docs/tutorials/first_experiment.ipynb").read_text())
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert code and not any(c.get("outputs") for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "class ForgivingGrudger(sr.Strategy)" in source and "sr.sweep(" in source
    page = (site / "tutorials/first_experiment/index.html").read_text()
    assert "SweepData: 4 points" in page and "xarray.Dataset" in page
    assert page.count("data:image/png") >= 2  # the run's plot and the sweep's
    assert (site / "tutorials/first_experiment/first_experiment.ipynb").is_file()  # download


def test_the_regimes_tutorial_ran_when_the_site_was_built(site):
    """Issue 29: the second notebook runs a regime experiment, a PRIM discovery and a
    calibration that it reads back, executed at build time."""
    import json

    stored = json.loads((ROOT / "docs/tutorials/regimes_discovery_calibration.ipynb").read_text())
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert code and not any(c.get("outputs") for c in code)
    page = (site / "tutorials/regimes_discovery_calibration/index.html").read_text()
    for printed in ("ScenarioResult", "Discovery (PRIM)", "CalibrationResult",
                    "posterior medians", "inside 90% (holdout)"):
        assert printed in page, printed
    assert page.count("data:image/png") >= 2  # the restraints plot and the posterior


def test_a_broken_example_fails_the_build(tmp_path):
    """--strict is what makes the previous tests meaningful: a failing snippet is an error."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text('```python exec="on"\nraise RuntimeError("boom")\n```\n')
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - markdown-exec\n"
                                         "markdown_extensions:\n  - pymdownx.superfences\n")
    r = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode != 0


#: Every page of the site: its results are computed when the site is built (or,
#: for the calibrations, rendered from the file a documented script writes), so
#: outside code (fenced blocks that run, and `inline code` for settings and inputs)
#: it holds no decimal number or percentage that could go stale (issue 26).
GENERATED = tuple(sorted(str(p.relative_to(ROOT / "docs"))
                         for p in (ROOT / "docs").rglob("*.md")))


def hand_numbers(text: str) -> list[str]:
    import re

    prose = re.sub(r"<!-- recorded:.*?<!-- /recorded -->", "", text, flags=re.S)
    prose = re.sub(r"```.*?```", "", prose, flags=re.S)
    prose = re.sub(r"`[^`]*`", "", prose)
    prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
    return re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])|(?<![\w.])\d+(?:\.\d+)?%", prose)


def test_results_pages_hold_no_hand_copied_numbers():
    assert {"theory.md", "validation.md", "crisis.md", "claims/concert.md"} <= set(GENERATED)
    found = {p: hand_numbers((ROOT / "docs" / p).read_text()) for p in GENERATED}
    assert not any(found.values()), {p: v for p, v in found.items() if v}


RECORDED = re.compile(r"<!-- recorded: (.*?) -->(.*?)<!-- /recorded -->", re.S)


def test_recorded_results_name_their_command_and_date():
    """A result too slow for the docs build (a calibration) is kept as a recorded block:
    the scan skips it, and it must say which command produced it and when."""
    for p in GENERATED:
        for head, body in RECORDED.findall((ROOT / "docs" / p).read_text()):
            assert re.search(r"regimes \w+ .*\d{4}-\d{2}-\d{2}", head), (p, head)
            assert re.search(r"\d{4}-\d{2}-\d{2}", body), (p, "the date must be in the text")


def test_recorded_calibrations_say_when_and_how_they_were_made():
    """validation.md renders the calibrations from docs/recorded/validation.json, which
    scripts/record_validation.py writes: the file names its date, commit and script."""
    import json

    rec = json.loads((ROOT / "docs" / "recorded" / "validation.json").read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rec["date"]) and rec["commit"]
    assert rec["script"].startswith("python scripts/record_validation.py")
    assert (ROOT / "scripts" / "record_validation.py").is_file()
    for run in ("concert", "base"):
        assert rec[run]["ppc"] and rec[run]["posterior"] and rec[run]["evaluated"] > 0
    assert "docs/recorded/validation.json" in (ROOT / "docs" / "validation.md").read_text()
    # The crisis core's fit, likewise (scripts/record_crisis.py -> docs/crisis.md).
    crisis = json.loads((ROOT / "docs" / "recorded" / "crisis.json").read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", crisis["date"]) and crisis["commit"]
    assert crisis["script"] == "python scripts/record_crisis.py"
    assert crisis["fit"]["posterior"] and crisis["run"]["history"] and crisis["run"]["crises"]
    assert "docs/recorded/crisis.json" in (ROOT / "docs" / "crisis.md").read_text()


def test_the_scan_finds_a_hand_copied_number():
    assert hand_numbers("survival is 0.55 with ten powers, 12% of runs") == ["0.55", "12%"]
    assert hand_numbers("the setting `0.05`, and\n```\nprint(0.3)\n```\nyear 1853") == []
    assert hand_numbers("<!-- recorded: regimes x, 2026-01-01 -->\n0.5 on 2026-01-01\n<!-- /recorded -->") == []


def test_no_heading_names_a_tracker_issue():
    found = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        fenced = False
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
            elif not fenced and line.startswith("#") and re.search(r"\b[Ii]ssue \d+", line):
                found.append(f"{path.name}:{n}: {line}")
    assert not found, found
