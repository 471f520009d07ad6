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
from ..regimes.effects import in_force_at_start, twin_columns
from ..regimes.scenarios import get_scenario, paradox_wars


def _with(name: str, system_kw: dict):
    return get_scenario(name).with_calibrated(system_kw)


def _summary(name, kw, systems, seed, counterfactual=False):
    r = _with(name, kw).run(seed=seed, systems=systems, counterfactual=counterfactual)
    return r.result.summary, (r.counterfactual.summary if counterfactual else None)


def _twin(name, kw, systems, seed):
    """The scenario's runs, its norm-free twins' and each run's twin outcomes
    (``regimes.effects.TWIN_OUTCOMES``, shape (systems,) each)."""
    scn = _with(name, kw)
    r = scn.run(seed=seed, systems=systems)
    twins = twin_columns(r.result.measures, r.counterfactual.measures, in_force_at_start(scn))
    return r.result.summary, r.counterfactual.summary, twins


def _direct_wars(scn, systems, seed, nuclear: bool):
    """Per run: direct superpower wars and periphery wars per year, each (systems,)."""
    wars = paradox_wars(scn, systems, scn.years, seed, nuclear)
    return wars["superpower_wars"].mean(axis=1), wars["periphery_wars"].mean(axis=1)


def _floats(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def run_contrasts(system_kw: dict, systems: int, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every contrast of :data:`CONTRASTS` as its two per-run samples ``(a, b)``.

    The contrast is ``nanmean(a) - nanmean(b)``; ``a`` and ``b`` have shape
    ``(systems,)`` and run ``i`` of each uses the same seed stream (common
    random numbers), so where neither has a missing value (NaN: a measure
    undefined in that run, such as autonomy where no regime formed) the
    differences ``a - b`` are paired.  ``system_kw`` replaces the defaults
    (``{}``: the package's default set) in every scenario except what the
    scenario defines.  Each scenario runs once, ``security``, ``economic`` and
    ``concert_of_europe`` with their identical-seed twins without norms (the
    paired effect while the norms bind).
    """
    sec, _, sec_t = _twin("security", system_kw, systems, seed)
    eco, _, eco_t = _twin("economic", system_kw, systems, seed)
    con, free, con_t = _twin("concert_of_europe", system_kw, systems, seed)
    kap, _ = _summary("kaplan_balance", system_kw, systems, seed)
    wal, _ = _summary("waltz_balance", system_kw, systems, seed)
    dis, _ = _summary("world_offense_distinguishable", system_kw, systems, seed)
    ind, _ = _summary("world_offense_indistinguishable", system_kw, systems, seed)
    sup = _with("superpower_bipolar", system_kw)
    sup_s, _ = _summary("superpower_bipolar", system_kw, systems, seed)
    nuc_direct, nuc_periphery = _direct_wars(sup, systems, seed, True)
    con_direct, con_periphery = _direct_wars(sup, systems, seed, False)
    formed = con.formation_year.notna().to_numpy()
    broke = np.where(formed, _floats(con.regime_breakdowns > 0), np.nan)
    prevented = "wars_prevented_per_bound_year"
    con_bound = con_t["years_bound"] > 0
    return {
        "economic_forms_more_often": (_floats(eco.formation_year.notna()),
                                      _floats(sec.formation_year.notna())),
        "economic_regime_lasts_longer": (_floats(eco.regime_years), _floats(sec.regime_years)),
        "security_autonomy_above_economic": (_floats(sec.regime_autonomy),
                                             _floats(eco.regime_autonomy)),
        "security_norms_prevent_more_than_economic": (_floats(sec_t[prevented]),
                                                      _floats(eco_t[prevented])),
        "concert_norms_cut_war_per_pair": (_floats(free.wars_per_dyad_year),
                                           _floats(con.wars_per_dyad_year)),
        "concert_norms_prevent_war_while_bound": (_floats(con_t[prevented]),
                                                  np.where(con_bound, 0.0, np.nan)),
        "concert_decays": (broke, 1.0 - broke),
        "kaplan_survival_above_waltz": (_floats(kap.continuous_survival),
                                        _floats(wal.continuous_survival)),
        "paradox_fewer_direct_wars": (_floats(con_direct), _floats(nuc_direct)),
        "paradox_more_periphery_wars": (_floats(nuc_periphery), _floats(con_periphery)),
        "distinguishability_raises_survival": (_floats(dis.essential_survival),
                                               _floats(ind.essential_survival)),
        "superpower_autonomy_below_concert": (_floats(con.regime_autonomy),
                                              _floats(sup_s.regime_autonomy)),
    }


def contrast_value(a: np.ndarray, b: np.ndarray) -> float:
    """``nanmean(a) - nanmean(b)`` (NaN when either sample has no value)."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if not len(a) or not len(b):
        return float("nan")
    return float(a.mean() - b.mean())


#: name -> (the claim of :data:`security_regimes.experiments.claims.CLAIMS` it
#: measures, what a positive value means).
CONTRASTS = {
    "economic_forms_more_often": (
        "harder", "the regime forms in more `economic` runs than `security` runs"),
    "economic_regime_lasts_longer": (
        "harder", "the regime is in force more years in `economic` than in `security`"),
    "security_autonomy_above_economic": (
        "harder", "regime autonomy is higher in `security` than in `economic` "
                  "(the norms restrain more where there is a conflict of interest)"),
    "security_norms_prevent_more_than_economic": (
        "harder", "while the norms bind, they prevent more wars per year in `security` than in "
                  "`economic` (each run against its identical-seed twin without norms; runs "
                  "in which they never bind are left out)"),
    "concert_norms_prevent_war_while_bound": (
        "concert", "while the Concert's norms bind, they prevent wars: wars per bound year in "
                   "each run's identical-seed twin without norms minus with (runs in which "
                   "they never bind are left out)"),
    "concert_norms_cut_war_per_pair": (
        "concert", "the Concert's norms lower wars per pair-year (paired run without norms "
                   "minus with)"),
    "concert_decays": (
        "concert", "where the Concert forms, it breaks down in more runs than it holds to the "
                   "end (runs where it never forms are left out)"),
    "kaplan_survival_above_waltz": (
        "balance", "Kaplan's rules raise continuous survival above Waltz's self-help"),
    "distinguishability_raises_survival": (
        "four_worlds", "with offense dominant, distinguishable postures raise survival"),
    "superpower_autonomy_below_concert": (
        "superpowers", "the superpower norms have less autonomy than the Concert's"),
    "paradox_fewer_direct_wars": (
        "superpowers", "nuclear weapons lower direct superpower wars per year"),
    "paradox_more_periphery_wars": (
        "superpowers", "nuclear weapons raise periphery wars per year"),
}


def check_posterior(directory: str | Path) -> Path:
    """``directory`` as a Path; ValueError (one line) unless it holds a calibration's posterior."""
    d = Path(directory)
    if not (d / "posterior.parquet").exists():
        raise ValueError(f"{d}: no posterior.parquet (run regimes calibrate first)")
    return d


def contrasts_over_posterior(directory: str | Path, draws: int = 50, systems: int = 50,
                             seed: int = DEFAULT_SEED, progress=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contrasts for ``draws`` posterior draws of a calibration in ``directory``.

    Returns ``(values, summary)``: one row per draw (its ``system.*``
    parameters and each contrast), and per contrast the shares of draws in
    which it is positive and negative (the rest are ties, typically no war
    at all) and undefined (NaN, e.g. ``concert_decays`` where the Concert
    never formed), its median and 90% interval over the defined draws, and for each
    parameter the Spearman correlation with the contrast (which parameters
    move it across zero).
    """
    from scipy.stats import spearmanr

    from .._validation import check_int

    d = check_posterior(directory)
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
        for name, (a, b) in run_contrasts(kw, systems, seed).items():
            row[name] = contrast_value(a, b)
        rows.append(row)
        if progress is not None:
            progress(1)
    values = pd.DataFrame(rows)
    summary = []
    for name, (_, meaning) in CONTRASTS.items():
        v = values[name].to_numpy(float)
        d = v[~np.isnan(v)]  # undefined in a draw: e.g. the Concert never formed
        entry = {"contrast": name, "positive_means": meaning,
                 "share_positive": float(np.mean(v > 0)), "share_negative": float(np.mean(v < 0)),
                 "share_undefined": float(np.mean(np.isnan(v))),
                 "median": float(np.median(d)) if len(d) else np.nan,
                 "lo": float(np.percentile(d, 5)) if len(d) else np.nan,
                 "hi": float(np.percentile(d, 95)) if len(d) else np.nan}
        for p in params:
            ok = ~np.isnan(v)
            rho = (spearmanr(values[p][ok], v[ok]).statistic if ok.sum() > 2 and np.ptp(v[ok]) > 0
                   else np.nan)
            entry[f"rho[{p}]"] = float(rho)
        summary.append(entry)
    return values, pd.DataFrame(summary)
