"""The constraint tables of the settings classes, as plain data.

One table per settings class (:class:`~security_regimes.system.config.System`,
:class:`~security_regimes.system.config.Policy`,
:class:`~security_regimes.regimes.regime.Conditions`,
:class:`~security_regimes.regimes.regime.Regime`,
:class:`~security_regimes.regimes.scenarios.Scenario`): each row a field's kind,
valid range, unit and one-line meaning (:class:`~security_regimes._settings.Setting`).
The classes hold them as ``SETTINGS`` and check every value against them; the
file models, the sweep paths and casts, the EMA ranges, the calibration
priors, the command line's help and the docs' settings page all read them
(see :mod:`security_regimes._settings`).  Kept at the bottom of the stack,
free of heavy imports, so that the command line can build its help without
loading the model.
"""

from ._policies import KAPLAN_RULES, POLICIES
from ._settings import Setting, Settings

#: The regime's norms (:mod:`security_regimes.regimes.regime`), in one list.
NORMS = ("restraint", "consultation", "compensation", "no_elimination", "readmission",
         "conference", "collective")
#: The decision cores of the system year (``System.core``).
CORES = ("first_strike", "crisis")
#: How the powers grow (``System.growth``): drawn at random, or along the COW record.
GROWTH_MODES = ("drawn", "record")
#: The most powers (states) a system holds (memory grows with its square).
MAX_POWERS = 256
#: How a system's geography is given (``System.geography``).
GEOGRAPHIES = ("none", "capitals", "grid", "random")
#: Membership of the state system: the first year's powers only, COW's dates,
#: or entry drawn at a rate.
MEMBERSHIPS = ("closed", "record", "drawn")
#: The longest run, in years.
MAX_YEARS = 10_000

#: The package's defaults fitted to the record (issue 27, "one calibrated default
#: set"): the posterior medians, rounded to three significant digits, of the base
#: system (``waltz_balance``: no regime, the crisis core) fitted to COW wars and MID
#: disputes among the five 1816 great powers in 1816-1870, holding out 1871-1913.
#: ``System``'s defaults for these settings are these values; every other default is
#: a documented choice, not fitted.  Provenance: :data:`CALIBRATION`; the fit's
#: posterior intervals and checks: docs/validation.md, "The default parameter set".
CALIBRATED = {
    "first_strike": -0.108,
    "stakes": 0.226,
    "resolve_spread": 0.744,
    "audience_cost": 0.122,
    "discount_factor": 0.771,
    "yield_cost": 0.195,
    "misperception": 0.0569,
}
#: Where :data:`CALIBRATED` comes from.  The serial sampler makes the fit
#: bit-reproducible (with the process pool, particles are accepted in the order
#: workers finish); ``tests/test_defaults.py`` checks these values against the
#: record that ``scripts/record_validation.py`` writes.
CALIBRATION = ("regimes calibrate examples/calibrate_defaults.toml --executor serial "
               "--out results/calibration_defaults (ABC-SMC, seed 1, 8 generations of 400 "
               "particles, 40 runs each; security-regimes 0.1.0, 2026-12-08)")
#: The defaults before calibration (the first-strike core, as in versions before
#: the crisis core became the default): ``System(**UNCALIBRATED)`` reproduces their
#: runs bit for bit.
UNCALIBRATED = {"core": "first_strike", "first_strike": 0.25, "misperception": 0.05,
                "discount_factor": 0.9, "stakes": 0.5, "resolve_spread": 1.0,
                "audience_cost": 0.05, "yield_cost": 0.0}

#: The constraint table of :class:`~security_regimes.system.config.System`.
SYSTEM_SETTINGS = Settings([
    Setting("capabilities", "numbers", "Initial capabilities (any positive scale, "
            "renormalised to sum 1); null: from the COW year", optional=True, sweep=False),
    Setting("names", "texts", "Power names (COW abbreviations when from COW)",
            optional=True, sweep=False),
    Setting("cow_year", "integer", "COW year of the initial capabilities (null: 1816 "
            "without capabilities, none with them)", 1816, 2016, optional=True,
            sweep=False, unit="year"),
    Setting("growth_mean", "number", "Mean yearly log growth of a power", -1, 1,
            unit="log per year"),
    Setting("growth_sd", "number", "Standard deviation of yearly log growth", 0, 1,
            unit="log per year"),
    Setting("growth", "choice", "Growth of the powers: drawn (with growth_mean and "
            "growth_sd) or record (each power's COW CINC path from cow_year; wars deviate "
            "from it)",
            choices=GROWTH_MODES, sweep=False),
    Setting("decisiveness", "number", "Exponent k of the contest success function", 0, 20,
            open_low=True),
    Setting("war_cost", "number", "Share of every fighter's capability a battle destroys",
            0, 1),
    Setting("transfer", "number", "Share of the losers' capability the winners take", 0, 1),
    Setting("elimination_threshold", "number",
            "Share of the system total below which a power is eliminated", 0, 1,
            open_high=True),
    Setting("misperception", "number", "Probability a power misreads another's stance",
            0, 1),
    Setting("threat_share", "number",
            "Share of the strongest power at which self-help balancing pays", 0, 1,
            open_low=True),
    Setting("predominance_share", "number",
            "Share at which Kaplan's rule 4 sees a tendency to predominance", 0, 1,
            open_low=True),
    Setting("exclusion_years", "integer", "Years a defeated power is shunned as an ally",
            0, 1000, unit="years"),
    Setting("restore_rate", "number",
            "Yearly probability that rule 6 restores an eliminated essential actor", 0, 1,
            unit="per year"),
    Setting("supranational", "indices", "Powers with supranational principles (rule 5)",
            sweep=False),
    Setting("relative_gains", "number",
            "Weight on the other's loss in judging a war (competitiveness)", 0, 1),
    Setting("capability_noise", "number",
            "Standard deviation of the log error in seeing another's capability", 0, 5),
    Setting("conquest", "flag", "false: no power is ever eliminated"),
    Setting("nuclear", "indices", "Nuclear powers", sweep=False),
    Setting("nuclear_from", "years", "Year of the run (1: the first) from which each power "
            "of nuclear has nuclear weapons, in its order; empty: all from the first year",
            sweep=False),
    Setting("nuclear_cost", "number",
            "Share of capability destroyed in a war with nuclear powers on both sides",
            0, 1),
    Setting("first_strike", "number",
            "First-strike bonus: the offense-defense balance", -1, 10, open_low=True),
    Setting("shadow", "number", "Shadow of the future: weight of reciprocated restraint",
            0, 1),
    Setting("belief_prior", "number",
            "Initial belief that another power is a security seeker", 0, 1),
    Setting("grievance_years", "integer", "Years a power remembers an attack on it",
            0, 1000, unit="years"),
    Setting("cooperation_gain", "number",
            "Extra yearly log growth from mutual restraint with every other power", 0, 1,
            unit="log per year"),
    Setting("decisive_lead", "integer", "Lead in battles that ends a war", 1, 8,
            unit="battles"),
    Setting("intensification", "number", "Growth per battle of the share of each fighter "
            "a battle destroys: battle t destroys war_cost x (1 + intensification)^(t - 1), "
            "at most all (mobilisation; acts when decisive_lead > 1); 0: every battle alike",
            0, 10, unit="per battle"),
    Setting("alliance_reliability", "number",
            "Probability an ally honours its commitment", 0, 1),
    Setting("alliance_persistence", "number", "Probability a year that a power that would "
            "ally against no one keeps last year's alliance while the power it was against "
            "is alive (a treaty outlives its reason: Leeds and Savun 2007)", 0, 1,
            unit="per year"),
    Setting("opportunism", "number", "Probability a bystander weighs joining a war", 0, 1),
    Setting("contagion", "number", "Probability a bystander that borders a fighter or is "
            "allied with one joins the war, each once per war, the joiners exposing their "
            "own neighbours and allies (Siverson and Starr 1991); 0: no contagion", 0, 1),
    # The crisis-bargaining core (system/model.py, "The crisis core").
    Setting("core", "choice", "Decision core of the year: first_strike (a war when a first "
            "strike beats restraint) or crisis (a war when crisis bargaining fails)",
            choices=CORES, sweep=False),
    Setting("discount_factor", "number", "Discount factor per year of the crisis core's "
            "continuation values", 0, 1, open_high=True),
    Setting("stakes", "number", "Value of the good two powers dispute, as a share of a "
            "power's capability (crisis core)", 0, 10, open_low=True),
    Setting("resolve_spread", "number", "Private information: a power's cost of war is "
            "drawn from mean x (1 +/- resolve_spread) per crisis (crisis core)", 0, 1),
    Setting("audience_cost", "number", "Cost of backing down after a rejected demand, "
            "units of the disputed good (crisis core)", 0, 1),
    Setting("yield_cost", "number", "What a target loses by yielding beyond the demand "
            "itself (its reputation for resolve), units of the disputed good (crisis core)", 0, 1),
    Setting("escalation_risk", "number", "Probability that a crisis whose demand is "
            "rejected escalates to war by accident (crisis core)", 0, 1),
    Setting("trend_years", "integer", "Years over which a power averages growth to project "
            "next year's balance (crisis core)", 1, 100, unit="years"),
    # Geography (system/model.py, "Geography").
    Setting("geography", "choice", "Geography, where the powers are: none (each reaches every other at "
            "full strength), capitals (COW capitals and direct contiguity in cow_year), "
            "grid (a square lattice 1000 km apart, neighbours contiguous) or random (a "
            "random planar map: points drawn with map_seed, Delaunay neighbours contiguous)",
            choices=GEOGRAPHIES, sweep=False),
    Setting("map_seed", "integer", "Seed of the random planar map (geography = random)", 0,
            2**31 - 1, sweep=False),
    Setting("membership", "choice", "Membership: closed (the powers of the first year, none "
            "enters), record (each power enters and leaves the system on its COW State "
            "System Membership dates, with its capability on entry; needs growth = record) "
            "or drawn (the last entrants powers start outside, each power outside the "
            "system enters at entry_rate a year and each inside leaves at exit_rate)",
            choices=MEMBERSHIPS, sweep=False),
    Setting("entrants", "integer", "Powers (the last ones) that start outside the system "
            "and enter later (membership = drawn); 0 otherwise", 0, MAX_POWERS - 2,
            sweep=False, unit="powers"),
    Setting("entry_rate", "number", "Probability a year that a power outside the system "
            "(not yet entered, or destroyed) enters it as a new state (membership = drawn; "
            "0 otherwise)", 0, 1, unit="per year"),
    Setting("exit_rate", "number", "Probability a year that a power inside the system leaves "
            "it without a war (a state death by unification, dissolution or absorption; "
            "membership = drawn; 0 otherwise)", 0, 1, unit="per year"),
    Setting("gradient", "number", "Loss-of-strength gradient: share of a power's strength "
            "lost per 1000 km to a target it does not border (Boulding 1962)", 0, 10,
            unit="per 1000 km"),
])


#: The constraint table of :class:`~security_regimes.system.config.Policy`.
POLICY_SETTINGS = Settings([
    Setting("name", "choice", "Balance-of-power policy", choices=POLICIES),
    Setting("rules", "weights", "Weight of a Kaplan rule (policy kaplan)",
            choices=tuple(KAPLAN_RULES)),
    Setting("balancer", "integer", "Index of the balancer power (policy balancer)", 0,
            MAX_POWERS - 1),
    Setting("future_weight", "number",
            "Yearly chance a spared power's help is needed (far_sighted_waltz)", 0, 100),
    Setting("discount", "number", "Weight of next year (far_sighted_waltz)", 0, 1,
            open_high=True),
    Setting("internal_rules", "flag", "Kaplan's rules bind decisions (policy custom; "
            "kaplan has it)", optional=True),
    Setting("manual_balancer", "flag", "Power balancer joins the weaker side of every war "
            "(policy custom; balancer has it)", optional=True),
    Setting("spares_future_allies", "flag", "A winner spares a loser worth more as a future "
            "ally (policy custom; far_sighted_waltz has it)", optional=True),
])


#: The kinds of dated regime event (``Conditions.events``), by kernel code.
EVENT_KINDS = ("domestic", "revisionist")

#: The constraint table of :class:`~security_regimes.regimes.regime.Conditions`.
CONDITIONS_SETTINGS = Settings([
    Setting("regulation", "number", "(1) How much the powers want a regulated environment",
            0, 1),
    Setting("regulation_from_war", "flag", "(1) is regulation times what a war among the "
            "members would destroy (derived from interests)"),
    Setting("shared_value", "number",
            "(2) How far each believes the others value mutual security", 0, 1),
    Setting("revisionist", "indices", "(3) Powers that seek security in expansion",
            sweep=False),
    Setting("shock_rate", "number", "Yearly probability a power turns revisionist without a "
            "change of government", 0, 1, unit="per power-year"),
    Setting("domestic_rate", "number", "Yearly probability of a domestic change of government "
            "(revolution or change of regime) in a power", 0, 1, unit="per power-year"),
    Setting("domestic_revisionist", "number", "Share of domestic changes that bring a "
            "government seeking security in expansion", 0, 1),
    Setting("events", "events", "Dated events: [year of the run, power, kind]; domestic: a "
            "change of government, revisionist: one that brings a revisionist government",
            choices=EVENT_KINDS, sweep=False),
    Setting("war_cost_perception", "number", "(4) How costly war is seen to be", 0, 1),
    Setting("memory", "number", "Memory of a hegemonic war at the start", 0, 1),
    Setting("learning", "number", "Share of the memory of war that a year's member wars "
            "replace with their own cost", 0, 1),
    Setting("half_life", "number", "Years for the memory of war to halve in peace; null: it "
            "does not fade with time", 0, 1e6, open_low=True, optional=True, unit="years"),
    Setting("memory_gain", "number",
            "Cost of war seen per unit of capability destroyed in a member war", 0, 1000),
    Setting("adaptation", "number", "Share of the gap to its target a weight closes a year",
            0, 1, open_low=True, unit="per year"),
    Setting("initial_weight", "number", "Internalisation weights at the start; null: the "
            "target", 0, 1, optional=True),
    Setting("threshold", "number", "Strength at which the regime forms and holds", 0, 1),
    Setting("decline", "number", "Exponent of relative decline in a member's target",
            0, 1000),
    Setting("available_from", "integer", "Year of the run (1: the first) from which the "
            "regime can be in force (its norms' date)", 1, MAX_YEARS, unit="year"),
])


#: The constraint table of :class:`~security_regimes.regimes.regime.Regime`.
REGIME_SETTINGS = Settings([
    Setting("name", "text", "Name of the regime", sweep=False),
    Setting("norms", "weights", "Strength of a norm", choices=NORMS),
    Setting("members", "indices", "Member powers; null: every power", optional=True,
            sweep=False),
    Setting("conditions", "section", "Jervis's conditions (regime.conditions)",
            sweep=False),
    Setting("compensation_share", "number",
            "Share of a war gain handed to abstaining members", 0, 1),
    Setting("principles", "texts", "Principles (documentation)", sweep=False),
    Setting("rules", "texts", "Rules (documentation)", sweep=False),
])


#: The constraint table of :class:`~security_regimes.regimes.scenarios.Scenario`.
SCENARIO_SETTINGS = Settings([
    Setting("name", "text", "Name of the scenario", sweep=False),
    Setting("description", "text", "What the scenario runs", sweep=False, max_chars=10_000),
    Setting("claim", "text", "The claim of Jervis (1982) it measures", sweep=False),
    Setting("system", "section", "The international system ([system])", sweep=False),
    Setting("policy", "section", "The balance-of-power policy ([policy])", sweep=False),
    Setting("regime", "section", "The security regime ([regime]); none by default",
            sweep=False),
    Setting("years", "integer", "Years per run", 1, MAX_YEARS, sweep=False, unit="years"),
    Setting("systems", "integer", "Independent runs", 1, 10_000_000, sweep=False),
    Setting("start_year", "integer", "Calendar year of simulated year 1", -10_000, 10_000,
            sweep=False, unit="year"),
    Setting("dyadic", "strategies",
            "Dyadic strategy of every power, or a list of one per power"),
    Setting("defines", "texts",
            "The [system] settings that define the scenario: a calibration's posterior draw "
            "replaces only the others (regimes contrasts); in a file, by default the keys "
            "its [system] table sets", sweep=False),
])
