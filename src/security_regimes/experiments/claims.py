"""Every headline claim of ``docs/theory.md`` at the default parameter set, with a verdict.

``regimes claims`` (and :func:`run_claims`) runs the scenarios of
:mod:`~security_regimes.experiments.contrasts` once at the package's
defaults and reports, for each contrast, its value, a 95 percent interval
and a verdict, and for each of Jervis's claims a verdict from its contrasts:

- a contrast **holds** when its interval lies above 0 (the direction
  ``docs/theory.md`` reports, and where Jervis makes the claim the
  direction he argues), is **reversed** when it lies below 0, **no
  difference** when the two samples are identical, and **unclear** otherwise;
- a claim **reproduces** when all its contrasts hold, **does not** when none
  does, and **partly** otherwise.

Given a calibration's directory, each contrast is also run under ``draws``
draws of its posterior (:func:`~security_regimes.experiments.contrasts.contrasts_over_posterior`)
and the tables give the share of draws in which the contrast is positive and
in which all of a claim's contrasts are.

The interval is a normal one on the mean difference: from the paired
per-run differences where both samples are defined in every run (run ``i``
of each scenario uses the same seed stream), otherwise Welch's from the two
samples' defined values.  It is a statement about the model's mean at these
parameters (Monte Carlo error), not about history.

Claims of ``docs/theory.md`` that are not a contrast of two runs (claim 4,
"result is not intent", a phase diagram: ``regimes intent``; claim 6, the
size of wars: ``regimes tails``) are listed with their command and no verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._settings import DEFAULT_SEED
from ..regimes.history import history_check
from ..regimes.scenarios import run_scenario
from .contrasts import CONTRASTS, check_posterior, contrast_value, contrasts_over_posterior, run_contrasts

#: claim -> (Jervis's claim, in a line; its source; the page that develops it).
CLAIMS = {
    "harder": ("Security regimes are harder to form and keep than economic ones",
               "Jervis 1982, pp. 358-360", "claims/harder.md"),
    "concert": ("The Concert of Europe was a security regime: its norms restrained its members, and it "
                "decayed",
                "Jervis 1982, pp. 362-368", "claims/concert.md"),
    "balance": ("The balance of power is a regime only if restraint is internal (Kaplan's rules)",
                "Jervis 1982, pp. 360-362; Kaplan 1957", "claims/balance.md"),
    "four_worlds": ("With offense dominant, distinguishable postures make cooperation possible",
                    "Jervis 1978, pp. 211-214", "claims/four_worlds.md"),
    "superpowers": ("Superpower relations are not a regime; nuclear weapons make direct war "
                    "rarer and war in the periphery likelier (the stability-instability paradox)",
                    "Jervis 1982, pp. 370-378; Snyder 1965", "claims/superpowers.md"),
}

#: Claims of docs/theory.md measured by a command of their own, not a contrast.
OTHER_CLAIMS = {
    "result_not_intent": ("Power-seeking alone can mimic restraint: result is not intent",
                          "regimes intent --seed 1"),
    "war_sizes": ("Wars spread, and war sizes are heavy-tailed", "regimes tails --seed 1"),
}

Z95 = 1.959963984540054


def difference_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, bool]:
    """``(value, lo, hi, paired)``: ``nanmean(a) - nanmean(b)`` and its 95
    percent normal interval, paired where neither sample has a NaN (same
    length, run by run), Welch's otherwise.  NaN bounds with fewer than two
    defined values on a side."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    value = contrast_value(a, b)
    paired = a.shape == b.shape and not (np.isnan(a).any() or np.isnan(b).any())
    if paired:
        d = a - b
        se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else np.nan
    else:
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        if len(a) < 2 or len(b) < 2:
            se = np.nan
        else:
            se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return value, value - Z95 * se, value + Z95 * se, paired


def contrast_verdict(a: np.ndarray, b: np.ndarray, lo: float, hi: float) -> str:
    """``holds`` / ``reversed`` / ``no difference`` / ``unclear`` (module docstring)."""
    if np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True):
        return "no difference"
    if lo > 0:
        return "holds"
    if hi < 0:
        return "reversed"
    return "unclear"


def claim_verdict(verdicts: list[str]) -> str:
    """``reproduces`` when every contrast holds, ``does not`` when none does, else ``partly``."""
    held = sum(v == "holds" for v in verdicts)
    return "reproduces" if held == len(verdicts) else "does not" if held == 0 else "partly"


@dataclass(frozen=True)
class ClaimsResult:
    """What :func:`run_claims` measured.

    ``contrasts``: one row per contrast (``claim``, ``contrast``,
    ``positive_means``, ``value``, ``lo``, ``hi``, ``paired``, ``verdict``,
    ``share_positive`` over posterior draws or NaN).  ``claims``: one row per
    claim (``claim``, ``statement``, ``source``, ``page``, ``verdict``,
    ``held`` e.g. "2 of 3", ``share_holds``: the share of posterior draws in
    which all its contrasts are positive, or NaN), then the claims measured
    by a command of their own (verdict ``see command``).  ``draws``: the
    per-draw contrast values and ``posterior_summary`` their summary (both
    empty without a posterior; see
    :func:`~security_regimes.experiments.contrasts.contrasts_over_posterior`).
    ``record``: the
    1816-1913 record as a predictive distribution of the Concert scenario at
    the same set (:func:`~security_regimes.regimes.history.history_check`),
    which says how far from history the world is in which the claims are
    measured.
    """

    contrasts: pd.DataFrame
    claims: pd.DataFrame
    draws: pd.DataFrame
    posterior_summary: pd.DataFrame
    record: pd.DataFrame
    systems: int
    seed: int
    posterior: str | None

    def __repr__(self) -> str:
        v = ", ".join(f"{r.claim} {r.verdict}" for r in self.claims.itertuples()
                      if r.verdict != "see command")
        return f"ClaimsResult({self.systems} systems, seed {self.seed}: {v})"

    def to_records(self) -> dict:
        """A JSON-ready dict (what ``regimes claims --out FILE.json`` writes)."""
        from .._io import json_records as rows

        return {"systems": self.systems, "seed": self.seed, "posterior": self.posterior,
                "posterior_draws": len(self.draws), "contrasts": rows(self.contrasts),
                "claims": rows(self.claims), "record": rows(self.record)}


def run_claims(systems: int = 1000, seed: int = DEFAULT_SEED, posterior: str | Path | None = None,
               draws: int = 50, posterior_systems: int = 50, progress=None) -> ClaimsResult:
    """Every headline claim of ``docs/theory.md`` at the package's default set.

    Parameters
    ----------
    systems : int
        Runs per scenario at the default set (at least 2).
    seed : int
        Root seed; run ``i`` of every scenario uses the same stream.
    posterior : path, optional
        A finished calibration directory (``regimes calibrate --out``): each
        contrast is also run under ``draws`` draws of its last generation.
    draws, posterior_systems : int
        Posterior draws, and runs per scenario and draw.
    progress : callable, optional
        Called with 1 after the default-set runs and after each draw.

    Returns
    -------
    ClaimsResult
        ``.contrasts`` (value, 95% interval, verdict per contrast),
        ``.claims`` (verdict per claim) and ``.record`` (the 1816-1913 record
        at the same set); ``.to_records()`` is what ``regimes claims --out``
        writes.

    Examples
    --------
    >>> res = run_claims(systems=10, seed=1)
    >>> list(res.claims.columns)
    ['claim', 'statement', 'source', 'page', 'verdict', 'held', 'share_holds']
    """
    from .._validation import check_int

    systems = check_int(systems, "--systems", 2)
    if posterior is not None:  # bad input is refused before any work
        check_posterior(posterior)
        check_int(draws, "--draws", 2, 10_000)
        check_int(posterior_systems, "--posterior-systems", 1)
    samples = run_contrasts({}, systems, seed)
    record = history_check(run_scenario("concert_of_europe", seed=seed, systems=systems))
    if progress is not None:
        progress(1)
    if posterior is not None:
        values, summary = contrasts_over_posterior(posterior, draws=draws,
                                                   systems=posterior_systems, seed=seed,
                                                   progress=progress)
        share = summary.set_index("contrast").share_positive
    else:
        values, summary, share = pd.DataFrame(), pd.DataFrame(), pd.Series(dtype=float)
    rows = []
    for name, (claim, meaning) in CONTRASTS.items():
        a, b = samples[name]
        value, lo, hi, paired = difference_interval(a, b)
        rows.append({"claim": claim, "contrast": name, "positive_means": meaning,
                     "value": value, "lo": lo, "hi": hi, "paired": paired,
                     "verdict": contrast_verdict(a, b, lo, hi),
                     "share_positive": float(share.get(name, np.nan))})
    contrasts = pd.DataFrame(rows)
    claims = []
    for claim, (statement, source, page) in CLAIMS.items():
        mine = contrasts[contrasts.claim == claim]
        if len(values):
            holds = float(np.mean((values[list(mine.contrast)] > 0).all(axis=1)))
        else:
            holds = np.nan
        claims.append({"claim": claim, "statement": statement, "source": source, "page": page,
                       "verdict": claim_verdict(list(mine.verdict)),
                       "held": f"{int((mine.verdict == 'holds').sum())} of {len(mine)}",
                       "share_holds": holds})
    for claim, (statement, command) in OTHER_CLAIMS.items():
        claims.append({"claim": claim, "statement": statement, "source": "docs/theory.md",
                       "page": "theory.md", "verdict": "see command", "held": command,
                       "share_holds": np.nan})
    return ClaimsResult(contrasts, pd.DataFrame(claims), values, summary, record, systems, seed,
                        None if posterior is None else str(posterior))


def _share(x) -> str:
    return "not run" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.0%}"


def contrasts_markdown(records: dict, claim: str | None = None) -> str:
    """The contrasts of a :meth:`ClaimsResult.to_records` dict (those of
    ``claim`` only, if given) as a Markdown table: value, 95% interval, verdict
    and the share of posterior draws in which the contrast is positive."""
    lines = ["| contrast | positive means | value [95% interval] | verdict | share of posterior "
             "draws |", "|---|---|---|---|---|"]
    for c in records["contrasts"]:
        if claim is not None and c["claim"] != claim:
            continue
        lo, hi = ("-" if x is None else f"{x:.4g}" for x in (c["lo"], c["hi"]))
        value = "-" if c["value"] is None else f"{c['value']:.4g}"
        lines.append(f"| `{c['contrast']}` | {c['positive_means']} | {value} [{lo}, {hi}] | "
                     f"{c['verdict']} | {_share(c['share_positive'])} |")
    return "\n".join(lines)


def claims_markdown(records: dict, link: str = "docs/") -> str:
    """The claims of a :meth:`ClaimsResult.to_records` dict as a Markdown table
    (one row per claim, then the record line), with links to each claim's page
    under ``link``.  What the README's summary and the docs render."""
    lines = ["| claim | verdict | contrasts that hold | share of posterior draws |",
             "|---|---|---|---|"]
    for c in records["claims"]:
        if c["verdict"] == "see command":
            lines.append(f"| {c['statement']} | see `{c['held']}` | | |")
            continue
        lines.append(f"| [{c['statement']}]({link}{c['page']}) | {c['verdict']} | {c['held']} | "
                     f"{_share(c['share_holds'])} |")
    rec = {r["statistic"]: r for r in records["record"]}
    no_war, joint = rec["p_no_war_1816_1852"], rec["p_joint_record"]
    lines += ["", f"Measured at the default parameter set ({records['systems']} runs per "
                  f"scenario, seed {records['seed']}), in which P(no great-power war 1816-1852) is "
                  f"{no_war['with_norms']:.3f} (history: no war) and the joint record of 1816-1913 "
                  f"has probability {joint['with_norms']:.3f}."]
    if records.get("posterior_draws"):
        lines[-1] += (f" The last column: the share of {records['posterior_draws']} draws of the "
                      f"calibration's posterior ({records['posterior']}) under which every contrast "
                      "of the claim is positive.")
    return "\n".join(lines)


def claim_markdown(records: dict, claim: str) -> str:
    """One claim of a :meth:`ClaimsResult.to_records` dict: its verdict, in a
    sentence, then its contrasts (:func:`contrasts_markdown`).  What each
    claim page renders from the record."""
    row = next((c for c in records["claims"] if c["claim"] == claim), None)
    if row is None:
        raise ValueError(f"claim {claim!r}: expected one of {', '.join(CLAIMS)}")
    share = ("" if row["share_holds"] is None else
             f"; every contrast is positive under {_share(row['share_holds'])} of "
             f"{records['posterior_draws']} posterior draws")
    return (f"**Verdict of `regimes claims`: {row['verdict']}** ({row['held']} contrasts hold "
            f"at the default set, {records['systems']} runs per scenario, seed "
            f"{records['seed']}{share}).\n\n{contrasts_markdown(records, claim)}")
