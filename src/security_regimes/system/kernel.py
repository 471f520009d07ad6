"""The compiled system year: plain loops over one system's powers, threads over systems.

This is the year of :mod:`security_regimes.system.model` (its docstring gives
the order and the sources) written one power and one dyad at a time and
compiled with numba.  Each system runs all the years of a block in one
iteration of a loop over systems, from its own counter-based stream (draw
``year * draws_per_year(N) + offset(block) + index`` of its key), and draws
only what a decision needs.  Systems share nothing, so results do not depend
on the number of threads or on how systems are batched.

Threads: the kernel releases the GIL (``nogil=True``) and each thread runs a
slice of the systems.  A ``parallel=True`` loop with ``prange`` gave the same
speed-up but compiled the whole year a second time for the parallel target
(about 20 s more on a cold start, measured); one plain compile is cached
(``cache=True``) and shared by every thread count.

The scalar reference in ``tests/system/reference.py`` is the oracle: a
property test compares this kernel with it on random states, field by field.

Two inputs come from numpy, computed per block of years before the kernel
runs: the growth multipliers ``exp(growth_mean + growth_sd * ndtri(u))`` and,
with ``capability_noise``, the misjudgement factors of the other side's
strength.  ``scipy.special.ndtri`` has no numba form, and computing them with
numpy keeps them bit-identical to the batched numpy year they replaced.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import ndtri

from .._validation import check_int
from ..engine.kernels import njit, uniform
from ..engine.rng import uniforms
from .model import MAX_BATTLES

#: State fields a run with a regime needs (see ``model.State``).
REGIME_STATE = ("weight", "memory", "revisionist", "ref_share", "in_force")

#: Per system-year measures by storage type (the order of the kernel's output rows).
FLOAT_MEASURES = ("war_size", "essential_survival", "continuous_survival", "hhi", "con",
                  "max_share", "cooperation_rate", "mean_belief", "growth", "total",
                  "regime_strength", "largest_war")
INT_MEASURES = ("attacker", "defender", "punishers", "eliminated", "restored", "n_alive",
                "pairs", "restraining_dyads", "n_poles", "alliance_count", "restraints",
                "norm_restraints", "wars", "decisive_wars", "spared")
BOOL_MEASURES = ("war", "attacker_won", "settled", "member_war", "hegemonic_war",
                 "regime_in_force", "system_war")

# Float parameters (index into ``fp``).
_K, _DELTA, _TAU, _F, _THR, _MIS, _THREAT, _PRED, _RESTORE, _REL, _NCOST, _SHADOW, \
    _PRIOR, _FW, _S_RES, _S_CON, _S_COMP, _S_NOEL, _S_READ, _COMP_SHARE, _REGUL, _SHARED, \
    _WCP, _DECAY, _MEM_GAIN, _ADAPT, _SHOCK, _BIG_GAIN, _COMPLY, _FORM, _DECLINE, \
    _COOP, _RELY, _OPPORT, _DISC = range(35)
# Integer parameters (index into ``ip``).
_POLICY, _BALANCER, _EXCL, _GRIEV, _CONQUEST, _STOCH, _REGIME, _NOISE, _DPY, \
    _REC_CAPS, _REC_ALLY, _COL0, _LEAD = range(13)
# Draw blocks (index into ``off``), in the order of ``model._layout``.
_GROWTH, _MIS_D, _RULE1, _RULE2, _ACT, _WAR, _RULE3, _PUSH, _RULE4, _RULE5, _RULE6, \
    _RESTORE_D, _PERCEIVE, _NORM, _CONF, _NOEL, _READMIT, _SHOCK_D, _HONOUR, _OPP_D = range(20)

POLICY_CODES = {"waltz": 0, "kaplan": 1, "balancer": 2, "far_sighted_waltz": 3}


@njit(cache=True, error_model="numpy")
def _csf(a, d, k):
    if a > 0:
        return 1.0 / (1.0 + (d / a) ** k)
    return 0.0


@njit(cache=True, error_model="numpy")
def _value(cap_i, own, enemy, p, pl, tau, stake, delta, rel, cap_j):
    share = cap_i / own if own > 0 else 0.0
    v = p * tau * enemy * share - pl * stake * cap_i - delta * cap_i
    if rel > 0:
        j_share = cap_j / enemy if enemy > 0 else 0.0
        other = -delta * cap_j - p * tau * cap_j + pl * tau * own * j_share
        v = v - rel * other
    return v


@njit(cache=True, error_model="numpy")
def _war_odds(p, lead, delta, tau):
    """A war of battles, each won with ``p``, fought until one side leads by
    ``lead`` (defeat) or fighting has destroyed ``tau`` (cost ends it), at
    most ``MAX_BATTLES`` (a random walk of battles; Smith and Stam 2004).

    Returns the chances of winning and of losing it and the expected share of
    each fighter destroyed, computed exactly over the walk's states.
    """
    if lead == 1:
        return p, 1.0 - p, delta
    q = 1.0 - p
    probs = np.zeros(2 * lead - 1)  # score -(lead - 1) .. lead - 1
    nxt = np.zeros(2 * lead - 1)
    probs[lead - 1] = 1.0
    p_win, p_lose, d_eff, surv = 0.0, 0.0, 0.0, 1.0
    for t in range(1, MAX_BATTLES + 1):
        surv = surv * (1 - delta)
        for s in range(2 * lead - 1):
            nxt[s] = 0.0
        won, lost = 0.0, 0.0
        for s in range(2 * lead - 1):
            m = probs[s]
            if m == 0.0:
                continue
            if s + 1 == 2 * lead - 1:
                won += m * p
            else:
                nxt[s + 1] += m * p
            if s == 0:
                lost += m * q
            else:
                nxt[s - 1] += m * q
        p_win += won
        p_lose += lost
        d_eff += (won + lost) * (1 - surv)
        for s in range(2 * lead - 1):
            probs[s] = nxt[s]
        if 1 - surv >= tau or t == MAX_BATTLES:
            rest = 0.0
            for s in range(2 * lead - 1):
                rest += probs[s]
            d_eff += rest * (1 - surv)
            break
    return p_win, p_lose, d_eff


@njit(cache=True, error_model="numpy")
def _joining(c, q, own, enemy, p, other_side, main, nuc, fp, conquest, n, lead):
    """Value to bystander ``q`` of joining a side of capability ``own`` (with
    ``q``) against ``enemy`` (``other_side``, led by ``main``), whose battles it
    wins with ``p``."""
    delta = fp[_DELTA]
    if nuc[q]:
        for r in range(n):
            if other_side[r] and nuc[r]:
                delta = fp[_NCOST]
    tau = fp[_TAU]
    p, pl, delta = _war_odds(p, lead, delta, tau)
    stake = tau + _csf(enemy, c[q], fp[_K]) * (1 - tau) * (1 - delta) if conquest else tau
    return _value(c[q], own, enemy, p, pl, tau, stake, delta, fp[_REL], c[main])


@njit(cache=True)
def _u(key, base, block, index):
    return uniform(key, np.uint64(base + block + index))


@njit(cache=True)
def _strongest(cap, alive, n):
    """First index of the largest capability among the living (``argmax``)."""
    best, best_v = 0, -np.inf
    for q in range(n):
        v = cap[q] if alive[q] else -1.0
        if v > best_v:
            best, best_v = q, v
    return best


@njit(cache=True)
def _side_sum(cap, side, n):
    t = 0.0
    for q in range(n):
        if side[q]:
            t += cap[q]
    return t


@njit(cache=True)
def _total(cap, n):
    """Sum of the capabilities, in power order (the reference's order)."""
    t = 0.0
    for q in range(n):
        t += cap[q]
    return t


@njit(cache=True)
def _portion(x, total):
    """``x`` as a share of its side's ``total`` (``x`` itself when the side is empty,
    as numpy's ``where(total > 0, x / total, x / 1)``)."""
    return x / total if total > 0 else x


@njit(cache=True, nogil=True, error_model="numpy")
def _systems(b0, b1, y0, y1, keys, gmult, pmult, fp, ip, w, off, sup, nuc, act8, next8, start, thr,
              like_s, like_e, mmask, cap, alive, excluded, belief, dyad, grievance, seen_h,
              fallen, weight, memory, revis, ref_share, in_force, F, I, Bo,  # noqa: E741
              caps, jmask):
    """Advance systems ``b0 <= b < b1`` through years ``y0 <= y < y1`` in place.

    State arrays (first axis: system, ``B``): ``cap`` (B, N) float64, ``alive``
    (B, N) bool, ``excluded`` (B, N) int64, ``belief`` (B, N, N) float64,
    ``dyad`` (B, N, N) int64, ``grievance`` (B, N, N) int64, ``seen_h``
    (B, N, N) bool, ``fallen`` (B, N) bool, ``weight`` (B, N) float64,
    ``memory`` (B,) float64, ``revis`` (B, N) bool, ``ref_share`` (B, N)
    float64 (shares at the last settlement), ``in_force`` (B,) bool.  Year ``y``'s measures go
    to column ``y`` of ``F`` (float), ``I`` (int64) and ``Bo`` (bool), shape
    (measures, B, T); capabilities at its end to ``caps[:, y + 1]`` and the
    alliance clique as a bitmask of powers to ``jmask[:, y]`` if recorded.
    ``gmult`` (b1 - b0, y1 - y0, N) are the slice's growth multipliers,
    ``pmult`` (b1 - b0, y1 - y0, N, N) its misjudgement factors (unused
    without noise).
    """
    B, N = cap.shape
    k, delta0, tau, f = fp[_K], fp[_DELTA], fp[_TAU], fp[_F]
    policy = ip[_POLICY]
    kaplan = policy == 1
    dpy = ip[_DPY]
    stochastic = ip[_STOCH] == 1
    has_regime = ip[_REGIME] == 1
    conquest = ip[_CONQUEST] == 1
    m_rate = fp[_MIS]
    comply = fp[_COMPLY]
    for b in range(b0, b1):
        key = keys[b]
        c = cap[b]
        al = alive[b]
        ex = excluded[b]
        bel = belief[b]
        dy = dyad[b]
        gr = grievance[b]
        sh_ = seen_h[b]
        fa = fallen[b]
        wt = weight[b]
        rv = revis[b]
        rs = ref_share[b]
        alive0 = np.empty(N, dtype=np.bool_)
        join = np.empty(N, dtype=np.bool_)
        side = np.empty(N)
        member = np.empty(N, dtype=np.bool_)
        reply = np.empty((N, N), dtype=np.bool_)
        stance = np.empty((N, N), dtype=np.bool_)
        punisher = np.empty((N, N), dtype=np.bool_)
        intended = np.empty((N, N), dtype=np.bool_)
        punish = np.empty((N, N))
        a_side = np.empty(N, dtype=np.bool_)
        d_side = np.empty(N, dtype=np.bool_)
        win = np.empty(N, dtype=np.bool_)  # on a winning side this year
        lose = np.empty(N, dtype=np.bool_)  # on a beaten side this year
        w_win = np.empty(N, dtype=np.bool_)
        w_lose = np.empty(N, dtype=np.bool_)
        engaged = np.empty(N, dtype=np.bool_)
        on_a = np.empty(N, dtype=np.bool_)
        wid = np.empty(N, dtype=np.int64)  # the war a power fights in this year, -1: none
        war_att = np.empty(N, dtype=np.int64)
        war_dfd = np.empty(N, dtype=np.int64)
        losers = np.empty(N, dtype=np.int64)
        mg = np.empty((N, N))
        weak = np.empty(N, dtype=np.bool_)
        heirs = np.empty(N, dtype=np.bool_)
        victors = np.empty(N, dtype=np.bool_)
        back = np.empty(N, dtype=np.bool_)
        shares = np.empty(N)
        gain_share = np.empty(N)
        for y in range(y0, y1):
            base = np.int64(y) * dpy
            # The norms bind only while the regime is in force (it formed and
            # still holds at the end of last year): before, there is no
            # convention whose expectations members could converge on.
            bound = has_regime and in_force[b]
            yy = y - y0
            yc = y - ip[_COL0]  # output column
            n_start = 0
            for q in range(N):
                alive0[q] = al[q]
                n_start += al[q]
                ex[q] = max(ex[q] - 1, 0)
                for r in range(N):
                    gr[q, r] = max(gr[q, r] - 1, 0)

            # 1. Growth.
            before = _total(c, N)
            after = 0.0
            for q in range(N):
                c[q] = c[q] * gmult[b - b0, yy, q] if al[q] else 0.0
                after += c[q]
            growth = after - before

            # 2. Alliances against the strongest power h.
            total = after
            h, best_share = 0, -np.inf
            for q in range(N):
                v = c[q] / total if al[q] else -1.0
                if v > best_share:
                    h, best_share = q, v
            sh = c[h] / total
            predominant = sh >= fp[_PRED]
            n_join = 0
            jm = np.uint32(0)
            for q in range(N):
                partner = al[q] and q != h and ex[q] == 0
                jq = partner and sh >= fp[_THREAT]
                if kaplan and partner and predominant and not jq:
                    jq = _u(key, base, off[_RULE4], q) < w[4]
                elif policy == 2 and q == ip[_BALANCER] and partner and predominant:
                    jq = True
                join[q] = jq
                if jq:
                    n_join += 1
                    jm |= np.uint32(1) << np.uint32(q)
            clique = 0.0
            for q in range(N):
                if join[q]:
                    clique += c[q]
            for q in range(N):  # an ally is expected to honour its commitment
                side[q] = c[q] + fp[_RELY] * (clique - c[q]) if join[q] else c[q]

            # 3. Replies and punishers.
            for i in range(N):
                member[i] = has_regime and mmask[i] and al[i]
                for j in range(N):
                    ok = al[i] and al[j] and i != j
                    if not ok:
                        reply[i, j] = False
                        intended[i, j] = False
                        continue
                    p = act8[dy[i, j]]
                    if stochastic:
                        r0 = _u(key, base, off[_ACT], i * N + j) < p
                    else:
                        r0 = p > 0.5
                    reply[i, j] = r0 if np.isnan(thr[i]) else bel[i, j] >= thr[i]
                    intended[i, j] = reply[i, j] if stochastic else p > 0.5
            for q in range(N):
                for i in range(N):
                    punisher[q, i] = (al[q] and al[i] and q != i and (gr[q, i] > 0 or sh_[q, i])
                                      and not reply[q, i])
            for i in range(N):
                for j in range(N):
                    t = 0.0
                    for q in range(N):
                        if (punisher[q, i] and not (join[q] and join[i] and q != i) and q != j
                                and not (join[q] and join[j])):
                            t += c[q]
                    punish[i, j] = t

            # 4. Decisions, made at the same time by every power.
            restraints = 0
            norm_restraints = 0
            restraining = 0
            dyads = 0
            rel = fp[_REL]
            lead = ip[_LEAD]
            for i in range(N):
                for j in range(N):
                    stance[i, j] = False
                    mg[i, j] = -np.inf
                    if not (al[i] and al[j] and i != j):
                        continue
                    dyads += 1
                    if join[i] and join[j]:  # allied: no war between them
                        stance[i, j] = reply[i, j]
                        if stance[i, j]:
                            restraining += 1
                        continue
                    delta = fp[_NCOST] if (nuc[i] and nuc[j]) else delta0
                    own = side[i]
                    enemy = side[j] + punish[i, j]
                    own_t = own + punish[j, i]
                    enemy_t = side[j]
                    if ip[_NOISE] == 1:
                        e = pmult[b - b0, yy, i, j]
                        enemy = enemy * e
                        enemy_t = enemy_t * e
                    p_att, l_att, d_att = _war_odds(_csf((1 + f) * own, enemy, k), lead,
                                                    delta, tau)
                    l_tgt, p_tgt, d_tgt = _war_odds(_csf((1 + f) * enemy_t, own_t, k), lead,
                                                    delta, tau)
                    if conquest:
                        st_a = tau + _csf(enemy, c[i], k) * (1 - tau) * (1 - d_att)
                        st_t = tau + _csf(enemy_t, c[i], k) * (1 - tau) * (1 - d_tgt)
                    else:
                        st_a = tau
                        st_t = tau
                    eg = _value(c[i], own, enemy, p_att, l_att, tau, st_a, d_att, rel, c[j])
                    eg_t = _value(c[i], own_t, enemy_t, p_tgt, l_tgt, tau, st_t, d_tgt, rel,
                                  c[j])
                    loss = max(-eg_t, 0.0)
                    r = bel[i, j] * like_s[4] + (1 - bel[i, j]) * like_e[4]
                    rp = 1.0 if reply[i, j] else 0.0
                    margin = eg - (rp * r * fp[_SHADOW] - (1 - r)) * loss
                    if fp[_COOP] > 0:  # the year's gain from reciprocated restraint
                        margin = margin - rp * r * fp[_COOP] * c[i] / (n_start - 1)
                    ready = margin > 0
                    cand = ready
                    if kaplan:
                        if ready:
                            negotiate = _u(key, base, off[_RULE1], i * N + j) < w[1]
                            if negotiate:
                                cand = (_u(key, base, off[_RULE2], i * N + j) < w[2]
                                        and eg >= fp[_BIG_GAIN] * c[i])
                        if sup[j] and not cand and p_att > 0.5:
                            cand = _u(key, base, off[_RULE5], i) < w[5]
                    if (cand and bound and member[i] and member[j]
                            and _u(key, base, off[_NORM], i * N + j) < fp[_S_RES] * wt[i]
                            and bel[i, j] >= comply):
                        cand = False
                    stance[i, j] = reply[i, j] and not cand
                    if stance[i, j]:
                        restraining += 1
                    if cand:
                        mg[i, j] = margin
                    if p_att >= 0.5 or ready:  # feasible: a restraining decision unless taken
                        restraints += 1
                        if ready and not cand:
                            norm_restraints += 1

            # 5-6. Wars, most valuable attack first: several may run in a year,
            # among powers not yet engaged (in a war or a conference).
            for q in range(N):
                wid[q] = -1
                on_a[q] = False
                win[q] = False
                lose[q] = False
                engaged[q] = False
            n_wars = 0
            n_settled = 0
            n_decisive = 0
            n_punishing = 0
            destroyed = 0.0
            largest = 0.0
            member_destroyed = 0.0
            member_war = False
            att0, dfd0 = -1, -1
            won0 = False
            max_fight = 0
            while True:
                best_m = -np.inf
                att, dfd = -1, -1
                for i in range(N):
                    for j in range(N):
                        if (mg[i, j] > best_m and al[i] and al[j] and not engaged[i]
                                and not engaged[j]):
                            best_m = mg[i, j]
                            att, dfd = i, j
                if att < 0:
                    break
                widx = n_wars + n_settled  # this crisis's draws
                engaged[att] = True
                engaged[dfd] = True
                if (bound and fp[_S_CON] > 0 and member[att] and member[dfd]
                        and _u(key, base, off[_CONF], widx) < fp[_S_CON] * wt[att]
                        and bel[att, dfd] >= comply):
                    n_settled += 1
                    norm_restraints += 1  # settled in conference: a norm-explained restraint
                    continue
                restraints -= 1  # the attack made was not a restraint (never norm-counted)
                k_w = n_wars
                n_wars += 1
                for q in range(N):
                    a_side[q] = False
                    d_side[q] = False
                a_side[att] = True
                d_side[dfd] = True
                for q in range(N):  # allies honour the alliance with probability _RELY
                    if engaged[q] or not join[q]:
                        continue
                    if join[att] or join[dfd]:
                        if fp[_RELY] >= 1.0 or _u(key, base, off[_HONOUR], q) < fp[_RELY]:
                            if join[att]:
                                a_side[q] = True
                            else:
                                d_side[q] = True
                for q in range(N):  # the attacker's victims that reciprocate join its enemy
                    if (punisher[q, att] and not engaged[q] and not a_side[q]
                            and not d_side[q]):
                        d_side[q] = True
                        n_punishing += 1
                a_cap = _side_sum(c, a_side, N)
                d_cap = _side_sum(c, d_side, N)
                a_stronger = a_cap >= d_cap
                if kaplan:
                    strong_share = max(a_cap, d_cap) / total
                    if strong_share >= fp[_PRED]:
                        for q in range(N):
                            if al[q] and not engaged[q] and not a_side[q] and not d_side[q]:
                                if _u(key, base, off[_RULE4], q) < w[4]:
                                    if a_stronger:
                                        d_side[q] = True
                                    else:
                                        a_side[q] = True
                elif policy == 2:
                    q = ip[_BALANCER]
                    if (q < N and al[q] and not engaged[q] and not a_side[q]
                            and not d_side[q]):
                        if a_stronger:
                            d_side[q] = True
                        else:
                            a_side[q] = True
                a_cap = _side_sum(c, a_side, N)
                d_cap = _side_sum(c, d_side, N)
                if fp[_OPPORT] > 0:  # bystanders join the side where joining pays
                    for q in range(N):
                        if not al[q] or engaged[q] or a_side[q] or d_side[q]:
                            continue
                        if _u(key, base, off[_OPP_D], q) >= fp[_OPPORT]:
                            continue
                        v_a = _joining(c, q, a_cap + c[q], d_cap,
                                       _csf((1 + f) * (a_cap + c[q]), d_cap, k), d_side, dfd,
                                       nuc, fp, conquest, N, lead)
                        v_d = _joining(c, q, d_cap + c[q], a_cap,
                                       1.0 - _csf((1 + f) * a_cap, d_cap + c[q], k), a_side,
                                       att, nuc, fp, conquest, N, lead)
                        if v_a > 0 and v_a >= v_d:
                            a_side[q] = True
                            a_cap += c[q]
                        elif v_d > 0:
                            d_side[q] = True
                            d_cap += c[q]
                    a_cap = _side_sum(c, a_side, N)
                    d_cap = _side_sum(c, d_side, N)
                n_in = 0
                for q in range(N):
                    if a_side[q] or d_side[q]:
                        engaged[q] = True
                        wid[q] = k_w
                        on_a[q] = a_side[q]
                        n_in += 1
                max_fight = max(max_fight, n_in)
                na, nd = False, False
                for q in range(N):
                    if nuc[q]:
                        na = na or a_side[q]
                        nd = nd or d_side[q]
                rate = fp[_NCOST] if (na and nd) else delta0
                # Battles until one side leads by `lead` (defeat) or fighting has
                # destroyed as much as the winners could take (cost ends it).
                pb = _csf((1 + f) * a_cap, d_cap, k)
                score = 0
                nb = 0
                surv = 1.0
                decided = False
                while True:
                    u_b = _u(key, base, off[_WAR], k_w * MAX_BATTLES + nb)
                    nb += 1
                    surv = surv * (1 - rate)
                    score += 1 if u_b < pb else -1
                    if abs(score) >= lead:
                        decided = True
                        break
                    if 1 - surv >= tau or nb >= MAX_BATTLES:
                        break
                a_wins = decided and score > 0
                fought = 0.0
                for q in range(N):
                    if a_side[q] or d_side[q]:
                        fought += c[q]
                size = (1 - surv) * fought
                for q in range(N):
                    if a_side[q] or d_side[q]:
                        c[q] = c[q] * surv
                ma, md = False, False
                for q in range(N):
                    if member[q]:
                        ma = ma or a_side[q]
                        md = md or d_side[q]
                if ma and md:
                    member_destroyed += size
                if n_wars == 1:
                    att0, dfd0, won0 = att, dfd, a_wins
                member_war = member_war or (member[att] and member[dfd])
                gr[dfd, att] = ip[_GRIEV]
                if decided:
                    n_decisive += 1
                    for q in range(N):
                        w_win[q] = a_side[q] if a_wins else d_side[q]
                        w_lose[q] = d_side[q] if a_wins else a_side[q]
                        win[q] = win[q] or w_win[q]
                        lose[q] = lose[q] or w_lose[q]
                    loot = tau * _side_sum(c, w_lose, N)
                    w_total = _side_sum(c, w_win, N)
                    for q in range(N):
                        gain_share[q] = _portion(c[q], w_total) if w_win[q] else 0.0
                    for q in range(N):
                        if w_lose[q]:
                            c[q] = c[q] * (1 - tau)
                    for q in range(N):
                        c[q] = c[q] + gain_share[q] * loot
                    for q in range(N):
                        if w_lose[q]:
                            ex[q] = ip[_EXCL]
                    if bound and fp[_S_COMP] > 0:
                        n_abstain = 0
                        for q in range(N):
                            if member[q] and not engaged[q]:
                                n_abstain += 1
                        if n_abstain > 0:
                            paid = 0.0
                            for q in range(N):
                                g = (gain_share[q] * loot * fp[_COMP_SHARE] * fp[_S_COMP]
                                     * (wt[q] if member[q] else 0.0))
                                gain_share[q] = g  # reused: what q gives
                                paid += g
                            each = paid / n_abstain
                            for q in range(N):
                                ab = member[q] and not engaged[q]
                                c[q] = c[q] - gain_share[q] + (each if ab else 0.0)

                    # Pressing on to eliminate the main loser.
                    winner = att if a_wins else dfd
                    loser = dfd if a_wins else att
                    losers[k_w] = loser
                    c_w = c[winner]
                    c_l = c[loser]
                    w_side_cap = _side_sum(c, w_win, N)
                    p2 = _csf(w_side_cap, c_l, k)
                    push = conquest and p2 * (1 - rate) > rate
                    if policy == 3 and push:
                        rival = 0.0
                        for q in range(N):
                            if al[q] and not w_win[q] and q != loser and c[q] > rival:
                                rival = c[q]
                        threat = min(rival / (c_w if c_w > 0 else 1.0), 1.0)
                        gain = (p2 * (1 - rate) - rate) * c_l  # the winning side's, expected
                        eg_push = gain * (c_w / w_side_cap if w_side_cap > 0 else 0.0)
                        # Spared, the loser is worth a discounted stream of help against
                        # the strongest rival; eliminated, its spoils also feed the
                        # strongest partner, a potential rival (kept divided if spared).
                        partner = 0.0
                        for q in range(N):
                            if w_win[q] and q != winner and c[q] > partner:
                                partner = c[q]
                        ally = fp[_DISC] / (1 - fp[_DISC]) * fp[_FW] * threat * c_l
                        divided = gain * (partner / w_side_cap if w_side_cap > 0 else 0.0)
                        if ally + divided > eg_push:
                            push = False
                    push_free = push
                    if kaplan and push and _u(key, base, off[_RULE3], k_w) < w[3]:
                        push = False
                    if (push and bound and fp[_S_NOEL] > 0 and member[winner]
                            and member[loser]
                            and _u(key, base, off[_NOEL], k_w) < fp[_S_NOEL] * wt[winner]
                            and bel[winner, loser] >= comply):
                        push = False
                    if not push:  # sparing a beaten power is a restraining decision too
                        restraints += 1
                        if push_free:
                            norm_restraints += 1
                    else:
                        push_cost = rate * min(c_l, w_side_cap)
                        size += 2 * push_cost
                        ws = _side_sum(c, w_win, N)
                        for q in range(N):
                            if w_win[q]:
                                c[q] = c[q] - _portion(c[q], ws) * push_cost
                        c[loser] -= push_cost
                        if _u(key, base, off[_PUSH], k_w) < p2:
                            spoils = c[loser]
                            ws = _side_sum(c, w_win, N)
                            for q in range(N):
                                if w_win[q]:
                                    c[q] = c[q] + _portion(c[q], ws) * spoils
                            c[loser] -= spoils
                            al[loser] = False
                else:
                    losers[k_w] = -1
                destroyed += size
                largest = max(largest, size)
                war_att[k_w] = att
                war_dfd[k_w] = dfd
            war = n_wars > 0
            settled = n_settled > 0

            # Threshold elimination.  Never eliminate the last power standing.
            total = _total(c, N)
            strongest = _strongest(c, al, N)
            any_victor = False
            for q in range(N):
                weak[q] = (conquest and al[q] and q != strongest
                           and c[q] < fp[_THR] * total)
                heirs[q] = al[q] and not weak[q]
                victors[q] = heirs[q] and win[q]
                any_victor = any_victor or victors[q]
            rem_beaten = 0.0
            rem_other = 0.0
            for q in range(N):
                if weak[q] or not al[q]:
                    if lose[q]:
                        rem_beaten += c[q]
                    else:
                        rem_other += c[q]
                    c[q] = 0.0
            if not any_victor:
                for q in range(N):
                    victors[q] = heirs[q]
            v_total = _side_sum(c, victors, N)
            h_total = _side_sum(c, heirs, N)
            for q in range(N):
                gv = _portion(c[q], v_total) if victors[q] else 0.0
                gh = _portion(c[q], h_total) if heirs[q] else 0.0
                c[q] = c[q] + gv * rem_beaten + gh * rem_other
            eliminated = 0
            for q in range(N):
                al[q] = al[q] and not weak[q]
                if alive0[q] and not al[q]:
                    eliminated += 1
                fa[q] = fa[q] or not al[q]

            # 7. Rule 6: readmit the shunned, restore eliminated essential actors.
            restored = 0
            if kaplan and w[6] > 0:
                for q in range(N):
                    if al[q]:
                        back[q] = False
                        if _u(key, base, off[_RULE6], q) < w[6]:
                            ex[q] = 0
                    else:
                        back[q] = _u(key, base, off[_RESTORE_D], q) < w[6] * fp[_RESTORE]
                for q in range(N):
                    if back[q]:
                        s = _strongest(c, al, N)
                        amount = min(2 * fp[_THR] * _total(c, N), 0.5 * c[s])
                        c[s] -= amount
                        c[q] += amount
                        al[q] = True
                        ex[q] = 0
                        restored += 1
            if bound and fp[_S_READ] > 0:
                for q in range(N):
                    if member[q] and _u(key, base, off[_READMIT], q) < fp[_S_READ] * wt[q]:
                        ex[q] = 0

            # Gains from mutual restraint (an issue area where cooperation pays).
            if fp[_COOP] > 0:
                gained = 0.0
                for q in range(N):
                    if not (al[q] and alive0[q]):
                        continue
                    n_o, m_o = 0, 0
                    for r in range(N):
                        if r != q and al[r] and alive0[r]:
                            n_o += 1
                            if stance[q, r] and stance[r, q]:
                                m_o += 1
                    if m_o > 0:
                        before_q = c[q]
                        c[q] = c[q] * np.exp(fp[_COOP] * m_o / n_o)
                        gained += c[q] - before_q
                growth += gained

            # 8. Observation: stances seen through misperception, then Bayes.
            for i in range(N):
                for j in range(N):
                    if not (alive0[i] and alive0[j] and i != j):
                        sh_[i, j] = False
                        continue
                    s_ = not stance[j, i]
                    if m_rate > 0 and _u(key, base, off[_MIS_D], i * N + j) < m_rate:
                        s_ = not s_
                    at_war = wid[i] >= 0 and wid[i] == wid[j] and on_a[i] != on_a[j]
                    if at_war:
                        s_ = True
                    obs = 4 * np.int64(intended[i, j]) + 2 * np.int64(stance[i, j]) + np.int64(
                        not s_)
                    dy[i, j] = next8[dy[i, j] + obs]
                    sh_[i, j] = s_
                    idx = (0 if s_ else 1) + (2 if at_war else 0)
                    ls, le = like_s[idx], like_e[idx]
                    bb = bel[i, j]
                    post = bb * ls / (bb * ls + (1 - bb) * le)
                    bel[i, j] = min(max(post, like_s[5]), 1 - like_s[5])
            # Betrayal is identified: while the regime is in force, a member's
            # attack on a member is seen by every member as hostility toward
            # itself (regimes supply information; Keohane 1984, ch. 6).
            for k_w in range(n_wars if bound and fp[_S_RES] > 0 else 0):
                va = war_att[k_w]
                if not (member[va] and member[war_dfd[k_w]]):
                    continue
                for q in range(N):  # its enemies in that war saw it already
                    if member[q] and q != va and not (wid[q] == k_w and not on_a[q]):
                        bb = bel[q, va]
                        post = bb * like_s[2] / (bb * like_s[2] + (1 - bb) * like_e[2])
                        bel[q, va] = min(max(post, like_s[5]), 1 - like_s[5])
            for q in range(N):
                if al[q] and not alive0[q]:  # a restored power starts afresh
                    for r in range(N):
                        bel[q, r] = fp[_PRIOR]
                        bel[r, q] = fp[_PRIOR]
                        dy[q, r] = start[q]
                        dy[r, q] = start[r]
                        gr[q, r] = 0
                        gr[r, q] = 0
                        sh_[q, r] = False
                        sh_[r, q] = False

            # A system war: one war in which most great powers alive at the start
            # fight, three at least (Levy 1983's general wars).  A hegemonic war
            # (Gilpin 1981; Jervis 1982, p. 366): a war or the year's wars together
            # involve most great powers (three at least) and beat the year's
            # strongest power, whose share is at least predominance_share.
            n_fight = 0
            for q in range(N):
                if wid[q] >= 0:
                    n_fight += 1
            system_war = max_fight >= 3 and 2 * max_fight > n_start
            hegemonic = (n_fight >= 3 and 2 * n_fight > n_start and lose[h]
                         and sh >= fp[_PRED])

            # Regime: formation and decay (see regimes.regime.Conditions).
            strength = 0.0
            held = False
            if not has_regime:
                member_war = war
            else:
                total = _total(c, N)
                mem = memory[b] * fp[_DECAY]
                if member_destroyed > 0:  # wars with members on both sides
                    mem = mem + fp[_MEM_GAIN] * member_destroyed / total
                if hegemonic:  # war is never seen as costlier than right after one
                    mem = 1.0
                memory[b] = min(mem, 1.0)
                if fp[_SHOCK] > 0:
                    for q in range(N):
                        if al[q] and _u(key, base, off[_SHOCK_D], q) < fp[_SHOCK]:
                            rv[q] = True
                for q in range(N):  # a settlement: after a hegemonic war, or on restoration
                    if al[q] and (hegemonic or not alive0[q]):
                        rs[q] = c[q] / total
                cost = min(fp[_WCP] + memory[b], 1.0)
                n_m = 0
                s_w, s_t = 0.0, 0.0
                for i in range(N):
                    living = mmask[i] and al[i]
                    n_o, s_o = 0, 0
                    for j in range(N):
                        if living and j != i and mmask[j] and al[j]:
                            n_o += 1
                            if bel[i, j] >= comply:
                                s_o += 1
                    trust = s_o / n_o if n_o > 0 else 1.0
                    target = 0.0
                    if living and not rv[i]:
                        fall = 1.0
                        ratio = c[i] / total / rs[i] if rs[i] > 0 else 1.0
                        if ratio < 1.0 and fp[_DECLINE] > 0:
                            fall = ratio ** fp[_DECLINE]
                        target = fp[_REGUL] * fp[_SHARED] * trust * cost * fall
                    wt[i] = wt[i] + fp[_ADAPT] * (target - wt[i])
                    if living:
                        n_m += 1
                        s_w += wt[i]
                        s_t += trust
                if n_m > 1:  # a regime needs two members at least
                    strength = min(s_w, s_t) / n_m
                    held = strength >= fp[_FORM]
                in_force[b] = held

            # Measures.
            total = 0.0
            n_alive = 0
            for q in range(N):
                total += c[q]
                if al[q]:
                    n_alive += 1
            hhi = 0.0
            max_share = -np.inf
            for q in range(N):
                shares[q] = c[q] / total
                hhi += shares[q] ** 2
                if shares[q] > max_share:
                    max_share = shares[q]
            n_poles = 0
            n_never_fallen = 0
            for q in range(N):
                if shares[q] >= 0.5 * max_share:
                    n_poles += 1
                if not fa[q]:
                    n_never_fallen += 1
            if n_alive > 1:
                con = np.sqrt(max(hhi - 1 / n_alive, 0) / (1 - 1 / max(n_alive, 2)))
            else:
                con = 1.0
            bsum = 0.0
            for i in range(N):
                for j in range(N):
                    if alive0[i] and alive0[j] and i != j:
                        bsum += bel[i, j]
            F[0, b, yc] = destroyed
            F[1, b, yc] = n_alive / N
            F[2, b, yc] = n_never_fallen / N
            F[3, b, yc] = hhi
            F[4, b, yc] = con
            F[5, b, yc] = max_share
            F[6, b, yc] = restraining / dyads if dyads > 0 else np.nan
            F[7, b, yc] = bsum / dyads if dyads > 0 else np.nan
            F[8, b, yc] = growth
            F[9, b, yc] = total
            F[10, b, yc] = strength
            F[11, b, yc] = largest
            I[0, b, yc] = att0
            I[1, b, yc] = dfd0
            I[2, b, yc] = n_punishing
            I[3, b, yc] = eliminated
            I[4, b, yc] = restored
            I[5, b, yc] = n_alive
            I[6, b, yc] = dyads // 2
            I[7, b, yc] = restraining
            I[8, b, yc] = n_poles
            I[9, b, yc] = n_join * (n_join - 1) // 2
            I[10, b, yc] = restraints
            I[11, b, yc] = norm_restraints
            n_spared = 0
            for k_w in range(n_wars):  # decided wars whose main loser survives the year
                if losers[k_w] >= 0 and al[losers[k_w]]:
                    n_spared += 1
            I[12, b, yc] = n_wars
            I[13, b, yc] = n_decisive
            I[14, b, yc] = n_spared
            Bo[0, b, yc] = war
            Bo[1, b, yc] = won0
            Bo[2, b, yc] = settled
            Bo[3, b, yc] = member_war
            Bo[4, b, yc] = hegemonic
            Bo[5, b, yc] = held
            Bo[6, b, yc] = system_war
            if ip[_REC_CAPS] == 1:
                for q in range(N):
                    caps[b, yc + 1, q] = c[q]
            if ip[_REC_ALLY] == 1:
                jmask[b, yc] = jm if n_join > 1 else np.uint32(0)



#: Fewest systems worth a thread of their own.
MIN_SYSTEMS_PER_THREAD = 16


#: Threads set by :func:`threads_limit` for the current context (None: not set).
_THREADS_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "security_regimes_threads", default=None)


@contextlib.contextmanager
def threads_limit(n: int):
    """Run the kernel on ``n`` threads by default inside this block (this thread only).

    The process executor computes chunks in the parent process too, on one
    thread, beside its single-threaded workers; the environment variable
    would also change the threads of anything else running in the process.
    """
    token = _THREADS_LIMIT.set(check_int(n, "threads", 1))
    try:
        yield
    finally:
        _THREADS_LIMIT.reset(token)


def default_threads() -> int:
    """Threads for the system kernel: the :func:`threads_limit` in force, else
    ``SECURITY_REGIMES_THREADS`` if set, else the usable CPUs."""
    if (limit := _THREADS_LIMIT.get()) is not None:
        return limit
    env = os.environ.get("SECURITY_REGIMES_THREADS")
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"SECURITY_REGIMES_THREADS: expected a positive integer, got {env!r}")
        return n
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _threads(threads, systems: int) -> int:
    threads = default_threads() if threads is None else check_int(threads, "threads", 1)
    return max(1, min(threads, systems // MIN_SYSTEMS_PER_THREAD))


class Kernel:
    """The compiled year for one (system, policy, dyadic strategies, regime) setting.

    Builds the parameter arrays once; :meth:`run` advances a batch of
    systems (a :class:`~security_regimes.system.model.State`) through a range
    of years, writing the measures into preallocated arrays.
    """

    #: Years per kernel call: bounds the precomputed growth (and noise) draws.
    BLOCK_BYTES = 4 * 2**20
    #: Most systems a thread runs through a block of years at once.
    SLICE = 256

    def __init__(self, system, policy, dyadic, regime=None):
        from .model import (
            BELIEF_FLOOR,
            BIG_GAIN,
            COMPLY_BELIEF,
            EXPANSIONIST_RESTRAINT,
            SEEKER_RESTRAINT,
            _layout,
            draws_per_year,
        )

        n = system.n_powers
        self.system, self.policy, self.dyadic, self.regime = system, policy, dyadic, regime
        self.n = n
        self.dpy = draws_per_year(n)
        layout = _layout(n)
        self.off = np.array([layout[name][0] for name in layout], dtype=np.int64)
        self.noise = system.capability_noise > 0
        r = regime
        c = r.conditions if r is not None else None
        self.fp = np.array([
            system.decisiveness, system.war_cost, system.transfer, system.first_strike,
            system.elimination_threshold, system.misperception, system.threat_share,
            system.predominance_share, system.restore_rate, system.relative_gains,
            system.nuclear_cost, system.shadow, system.belief_prior, policy.future_weight,
            *(r.strength(x) if r is not None else 0.0 for x in (
                "restraint", "consultation", "compensation", "no_elimination", "readmission")),
            r.compensation_share if r is not None else 0.0,
            c.regulation if c else 0.0, c.shared_value if c else 0.0,
            c.war_cost_perception if c else 0.0,
            0.5 ** (1.0 / c.half_life) if c else 1.0,
            c.memory_gain if c else 0.0, c.adaptation if c else 0.0,
            c.shock_rate if c else 0.0, BIG_GAIN, COMPLY_BELIEF, c.threshold if c else 1.0,
            c.decline if c else 0.0, system.cooperation_gain, system.alliance_reliability,
            system.opportunism, policy.discount], dtype=np.float64)
        self.ip = np.array([
            POLICY_CODES[policy.name], policy.balancer, system.exclusion_years,
            system.grievance_years, int(system.conquest), int(dyadic.stochastic),
            int(regime is not None), int(self.noise), self.dpy, 0, 0, 0,
            system.decisive_lead], dtype=np.int64)
        self.w = policy.weights()
        self.sup = np.zeros(n, dtype=np.bool_)
        self.sup[list(system.supranational)] = True
        self.nuc = np.zeros(n, dtype=np.bool_)
        self.nuc[list(system.nuclear)] = True
        self.mmask = regime.member_mask(n) if regime is not None else np.zeros(n, dtype=np.bool_)
        # Likelihood of each observation under the two types (index: saw
        # restraint + 2 x certain), then r's q_s / q_e and the belief floor.
        qs, qe = SEEKER_RESTRAINT, EXPANSIONIST_RESTRAINT
        like_s, like_e = np.empty(6), np.empty(6)
        for certain in (0, 1):
            m = 0.0 if certain else float(system.misperception)
            c_s = qs * (1 - m) + (1 - qs) * m
            c_e = qe * (1 - m) + (1 - qe) * m
            like_s[2 * certain:2 * certain + 2] = (1 - c_s, c_s)
            like_e[2 * certain:2 * certain + 2] = (1 - c_e, c_e)
        like_s[4], like_e[4] = qs, qe
        like_s[5] = like_e[5] = BELIEF_FLOOR
        self.like_s, self.like_e = like_s, like_e

    def _normals(self, keys, y0, y1, block, shape):
        """Standard normal draws of ``block`` for years ``y0..y1``, shape (B, years, *shape)."""
        size = int(np.prod(shape))
        counters = (np.arange(y0, y1, dtype=np.uint64)[:, None] * np.uint64(self.dpy)
                    + np.uint64(self.off[block]) + np.arange(size, dtype=np.uint64)[None, :])
        u = uniforms(keys[:, None, None], counters[None, :, :])
        return ndtri(u).reshape((len(keys), y1 - y0, *shape))

    def block_years(self, batch: int) -> int:
        per_year = batch * self.n * 8 * (1 + (self.n if self.noise else 0)) * 2
        return max(1, int(self.BLOCK_BYTES // max(per_year, 1)))

    def run(self, state, keys, y0, y1, F, I, Bo, caps=None, jmask=None,  # noqa: E741
            threads=None, col0=0):
        """Advance ``state`` in place through years ``y0 <= y < y1``.

        Year ``y``'s measures go to column ``y - col0`` of the output arrays.
        ``threads``: threads over systems (default :func:`default_threads`).
        """
        B, n = state.cap.shape
        s = self.system
        ip = self.ip.copy()
        ip[_REC_CAPS] = int(caps is not None)
        ip[_REC_ALLY] = int(jmask is not None)
        ip[_COL0] = col0
        caps = caps if caps is not None else np.zeros((1, 1, 1))
        jmask = jmask if jmask is not None else np.zeros((1, 1), dtype=np.uint32)
        weight = state.weight if state.weight is not None else np.zeros((B, n))
        memory = state.memory if state.memory is not None else np.zeros(B)
        revis = state.revisionist if state.revisionist is not None else np.zeros(
            (B, n), dtype=np.bool_)
        ref_share = state.ref_share if state.ref_share is not None else np.zeros((B, n))
        in_force = state.in_force if state.in_force is not None else np.zeros(B, dtype=np.bool_)
        args = (self.fp, ip, self.w, self.off, self.sup, self.nuc, self.dyadic.act,
                self.dyadic.next8, self.dyadic.start, self.dyadic.threshold, self.like_s,
                self.like_e, self.mmask, state.cap, state.alive, state.excluded, state.belief,
                state.dyad, state.grievance, state.seen_hostile, state.fallen, weight, memory,
                revis, ref_share, in_force, F, I, Bo, caps, jmask)

        def work(lo: int, hi: int) -> None:
            # Each thread draws its own systems' normals (numpy and scipy release
            # the GIL too) and runs them through every block of years, a slice
            # of at most SLICE systems at a time: the fewer systems, the more
            # years per block, so each system's state is loaded fewer times
            # (10,000 systems in one slice ran 193,000 system-years/s on one
            # thread, in slices of 500, 270,000).
            for s0 in range(lo, hi, self.SLICE):
                s1 = min(s0 + self.SLICE, hi)
                step = self.block_years(s1 - s0)
                for start in range(y0, y1, step):
                    stop = min(start + step, y1)
                    gmult = np.exp(s.growth_mean + s.growth_sd
                                   * self._normals(keys[s0:s1], start, stop, _GROWTH, (n,)))
                    pmult = (np.exp(s.capability_noise * self._normals(
                        keys[s0:s1], start, stop, _PERCEIVE, (n, n)))
                        if self.noise else np.zeros((1, 1, 1, 1)))
                    _systems(s0, s1, start, stop, keys, gmult, pmult, *args)

        threads = _threads(threads, B)
        if threads == 1:
            work(0, B)
            return
        bounds = np.linspace(0, B, threads + 1).astype(np.int64)
        with ThreadPoolExecutor(threads) as pool:
            for f in [pool.submit(work, int(lo), int(hi))
                      for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]:
                f.result()

def allocate(systems: int, years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Measure arrays for ``systems`` x ``years``: float, int64 and bool, (measures, B, T)."""
    return (np.empty((len(FLOAT_MEASURES), systems, years)),
            np.empty((len(INT_MEASURES), systems, years), dtype=np.int64),
            np.empty((len(BOOL_MEASURES), systems, years), dtype=np.bool_))


def measure_views(F: np.ndarray, I: np.ndarray, Bo: np.ndarray) -> dict[str, np.ndarray]:  # noqa: E741
    """Name -> (B, T) view of the kernel's measure arrays (no copies)."""
    out = {}
    for names, arr in ((FLOAT_MEASURES, F), (INT_MEASURES, I), (BOOL_MEASURES, Bo)):
        for i, name in enumerate(names):
            out[name] = arr[i]
    return out


def step_year(state, keys, year, system, policy, dyadic, regime=None, threads=None):
    """One year of a batch of systems (for tests and exploration).

    ``state`` (a :class:`~security_regimes.system.model.State` of ``B``
    systems) is not changed; ``keys`` (B,) are the systems' stream keys and
    ``year`` the 0-based year (it picks the draws).  Returns the new state,
    the year's measures (name -> shape (B,)) and the alliance matrix in
    force during the year, shape (B, N, N) bool.
    """
    s = state.copy()
    B, n = s.cap.shape
    if regime is not None and any(getattr(s, k) is None for k in REGIME_STATE):
        raise ValueError(f"step_year: a regime needs state.{', state.'.join(REGIME_STATE)} "
                         "(see initial_state)")
    F, I, Bo = allocate(B, 1)  # noqa: E741
    jmask = np.zeros((B, 1), dtype=np.uint32)
    Kernel(system, policy, dyadic, regime).run(s, np.asarray(keys, dtype=np.uint64), year,
                                               year + 1, F, I, Bo, None, jmask,
                                               threads=threads, col0=year)
    bits = ((jmask[:, 0, None] >> np.arange(n, dtype=np.uint32)) & 1).astype(bool)
    allied = bits[:, :, None] & bits[:, None, :] & ~np.eye(n, dtype=bool)
    return s, {k: v[:, 0] for k, v in measure_views(F, I, Bo).items()}, allied
