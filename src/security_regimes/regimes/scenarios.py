"""Built-in scenarios: each turns one of Jervis's (1982) claims into a run.

Every scenario is run together with its *counterfactual*: the same systems,
seeds and draws with the norms stripped (Kaplan's rules become Waltz's
self-help; the regime is removed).  The regime autonomy index is measured
decision by decision inside the run (see :mod:`security_regimes.system.model`);
the counterfactual adds the effect of the norms on outcomes, run by run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import ClassVar

import numpy as np
import pandas as pd

from .._repr import Summarised, names
from .._resources import check_fits
from .._settings import DEFAULT_SEED, Settings, check_settings, clone
from .._stats import mean_ci
from .._tables import MAX_POWERS, SCENARIO_SETTINGS
from .._validation import check_choice, check_int
from ..data.domestic import domestic_change_rates
from ..games.stage import Game, SecurityDilemma
from ..system import Policy, SimulationResult, System, simulate
from ..system.model import Dyadic, dyad_payoffs
from ..system.simulate import MAX_YEARS, YEAR_MEASURES, estimate_bytes
from .regime import Conditions, Regime
from .writer import scenario_toml


@dataclass(frozen=True)
class Scenario:
    """A named, runnable configuration of system, policy and regime.

    ``start_year`` is the calendar year of simulated year 1 (for comparison
    with history); ``dyadic`` is every power's dyadic strategy, or a tuple
    of one per power: a name, or in Python a strategy object (a custom
    :class:`~security_regimes.Strategy`, an Axelrod player the system can
    play); only names can be written to a scenario file.  The stage game the powers play is not set here: it
    follows from the system (:func:`stage_game`).
    """

    name: str
    description: str = ""
    claim: str = ""
    system: System = field(default_factory=System)
    policy: Policy = field(default_factory=Policy)
    regime: Regime | None = None
    years: int = 100
    systems: int = 1000
    start_year: int = 1
    dyadic: str | object | tuple = "Tit For Tat"
    defines: tuple[str, ...] = ()

    SETTINGS: ClassVar[Settings] = SCENARIO_SETTINGS

    def __post_init__(self) -> None:
        check_settings(self)
        self._check_parts()

    def with_parts(self, system: System, policy: Policy, regime, dyadic) -> Scenario:
        """This scenario with its system, policy, regime and dyadic strategies
        replaced (a design point's), checked as the constructor checks them;
        its own settings (name, years ...) are not checked again."""
        if (system is self.system and policy is self.policy and regime is self.regime
                and dyadic is self.dyadic):
            return self
        new = clone(self)
        object.__setattr__(new, "system", system)
        object.__setattr__(new, "policy", policy)
        object.__setattr__(new, "regime", regime)
        object.__setattr__(new, "dyadic", dyadic if dyadic is self.dyadic else
                           self.SETTINGS["dyadic"].check(dyadic))
        new._check_parts()
        return new

    def _check_parts(self) -> None:
        """The checks across the scenario's parts (the powers their indices name)."""
        for key, cls in (("system", System), ("policy", Policy)):
            if not isinstance(getattr(self, key), cls):
                raise ValueError(f"{key} must be a {cls.__name__}, got {getattr(self, key)!r}")
        if self.regime is not None and not isinstance(self.regime, Regime):
            raise ValueError(f"regime must be a Regime or None, got {self.regime!r}")
        n = self.system.n_powers
        if not 0 <= self.policy.balancer < n:
            raise ValueError(f"policy.balancer must be a power index below {n}, "
                             f"got {self.policy.balancer}")
        if self.regime is not None:
            self.regime.member_mask(n)  # member indices must name powers
        unknown = [k for k in self.defines if k not in System.SETTINGS.names]
        if unknown:
            raise ValueError(f"defines: {unknown[0]!r} is not a system setting "
                             f"(expected names of [system] keys)")
        if isinstance(self.dyadic, tuple) and len(self.dyadic) != n:
            raise ValueError(f"dyadic: expected one strategy or {n} (one per power), "
                             f"got {len(self.dyadic)}")
        if not all(isinstance(d, str) for d in (
                self.dyadic if isinstance(self.dyadic, tuple) else (self.dyadic,))):
            Dyadic.build(self.dyadic, 1, n)  # a strategy object: can the system play it?
        if self.system.growth == "record" and self.system.cow_year != self.start_year:
            raise ValueError(f"system.growth = 'record' follows the COW record from cow_year "
                             f"{self.system.cow_year}: start_year must be the same year, got "
                             f"{self.start_year}")

    def simulate(self, systems: int | None = None, years: int | None = None,
                 seed: int | None = DEFAULT_SEED, **kw) -> SimulationResult:
        """This scenario's runs alone (no counterfactual), by default without per-year
        capabilities or alliances; ``kw`` goes to :func:`security_regimes.simulate`
        (e.g. ``progress``, ``record_capabilities=True``)."""
        kw = {"record_alliances": False, "record_capabilities": False, **kw}
        return simulate(self.system, years=self.years if years is None else years,
                        policy=self.policy, regime=self.regime,
                        systems=self.systems if systems is None else systems, seed=seed,
                        dyadic=self.dyadic, **kw)

    def with_calibrated(self, system_kw: dict) -> Scenario:
        """This scenario with calibrated ``system`` values (a posterior draw,
        ``{setting: value}``) in place of the defaults, except the settings
        that define it (:attr:`defines`), which it keeps."""
        kw = {k: v for k, v in system_kw.items() if k not in self.defines}
        return replace(self, system=self.system.with_(**kw)) if kw else self

    def counterfactual(self) -> Scenario:
        """The same scenario without norms: no regime, Kaplan's rules off (kaplan
        becomes waltz; a custom policy loses internal_rules and its weights)."""
        policy = self.policy
        if policy.name == "kaplan":
            policy = Policy("waltz")
        elif policy.traits["internal_rules"]:
            policy = replace(policy, internal_rules=False, rules={})
        return replace(self, policy=policy, regime=None)

    def run(self, seed: int | None = DEFAULT_SEED, systems: int | None = None, years: int | None = None,
            counterfactual: bool = True, progress=None) -> ScenarioResult:
        """Run the scenario and (by default) its norm-free counterfactual on the same seeds.

        ``progress`` is called with system-years done (see :func:`simulate`);
        both runs are checked to fit in memory before the first starts.
        """
        systems = check_int(systems if systems is not None else self.systems, "systems", 1)
        years = check_int(years if years is not None else self.years, "years", 1, MAX_YEARS)
        check_fits((1 + counterfactual) * estimate_bytes(self.system.n_powers, years, systems),
                   f"scenario {self.name}: 2 x {systems:,} systems x {years:,} years",
                   "use fewer systems or years")
        kw = dict(years=years, systems=systems, seed=seed, dyadic=self.dyadic,
                  record_alliances=True, record_capabilities=True, progress=progress)
        main = simulate(self.system, policy=self.policy, regime=self.regime,
                        record_crises=self.system.core == "crisis", **kw)
        cf = None
        if counterfactual:
            c = self.counterfactual()
            cf = simulate(c.system, policy=c.policy, regime=c.regime, **{**kw, "seed": main.seed})
        return ScenarioResult(self, main, cf)


@dataclass(repr=False)
class ScenarioResult(Summarised):
    """A scenario's run and its norm-free counterfactual on the same seeds."""

    scenario: Scenario
    result: SimulationResult
    counterfactual: SimulationResult | None

    def _summary(self):
        r = self.result
        s = self.scenario
        return (f"ScenarioResult {s.name!r}: {r.n_systems:,} runs x {r.years:,} years from "
                f"{s.start_year}, seed {r.seed}", [
                    ("claim", s.claim), ("powers", f"{s.system.n_powers} ({names(s.system.names)})"),
                    ("core", s.system.core), ("policy", s.policy.label),
                    ("regime", s.regime.name if s.regime is not None else "none"),
                    ("counterfactual", "the same seeds without the norms"
                     if self.counterfactual is not None else "none (no regime)"),
                    ("wars per run", f"{r.measures['wars'].sum(axis=1).mean():.3f}"),
                    ("see", ".outcomes(), .regime_effects(), .channels(), .autonomy(), .summary, "
                             ".per_year")])

    @property
    def seed(self) -> int:
        return self.result.seed

    @property
    def per_year(self) -> pd.DataFrame:
        df = self.result.per_year.copy()
        df.insert(2, "calendar_year", df.year + self.scenario.start_year - 1)
        df.insert(0, "scenario", self.scenario.name)
        return df

    @property
    def summary(self) -> pd.DataFrame:
        df = self.result.summary.copy()
        df.insert(0, "scenario", self.scenario.name)
        if self.counterfactual is not None:
            cf = self.counterfactual.summary
            for col in ("war_frequency", "essential_survival", "cooperation_rate", "member_wars",
                        "wars_per_dyad_year", "continuous_survival", "pair_years",
                        "cooperation_per_pair_year"):
                df[f"{col}_without_norms"] = cf[col].to_numpy()
        return df

    def plot(self, measure: str = "war", ax=None):
        """The yearly mean of ``measure`` with its 95% band, with the norms and
        (where the scenario has a regime) without them on the same seeds,
        against the calendar year.  Draws on ``ax`` (new axes when None) and
        returns it."""
        from .._plot import check_measure, yearly

        check_measure(measure, YEAR_MEASURES)
        years = self.scenario.start_year + np.arange(self.result.years)
        series = {"with norms" if self.counterfactual is not None else self.scenario.name:
                  self.result.measures[measure]}
        if self.counterfactual is not None:
            series["without norms"] = self.counterfactual.measures[measure]
        ax = yearly(series, years, measure, ax, xlabel="calendar year")
        ax.set_title(self.scenario.name)
        return ax

    def regime_effects(self) -> pd.DataFrame:
        """What the regime does while in force (:mod:`security_regimes.regimes.effects`):
        the paired effect of its norms on wars (and crises) against the
        identical-seed twin without them, the share of its years with anything
        to restrain, its tenure and hazard of breakdown, and the autonomy index
        with its numerator and denominator; 95% intervals.  Empty without a
        regime or a counterfactual."""
        from .effects import in_force_at_start, regime_effects

        if self.result.regime is None or self.counterfactual is None:
            return pd.DataFrame(columns=["measure", "value", "lo", "hi", "n", "meaning"])
        return regime_effects(self.result, self.counterfactual, in_force_at_start(self.scenario),
                              seed=self.result.seed % 2**32)

    def regime_breakdowns(self) -> pd.DataFrame:
        """What ended each spell in force, one row per breakdown
        (:func:`security_regimes.regimes.effects.breakdowns`: member war,
        revisionist turn, lost trust, fading memory, relative decline or other);
        empty without a regime.  ``breakdown_causes(...)`` of it counts them."""
        from .effects import BREAKDOWN_COLUMNS, breakdowns

        if self.result.regime is None:
            return pd.DataFrame(columns=list(BREAKDOWN_COLUMNS))
        return breakdowns(self.result, self.result.regime.conditions.threshold,
                          self.scenario.start_year)

    def autonomy(self) -> dict[str, float]:
        """Regime autonomy: mean over runs with a 95% CI (runs with no restraint excluded)."""
        m, lo, hi, n = mean_ci(self.result.summary.regime_autonomy)
        return {"mean": m, "lo": lo, "hi": hi, "runs": n}

    def autonomy_by_year(self) -> pd.DataFrame:
        """Per year: mean regime autonomy and cooperation across runs, 95% CIs."""
        df = self.per_year
        rows = []
        for year, g in df.groupby("calendar_year"):
            a = mean_ci(g.regime_autonomy)
            c = mean_ci(g.cooperation_rate)
            rows.append({"calendar_year": year, "regime_autonomy": a[0], "autonomy_lo": a[1],
                         "autonomy_hi": a[2], "cooperation_rate": c[0], "cooperation_lo": c[1],
                         "cooperation_hi": c[2], "regime_strength": g.regime_strength.mean(),
                         "war_rate": g.war.mean(), "member_war_rate": g.member_war.mean(),
                         "in_force": g.regime_in_force.mean(),
                         "system_war_rate": g.system_war.mean()})
        return pd.DataFrame(rows)

    def to_xarray(self):
        """An ``xarray.Dataset`` of both runs (needs the ``xarray`` extra): each
        per-year measure over (``variant``, system, year), ``variant`` being
        ``"with_norms"`` and (if it ran) ``"without_norms"``, with calendar
        years and the scenario's name as an attribute."""
        from .._validation import require_extra

        xr = require_extra("xarray", "xarray")
        runs = {"with_norms": self.result, "without_norms": self.counterfactual}
        parts = [r.to_xarray(self.scenario.start_year) for r in runs.values() if r is not None]
        ds = xr.concat(parts, dim="variant", combine_attrs="drop_conflicts")
        ds = ds.assign_coords(variant=[k for k, r in runs.items() if r is not None])
        ds.attrs["scenario"] = self.scenario.name
        return ds

    def outcomes(self) -> pd.DataFrame:
        """Mean and 95% CI of the main outcomes, with and without norms (paired).

        ``wars_per_dyad_year`` and ``cooperation_per_pair_year`` are per
        surviving great-power pair-year; ``continuous_survival`` counts a
        power as surviving only if it was never eliminated (``restorations``
        are reported apart).  The regime autonomy row carries its numerator
        and denominator (norm-explained and all restraining decisions per run).
        """
        rows = []
        s = self.result.summary
        cf = self.counterfactual.summary if self.counterfactual is not None else None
        cols = ["regime_autonomy", "norm_restraints", "restraints", "cooperation_rate",
                "cooperation_per_pair_year", "war_frequency", "wars_per_dyad_year",
                "pair_years", "member_wars", "essential_survival", "continuous_survival",
                "restorations", "eliminations_per_century", "mean_war_size", "hegemony",
                "first_member_war", "system_wars", "hegemonic_wars", "sparing"]
        regime_only = ("formation_year", "regime_years")  # nothing to pair without norms
        if self.result.regime is not None:
            cols += regime_only
        for col in cols:
            m, lo, hi, n = mean_ci(s[col].astype(float))
            row = {"outcome": col, "mean": m, "lo": lo, "hi": hi, "runs": n}
            if cf is not None and col not in ("regime_autonomy", "norm_restraints",
                                              *regime_only):
                m0, lo0, hi0, _ = mean_ci(cf[col].astype(float))
                d = mean_ci(s[col].to_numpy(float) - cf[col].to_numpy(float))
                row.update({"without_norms": m0, "difference": d[0], "diff_lo": d[1],
                            "diff_hi": d[2]})
            rows.append(row)
        return pd.DataFrame(rows)

    def channels(self) -> pd.DataFrame:
        """The with/without-norms difference in wars per run, split into two channels.

        ``wars = rate x pair_years``.  The difference ``W1 - W0`` is
        ``(PY1 - PY0) r0`` (survival: more or fewer pairs at risk) plus
        ``(r1 - r0) PY1`` (war per pair at risk), with ``r`` the pooled wars
        per pair-year and ``PY`` mean pair-years per run.
        """
        if self.counterfactual is None:
            raise ValueError("channels need the counterfactual run")
        s, c = self.result.summary, self.counterfactual.summary
        py1, py0 = s.pair_years.mean(), c.pair_years.mean()
        w1, w0 = s.wars.mean(), c.wars.mean()
        r1 = w1 / py1 if py1 else np.nan
        r0 = w0 / py0 if py0 else np.nan
        return pd.DataFrame([
            {"channel": "total difference in wars per run", "value": w1 - w0},
            {"channel": "survival (pairs at risk)", "value": (py1 - py0) * r0},
            {"channel": "war per pair at risk", "value": (r1 - r0) * py1},
            {"channel": "wars per pair-year with norms", "value": r1},
            {"channel": "wars per pair-year without norms", "value": r0},
        ])

    def map_tables(self) -> dict[str, pd.DataFrame]:
        """The map of a scenario with a geography: ``map`` (power, x, y: the
        positions of :meth:`System.positions`, with ``units``) and ``borders``
        (a, b: the contiguous pairs); empty without a geography."""
        system = self.scenario.system
        xy = system.positions()
        if xy is None:
            return {}
        units = "degrees" if system.geography == "capitals" else "1000 km"
        _, contiguous = system.reach()
        a, b = np.nonzero(np.triu(contiguous, 1))
        names = np.array(system.names)
        return {"map": pd.DataFrame({"power": list(system.names), "x": xy[:, 0], "y": xy[:, 1],
                                     "units": units}),
                "borders": pd.DataFrame({"a": names[a], "b": names[b]})}

    def to_parquet(self, out, extra: dict[str, pd.DataFrame] | None = None,
                   run_seconds: float | None = None) -> None:
        """Write the tables and, last, ``manifest.json`` (kind ``scenario``) to ``out``."""
        import json
        from datetime import UTC, datetime
        from pathlib import Path

        from .._io import write_text
        from .._version import __version__

        out = Path(out)
        # The scenario's own years and runs tables (calendar years, paired
        # counterfactual columns) stand in for the plain ones.
        self.result.to_parquet(out, tables={
            "years": self.per_year, "runs": self.summary,
            "autonomy_by_year": self.autonomy_by_year(), "outcomes": self.outcomes(),
            **self.map_tables(), **(extra or {})})
        try:
            toml, why = scenario_toml(self.scenario), None
        except (TypeError, ValueError) as e:  # e.g. a strategy object with no file form
            toml, why = None, str(e)
        s = self.scenario
        manifest = {"kind": "scenario", "scenario": s.name, "description": s.description,
                    "claim": s.claim, "seed": self.seed, "systems": self.result.n_systems,
                    "years": self.result.years, "start_year": s.start_year,
                    "package_version": __version__,
                    "written": datetime.now(UTC).isoformat(timespec="seconds"),
                    "scenario_toml": toml}
        if why is not None:  # said, not swallowed: the run has no file form to re-run from
            manifest["scenario_toml_missing"] = why
        if run_seconds is not None:
            manifest["run_seconds"] = run_seconds
        write_text(json.dumps(manifest, indent=2, default=str), out / "manifest.json")


# --- The built-in scenarios -------------------------------------------------

GREAT_POWERS_1816 = ("UKG", "RUS", "FRN", "AUH", "GMY")

#: Domestic changes of government per great-power-year, and the share of them
#: that brought a revisionist government: the record of 1816-1913
#: (:func:`security_regimes.data.domestic_change_rates`, data/history/SOURCES.md).
DOMESTIC_RATE, DOMESTIC_REVISIONIST = domestic_change_rates(GREAT_POWERS_1816)


def _concert_regime() -> Regime:
    return Regime(
        name="Concert of Europe",
        principles=("great powers are responsible together for the peace of Europe",),
        rules=("consult in conference before acting alone (Aix-la-Chapelle 1818, London 1830)",
               "no unilateral gains without compensation", "no elimination of a great power",
               "defeated France readmitted as a great power (1818)"),
        conditions=Conditions(
            regulation=1.0,
            shared_value=0.9,
            war_cost_perception=0.3,
            memory=1.0,  # the Napoleonic wars, just ended
            # changes only through experience (learning), not with time
            domestic_rate=DOMESTIC_RATE,  # the record's revolutions and changes of regime
            domestic_revisionist=DOMESTIC_REVISIONIST,
            memory_gain=2.0,
        ),
    )


def _basic_principles(available_from: int = 1) -> Regime:
    return Regime(
        name="Basic Principles of Relations (1972)",
        norms={"restraint": 1.0, "consultation": 1.0, "conference": 1.0},
        members=(0, 1),  # the signatories: the United States and the Soviet Union
        principles=("peaceful coexistence",),
        rules=("prevent situations that could cause a dangerous exacerbation of relations",
               "efforts to obtain unilateral advantage at the expense of the other are "
               "inconsistent with these objectives"),
        # Support estimated, not set: condition 1 follows from what a war between
        # the two would destroy (derived), condition 2 from what each comes to
        # believe of the other (trust; shared value itself not discounted).
        conditions=Conditions(regulation=1.0, regulation_from_war=True, shared_value=1.0,
                              war_cost_perception=1.0, available_from=available_from),
    )


#: What defines the superpower system (kept by a posterior draw).
SUPERPOWER_SETTINGS = ("capabilities", "names", "cow_year", "nuclear", "nuclear_cost")


def _superpower_system(**kw) -> System:
    # Two superpowers and five small states of the periphery.
    return System(
        capabilities=(0.40, 0.35, 0.05, 0.05, 0.05, 0.05, 0.05),
        names=("USA", "USSR", "P1", "P2", "P3", "P4", "P5"),
        cow_year=None, nuclear=(0, 1), nuclear_cost=0.95, **kw,
    )


#: What defines the Cold War system (kept by a posterior draw).
COLD_WAR_SETTINGS = ("capabilities", "names", "cow_year", "nuclear", "nuclear_from")


def _cold_war_system(**kw) -> System:
    from ..data.patterns import COLD_WAR_POWERS

    # The United States (index 0) tested in 1945, the Soviet Union (1) in 1949:
    # year 4 of a run from 1946.
    return System.from_cow(1946, states=COLD_WAR_POWERS, nuclear=(0, 1), nuclear_from=(1, 4),
                           **kw)


#: What defines the whole 1816 state system (kept by a posterior draw).
STATE_SYSTEM_SETTINGS = ("capabilities", "names", "cow_year", "geography", "gradient",
                         "elimination_threshold")
#: The state system's loss-of-strength gradient, per 1000 km: an assumption (the
#: literature gives the form, not a number), not fitted; docs/geography.md shows
#: the dangerous-dyads ratio across gradients.
STATE_SYSTEM_GRADIENT = 0.5
#: The claim the first era's state-system scenarios test.
STATE_SYSTEM_CLAIM = ("Dangerous dyads (Bremer 1992): contiguous pairs fight far more often "
                      "than others; great powers survive, minor powers are absorbed.")
#: The claim of the second era's whole state system.
STATE_SYSTEM_1946_CLAIM = ("Dangerous dyads after 1945 (Bremer 1992; Senese 2005): contiguous "
                           "pairs fight more often than others; great and minor states survive "
                           "(almost no state died after 1945: Fazal 2007).")


def state_system_elimination(capabilities) -> float:
    """A state system's elimination threshold: the largest power of ten at or
    below every state's capability share on entry, so that no state falls out
    of the system without a war (0.001 in 1816, below Hesse Grand Ducal's
    0.0017; 1e-06 in 1946-1991, where the smallest entrant holds 1.7e-06)."""
    c = np.asarray(capabilities, float)
    return float(10.0 ** np.floor(np.log10(c[c > 0].min() / c.sum())))


def state_system(year: int = 1816, until: int | None = None, **kw) -> System:
    """Every COW state-system member of ``year`` with a CINC (23 in 1816), at
    its capital with the year's direct contiguity, with the state system's
    gradient and elimination threshold (:func:`state_system_elimination`);
    with ``until``, also every state that enters by then, each entering and
    leaving on its COW dates in dated history (``System.from_cow(...,
    until=...)``)."""
    threshold = kw.pop("elimination_threshold", None)
    system = System.from_cow(year, members=True, until=until, geography="capitals",
                             gradient=kw.pop("gradient", STATE_SYSTEM_GRADIENT), **kw)
    if threshold is None:
        threshold = state_system_elimination(system.capabilities)
    return system.with_(elimination_threshold=threshold)


def _state_system_1946(**kw) -> System:
    """The second era's whole system: nuclear as in ``cold_war`` (the United
    States from 1946, the Soviet Union from its 1949 test)."""
    system = state_system(1946, until=1991, **kw)
    names = list(system.names)
    return system.with_(nuclear=(names.index("USA"), names.index("RUS")), nuclear_from=(1, 4))


#: What :func:`world_system` sets (kept by a posterior draw).
WORLD_SETTINGS = ("cow_year", "transfer", "decisiveness", "first_strike", "misperception",
                  "capability_noise")


def world_system(offense_defense: float, distinguishability: float) -> System:
    """The system of a Jervis (1978) world.

    The :class:`~security_regimes.games.stage.SecurityDilemma` mapping gives
    the stakes and the misperception; in the system the stakes scale the
    spoils of war (``transfer = 0.5 * stakes``), offense dominance makes
    contests more decisive (``k = 2.25 + 1.25 * offense_defense``) and
    striking first pay more (``first_strike`` = the default ``+ 0.25 *
    offense_defense``: the offense-defense balance moves the calibrated
    default's first-strike bonus), and distinguishability removes misperception and
    capability noise (``capability_noise = 0.3 * (1 - distinguishability)``).
    """
    sd = SecurityDilemma(offense_defense=offense_defense, distinguishability=distinguishability,
                         misperception=0.2)
    return System(
        cow_year=1816,
        transfer=min(0.5 * sd.stakes, 1.0),
        decisiveness=2.25 + 1.25 * offense_defense,
        first_strike=System.first_strike + 0.25 * offense_defense,
        misperception=sd.effective_misperception,
        capability_noise=0.3 * (1 - sd.distinguishability),
    )


def security_dilemma_grid(offense_defense=(-0.6, -0.3, 0.0, 0.3, 0.6),
                          distinguishability=(0.0, 0.25, 0.5, 0.75, 0.9), systems: int = 200,
                          years: int = 100, seed: int = DEFAULT_SEED, progress=None) -> pd.DataFrame:
    """Cooperation and regime autonomy over Jervis's two variables (Concert regime).

    One row per (offense_defense, distinguishability) cell: mean cooperation
    rate, regime autonomy and war frequency over ``systems`` runs.
    """
    rows = []
    for od in offense_defense:
        for d in distinguishability:
            system = world_system(od, d)
            s = simulate(system, years=years, policy=Policy("waltz"), regime=_concert_regime(),
                         systems=systems, seed=seed, record_alliances=False,
                         record_capabilities=False, progress=progress).summary
            a = s.regime_autonomy.to_numpy(float)
            rows.append({"offense_defense": od, "distinguishability": d,
                         "cooperation_rate": float(np.nanmean(s.cooperation_rate)),
                         "regime_autonomy": float(np.nanmean(a)) if np.isfinite(a).any() else 0.0,
                         "war_frequency": float(s.war_frequency.mean())})
    return pd.DataFrame(rows)


def four_worlds() -> dict[str, Scenario]:
    """Jervis's (1978) four worlds: offense/defense x (in)distinguishable postures.

    The :class:`~security_regimes.games.stage.SecurityDilemma` mapping gives
    the stake multiplier and misperception; in the system the stakes scale
    the spoils of war (``transfer``) and offense dominance makes contests
    more decisive, while distinguishability removes misperception and
    capability noise.
    """
    out = {}
    for offense in (True, False):
        for distinct in (False, True):
            system = world_system(0.6 if offense else -0.6, 0.9 if distinct else 0.0)
            name = (f"world_{'offense' if offense else 'defense'}_"
                    f"{'distinguishable' if distinct else 'indistinguishable'}")
            out[name] = Scenario(
                name=name,
                description=(f"{'Offense' if offense else 'Defense'} has the advantage; postures "
                             f"{'can' if distinct else 'cannot'} be told apart."),
                claim="Jervis 1978: the security dilemma is worst with offense dominance and "
                      "indistinguishable postures, mildest in the opposite world.",
                system=system, policy=Policy("waltz"), regime=_concert_regime(), years=100,
                start_year=1, defines=WORLD_SETTINGS,
            )
    return out


#: Jervis's (1982, p. 358) three variables, each from the economic setting (0)
#: to the security setting (1): competitive (relative gains), unforgiving (a
#: defeat is large and may be fatal) and uncertain (misread stances and
#: capabilities).  At 1 each takes the ``security`` scenario's value.
KNOBS = {
    "competitiveness": lambda v: {"relative_gains": 0.5 * v},
    "unforgivingness": lambda v: {"conquest": v > 0, "elimination_threshold": 0.02 * v,
                                  "transfer": 0.1 + 0.4 * v},
    "uncertainty": lambda v: {"misperception": 0.1 * v, "capability_noise": 0.2 * v},
}


def all_knobs(v: float) -> dict:
    """System settings with every one of Jervis's three knobs at ``v``."""
    return {k: x for f in KNOBS.values() for k, x in f(v).items()}


#: The system settings Jervis's three knobs set.
KNOB_SETTINGS = tuple(all_knobs(1.0))

#: The economic issue area: every knob at 0, and mutual restraint pays.
ECONOMIC = {**all_knobs(0.0), "cooperation_gain": 0.01}


def builtin_scenarios() -> dict[str, Scenario]:
    """The catalogue of built-in scenarios by name (a new dict each call; the
    scenarios themselves are built once and are immutable)."""
    return dict(_catalogue())


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Scenario]:
    anarchy_system = System(**all_knobs(1.0))
    scenarios = [
        Scenario(
            "anarchy",
            "Five great powers of 1816 in a security dilemma with no regime: relative gains, "
            "misperception and uncertain capabilities.",
            "Without a regime, restraint is what power and interest produce (autonomy 0).",
            system=anarchy_system, policy=Policy("waltz"), start_year=1816,
            defines=KNOB_SETTINGS,
        ),
        Scenario(
            "security",
            "The Concert's regime in a security setting: competitive (relative gains), "
            "unforgiving (elimination) and uncertain.",
            "Jervis: security regimes are harder to form and keep than economic ones.",
            system=anarchy_system, policy=Policy("waltz"), regime=_concert_regime(),
            start_year=1816, defines=KNOB_SETTINGS,
        ),
        Scenario(
            "economic",
            "An issue area where mutual restraint pays, with the same regime and machinery: "
            "cooperation raises growth (cooperation_gain 0.01 a year with every partner), "
            "defection costs its victim a bounded, recoverable loss (transfer 0.1, nobody is "
            "eliminated), gains are absolute and behaviour is observable (no misperception, "
            "capabilities known).  Each of these is a setting of one of Jervis's three knobs "
            "at 0 (regimes knobs), except the gain from cooperation, which is the topic.",
            "The baseline against which security regimes are harder.",
            system=System(**ECONOMIC),
            policy=Policy("waltz"), regime=_concert_regime(), start_year=1816,
            defines=tuple(ECONOMIC),
        ),
        Scenario(
            "concert_of_europe",
            "The five great powers of 1816 (COW capabilities) after the Napoleonic wars: "
            "self-help plus a regime of consultation, restraint, compensation, no elimination "
            "and readmission. The norms are a possible convention, not yet internalised: the "
            "regime forms if the members' internalisation and their trust that the others "
            "comply reach 0.5, and decays through events: betrayal, the lessons of new wars "
            "replacing the memory of the Napoleonic wars, relative decline and domestic "
            "changes of government (shared value 0.9, war-cost perception 0.3, the memory of "
            "the Napoleonic wars at 1; changes of government at the 1816-1913 record's rate, "
            f"{DOMESTIC_RATE:.4f} a power-year, {DOMESTIC_REVISIONIST:.2f} of them "
            "revisionist). "
            "Its system parameters "
            "are the package defaults: the crisis core, with the set fitted to COW wars and "
            "MID disputes of 1816-1870 without a regime (docs/validation.md, \"The default "
            "parameter set\").",
            "Jervis: the Concert was a security regime, formed after a hegemonic war, and "
            "decayed as its conditions faded (broken by the Crimean War, 1853-56).",
            system=System(), policy=Policy("waltz"), regime=_concert_regime(), years=100,
            start_year=1816,
        ),
        Scenario(
            "waltz_balance",
            "Balance of power as Waltz: self-help only.",
            "Waltz's balance is not a regime: restraint comes from mutual checks (autonomy 0).",
            policy=Policy("waltz"), years=200, start_year=1816,
        ),
        Scenario(
            "kaplan_balance",
            "Balance of power as Kaplan: the six rules internalised.",
            "Kaplan's balance is a regime: restraint is internal.",
            policy=Policy("kaplan"), years=200, start_year=1816,
        ),
        Scenario(
            "far_sighted_waltz",
            "Self-interested powers that value beaten rivals as future allies.",
            "Jervis: 'result' is not 'intent': interest can mimic Kaplan's restraint.",
            policy=Policy("far_sighted_waltz"), years=200, start_year=1816,
        ),
        Scenario(
            "superpower_bipolar",
            "Two nuclear superpowers (war between them destroys 95% of both) and five small "
            "states of the periphery, with the 1972 Basic Principles as norms between the "
            "two, their support estimated rather than set: condition 1 derived from what a "
            "war between them would destroy (regulation_from_war), condition 2 from their "
            "beliefs (shared value 1).  The "
            "superpower dyad's stage game follows from these stakes (`regimes schelling "
            "superpower_bipolar --pair 0,1`); `regimes paradox` runs it against the same "
            "world without nuclear weapons.",
            "Jervis: superpower relations are not a regime: rules have little autonomy from "
            "power and interest (nuclear chicken; stability-instability paradox).",
            system=_superpower_system(), policy=Policy("waltz"), regime=_basic_principles(),
            years=50, start_year=1972, defines=SUPERPOWER_SETTINGS,
        ),
        Scenario(
            "cold_war",
            "The second era from COW: the five major powers of the Cold War (the United "
            "States, the Soviet Union, Britain, France, China) with their 1946 capabilities, "
            "the United States nuclear from 1946 and the Soviet Union from its 1949 test "
            "(nuclear_from), 1946-1991, no regime; the package defaults otherwise.  Minor "
            "states are not in the system (the issue on the whole state system).",
            "The second era of the record: calibrated on 1946-1968, validated on 1969-1991 "
            "(examples/calibrate_cold_war.toml).",
            system=_cold_war_system(), policy=Policy("waltz"), years=46, start_year=1946,
            defines=COLD_WAR_SETTINGS,
        ),
        Scenario(
            "cold_war_basic_principles",
            "cold_war with the 1972 Basic Principles as norms between the two superpowers, "
            "able to bind from 1972 (available_from = 27) and with their support estimated "
            "as in superpower_bipolar (regulation_from_war, shared value 1).",
            "Jervis: superpower relations are not a regime; does the regime change "
            "1972-1991 (its likelihood ratio against the same seeds without it)?",
            system=_cold_war_system(), policy=Policy("waltz"), years=46, start_year=1946,
            regime=_basic_principles(available_from=27), defines=COLD_WAR_SETTINGS,
        ),
        Scenario(
            "state_system_1816",
            "The whole state system of 1816 from COW: all 23 members with their CINC, great "
            "and minor powers, each at its capital with the COW direct contiguity of 1816 "
            "(geography = capitals); a power fights with its strength reduced by "
            f"{STATE_SYSTEM_GRADIENT} per 1000 km to a target it does not border (gradient, "
            "an assumption, not fitted) and only where it reaches; no member is eliminated "
            f"without a war (elimination_threshold "
            f"{state_system_elimination(state_system().capabilities)}, below the smallest "
            "member); 1816-1913, no regime; the package defaults otherwise.  The "
            "system is closed: states that entered later are not in it.",
            STATE_SYSTEM_CLAIM,
            system=state_system(), policy=Policy("waltz"), years=98, start_year=1816,
            defines=STATE_SYSTEM_SETTINGS,
        ),
        Scenario(
            "state_system_dated",
            "The state system 1816-1913 in dated history: every COW member of 1816 and every "
            "state that enters by 1913 with a CINC on entry, each entering and leaving the "
            "system on its COW State System Membership dates (membership = record; the German "
            "and Italian states leave at unification) and growing along its COW CINC (growth "
            "= record; the model's wars deviate from it); each at its capital in its first "
            "member year, contiguous as in the first year both are members; otherwise as "
            "state_system_1816.",
            STATE_SYSTEM_CLAIM + "  In the system as it was, states entering and leaving.",
            system=state_system(until=1913), policy=Policy("waltz"), years=98, start_year=1816,
            defines=STATE_SYSTEM_SETTINGS + ("growth", "membership"),
        ),
        Scenario(
            "state_system_1946",
            "The state system 1946-1991 in dated history: every COW member of 1946 with a "
            "CINC and every state that enters by 1991 (the decolonised states of Africa and "
            "Asia among them), each entering and leaving on its COW dates and growing along "
            "its COW CINC, at its capital, with the first era's gradient; nuclear as in "
            "cold_war (the United States from 1946, the Soviet Union from 1949); no state "
            "falls out without a war (elimination_threshold below the smallest entrant's "
            "CINC share); no regime; the package defaults otherwise.",
            STATE_SYSTEM_1946_CLAIM,
            system=_state_system_1946(), policy=Policy("waltz"), years=46, start_year=1946,
            defines=STATE_SYSTEM_SETTINGS + ("growth", "membership", "nuclear",
                                             "nuclear_from"),
        ),
    ]
    out = {s.name: s for s in scenarios}
    out.update(four_worlds())
    return out


def get_scenario(name: str | Scenario) -> Scenario:
    if isinstance(name, Scenario):
        return name
    scenarios = _catalogue()
    return scenarios[check_choice(name, scenarios, "scenario")]


def run_scenario(name: str | Scenario, seed: int | None = DEFAULT_SEED, systems: int | None = None,
                 years: int | None = None) -> ScenarioResult:
    """Run a built-in (by name) or custom scenario and its norm-free counterfactual.

    Parameters
    ----------
    name : str or Scenario
        A built-in scenario name (see :func:`builtin_scenarios`) or a
        :class:`Scenario`.
    seed : int or None
        Root seed; both runs use the same per-system streams (``None``:
        fresh entropy, reported in the result).
    systems, years : int, optional
        Runs and years per run (default: the scenario's).

    Returns
    -------
    ScenarioResult
        ``.result`` (with norms) and ``.counterfactual`` (same seeds, norms
        stripped); ``.outcomes()`` gives, per outcome, the mean with norms and
        its 95% CI, the mean without norms, and the difference with its CI.

    Examples
    --------
    >>> r = run_scenario("concert_of_europe", seed=1, systems=20, years=40)
    >>> list(r.outcomes().columns)
    ['outcome', 'mean', 'lo', 'hi', 'runs', 'without_norms', 'difference', 'diff_lo', 'diff_hi']
    """
    return get_scenario(name).run(seed=seed, systems=systems, years=years)


#: Knob settings of :func:`knobs_experiment`, from the economic baseline to security.
KNOB_VALUES = (0.0, 0.25, 0.5, 0.75, 1.0)


def knobs_experiment(values=KNOB_VALUES, systems: int = 300, years: int = 100,
                     seed: int = DEFAULT_SEED, progress=None,
                     base: str | Scenario = "economic") -> pd.DataFrame:
    """Turn Jervis's three knobs one at a time, and all together, from the ``economic`` scenario
    (or another ``base``: its system, policy and regime, with the knobs' settings replaced).

    Each knob value in [0, 1] maps to system settings (``KNOBS``): 0 is the
    economic setting, 1 the security setting (knob ``all`` turns the three
    together; at 1 it is the ``security`` scenario's system with the gain
    from cooperation kept).  Every cell runs the same seeds.  Returns, per
    knob and value, with 95% CIs over runs: ``formed`` (share of runs in
    which the regime ever forms), ``regime_years`` (years in force),
    ``cooperation`` (restraining stances per directed pair-year),
    ``conflict`` (wars per pair-year), ``regime_autonomy`` and
    ``member_war_frequency``.
    """
    base = get_scenario(base)
    knobs = {**KNOBS, "all": all_knobs}
    rows = []
    for knob, settings in knobs.items():
        for v in values:
            scn = replace(base, system=replace(base.system, **settings(float(v))))
            s = simulate(scn.system, years=years, policy=scn.policy, regime=scn.regime,
                         systems=systems, seed=seed, record_alliances=False,
                         record_capabilities=False, progress=progress).summary
            row = {"knob": knob, "value": v}
            for col, series in (("formed", s.formation_year.notna().astype(float)),
                                ("regime_years", s.regime_years.astype(float)),
                                ("cooperation", s.cooperation_per_pair_year),
                                ("conflict", s.wars_per_dyad_year),
                                ("regime_autonomy", s.regime_autonomy),
                                ("member_war_frequency", s.member_wars / years)):
                m, lo, hi, _ = mean_ci(series)
                row.update({col: m, f"{col}_lo": lo, f"{col}_hi": hi})
            rows.append(row)
    return pd.DataFrame(rows)


def stage_game(scenario: str | Scenario | System, pair: tuple[int, int] | None = None) -> Game:
    """The stage game the scenario's powers play in its system's first year.

    Payoffs are shares of the row power's capability (see
    :func:`security_regimes.system.model.dyad_payoffs`): ``R`` mutual
    restraint, ``T`` striking a restraining power first, ``S`` being struck
    first while restraining, ``P`` a war neither opens by surprise.  For one
    ordered ``pair`` of power indices, or the mean over all ordered pairs.
    The game's ``name`` says which 2x2 game the ordering makes.
    """
    system = scenario if isinstance(scenario, System) else get_scenario(scenario).system
    pay = dyad_payoffs(system)
    if pair is not None:
        i, j = (check_int(x, "pair", 0, system.n_powers - 1) for x in pair)
        if i == j:
            raise ValueError(f"pair: two different powers expected, got {pair!r}")
        vals = {k: float(v[i, j]) for k, v in pay.items()}
        label = f"{system.names[i]} vs {system.names[j]}"
    else:
        vals = {k: float(np.nanmean(v)) for k, v in pay.items()}
        label = "mean over pairs"
    g = Game(**vals)
    return replace(g, name=f"{g.kind()} ({label})")


#: Stage games that pose a problem of cooperation (the dilemmas of Jervis 1978):
#: restraint is not simply best (harmony) nor never best (deadlock).
DILEMMAS = ("prisoners_dilemma", "stag_hunt", "chicken")


def pair_games(scenario: str | Scenario | System = "concert_of_europe",
               core: str | None = None) -> pd.DataFrame:
    """The stage game of every ordered pair of powers in the first year.

    One row per ordered pair: the powers, ``T``, ``R``, ``P``, ``S`` (the
    first-strike core: shares of the row power's capability; the crisis
    core: units of the disputed good, see
    :func:`security_regimes.system.model.crisis_payoffs`), the 2x2 game
    their ordering makes and ``dilemma`` (a prisoner's dilemma, stag hunt
    or chicken).  ``core`` replaces the system's decision core.
    """
    system = scenario if isinstance(scenario, System) else get_scenario(scenario).system
    if core is not None:
        system = system.with_(core=core)
    pay = dyad_payoffs(system)
    rows = []
    for i in range(system.n_powers):
        for j in range(system.n_powers):
            if i == j:
                continue
            g = Game(**{k: float(v[i, j]) for k, v in pay.items()})
            rows.append({"power": system.names[i], "other": system.names[j], "T": g.T,
                         "R": g.R, "P": g.P, "S": g.S, "game": g.kind(),
                         "dilemma": g.kind() in DILEMMAS})
    df = pd.DataFrame(rows)
    df.attrs["core"] = system.core
    return df


def schelling(scenario: str | Scenario | None = None, n: int | None = None,
              pair: tuple[int, int] | None = None) -> pd.DataFrame:
    """Schelling's binary-choice diagram for the stage game the scenario's powers play.

    The game is :func:`stage_game` of the scenario's system (mean over pairs,
    or one ``pair``).  For a power facing ``n - 1`` others of whom ``k``
    restrain, the payoff (sum of its dyadic payoffs, in shares of its
    capability) of restraining is ``k R + (n - 1 - k) S`` and of expanding
    ``k T + (n - 1 - k) P``.  Column ``restraint_pays`` marks where restraint
    does at least as well; ``critical_mass`` (an attribute of the frame) is
    the smallest ``k`` from which it always does, or ``None``.
    """
    s = get_scenario(scenario or "concert_of_europe")
    n = s.system.n_powers if n is None else check_int(n, "--powers", 2, MAX_POWERS)
    g = stage_game(s, pair)
    k = np.arange(n)
    df = pd.DataFrame({"others_restraining": k,
                       "restrain": k * g.R + (n - 1 - k) * g.S,
                       "expand": k * g.T + (n - 1 - k) * g.P})
    df["restraint_pays"] = df.restrain >= df.expand
    ok = df.restraint_pays.to_numpy()
    crit = None
    for i in range(n):
        if ok[i:].all():
            crit = int(k[i])
            break
    df.attrs["critical_mass"] = crit
    df.attrs["game"] = g.name
    return df


def stability_instability(systems: int = 1000, years: int = 50, seed: int = DEFAULT_SEED,
                          core: str | None = None, progress=None,
                          base: str | Scenario = "superpower_bipolar") -> pd.DataFrame:
    """The stability-instability paradox (Snyder 1965): nuclear against non-nuclear.

    Runs ``superpower_bipolar`` as it is and with ``nuclear=()`` (the same
    seeds, so the same draws).  Per world: wars per year directly between the
    two superpowers, wars in the periphery (any other war), and wars that a
    superpower starts against a periphery state, with 95% CIs over runs.  The
    paradox predicts fewer direct wars and as many or more periphery wars
    under nuclear weapons.  ``core`` replaces the decision core; under the
    crisis core each world also reports its crises per year and the share of
    them that became a war.  ``progress`` is called with the system-years
    done (``2 * systems * years`` in all), as :func:`simulate`'s.  ``base``
    replaces ``superpower_bipolar`` (a scenario with nuclear powers).
    """
    base = get_scenario(base)
    if core is not None:
        base = replace(base, system=base.system.with_(core=core))
    rows = []
    for label, nuclear in (("nuclear", True), ("non-nuclear", False)):
        wars = paradox_wars(base, systems, years, seed, nuclear, progress=progress)
        row = {"world": label, "core": base.system.core}
        for name, x in wars.items():
            per_run = x.mean(axis=1)
            mm, lo, hi, _ = mean_ci(per_run[~np.isnan(per_run)])
            row.update({name: mm, f"{name}_lo": lo, f"{name}_hi": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def paradox_wars(scenario: Scenario, systems: int, years: int, seed: int | None,
                 nuclear: bool = True, progress=None) -> dict[str, np.ndarray]:
    """Wars of a superpower scenario by kind, each a (systems, years) bool array.

    ``superpower_wars``: between two of the scenario's nuclear powers;
    ``periphery_wars``: every other war; ``superpower_initiated``: started by
    a superpower against a smaller state.  ``nuclear=False`` runs the same
    powers without nuclear weapons (same seeds).
    """
    scn = scenario if nuclear else replace(scenario, system=replace(scenario.system, nuclear=(),
                                                                    nuclear_from=()))
    m = scn.simulate(systems, years, seed, progress=progress).measures
    war, superpowers = m["war"], list(scenario.system.nuclear)
    sup_a, sup_d = np.isin(m["attacker"], superpowers), np.isin(m["defender"], superpowers)
    direct = war & sup_a & sup_d
    out = {"superpower_wars": direct, "periphery_wars": war & ~direct,
           "superpower_initiated": war & sup_a & ~sup_d}
    if scenario.system.core == "crisis":
        out["crises"] = m["crises"].astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = m["crisis_wars"].sum(axis=1) / m["crises"].sum(axis=1)
        out["crisis_war_share"] = np.broadcast_to(share[:, None], war.shape)
    return out
