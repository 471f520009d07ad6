"""The public API exports the real functions, with their signatures and docstrings."""

import doctest
import inspect
import os
import subprocess
import sys

import pytest

import security_regimes as sr


def test_lazy_exports_are_the_real_functions():
    from security_regimes.experiments.store import load
    from security_regimes.regimes.scenarios import run_scenario
    from security_regimes.system.simulate import simulate

    assert sr.simulate is simulate and sr.run_scenario is run_scenario and sr.load is load
    params = inspect.signature(sr.simulate).parameters
    assert list(params)[:5] == ["system", "years", "policy", "systems", "seed"]
    assert "Parameters\n    ----------" in sr.simulate.__doc__
    assert "Returns\n    -------" in sr.run_scenario.__doc__
    assert set(sr.__all__) <= set(dir(sr))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        sr.simulat  # noqa: B018


def test_docstring_examples_run():
    import security_regimes.regimes.scenarios as m

    result = doctest.testmod(m)
    assert result.attempted >= 2 and result.failed == 0


def test_license_and_citation_match_the_package():
    import tomllib
    from pathlib import Path

    root = Path(__file__).parents[1]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    meta = pyproject["project"]
    assert meta["license"] == "MIT"
    assert (root / "LICENSE").read_text().startswith("MIT License")
    cff = (root / "CITATION.cff").read_text()
    assert "cff-version: 1.2.0" in cff
    # The version is written once, in _version.py, which the build reads.
    assert meta["dynamic"] == ["version"]
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "security_regimes._version.__version__"
    from importlib.metadata import version

    assert f'version: "{sr.__version__}"' in cff and version("security-regimes") == sr.__version__
    assert "license: MIT" in cff and "Security Regimes" in cff


@pytest.mark.slow
def test_pip_install_without_extras_then_version_and_demo(tmp_path):
    """`pip install .` into a clean venv: the CLI and the demo work without the extras."""
    from pathlib import Path

    root = Path(__file__).parents[1]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/pip"), "install", "-q", str(root)], check=True)
    r = subprocess.run([str(venv / "bin/regimes"), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("security-regimes ")
    r = subprocess.run([str(venv / "bin/regimes"), "demo", "--systems", "30", "--out",
                        str(tmp_path / "demo")], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "demo" / "report.html").is_file()


def test_a_missing_extra_is_named_in_one_line(monkeypatch):
    import importlib.util

    from security_regimes._validation import require_extra

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyabc" else real(name, *a))
    with pytest.raises(ImportError, match=r"^this needs pyabc: pip install "
                                          r"'security-regimes\[calibrate\]'$"):
        require_extra("pyabc", "calibrate")
    monkeypatch.setattr(importlib.util, "find_spec", real)
    import json

    assert require_extra("json", "none") is json  # present: the module itself


def test_without_numba_the_package_says_so_in_one_line(tmp_path):
    # numba is a normal dependency; if it cannot import, the first compiled
    # call fails with one line saying what to do, not a traceback.
    (tmp_path / "numba.py").write_text('raise ImportError("No module named numba (test)")\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "security_regimes.presentation.cli", "simulate",
                        "--systems", "5", "--years", "5"], capture_output=True, text=True,
                       env=env, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr == ("error: security-regimes needs numba for its compiled kernels (No module "
                        "named numba (test)); reinstall with: pip install security-regimes\n")
