"""Do the headline contrasts survive the posterior?  Sweeps over calibrated parameters.

Each contrast is a difference that ``docs/theory.md`` reports from the
default parameters, signed so that a positive value is the direction
reported there (and, where Jervis makes the claim, the direction he argues).
For each of ``draws`` parameter vectors drawn from a calibration's final
ABC-SMC generation, the calibrated ``system.*`` values replace the defaults
in every scenario involved (one parameter set for all scenarios), except the
settings that define a scenario (``Scenario.defines``: the economic
scenario keeps its transfer of 0.1 and no misperception, each offence world
its own transfer, first strike and misperception), the
scenarios run on common random numbers, and each contrast is measured.
The result says under what share of the posterior each contrast holds, and
which parameters move it across zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._settings import DEFAULT_SEED
from ..regimes.scenarios import get_scenario, paradox_wars


def _mean(scn, systems, seed, counterfactual=False):
    r = scn.run(seed=seed, systems=systems, counterfactual=counterfactual)
    return r.result.summary, (r.counterfactual.summary if counterfactual else None)


def _with(name: str, system_kw: dict):
    return get_scenario(name).with_calibrated(system_kw)


def _direct_wars(scn, systems, seed, nuclear: bool):
    wars = paradox_wars(scn, systems, scn.years, seed, nuclear)
    return float(wars["superpower_wars"].mean()), float(wars["periphery_wars"].mean())


def _security_vs_economic(kw, systems, seed):
    s, _ = _mean(_with("security", kw), systems, seed)
    e, _ = _mean(_with("economic", kw), systems, seed)
    return float(np.nanmean(s.regime_autonomy) - np.nanmean(e.regime_autonomy))


def _concert_norms(kw, systems, seed):
    s, cf = _mean(_with("concert_of_europe", kw), systems, seed, counterfactual=True)
    return float(np.nanmean(cf.wars_per_dyad_year) - np.nanmean(s.wars_per_dyad_year))


def _kaplan_vs_waltz(kw, systems, seed):
    k, _ = _mean(_with("kaplan_balance", kw), systems, seed)
    w, _ = _mean(_with("waltz_balance", kw), systems, seed)
    return float(k.continuous_survival.mean() - w.continuous_survival.mean())


def _paradox(kw, systems, seed):
    scn = _with("superpower_bipolar", kw)
    nd, npw = _direct_wars(scn, systems, seed, True)
    cd, cpw = _direct_wars(scn, systems, seed, False)
    return cd - nd, npw - cpw


def _distinguishability(kw, systems, seed):
    d, _ = _mean(_with("world_offense_distinguishable", kw), systems, seed)
    i, _ = _mean(_with("world_offense_indistinguishable", kw), systems, seed)
    return float(d.essential_survival.mean() - i.essential_survival.mean())


def _superpowers_vs_concert(kw, systems, seed):
    c, _ = _mean(_with("concert_of_europe", kw), systems, seed)
    s, _ = _mean(_with("superpower_bipolar", kw), systems, seed)
    return float(np.nanmean(c.regime_autonomy) - np.nanmean(s.regime_autonomy))


#: name -> (what a positive value means, function(system_kw, systems, seed)).
CONTRASTS = {
    "security_autonomy_above_economic": (
        "regime autonomy is higher in `security` than in `economic`", _security_vs_economic),
    "concert_norms_cut_war_per_pair": (
        "the Concert's norms lower wars per pair-year (paired run without norms minus with)",
        _concert_norms),
    "kaplan_survival_above_waltz": (
        "Kaplan's rules raise continuous survival above Waltz's self-help", _kaplan_vs_waltz),
    "paradox_fewer_direct_wars": (
        "nuclear weapons lower direct superpower wars per year", None),
    "paradox_more_periphery_wars": (
        "nuclear weapons raise periphery wars per year", None),
    "distinguishability_raises_survival": (
        "with offense dominant, distinguishable postures raise survival", _distinguishability),
    "superpower_autonomy_below_concert": (
        "the superpower norms have less autonomy than the Concert's", _superpowers_vs_concert),
}


def contrasts_over_posterior(directory: str | Path, draws: int = 50, systems: int = 50,
                             seed: int = DEFAULT_SEED, progress=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contrasts for ``draws`` posterior draws of a calibration in ``directory``.

    Returns ``(values, summary)``: one row per draw (its ``system.*``
    parameters and each contrast), and per contrast the shares of draws in
    which it is positive and negative (the rest are ties, typically no war
    at all), its median and 90% interval, and for each
    parameter the Spearman correlation with the contrast (which parameters
    move it across zero).
    """
    from scipy.stats import spearmanr

    from .._validation import check_int

    d = Path(directory)
    if not (d / "posterior.parquet").exists():
        raise ValueError(f"{d}: no posterior.parquet (run regimes calibrate first)")
    draws, systems = check_int(draws, "--draws", 2, 10_000), check_int(systems, "--systems", 1)
    post = pd.read_parquet(d / "posterior.parquet")
    last = post[post.generation == post.generation.max()].reset_index(drop=True)
    params = [c for c in last.columns if c.startswith("system.")]
    if not params:
        raise ValueError(f"{d}: the calibration has no system.* parameter to carry over")
    w = last.weight.to_numpy(float)
    pick = np.random.default_rng(seed).choice(len(last), size=draws, p=w / w.sum())
    rows = []
    for i in pick:
        kw = {p.removeprefix("system."): float(last.loc[i, p]) for p in params}
        for key in ("exclusion_years", "grievance_years"):
            if key in kw:
                kw[key] = int(round(kw[key]))
        row = {p: float(last.loc[i, p]) for p in params}
        for name, (_, fn) in CONTRASTS.items():
            if fn is not None:
                row[name] = fn(kw, systems, seed)
        row["paradox_fewer_direct_wars"], row["paradox_more_periphery_wars"] = _paradox(
            kw, systems, seed)
        rows.append(row)
        if progress is not None:
            progress(1)
    values = pd.DataFrame(rows)
    summary = []
    for name, (meaning, _) in CONTRASTS.items():
        v = values[name].to_numpy(float)
        entry = {"contrast": name, "positive_means": meaning,
                 "share_positive": float(np.mean(v > 0)), "share_negative": float(np.mean(v < 0)),
                 "median": float(np.median(v)),
                 "lo": float(np.percentile(v, 5)), "hi": float(np.percentile(v, 95))}
        for p in params:
            rho = spearmanr(values[p], v).statistic if np.ptp(v) > 0 else np.nan
            entry[f"rho[{p}]"] = float(rho)
        summary.append(entry)
    return values, pd.DataFrame(summary)
