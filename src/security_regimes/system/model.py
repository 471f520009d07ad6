"""The international-system model: its state, parameters and the rules of one year.

The year itself runs compiled, one system at a time, in
:mod:`security_regimes.system.kernel`; this module holds what it is built
from (the state of a batch of systems, the dyadic strategy tables, the draw
layout, the contest success function and the value of a war) and documents
the year.  State arrays have shape ``(B, N)`` (systems x powers) or
``(B, N, N)`` (systems x from-power x to-power).

One year, in order (``docs/theory.md`` gives the reasoning and sources):

1. **Growth**: ``cap *= exp(growth_mean + growth_sd * z)``, ``z`` standard normal.
2. **Alliances** (balance of threat; Walt 1987): each power's threat is
   the power that brings the most strength to bear on it (capability times
   reach).  When that threat holds at least ``threat_share`` of all the
   strength that reaches the power, the power allies against it (self-help
   balancing).  Under Kaplan's rule 4 each power also joins when its threat
   merely tends toward predominance (``predominance_share``); under
   ``balancer`` the balancer joins then too.  Defeated powers are shunned as
   partners for ``exclusion_years`` (rule 6 readmits them).  The powers
   against one threat are one alliance.  Without a geography every power's
   threat is the strongest power ``h``: one alliance against ``h``.  A power
   that would ally against no one keeps last year's alliance with
   probability ``alliance_persistence`` while its target lives (a treaty
   outlives its reason: Leeds and Savun 2007).
3. **Replies and beliefs** (reciprocity).  Each power ``i`` holds a belief
   ``b[i, j]`` that ``j`` is a security seeker rather than an expansionist
   (Kydd 2005), so ``r[i, j] = b q_s + (1 - b) q_e`` is the probability it
   gives that ``j`` restrains toward it.  Its dyadic strategy (a strategy of
   the game engine, default Tit For Tat; Bayesian Trust replies from ``b``)
   gives its reply toward ``j``: cooperate (restrain) or defect (expand).
4. **Decisions** (restraint with a sucker's payoff).  ``EG_att[i, j]`` is
   ``i``'s expected capability change from striking ``j`` first (its side
   fights with a first-strike bonus ``1 + first_strike``; the defender's side
   adds the powers that ``i`` wronged and that reciprocate); ``EG_tgt[i, j]``
   is its expected change if ``j`` strikes it first, and
   ``L = max(-EG_tgt, 0)`` the sucker's loss.  Losing may be fatal: the share
   of capability at stake when beaten is ``transfer`` plus, where conquest is
   possible, the chance of being pressed to elimination times the rest
   (unforgiving).  Relative gains count the other's change against one's own
   (competitive).  Capabilities and stances are seen with noise (uncertain).
   ``i`` is ready to attack ``j`` when
   ``EG_att > (c * r * shadow - (1 - r)) * L`` with ``c = 1`` if its reply
   is to cooperate: restraint is worth the peace it keeps if ``j``
   reciprocates (discounted by the shadow of the future) and costs the
   sucker's loss if it does not.  The policy (Kaplan's rules) and the regime's
   norms filter these; a norm binds member ``i`` toward ``j`` with
   probability ``strength * weight_i`` while ``i`` expects reciprocity
   (``b[i, j] >= 1/2``), and never otherwise; the norms bind only while the
   regime is in force.  The most valuable attack becomes a war, then the
   next most valuable among powers not yet engaged, and so on: several wars
   may start in a year, a power fights in one.
5. **War**: allies honour their commitment with ``alliance_reliability``
   and fight beside their partner; powers that the attacker wronged (it
   attacked them in the last ``grievance_years``, or they saw it expand
   toward them last year) and whose reply to it is to defect join the
   defender (the victim punishes, a bystander does not); Kaplan's rule 4 and
   the balancer add third parties; bystanders join the side where joining
   pays (``opportunism``).  The war is fought in battles drawn from the
   contest success function until one side leads by ``decisive_lead``
   (defeat) or fighting has destroyed ``transfer`` (cost ends it, status
   quo); every battle destroys ``war_cost`` of each fighter's capability;
   the winners take ``transfer`` of the losers' capability.
6. **Elimination**: the winner may press on to eliminate the main loser
   when that pays; rule 3 and the no-elimination norm forbid it and
   far-sighted self-interest may spare a loser worth more as a future ally.
   Any power below ``elimination_threshold`` of the total is eliminated; its
   remnant is divided among the year's winners if it was beaten this year,
   else among all surviving powers, in proportion to their capabilities.
7. **Readmission** (rule 6): shunned powers are readmitted, and eliminated
   essential actors restored (counted apart: survival is continuous).  With
   ``cooperation_gain``, powers whose restraint was reciprocated grow.
8. **Observation**: each power sees the others' stances through
   misperception (a war is seen for what it is), updates its belief by
   Bayes' rule and its strategy's state.

A year has a *system war* (measure ``system_war``; Levy 1983) when one war
involves most of the great powers alive at its start (more than half, three
at least), and a *hegemonic war* (``hegemonic_war``; Gilpin 1981, *War and
Change in World Politics*; Jervis 1982, p. 366, on regimes formed after such
wars) when the year's wars involve most of them and beat the power with the
largest share, which is at least ``predominance_share``.  A hegemonic war
restores the regime's memory of war and makes a new settlement (the shares
against which relative decline is measured); see
:class:`~security_regimes.regimes.Conditions` for the regime's formation.

Restraint accounting (the regime autonomy index): a *restraining decision*
is an attack a power could make with the odds in its favour (p >= 1/2) or
that it was ready to make and does not make, a beaten power it spares, or a
crisis settled in conference.  It is *norm-explained* when the same power, in
the same state and with the same draws, would have acted without the norms
(Kaplan's rules and the regime's norms).  The measures ``restraints`` and
``norm_restraints`` count them.

Randomness: every system draws its year's uniforms from its own stream
(``SeedSequence(seed)`` child = system index), so a system's history does not
depend on the batch it runs in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.fsm import compile_strategy
from ..games.interop import as_strategy
from ..games.strategies import BayesianTrust, Cooperator, Strategy, VectorStrategy
from .config import System
from .layout import MAX_BATTLES  # noqa: F401 - re-exported
from .war import credibility, demand, shortest_war, walk_scratch, war_odds

#: Kaplan's rule 2 applies to opportunities worth at least this share of the
#: attacker's own capability.
BIG_GAIN = 0.03

#: Kydd's (2005) two types, as in :class:`~security_regimes.games.strategies.BayesianTrust`:
#: a security seeker restrains with probability ``SEEKER_RESTRAINT`` a year,
#: an expansionist with ``EXPANSIONIST_RESTRAINT``; beliefs stay inside
#: ``[BELIEF_FLOOR, 1 - BELIEF_FLOOR]`` so that trust can be rebuilt.
SEEKER_RESTRAINT = BayesianTrust.seeker_restraint
EXPANSIONIST_RESTRAINT = BayesianTrust.expansionist_restraint
BELIEF_FLOOR = BayesianTrust.floor

#: A member complies with a norm toward another member only while it believes
#: the other more likely a security seeker than not (it expects reciprocity).
COMPLY_BELIEF = 0.5


@dataclass
class State:
    """State of ``B`` systems of ``N`` powers at the start of a year."""

    cap: np.ndarray  # (B, N) float64, capability (units of the initial total)
    alive: np.ndarray  # (B, N) bool
    excluded: np.ndarray  # (B, N) int64, years still shunned as a partner
    belief: np.ndarray  # (B, N, N) float64, [i, j]: i's belief that j is a security seeker
    dyad: np.ndarray  # (B, N, N) int64, dyadic strategy state (x 8, into its table)
    grievance: np.ndarray  # (B, N, N) int64, [q, i]: years q still remembers i's attack on it
    seen_hostile: np.ndarray  # (B, N, N) bool, [q, i]: q saw i expand toward it last year
    fallen: np.ndarray  # (B, N) bool, eliminated at least once (restoration does not undo it)
    # Regime state (see security_regimes.regimes): internalisation weight per
    # power, memory of hegemonic war, revisionist goals, each power's share of
    # the total at the last settlement, and whether the regime is in force.
    weight: np.ndarray | None = None  # (B, N) float64 in [0, 1]
    memory: np.ndarray | None = None  # (B,) float64
    revisionist: np.ndarray | None = None  # (B, N) bool
    ref_share: np.ndarray | None = None  # (B, N) float64
    in_force: np.ndarray | None = None  # (B,) bool
    # Crisis-core state: [i, j] i's share of the good disputed with j under the
    # status quo (status_quo[i, j] + status_quo[j, i] == 1), and each power's
    # exponential average of its yearly log growth.
    status_quo: np.ndarray | None = None  # (B, N, N) float64 in [0, 1]
    trend: np.ndarray | None = None  # (B, N) float64, log per year
    # Each power's alliance of last year, kept for the next (1 + the index of
    # the power it was against, 0 none; set only under alliance_persistence,
    # cleared for a state that starts afresh and for those allied against it).
    treaty: np.ndarray | None = None  # (B, N) int64

    def copy(self) -> State:
        return State(*(None if a is None else a.copy() for a in (
            self.cap, self.alive, self.excluded, self.belief, self.dyad, self.grievance,
            self.seen_hostile, self.fallen, self.weight, self.memory, self.revisionist,
            self.ref_share, self.in_force, self.status_quo, self.trend, self.treaty)))


@dataclass
class Dyadic:
    """The powers' dyadic strategies compiled into one table.

    ``act[state8]`` is the probability of restraint and
    ``next8[state8 + obs]`` the next state; power ``i`` starts in state
    ``start[i]``.  Bayesian Trust has no finite-state form: a power playing
    it replies from its belief (restrain while ``belief >= threshold[i]``);
    ``threshold`` is NaN for the others.
    """

    names: tuple[str, ...]
    act: np.ndarray  # (8 * S,) probability of restraint at index state8
    next8: np.ndarray  # (8 * S,) next state8 at index state8 + obs
    start: np.ndarray  # (N,) int64, each power's initial state8
    threshold: np.ndarray  # (N,) float64, Bayesian Trust threshold or NaN

    @classmethod
    def build(cls, strategies, horizon: int, n: int) -> Dyadic:
        """``strategies``: one strategy (or name) for every power, or one per power."""
        if isinstance(strategies, str | Strategy | VectorStrategy | type):
            strategies = [strategies] * n
        strategies = list(strategies)
        if len(strategies) != n:
            raise ValueError(f"dyadic: expected one strategy or {n} (one per power), "
                             f"got {len(strategies)}")
        objs = [as_strategy(s) for s in strategies]
        acts, nexts, tables = [], [], 0
        # Tables are shared by content, never by name: two strategies with one
        # display name (subclasses that set no name, a parametrised strategy at
        # two values) are different strategies.  Each object is compiled once.
        by_object, by_content, keep = {}, {}, []
        start = np.zeros(n, dtype=np.int64)
        threshold = np.full(n, np.nan)
        plays_belief = Cooperator()  # table unused: Bayesian Trust replies from its belief
        for i, s in enumerate(objs):
            if isinstance(s, BayesianTrust):
                threshold[i] = s.threshold
                s = plays_belief
            elif not isinstance(s, Strategy):
                raise ValueError(f"dyadic strategy {s.display_name!r} has no form the system "
                                 "model can play; use a finite-state strategy or Bayesian Trust")
            if id(s) not in by_object:
                keep.append(s)  # alive while ids are keys
                tab = compile_strategy(s, horizon)
                content = (tab.act.tobytes(), tab.next.tobytes(), tab.next.shape)
                if content not in by_content:
                    act = np.zeros(8 * len(tab.act))
                    act[::8] = tab.act
                    by_content[content] = 8 * tables
                    acts.append(act)
                    nexts.append((tab.next.astype(np.int64) + tables).ravel() * 8)
                    tables += len(tab.act)
                by_object[id(s)] = by_content[content]
            start[i] = by_object[id(s)]
        return cls(tuple(o.display_name for o in objs), np.concatenate(acts),
                   np.concatenate(nexts), start, threshold)

    @property
    def stochastic(self) -> bool:
        a = self.act[::8]
        return bool(np.any((a != 0) & (a != 1)))

    @property
    def label(self) -> str:
        return self.names[0] if len(set(self.names)) == 1 else ", ".join(self.names)


def initial_state(system: System, batch: int, regime=None, dyadic: Dyadic | None = None) -> State:
    n = system.n_powers
    inside = system.members_at_start()  # the others enter later (membership = "record")
    cap = np.broadcast_to(np.where(inside, np.asarray(system.capabilities), 0.0),
                          (batch, n)).copy()
    start = np.zeros(n, dtype=np.int64) if dyadic is None else dyadic.start
    state = State(
        cap=cap,
        alive=np.broadcast_to(inside, (batch, n)).copy(),
        excluded=np.zeros((batch, n), dtype=np.int64),
        belief=np.full((batch, n, n), system.belief_prior),
        dyad=np.broadcast_to(start[None, :, None], (batch, n, n)).copy(),
        grievance=np.zeros((batch, n, n), dtype=np.int64),
        seen_hostile=np.zeros((batch, n, n), dtype=bool),
        fallen=np.zeros((batch, n), dtype=bool),
        treaty=np.zeros((batch, n), dtype=np.int64),
    )
    if system.core == "crisis":  # no status quo yet: the first year settles it
        state.status_quo = np.full((batch, n, n), np.nan)
        state.trend = np.full((batch, n), system.growth_mean)
    if regime is not None:
        c = regime.conditions
        revisionist = np.zeros((batch, n), dtype=bool)
        if any(not 0 <= i < n for i in c.revisionist):
            raise ValueError(f"revisionist: power indices must be in [0, {n})")
        revisionist[:, list(c.revisionist)] = True
        state.memory = np.full(batch, c.memory)
        state.revisionist = revisionist
        state.ref_share = cap / cap.sum(axis=1, keepdims=True)
        target = _regime_target(regime, state, n, system)
        state.weight = target if c.initial_weight is None else np.where(
            regime.member_mask(n)[None, :] & ~revisionist, c.initial_weight, 0.0)
        state.in_force = regime_strength(regime, state) >= c.threshold
    return state


def regime_strength(regime, state: State) -> np.ndarray:
    """Strength of the regime in each system, (B,): the smaller of the living
    members' mean internalisation weight and their mean trust (the share of
    the other members each expects to comply; :func:`member_trust`).  0 with
    fewer than two living members.  The regime is *in force* while it is at least
    ``regime.conditions.threshold``."""
    n = state.cap.shape[1]
    living = regime.member_mask(n)[None, :] & state.alive
    k = living.sum(axis=1)
    w = np.where(living, state.weight, 0.0).sum(axis=1)
    t = np.where(living, member_trust(state.belief, living), 0.0).sum(axis=1)
    return np.where(k > 1, np.minimum(w, t) / np.maximum(k, 1), 0.0)


def member_trust(belief: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Each power's share of the other living members it expects to reciprocate, (B, N).

    Jervis's condition 2 (others share the value of mutual security), read off
    the reciprocity beliefs rather than set by hand: the share of the other
    members ``j`` (revisionist or not: their goals show only in what they do)
    with ``belief[i, j] >= COMPLY_BELIEF``.  1 with no other member.
    """
    B, N = member.shape
    other = member[:, None, :] & ~np.eye(N, dtype=bool)[None]
    n = other.sum(axis=2)
    s = (other & (belief >= COMPLY_BELIEF)).sum(axis=2)
    return np.where(n > 0, s / np.maximum(n, 1), 1.0)


def derived_regulation(system, living: np.ndarray) -> np.ndarray:
    """Jervis's condition 1 derived from interests, (B, N): each member's mean,
    over the other living members ``j``, of the share of its capability the
    shortest decided war with ``j`` destroys, ``1 - (1 - rate) ** decisive_lead``
    (``rate`` is ``nuclear_cost`` between two nuclear powers, ``war_cost``
    otherwise).  Where war would destroy much, restraint is in each member's
    own interest (nuclear chicken), and the wish for a regulated environment
    follows from it.  0 with no other member.  ``living``: (B, N) bool."""
    n = system.n_powers
    nuclear = np.zeros(n, dtype=bool)
    nuclear[list(system.nuclear_at(0))] = True  # the first year's
    both = nuclear[:, None] & nuclear[None, :]
    g = system.intensification
    if g == 0:
        rate = np.where(both, system.nuclear_cost, system.war_cost)
        destroyed = 1.0 - (1.0 - rate) ** system.decisive_lead  # (N, N)
    else:  # the year's own costs of intensifying battles, for each of the two rates
        lead = system.decisive_lead
        destroyed = np.where(both, shortest_war(system.nuclear_cost, lead, g),
                             shortest_war(system.war_cost, lead, g))
    other = living[:, None, :] & living[:, :, None] & ~np.eye(n, dtype=bool)[None]
    k = other.sum(axis=2)
    return np.where(k > 0, (other * destroyed[None]).sum(axis=2) / np.maximum(k, 1), 0.0)


def _regime_target(regime, state: State, n: int, system) -> np.ndarray:
    """Jervis's conditions -> each member's target internalisation weight, (B, N)."""
    c = regime.conditions
    living = regime.member_mask(n)[None, :] & state.alive
    regulation = c.regulation * (derived_regulation(system, living) if c.regulation_from_war
                                 else 1.0)  # condition 1
    trust = member_trust(state.belief, living)  # condition 2, from beliefs
    cost = np.minimum(c.war_cost_perception + state.memory, 1.0)  # condition 4
    share = state.cap / state.cap.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(state.ref_share > 0, share / state.ref_share, 1.0)
    fall = np.minimum(ratio, 1.0) ** c.decline  # relative decline since the settlement
    target = regulation * c.shared_value * trust * cost[:, None] * fall  # conditions 1, 2, 4
    return np.where(living & ~state.revisionist, target, 0.0)  # condition 3


def csf(a: np.ndarray, d: np.ndarray, k: float) -> np.ndarray:
    """Probability that side ``a`` beats side ``d``: ``a^k / (a^k + d^k)``."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        r = np.where(a > 0, 1.0 / (1.0 + (d / np.where(a > 0, a, 1.0)) ** k), 0.0)
    return r


def war_value(cap_i, own, enemy, p, tau, stake, delta, rel=0.0, cap_j=None, pl=None):
    """Expected capability change of power ``i`` from a war (arrays of equal shapes).

    ``own`` and ``enemy`` are the two sides' capabilities, ``p`` the chance
    that ``i``'s side wins, ``pl`` that it loses (default ``1 - p``; a war
    cut short by its cost is neither), ``tau`` the share of the losers taken by the
    winners (split in proportion to capability), ``stake`` the share of
    ``i``'s capability lost if beaten (``tau``, plus the chance of being
    pressed to elimination times the rest), ``delta`` the share destroyed by
    fighting.  With relative gains ``rel > 0`` the expected change of the
    main enemy ``j`` (capability ``cap_j``) counts against ``i``'s own.
    """
    pl = 1 - p if pl is None else pl
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(own > 0, cap_i / np.where(own > 0, own, 1.0), 0.0)
        v = p * tau * enemy * share - pl * stake * cap_i - delta * cap_i
        if rel > 0:
            j_share = np.where(enemy > 0, cap_j / np.where(enemy > 0, enemy, 1.0), 0.0)
            other = -delta * cap_j - p * tau * cap_j + pl * tau * own * j_share
            v = v - rel * other
    return v


def stake(system: System, enemy, cap_i, delta):
    """Share of ``cap_i`` lost if beaten by ``enemy``: ``transfer``, plus, where
    conquest is possible, the chance of being pressed to elimination times the
    rest (Jervis's unforgiving security).  Arrays of equal shapes."""
    tau = system.transfer
    if not system.conquest:
        return tau
    return tau + csf(enemy, cap_i, system.decisiveness) * (1 - tau) * (1 - delta)


def _crisis_terms(system: System, cap: np.ndarray, i: int, j: int):
    """A war ``i`` starts against ``j`` (sides alone): its chance of winning,
    the chance it is cut short (the status quo holds), and its expected cost
    in units of the good.  ``i``'s war share is ``win + cut * q``."""
    nuclear = set(system.nuclear_at(0))  # the first year's nuclear powers
    rate = system.nuclear_cost if (i in nuclear and j in nuclear) else system.war_cost
    p = float(csf(np.array((1 + system.first_strike) * cap[i]), np.array(cap[j]),
                  system.decisiveness))
    win, lose, d = war_odds(p, system.decisive_lead, rate, system.transfer, walk_scratch(),
                            system.intensification)
    return win, 1 - win - lose, d / system.stakes


def _crisis_demand(system: System, w: float, q: float, m: float):
    """A challenger's expected value of pressing (its own cost at the mean
    ``m``), its demand, the target's chance of yielding, and whether it would
    fight a rejection."""
    sig, a = system.resolve_spread, system.audience_cost
    lo, hi = m * (1 - sig), m * (1 + sig)
    pi = credibility(w, q, a, m, lo, hi)
    v = max(w - m, q - a)
    x, acc = demand(w, q, v, lo, hi, pi, system.yield_cost)
    return acc * x + (1 - acc) * v, x, acc, w - m > q - a


def crisis_payoffs(system: System) -> dict[str, np.ndarray]:
    """The year's stage game of the crisis core for each ordered pair, in units of the good.

    In the first year, with no alliances and no grievances, the status quo
    settled where the two see power (the mean of their war shares): ``R``
    both restrain (``i`` keeps its status quo share ``q``), ``T`` ``i``
    presses its optimal demand on a restraining ``j`` (expected share, its
    own cost at the mean), ``S`` ``j`` presses and ``i`` does not (``i``
    yields, or rejects and ``j`` fights or backs down), ``P`` both press: a
    war at the mean cost.  Each value has shape (N, N), NaN on the diagonal.
    """
    cap = np.asarray(system.capabilities, dtype=float)
    n = cap.size
    out = {key: np.full((n, n), np.nan) for key in ("R", "T", "S", "P")}
    terms = {(i, j): _crisis_terms(system, cap, i, j)
             for i in range(n) for j in range(n) if i != j}  # the walk, once a pair
    for (i, j), (win, cut, m) in terms.items():
        win_j, cut_j, m_j = terms[j, i]
        q = 0.5 * ((win + cut * 0.5) + 1 - (win_j + cut_j * 0.5))
        w, w_j = win + cut * q, win_j + cut_j * (1 - q)
        t, _, _, _ = _crisis_demand(system, w, q, m)
        _, x_j, acc_j, fights_j = _crisis_demand(system, w_j, 1 - q, m_j)
        rejected = (1 - w_j - m) if fights_j else q  # i rejects j's demand
        out["R"][i, j], out["T"][i, j], out["P"][i, j] = q, t, w - m
        out["S"][i, j] = acc_j * (1 - x_j) + (1 - acc_j) * rejected
    return out


def dyad_payoffs(system: System) -> dict[str, np.ndarray]:
    """The stage game each ordered pair of powers plays in the system's first year.

    Under the crisis core (``system.core == "crisis"``) this is
    :func:`crisis_payoffs`, in units of the disputed good.

    Payoffs to ``i`` (row) against ``j`` (column), as shares of ``i``'s own
    capability, from the decision rule of the year (module docstring) with no alliances and
    no grievances: ``R`` mutual restraint (status quo, 0), ``T`` striking a
    restraining ``j`` first, ``S`` restraining while ``j`` strikes first (the
    sucker's payoff), ``P`` mutual expansion (a war neither side opens by
    surprise).  Each value has shape (N, N), NaN on the diagonal.
    """
    if system.core == "crisis":
        return crisis_payoffs(system)
    cap = np.asarray(system.capabilities, dtype=float)
    n = cap.size
    k, tau, f = system.decisiveness, system.transfer, system.first_strike
    ci, cj = np.meshgrid(cap, cap, indexing="ij")
    nuclear = np.zeros(n, dtype=bool)
    nuclear[list(system.nuclear_at(0))] = True  # the first year's
    delta = np.where(nuclear[:, None] & nuclear[None, :], system.nuclear_cost, system.war_cost)
    rel = system.relative_gains

    def value(p_battle, i_strikes=True):
        # The war of battles: odds and expected cost (war.war_odds), as the
        # powers weigh them; p_battle is the chance that i's side wins a battle.
        pw, pl, d = (np.empty((n, n)) for _ in range(3))
        walk = walk_scratch()
        for a in range(n):
            for b in range(n):
                pw[a, b], pl[a, b], d[a, b] = war_odds(float(p_battle[a, b]),
                                                      system.decisive_lead,
                                                      float(delta[a, b]), tau, walk,
                                                      system.intensification)
        at_stake = stake(system, cj, ci, d)
        return war_value(ci, ci, cj, pw, tau, at_stake, d, rel, cj, pl=pl) / ci

    out = {"R": np.zeros((n, n)), "T": value(csf((1 + f) * ci, cj, k)),
           "S": value(1.0 - csf((1 + f) * cj, ci, k)), "P": value(csf(ci, cj, k))}
    off = ~np.eye(n, dtype=bool)
    return {key: np.where(off, v, np.nan) for key, v in out.items()}
