"""``regimes claims``: every headline claim at the default set, with intervals and verdicts."""

import json

import numpy as np
import pandas as pd
import pytest

from security_regimes.experiments.claims import (
    CLAIMS,
    OTHER_CLAIMS,
    claim_verdict,
    claims_markdown,
    contrast_verdict,
    contrasts_markdown,
    difference_interval,
    run_claims,
)
from security_regimes.experiments.contrasts import CONTRASTS, contrast_value, run_contrasts
from tests.presentation.test_cli import run


def test_the_interval_is_paired_where_every_run_has_both_values():
    a, b = np.array([1.0, 2.0, 3.0]), np.zeros(3)
    value, lo, hi, paired = difference_interval(a, b)
    se = np.std([1, 2, 3], ddof=1) / np.sqrt(3)
    assert paired and value == 2.0
    assert lo == pytest.approx(2 - 1.959964 * se) and hi == pytest.approx(2 + 1.959964 * se)
    # a shift common to both sides does not widen a paired interval
    _, lo2, hi2, _ = difference_interval(a + np.array([10, -10, 5]), b + np.array([10, -10, 5]))
    assert (lo2, hi2) == pytest.approx((lo, hi))


def test_missing_values_make_it_welch_on_what_is_defined():
    a, b = np.array([1.0, np.nan, 3.0, 5.0]), np.array([0.0, 1.0, np.nan, 2.0])
    value, lo, hi, paired = difference_interval(a, b)
    assert not paired and value == pytest.approx(3.0 - 1.0)
    se = np.sqrt(np.var([1, 3, 5], ddof=1) / 3 + np.var([0, 1, 2], ddof=1) / 3)
    assert hi - lo == pytest.approx(2 * 1.959964 * se)
    assert np.isnan(difference_interval(np.array([1.0]), np.array([np.nan, 2.0]))[1])


def test_verdicts():
    x = np.array([0.0, 1.0])
    assert contrast_verdict(x, x.copy(), 0.0, 0.0) == "no difference"
    assert contrast_verdict(x, x + 1, 0.1, 0.5) == "holds"
    assert contrast_verdict(x, x + 1, -0.5, -0.1) == "reversed"
    assert contrast_verdict(x, x + 1, -0.1, 0.5) == "unclear"
    assert claim_verdict(["holds", "holds"]) == "reproduces"
    assert claim_verdict(["holds", "unclear"]) == "partly"
    assert claim_verdict(["reversed", "no difference"]) == "does not"


def test_claims_at_the_defaults_follow_from_their_runs():
    res = run_claims(systems=40, seed=3)
    c = res.contrasts.set_index("contrast")
    assert list(c.index) == list(CONTRASTS)
    assert set(res.claims.claim) == set(CLAIMS) | set(OTHER_CLAIMS)
    samples = run_contrasts({}, 40, 3)
    for name, (a, b) in samples.items():
        assert c.loc[name, "value"] == contrast_value(a, b)
        if min(np.isfinite(a).sum(), np.isfinite(b).sum()) < 2:  # no interval (documented)
            assert np.isnan(c.loc[name, "lo"]) and np.isnan(c.loc[name, "hi"]), name
        else:
            assert c.loc[name, "lo"] <= c.loc[name, "value"] <= c.loc[name, "hi"], name
        assert c.loc[name, "verdict"] == contrast_verdict(a, b, c.loc[name, "lo"], c.loc[name, "hi"])
    for row in res.claims[res.claims.claim.isin(list(CLAIMS))].itertuples():
        assert row.verdict == claim_verdict(list(c[c.claim == row.claim].verdict))
    assert res.claims.share_holds.isna().all() and res.contrasts.share_positive.isna().all()
    # The Concert's contrast is the paired twin of `regimes run`: runs without norms minus with.
    from security_regimes.regimes.scenarios import run_scenario

    r = run_scenario("concert_of_europe", seed=3, systems=40)
    direct = (r.counterfactual.summary.wars_per_dyad_year - r.result.summary.wars_per_dyad_year).mean()
    assert c.loc["concert_norms_cut_war_per_pair", "value"] == pytest.approx(direct)
    assert c.loc["concert_norms_cut_war_per_pair", "paired"]
    # The paired effect while bound is regime_effects' mean over the runs in which
    # the norms bind, its twin minus with norms.
    eff = r.regime_effects().set_index("measure")
    assert c.loc["concert_norms_prevent_war_while_bound", "value"] == pytest.approx(
        eff.loc["wars_prevented_per_bound_year", "value"])
    rec = res.record.set_index("statistic")
    assert 0 <= rec.loc["p_joint_record", "with_norms"] <= 1


def _posterior(d):
    d.mkdir()
    pd.DataFrame({"system.first_strike": [-0.4, 0.0, 0.8], "system.transfer": [0.2, 0.4, 0.6],
                  "weight": [0.2, 0.3, 0.5], "generation": [1, 1, 1]}).to_parquet(
        d / "posterior.parquet")
    return d


def test_a_claim_holds_in_no_more_draws_than_each_of_its_contrasts(tmp_path):
    res = run_claims(systems=10, seed=1, posterior=_posterior(tmp_path / "cal"), draws=4,
                     posterior_systems=6)
    assert len(res.draws) == 4
    share = res.contrasts.set_index("contrast").share_positive
    assert share.between(0, 1).all()
    for row in res.claims[res.claims.claim.isin(list(CLAIMS))].itertuples():
        mine = res.contrasts[res.contrasts.claim == row.claim].contrast
        assert row.share_holds <= share[mine].min()
        assert row.share_holds == np.mean((res.draws[list(mine)] > 0).all(axis=1))


def test_the_command_writes_its_tables_and_the_markdown_reads_them(tmp_path, capsys):
    out = tmp_path / "claims"
    code, stdout, err = run("claims", "--systems", "12", "--seed", "2", "--out", str(out),
                            "--json", capsys=capsys)
    assert code == 0, err
    rec = json.loads(stdout)
    assert rec == json.loads((out / "claims.json").read_text())
    assert {c["contrast"] for c in rec["contrasts"]} == set(CONTRASTS)
    assert len(pd.read_csv(out / "contrasts.csv")) == len(CONTRASTS)
    md = claims_markdown(rec)
    for c in rec["claims"]:
        assert c["statement"] in md
        if c["claim"] in CLAIMS:
            assert f"| {c['verdict']} | {c['held']} |" in md
    assert "12 runs per scenario, seed 2" in md


@pytest.mark.parametrize("args, message", [
    (("--posterior", "missing-dir"), "no posterior.parquet"),
    (("--systems", "1"), "--systems"),
    (("--posterior", "CAL", "--draws", "1"), "--draws"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    cal = _posterior(tmp_path / "cal")
    args = [str(cal) if a == "CAL" else str(tmp_path / a) if a == "missing-dir" else a
            for a in args]
    out = tmp_path / "out"
    code, _, err = run("claims", *args, "--out", str(out), capsys=capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_docstring_example_runs():
    import doctest

    import security_regimes.experiments.claims as m

    result = doctest.testmod(m)
    assert result.attempted >= 2 and result.failed == 0


def test_a_claims_contrasts_render_as_one_row_each():
    rec = run_claims(systems=10, seed=1).to_records()
    md = contrasts_markdown(rec, claim="superpowers")
    assert md.count("\n") == 1 + sum(c["claim"] == "superpowers" for c in rec["contrasts"])
    assert "`paradox_fewer_direct_wars`" in md and "`kaplan_survival_above_waltz`" not in md


def _recorded():
    from pathlib import Path

    rec = json.loads((Path(__file__).parents[2] / "docs" / "recorded" / "validation.json")
                     .read_text())
    assert "claims" in rec, "re-run scripts/record_validation.py: the record has no claims"
    return rec["claims"]


def test_the_readmes_claims_block_is_the_record():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "README.md").read_text()
    block = text.split("<!-- claims:begin -->\n", 1)[1].split("\n<!-- claims:end -->", 1)[0]
    assert block == claims_markdown(_recorded())


def test_the_recorded_verdicts_are_what_the_defaults_give_today():
    """A change to the defaults or the mechanisms that moves a verdict makes the
    record (and so the README and the claim pages) stale: re-record it."""
    rec = _recorded()
    fresh = run_claims(systems=rec["systems"], seed=rec["seed"]).to_records()
    assert [(c["contrast"], c["verdict"]) for c in fresh["contrasts"]] == [
        (c["contrast"], c["verdict"]) for c in rec["contrasts"]]
    assert [(c["claim"], c["verdict"]) for c in fresh["claims"]] == [
        (c["claim"], c["verdict"]) for c in rec["claims"]]
