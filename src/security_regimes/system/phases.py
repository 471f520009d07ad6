"""The phases of the compiled system year, one small function each.

Each phase is a numba function over one system's state (``s``, a
:data:`SystemState` of views into the batch's arrays), the year's scratch
(``x``, a :data:`Scratch`), the parameters (``p``, a
:data:`~security_regimes.system.layout.PARAMETER_DTYPE` record), the system's tables
(``t``, a :data:`Tables`) and the year's draws (``dr``, a :data:`Draws`).
:func:`~security_regimes.system.kernel.year_first_strike` and
:func:`~security_regimes.system.kernel.year_crisis` (one per decision core) call them in the order of
:mod:`security_regimes.system.model`'s docstring, which gives each rule's
reasoning and sources; ``tests/system/reference.py`` restates each phase in
plain Python and ``tests/system/test_phases.py`` compares them one by one.

Shapes: ``N`` powers; state vectors (N,), matrices (N, N) indexed
``[from_power, to_power]``; capabilities in units of the initial system total.
Measures a phase computes go straight into ``x.mf``, ``x.mi`` and ``x.mb``
(the year's float, integer and boolean measures, indexed by the ``M_``
constants of :mod:`~security_regimes.system.layout`).

A phase never asks which policy runs: it reads the policy's declared
properties (``p.rule1`` .. ``p.rule6``, ``p.balancer``,
``p.spares_future_allies``; :data:`~security_regimes.system.config.POLICY_TRAITS`).
A draw is taken only where a decision needs it: ``u < w`` is decided without
one when ``w`` is 0, so the guards ``w > 0`` change no result.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..engine.kernels import njit, uniform
from .cache import guard
from .layout import (
    CRISIS_OUTCOMES,
    M_ALLIANCE_COUNT,
    M_ATTACKER,
    M_ATTACKER_WON,
    M_COMPROMISES,
    M_CON,
    M_CONTIGUOUS_CRISES,
    M_CONTIGUOUS_PAIRS,
    M_CONTIGUOUS_WARS,
    M_CONTINUOUS_SURVIVAL,
    M_COOPERATION_RATE,
    M_CRISES,
    M_CRISIS_WARS,
    M_DECISIVE_WARS,
    M_DEFENDER,
    M_DOMESTIC_CHANGES,
    M_ELIMINATED,
    M_ENTRIES,
    M_ESSENTIAL_SURVIVAL,
    M_EXITS,
    M_HEGEMONIC_WAR,
    M_HHI,
    M_LARGEST_WAR,
    M_MAX_SHARE,
    M_MEAN_BELIEF,
    M_MEMBER_WAR,
    M_N_ALIVE,
    M_N_POLES,
    M_NORM_RESTRAINTS,
    M_PAIRS,
    M_PREVENTIVE_WARS,
    M_PUNISHERS,
    M_REGIME_COST,
    M_REGIME_DECLINE,
    M_REGIME_IN_FORCE,
    M_REGIME_STRENGTH,
    M_REGIME_TRUST,
    M_REGIME_WEIGHT,
    M_RESTORED,
    M_RESTRAINING_DYADS,
    M_RESTRAINTS,
    M_REVISIONISTS,
    M_SETTLED,
    M_SPARED,
    M_STALEMATES,
    M_SYSTEM_WAR,
    M_TOTAL,
    M_WAR,
    M_WAR_SIZE,
    M_WARS,
    M_YIELDS,
    MAX_BATTLES,
)
from .model import EXPANSIONIST_RESTRAINT, SEEKER_RESTRAINT
from .war import MAX_LEAD, battle_cost, credibility, csf, demand, shortest_war, war_gain, war_odds

guard()  # a change to layout.py, model.py or war.py alone recompiles the phases

#: One system's state: views into the batch's arrays (see ``model.State``);
#: ``memory`` and ``in_force`` are the system's (1,) slices.
SystemState = namedtuple("SystemState", (
    "cap", "alive", "excluded", "belief", "dyad", "grievance", "seen_hostile", "fallen",
    "weight", "revisionist", "ref_share", "memory", "in_force", "status_quo", "trend"))

#: Tables fixed for a run: the dyadic strategies' ``act`` and ``next8``,
#: each power's ``start`` state and Bayesian Trust ``threshold`` (NaN if
#: none), the observation likelihoods ``like_s``/``like_e`` (index: saw
#: restraint + 2 x certain; 4: restraint rates; 5: belief floor), the
#: boolean power masks (N,), and the regime's dated events (K, 3) int64:
#: 0-based year, power, kind (0 a change of government, 1 one that brings a
#: revisionist government; ``Conditions.events``), and the geography
#: (``System.reach``): ``reach`` (N, N) float, the share of its strength ``i``
#: brings to bear on ``j``, and ``contiguous`` (N, N) bool; the membership
#: changes (``System.membership_changes``, (Y, N) float: > 0 the capability
#: with which a power enters at the start of 0-based year ``y``, -1 it leaves).
#: ``near`` lists each power's others in reach (``reach > 0``, which is
#: symmetric), ascending, after the lists' offsets: power ``i``'s are
#: ``near[near[i]:near[i + 1]]`` (int64, (N + 1 + E,), E the ordered pairs in
#: reach; one array, not two: each array argument costs at every phase call);
#: the pair loops run over them, so that a year costs in proportion to the
#: pairs in reach, not to N squared.
Tables = namedtuple("Tables", ("act", "next8", "start", "threshold", "like_s", "like_e",
                               "supranational", "nuclear", "members", "events", "reach",
                               "contiguous", "membership", "near"))

#: The year's scratch, reused from year to year: per-power flags (bool, rows
#: of ``flags``, (len(FLAGS), N)), per-pair flags (``pair_flags``, (.., N, N)),
#: per-power and per-pair values (float), per-power war indices (int64), the
#: war walk's scratch and the year's measures.  Grouped by type and shape so
#: that a phase call passes nine arrays, not thirty (each array argument is
#: several machine words, copied at every call).  ``FLAG.member`` (and
#: ``PAIR_FLAG``, ``VALUE``, ``PAIR_VALUE``, ``WAR``) name the rows: numba
#: reads these named tuples of row numbers as constants.
SCRATCH = {
    "flags": ("alive0", "member", "a_side", "d_side", "win", "lose", "w_win", "w_lose",
              "engaged", "on_a", "weak", "heirs", "victors", "back", "exposed"),
    "pair_flags": ("reply", "stance", "punisher", "intended", "crisis", "prevent"),
    "values": ("side", "shares", "gain_share", "bloc_cap"),
    "pair_values": ("punish", "margin", "offer", "gain", "mean_cost", "war_share", "credible",
                    "cut_short"),
    "war_index": ("wid", "war_att", "war_dfd", "losers", "scratch",  # scratch: a list of powers
                  "bloc", "bloc_size",
                  # each power's alliance of last year (State.treaty), copied in and
                  # out by the kernel for each block of years: as a SystemState field
                  # it made the year 13-15% slower (kaplan and waltz, 8 powers)
                  "treaty"),
    "pair_codes": ("outcome",),
}
FLAG, PAIR_FLAG, VALUE, PAIR_VALUE, WAR, PAIR_CODE = (
    namedtuple(f"{group.title().replace('_', '')}Rows", rows)(*range(len(rows)))
    for group, rows in SCRATCH.items())
Scratch = namedtuple("Scratch", (*SCRATCH, "walk", "mf", "mi", "mb"))

#: The year's draws: the system's stream key, the year's first counter, the
#: blocks' offsets (:data:`~security_regimes.system.layout.Offsets`) and the
#: 0-based year itself (for dated events).
Draws = namedtuple("Draws", ("key", "base", "off", "year"))

#: A phase is compiled without the wrappers that make a numba function
#: callable from Python: they unbox every array of the named tuples and would
#: double the cold compile time.  Tests call phases through ``njit(f.py_func)``.
phase = njit(cache=True, nogil=True, error_model="numpy", _nrt=False, no_cpython_wrapper=True,
             no_cfunc_wrapper=True)
#: A step inside a phase's loop over pairs: scalars in, scalars out.
step = njit(cache=True, nogil=True, error_model="numpy", _nrt=False,
            no_cpython_wrapper=True, no_cfunc_wrapper=True)


def scratch(n: int, n_float: int, n_int: int, n_bool: int) -> Scratch:
    """A :data:`Scratch` for ``n`` powers (plain numpy; also built inside the kernel)."""
    return _scratch(n, n_float, n_int, n_bool)


@njit(cache=True)
def _scratch(n, n_float, n_int, n_bool):
    pair_values = np.zeros((len(PAIR_VALUE), n, n))
    pair_values[PAIR_VALUE.margin] = -np.inf  # no candidate attack (never set out of reach)
    return Scratch(
        np.zeros((len(FLAG), n), np.bool_), np.zeros((len(PAIR_FLAG), n, n), np.bool_),
        np.zeros((len(VALUE), n)), pair_values,
        np.zeros((len(WAR), n), np.int64), np.zeros((len(PAIR_CODE), n, n), np.int64),
        np.zeros((2, 2 * MAX_LEAD - 1)), np.zeros(n_float), np.zeros(n_int, np.int64),
        np.zeros(n_bool, np.bool_))


@njit(inline="always", cache=True)
def draw(dr, block, index):
    """Uniform ``index`` of draw block ``block`` (an offset of ``dr.off``) this year."""
    return uniform(dr.key, np.uint64(dr.base + block + index))


@njit(inline="always", cache=True)
def allied(bloc, i, j):
    """Whether ``i`` and ``j`` are in the same alliance this year (``bloc``: ``WAR.bloc``)."""
    return bloc[i] != 0 and bloc[i] == bloc[j]


@njit(cache=True)
def total_of(cap, n):
    """Sum of the capabilities, in power order (the reference's order)."""
    t = 0.0
    for q in range(n):
        t += cap[q]
    return t


@njit(cache=True)
def theatre_sum(cap, side, reach, theatre, n):
    """Strength a side brings to bear on ``theatre``'s territory: the sum of
    its members' capabilities times their ``reach[:, theatre]``."""
    t = 0.0
    for q in range(n):
        if side[q]:
            t += cap[q] * reach[q, theatre]
    return t


@njit(cache=True)
def side_sum(cap, side, n):
    """Capability of the powers flagged in ``side``."""
    t = 0.0
    for q in range(n):
        if side[q]:
            t += cap[q]
    return t


@njit(cache=True)
def strongest(cap, alive, n):
    """First index of the largest capability among the living (``argmax``)."""
    best, best_v = 0, -np.inf
    for q in range(n):
        v = cap[q] if alive[q] else -1.0
        if v > best_v:
            best, best_v = q, v
    return best


@njit(cache=True)
def portion(x, total):
    """``x`` as a share of its side's ``total`` (``x`` itself when the side is empty)."""
    return x / total if total > 0 else x


# --- 0. The year's start ----------------------------------------------------

@phase
def begin_year(s, x, n):
    """Who is alive at the start; shunning and grievances count down a year.
    Returns the number of powers alive at the start."""
    alive0 = x.flags[FLAG.alive0]
    n_start = 0
    for q in range(n):
        alive0[q] = s.alive[q]
        n_start += s.alive[q]
        s.excluded[q] = max(s.excluded[q] - 1, 0)
        for r in range(n):
            s.grievance[q, r] = max(s.grievance[q, r] - 1, 0)
    return n_start


# --- 1. Growth --------------------------------------------------------------

@phase
def grow(s, factor, n):
    """``cap *= factor`` for the living (``factor``: the year's growth
    multipliers, (N,)).  Returns the change of the total and the new total."""
    c = s.cap
    before = total_of(c, n)
    after = 0.0
    for q in range(n):
        c[q] = c[q] * factor[q] if s.alive[q] else 0.0
        after += c[q]
    return after - before, after


# --- 2. Alliances -----------------------------------------------------------

@step
def local_threat(c, al, reach, near, q):
    """Power ``q``'s threat and its share of all the strength that reaches
    ``q`` (capability times ``reach[k, q]``, ``q``'s own at full strength,
    summed in power order): the first of those that bring the most; ``q``
    itself if no other brings more."""
    here = 0.0
    own = True
    for e in range(near[q], near[q + 1]):
        k = near[e]
        if own and k > q:
            here += c[q]
            own = False
        here += c[k] * reach[k, q]
    if own:
        here += c[q]
    if here <= 0.0:
        return q, 0.0
    threat, best = q, c[q] / here
    for e in range(near[q], near[q + 1]):
        k = near[e]
        if al[k]:
            v = c[k] * reach[k, q] / here
            if v > best or (v == best and k < threat):
                threat, best = k, v
    return threat, best


@phase
def ally(s, x, p, dr, t, total, n):
    """Alliances by balance of threat (Walt 1987, *The Origins of
    Alliances*): each living power ``q`` weighs the others by the strength
    they bring to bear on it (capability times ``t.reach[k, q]``, its own at
    full strength) and allies against the one that brings the most, its
    threat, when that is not ``q`` itself and brings at least
    ``threat_share`` of all the strength that reaches ``q``; under rule 4
    also when the threat tends toward predominance there
    (``predominance_share``), and the manual balancer joins then too; the
    shunned stay out.  The powers that ally against the same threat form one
    alliance, their bloc (``WAR.bloc``: 1 + the threat's index, 0 none).
    A treaty outlives its reason (Leeds and Savun 2007): a power that would
    ally against no one this year keeps last year's alliance (``WAR.treaty``,
    kept only for alliances of two members at least) with probability
    ``p.alliance_persistence`` (its ``treaty`` draw) while the power it
    was against is alive; one that now allies against another threat
    realigns.
    Without a geography (every reach 1) every power's threat is the
    strongest power ``h`` and the share is its share of the system: one
    alliance against ``h``, the system rule of Waltz and Kaplan.

    Sets the blocs, each bloc's size (``WAR.bloc_size``)
    and capability (``VALUE.bloc_cap``, indexed by the threat) and the
    ``side`` values (each power's capability with its allies' expected
    help).  Returns ``h`` (the system's strongest power), its share of the
    system and the allied pairs (pairs in the same bloc)."""
    side = x.values[VALUE.side]
    bloc, size = x.war_index[WAR.bloc], x.war_index[WAR.bloc_size]
    treaty = x.war_index[WAR.treaty]
    bloc_cap = x.values[VALUE.bloc_cap]
    c, al, reach = s.cap, s.alive, t.reach
    h, best_share = 0, -np.inf
    for q in range(n):
        v = c[q] / total if al[q] else -1.0
        if v > best_share:
            h, best_share = q, v
    share_h = c[h] / total
    for q in range(n):
        size[q] = 0
        bloc_cap[q] = 0.0
    for q in range(n):
        bloc[q] = 0
        if not al[q]:
            continue
        if p.local_threat:
            threat, best = local_threat(c, al, reach, t.near, q)
        else:  # every reach 1: the strongest power, its share of the system
            threat, best = h, share_h
        if s.excluded[q] != 0:
            continue
        jq = False
        if threat != q:
            predominant = best >= p.predominance_share
            jq = best >= p.threat_share
            if p.rule4 > 0 and predominant and not jq:
                jq = draw(dr, dr.off.rule4, q) < p.rule4
            elif q == p.balancer and predominant:
                jq = True
        if not jq and p.alliance_persistence > 0:  # last year's treaty holds?
            old = treaty[q] - 1
            if (old >= 0 and old != q and al[old]
                    and draw(dr, dr.off.treaty, q) < p.alliance_persistence):
                threat, jq = old, True
        if jq:
            bloc[q] = threat + 1
            size[threat] += 1
            bloc_cap[threat] += c[q]
    pairs = 0
    for q in range(n):
        pairs += size[q] * (size[q] - 1) // 2
    if p.alliance_persistence > 0:  # this year's alliances, for next year
        for q in range(n):
            treaty[q] = bloc[q] if bloc[q] > 0 and size[bloc[q] - 1] > 1 else 0
    for q in range(n):  # an ally is expected to honour its commitment
        side[q] = (c[q] + p.alliance_reliability * (bloc_cap[bloc[q] - 1] - c[q]) if bloc[q]
                   else c[q])
    return h, share_h, pairs


# --- 3. Replies and punishers -----------------------------------------------

@phase
def reply(s, x, p, dr, t, n):
    """Each living power's reply toward each other (restrain: True) from its
    dyadic strategy's state, or from its belief under Bayesian Trust; the
    intended reply (before a stochastic strategy's draw); regime membership.
    Two powers out of each other's reach (``t.reach`` 0) never meet: no
    reply either way."""
    intended, member = x.pair_flags[PAIR_FLAG.intended], x.flags[FLAG.member]
    reply = x.pair_flags[PAIR_FLAG.reply]
    al = s.alive
    for i in range(n):
        member[i] = p.has_regime and t.members[i] and al[i]
        if not al[i]:  # a dead or absent power's replies are never read
            continue
        for e in range(t.near[i], t.near[i + 1]):  # out of reach: never set
            j = t.near[e]
            if not al[j]:
                reply[i, j] = False
                intended[i, j] = False
                continue
            restrain = t.act[s.dyad[i, j]]
            if p.stochastic:
                r0 = draw(dr, dr.off.act, i * n + j) < restrain
            else:
                r0 = restrain > 0.5
            reply[i, j] = r0 if np.isnan(t.threshold[i]) else s.belief[i, j] >= t.threshold[i]
            intended[i, j] = reply[i, j] if p.stochastic else restrain > 0.5


@phase
def punishers(s, x, t, n):
    """``punisher[q, i]``: ``q`` remembers ``i``'s attack or saw it expand,
    and its reply to ``i`` is to defect.  ``punish[i, j]``: capability of
    the punishers of ``i`` that would join ``j`` (not ``j`` itself, not
    ``i``'s allies, nor ``j``'s allies, who are on ``j``'s side already).
    Only pairs in reach (``t.reach[i, j] > 0``) are evaluated: a power
    punishes only one it can reach, and a pair out of reach has no war for
    punishers to join."""
    bloc, punish = x.war_index[WAR.bloc], x.pair_values[PAIR_VALUE.punish]
    punisher, reply = x.pair_flags[PAIR_FLAG.punisher], x.pair_flags[PAIR_FLAG.reply]
    c, al = s.cap, s.alive
    for q in range(n):  # out of reach: never a punisher
        for e in range(t.near[q], t.near[q + 1]):
            i = t.near[e]
            punisher[q, i] = (al[q] and al[i]
                              and (s.grievance[q, i] > 0 or s.seen_hostile[q, i])
                              and not reply[q, i])
    # With the same sums in the same order as the definition: a punisher of
    # i counts unless it is i's ally; against an ally j only punishers
    # outside the alliance count, against any other j all of them but j
    # itself, summed afresh over i's K counted punishers where j is one:
    # O(N^2 + N K^2), not O(N^3), when punishers are many.
    counted = x.war_index[WAR.scratch]
    for i in range(n):
        every, outside = 0.0, 0.0
        k = 0
        one = 0  # the bloc of the counted punishers in one (-1: several)
        for e in range(t.near[i], t.near[i + 1]):
            q = t.near[e]
            if punisher[q, i] and not allied(bloc, q, i):
                every += c[q]
                counted[k] = q
                k += 1
                if bloc[q] == 0:
                    outside += c[q]
                elif one == 0:
                    one = bloc[q]
                elif one != bloc[q]:
                    one = -1
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if bloc[j]:  # j's allies are on its side already
                if one == 0 or one == bloc[j]:
                    punish[i, j] = outside
                else:
                    total = 0.0
                    for m in range(k):
                        if bloc[counted[m]] != bloc[j]:
                            total += c[counted[m]]
                    punish[i, j] = total
            elif punisher[j, i]:
                total = 0.0
                for m in range(k):
                    if counted[m] != j:
                        total += c[counted[m]]
                punish[i, j] = total
            else:
                punish[i, j] = every


@phase
def collective_security(s, x, p, t, n):
    """Under the collective-action norm (the regime in force) a member expects
    the other members to side with any member it attacks, each with
    probability ``collective x`` its weight: ``punish[i, j]`` (the capability
    expected to join ``j`` against ``i``) gains their expected capability
    (members not on a side already: not allied with ``i`` or ``j``, not
    punishing ``i`` already), for ``j`` in ``i``'s reach."""
    member, bloc = x.flags[FLAG.member], x.war_index[WAR.bloc]
    punisher, punish = x.pair_flags[PAIR_FLAG.punisher], x.pair_values[PAIR_VALUE.punish]
    c = s.cap
    for i in range(n):
        if not member[i]:
            continue
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if not member[j] or allied(bloc, i, j):
                continue
            extra = 0.0
            for q in range(n):
                if (q != i and q != j and member[q] and not punisher[q, i]
                        and not (allied(bloc, q, i) or allied(bloc, q, j))):
                    extra += p.collective * s.weight[q] * c[q]
            punish[i, j] += extra


# --- 4. Decisions -----------------------------------------------------------

@step
def attack_value(p, cap_i, cap_j, own, enemy, own_t, enemy_t, delta, belief, replies, walk,
                 n_start):
    """``i``'s view of striking ``j`` first, from scalars: the margin by which
    the attack beats restraint (``model``'s docstring, step 4), its expected
    gain and its odds of winning.

    ``own``, ``enemy``: the sides if ``i`` strikes (``enemy`` with ``i``'s
    punishers and as ``i`` sees it); ``own_t``, ``enemy_t``: the sides if
    ``j`` strikes; ``delta``: the war's cost per battle; ``belief``: ``i``'s
    belief that ``j`` is a security seeker; ``replies``: ``i``'s reply is to
    restrain.  Capabilities in units of the initial total.
    """
    k, tau, f, lead = p.decisiveness, p.transfer, p.first_strike, p.decisive_lead
    g = p.intensification
    p_att, l_att, d_att = war_odds(csf((1 + f) * own, enemy, k), lead, delta, tau, walk, g)
    l_tgt, p_tgt, d_tgt = war_odds(csf((1 + f) * enemy_t, own_t, k), lead, delta, tau, walk, g)
    if p.conquest:
        st_a = tau + csf(enemy, cap_i, k) * (1 - tau) * (1 - d_att)
        st_t = tau + csf(enemy_t, cap_i, k) * (1 - tau) * (1 - d_tgt)
    else:
        st_a = tau
        st_t = tau
    rel = p.relative_gains
    eg = war_gain(cap_i, own, enemy, p_att, l_att, tau, st_a, d_att, rel, cap_j)
    eg_t = war_gain(cap_i, own_t, enemy_t, p_tgt, l_tgt, tau, st_t, d_tgt, rel, cap_j)
    loss = max(-eg_t, 0.0)
    r = belief * SEEKER_RESTRAINT + (1 - belief) * EXPANSIONIST_RESTRAINT
    rp = 1.0 if replies else 0.0
    margin = eg - (rp * r * p.shadow - (1 - r)) * loss
    if p.cooperation_gain > 0:  # the year's gain from reciprocated restraint
        margin = margin - rp * r * p.cooperation_gain * cap_i / (n_start - 1)
    return margin, eg, p_att


@step
def filter_attack(p, dr, i, j, n, ready, eg, p_att, cap_i, supranational_j, bound_pair,
                  weight_i, belief):
    """Kaplan's rules and the restraint norm on ``i``'s attack on ``j``:
    rule 1 negotiates unless rule 2 takes a big gain, rule 5 constrains a
    supranational power, the norm binds a member (``bound_pair``: both are
    members and the regime is in force) with ``strength x weight`` while it
    expects reciprocity.  Returns whether the attack stays a candidate."""
    cand = ready
    if ready and p.rule1 > 0:
        if draw(dr, dr.off.rule1, i * n + j) < p.rule1:  # negotiate, unless rule 2
            cand = (draw(dr, dr.off.rule2, i * n + j) < p.rule2
                    and eg >= p.big_gain * cap_i)
    if supranational_j and not cand and p_att > 0.5 and p.rule5 > 0:
        cand = draw(dr, dr.off.rule5, i) < p.rule5
    if (cand and bound_pair
            and draw(dr, dr.off.norm_restraint, i * n + j) < p.restraint * weight_i
            and belief >= p.comply_belief):
        cand = False
    return cand


@phase
def decide(s, x, p, dr, t, seen, n_start, bound, n):
    """Every power decides at once toward every other: a stance (restrain or
    not) and, for a candidate attack, its ``margin`` (-inf if none).
    Allies do not fight each other; powers out of each other's reach take
    no stance.  Counts the living pairs, the restraining stances and the
    restraining decisions (all of them, and those the norms explain) into
    the year's measures; returns the ordered pairs in reach (the
    denominator of the cooperation rate and the mean belief)."""
    bloc, margins = x.war_index[WAR.bloc], x.pair_values[PAIR_VALUE.margin]
    reply, stance = x.pair_flags[PAIR_FLAG.reply], x.pair_flags[PAIR_FLAG.stance]
    member, side, punish = x.flags[FLAG.member], x.values[VALUE.side], x.pair_values[PAIR_VALUE.punish]
    al, c, belief = s.alive, s.cap, s.belief
    filters = p.rule1 > 0 or p.rule5 > 0  # else only the restraint norm can bind
    restraints, norm_restraints, restraining, dyads, living = 0, 0, 0, 0, 0
    for i in range(n):
        living += al[i]
        for e in range(t.near[i], t.near[i + 1]):  # out of reach: no stance, no war
            j = t.near[e]
            stance[i, j] = False
            margins[i, j] = -np.inf
            if not (al[i] and al[j]):
                continue
            dyads += 1
            if allied(bloc, i, j):  # allied: no war by i on j
                stance[i, j] = reply[i, j]
                if stance[i, j]:
                    restraining += 1
                continue
            delta = p.nuclear_cost if (t.nuclear[i] and t.nuclear[j]) else p.war_cost
            # A war is fought on the target's territory: the side that strikes
            # brings its reach times its strength (the loss-of-strength gradient).
            enemy = side[j] + punish[i, j]
            own_t = side[i] + punish[j, i]
            own, enemy_t = side[i] * t.reach[i, j], side[j] * t.reach[j, i]
            if p.capability_noise:  # i misjudges j's side
                enemy = enemy * seen[i, j]
                enemy_t = enemy_t * seen[i, j]
            margin, eg, p_att = attack_value(p, c[i], c[j], own, enemy, own_t, enemy_t, delta,
                                             belief[i, j], reply[i, j], x.walk, n_start)
            ready = margin > 0
            cand = ready
            bound_pair = bound and member[i] and member[j]
            if filters or bound_pair:  # Kaplan's rules or the norm may bind
                cand = filter_attack(p, dr, i, j, n, ready, eg, p_att, c[i], t.supranational[j],
                                     bound_pair, s.weight[i], belief[i, j])
            stance[i, j] = reply[i, j] and not cand
            if stance[i, j]:
                restraining += 1
            if cand:
                margins[i, j] = margin
            if p_att >= 0.5 or ready:  # feasible: a restraining decision unless taken
                restraints += 1
                if ready and not cand:
                    norm_restraints += 1
    x.mi[M_RESTRAINTS] = restraints
    x.mi[M_NORM_RESTRAINTS] = norm_restraints
    x.mi[M_RESTRAINING_DYADS] = restraining
    x.mi[M_PAIRS] = living * (living - 1) // 2
    return dyads


# --- 4'. The crisis core --------------------------------------------------------

#: A crisis's outcome, ``x.pair_codes[PAIR_CODE.outcome][challenger, target]``.
NO_CRISIS, YIELD, COMPROMISE, STALEMATE, CRISIS_WAR, PREVENTIVE = range(len(CRISIS_OUTCOMES))


@phase
def track_trend(s, p, growth_factor, n):
    """Each living power's exponential average of its yearly log growth over
    ``trend_years``, from which it projects next year's balance."""
    a = 1.0 / p.trend_years
    for q in range(n):
        if s.alive[q]:
            s.trend[q] += a * (np.log(growth_factor[q]) - s.trend[q])


@step
def war_terms(p, own, enemy, rate, walk):
    """A war a challenger starts, exactly over the walk of battles: its chance
    of winning, the chance the war is cut short by its cost, and the expected
    share of each fighter's capability destroyed.  Its expected share of the
    good is ``win + cut * q``: a decided war gives the winner all of it, one
    cut short keeps the status quo share ``q``."""
    win, lose, d = war_odds(csf((1 + p.first_strike) * own, enemy, p.decisiveness),
                            p.decisive_lead, rate, p.transfer, walk, p.intensification)
    return win, 1.0 - win - lose, d


@step
def cost_range(m, sig, clear, c):
    """The range a side believes the other's cost lies in: ``m (1 +/- sig)``,
    drawn toward its true cost ``c`` by the transparency ``clear``."""
    return ((1.0 - clear) * m * (1.0 - sig) + clear * c,
            (1.0 - clear) * m * (1.0 + sig) + clear * c)


@step
def private_cost(p, dr, mean_cost, i, j, n):
    """``i``'s private cost of a war with ``j`` this year, units of the good."""
    u = draw(dr, dr.off.resolve, i * n + j)
    return mean_cost * (1.0 + p.resolve_spread * (2.0 * u - 1.0))


@phase
def crises(s, x, p, dr, t, seen, bound, n):
    """Every power decides at once toward every other whether to open a crisis
    (crisis core): its optimal demand under private information, restrained
    by the continuation value of reciprocated restraint, or a preventive war
    when its odds are falling (the commitment problem).  Sets the stances,
    the crisis flags and values, and counts pairs, restraining stances and
    restraining decisions.  A pair without a status quo (NaN: the first year,
    after a decided war between them, after a restoration) first settles at
    the mean of the two sides' war shares, as each sees power.  Returns the
    ordered pairs in reach alive at the start (powers out of each other's
    reach take no stance)."""
    bloc, member = x.war_index[WAR.bloc], x.flags[FLAG.member]
    reply, stance = x.pair_flags[PAIR_FLAG.reply], x.pair_flags[PAIR_FLAG.stance]
    crisis, prevent = x.pair_flags[PAIR_FLAG.crisis], x.pair_flags[PAIR_FLAG.prevent]
    side, punish = x.values[VALUE.side], x.pair_values[PAIR_VALUE.punish]
    margins, offer = x.pair_values[PAIR_VALUE.margin], x.pair_values[PAIR_VALUE.offer]
    gains, mean_costs = x.pair_values[PAIR_VALUE.gain], x.pair_values[PAIR_VALUE.mean_cost]
    shares, credible = x.pair_values[PAIR_VALUE.war_share], x.pair_values[PAIR_VALUE.credible]
    cut_short = x.pair_values[PAIR_VALUE.cut_short]
    al, c, belief, sq = s.alive, s.cap, s.belief, s.status_quo
    delta = p.discount_factor
    future = delta / (1.0 - delta)
    sig = p.resolve_spread
    restraints, norm_restraints, restraining, dyads, living = 0, 0, 0, 0, 0
    for i in range(n):  # each side's view of a war it would start: the walk, once
        if not al[i]:
            continue
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if not al[j]:
                continue
            rate = p.nuclear_cost if (t.nuclear[i] and t.nuclear[j]) else p.war_cost
            own, enemy = side[i] * t.reach[i, j], side[j] + punish[i, j]  # on j's territory
            if p.capability_noise:
                enemy = enemy * seen[i, j]
            shares[i, j], cut_short[i, j], d = war_terms(p, own, enemy, rate, x.walk)
            mean_costs[i, j] = d / p.stakes
    for i in range(n):  # a pair in reach without a status quo settles as it sees power
        if not al[i]:
            continue
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if j > i and al[j] and np.isnan(sq[i, j]):
                w_ij = shares[i, j] + cut_short[i, j] * 0.5
                w_ji = shares[j, i] + cut_short[j, i] * 0.5
                sq[i, j] = 0.5 * (w_ij + 1.0 - w_ji)
                sq[j, i] = 1.0 - sq[i, j]
    for i in range(n):
        living += al[i]
        for e in range(t.near[i], t.near[i + 1]):  # out of reach: no stance, no crisis
            j = t.near[e]
            stance[i, j] = False
            crisis[i, j] = False
            prevent[i, j] = False
            margins[i, j] = -np.inf
            if not (al[i] and al[j]):
                continue
            dyads += 1
            if allied(bloc, i, j):  # allies dispute nothing by force
                stance[i, j] = reply[i, j]
                if stance[i, j]:
                    restraining += 1
                continue
            q = sq[i, j]
            w = shares[i, j] + cut_short[i, j] * q
            m = mean_costs[i, j]
            c_i = private_cost(p, dr, m, i, j, n)
            c_j = private_cost(p, dr, m, j, i, n)
            bound_pair = bound and member[i] and member[j]
            clear = p.consultation * s.weight[i] if bound_pair else 0.0  # transparency
            lo, hi = cost_range(m, sig, clear, c_j)  # i's view of j's cost
            lo_i, hi_i = cost_range(m, sig, clear, c_i)  # j's view of i's resolve
            pi = credibility(w, q, p.audience_cost, c_i, lo_i, hi_i)
            v = max(w - c_i, q - p.audience_cost)
            x_d, acc = demand(w, q, v, lo, hi, pi, p.yield_cost)
            gain = acc * x_d + (1.0 - acc) * v - q  # T - R of the year's stage game
            short = x_d > q and gain > 0.0
            # Restraint keeps a reciprocator's restraint: b delta / (1 - delta) (R - P).
            keep = belief[i, j] * future * (q - (w - m)) if reply[i, j] else 0.0
            press = short and gain > keep
            pm = -np.inf
            if s.trend[i] < s.trend[j]:  # i expects to decline against j
                rate = p.nuclear_cost if (t.nuclear[i] and t.nuclear[j]) else p.war_cost
                own, enemy = side[i] * t.reach[i, j], side[j] + punish[i, j]
                if p.capability_noise:
                    enemy = enemy * seen[i, j]
                own1 = own + c[i] * (np.exp(s.trend[i]) - 1.0)
                enemy1 = enemy + c[j] * (np.exp(s.trend[j]) - 1.0)
                win1, cut1, _ = war_terms(p, own1, enemy1, rate, x.walk)
                pm = delta * (w - (win1 + cut1 * q)) - (1.0 - delta) * (1.0 - w + c_i)
            prev = pm > 0.0
            want = short or prev
            if ((press or prev) and bound_pair and p.restraint > 0
                    and draw(dr, dr.off.norm_restraint, i * n + j) < p.restraint * s.weight[i]
                    and belief[i, j] >= p.comply_belief):
                # The restraint norm binds: no preventive war, only a demand sure
                # to be accepted (the one the target's lowest cost allows), if
                # that is worth making.
                prev = False
                x_d, acc = demand(w, q, v, lo, lo, pi, p.yield_cost)
                press = x_d > q
                norm_restraints += 1
                restraints += 1
            elif want and not (press or prev):
                restraints += 1
            crisis[i, j] = press or prev
            prevent[i, j] = prev
            stance[i, j] = reply[i, j] and not crisis[i, j]
            if stance[i, j]:
                restraining += 1
            offer[i, j] = x_d
            gains[i, j] = gain
            shares[i, j] = w  # now the war share at the status quo
            credible[i, j] = pi
            if prev:
                margins[i, j] = pm
    x.mi[M_RESTRAINTS] = restraints
    x.mi[M_NORM_RESTRAINTS] = norm_restraints
    x.mi[M_RESTRAINING_DYADS] = restraining
    x.mi[M_PAIRS] = living * (living - 1) // 2
    return dyads


@phase
def resolve_crises(s, x, p, dr, t, bound, n):
    """One crisis per pair and year: the challenger is the side that opened
    one (a preventive war first, then the larger gain, then the first
    index).  A preventive war is a war; otherwise the target accepts the
    demand when its private cost is at least the demand minus the
    challenger's war share (it yields), or a conference (Kaplan's rule 1,
    the conference norm) splits the difference under full information
    (a compromise), or the challenger fights when war beats backing down at
    its audience cost, or it backs down (a stalemate) unless the stand-off
    escalates by accident.  Wars get their ``margin``; outcomes go to
    ``x.pair_codes``."""
    crisis, prevent = x.pair_flags[PAIR_FLAG.crisis], x.pair_flags[PAIR_FLAG.prevent]
    margins, offer = x.pair_values[PAIR_VALUE.margin], x.pair_values[PAIR_VALUE.offer]
    gains, mean_costs = x.pair_values[PAIR_VALUE.gain], x.pair_values[PAIR_VALUE.mean_cost]
    shares, outcome = x.pair_values[PAIR_VALUE.war_share], x.pair_codes[PAIR_CODE.outcome]
    credible, member, sq = x.pair_values[PAIR_VALUE.credible], x.flags[FLAG.member], s.status_quo
    for i in range(n):  # crises only between powers in reach
        for e in range(t.near[i], t.near[i + 1]):
            outcome[i, t.near[e]] = NO_CRISIS
    for i in range(n):
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if not crisis[i, j]:
                continue
            if crisis[j, i] and (prevent[j, i] > prevent[i, j] or (
                    prevent[j, i] == prevent[i, j] and gains[j, i] > gains[i, j])
                    or (prevent[j, i] == prevent[i, j] and gains[j, i] == gains[i, j]
                        and j < i)):
                margins[i, j] = -np.inf
                continue  # j is the challenger of this pair's crisis
            if prevent[i, j]:
                outcome[i, j] = PREVENTIVE
                continue
            m, w, x_d, q = mean_costs[i, j], shares[i, j], offer[i, j], sq[i, j]
            pi = credible[i, j]
            c_i = private_cost(p, dr, m, i, j, n)
            c_j = private_cost(p, dr, m, j, i, n)
            # j yields (a demand at the edge of its range, as under complete
            # information, is accepted: the tolerance absorbs rounding)
            if pi * c_j >= x_d - (pi * w + (1.0 - pi) * q) + p.yield_cost - 1e-12:
                outcome[i, j] = YIELD
                continue
            conference = p.rule1 > 0 and draw(dr, dr.off.rule1, i * n + j) < p.rule1
            if (not conference and bound and p.conference > 0 and member[i] and member[j]
                    and draw(dr, dr.off.crisis_conference, i * n + j)
                    < p.conference * s.weight[i]
                    and s.belief[i, j] >= p.comply_belief):
                conference = True
            if conference:  # split the difference of the range both now see
                outcome[i, j] = COMPROMISE
                offer[i, j] = min(max(w + 0.5 * (c_j - c_i), 0.0), 1.0)
                x.mi[M_RESTRAINTS] += 1
                x.mi[M_NORM_RESTRAINTS] += 1
            elif w - c_i > q - p.audience_cost:
                outcome[i, j] = CRISIS_WAR
                margins[i, j] = (w - c_i) - (q - p.audience_cost)
            elif (p.escalation_risk > 0
                  and draw(dr, dr.off.escalate, i * n + j) < p.escalation_risk):
                outcome[i, j] = CRISIS_WAR
                margins[i, j] = 0.0
            else:
                outcome[i, j] = STALEMATE


@phase
def settle(s, x, p, t, n):
    """The crises' consequences for the status quo, after the year's wars: a
    yield or a compromise moves it to the agreed division; a war-bound
    crisis whose war did not start (a party was already engaged) is a
    stalemate; a decided war makes a new settlement between every two
    powers it set against each other (unset here: :func:`crises` sets it
    next year from power as the two then see it).  Counts the
    crises by outcome into the year's measures."""
    outcome, offer = x.pair_codes[PAIR_CODE.outcome], x.pair_values[PAIR_VALUE.offer]
    war_att, war_dfd = x.war_index[WAR.war_att], x.war_index[WAR.war_dfd]
    wid, losers, on_a = x.war_index[WAR.wid], x.war_index[WAR.losers], x.flags[FLAG.on_a]
    sq = s.status_quo
    n_wars = x.mi[M_WARS]
    opened, yields, compromises, stalemates, fought, preventive = 0, 0, 0, 0, 0, 0
    for i in range(n):
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            o = outcome[i, j]
            if o == NO_CRISIS:
                continue
            opened += 1
            if o == YIELD or o == COMPROMISE:
                sq[i, j] = offer[i, j]
                sq[j, i] = 1.0 - offer[i, j]
                if o == YIELD:
                    yields += 1
                else:
                    compromises += 1
            elif o == STALEMATE:
                stalemates += 1
            else:
                started = False
                for k_w in range(n_wars):
                    if war_att[k_w] == i and war_dfd[k_w] == j:
                        started = True
                if started:
                    fought += 1
                    if o == PREVENTIVE:
                        preventive += 1
                else:
                    outcome[i, j] = STALEMATE
                    stalemates += 1
    for a in range(n):
        k_w = wid[a]
        if k_w < 0:
            continue
        for b in range(n):
            if (a != b and wid[b] == k_w and on_a[a] != on_a[b]
                    and losers[k_w] >= 0):
                sq[a, b] = np.nan  # settled next year, as the powers then see power
    x.mi[M_CRISES] = opened
    x.mi[M_YIELDS] = yields
    x.mi[M_COMPROMISES] = compromises
    x.mi[M_STALEMATES] = stalemates
    x.mi[M_CRISIS_WARS] = fought
    x.mi[M_PREVENTIVE_WARS] = preventive


@phase
def no_crises(x):
    """The first-strike core opens no crises."""
    x.mi[M_CRISES] = 0
    x.mi[M_YIELDS] = 0
    x.mi[M_COMPROMISES] = 0
    x.mi[M_STALEMATES] = 0
    x.mi[M_CRISIS_WARS] = 0
    x.mi[M_PREVENTIVE_WARS] = 0


# --- 5. Wars ----------------------------------------------------------------

@phase
def next_crisis(s, x, t, n):
    """The most valuable candidate attack among powers not yet engaged, (-1, -1) if none."""
    engaged, margin = x.flags[FLAG.engaged], x.pair_values[PAIR_VALUE.margin]
    best = -np.inf
    att, dfd = -1, -1
    for i in range(n):  # candidates only between powers in reach
        if engaged[i] or not s.alive[i]:
            continue
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if margin[i, j] > best and s.alive[j] and not engaged[j]:
                best = margin[i, j]
                att, dfd = i, j
    return att, dfd


@step
def joining_value(s, x, p, q, own, enemy, win, other_side, main, nuclear, n):
    """Value to bystander ``q`` of joining a side of capability ``own`` (with
    ``q``) against ``enemy`` (``other_side``, led by ``main``), whose battles
    it wins with ``win``."""
    c = s.cap
    delta = p.war_cost
    if nuclear[q]:
        for r in range(n):
            if other_side[r] and nuclear[r]:
                delta = p.nuclear_cost
    tau = p.transfer
    win, lose, delta = war_odds(win, p.decisive_lead, delta, tau, x.walk, p.intensification)
    stake = (tau + csf(enemy, c[q], p.decisiveness) * (1 - tau) * (1 - delta) if p.conquest
             else tau)
    return war_gain(c[q], own, enemy, win, lose, tau, stake, delta, p.relative_gains, c[main])


@phase
def join_war(s, x, p, dr, t, att, dfd, total, bound, n):
    """The sides of the war of ``att`` on ``dfd`` (the ``a_side`` and ``d_side`` flags):
    allies that honour the alliance, the attacker's victims that punish it,
    members that side with a member attacked by a member (the collective-action
    norm, ``collective x weight``, while the regime is in force), rule 4's and
    the balancer's third parties, then opportunists where joining pays.
    The war is fought on the defender's territory: only powers that reach it
    (``t.reach[q, dfd] > 0``) join, and each side's strength is what its
    members bring to bear there (:func:`theatre_sum`).  Returns the punishers
    who joined and the sides' strengths."""
    a_side, d_side, engaged = x.flags[FLAG.a_side], x.flags[FLAG.d_side], x.flags[FLAG.engaged]
    member = x.flags[FLAG.member]
    bloc, punisher = x.war_index[WAR.bloc], x.pair_flags[PAIR_FLAG.punisher]
    c, al, reach = s.cap, s.alive, t.reach
    for q in range(n):
        a_side[q] = False
        d_side[q] = False
    a_side[att] = True
    d_side[dfd] = True
    for q in range(n):  # allies honour the alliance with probability alliance_reliability
        if engaged[q] or bloc[q] == 0 or reach[q, dfd] <= 0.0:
            continue
        with_a, with_d = allied(bloc, q, att), allied(bloc, q, dfd)
        if with_a or with_d:
            if (p.alliance_reliability >= 1.0
                    or draw(dr, dr.off.honour, q) < p.alliance_reliability):
                if with_a:
                    a_side[q] = True
                else:
                    d_side[q] = True
    n_punishing = 0
    for q in range(n):  # the attacker's victims that reciprocate join its enemy
        if (punisher[q, att] and not engaged[q] and not a_side[q] and not d_side[q]
                and reach[q, dfd] > 0.0):
            d_side[q] = True
            n_punishing += 1
    if bound and p.collective > 0 and member[att] and member[dfd]:
        for q in range(n):  # members act jointly against the violator
            if (member[q] and al[q] and not engaged[q] and not a_side[q] and not d_side[q]
                    and reach[q, dfd] > 0.0
                    and draw(dr, dr.off.collective, q) < p.collective * s.weight[q]):
                d_side[q] = True
    a_cap = theatre_sum(c, a_side, reach, dfd, n)
    d_cap = theatre_sum(c, d_side, reach, dfd, n)
    a_stronger = a_cap >= d_cap
    if p.rule4 > 0 and max(a_cap, d_cap) / total >= p.predominance_share:
        for q in range(n):  # rule 4: oppose the side tending toward predominance
            if (al[q] and not engaged[q] and not a_side[q] and not d_side[q]
                    and reach[q, dfd] > 0.0 and draw(dr, dr.off.rule4, q) < p.rule4):
                if a_stronger:
                    d_side[q] = True
                else:
                    a_side[q] = True
    q = p.balancer
    if (0 <= q < n and al[q] and not engaged[q] and not a_side[q] and not d_side[q]
            and reach[q, dfd] > 0.0):
        if a_stronger:
            d_side[q] = True
        else:
            a_side[q] = True
    a_cap = theatre_sum(c, a_side, reach, dfd, n)
    d_cap = theatre_sum(c, d_side, reach, dfd, n)
    if p.opportunism > 0:  # bystanders join the side where joining pays
        f, k = p.first_strike, p.decisiveness
        for q in range(n):
            if not al[q] or engaged[q] or a_side[q] or d_side[q] or reach[q, dfd] <= 0.0:
                continue
            if draw(dr, dr.off.opportunist, q) >= p.opportunism:
                continue
            c_q = c[q] * reach[q, dfd]
            v_a = joining_value(s, x, p, q, a_cap + c_q, d_cap,
                                csf((1 + f) * (a_cap + c_q), d_cap, k), d_side, dfd,
                                t.nuclear, n)
            v_d = joining_value(s, x, p, q, d_cap + c_q, a_cap,
                                1.0 - csf((1 + f) * a_cap, d_cap + c_q, k), a_side, att,
                                t.nuclear, n)
            if v_a > 0 and v_a >= v_d:
                a_side[q] = True
                a_cap += c_q
            elif v_d > 0:
                d_side[q] = True
                d_cap += c_q
        a_cap = theatre_sum(c, a_side, reach, dfd, n)
        d_cap = theatre_sum(c, d_side, reach, dfd, n)
    return n_punishing, a_cap, d_cap


@phase
def battles(p, dr, war, a_cap, d_cap, rate):
    """Battles of war ``war`` until one side leads by ``decisive_lead``
    (defeat) or fighting has destroyed ``transfer`` (cost ends it), each won
    with the contest success function's odds, battle ``t`` destroying
    ``battle_cost(rate, intensification, t)``.
    Returns (decided, the attacker won, the share of each fighter left)."""
    pb = csf((1 + p.first_strike) * a_cap, d_cap, p.decisiveness)
    score = 0
    nb = 0
    surv = 1.0
    decided = False
    while True:
        u_b = draw(dr, dr.off.war, war * MAX_BATTLES + nb)
        surv = surv * (1 - battle_cost(rate, p.intensification, nb))
        nb += 1
        score += 1 if u_b < pb else -1
        if abs(score) >= p.decisive_lead:
            decided = True
            break
        if 1 - surv >= p.transfer or nb >= MAX_BATTLES:
            break
    return decided, decided and score > 0, surv


@phase
def spoils(s, x, p, a_wins, tau, bound, n):
    """A decided war: the winners take ``tau`` of the losers, in proportion
    to capability; the losers are shunned; under the compensation norm
    members that won hand a share of their gain to abstaining members."""
    a_side, d_side, engaged = x.flags[FLAG.a_side], x.flags[FLAG.d_side], x.flags[FLAG.engaged]
    gain_share, lose, member = x.values[VALUE.gain_share], x.flags[FLAG.lose], x.flags[FLAG.member]
    w_lose, w_win, win = x.flags[FLAG.w_lose], x.flags[FLAG.w_win], x.flags[FLAG.win]
    c = s.cap
    for q in range(n):
        w_win[q] = a_side[q] if a_wins else d_side[q]
        w_lose[q] = d_side[q] if a_wins else a_side[q]
        win[q] = win[q] or w_win[q]
        lose[q] = lose[q] or w_lose[q]
    loot = tau * side_sum(c, w_lose, n)
    w_total = side_sum(c, w_win, n)
    gain = gain_share
    for q in range(n):
        gain[q] = portion(c[q], w_total) if w_win[q] else 0.0
    for q in range(n):
        if w_lose[q]:
            c[q] = c[q] * (1 - tau)
    for q in range(n):
        c[q] = c[q] + gain[q] * loot
    for q in range(n):
        if w_lose[q]:
            s.excluded[q] = p.exclusion_years
    if bound and p.compensation > 0:
        n_abstain = 0
        for q in range(n):
            if member[q] and not engaged[q]:
                n_abstain += 1
        if n_abstain > 0:
            paid = 0.0
            for q in range(n):
                g = (gain[q] * loot * p.compensation_share * p.compensation
                     * (s.weight[q] if member[q] else 0.0))
                gain[q] = g  # reused: what q gives
                paid += g
            each = paid / n_abstain
            for q in range(n):
                ab = member[q] and not engaged[q]
                c[q] = c[q] - gain[q] + (each if ab else 0.0)


@phase
def spare_value(s, x, p, winner, loser, p2, rate, w_side_cap, n):
    """Whether a far-sighted winner spares the loser: what sparing is worth
    (a discounted stream of help against the strongest rival, plus the spoils
    kept from its strongest partner) against its expected gain from the
    elimination (``Policy`` docstring)."""
    w_win = x.flags[FLAG.w_win]
    c, al = s.cap, s.alive
    c_w, c_l = c[winner], c[loser]
    rival = 0.0
    for q in range(n):
        if al[q] and not w_win[q] and q != loser and c[q] > rival:
            rival = c[q]
    threat = min(rival / (c_w if c_w > 0 else 1.0), 1.0)
    gain = (p2 * (1 - rate) - rate) * c_l  # the winning side's, expected
    eg_push = gain * (c_w / w_side_cap if w_side_cap > 0 else 0.0)
    partner = 0.0
    for q in range(n):
        if w_win[q] and q != winner and c[q] > partner:
            partner = c[q]
    ally_value = p.discount / (1 - p.discount) * p.future_weight * threat * c_l
    divided = gain * (partner / w_side_cap if w_side_cap > 0 else 0.0)
    return ally_value + divided > eg_push


@phase
def press_on(s, x, p, dr, war, winner, loser, rate, bound, n):
    """The winner may press on to eliminate the main loser when that pays;
    far-sighted self-interest, rule 3 and the no-elimination norm may spare
    it (a restraining decision, counted).  Returns the capability destroyed
    by pressing on."""
    member, w_win = x.flags[FLAG.member], x.flags[FLAG.w_win]
    c, k = s.cap, p.decisiveness
    c_l = c[loser]
    w_side_cap = side_sum(c, w_win, n)
    p2 = csf(w_side_cap, c_l, k)
    push = p.conquest and p2 * (1 - rate) > rate
    if p.spares_future_allies and push:
        push = not spare_value(s, x, p, winner, loser, p2, rate, w_side_cap, n)
    push_free = push
    if p.rule3 > 0 and push and draw(dr, dr.off.rule3, war) < p.rule3:
        push = False
    if (push and bound and p.no_elimination > 0 and member[winner] and member[loser]
            and draw(dr, dr.off.no_elimination, war) < p.no_elimination * s.weight[winner]
            and s.belief[winner, loser] >= p.comply_belief):
        push = False
    if not push:  # sparing a beaten power is a restraining decision too
        x.mi[M_RESTRAINTS] += 1
        if push_free:
            x.mi[M_NORM_RESTRAINTS] += 1
        return 0.0
    push_cost = rate * min(c_l, w_side_cap)
    ws = side_sum(c, w_win, n)
    for q in range(n):
        if w_win[q]:
            c[q] = c[q] - portion(c[q], ws) * push_cost
    c[loser] -= push_cost
    if draw(dr, dr.off.push, war) < p2:
        loot = c[loser]
        ws = side_sum(c, w_win, n)
        for q in range(n):
            if w_win[q]:
                c[q] = c[q] + portion(c[q], ws) * loot
        c[loser] -= loot
        s.alive[loser] = False
    return 2 * push_cost


@phase
def spread(s, x, p, dr, t, k_w, a_cap, d_cap, n):
    """Contagion: war ``k_w`` spreads from its fighters to the bystanders that
    border one of them (``t.contiguous``) or are allied with one (the year's
    alliance; Siverson and Starr 1991: warring border nations and warring
    alliance partners), each bystander exposed once per war and joining with
    probability ``contagion``; a joiner exposes its own neighbours and allies,
    in power order, pass after pass, until a pass adds no one (an independent
    cascade).  An ally joins its ally's side; a neighbour joins against the
    side it borders, against the stronger side if it borders both (the
    proximate threat; Walt 1987).  A joiner fights on a front of its own, at
    its best reach to an enemy fighter, and joins only if that is positive.
    Returns the sides' strengths with the joiners."""
    a_side, d_side, engaged = x.flags[FLAG.a_side], x.flags[FLAG.d_side], x.flags[FLAG.engaged]
    bloc, exposed = x.war_index[WAR.bloc], x.flags[FLAG.exposed]
    c, al = s.cap, s.alive
    for q in range(n):
        exposed[q] = False
    grew = True
    while grew:
        grew = False
        for q in range(n):
            if not al[q] or engaged[q] or a_side[q] or d_side[q] or exposed[q]:
                continue
            ally_a, ally_d, border_a, border_d = False, False, False, False
            for f in range(n):
                if a_side[f]:
                    ally_a = ally_a or allied(bloc, q, f)
                    border_a = border_a or t.contiguous[q, f]
                elif d_side[f]:
                    ally_d = ally_d or allied(bloc, q, f)
                    border_d = border_d or t.contiguous[q, f]
            if not (ally_a or ally_d or border_a or border_d):
                continue
            exposed[q] = True
            if draw(dr, dr.off.contagion, k_w * n + q) >= p.contagion:
                continue
            if ally_a != ally_d:
                on_a = ally_a
            elif border_a != border_d:
                on_a = border_d
            else:
                on_a = a_cap < d_cap
            front = 0.0
            for f in range(n):
                if (d_side[f] if on_a else a_side[f]):
                    front = max(front, t.reach[q, f])
            if front <= 0.0:
                continue
            if on_a:
                a_side[q] = True
                a_cap += c[q] * front
            else:
                d_side[q] = True
                d_cap += c[q] * front
            grew = True
    return a_cap, d_cap


@phase
def fight(s, x, p, dr, t, att, dfd, k_w, total, bound, n):
    """War ``k_w`` of ``att`` on ``dfd``: sides, battles, costs, spoils and
    pressing on.  Returns the punishers who joined, the fighters, the
    capability destroyed, that destroyed between members, and whether the
    attacker won."""
    a_side, d_side, engaged = x.flags[FLAG.a_side], x.flags[FLAG.d_side], x.flags[FLAG.engaged]
    losers, member, on_a = x.war_index[WAR.losers], x.flags[FLAG.member], x.flags[FLAG.on_a]
    wid = x.war_index[WAR.wid]
    n_punishing, a_cap, d_cap = join_war(s, x, p, dr, t, att, dfd, total, bound, n)
    if p.contagion > 0:
        a_cap, d_cap = spread(s, x, p, dr, t, k_w, a_cap, d_cap, n)
    c = s.cap
    n_in = 0
    nuclear_a, nuclear_d = False, False
    for q in range(n):
        if a_side[q] or d_side[q]:
            engaged[q] = True
            wid[q] = k_w
            on_a[q] = a_side[q]
            n_in += 1
        if t.nuclear[q]:
            nuclear_a = nuclear_a or a_side[q]
            nuclear_d = nuclear_d or d_side[q]
    rate = p.nuclear_cost if (nuclear_a and nuclear_d) else p.war_cost
    decided, a_wins, surv = battles(p, dr, k_w, a_cap, d_cap, rate)
    fought = 0.0
    for q in range(n):
        if a_side[q] or d_side[q]:
            fought += c[q]
    size = (1 - surv) * fought
    member_a, member_d = False, False
    for q in range(n):
        if a_side[q] or d_side[q]:
            c[q] = c[q] * surv
        if member[q]:
            member_a = member_a or a_side[q]
            member_d = member_d or d_side[q]
    member_size = size if (member_a and member_d) else 0.0
    s.grievance[dfd, att] = p.grievance_years
    losers[k_w] = -1
    if decided:
        x.mi[M_DECISIVE_WARS] += 1
        winner, loser = (att, dfd) if a_wins else (dfd, att)
        if p.crisis:
            # Limited aims: the winners take the rest of the disputed good,
            # stakes x (1 - the winner's status quo share) of the losers.
            q_w = s.status_quo[winner, loser]
            spoils(s, x, p, a_wins, min(p.stakes * (1.0 - (0.5 if np.isnan(q_w) else q_w)), 1.0),
                   bound, n)
        else:
            spoils(s, x, p, a_wins, p.transfer, bound, n)
        losers[k_w] = loser
        if not p.crisis:  # the crisis core fights for the good, not for conquest
            size += press_on(s, x, p, dr, k_w, winner, loser, rate, bound, n)
    return n_punishing, n_in, size, member_size, a_wins


@phase
def wars(s, x, p, dr, t, total, bound, n):
    """Wars, most valuable attack first: several may start in a year, among
    powers not yet engaged (in a war or a conference); under the
    conference norm a crisis between members goes to a conference that
    settles it.  Returns the crises settled, the capability destroyed in
    member wars and the most fighters in one war."""
    engaged, lose, member = x.flags[FLAG.engaged], x.flags[FLAG.lose], x.flags[FLAG.member]
    on_a, war_att, war_dfd = x.flags[FLAG.on_a], x.war_index[WAR.war_att], x.war_index[WAR.war_dfd]
    wid, win = x.war_index[WAR.wid], x.flags[FLAG.win]
    for q in range(n):
        wid[q] = -1
        on_a[q] = False
        win[q] = False
        lose[q] = False
        engaged[q] = False
    n_wars, n_settled, max_fight = 0, 0, 0
    destroyed, largest, member_destroyed = 0.0, 0.0, 0.0
    x.mi[M_ATTACKER], x.mi[M_DEFENDER] = -1, -1
    x.mi[M_DECISIVE_WARS] = 0
    x.mi[M_PUNISHERS] = 0
    x.mb[M_ATTACKER_WON] = False
    x.mb[M_MEMBER_WAR] = False
    while True:
        att, dfd = next_crisis(s, x, t, n)
        if att < 0:
            break
        crisis = n_wars + n_settled  # this crisis's draws
        engaged[att] = True
        engaged[dfd] = True
        if (bound and p.conference > 0 and member[att] and member[dfd] and not p.crisis
                and draw(dr, dr.off.conference, crisis) < p.conference * s.weight[att]
                and s.belief[att, dfd] >= p.comply_belief):
            n_settled += 1
            x.mi[M_NORM_RESTRAINTS] += 1  # settled in conference: a norm-explained restraint
            continue
        if not p.crisis:  # (the crisis core counts no war as a restraint)
            x.mi[M_RESTRAINTS] -= 1  # the attack made was not a restraint (never norm-counted)
        k_w = n_wars
        n_wars += 1
        n_punishing, n_in, size, member_size, a_wins = fight(s, x, p, dr, t, att, dfd, k_w,
                                                             total, bound, n)
        x.mi[M_PUNISHERS] += n_punishing
        max_fight = max(max_fight, n_in)
        member_destroyed += member_size
        if n_wars == 1:
            x.mi[M_ATTACKER], x.mi[M_DEFENDER], x.mb[M_ATTACKER_WON] = att, dfd, a_wins
        x.mb[M_MEMBER_WAR] = x.mb[M_MEMBER_WAR] or (member[att] and member[dfd])
        destroyed += size
        largest = max(largest, size)
        war_att[k_w] = att
        war_dfd[k_w] = dfd
    x.mi[M_WARS] = n_wars
    x.mf[M_WAR_SIZE] = destroyed
    x.mf[M_LARGEST_WAR] = largest
    x.mb[M_WAR] = n_wars > 0
    x.mb[M_SETTLED] = n_settled > 0
    return member_destroyed, max_fight


# --- 6. Elimination ---------------------------------------------------------

@phase
def eliminate(s, x, p, n):
    """Any power below ``elimination_threshold`` of the total is eliminated
    (never the strongest); its remnant goes to the year's winners if it was
    beaten this year, else to all survivors, in proportion to capability."""
    alive0, heirs, lose = x.flags[FLAG.alive0], x.flags[FLAG.heirs], x.flags[FLAG.lose]
    victors, weak, win = x.flags[FLAG.victors], x.flags[FLAG.weak], x.flags[FLAG.win]
    c, al = s.cap, s.alive
    total = total_of(c, n)
    top = strongest(c, al, n)
    any_victor = False
    for q in range(n):
        weak[q] = (p.conquest and al[q] and q != top
                     and c[q] < p.elimination_threshold * total)
        heirs[q] = al[q] and not weak[q]
        victors[q] = heirs[q] and win[q]
        any_victor = any_victor or victors[q]
    rem_beaten = 0.0
    rem_other = 0.0
    for q in range(n):
        if weak[q] or not al[q]:
            if lose[q]:
                rem_beaten += c[q]
            else:
                rem_other += c[q]
            c[q] = 0.0
    if not any_victor:
        for q in range(n):
            victors[q] = heirs[q]
    v_total = side_sum(c, victors, n)
    h_total = side_sum(c, heirs, n)
    for q in range(n):
        gv = portion(c[q], v_total) if victors[q] else 0.0
        gh = portion(c[q], h_total) if heirs[q] else 0.0
        c[q] = c[q] + gv * rem_beaten + gh * rem_other
    eliminated = 0
    for q in range(n):
        al[q] = al[q] and not weak[q]
        if alive0[q] and not al[q]:
            eliminated += 1
        s.fallen[q] = s.fallen[q] or not al[q]
    x.mi[M_ELIMINATED] = eliminated


# --- 7. Readmission and gains from cooperation ------------------------------

@phase
def readmit(s, x, p, dr, bound, n):
    """Rule 6 readmits the shunned and restores eliminated essential actors
    (with a share of the strongest power's capability); the readmission norm
    readmits members."""
    back, member = x.flags[FLAG.back], x.flags[FLAG.member]
    c, al = s.cap, s.alive
    restored = 0
    if p.rule6 > 0:
        for q in range(n):
            if al[q]:
                back[q] = False
                if draw(dr, dr.off.rule6, q) < p.rule6:
                    s.excluded[q] = 0
            else:
                back[q] = draw(dr, dr.off.restore, q) < p.rule6 * p.restore_rate
        for q in range(n):
            if back[q]:
                top = strongest(c, al, n)
                amount = min(2 * p.elimination_threshold * total_of(c, n), 0.5 * c[top])
                c[top] -= amount
                c[q] += amount
                al[q] = True
                s.excluded[q] = 0
                restored += 1
    if bound and p.readmission > 0:
        for q in range(n):
            if member[q] and draw(dr, dr.off.readmission, q) < p.readmission * s.weight[q]:
                s.excluded[q] = 0
    x.mi[M_RESTORED] = restored


@phase
def cooperate(s, x, p, t, n):
    """Gains from mutual restraint: a power that restrained toward ``m`` of
    the ``n_o`` other living powers in its reach while they restrained toward
    it grows by ``exp(cooperation_gain * m / n_o)``.  Returns the capability
    gained."""
    alive0, stance = x.flags[FLAG.alive0], x.pair_flags[PAIR_FLAG.stance]
    c, al = s.cap, s.alive
    gained = 0.0
    for q in range(n):
        if not (al[q] and alive0[q]):
            continue
        n_o, m_o = 0, 0
        for e in range(t.near[q], t.near[q + 1]):
            r = t.near[e]
            if al[r] and alive0[r]:
                n_o += 1
                if stance[q, r] and stance[r, q]:
                    m_o += 1
        if m_o > 0:
            before = c[q]
            c[q] = c[q] * np.exp(p.cooperation_gain * m_o / n_o)
            gained += c[q] - before
    return gained


# --- 8. Observation ---------------------------------------------------------

@njit(inline="always", cache=True)
def _bayes(b, like_s, like_e, idx):
    """Posterior that the other is a security seeker after observation ``idx``,
    kept inside the belief floor."""
    post = b * like_s[idx] / (b * like_s[idx] + (1 - b) * like_e[idx])
    return min(max(post, like_s[5]), 1 - like_s[5])


@phase
def observe(s, x, p, dr, t, bound, n):
    """Each power sees the others' stances through misperception (a war is
    seen for what it is), moves its strategy's state and updates its belief
    by Bayes' rule.  While the regime is in force a member's attack on a
    member is seen by every member as hostility toward itself (regimes supply
    information; Keohane 1984, ch. 6).  Powers out of each other's reach see
    nothing of each other: sightings, strategy state and belief stay as they
    were."""
    alive0, intended = x.flags[FLAG.alive0], x.pair_flags[PAIR_FLAG.intended]
    member, on_a, stance = x.flags[FLAG.member], x.flags[FLAG.on_a], x.pair_flags[PAIR_FLAG.stance]
    war_att, war_dfd, wid = x.war_index[WAR.war_att], x.war_index[WAR.war_dfd], x.war_index[WAR.wid]
    bel, seen = s.belief, s.seen_hostile
    for i in range(n):  # out of reach: nothing seen, nothing learnt, nothing changes
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if not (alive0[i] and alive0[j]):
                seen[i, j] = False
                continue
            hostile = not stance[j, i]
            if p.misperception > 0 and draw(dr, dr.off.mis, i * n + j) < p.misperception:
                hostile = not hostile
            at_war = wid[i] >= 0 and wid[i] == wid[j] and on_a[i] != on_a[j]
            if at_war:
                hostile = True
            obs = (4 * np.int64(intended[i, j]) + 2 * np.int64(stance[i, j])
                   + np.int64(not hostile))
            s.dyad[i, j] = t.next8[s.dyad[i, j] + obs]
            seen[i, j] = hostile
            bel[i, j] = _bayes(bel[i, j], t.like_s, t.like_e,
                               (0 if hostile else 1) + (2 if at_war else 0))
    if bound and p.restraint > 0:
        for k_w in range(x.mi[M_WARS]):
            va = war_att[k_w]
            if not (member[va] and member[war_dfd[k_w]]):
                continue
            for q in range(n):  # its enemies in that war saw it already
                if member[q] and q != va and not (wid[q] == k_w and not on_a[q]):
                    bel[q, va] = _bayes(bel[q, va], t.like_s, t.like_e, 2)


@phase
def start_afresh(s, x, p, t, n):
    """A restored power starts afresh: prior beliefs, start states, no grievances."""
    alive0 = x.flags[FLAG.alive0]
    for q in range(n):
        if s.alive[q] and not alive0[q]:
            afresh(s, x, p, t, q, n)


@phase
def afresh(s, x, p, t, q, n):
    """Power ``q``'s relations start afresh: prior beliefs, start states, no
    grievances, (crisis core) no status quo with anyone, and no treaty of its
    own or against it."""
    for r in range(n):
        s.belief[q, r] = p.belief_prior
        s.belief[r, q] = p.belief_prior
        s.dyad[q, r] = t.start[q]
        s.dyad[r, q] = t.start[r]
        s.grievance[q, r] = 0
        s.grievance[r, q] = 0
        s.seen_hostile[q, r] = False
        s.seen_hostile[r, q] = False
        if p.crisis and r != q:  # a new settlement with every power (next year's)
            s.status_quo[q, r] = np.nan
            s.status_quo[r, q] = np.nan
        if x.war_index[WAR.treaty, r] == q + 1:  # no treaty against the state that was here
            x.war_index[WAR.treaty, r] = 0
    x.war_index[WAR.treaty, q] = 0


@step
def enter(s, x, p, t, q, capability, n):
    """Power ``q`` enters the system as a new state: alive with ``capability``,
    unshunned, never eliminated, relations afresh."""
    s.alive[q] = True
    s.cap[q] = capability
    s.excluded[q] = 0
    s.fallen[q] = False
    afresh(s, x, p, t, q, n)


@phase
def membership(s, x, p, t, dr, y, n):
    """Before year ``y`` (0-based): the powers whose COW membership begins
    enter (:func:`enter`, with their capability on entry) and those whose
    membership has ended leave (not alive, no capability; not an
    elimination), by ``t.membership`` (``System.membership_changes``; rows
    past its end change nothing).  Under drawn entry (``p.drawn_entry``),
    from the second year each power outside the system enters when its
    ``entry`` draw is below ``p.entry_rate``, with its capability on entry
    (``t.membership[0]``), and each power inside leaves when the same draw
    (one a power a year: it is inside or outside) is below ``p.exit_rate``.
    Counts both in the measures ``entries`` and ``exits``."""
    entries, exits = 0, 0
    if p.drawn_entry:
        if y > 0:
            for q in range(n):
                if not s.alive[q]:
                    if draw(dr, dr.off.entry, q) < p.entry_rate:
                        enter(s, x, p, t, q, t.membership[0, q], n)
                        entries += 1
                elif p.exit_rate > 0 and draw(dr, dr.off.entry, q) < p.exit_rate:
                    s.alive[q] = False
                    s.cap[q] = 0.0
                    exits += 1
    elif y < t.membership.shape[0]:
        row = t.membership[y]
        for q in range(n):
            if row[q] > 0 and not s.alive[q]:
                enter(s, x, p, t, q, row[q], n)
                entries += 1
            elif row[q] < 0 and s.alive[q]:
                s.alive[q] = False
                s.cap[q] = 0.0
                exits += 1
    x.mi[M_ENTRIES] = entries
    x.mi[M_EXITS] = exits


# --- System and hegemonic wars; the regime --------------------------------------

@phase
def classify_wars(x, p, n_start, h, share_h, max_fight, n):
    """A system war: one war in which most great powers alive at the start
    fight, three at least (Levy 1983's general wars).  A hegemonic war
    (Gilpin 1981; Jervis 1982, p. 366): the year's wars involve most great
    powers (three at least) and beat the year's strongest power ``h``, whose
    share is at least ``predominance_share``.  Returns whether it was hegemonic."""
    lose, wid = x.flags[FLAG.lose], x.war_index[WAR.wid]
    n_fight = 0
    for q in range(n):
        if wid[q] >= 0:
            n_fight += 1
    x.mb[M_SYSTEM_WAR] = max_fight >= 3 and 2 * max_fight > n_start
    hegemonic = (n_fight >= 3 and 2 * n_fight > n_start and lose[h]
                 and share_h >= p.predominance_share)
    x.mb[M_HEGEMONIC_WAR] = hegemonic
    return hegemonic


@step
def change_government(s, q, revisionist):
    """A domestic change of government in ``q``: its new government has not
    internalised the norms (weight 0) and brings its own goals (revisionist
    or not)."""
    s.weight[q] = 0.0
    s.revisionist[q] = revisionist


@phase
def update_regime(s, x, p, dr, t, hegemonic, member_destroyed, n):
    """Formation and decay (:class:`~security_regimes.regimes.Conditions`):
    the memory of war changes through experience (a year's member wars replace
    a share ``learning`` of it with the cost they were seen to have; it is full
    after a hegemonic war, which also makes a new settlement; it fades with
    time only with a ``half_life``); powers turn revisionist, or their
    governments change (drawn at ``domestic_rate``, or dated); each member's
    weight moves toward its target (Jervis's conditions times its relative
    decline); the regime holds while its strength reaches the threshold.
    Called only with a regime (:func:`without_regime` otherwise)."""
    alive0 = x.flags[FLAG.alive0]
    strength = 0.0
    held = False
    c, al, rs = s.cap, s.alive, s.ref_share
    total = total_of(c, n)
    mem = s.memory[0] * p.memory_decay
    if member_destroyed > 0:  # wars with members on both sides: a new lesson
        seen = min(p.memory_gain * member_destroyed / total, 1.0)
        mem = mem + p.learning * (seen - mem)
    if hegemonic:  # war is never seen as costlier than right after one
        mem = 1.0
    s.memory[0] = min(mem, 1.0)
    changes = 0
    if p.shock_rate > 0 or p.domestic_rate > 0:  # one draw: at most one event a year
        for q in range(n):
            if not al[q]:
                continue
            u = draw(dr, dr.off.shock, q)
            if u < p.shock_rate:
                s.revisionist[q] = True
            elif u >= 1.0 - p.domestic_rate:
                change_government(s, q, u >= 1.0 - p.domestic_rate * p.domestic_revisionist)
                changes += 1
    for k in range(t.events.shape[0]):
        q = t.events[k, 1]
        if t.events[k, 0] == dr.year and al[q]:
            change_government(s, q, t.events[k, 2] == 1)
            changes += 1
    x.mi[M_DOMESTIC_CHANGES] = changes
    for q in range(n):  # a settlement: after a hegemonic war, or on restoration
        if al[q] and (hegemonic or not alive0[q]):
            rs[q] = c[q] / total
    cost = min(p.war_cost_perception + s.memory[0], 1.0)
    n_m, n_rev = 0, 0
    s_w, s_t, s_f = 0.0, 0.0, 0.0
    for i in range(n):
        living = t.members[i] and al[i]
        n_o, s_o = 0, 0
        at_stake = 0.0  # what a war with each other member would destroy of i
        for j in range(n):
            if living and j != i and t.members[j] and al[j]:
                n_o += 1
                if s.belief[i, j] >= p.comply_belief:
                    s_o += 1
                if p.regulation_from_war:
                    rate = p.nuclear_cost if (t.nuclear[i] and t.nuclear[j]) else p.war_cost
                    at_stake += shortest_war(rate, p.decisive_lead, p.intensification)
        trust = s_o / n_o if n_o > 0 else 1.0
        regulation = p.regulation
        if p.regulation_from_war:  # times the mean share a war with another member destroys
            regulation = regulation * (at_stake / n_o if n_o > 0 else 0.0)
        target = 0.0
        fall = 1.0
        if living:
            ratio = c[i] / total / rs[i] if rs[i] > 0 else 1.0
            if ratio < 1.0 and p.decline > 0:
                fall = ratio ** p.decline
        if living and not s.revisionist[i]:
            target = regulation * p.shared_value * trust * cost * fall
        s.weight[i] = s.weight[i] + p.adaptation * (target - s.weight[i])
        if living:
            n_m += 1
            s_w += s.weight[i]
            s_t += trust
            s_f += fall
            if s.revisionist[i]:
                n_rev += 1
    if n_m > 1:  # a regime needs two members at least
        strength = min(s_w, s_t) / n_m
        held = strength >= p.formation and dr.year >= p.available_from - 1
    s.in_force[0] = held
    x.mf[M_REGIME_STRENGTH] = strength
    x.mb[M_REGIME_IN_FORCE] = held
    x.mf[M_REGIME_WEIGHT] = s_w / n_m if n_m > 0 else 0.0
    x.mf[M_REGIME_TRUST] = s_t / n_m if n_m > 0 else 0.0
    x.mf[M_REGIME_COST] = cost
    x.mf[M_REGIME_DECLINE] = s_f / n_m if n_m > 0 else 0.0
    x.mi[M_REVISIONISTS] = n_rev


@phase
def without_regime(x):
    """The regime's measures of a run without one: no strength, never in
    force, and every war counts as a member war."""
    x.mf[M_REGIME_STRENGTH] = 0.0
    x.mb[M_REGIME_IN_FORCE] = False
    x.mf[M_REGIME_WEIGHT] = 0.0
    x.mf[M_REGIME_TRUST] = 0.0
    x.mf[M_REGIME_COST] = 0.0
    x.mf[M_REGIME_DECLINE] = 0.0
    x.mi[M_REVISIONISTS] = 0
    x.mi[M_DOMESTIC_CHANGES] = 0
    x.mb[M_MEMBER_WAR] = x.mb[M_WAR]


# --- The year's measures ----------------------------------------------------

@phase
def no_borders(x):
    """The contiguity measures of a system without a geography: no pair borders another."""
    x.mi[M_CONTIGUOUS_PAIRS] = 0
    x.mi[M_CONTIGUOUS_WARS] = 0
    x.mi[M_CONTIGUOUS_CRISES] = 0


@phase
def contiguity_measures(x, t, n):
    """The year's pairs, wars and crises between contiguous powers
    (``t.contiguous``): unordered pairs alive at the start, wars whose
    attacker and defender border each other, crises opened between
    neighbours (the dangerous-dyads check, Bremer 1992)."""
    alive0, outcome = x.flags[FLAG.alive0], x.pair_codes[PAIR_CODE.outcome]
    war_att, war_dfd = x.war_index[WAR.war_att], x.war_index[WAR.war_dfd]
    pairs, crises = 0, 0
    for i in range(n):  # a contiguous pair is in reach (reach 1 at the border)
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if t.contiguous[i, j]:
                if i < j and alive0[i] and alive0[j]:
                    pairs += 1
                if x.mi[M_CRISES] > 0 and outcome[i, j] != NO_CRISIS:
                    crises += 1
    wars = 0
    for k_w in range(x.mi[M_WARS]):
        if t.contiguous[war_att[k_w], war_dfd[k_w]]:
            wars += 1
    x.mi[M_CONTIGUOUS_PAIRS] = pairs
    x.mi[M_CONTIGUOUS_WARS] = wars
    x.mi[M_CONTIGUOUS_CRISES] = crises


@phase
def measure(s, x, t, dyads, allied_pairs, n):
    """The year's remaining measures: survival, concentration, poles,
    cooperation, beliefs, alliances and wars whose loser was spared."""
    alive0, losers, shares = x.flags[FLAG.alive0], x.war_index[WAR.losers], x.values[VALUE.shares]
    c, al = s.cap, s.alive
    total = 0.0
    n_alive = 0
    for q in range(n):
        total += c[q]
        if al[q]:
            n_alive += 1
    hhi = 0.0
    max_share = -np.inf
    for q in range(n):
        shares[q] = c[q] / total
        hhi += shares[q] ** 2
        if shares[q] > max_share:
            max_share = shares[q]
    n_poles = 0
    n_never_fallen = 0
    for q in range(n):
        if shares[q] >= 0.5 * max_share:
            n_poles += 1
        if not s.fallen[q]:
            n_never_fallen += 1
    if n_alive > 1:  # CON (Singer, Bremer and Stuckey 1972)
        con = np.sqrt(max(hhi - 1 / n_alive, 0) / (1 - 1 / max(n_alive, 2)))
    else:
        con = 1.0
    belief_sum = 0.0
    for i in range(n):
        for e in range(t.near[i], t.near[i + 1]):
            j = t.near[e]
            if alive0[i] and alive0[j]:
                belief_sum += s.belief[i, j]
    n_spared = 0
    for k_w in range(x.mi[M_WARS]):  # decided wars whose main loser survives the year
        if losers[k_w] >= 0 and al[losers[k_w]]:
            n_spared += 1
    x.mf[M_ESSENTIAL_SURVIVAL] = n_alive / n
    x.mf[M_CONTINUOUS_SURVIVAL] = n_never_fallen / n
    x.mf[M_HHI] = hhi
    x.mf[M_CON] = con
    x.mf[M_MAX_SHARE] = max_share
    x.mf[M_COOPERATION_RATE] = x.mi[M_RESTRAINING_DYADS] / dyads if dyads > 0 else np.nan
    x.mf[M_MEAN_BELIEF] = belief_sum / dyads if dyads > 0 else np.nan
    x.mf[M_TOTAL] = total
    x.mi[M_N_ALIVE] = n_alive
    x.mi[M_N_POLES] = n_poles
    x.mi[M_ALLIANCE_COUNT] = allied_pairs
    x.mi[M_SPARED] = n_spared
