"""The batched international-system model: one year of many systems at once.

Arrays have shape ``(B, N)`` (systems x powers) or ``(B, N, N)`` (systems x
from-power x to-power).  A Python loop runs over years only.

One year, in order (``docs/theory.md`` gives the reasoning):

1. **Growth**: ``cap *= exp(growth_mean + growth_sd * z)``, ``z`` standard normal.
2. **Alliances**: when the strongest power ``h`` holds at least
   ``threat_share`` of the total, the other powers ally against it
   (self-help balancing).  Under Kaplan's rule 4 each power also joins when
   ``h`` merely tends toward predominance (``predominance_share``); under
   ``balancer`` the balancer joins then too.  Defeated powers are shunned as
   partners for ``exclusion_years`` (rule 6 readmits them).  The alliance is
   one clique against ``h``.
3. **Stances**: each power chooses restraint or expansion toward each other
   power: it expands if its dyadic strategy (a strategy of the game engine,
   default Tit For Tat, fed with its possibly misperceived view of the other's
   last stance) says so, or if attacking would pay.
4. **War**: attacking ``j`` pays power ``i`` when, with ``A`` = ``i`` plus its
   allies and ``D`` = ``j`` plus its allies, ``p = A^k / (A^k + D^k)``,
   ``EG = p * transfer * D * cap_i / A - (1 - p) * transfer * cap_i - war_cost * cap_i > 0``.
   The policy filters these opportunities (Kaplan's rules 1, 2, 5), and the
   most profitable one in each system becomes a war.  Third parties may join
   (rule 4, balancer); the outcome is drawn from the contest success
   function; every fighter loses ``war_cost`` of its capability; the winners
   take ``transfer`` of the losers' capability.
5. **Elimination**: the winner may press on to eliminate the main loser
   when that pays (``p2 (1 - war_cost) > war_cost``); rule 3 forbids it and
   far-sighted self-interest may spare a loser that is worth more as a future
   ally.  Any power below ``elimination_threshold`` of the total is
   eliminated.
6. **Readmission** (rule 6): shunned powers are readmitted, and eliminated
   essential actors restored, with probability given by the rule's weight.

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
from ..games.strategies import Strategy, get_strategy
from .config import Policy, System

#: Kaplan's rule 2 applies to opportunities worth at least this share of the
#: attacker's own capability.
BIG_GAIN = 0.03


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
    seen_hostile: np.ndarray  # (B, N, N) bool, [i, j]: i saw j expand toward i last year
    dyad: np.ndarray  # (B, N, N) int64, dyadic strategy state (x 8, into its table)
    # Regime state (see security_regimes.regimes): internalisation weight per
    # power, memory of hegemonic war, trust, and revisionist goals.
    weight: np.ndarray | None = None  # (B, N) float64 in [0, 1]
    memory: np.ndarray | None = None  # (B,) float64
    trust: np.ndarray | None = None  # (B,) float64
    revisionist: np.ndarray | None = None  # (B, N) bool

    def copy(self) -> State:
        return State(*(None if a is None else a.copy() for a in (
            self.cap, self.alive, self.excluded, self.seen_hostile, self.dyad, self.weight,
            self.memory, self.trust, self.revisionist)))


@dataclass
class Dyadic:
    """A finite-state strategy of the game engine compiled for dyads."""

    strategy: Strategy
    act: np.ndarray  # (8 * S,) probability of restraint at index state8
    next8: np.ndarray  # (8 * S,) next state8 at index state8 + obs

    @classmethod
    def build(cls, strategy: Strategy | str, horizon: int) -> Dyadic:
        s = get_strategy(strategy)
        if not isinstance(s, Strategy):
            raise ValueError(f"dyadic strategy must be a finite-state strategy, got {s.display_name!r}")
        tab = compile_strategy(s, horizon)
        act = np.zeros(8 * len(tab.act))
        act[::8] = tab.act
        return cls(s, act, (tab.next.astype(np.int64) * 8).ravel())

    @property
    def stochastic(self) -> bool:
        a = self.act[::8]
        return bool(np.any((a != 0) & (a != 1)))


def initial_state(system: System, batch: int, regime=None) -> State:
    n = system.n_powers
    cap = np.broadcast_to(np.asarray(system.capabilities), (batch, n)).copy()
    state = State(
        cap=cap,
        alive=np.ones((batch, n), dtype=bool),
        excluded=np.zeros((batch, n), dtype=np.int64),
        seen_hostile=np.zeros((batch, n, n), dtype=bool),
        dyad=np.zeros((batch, n, n), dtype=np.int64),
    )
    if regime is not None:
        c = regime.conditions
        revisionist = np.zeros((batch, n), dtype=bool)
        if any(not 0 <= i < n for i in c.revisionist):
            raise ValueError(f"revisionist: power indices must be in [0, {n})")
        revisionist[:, list(c.revisionist)] = True
        state.memory = np.full(batch, c.memory)
        state.trust = np.ones(batch)
        state.revisionist = revisionist
        target = _regime_target(regime, state, n)
        state.weight = target if c.initial_weight is None else np.where(
            regime.member_mask(n)[None, :] & ~revisionist, c.initial_weight, 0.0)
    return state


def _regime_target(regime, state: State, n: int) -> np.ndarray:
    """Jervis's conditions -> each member's target internalisation weight, (B, N)."""
    c = regime.conditions
    cost = np.minimum(c.war_cost_perception + state.memory, 1.0)  # condition 4
    target = c.regulation * c.shared_value * state.trust * cost  # conditions 1, 2, 4
    member = regime.member_mask(n)[None, :] & ~state.revisionist  # condition 3
    return np.where(member, target[:, None], 0.0)


def csf(a: np.ndarray, d: np.ndarray, k: float) -> np.ndarray:
    """Probability that side ``a`` beats side ``d``: ``a^k / (a^k + d^k)``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(a > 0, 1.0 / (1.0 + (d / np.where(a > 0, a, 1.0)) ** k), 0.0)
    return r


def expected_gain(cap_i, a, d, p, system: System, delta=None):
    """Expected capability gain of a war for the attacker ``i`` (same shapes)."""
    tau = system.transfer
    delta = system.war_cost if delta is None else delta
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(a > 0, cap_i / np.where(a > 0, a, 1.0), 0.0)
    return p * tau * d * share - (1 - p) * tau * cap_i - delta * cap_i


def _side_shares(cap: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Each power's share of its side's capability (0 off the side), shape (B, N)."""
    total = (cap * side).sum(axis=1)
    return np.where(side, cap / np.where(total > 0, total, 1.0)[:, None], 0.0)


def step(state: State, u: Draws | dict[str, np.ndarray], system: System, policy: Policy,
         dyadic: Dyadic, regime=None) -> tuple[State, dict[str, np.ndarray], np.ndarray]:
    """Advance every system by one year.

    Returns the new state, the year's measures (each shape ``(B,)``), and the
    alliance matrix in force during the year, shape ``(B, N, N)``.

    Restraint accounting (the regime autonomy index): a *restraining
    decision* is an attack a power could make with the odds in its favour
    (p >= 1/2) or at a profit and does not make, a beaten power it spares, or
    a crisis settled in conference.  It is *norm-explained* when the same
    power, in the same state and with the same draws, would have acted
    without the norms (Kaplan's rules and the regime's norms).
    ``restraints`` and ``norm_restraints`` count them.
    """
    s = state.copy()
    B, N = s.cap.shape
    w = policy.weights()
    rows = np.arange(B)
    eye = np.eye(N, dtype=bool)
    k = system.decisiveness
    delta, tau = system.war_cost, system.transfer
    s.excluded = np.maximum(s.excluded - 1, 0)

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

    # 3-4. Opportunities and stances.  Non-allied i, j share no ally (one clique).
    A = np.broadcast_to(side[:, :, None], (B, N, N))
    D = np.broadcast_to(side[:, None, :], (B, N, N))
    if system.capability_noise > 0:  # uncertainty: the other side's strength is misjudged
        D = D * np.exp(system.capability_noise * ndtri(u["perceive"]))
    p = csf(A, D, k)
    cap_i = np.broadcast_to(s.cap[:, :, None], (B, N, N))
    nuclear = np.zeros(N, dtype=bool)
    nuclear[list(system.nuclear)] = True
    delta_ij = np.where(nuclear[:, None] & nuclear[None, :], system.nuclear_cost, delta)
    eg = expected_gain(cap_i, A, D, p, system, delta_ij)
    if system.relative_gains > 0:  # competitiveness: the other's loss counts as a gain
        cap_j = np.broadcast_to(s.cap[:, None, :], (B, N, N))
        with np.errstate(invalid="ignore", divide="ignore"):
            j_share = np.where(D > 0, cap_j / np.where(D > 0, D, 1.0), 0.0)
        other = -delta_ij * cap_j - p * tau * cap_j + (1 - p) * tau * cap_i * j_share
        eg = eg - system.relative_gains * other
    valid = s.alive[:, :, None] & s.alive[:, None, :] & ~eye
    opp = valid & ~allied & (eg > 0)
    candidate = opp.copy()
    if policy.name == "kaplan":
        negotiate = u["rule1"] < w[1]
        seize = (u["rule2"] < w[2]) & (eg >= BIG_GAIN * cap_i)
        candidate = opp & (~negotiate | seize)
        if system.supranational:
            sup = np.zeros(N, dtype=bool)
            sup[list(system.supranational)] = True
            constrain = (u["rule5"] < w[5])[:, :, None] & sup[None, None, :] & (p > 0.5)
            candidate |= valid & ~allied & constrain

    # Regime norm: members restrain toward members.
    member = np.zeros((B, N), dtype=bool)
    if regime is not None:
        member = regime.member_mask(N)[None, :] & s.alive
        bind = u["norm_restraint"] < regime.strength("restraint") * s.weight[:, :, None]
        candidate &= ~(bind & member[:, :, None] & member[:, None, :])

    # The dyadic strategy's own move (probability of restraint).
    p_restrain = dyadic.act[s.dyad]
    intended_c = (u["act"] < p_restrain) if dyadic.stochastic else p_restrain > 0.5
    stance_c = intended_c & ~opp  # restraint unless an opportunity tempts
    stance_c &= valid

    score = np.where(candidate, eg, -np.inf).reshape(B, N * N)
    best = np.argmax(score, axis=1)
    war = np.isfinite(score[rows, best])
    att, dfd = best // N, best % N
    settled = np.zeros(B, dtype=bool)
    if regime is not None and regime.strength("consultation") > 0:
        both = member[rows, att] & member[rows, dfd]
        settled = war & both & (u["conference"] < regime.strength("consultation")
                                * s.weight[rows, att])
        war = war & ~settled
    # Restraint accounting.  A restraining decision: a power that could attack
    # with the odds in its favour (or at a profit) and does not.  It is
    # norm-explained when interest alone (opp) would have made it ready to
    # attack but the norms (Kaplan's rules, the regime) removed it, or when a
    # conference settled the crisis.
    initiated = np.zeros((B, N, N), dtype=bool)
    initiated[rows, att, dfd] = war
    feasible = valid & ~allied & ((p >= 0.5) | opp)
    restrained = feasible & ~initiated
    restraints = restrained.sum(axis=(1, 2))
    norm_restraints = (restrained & opp & ~candidate).sum(axis=(1, 2)) + settled

    # War sides: attacker + its allies vs defender + its allies, then joiners.
    a_side = np.zeros((B, N), dtype=bool)
    d_side = np.zeros((B, N), dtype=bool)
    a_side[rows, att] = war
    d_side[rows, dfd] = war
    a_side |= allied[rows, att] & war[:, None]
    d_side |= allied[rows, dfd] & war[:, None]
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
    p_war = csf(a_cap, d_cap, k)
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

    # 5. Pressing on to eliminate the main loser.
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
            u["no_elimination"] < regime.strength("no_elimination") * s.weight[rows, winner])
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

    # Threshold elimination: the remnant passes to the strongest power.
    total = s.cap.sum(axis=1)
    weak = s.alive & (s.cap < system.elimination_threshold * total[:, None])
    if not system.conquest:
        weak &= False
    # Never eliminate the last power standing.
    strongest = np.argmax(np.where(s.alive, s.cap, -1.0), axis=1)
    weak[rows, strongest] = False
    remnant = (s.cap * weak).sum(axis=1) + np.where(s.alive, 0.0, s.cap).sum(axis=1)
    s.cap = np.where(weak | ~s.alive, 0.0, s.cap)
    s.cap[rows, strongest] += remnant
    s.alive &= ~weak
    eliminated = (state.alive & ~s.alive).sum(axis=1)

    # 6. Rule 6: readmit the shunned, restore eliminated essential actors.
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
        returned = s.alive & ~state.alive
        s.seen_hostile &= ~(returned[:, :, None] | returned[:, None, :])
        s.dyad = np.where(returned[:, :, None] | returned[:, None, :], 0, s.dyad)

    if regime is not None:
        if regime.strength("readmission") > 0:
            readmit = member & (u["readmission"] < regime.strength("readmission") * s.weight)
            s.excluded = np.where(readmit, 0, s.excluded)
        _update_regime(s, regime, u, war, a_side, d_side, member, destroyed, N)

    # What each side saw: the other's stance, misread with probability m; a war
    # between them is seen for what it is.
    expand = valid & ~stance_c
    seen = expand.transpose(0, 2, 1)
    if system.misperception > 0:
        seen = seen ^ (u["mis"] < system.misperception)
    at_war = (a_side[:, :, None] & d_side[:, None, :]) | (d_side[:, :, None] & a_side[:, None, :])
    seen = (seen | at_war) & valid
    obs = (intended_c.view(np.uint8) << 2) | (stance_c.view(np.uint8) << 1) | (~seen).view(np.uint8)
    s.dyad = np.where(valid, dyadic.next8[s.dyad + obs], s.dyad)
    s.seen_hostile = seen

    # Measures.
    total = s.cap.sum(axis=1)
    shares = s.cap / total[:, None]
    n_alive = s.alive.sum(axis=1)
    hhi = (shares**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        con = np.where(n_alive > 1, np.sqrt(np.maximum(hhi - 1 / n_alive, 0) /
                                            (1 - 1 / np.maximum(n_alive, 2))), 1.0)
        n_dyads = valid.sum(axis=(1, 2))
        coop = np.where(n_dyads > 0, stance_c.sum(axis=(1, 2)) / np.maximum(n_dyads, 1), np.nan)
    max_share = shares.max(axis=1)
    measures = {
        "war": war,
        "war_size": destroyed,
        "attacker": np.where(war, att, -1),
        "defender": np.where(war, dfd, -1),
        "attacker_won": a_wins,
        "eliminated": eliminated,
        "restored": restored,
        "n_alive": n_alive,
        "essential_survival": n_alive / N,
        "hhi": hhi,
        "con": con,
        "max_share": max_share,
        "n_poles": (shares >= 0.5 * max_share[:, None]).sum(axis=1),
        "alliance_count": allied.sum(axis=(1, 2)) // 2,
        "cooperation_rate": coop,
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
    """Formation and decay: memory fades, trust reacts, goals may turn revisionist."""
    c = regime.conditions
    member_war = war & (a_side & member).any(axis=1) & (d_side & member).any(axis=1)
    total = s.cap.sum(axis=1)
    s.memory = s.memory * 0.5 ** (1.0 / c.half_life) + np.where(
        member_war, c.memory_gain * destroyed / np.where(total > 0, total, 1.0), 0.0)
    s.memory = np.minimum(s.memory, 1.0)
    s.trust = np.where(member_war, s.trust * (1 - c.betrayal), s.trust + c.recovery * (1 - s.trust))
    if c.shock_rate > 0:
        s.revisionist = s.revisionist | (s.alive & (u["shock"] < c.shock_rate))
    target = _regime_target(regime, s, N)
    s.weight = s.weight + c.adaptation * (target - s.weight)
