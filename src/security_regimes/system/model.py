"""The batched international-system model: one year of many systems at once.

Arrays have shape ``(B, N)`` (systems x powers) or ``(B, N, N)`` (systems x
from-power x to-power).  A Python loop runs over years only.

One year, in order (``docs/theory.md`` gives the reasoning and sources):

1. **Growth**: ``cap *= exp(growth_mean + growth_sd * z)``, ``z`` standard normal.
2. **Alliances**: when the strongest power ``h`` holds at least
   ``threat_share`` of the total, the other powers ally against it
   (self-help balancing).  Under Kaplan's rule 4 each power also joins when
   ``h`` merely tends toward predominance (``predominance_share``); under
   ``balancer`` the balancer joins then too.  Defeated powers are shunned as
   partners for ``exclusion_years`` (rule 6 readmits them).  The alliance is
   one clique against ``h``.
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
   (``b[i, j] >= 1/2``), and never otherwise.  The most valuable attack in
   each system becomes a war.
5. **War**: allies fight beside their partner; powers that the attacker
   wronged (it attacked them in the last ``grievance_years``, or they saw it
   expand toward them last year) and whose reply to it is to defect join the
   defender (the victim punishes, a bystander does not); Kaplan's
   rule 4 and the balancer add third parties.  The outcome is drawn from the
   contest success function; every fighter loses ``war_cost`` of its
   capability; the winners take ``transfer`` of the losers' capability.
6. **Elimination**: the winner may press on to eliminate the main loser
   when that pays; rule 3 and the no-elimination norm forbid it and
   far-sighted self-interest may spare a loser worth more as a future ally.
   Any power below ``elimination_threshold`` of the total is eliminated; its
   remnant is divided among the year's winners if it was beaten this year,
   else among all surviving powers, in proportion to their capabilities.
7. **Readmission** (rule 6): shunned powers are readmitted, and eliminated
   essential actors restored (counted apart: survival is continuous).
8. **Observation**: each power sees the others' stances through
   misperception (a war is seen for what it is), updates its belief by
   Bayes' rule and its strategy's state.

Randomness: every system draws its year's uniforms from its own stream
(``SeedSequence(seed)`` child = system index), so a system's history does not
depend on the batch it runs in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from ..engine.fsm import compile_strategy
from ..engine.rng import uniforms
from ..games.strategies import BayesianTrust, Cooperator, Strategy, VectorStrategy, get_strategy
from .config import Policy, System

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


def _layout(n: int) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Offset and shape of each named block of a system-year's uniform draws."""
    out, c = {}, 0
    for name, shape in (
        ("growth", (n,)), ("mis", (n, n)), ("rule1", (n, n)), ("rule2", (n, n)),
        ("act", (n, n)), ("war", ()), ("rule3", ()), ("push", ()), ("rule4", (n,)),
        ("rule5", (n,)), ("rule6", (n,)), ("restore", (n,)), ("perceive", (n, n)),
        ("norm_restraint", (n, n)), ("conference", ()), ("no_elimination", ()),
        ("readmission", (n,)), ("shock", (n,)),
    ):
        out[name] = (c, shape)
        c += int(np.prod(shape))
    return out


def draws_per_year(n: int) -> int:
    """Uniform draws reserved per system-year (fixed, so policies share draws)."""
    return sum(int(np.prod(shape)) for _, shape in _layout(n).values())


class Draws:
    """The uniforms of one year for a batch of systems, computed block by block.

    Block ``name`` of system ``b`` in year ``y`` is counter
    ``y * draws_per_year(N) + offset(name) + i`` of the system's stream, so
    every policy sees the same draws for the same decision, and blocks a run
    does not need are never computed.
    """

    def __init__(self, keys: np.ndarray, year: int, n: int):
        self.keys, self.n = keys, n
        self.base = year * draws_per_year(n)
        self.layout = _layout(n)
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            off, shape = self.layout[name]
            size = int(np.prod(shape))
            counters = np.arange(self.base + off, self.base + off + size, dtype=np.uint64)
            u = uniforms(self.keys[:, None], counters[None, :])
            self._cache[name] = u.reshape((len(self.keys), *shape))
        return self._cache[name]


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
    # power, memory of hegemonic war, and revisionist goals.
    weight: np.ndarray | None = None  # (B, N) float64 in [0, 1]
    memory: np.ndarray | None = None  # (B,) float64
    revisionist: np.ndarray | None = None  # (B, N) bool

    def copy(self) -> State:
        return State(*(None if a is None else a.copy() for a in (
            self.cap, self.alive, self.excluded, self.belief, self.dyad, self.grievance,
            self.seen_hostile, self.fallen, self.weight, self.memory, self.revisionist)))


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
        objs = [get_strategy(s) for s in strategies]
        acts, nexts, offsets, tables = [], [], {}, 0
        start = np.zeros(n, dtype=np.int64)
        threshold = np.full(n, np.nan)
        for i, s in enumerate(objs):
            if isinstance(s, BayesianTrust):
                threshold[i] = s.threshold
                s = Cooperator()  # table unused: the reply comes from the belief
            elif not isinstance(s, Strategy):
                raise ValueError(f"dyadic strategy {s.display_name!r} has no form the system "
                                 "model can play; use a finite-state strategy or Bayesian Trust")
            key = s.display_name
            if key not in offsets:
                tab = compile_strategy(s, horizon)
                act = np.zeros(8 * len(tab.act))
                act[::8] = tab.act
                offsets[key] = 8 * tables
                acts.append(act)
                nexts.append((tab.next.astype(np.int64) + tables).ravel() * 8)
                tables += len(tab.act)
            start[i] = offsets[key]
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
    cap = np.broadcast_to(np.asarray(system.capabilities), (batch, n)).copy()
    start = np.zeros(n, dtype=np.int64) if dyadic is None else dyadic.start
    state = State(
        cap=cap,
        alive=np.ones((batch, n), dtype=bool),
        excluded=np.zeros((batch, n), dtype=np.int64),
        belief=np.full((batch, n, n), system.belief_prior),
        dyad=np.broadcast_to(start[None, :, None], (batch, n, n)).copy(),
        grievance=np.zeros((batch, n, n), dtype=np.int64),
        seen_hostile=np.zeros((batch, n, n), dtype=bool),
        fallen=np.zeros((batch, n), dtype=bool),
    )
    if regime is not None:
        c = regime.conditions
        revisionist = np.zeros((batch, n), dtype=bool)
        if any(not 0 <= i < n for i in c.revisionist):
            raise ValueError(f"revisionist: power indices must be in [0, {n})")
        revisionist[:, list(c.revisionist)] = True
        state.memory = np.full(batch, c.memory)
        state.revisionist = revisionist
        target = _regime_target(regime, state, n)
        state.weight = target if c.initial_weight is None else np.where(
            regime.member_mask(n)[None, :] & ~revisionist, c.initial_weight, 0.0)
    return state


def member_trust(belief: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Each power's share of the other living members it expects to reciprocate, (B, N).

    Jervis's condition 2 (others share the value of mutual security), read off
    the reciprocity beliefs rather than set by hand: the share of the other
    members ``j`` with ``belief[i, j] >= COMPLY_BELIEF``.  1 with no other member.
    """
    B, N = member.shape
    other = member[:, None, :] & ~np.eye(N, dtype=bool)[None]
    n = other.sum(axis=2)
    s = (other & (belief >= COMPLY_BELIEF)).sum(axis=2)
    return np.where(n > 0, s / np.maximum(n, 1), 1.0)


def _regime_target(regime, state: State, n: int) -> np.ndarray:
    """Jervis's conditions -> each member's target internalisation weight, (B, N)."""
    c = regime.conditions
    member = regime.member_mask(n)[None, :] & ~state.revisionist  # condition 3
    trust = member_trust(state.belief, member & state.alive)  # condition 2, from beliefs
    cost = np.minimum(c.war_cost_perception + state.memory, 1.0)  # condition 4
    target = c.regulation * c.shared_value * trust * cost[:, None]  # conditions 1, 2, 4
    return np.where(member, target, 0.0)


def csf(a: np.ndarray, d: np.ndarray, k: float) -> np.ndarray:
    """Probability that side ``a`` beats side ``d``: ``a^k / (a^k + d^k)``."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        r = np.where(a > 0, 1.0 / (1.0 + (d / np.where(a > 0, a, 1.0)) ** k), 0.0)
    return r


def war_value(cap_i, own, enemy, p, tau, stake, delta, rel=0.0, cap_j=None):
    """Expected capability change of power ``i`` from a war (arrays of equal shapes).

    ``own`` and ``enemy`` are the two sides' capabilities, ``p`` the chance
    that ``i``'s side wins, ``tau`` the share of the losers taken by the
    winners (split in proportion to capability), ``stake`` the share of
    ``i``'s capability lost if beaten (``tau``, plus the chance of being
    pressed to elimination times the rest), ``delta`` the share destroyed by
    fighting.  With relative gains ``rel > 0`` the expected change of the
    main enemy ``j`` (capability ``cap_j``) counts against ``i``'s own.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(own > 0, cap_i / np.where(own > 0, own, 1.0), 0.0)
        v = p * tau * enemy * share - (1 - p) * stake * cap_i - delta * cap_i
        if rel > 0:
            j_share = np.where(enemy > 0, cap_j / np.where(enemy > 0, enemy, 1.0), 0.0)
            other = -delta * cap_j - p * tau * cap_j + (1 - p) * tau * own * j_share
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


def _side_shares(cap: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Each power's share of its side's capability (0 off the side), shape (B, N)."""
    total = (cap * side).sum(axis=1)
    return np.where(side, cap / np.where(total > 0, total, 1.0)[:, None], 0.0)


def restraint_probability(belief: np.ndarray) -> np.ndarray:
    """``r = b q_s + (1 - b) q_e``: chance that the other restrains, given belief ``b``."""
    return belief * SEEKER_RESTRAINT + (1 - belief) * EXPANSIONIST_RESTRAINT


def update_belief(belief: np.ndarray, saw_restraint: np.ndarray, noise: float,
                  certain: np.ndarray | None = None) -> np.ndarray:
    """Bayes' rule on one perceived stance (Kydd 2005).

    A stance is misread with probability ``noise`` (the misperception the
    powers know of); ``certain`` marks observations that cannot be misread
    (a war).  Result clipped to ``[BELIEF_FLOOR, 1 - BELIEF_FLOOR]``.
    """
    # Four possible likelihood pairs (seen restraint or not x certain or not):
    # look them up rather than build full-size arrays (a hot path).
    qs, qe = SEEKER_RESTRAINT, EXPANSIONIST_RESTRAINT
    like_s, like_e = np.empty(4), np.empty(4)
    for certain_k in (0, 1):
        m = 0.0 if certain_k else float(noise)
        c_s = qs * (1 - m) + (1 - qs) * m  # P(seen restraint | seeker)
        c_e = qe * (1 - m) + (1 - qe) * m
        like_s[2 * certain_k:2 * certain_k + 2] = (1 - c_s, c_s)
        like_e[2 * certain_k:2 * certain_k + 2] = (1 - c_e, c_e)
    idx = saw_restraint.astype(np.intp)
    if certain is not None:
        idx = idx + 2 * certain
    ls, le = like_s[idx], like_e[idx]
    post = belief * ls / (belief * ls + (1 - belief) * le)
    return np.clip(post, BELIEF_FLOOR, 1 - BELIEF_FLOOR)


def step(state: State, u: Draws | dict[str, np.ndarray], system: System, policy: Policy,
         dyadic: Dyadic, regime=None) -> tuple[State, dict[str, np.ndarray], np.ndarray]:
    """Advance every system by one year (the module docstring gives the order).

    Returns the new state, the year's measures (each shape ``(B,)``), and the
    alliance matrix in force during the year, shape ``(B, N, N)``.

    Restraint accounting (the regime autonomy index): a *restraining
    decision* is an attack a power could make with the odds in its favour
    (p >= 1/2) or that it was ready to make and does not make, a beaten power
    it spares, or a crisis settled in conference.  It is *norm-explained*
    when the same power, in the same state and with the same draws, would
    have acted without the norms (Kaplan's rules and the regime's norms).
    ``restraints`` and ``norm_restraints`` count them.
    """
    s = state.copy()
    B, N = s.cap.shape
    w = policy.weights()
    rows = np.arange(B)
    eye = np.eye(N, dtype=bool)
    k = system.decisiveness
    delta, tau, f = system.war_cost, system.transfer, system.first_strike
    s.excluded = np.maximum(s.excluded - 1, 0)
    s.grievance = np.maximum(s.grievance - 1, 0)

    # 1. Growth.
    before = s.cap.sum(axis=1)
    s.cap = np.where(s.alive, s.cap * np.exp(system.growth_mean + system.growth_sd
                                             * ndtri(u["growth"])), 0.0)
    growth = s.cap.sum(axis=1) - before

    # 2. Alliances against the strongest power h.
    total = s.cap.sum(axis=1)
    share = s.cap / total[:, None]
    h = np.argmax(np.where(s.alive, share, -1.0), axis=1)
    sh = share[rows, h]
    not_h = s.alive & (np.arange(N)[None, :] != h[:, None])
    partner = not_h & (s.excluded == 0)
    join = partner & (sh >= system.threat_share)[:, None]
    predominant = (sh >= system.predominance_share)[:, None]
    if policy.name == "kaplan":
        join |= partner & predominant & (u["rule4"] < w[4])
    elif policy.name == "balancer":
        bal = policy.balancer
        if bal < N:
            join[:, bal] |= partner[:, bal] & predominant[:, 0]
    allied = join[:, :, None] & join[:, None, :] & ~eye
    # The alliance is one clique: its members' side is the clique total,
    # computed once so that equal sides compare equal.
    clique = (s.cap * join).sum(axis=1)
    side = np.where(join, clique[:, None], s.cap)

    # 3. Replies and beliefs.
    valid = s.alive[:, :, None] & s.alive[:, None, :] & ~eye
    p_fsm = dyadic.act[s.dyad]
    reply = (u["act"] < p_fsm) if dyadic.stochastic else p_fsm > 0.5
    bt = ~np.isnan(dyadic.threshold)
    if bt.any():
        thr = np.where(bt, dyadic.threshold, 0.0)[None, :, None]
        reply = np.where(bt[None, :, None], s.belief >= thr, reply)
    reply = reply & valid
    r = restraint_probability(s.belief)

    # Punishers: q joins the defender against attacker i when it remembers
    # i's attack on it and its reply to i is to defect.
    punisher = ((s.grievance > 0) | s.seen_hostile) & valid & ~reply  # [q, i]
    pw = s.cap[:, :, None] * (punisher & ~allied)  # allies of i stay loyal to i
    outside = ~eye[None] & ~(join[:, :, None] & join[:, None, :])  # [q, j]: not in j's side
    punish = np.einsum("bqi,bqj->bij", pw, outside)  # [i, j]: punishers of i not on j's side

    # 4. Decisions.  Striking first: i's side (x 1 + first_strike) against j's
    # side plus i's punishers; struck first: j's side (x 1 + first_strike)
    # against i's side plus j's punishers.
    own = np.broadcast_to(side[:, :, None], (B, N, N))
    enemy = side[:, None, :] + punish
    own_t = own + punish.transpose(0, 2, 1)
    enemy_t = np.broadcast_to(side[:, None, :], (B, N, N))
    if system.capability_noise > 0:  # uncertainty: the other side's strength is misjudged
        seen_strength = np.exp(system.capability_noise * ndtri(u["perceive"]))
        enemy, enemy_t = enemy * seen_strength, enemy_t * seen_strength
    p_att = csf((1 + f) * own, enemy, k)
    p_tgt = 1.0 - csf((1 + f) * enemy_t, own_t, k)
    cap_i = np.broadcast_to(s.cap[:, :, None], (B, N, N))
    cap_j = np.broadcast_to(s.cap[:, None, :], (B, N, N))
    nuclear = np.zeros(N, dtype=bool)
    nuclear[list(system.nuclear)] = True
    delta_ij = np.where(nuclear[:, None] & nuclear[None, :], system.nuclear_cost, delta)
    rel = system.relative_gains
    eg = war_value(cap_i, own, enemy, p_att, tau, stake(system, enemy, cap_i, delta_ij),
                   delta_ij, rel, cap_j)
    eg_tgt = war_value(cap_i, own_t, enemy_t, p_tgt, tau,
                       stake(system, enemy_t, cap_i, delta_ij), delta_ij, rel, cap_j)
    loss = np.maximum(-eg_tgt, 0.0)  # the sucker's payoff: restraint exploited
    bar = (reply * r * system.shadow - (1 - r)) * loss
    margin = eg - bar
    ready = valid & ~allied & (margin > 0)
    candidate = ready.copy()
    if policy.name == "kaplan":
        negotiate = u["rule1"] < w[1]
        seize = (u["rule2"] < w[2]) & (eg >= BIG_GAIN * cap_i)
        candidate = ready & (~negotiate | seize)
        if system.supranational:
            sup = np.zeros(N, dtype=bool)
            sup[list(system.supranational)] = True
            constrain = (u["rule5"] < w[5])[:, :, None] & sup[None, None, :] & (p_att > 0.5)
            candidate |= valid & ~allied & constrain

    # Regime norm: members restrain toward members they expect to reciprocate.
    member = np.zeros((B, N), dtype=bool)
    if regime is not None:
        member = regime.member_mask(N)[None, :] & s.alive
        bind = ((u["norm_restraint"] < regime.strength("restraint") * s.weight[:, :, None])
                & (s.belief >= COMPLY_BELIEF))
        candidate &= ~(bind & member[:, :, None] & member[:, None, :])

    # A power's stance: restraint when its reply is to cooperate and it does
    # not stand ready to attack.
    stance_c = reply & ~candidate & valid

    score = np.where(candidate, margin, -np.inf).reshape(B, N * N)
    best = np.argmax(score, axis=1)
    war = np.isfinite(score[rows, best])
    att, dfd = best // N, best % N
    settled = np.zeros(B, dtype=bool)
    if regime is not None and regime.strength("consultation") > 0:
        both = member[rows, att] & member[rows, dfd]
        settled = war & both & (u["conference"] < regime.strength("consultation")
                                * s.weight[rows, att]) & (s.belief[rows, att, dfd] >= COMPLY_BELIEF)
        war = war & ~settled
    initiated = np.zeros((B, N, N), dtype=bool)
    initiated[rows, att, dfd] = war
    feasible = valid & ~allied & ((p_att >= 0.5) | ready)
    restrained = feasible & ~initiated
    restraints = restrained.sum(axis=(1, 2))
    norm_restraints = (restrained & ready & ~candidate).sum(axis=(1, 2)) + settled

    # 5. War sides: attacker + its allies vs defender + its allies, then the
    # attacker's punishers, then Kaplan's and the balancer's third parties.
    a_side = np.zeros((B, N), dtype=bool)
    d_side = np.zeros((B, N), dtype=bool)
    a_side[rows, att] = war
    d_side[rows, dfd] = war
    a_side |= allied[rows, att] & war[:, None]
    d_side |= allied[rows, dfd] & war[:, None]
    punishing = punisher[rows, :, att] & ~a_side & ~d_side & war[:, None]
    d_side |= punishing
    third = s.alive & ~a_side & ~d_side & war[:, None]
    a_cap = (s.cap * a_side).sum(axis=1)
    d_cap = (s.cap * d_side).sum(axis=1)
    a_stronger = a_cap >= d_cap
    if policy.name == "kaplan":
        strong_share = np.maximum(a_cap, d_cap) / total
        oppose = third & (u["rule4"] < w[4]) & (strong_share >= system.predominance_share)[:, None]
        a_side |= oppose & ~a_stronger[:, None]
        d_side |= oppose & a_stronger[:, None]
    elif policy.name == "balancer" and policy.balancer < N:
        bal = policy.balancer
        joins = third[:, bal]
        a_side[:, bal] |= joins & ~a_stronger
        d_side[:, bal] |= joins & a_stronger
    a_cap = (s.cap * a_side).sum(axis=1)
    d_cap = (s.cap * d_side).sum(axis=1)
    p_war = csf((1 + f) * a_cap, d_cap, k)
    a_wins = war & (u["war"] < p_war)

    fighters = a_side | d_side
    if system.nuclear:
        nuclear_war = (a_side & nuclear).any(axis=1) & (d_side & nuclear).any(axis=1)
        rate = np.where(nuclear_war, system.nuclear_cost, delta)
    else:
        rate = np.full(B, delta)
    destroyed = rate * (s.cap * fighters).sum(axis=1)
    s.cap = np.where(fighters, s.cap * (1 - rate[:, None]), s.cap)
    win_side = np.where(a_wins[:, None], a_side, d_side) & war[:, None]
    lose_side = np.where(a_wins[:, None], d_side, a_side) & war[:, None]
    loot = tau * (s.cap * lose_side).sum(axis=1)
    gain_share = _side_shares(s.cap, win_side)
    s.cap = np.where(lose_side, s.cap * (1 - tau), s.cap)
    s.cap = s.cap + gain_share * loot[:, None]
    s.excluded = np.where(lose_side, system.exclusion_years, s.excluded)
    # The victim remembers who attacked it.
    s.grievance[rows, dfd, att] = np.where(war, system.grievance_years, s.grievance[rows, dfd, att])
    if regime is not None and regime.strength("compensation") > 0:
        # Abstaining members are compensated out of the winners' gain, in
        # proportion to each winner's internalisation of the norm.
        abstain = member & ~fighters & war[:, None]
        n_abstain = abstain.sum(axis=1)
        give = gain_share * loot[:, None] * regime.compensation_share * regime.strength(
            "compensation") * np.where(member, s.weight, 0.0)
        give = np.where((n_abstain > 0)[:, None], give, 0.0)
        paid = give.sum(axis=1)
        s.cap = s.cap - give + np.where(abstain, (paid / np.maximum(n_abstain, 1))[:, None], 0.0)

    # 6. Pressing on to eliminate the main loser.
    winner = np.where(a_wins, att, dfd)
    loser = np.where(a_wins, dfd, att)
    c_w = s.cap[rows, winner]
    c_l = s.cap[rows, loser]
    w_side_cap = (s.cap * win_side).sum(axis=1)
    p2 = csf(w_side_cap, c_l, k)
    pays = p2 * (1 - rate) > rate
    if not system.conquest:
        pays &= False
    push = war & pays
    if policy.name == "far_sighted_waltz":
        others = s.alive & ~win_side
        others[rows, loser] = False
        rival = np.where(others, s.cap, 0.0).max(axis=1)
        safe_w = np.where(c_w > 0, c_w, 1.0)
        safe_side = np.where(w_side_cap > 0, w_side_cap, 1.0)
        threat = np.minimum(rival / safe_w, 1.0)
        eg_push = (p2 * (1 - rate) - rate) * c_l * np.where(w_side_cap > 0, c_w / safe_side, 0)
        push &= ~(policy.future_weight * threat * c_l > eg_push)
    push_free = push.copy()  # what interest alone decides
    if policy.name == "kaplan":
        push &= ~(u["rule3"] < w[3])
    if regime is not None and regime.strength("no_elimination") > 0:
        spare = member[rows, winner] & member[rows, loser] & (
            u["no_elimination"] < regime.strength("no_elimination") * s.weight[rows, winner]) & (
            s.belief[rows, winner, loser] >= COMPLY_BELIEF)
        push &= ~spare
    spared = war & ~push  # sparing a beaten power is a restraining decision too
    restraints = restraints + spared
    # Interest-based sparing (far-sighted) is restraint, but not norm-explained.
    norm_restraints = norm_restraints + (spared & push_free)
    push_cost = np.where(push, rate * np.minimum(c_l, w_side_cap), 0.0)
    destroyed += 2 * push_cost
    # The winning side pays the push in proportion to its capability.
    s.cap = s.cap - _side_shares(s.cap, win_side) * push_cost[:, None]
    s.cap[rows, loser] -= push_cost
    conquered = push & (u["push"] < p2)
    spoils = np.where(conquered, s.cap[rows, loser], 0.0)
    s.cap = s.cap + _side_shares(s.cap, win_side) * spoils[:, None]
    s.cap[rows, loser] -= spoils
    s.alive[rows, loser] &= ~conquered

    # Threshold elimination.  Never eliminate the last power standing.
    total = s.cap.sum(axis=1)
    weak = s.alive & (s.cap < system.elimination_threshold * total[:, None])
    if not system.conquest:
        weak &= False
    strongest = np.argmax(np.where(s.alive, s.cap, -1.0), axis=1)
    weak[rows, strongest] = False
    gone = weak | ~s.alive
    beaten = gone & lose_side
    heirs = s.alive & ~weak
    victors = heirs & win_side
    victors = np.where(victors.any(axis=1)[:, None], victors, heirs)
    rem_beaten = (s.cap * beaten).sum(axis=1)
    rem_other = (s.cap * (gone & ~beaten)).sum(axis=1)
    s.cap = np.where(gone, 0.0, s.cap)
    s.cap = (s.cap + _side_shares(s.cap, victors) * rem_beaten[:, None]
             + _side_shares(s.cap, heirs) * rem_other[:, None])
    s.alive &= ~weak
    eliminated = (state.alive & ~s.alive).sum(axis=1)
    s.fallen |= ~s.alive

    # 7. Rule 6: readmit the shunned, restore eliminated essential actors.
    restored = np.zeros(B, dtype=np.int64)
    if policy.name == "kaplan" and w[6] > 0:
        s.excluded = np.where(s.alive & (u["rule6"] < w[6]), 0, s.excluded)
        back = ~s.alive & (u["restore"] < w[6] * system.restore_rate)
        # Restore one at a time in power order so that each takes from the
        # then-strongest power (exactly what the scalar reference does).
        for i in range(N):
            bi = back[:, i]
            if not bi.any():
                continue
            total = s.cap.sum(axis=1)
            strongest = np.argmax(np.where(s.alive, s.cap, -1.0), axis=1)
            amount = np.where(bi, 2 * system.elimination_threshold * total, 0.0)
            amount = np.minimum(amount, 0.5 * s.cap[rows, strongest])
            s.cap[rows, strongest] -= amount
            s.cap[:, i] += amount
            s.alive[:, i] |= bi
            s.excluded[:, i] = np.where(bi, 0, s.excluded[:, i])
            restored += bi
    if regime is not None and regime.strength("readmission") > 0:
        readmit = member & (u["readmission"] < regime.strength("readmission") * s.weight)
        s.excluded = np.where(readmit, 0, s.excluded)

    # 8. What each side saw: the other's stance, misread with probability m; a
    # war between them is seen for what it is.
    expand = valid & ~stance_c
    seen = expand.transpose(0, 2, 1)  # [i, j]: j expanded toward i
    if system.misperception > 0:
        seen = seen ^ (u["mis"] < system.misperception)
    at_war = (a_side[:, :, None] & d_side[:, None, :]) | (d_side[:, :, None] & a_side[:, None, :])
    seen = (seen | at_war) & valid
    intended = reply if dyadic.stochastic else p_fsm > 0.5
    obs = (intended.view(np.uint8) << 2) | (stance_c.view(np.uint8) << 1) | (~seen).view(np.uint8)
    s.dyad = np.where(valid, dyadic.next8[s.dyad + obs], s.dyad)
    s.seen_hostile = seen
    s.belief = np.where(valid, update_belief(s.belief, ~seen, system.misperception, at_war),
                        s.belief)
    returned = s.alive & ~state.alive
    if returned.any():  # a restored power starts afresh, and so do views of it
        fresh = returned[:, :, None] | returned[:, None, :]
        s.belief = np.where(fresh, system.belief_prior, s.belief)
        s.dyad = np.where(fresh, dyadic.start[None, :, None], s.dyad)
        s.grievance = np.where(fresh, 0, s.grievance)
        s.seen_hostile &= ~fresh

    if regime is not None:
        _update_regime(s, regime, u, war, a_side, d_side, member, destroyed, N)

    # Measures.
    total = s.cap.sum(axis=1)
    shares = s.cap / total[:, None]
    n_alive = s.alive.sum(axis=1)
    hhi = (shares**2).sum(axis=1)
    dyads = valid.sum(axis=(1, 2))
    restraining = stance_c.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        con = np.where(n_alive > 1, np.sqrt(np.maximum(hhi - 1 / n_alive, 0) /
                                            (1 - 1 / np.maximum(n_alive, 2))), 1.0)
        coop = np.where(dyads > 0, restraining / np.maximum(dyads, 1), np.nan)
        mean_belief = np.where(dyads > 0, np.where(valid, s.belief, 0).sum(axis=(1, 2))
                               / np.maximum(dyads, 1), np.nan)
    max_share = shares.max(axis=1)
    measures = {
        "war": war,
        "war_size": destroyed,
        "attacker": np.where(war, att, -1),
        "defender": np.where(war, dfd, -1),
        "attacker_won": a_wins,
        "punishers": punishing.sum(axis=1),
        "eliminated": eliminated,
        "restored": restored,
        "n_alive": n_alive,
        "essential_survival": n_alive / N,
        "continuous_survival": (~s.fallen).sum(axis=1) / N,
        "pairs": dyads // 2,
        "restraining_dyads": restraining,
        "hhi": hhi,
        "con": con,
        "max_share": max_share,
        "n_poles": (shares >= 0.5 * max_share[:, None]).sum(axis=1),
        "alliance_count": allied.sum(axis=(1, 2)) // 2,
        "cooperation_rate": coop,
        "mean_belief": mean_belief,
        "growth": growth,
        "total": total,
        "restraints": restraints,
        "norm_restraints": norm_restraints,
        "settled": settled,
        # Without a regime every power counts as a member, so that runs with
        # and without norms measure the same wars.
        "member_war": war & (member[rows, att] & member[rows, dfd] if regime is not None
                             else True),
        "regime_strength": (np.where(member, s.weight, 0.0).sum(axis=1)
                            / np.maximum(member.sum(axis=1), 1)) if regime is not None
        else np.zeros(B),
    }
    return s, measures, allied


def _update_regime(s: State, regime, u, war, a_side, d_side, member, destroyed, N) -> None:
    """Formation and decay: memory fades, beliefs move trust, goals may turn revisionist."""
    c = regime.conditions
    member_war = war & (a_side & member).any(axis=1) & (d_side & member).any(axis=1)
    total = s.cap.sum(axis=1)
    s.memory = s.memory * 0.5 ** (1.0 / c.half_life) + np.where(
        member_war, c.memory_gain * destroyed / np.where(total > 0, total, 1.0), 0.0)
    s.memory = np.minimum(s.memory, 1.0)
    if c.shock_rate > 0:
        s.revisionist = s.revisionist | (s.alive & (u["shock"] < c.shock_rate))
    target = _regime_target(regime, s, N)
    s.weight = s.weight + c.adaptation * (target - s.weight)


def dyad_payoffs(system: System) -> dict[str, np.ndarray]:
    """The stage game each ordered pair of powers plays in the system's first year.

    Payoffs to ``i`` (row) against ``j`` (column), as shares of ``i``'s own
    capability, from the decision rule of :func:`step` with no alliances and
    no grievances: ``R`` mutual restraint (status quo, 0), ``T`` striking a
    restraining ``j`` first, ``S`` restraining while ``j`` strikes first (the
    sucker's payoff), ``P`` mutual expansion (a war neither side opens by
    surprise).  Each value has shape (N, N), NaN on the diagonal.
    """
    cap = np.asarray(system.capabilities, dtype=float)
    n = cap.size
    k, tau, f = system.decisiveness, system.transfer, system.first_strike
    ci, cj = np.meshgrid(cap, cap, indexing="ij")
    nuclear = np.zeros(n, dtype=bool)
    nuclear[list(system.nuclear)] = True
    delta = np.where(nuclear[:, None] & nuclear[None, :], system.nuclear_cost, system.war_cost)
    at_stake = stake(system, cj, ci, delta)
    rel = system.relative_gains

    def value(p):
        return war_value(ci, ci, cj, p, tau, at_stake, delta, rel, cj) / ci

    out = {"R": np.zeros((n, n)), "T": value(csf((1 + f) * ci, cj, k)),
           "S": value(1.0 - csf((1 + f) * cj, ci, k)), "P": value(csf(ci, cj, k))}
    off = ~np.eye(n, dtype=bool)
    return {key: np.where(off, v, np.nan) for key, v in out.items()}
