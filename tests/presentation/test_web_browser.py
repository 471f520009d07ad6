"""The web explorer in a real headless Chromium (Debian's chromium package)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from security_regimes.experiments.store import run_sweep
from security_regimes.regimes.scenarios import get_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "results" / "test-artifacts"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    assert CHROMIUM, "chromium is not installed (the Makefile installs Debian's chromium)"
    root = tmp_path_factory.mktemp("results")
    sweep = root / "sweep.toml"
    sweep.write_text('base = "kaplan_balance"\nseed = 1\nreplicates = 3\nyears = 20\n'
                     'chunk_size = 10\noutcomes = ["essential_survival", "war_frequency"]\n'
                     '[parameters]\n"policy.rules.3" = { values = [0.0, 1.0] }\n')
    run_sweep(sweep, root / "rule3", executor="serial", quiet=True)
    two = root / "two.toml"
    two.write_text('base = "kaplan_balance"\nseed = 1\nreplicates = 2\nyears = 10\n'
                   'chunk_size = 10\noutcomes = ["war_frequency"]\n[parameters]\n'
                   '"policy.rules.3" = { values = [0.0, 1.0] }\n'
                   '"system.misperception" = { values = [0.0, 0.1, 0.2] }\n')
    run_sweep(two, root / "two-params", executor="serial", quiet=True)
    for name in ("x-nopoints", "x-noparsed"):  # damaged in other ways: one message each
        shutil.copytree(root / "rule3", root / name)
    (root / "x-nopoints" / "points.parquet").unlink()
    manifest = root / "x-noparsed" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"parsed"', '"unparsed"'))
    (root / "broken").mkdir()
    (root / "broken" / "manifest.json").write_text('{"kind": "sweep", truncated')
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "security_regimes.presentation.cli", "web",
                             "--port", str(port), "--results", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the explorer did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        yield b
        b.close()


def test_run_scenario_through_the_page(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/?scenario=kaplan_balance&systems=20&years=30&seed=3")
    page.get_by_role("button", name="Run").click()
    table = page.locator('[data-testid="stTable"]').first
    table.wait_for(timeout=60_000)
    page.locator('[data-testid="stMain"] img').first.wait_for(timeout=60_000)
    text = table.inner_text()
    # The page shows what the library computes for the same scenario and seed.
    expected = get_scenario("kaplan_balance").run(seed=3, systems=20, years=30).outcomes()
    row = expected.set_index("outcome")
    assert "n/a" in text and "•" not in text  # no autonomy without norms: shown as n/a
    for outcome in ("regime_autonomy", "essential_survival", "war_frequency"):
        assert outcome in text
        assert f"{row.loc[outcome, 'mean']:.3f}" in text, outcome
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Figures render one after another: wait for the second before counting.
    page.locator('[data-testid="stMain"] img').nth(1).wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "web_scenario.png"), full_page=True)
    assert len(page.locator('[data-testid="stMain"] img').all()) >= 2
    page.close()


def test_the_regimes_effects_are_shown_beside_the_outcomes(server, browser):
    """Where the scenario has a regime the page shows its regime_effects table
    (the paired effect against the identical-seed twin, the tested share,
    tenure, autonomy), the library's values for the same seed; without one,
    none."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/?scenario=concert_of_europe&systems=20&years=30&seed=4&run=1")
    page.get_by_text("What the regime does while in force").wait_for(timeout=60_000)
    table = page.locator('[data-testid="stTable"]').nth(1)
    table.wait_for(timeout=60_000)
    text = table.inner_text()
    eff = get_scenario("concert_of_europe").run(seed=4, systems=20, years=30).regime_effects()
    eff = eff.set_index("measure")
    for measure in ("wars_prevented_per_bound_year", "tested_share", "tenure",
                    "regime_autonomy"):
        assert measure in text, measure
        value = eff.loc[measure, "value"]
        assert ("n/a" if value != value else f"{value:.3f}") in text, measure
    page.goto(f"{server}/?scenario=kaplan_balance&systems=10&years=20&seed=4&run=1")
    page.locator('[data-testid="stTable"]').first.wait_for(timeout=60_000)
    page.locator('[data-testid="stMain"] img').first.wait_for(timeout=60_000)
    assert page.get_by_text("What the regime does while in force").count() == 0
    page.close()


def test_browse_a_sweep(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{server}/?mode=sweep")
    page.locator('[data-testid="stMain"] img').first.wait_for(timeout=60_000)
    text = page.locator('[data-testid="stTable"]').first.inner_text()
    assert "policy.rules.3" in text
    page.screenshot(path=str(ARTIFACTS / "web_sweep.png"), full_page=True)
    page.close()


def test_bad_request_keeps_serving(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?scenario=../../etc/passwd&systems=abc&seed=-5")
    page.get_by_role("button", name="Run").wait_for(timeout=60_000)
    # An unknown scenario falls back to the default; nothing is read from the path.
    page.locator("h3", has_text="concert_of_europe").first.wait_for(timeout=30_000)
    assert "root:" not in page.content()
    page.close()
    assert urllib.request.urlopen(server + "/_stcore/health", timeout=5).status == 200


def test_unknown_outcome_and_sweep_get_a_message(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?mode=sweep&outcome=happiness")
    page.get_by_text("This outcome is not available").wait_for(timeout=60_000)
    page.get_by_text("requested: happiness").wait_for(timeout=60_000)
    page.goto(f"{server}/?mode=sweep&sweep=..%2F..%2Fetc")
    page.get_by_text("No sweep by that name").wait_for(timeout=60_000)
    page.get_by_text("requested: ../../etc").wait_for(timeout=60_000)
    page.close()


def test_crafted_text_is_shown_as_plain_text(server, browser):
    page = browser.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if r.url.startswith("http://example.")
            else None)
    crafted = "[click](http://example.invalid/x) ![x](http://example.invalid/i.png)"
    page.goto(f"{server}/?mode=sweep&sweep={urllib.parse.quote(crafted)}"
              f"&outcome={urllib.parse.quote('**bold** <b>x</b>')}")
    page.get_by_text("requested: [click](http://example.invalid/x)").wait_for(timeout=60_000)
    page.get_by_text("requested: **bold** <b>x</b>").wait_for(timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('a[href*="example.invalid"]').count() == 0
    assert main.locator('img[src*="example.invalid"]').count() == 0
    assert not outside, outside
    page.close()


def test_a_damaged_manifest_is_skipped_with_a_message(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?mode=sweep")
    page.get_by_text("damaged manifest.json: broken").wait_for(timeout=60_000)
    page.locator('[data-testid="stMain"] img').first.wait_for(timeout=60_000)  # rule3 still shown
    assert "Traceback" not in page.content()
    page.close()
    assert urllib.request.urlopen(server + "/_stcore/health", timeout=5).status == 200


@pytest.mark.parametrize(("sweep", "message"), [
    ("x-nopoints", "points.parquet is missing or damaged"),
    ("x-noparsed", "lacks its parsed sweep file")])
def test_a_sweep_missing_a_part_gets_a_message(sweep, message, server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?mode=sweep&sweep={sweep}")
    page.get_by_text(message).wait_for(timeout=60_000)
    assert "Traceback" not in page.content()
    page.close()
    assert urllib.request.urlopen(server + "/_stcore/health", timeout=5).status == 200


def test_history_slider_changes_the_network_and_the_curves(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/?scenario=concert_of_europe&systems=20&years=40&seed=1&run=1")
    page.get_by_text("One system as it unfolds").wait_for(timeout=60_000)
    r = get_scenario("concert_of_europe").run(seed=1, systems=20, years=40)

    def caption(label):
        return page.get_by_text(f"{label}:").first.inner_text()

    def images():
        page.locator('[data-testid="stMain"] img').nth(2).wait_for(timeout=60_000)
        return [i.get_attribute("src") for i in page.locator('[data-testid="stMain"] img').all()]

    def expected(res, year):
        al = res.alliances()
        return f"{1815 + year}, {int(((al.system == 0) & (al.year == year)).sum())} alliance(s)"

    assert expected(r.result, 1) in caption("with norms")
    assert expected(r.counterfactual, 1) in caption("without norms (same seed)")
    before = images()
    slider = page.locator('[data-testid="stMain"] input[type="range"][aria-label="year"]')
    slider.focus()
    slider.press("End")  # the last year
    page.get_by_text("with norms: 1855").wait_for(timeout=60_000)
    page.get_by_text("without norms (same seed): 1855").wait_for(timeout=60_000)
    for _ in range(120):  # both columns redraw their figure for the new year
        after = images()
        if after[-2] != before[-2] and after[-1] != before[-1]:
            break
        page.wait_for_timeout(250)
    assert expected(r.result, 40) in caption("with norms")
    assert expected(r.counterfactual, 40) in caption("without norms (same seed)")
    assert after[-2] != before[-2] and after[-1] != before[-1], "a figure did not change"
    assert after[0] == before[0]  # the timeline of all runs does not depend on the year
    page.screenshot(path=str(ARTIFACTS / "web_history.png"), full_page=True)
    page.close()


def test_a_scenario_with_a_geography_draws_its_map(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 3200})
    page.goto(f"{server}/?scenario=state_system_1816&systems=10&years=20&seed=1&run=1")
    page.get_by_text("One system as it unfolds").wait_for(timeout=90_000)
    page.get_by_text("map of 1816").first.wait_for(timeout=90_000)
    page.locator('[data-testid="stMain"] img').nth(2).wait_for(timeout=60_000)
    # no regime: one column (timeline, the run's network, its map), not "without norms"
    assert len(page.locator('[data-testid="stMain"] img').all()) >= 3
    assert page.get_by_text("without norms").count() == 0
    page.screenshot(path=str(ARTIFACTS / "web_map.png"), full_page=True)
    page.close()


def test_play_step_and_reset_advance_the_model_and_its_plots(server, browser):
    """Issue 29: the explorer steps the model, SolaraViz-style: Step adds a year, Play
    advances on a clock until Pause, Reset goes back to the first year, and the
    client-side curves and the network follow."""
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/?scenario=concert_of_europe&systems=20&years=40&seed=1&run=1")
    page.get_by_text("One system as it unfolds").wait_for(timeout=60_000)
    page.get_by_text("with norms: 1816").wait_for(timeout=60_000)
    main = page.locator('[data-testid="stMain"]')

    def shown_year() -> int:
        text = page.get_by_text("with norms:").first.inner_text()
        return int(text.split(":")[1].split(",")[0])

    def curves() -> bytes:
        chart = main.locator('[data-testid="stVegaLiteChart"]').first
        chart.wait_for(timeout=60_000)
        page.wait_for_timeout(500)  # let Vega draw
        return chart.screenshot()

    def wait_year(test, what):
        for _ in range(240):
            if test(shown_year()):
                return
            page.wait_for_timeout(250)
        raise AssertionError(f"{what}: the page shows {shown_year()}")

    first = curves()
    page.get_by_role("button", name="Step").click()
    wait_year(lambda y: y == 1817, "Step")
    assert curves() != first, "the curves did not change with the step"
    page.get_by_role("button", name="Play").click()
    wait_year(lambda y: y >= 1820, "Play")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused = shown_year()
    page.wait_for_timeout(2000)
    assert shown_year() == paused, "the clock kept running after Pause"
    page.get_by_role("button", name="Reset").click()
    wait_year(lambda y: y == 1816, "Reset")
    page.screenshot(path=str(ARTIFACTS / "web_play.png"), full_page=True)
    page.close()


def test_sweep_mode_says_what_it_pools_over(server, browser):
    """Issue 29: with two swept parameters the page names the one it averages over."""
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{server}/?mode=sweep&sweep=two-params")
    page.get_by_text("Pooled over system.misperception").wait_for(timeout=60_000)
    text = page.locator('[data-testid="stTable"]').first.inner_text()
    assert "policy.rules.3" in text and "6" in text  # 3 misperceptions x 2 replicates a value
    page.close()


def test_the_regimes_norms_are_controls(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/?scenario=concert_of_europe&systems=20&years=30&seed=2"
              "&norm_restraint=0&norm_collective=0&run=1")
    table = page.locator('[data-testid="stTable"]').first
    table.wait_for(timeout=60_000)
    text = table.inner_text()
    scn = get_scenario("concert_of_europe")
    weak = replace(scn, regime=scn.regime.with_norms(restraint=0.0, collective=0.0))
    got = weak.run(seed=2, systems=20, years=30).outcomes().set_index("outcome")
    full = scn.run(seed=2, systems=20, years=30).outcomes().set_index("outcome")
    shown = [o for o in ("cooperation_rate", "war_frequency", "regime_autonomy")
             if f"{got.loc[o, 'mean']:.3f}" != f"{full.loc[o, 'mean']:.3f}"]
    assert shown, "the norms change nothing here: the test could not fail"
    for outcome in shown:  # the page ran the weakened norms, not the scenario's own
        assert f"{got.loc[outcome, 'mean']:.3f}" in text, outcome
    page.get_by_text("the regime's norms").click()
    slider = page.locator('input[type="range"][aria-label="norm: restraint"]')
    slider.first.wait_for(state="attached", timeout=60_000)  # the expander renders after the click
    assert slider.count() == 1
    assert page.get_by_text("norm: collective").count() == 1
    page.close()
