"""War-size tails with the powerlaw package (Clauset, Shalizi and Newman 2009)."""

import json

import numpy as np
import pytest

from security_regimes.experiments.powerlaw import csn_fit, war_size_tails

pytest.importorskip("powerlaw", reason="the tails extra (make test installs it)")


def test_csn_fit_recovers_a_pareto_tail_and_prefers_it_to_an_exponential():
    rng = np.random.default_rng(1)
    x = (1 - rng.random(3000)) ** (-1 / 1.5)  # Pareto, alpha = 2.5, xmin = 1
    f = csn_fit(x)
    assert abs(f["alpha"] - 2.5) < 4 * f["sigma"] + 0.05
    assert f["R_exponential"] > 0 and f["p_exponential"] < 0.05
    e = csn_fit(rng.exponential(size=3000))
    assert e["R_exponential"] < 0  # an exponential is not a power law
    with pytest.raises(ValueError, match="at least 10"):
        csn_fit([1.0, 2.0, np.nan])


def test_war_size_tails_has_cow_and_each_scenario():
    df = war_size_tails(["waltz_balance"], systems=60, years=100, seed=2)
    assert list(df.source) == ["waltz_balance", "COW inter-state wars"]
    cow = df.iloc[-1]
    assert cow.n > 80 and 1.2 < cow.alpha < 2.0  # battle deaths: alpha about 1.5


def test_tails_cli(tmp_path, capsys):
    from tests.presentation.test_cli import run

    code, out, err = run("tails", "--scenarios", "waltz_balance", "--systems", "40", "--years",
                         "100", "--json", "--out", str(tmp_path / "t"), capsys=capsys)
    assert code == 0, err
    assert {r["source"] for r in json.loads(out)["tails"]} == {"waltz_balance",
                                                               "COW inter-state wars"}
    assert (tmp_path / "t" / "tails.csv").is_file()
    code, _, err = run("tails", "--scenarios", "nope", capsys=capsys)
    assert code == 2 and "unknown scenario 'nope'" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("tails", "--scenarios", " , ", capsys=capsys)
    assert code == 2 and "--scenarios: expected scenario names" in err
    assert len(err.strip().splitlines()) == 1


def test_a_scenario_too_peaceful_for_a_tail_gets_no_fit():
    from security_regimes.experiments.powerlaw import FIT_KEYS, MIN_SIZES, csn_fit_or_none

    few = csn_fit_or_none([0.1] * (MIN_SIZES - 1) + [0.0, np.nan])
    assert few["n"] == MIN_SIZES - 1 and set(few) == set(FIT_KEYS)
    assert all(np.isnan(few[k]) for k in FIT_KEYS if k != "n")
    rng = np.random.default_rng(1)
    enough = csn_fit_or_none(rng.pareto(1.5, 300) + 1)
    assert enough["n"] == 300 and enough["alpha"] > 1 and set(enough) == set(FIT_KEYS)
