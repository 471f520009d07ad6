"""The names of the system year, each declared once: parameters, draw blocks and measures.

Three tables describe what the compiled year (:mod:`security_regimes.system.kernel`)
reads and writes; everything that needs those names derives from them:

* :data:`PARAMETERS`: every scalar the kernel reads, with where its value
  comes from (``system.war_cost``, ``norm.restraint``, ...).  The kernel
  receives them as one record (:data:`PARAMETER_DTYPE`; numba passes a record
  as one pointer, where a named tuple of 50 scalars is copied at every phase
  call), so a phase reads ``p.opportunism``; :func:`pack` builds it from a
  setting.
* :data:`DRAW_BLOCKS`: the named blocks of a system-year's uniform draws and
  their shapes; :func:`draw_layout` gives each block's offset in the year's
  counter range, :func:`draws_per_year` their total, and :func:`offsets` the
  record of offsets the kernel reads (``off.rule4``).
* :data:`MEASURES`: every per system-year measure with its dtype, unit and a
  line of documentation.  ``YEAR_MEASURES`` (the order of the tidy tables),
  the kernel's output rows and index constants (``M_WAR_SIZE`` into the float
  rows, ``M_WARS`` into the integer rows, ``M_WAR`` into the boolean rows,
  generated below), the sweep store's dtypes and the docs' measures page are
  read from it.

Adding a parameter, a draw block or a measure is adding a row here (see
``docs/adding_a_mechanism.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Most battles a war can last (draws are reserved for each of up to N wars a year).
MAX_BATTLES = 16


# --- Parameters -------------------------------------------------------------

@dataclass(frozen=True)
class Parameter:
    """One scalar the compiled year reads.

    ``source`` says where its value comes from: ``system.NAME``,
    ``policy.NAME``, ``norm.NAME`` (a norm's strength), ``regime.NAME``,
    ``conditions.NAME`` (the regime's conditions), ``dyadic.NAME``,
    ``model.NAME`` (a constant of :mod:`~security_regimes.system.model`), or
    ``derived`` (computed in :func:`pack`).  ``without_regime`` is its value
    when the run has no regime (for the regime's sources).
    """

    name: str
    kind: str  # "f8", "i8" or "b1"
    source: str
    doc: str
    without_regime: float = 0.0


PARAMETERS: tuple[Parameter, ...] = (
    # The system (see System for each one's meaning and source).
    Parameter("decisiveness", "f8", "system.decisiveness", "k of the contest success function"),
    Parameter("war_cost", "f8", "system.war_cost", "share of each fighter destroyed per battle"),
    Parameter("transfer", "f8", "system.transfer", "share of the losers taken by the winners"),
    Parameter("first_strike", "f8", "system.first_strike", "first-strike bonus"),
    Parameter("elimination_threshold", "f8", "system.elimination_threshold",
              "share of the total below which a power is eliminated"),
    Parameter("misperception", "f8", "system.misperception",
              "probability that a stance is misread"),
    Parameter("threat_share", "f8", "system.threat_share", "share at which others ally"),
    Parameter("predominance_share", "f8", "system.predominance_share",
              "share that tends toward predominance (Kaplan's rule 4)"),
    Parameter("restore_rate", "f8", "system.restore_rate", "rule 6 restoration rate, per year"),
    Parameter("relative_gains", "f8", "system.relative_gains",
              "weight of the other's gain against one's own"),
    Parameter("nuclear_cost", "f8", "system.nuclear_cost",
              "share destroyed per battle of a war with nuclear powers on both sides"),
    Parameter("shadow", "f8", "system.shadow", "shadow of the future"),
    Parameter("belief_prior", "f8", "system.belief_prior", "belief of a restored power"),
    Parameter("cooperation_gain", "f8", "system.cooperation_gain",
              "extra log growth from mutual restraint with every other power"),
    Parameter("alliance_reliability", "f8", "system.alliance_reliability",
              "probability that an ally honours its commitment"),
    Parameter("contagion", "f8", "system.contagion",
              "probability an exposed bystander (a neighbour or ally of a fighter) joins"),
    Parameter("opportunism", "f8", "system.opportunism",
              "probability that a bystander weighs joining a war"),
    Parameter("exclusion_years", "i8", "system.exclusion_years", "years a loser is shunned"),
    Parameter("grievance_years", "i8", "system.grievance_years", "years an attack is remembered"),
    Parameter("conquest", "b1", "system.conquest", "powers can be eliminated"),
    Parameter("decisive_lead", "i8", "system.decisive_lead", "battles' lead that ends a war"),
    Parameter("intensification", "f8", "system.intensification",
              "growth per battle of the share a battle destroys"),
    Parameter("capability_noise", "b1", "derived",
              "capabilities are seen with noise (system.capability_noise > 0)"),
    # The crisis core (model.py, "The crisis core").
    Parameter("crisis", "b1", "derived", "the decision core is crisis bargaining "
              "(system.core == 'crisis')"),
    Parameter("discount_factor", "f8", "system.discount_factor",
              "discount factor per year of continuation values"),
    Parameter("stakes", "f8", "system.stakes", "value of the disputed good, share of capability"),
    Parameter("resolve_spread", "f8", "system.resolve_spread",
              "half-width of a cost of war's private draw, relative to its mean"),
    Parameter("audience_cost", "f8", "system.audience_cost",
              "a challenger's cost of backing down, units of the good"),
    Parameter("escalation_risk", "f8", "system.escalation_risk",
              "chance that a rejected demand's stand-off becomes a war"),
    Parameter("yield_cost", "f8", "system.yield_cost",
              "a target's reputation cost of yielding, units of the good"),
    Parameter("trend_years", "i8", "system.trend_years",
              "years of the exponential average of growth"),
    Parameter("drawn_entry", "b1", "derived",
              "powers outside enter at a rate (system.membership == 'drawn')"),
    Parameter("entry_rate", "f8", "system.entry_rate",
              "chance a year that a power outside the system enters it"),
    Parameter("exit_rate", "f8", "system.exit_rate",
              "chance a year that a power inside the system leaves it without a war"),
    Parameter("alliance_persistence", "f8", "system.alliance_persistence",
              "chance a year that a power keeps last year's alliance when it would "
              "ally against no one"),
    # The balance-of-power policy, as declared properties (config.POLICY_TRAITS).
    Parameter("rule1", "f8", "policy.rule1", "weight of Kaplan's rule 1 (negotiate)"),
    Parameter("rule2", "f8", "policy.rule2", "weight of Kaplan's rule 2 (take big gains)"),
    Parameter("rule3", "f8", "policy.rule3", "weight of Kaplan's rule 3 (do not eliminate)"),
    Parameter("rule4", "f8", "policy.rule4", "weight of Kaplan's rule 4 (oppose predominance)"),
    Parameter("rule5", "f8", "policy.rule5", "weight of Kaplan's rule 5 (constrain supranational)"),
    Parameter("rule6", "f8", "policy.rule6", "weight of Kaplan's rule 6 (readmit)"),
    Parameter("balancer", "i8", "policy.balancer_index",
              "the power that joins the weaker side of every war, -1: none"),
    Parameter("spares_future_allies", "b1", "policy.sparing",
              "a winner spares a loser worth more as a future ally"),
    Parameter("future_weight", "f8", "policy.future_weight",
              "yearly chance that a spared power's help is needed"),
    Parameter("discount", "f8", "policy.discount", "weight of next year (far-sighted)"),
    # The dyadic strategies.
    Parameter("stochastic", "b1", "dyadic.stochastic", "some strategy replies at random"),
    # The regime: its norms' strengths and its conditions.
    Parameter("has_regime", "b1", "derived", "the run has a regime"),
    Parameter("local_threat", "b1", "derived",
              "strength fades with distance (a geography, gradient > 0): each power's "
              "threat is its own (phases.ally)"),
    Parameter("has_borders", "b1", "derived",
              "the system has a geography, so pairs may border each other "
              "(phases.contiguity_measures)"),
    Parameter("restraint", "f8", "norm.restraint", "strength of the restraint norm"),
    Parameter("consultation", "f8", "norm.consultation", "strength of the consultation norm"),
    Parameter("compensation", "f8", "norm.compensation", "strength of the compensation norm"),
    Parameter("no_elimination", "f8", "norm.no_elimination",
              "strength of the no-elimination norm"),
    Parameter("readmission", "f8", "norm.readmission", "strength of the readmission norm"),
    Parameter("conference", "f8", "norm.conference", "strength of the conference norm"),
    Parameter("collective", "f8", "norm.collective", "strength of the collective-action norm"),
    Parameter("compensation_share", "f8", "regime.compensation_share",
              "share of a war gain handed to abstaining members"),
    Parameter("regulation", "f8", "conditions.regulation", "Jervis's condition 1"),
    Parameter("regulation_from_war", "b1", "conditions.regulation_from_war",
              "condition 1 scaled by what a war among the members would destroy"),
    Parameter("shared_value", "f8", "conditions.shared_value", "Jervis's condition 2"),
    Parameter("war_cost_perception", "f8", "conditions.war_cost_perception",
              "Jervis's condition 4 before memory"),
    Parameter("memory_decay", "f8", "derived",
              "yearly factor of the memory of war, 0.5 ** (1 / half_life); 1 without", 1.0),
    Parameter("learning", "f8", "conditions.learning",
              "share of the memory of war a year's member wars replace with their cost"),
    Parameter("memory_gain", "f8", "conditions.memory_gain",
              "cost of war seen per unit destroyed in member wars"),
    Parameter("adaptation", "f8", "conditions.adaptation",
              "share of the gap to its target a weight closes each year"),
    Parameter("shock_rate", "f8", "conditions.shock_rate", "revisionist turns per power-year"),
    Parameter("domestic_rate", "f8", "conditions.domestic_rate",
              "domestic changes of government per power-year"),
    Parameter("domestic_revisionist", "f8", "conditions.domestic_revisionist",
              "share of domestic changes that bring a revisionist government"),
    Parameter("formation", "f8", "conditions.threshold",
              "strength at which the regime forms and holds", 1.0),
    Parameter("decline", "f8", "conditions.decline", "exponent of relative decline"),
    Parameter("available_from", "i8", "conditions.available_from",
              "year of the run (1: the first) from which the regime can be in force", 1),
    # Constants of the model.
    Parameter("big_gain", "f8", "model.BIG_GAIN",
              "share of its capability that makes a gain big (rule 2)"),
    Parameter("comply_belief", "f8", "model.COMPLY_BELIEF",
              "belief above which a member expects reciprocity"),
)

#: The kernel's parameters: one record of scalars, a field per row (``p.war_cost``).
PARAMETER_DTYPE = np.dtype([(p.name, {"f8": np.float64, "i8": np.int64, "b1": np.bool_}[p.kind])
                            for p in PARAMETERS], align=True)

_CAST = {"f8": float, "i8": int, "b1": bool}


#: Each parameter with its source split (``system.transfer``: "system", "transfer")
#: and its cast, for :func:`pack_values`.
_SOURCES = tuple((p, *p.source.partition(".")[::2], _CAST[p.kind]) for p in PARAMETERS)


def memory_decay(conditions) -> float:
    """The yearly factor of the memory of war: ``0.5 ** (1 / half_life)``, 1 when
    the memory does not fade with time (no regime, or ``half_life`` None)."""
    if conditions is None or conditions.half_life is None:
        return 1.0
    return 0.5 ** (1.0 / conditions.half_life)


def local_threat(system) -> bool:
    """Whether reach varies between pairs (``System.reach`` is not all 1): a
    geography with a positive gradient."""
    return system.geography != "none" and system.gradient > 0


def pack(system, policy, dyadic, regime=None, constants=None) -> np.record:
    """The parameters of one setting (a record of :data:`PARAMETER_DTYPE`), each read
    from its ``source``.

    ``constants`` maps the ``model.NAME`` sources to their values.
    """
    return np.rec.array(np.array([pack_values(system, policy, dyadic, regime, constants)],
                                 PARAMETER_DTYPE))[0]


def derived_values(system, regime) -> dict:
    """The ``derived`` parameters of one setting, by name."""
    return {
        "capability_noise": system.capability_noise > 0,
        "crisis": system.core == "crisis",
        "has_regime": regime is not None,
        "local_threat": local_threat(system),
        "has_borders": system.geography != "none",
        "drawn_entry": system.membership == "drawn",
        "memory_decay": memory_decay(regime.conditions if regime is not None else None),
    }


def pack_values(system, policy, dyadic, regime=None, constants=None) -> tuple:
    """The values of :func:`pack`'s record, in :data:`PARAMETERS` order (a row of
    ``np.array(rows, PARAMETER_DTYPE)``)."""
    cond = regime.conditions if regime is not None else None
    derived = derived_values(system, regime)
    values = []
    for p, head, attr, cast in _SOURCES:
        if head == "derived":
            v = derived[p.name]
        elif head == "system":
            v = getattr(system, attr)
        elif head == "policy":
            v = getattr(policy, attr)
        elif head == "dyadic":
            v = getattr(dyadic, attr)
        elif head == "model":
            v = constants[attr]
        elif regime is None:
            v = p.without_regime
        elif head == "norm":
            v = regime.strength(attr)
        elif head == "regime":
            v = getattr(regime, attr)
        elif head == "conditions":
            v = getattr(cond, attr)
        else:  # pragma: no cover - a table error
            raise ValueError(f"parameter {p.name}: unknown source {p.source!r}")
        values.append(cast(v))
    return tuple(values)


def pack_rows(settings, dyadic, constants=None) -> np.ndarray:
    """:func:`pack_values` of each ``(system, policy, regime)`` of ``settings``, as
    one array of :data:`PARAMETER_DTYPE`, shape (len(settings),): the same
    values, read column by column (a sweep's chunk packs thousands of points;
    a policy or regime shared by several points is read once)."""
    from operator import attrgetter

    P = np.zeros(len(settings), PARAMETER_DTYPE)
    if not settings:
        return P
    by_head: dict[str, list] = {}
    for p, head, attr, _ in _SOURCES:
        by_head.setdefault(head, []).append((p.name, attr))
    systems = [sy for sy, _, _ in settings]

    def read(head, objects, shared):
        fields = by_head.get(head, [])
        if not fields:
            return
        get = attrgetter(*(a for _, a in fields))
        cache: dict[int, tuple] = {}
        rows = []
        for obj in objects:
            if shared:
                row = cache.get(id(obj))
                if row is None:
                    row = cache[id(obj)] = get(obj)
            else:
                row = get(obj)
            rows.append(row)
        cols = np.array(rows, dtype=np.float64).reshape(len(objects), len(fields))
        for k, (name, _) in enumerate(fields):
            P[name] = cols[:, k]

    read("system", systems, False)
    read("policy", [po for _, po, _ in settings], True)
    for name, attr in by_head.get("dyadic", []):
        P[name] = getattr(dyadic, attr)
    for name, attr in by_head.get("model", []):
        P[name] = constants[attr]
    regimes = [re for _, _, re in settings]
    memo: dict[int, tuple] = {}
    regime_fields = [(p.name, head, attr, p.without_regime) for p, head, attr, _ in _SOURCES
                     if head in ("norm", "regime", "conditions")]
    rows = []
    for re in regimes:
        row = memo.get(id(re))
        if row is None:
            row = memo[id(re)] = tuple(
                w if re is None else re.strength(a) if h == "norm" else
                getattr(re, a) if h == "regime" else getattr(re.conditions, a)
                for _, h, a, w in regime_fields)
        rows.append(row)
    cols = np.array(rows, dtype=np.float64).reshape(len(regimes), len(regime_fields))
    for k, (name, *_) in enumerate(regime_fields):
        P[name] = cols[:, k]
    derived = [derived_values(sy, re) for sy, re in zip(systems, regimes, strict=True)]
    for name, _ in by_head.get("derived", []):
        P[name] = [d[name] for d in derived]
    return P


# --- Draw blocks ------------------------------------------------------------

#: Named blocks of a system-year's uniform draws, in counter order; ``"n"``
#: stands for the number of powers.  Every block is reserved in every year,
#: so every policy sees the same draws for the same decision.
DRAW_BLOCKS: tuple[tuple[str, tuple], ...] = (
    ("growth", ("n",)),                 # each power's growth (normal, via ndtri)
    ("mis", ("n", "n")),                # [i, j]: i misreads j's stance
    ("rule1", ("n", "n")),              # [i, j]: Kaplan's rule 1 binds i's attack on j
    ("rule2", ("n", "n")),              # [i, j]: rule 2 makes i take a big gain anyway
    ("act", ("n", "n")),                # [i, j]: a stochastic reply of i toward j
    ("war", ("n", MAX_BATTLES)),        # [war, battle]: each battle of the year's wars
    ("rule3", ("n",)),                  # [war]: rule 3 spares the loser
    ("push", ("n",)),                   # [war]: pressing on eliminates the loser
    ("rule4", ("n",)),                  # [q]: rule 4 makes q ally or join
    ("rule5", ("n",)),                  # [i]: rule 5 makes i attack a supranational power
    ("rule6", ("n",)),                  # [q]: rule 6 readmits q
    ("restore", ("n",)),                # [q]: rule 6 restores eliminated q
    ("perceive", ("n", "n")),           # [i, j]: i's error on j's side (normal, via ndtri)
    ("norm_restraint", ("n", "n")),     # [i, j]: the restraint norm binds i toward j
    ("conference", ("n",)),             # [crisis]: the conference norm settles it
    ("no_elimination", ("n",)),         # [war]: the no-elimination norm spares the loser
    ("readmission", ("n",)),            # [q]: the readmission norm readmits q
    ("shock", ("n",)),                  # [q]: q turns revisionist, or its government changes
    ("honour", ("n",)),                 # [q]: ally q honours its commitment
    ("opportunist", ("n",)),            # [q]: bystander q weighs joining
)

#: Draw blocks of the crisis core, then blocks added later to either core.  They
#: live in a counter range of their own
#: (from :data:`CRISIS_COUNTERS`, ``year * draws_per_year(N)`` on as the
#: others), so that adding them changed no draw of the first-strike core.
CRISIS_DRAW_BLOCKS: tuple[tuple[str, tuple], ...] = (
    ("resolve", ("n", "n")),            # [i, j]: i's private cost in a crisis with j
    ("crisis_conference", ("n", "n")),  # [i, j]: the conference norm settles i's crisis with j
    ("escalate", ("n", "n")),           # [i, j]: i's stand-off with j escalates by accident
    # Later blocks of either core, in this range so as to change no earlier draw.
    ("collective", ("n",)),             # [q]: member q sides with a member attacked by one
    ("contagion", ("n", "n")),          # [war, q]: bystander q, exposed, joins the war
    ("entry", ("n",)),                  # [q]: q, outside the system, enters (drawn membership)
    ("treaty", ("n",)),                 # [q]: q keeps last year's alliance (persistence)
)
#: First counter of the crisis core's draws (2**62: beyond any year's range).
CRISIS_COUNTERS = 2**62



def _size(shape: tuple, n: int) -> int:
    return math.prod(n if d == "n" else d for d in shape)


@lru_cache(maxsize=64)
def draw_layout(n: int) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Offset and shape of each named draw block for ``n`` powers (cached: do not modify)."""
    out, c = {}, 0
    for name, shape in DRAW_BLOCKS:
        out[name] = (c, tuple(n if d == "n" else d for d in shape))
        c += _size(shape, n)
    per_year, c = c, CRISIS_COUNTERS
    for name, shape in CRISIS_DRAW_BLOCKS:
        out[name] = (c, tuple(n if d == "n" else d for d in shape))
        c += _size(shape, n)
    # Year y's crisis draws end before year y + 1's begin.
    assert c - CRISIS_COUNTERS <= per_year
    return out


def draws_per_year(n: int) -> int:
    """Uniform draws reserved per system-year (fixed, so policies share draws)."""
    return sum(_size(shape, n) for _, shape in DRAW_BLOCKS)


#: Each draw block's offset in the year's counters: one record, a field per block.
OFFSET_DTYPE = np.dtype([(name, np.int64) for name, _ in DRAW_BLOCKS + CRISIS_DRAW_BLOCKS])


def offsets(n: int) -> np.record:
    """The offsets of the draw blocks for ``n`` powers (a record of :data:`OFFSET_DTYPE`)."""
    rec = np.rec.array(np.zeros(1, OFFSET_DTYPE))
    for name, (off, _) in draw_layout(n).items():
        rec[name] = off
    return rec[0]


# --- Measures ---------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """One per system-year measure: ``kind`` is ``f8``, ``i8`` or ``b1``."""

    name: str
    kind: str
    unit: str
    doc: str


#: Every per system-year measure, in the order of the tidy tables' columns.
MEASURES: tuple[Measure, ...] = (
    Measure("war", "b1", "", "at least one war started this year"),
    Measure("war_size", "f8", "capability", "capability destroyed by this year's wars "
            "(units of the initial system total)"),
    Measure("attacker", "i8", "power index", "attacker of the year's first war, -1 without war"),
    Measure("defender", "i8", "power index", "defender of the year's first war, -1 without war"),
    Measure("attacker_won", "b1", "", "the first war's attacker won it decisively"),
    Measure("punishers", "i8", "powers", "powers that joined a war against an attacker that "
            "had wronged them"),
    Measure("eliminated", "i8", "powers", "powers eliminated this year"),
    Measure("restored", "i8", "powers", "eliminated powers restored this year (rule 6)"),
    Measure("n_alive", "i8", "powers", "powers alive at the year's end"),
    Measure("essential_survival", "f8", "share", "share of the powers alive at the year's end"),
    Measure("continuous_survival", "f8", "share", "share of the powers never eliminated"),
    Measure("pairs", "i8", "pairs", "unordered pairs of powers alive at the year's start"),
    Measure("restraining_dyads", "i8", "ordered pairs",
            "ordered pairs in reach in which the first power restrains toward the second"),
    Measure("hhi", "f8", "", "Herfindahl index of the capability shares at the year's end"),
    Measure("con", "f8", "", "concentration CON of the capability shares (Singer, Bremer and "
            "Stuckey 1972)"),
    Measure("max_share", "f8", "share", "largest capability share at the year's end"),
    Measure("n_poles", "i8", "powers", "powers with at least half the largest share"),
    Measure("alliance_count", "i8", "pairs", "allied pairs (pairs in the same alliance)"),
    Measure("cooperation_rate", "f8", "share", "restraining ordered pairs per ordered pair "
            "alive at the start and in reach (every pair without a geography); NaN if none"),
    Measure("mean_belief", "f8", "probability", "mean belief that another power is a security "
            "seeker, over ordered pairs alive at the start and in reach; NaN if none"),
    Measure("growth", "f8", "capability", "change of the total from growth and gains from "
            "cooperation"),
    Measure("total", "f8", "capability", "system total at the year's end"),
    Measure("restraints", "i8", "decisions", "restraining decisions (feasible attacks not "
            "made, beaten powers spared, crises settled in conference)"),
    Measure("norm_restraints", "i8", "decisions", "restraining decisions the norms explain "
            "(the power would have acted without them)"),
    Measure("settled", "b1", "", "a crisis was settled in conference"),
    Measure("member_war", "b1", "", "a war between two regime members (without a regime: any war)"),
    Measure("regime_strength", "f8", "", "the smaller of the living members' mean weight and "
            "mean trust; 0 without a regime"),
    # What the strength is made of (issue 26: what ends a regime, per run).
    Measure("regime_weight", "f8", "", "living members' mean internalisation weight; 0 without "
            "a regime"),
    Measure("regime_trust", "f8", "share", "living members' mean trust: the share of the other "
            "members each believes will reciprocate (condition 2); 0 without a regime"),
    Measure("regime_cost", "f8", "", "perceived cost of war, min(war_cost_perception + memory, "
            "1) (condition 4); 0 without a regime"),
    Measure("regime_decline", "f8", "", "living members' mean relative-decline factor "
            "(1: none has declined since the settlement); 0 without a regime"),
    Measure("revisionists", "i8", "powers", "living members that see expansion as their best "
            "security (condition 3)"),
    Measure("domestic_changes", "i8", "powers", "powers whose government changed this year "
            "(a revolution or change of regime, drawn or dated); 0 without a regime"),
    Measure("hegemonic_war", "b1", "", "the year's wars involved most great powers and beat the "
            "predominant one (Gilpin 1981)"),
    Measure("regime_in_force", "b1", "", "the regime is in force at the year's end"),
    Measure("system_war", "b1", "", "one war involved most great powers alive at its start, "
            "three at least (Levy 1983)"),
    Measure("wars", "i8", "wars", "wars started this year"),
    Measure("decisive_wars", "i8", "wars", "wars that ended in defeat"),
    Measure("spared", "i8", "wars", "decided wars whose main loser is alive at the year's end"),
    Measure("largest_war", "f8", "capability", "capability destroyed by the year's largest war"),
    # The crisis core (0 under the first-strike core).  A crisis is one per
    # pair and year; its outcome as the MID data code it (docs/validation.md).
    Measure("crises", "i8", "crises", "crises opened this year (crisis core): demands, and "
            "preventive wars"),
    Measure("yields", "i8", "crises", "crises in which the target accepted the demand "
            "(MID outcome: yield by the target)"),
    Measure("compromises", "i8", "crises", "crises settled in conference at a compromise "
            "(MID: compromise, negotiated)"),
    Measure("stalemates", "i8", "crises", "crises in which the challenger backed down after a "
            "rejection, the status quo kept (MID: stalemate)"),
    Measure("crisis_wars", "i8", "crises", "crises that became a war this year (MID: "
            "hostility level 5)"),
    Measure("preventive_wars", "i8", "wars", "wars begun by a declining power against a "
            "rising one (the commitment problem)"),
    # Geography (System.geography; 0 without one): the dangerous-dyads check.
    Measure("contiguous_pairs", "i8", "pairs", "unordered pairs alive at the year's start "
            "that border each other"),
    Measure("contiguous_wars", "i8", "wars", "wars begun this year whose attacker and "
            "defender border each other"),
    Measure("contiguous_crises", "i8", "crises", "crises opened this year between powers "
            "that border each other (crisis core)"),
    # Membership (System.membership = "record"; 0 otherwise).
    Measure("entries", "i8", "powers", "powers that entered the system at the year's start "
            "(their COW membership began)"),
    Measure("exits", "i8", "powers", "powers that left the system at the year's start "
            "(their COW membership ended; not eliminations)"),
)

#: The outcome of a crisis by code (the crisis core's ``SimulationResult.crises``).
CRISIS_OUTCOMES = ("none", "yield", "compromise", "stalemate", "war", "preventive war")

#: Measure names in table order (the tidy tables' columns).
YEAR_MEASURES = tuple(m.name for m in MEASURES)
#: Names of the float, integer and boolean measures, in the order of the kernel's output rows.
FLOAT_MEASURES = tuple(m.name for m in MEASURES if m.kind == "f8")
INT_MEASURES = tuple(m.name for m in MEASURES if m.kind == "i8")
BOOL_MEASURES = tuple(m.name for m in MEASURES if m.kind == "b1")
#: Storage of the integer measures (counts and power indices, all below N**2).
INT_MEASURE_DTYPE = np.dtype(np.int32)
#: numpy dtype of each measure, as stored.
MEASURE_DTYPES = {m.name: np.dtype({"f8": np.float64, "i8": INT_MEASURE_DTYPE,
                                    "b1": np.bool_}[m.kind])
                  for m in MEASURES}

# Index constants: M_<NAME> is the measure's row in its kind's output array.
for _names in (FLOAT_MEASURES, INT_MEASURES, BOOL_MEASURES):
    for _i, _name in enumerate(_names):
        globals()[f"M_{_name.upper()}"] = _i
del _names, _i, _name


def measures_markdown() -> str:
    """The measures table as Markdown (the docs' measures page)."""
    kinds = {"f8": "float", "i8": "integer", "b1": "boolean"}
    rows = ["| measure | type | unit | meaning |", "|---|---|---|---|"]
    rows += [f"| `{m.name}` | {kinds[m.kind]} | {m.unit} | {m.doc} |" for m in MEASURES]
    return "\n".join(rows)


def parameters_markdown() -> str:
    """The kernel's parameter table as Markdown (the developer guide)."""
    rows = ["| parameter | type | from | meaning |", "|---|---|---|---|"]
    rows += [f"| `{p.name}` | {p.kind} | `{p.source}` | {p.doc} |" for p in PARAMETERS]
    return "\n".join(rows)
