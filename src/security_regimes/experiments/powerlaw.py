"""Power-law tails of war sizes (Richardson 1960; Clauset, Shalizi and Newman 2009)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .._settings import DEFAULT_SEED
from .._validation import require_extra


def ccdf(x) -> tuple[np.ndarray, np.ndarray]:
    """Sorted sizes and P(X >= x) for each."""
    x = np.sort(np.asarray(x, dtype=float))
    x = x[np.isfinite(x) & (x > 0)]
    return x, 1.0 - np.arange(x.size) / x.size


def _package():
    return require_extra("powerlaw", "tails")


#: The fewest sizes :func:`csn_fit` fits.
MIN_SIZES = 10
#: The columns of :func:`csn_fit`'s result.
FIT_KEYS = ("n", "xmin", "n_tail", "decades", "alpha", "sigma", "ks", "R_lognormal",
            "p_lognormal", "R_exponential", "p_exponential")


def csn_fit(x) -> dict[str, float]:
    """Clauset-Shalizi-Newman (2009) fit of a power-law tail with the ``powerlaw``
    package (Alstott, Bullmore and Plenz 2014).

    ``xmin`` minimises the Kolmogorov-Smirnov distance, ``alpha`` is the
    maximum-likelihood exponent above it with standard error ``sigma``; the
    tail spans ``decades`` (log10 of the largest size over ``xmin``) and is
    then compared by normalised log-likelihood ratio with a lognormal
    and an exponential (``R > 0`` favours the power law; ``p`` is the
    significance of the sign of ``R``, Vuong's test).  Non-positive and
    non-finite sizes are dropped.
    """
    import warnings

    powerlaw = _package()
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    if x.size < MIN_SIZES:
        raise ValueError(f"a power-law fit needs at least {MIN_SIZES} positive sizes, got {x.size}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fit = powerlaw.Fit(x, verbose=0)
        out = {"n": int(x.size), "xmin": float(fit.xmin), "n_tail": int(fit.n_tail),
               "decades": float(np.log10(x.max() / fit.xmin)),
               "alpha": float(fit.power_law.alpha), "sigma": float(fit.power_law.sigma),
               "ks": float(fit.power_law.D)}
        for other in ("lognormal", "exponential"):
            r, p = fit.distribution_compare("power_law", other, normalized_ratio=True)
            out[f"R_{other}"], out[f"p_{other}"] = float(r), float(p)
    return out


def csn_fit_or_none(x) -> dict[str, float]:
    """:func:`csn_fit`, or NaN in every column but ``n`` (the positive sizes) when
    there are fewer than ``MIN_SIZES`` of them to fit (a scenario that fights
    hardly any war has no tail to speak of)."""
    x = np.asarray(x, dtype=float)
    n = int((np.isfinite(x) & (x > 0)).sum())
    if n < MIN_SIZES:
        return {**dict.fromkeys(FIT_KEYS, np.nan), "n": n}
    return csn_fit(x)


#: Scenarios whose simulated war sizes :func:`war_size_tails` fits.
TAIL_SCENARIOS = ("waltz_balance", "kaplan_balance", "concert_of_europe")


def war_size_tails(scenarios=TAIL_SCENARIOS, systems: int = 500, years: int | None = None,
                   seed: int = DEFAULT_SEED, progress=None, core: str | None = None
                   ) -> pd.DataFrame:
    """War-size tails: each scenario's simulated war sizes (capability destroyed,
    units of the initial system total; the largest war begun in each war year,
    as sizes are kept per year) and COW battle deaths of the inter-state
    wars 1816-2007, each with :func:`csn_fit`.  One row per source.  Compared in
    shape (the exponent), not in level: the units differ.  A scenario with fewer
    than ``MIN_SIZES`` war years gets NaN fits (:func:`csn_fit_or_none`).

    ``progress`` is called with 1 after each step: each scenario's simulation
    and its fit, and the COW fit (``2 * len(scenarios) + 1`` in all; a fit
    takes a few seconds, as long as a scenario's runs).  ``core``, if given,
    is every scenario's decision core (else each scenario's own)."""
    from dataclasses import replace

    from ..data.patterns import interstate_war_deaths
    from ..regimes.scenarios import get_scenario

    step = progress or (lambda n: None)
    rows = []
    for name in scenarios:
        scn = get_scenario(name)
        if core is not None:
            scn = replace(scn, system=scn.system.with_(core=core))
        m = scn.simulate(systems=systems, years=years, seed=seed).measures
        step(1)
        rows.append({"source": name, "units": "capability destroyed",
                     **csn_fit_or_none(m["largest_war"][m["war"]])})
        step(1)
    rows.append({"source": "COW inter-state wars", "units": "battle deaths",
                 **csn_fit(interstate_war_deaths().to_numpy(float))})
    step(1)
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _cow_fit() -> dict:
    """:func:`csn_fit` of COW battle deaths (every inter-state war), once."""
    from ..data.patterns import interstate_war_deaths

    return csn_fit(interstate_war_deaths().to_numpy(float))


#: The war-size target's smallest tail, in decades (issue 28).
MIN_DECADES = 2.0


def war_size_check(measures, level: float = 0.90) -> pd.DataFrame:
    """The war-size fit of a run against COW, in the columns of
    :func:`security_regimes.regimes.history.state_system_check`: the
    Clauset-Shalizi-Newman exponent of the run's war sizes (the largest war
    begun in each war year, capability destroyed) against that of COW
    battle deaths (inter-state wars 1816-2007), each with the interval
    ``alpha +/- z sigma`` at ``level`` ("inside": the simulated exponent in
    COW's interval), and the decades the two tails span ("inside": the run's
    at least :data:`MIN_DECADES`).  Compared in shape, not level: the units
    differ.  Needs the ``tails`` extra (powerlaw)."""
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    war = np.asarray(measures["war"], dtype=bool)
    sim = csn_fit(np.asarray(measures["largest_war"])[war])
    obs = _cow_fit()
    lo, hi = obs["alpha"] - z * obs["sigma"], obs["alpha"] + z * obs["sigma"]
    return pd.DataFrame([
        {"statistic": "war_size_alpha",
         "description": "power-law exponent of war sizes (CSN; the run: capability destroyed, "
                        "COW: battle deaths 1816-2007)",
         "observed": obs["alpha"], "observed_low": lo, "observed_high": hi,
         "simulated": sim["alpha"], "simulated_low": sim["alpha"] - z * sim["sigma"],
         "simulated_high": sim["alpha"] + z * sim["sigma"],
         "inside": bool(lo <= sim["alpha"] <= hi)},
        {"statistic": "war_size_decades",
         "description": f"decades of the power-law tail (target: at least {MIN_DECADES:g})",
         "observed": obs["decades"], "observed_low": np.nan, "observed_high": np.nan,
         "simulated": sim["decades"], "simulated_low": np.nan, "simulated_high": np.nan,
         "inside": bool(sim["decades"] >= MIN_DECADES)},
    ])
