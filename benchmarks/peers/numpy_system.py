"""The international system's year as batched numpy (a benchmark peer).

The same model as ``security_regimes.simulate``, written as a competent numpy
user would write it from ``system/model.py``'s description:

* **every system of the batch at once**: the state is arrays of shape
  (systems, powers) and (systems, powers, powers), and each phase of the year
  is whole-array operations over them;
* **Python loops only where the model is sequential**: over powers where one
  power's choice changes the next one's (bystanders joining a war in power
  order, restorations, sums in power order) and over the year's wars (the
  most valuable attack first, among powers not yet engaged);
* **only the draws the decisions read**, each block drawn for the whole batch
  in one call (the same counter-based draws as ``simulate``, so the same seeds
  give the same histories);
* sums taken left to right over the powers, as the kernel adds, so that the
  histories are the same, not merely alike.

It covers the benchmark's configuration (``benchmarks/bench_peers.py``: the
first-strike core, no regime, no geography, one decisive battle, a
deterministic dyadic strategy) with any Kaplan rule weights, the balancer,
relative gains and wars without conquest, and refuses in one line what it
does not implement (:func:`check`).  ``tests/test_benchmarks.py`` checks it
year by year against ``simulate`` on random settings.

The growth multipliers use ``np.exp``, which may round the last bit
differently from the C library's ``exp`` that the kernel calls: capabilities
then differ by about 1e-15 relative, and a decision on a knife edge could in
principle go the other way (it does, rarely: where two attacks tie to the last bits).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri
from tests.system.draws import Draws

from security_regimes.engine.rng import spawn_keys
from security_regimes.system import Policy, System
from security_regimes.system.model import (
    BELIEF_FLOOR,
    BIG_GAIN,
    EXPANSIONIST_RESTRAINT,
    SEEKER_RESTRAINT,
    Dyadic,
    initial_state,
)

#: The measures :meth:`NumpySystems.run` records, each (systems, years).
MEASURES = ("wars", "n_alive", "eliminated", "restored", "restraints", "norm_restraints",
            "restraining_dyads", "decisive_wars", "total", "war_size")
#: Those of :data:`MEASURES` that are capabilities (compared to 1e-12 relative).
FLOAT_MEASURES = ("total", "war_size")


def identical(peer: dict, measures: dict) -> np.ndarray:
    """Which systems have the same history in the peer's measures as in
    ``simulate``'s (every year, every measure of :data:`MEASURES`; total
    capability to 1e-12 relative), shape (systems,) bool."""
    same = np.ones(len(peer["wars"]), dtype=bool)
    for k in MEASURES:
        if k in FLOAT_MEASURES:
            same &= np.isclose(peer[k], measures[k], rtol=1e-12, atol=0).all(axis=1)
        else:
            same &= (peer[k] == measures[k]).all(axis=1)
    return same


def check(system: System, policy: Policy, dyadic: Dyadic, regime=None) -> None:
    """Refuse, in one line, a setting this peer does not implement."""
    unsupported = [
        (regime is not None, "a regime"),
        (system.core != "first_strike", "the crisis core"),
        (system.geography != "none", "a geography"),
        (system.membership != "closed", "entry and exit"),
        (system.growth != "drawn", "growth along the record"),
        (system.decisive_lead != 1, "decisive_lead > 1"),
        (system.capability_noise > 0, "capability noise"),
        (system.contagion > 0, "contagion"),
        (system.alliance_persistence > 0, "alliance persistence"),
        (system.cooperation_gain > 0, "gains from cooperation"),
        (bool(system.nuclear), "nuclear powers"),
        (bool(system.supranational), "supranational powers"),
        (policy.traits["spares_future_allies"], "far-sighted sparing"),
        (dyadic.stochastic, "a stochastic dyadic strategy"),
    ]
    missing = [what for bad, what in unsupported if bad]
    if missing:
        raise ValueError(f"the numpy peer does not implement {', '.join(missing)}")


def lsum(a: np.ndarray) -> np.ndarray:
    """Sum over the last axis, left to right from 0.0 (the kernel's order)."""
    out = np.zeros(a.shape[:-1])
    for q in range(a.shape[-1]):
        out = out + a[..., q]
    return out


def csf(a, d, k):
    """The contest success function ``a**k / (a**k + d**k)``, 0 where ``a`` has nothing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = d / a
        r = 1.0 / (1.0 + ratio * ratio) if k == 2.0 else 1.0 / (1.0 + ratio ** k)
    return np.where(a > 0, r, 0.0)


def war_gain(cap_i, own, enemy, p, pl, tau, stake, delta, rel, cap_j):
    """Expected capability change of a fighter (see ``war.war_gain``), elementwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(own > 0, cap_i / own, 0.0)
        v = p * tau * enemy * share - pl * stake * cap_i - delta * cap_i
        if rel > 0:
            j_share = np.where(enemy > 0, cap_j / enemy, 0.0)
            other = -delta * cap_j - p * tau * cap_j + pl * tau * own * j_share
            v = v - rel * other
    return v


def strength(flags, c):
    """Each war's side strength on the defender's territory (every reach 1), in power order."""
    return lsum(np.where(flags, c * 1.0, 0.0))


def portion(x, total):
    """``x / total``, ``x`` itself where the total is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, x / total, x)


def strongest(cap, alive):
    """Each system's strongest living power (the first of equals), shape (systems,)."""
    return np.argmax(np.where(alive, cap, -1.0), axis=1)


def likelihoods(m: float) -> tuple[np.ndarray, np.ndarray]:
    """Each observation's likelihood under the two types (index: saw restraint +
    2 x seen for certain), as the model's Bayes update reads them."""
    qs, qe = SEEKER_RESTRAINT, EXPANSIONIST_RESTRAINT
    like_s, like_e = np.empty(4), np.empty(4)
    for certain in (0, 1):
        mm = 0.0 if certain else m
        c_s = qs * (1 - mm) + (1 - qs) * mm
        c_e = qe * (1 - mm) + (1 - qe) * mm
        like_s[2 * certain:2 * certain + 2] = (1 - c_s, c_s)
        like_e[2 * certain:2 * certain + 2] = (1 - c_e, c_e)
    return like_s, like_e


class NumpySystems:
    """A batch of ``systems`` systems from ``seed`` (system ``b`` draws from child
    ``b`` of ``SeedSequence(seed)``, as ``simulate``'s system ``b`` does)."""

    def __init__(self, system: System, policy: Policy, dyadic="Tit For Tat", systems=100,
                 seed=1, years=100):
        self.dyadic = Dyadic.build(dyadic, years, system.n_powers)
        check(system, policy, self.dyadic)
        self.system, self.policy = system, policy
        self.w = policy.weights()
        s0 = initial_state(system, systems, None, self.dyadic)
        self.cap, self.alive, self.excluded = s0.cap.copy(), s0.alive.copy(), s0.excluded.copy()
        self.belief, self.dyad = s0.belief.copy(), s0.dyad.copy()
        self.grievance, self.seen = s0.grievance.copy(), s0.seen_hostile.copy()
        self.fallen = s0.fallen.copy()
        self.keys = spawn_keys(seed, np.arange(systems))
        self.like_s, self.like_e = likelihoods(system.misperception)

    def run(self, years: int) -> dict[str, np.ndarray]:
        """Advance every system ``years`` years; the measures of :data:`MEASURES`."""
        out = {k: [] for k in MEASURES}
        for y in range(years):
            for k, v in self.step(y).items():
                out[k].append(v)
        return {k: np.stack(v, axis=1) for k, v in out.items()}

    def step(self, y: int) -> dict[str, np.ndarray]:  # noqa: C901 - the year, phase by phase
        s, w, pol = self.system, self.w, self.policy
        B, n = self.cap.shape
        u = Draws(self.keys, y, n)  # each block for the whole batch, on first use
        rows, powers, eye = np.arange(B), np.arange(n), np.eye(n, dtype=bool)
        cap, alive, excluded = self.cap, self.alive, self.excluded
        k, f, tau, rate = s.decisiveness, s.first_strike, s.transfer, s.war_cost

        # Begin the year: shunning and grievances count down.
        alive0 = alive.copy()
        excluded = np.maximum(excluded - 1, 0)
        grievance = np.maximum(self.grievance - 1, 0)

        # 1. Growth.
        factor = np.exp(s.growth_mean + s.growth_sd * ndtri(u["growth"]))
        cap = np.where(alive, cap * factor, 0.0)
        total = lsum(cap)

        # 2. Alliances: without a geography every power's threat is the strongest.
        h = np.argmax(np.where(alive, cap / total[:, None], -1.0), axis=1)
        share_h = cap[rows, h] / total
        predominant = (share_h >= s.predominance_share)[:, None]
        jq = np.broadcast_to((share_h >= s.threat_share)[:, None], (B, n))
        drawn = (w[4] > 0) & predominant & ~jq
        jq = jq | (drawn & (u["rule4"] < w[4])) | (~drawn & (powers == pol.balancer_index)
                                                   & predominant)
        join = alive & (powers != h[:, None]) & (excluded == 0) & jq
        bloc_cap = lsum(np.where(join, cap, 0.0))
        side = np.where(join, cap + s.alliance_reliability * (bloc_cap[:, None] - cap), cap)
        allied = join[:, :, None] & join[:, None, :]

        # 3. Replies and punishers.
        living = alive[:, :, None] & alive[:, None, :] & ~eye
        act = self.dyadic.act[self.dyad] > 0.5
        thr = self.dyadic.threshold
        reply = np.where(np.isnan(thr)[None, :, None], act, self.belief >= thr[None, :, None])
        reply &= living
        intended = act & living
        punisher = living & ((grievance > 0) | self.seen) & ~reply  # [q, i]
        punish = np.zeros((B, n, n))  # [i, j]: in power order of q, from 0.0
        for q in range(n):
            counts_i = punisher[:, q, :] & ~allied[:, q, :]
            counts_j = ~allied[:, q, :]
            counts_j[:, q] = False
            punish = punish + np.where(counts_i[:, :, None] & counts_j[:, None, :],
                                       cap[:, q, None, None], 0.0)

        # 4. Decisions: each living pair not allied weighs a first strike.
        contest = living & ~allied
        side_i, side_j = side[:, :, None], side[:, None, :]
        enemy = side_j + punish
        own_t = side_i + punish.transpose(0, 2, 1)
        own, enemy_t = side_i * 1.0, side_j * 1.0
        cap_i, cap_j = cap[:, :, None], cap[:, None, :]
        p_att = csf((1 + f) * own, enemy, k)
        l_att, d_att = 1.0 - p_att, rate
        l_tgt = csf((1 + f) * enemy_t, own_t, k)
        p_tgt, d_tgt = 1.0 - l_tgt, rate
        if s.conquest:
            st_a = tau + csf(enemy, cap_i, k) * (1 - tau) * (1 - d_att)
            st_t = tau + csf(enemy_t, cap_i, k) * (1 - tau) * (1 - d_tgt)
        else:
            st_a = st_t = tau
        rel = s.relative_gains
        eg = war_gain(cap_i, own, enemy, p_att, l_att, tau, st_a, d_att, rel, cap_j)
        eg_t = war_gain(cap_i, own_t, enemy_t, p_tgt, l_tgt, tau, st_t, d_tgt, rel, cap_j)
        loss = np.maximum(-eg_t, 0.0)
        r = self.belief * SEEKER_RESTRAINT + (1 - self.belief) * EXPANSIONIST_RESTRAINT
        margin = eg - (reply * r * s.shadow - (1 - r)) * loss
        ready = contest & (margin > 0)
        cand = ready
        if w[1] > 0:  # rule 1 negotiates, unless rule 2 takes a big gain
            negotiate = u["rule1"].reshape(B, n, n) < w[1]
            seize = (u["rule2"].reshape(B, n, n) < w[2]) & (eg >= BIG_GAIN * cap_i)
            cand = ready & (~negotiate | seize)
        stance = np.where(allied, reply, reply & ~cand) & living
        margins = np.where(cand, margin, -np.inf)
        feasible = contest & ((p_att >= 0.5) | ready)
        restraints = feasible.sum(axis=(1, 2))
        norm_restraints = (feasible & ready & ~cand).sum(axis=(1, 2))
        restraining = stance.sum(axis=(1, 2))

        # 5. Wars, the most valuable attack first, among powers not yet engaged.
        engaged = np.zeros((B, n), dtype=bool)
        wid = np.full((B, n), -1)
        on_a = np.zeros((B, n), dtype=bool)
        win = np.zeros((B, n), dtype=bool)
        lose = np.zeros((B, n), dtype=bool)
        n_wars = np.zeros(B, dtype=np.int64)
        decisive = np.zeros(B, dtype=np.int64)
        destroyed = np.zeros(B)
        u_war, u_rule3, u_push = u["war"], u["rule3"], u["push"]
        u_honour, u_opp, u_rule4 = u["honour"], u["opportunist"], u["rule4"]
        rho = s.alliance_reliability
        while True:
            free = alive & ~engaged
            m = np.where(free[:, :, None] & free[:, None, :], margins, -np.inf).reshape(B, -1)
            best = np.argmax(m, axis=1)
            at = np.flatnonzero(m[rows, best] > -np.inf)  # the systems with another war
            if at.size == 0:
                break
            att, dfd = best[at] // n, best[at] % n
            kw = n_wars[at]
            c = cap[at]
            al, eng = alive[at], engaged[at]
            eng[np.arange(at.size), att] = True
            eng[np.arange(at.size), dfd] = True
            restraints[at] -= 1  # the attack made was not a restraint
            ar = np.arange(at.size)
            a_side = powers == att[:, None]
            d_side = powers == dfd[:, None]
            jn = join[at]
            honours = (rho >= 1.0) | (u_honour[at] < rho)
            free_q = ~eng & jn & honours
            with_a = free_q & jn[ar, att][:, None]
            with_d = free_q & ~with_a & jn[ar, dfd][:, None]
            a_side, d_side = a_side | with_a, d_side | with_d
            victims = punisher[at, :, att] & ~eng & ~a_side & ~d_side
            d_side = d_side | victims

            a_cap, d_cap = strength(a_side, c), strength(d_side, c)
            a_stronger = (a_cap >= d_cap)[:, None]
            if w[4] > 0:
                opposes = ((np.maximum(a_cap, d_cap) / total[at] >= s.predominance_share)[:, None]
                           & al & ~eng & ~a_side & ~d_side & (u_rule4[at] < w[4]))
                d_side, a_side = d_side | (opposes & a_stronger), a_side | (opposes & ~a_stronger)
            q = pol.balancer_index
            if 0 <= q < n:
                b_in = al[:, q] & ~eng[:, q] & ~a_side[:, q] & ~d_side[:, q]
                d_side[:, q] |= b_in & a_stronger[:, 0]
                a_side[:, q] |= b_in & ~a_stronger[:, 0]
            a_cap, d_cap = strength(a_side, c), strength(d_side, c)
            if s.opportunism > 0:  # bystanders join where it pays, in power order
                for q in range(n):
                    looks = (al[:, q] & ~eng[:, q] & ~a_side[:, q] & ~d_side[:, q]
                             & (u_opp[at, q] < s.opportunism))
                    if not looks.any():
                        continue
                    c_q = c[:, q] * 1.0
                    v_a = self._joining(c[:, q], a_cap + c_q, d_cap,
                                        csf((1 + f) * (a_cap + c_q), d_cap, k), c[ar, dfd])
                    v_d = self._joining(c[:, q], d_cap + c_q, a_cap,
                                        1.0 - csf((1 + f) * a_cap, d_cap + c_q, k), c[ar, att])
                    to_a = looks & (v_a > 0) & (v_a >= v_d)
                    to_d = looks & ~to_a & (v_d > 0)
                    a_side[:, q] |= to_a
                    d_side[:, q] |= to_d
                    a_cap = np.where(to_a, a_cap + c_q, a_cap)
                    d_cap = np.where(to_d, d_cap + c_q, d_cap)
                a_cap, d_cap = strength(a_side, c), strength(d_side, c)
            fighters = a_side | d_side
            eng |= fighters
            wid_at = wid[at]
            wid_at[fighters] = np.broadcast_to(kw[:, None], fighters.shape)[fighters]
            on_a_at = on_a[at]
            on_a_at[fighters] = a_side[fighters]
            # One decisive battle (decisive_lead = 1).
            pb = csf((1 + f) * a_cap, d_cap, k)
            a_wins = u_war[at, kw, 0] < pb
            surv = 1.0 * (1 - rate)
            fought = lsum(np.where(fighters, c, 0.0))
            size = (1 - surv) * fought
            c = np.where(fighters, c * surv, c)
            g = grievance[at]
            g[ar, dfd, att] = s.grievance_years
            grievance[at] = g
            decisive[at] += 1
            w_win = np.where(a_wins[:, None], a_side, d_side)
            w_lose = np.where(a_wins[:, None], d_side, a_side)
            loser = np.where(a_wins, dfd, att)
            win[at] |= w_win
            lose[at] |= w_lose
            loot = tau * lsum(np.where(w_lose, c, 0.0))
            w_total = lsum(np.where(w_win, c, 0.0))
            gain = np.where(w_win, portion(c, w_total[:, None]), 0.0)
            c = np.where(w_lose, c * (1 - tau), c)
            c = c + gain * loot[:, None]
            ex = excluded[at]
            ex[w_lose] = s.exclusion_years
            excluded[at] = ex
            # The winner presses on to eliminate the loser when that pays, unless rule 3 spares it.
            c_l = c[ar, loser]
            w_side_cap = lsum(np.where(w_win, c, 0.0))
            p2 = csf(w_side_cap, c_l, k)
            push = (p2 * (1 - rate) > rate) if s.conquest else np.zeros(at.size, dtype=bool)
            push_free = push
            if w[3] > 0:
                push = push & ~(u_rule3[at, kw] < w[3])
            spared = ~push
            restraints[at] += spared
            norm_restraints[at] += spared & push_free
            push_cost = np.where(push, rate * np.minimum(c_l, w_side_cap), 0.0)
            pushing = push[:, None] & w_win
            c = np.where(pushing, c - portion(c, w_side_cap[:, None]) * push_cost[:, None], c)
            c[ar, loser] = np.where(push, c[ar, loser] - push_cost, c[ar, loser])
            taken = push & (u_push[at, kw] < p2)
            spoils = c[ar, loser]
            ws = lsum(np.where(w_win, c, 0.0))
            c = np.where(taken[:, None] & w_win,
                         c + portion(c, ws[:, None]) * spoils[:, None], c)
            c[ar, loser] = np.where(taken, c[ar, loser] - spoils, c[ar, loser])
            al[ar, loser] &= ~taken
            destroyed[at] += size + 2 * push_cost
            cap[at], alive[at], engaged[at], wid[at], on_a[at] = c, al, eng, wid_at, on_a_at
            n_wars[at] += 1

        # 6. Elimination: the weak (never the strongest) fall; remnants to the victors.
        total_now = lsum(cap)
        top = strongest(cap, alive)
        weak = (alive & (powers != top[:, None]) & (cap < s.elimination_threshold
                                                    * total_now[:, None])) if s.conquest else \
            np.zeros_like(alive)
        heirs = alive & ~weak
        victors = heirs & win
        victors = np.where(victors.any(axis=1)[:, None], victors, heirs)
        gone = weak | ~alive
        rem_beaten = lsum(np.where(gone & lose, cap, 0.0))
        rem_other = lsum(np.where(gone & ~lose, cap, 0.0))
        cap = np.where(gone, 0.0, cap)
        v_total, h_total = lsum(np.where(victors, cap, 0.0)), lsum(np.where(heirs, cap, 0.0))
        gv = np.where(victors, portion(cap, v_total[:, None]), 0.0)
        gh = np.where(heirs, portion(cap, h_total[:, None]), 0.0)
        cap = cap + gv * rem_beaten[:, None] + gh * rem_other[:, None]
        alive = alive & ~weak
        eliminated = (alive0 & ~alive).sum(axis=1)
        self.fallen |= ~alive

        # 7. Rule 6: the shunned readmitted, eliminated powers restored.
        restored = np.zeros(B, dtype=np.int64)
        if w[6] > 0:
            excluded = np.where(alive & (u["rule6"] < w[6]), 0, excluded)
            back = ~alive & (u["restore"] < w[6] * s.restore_rate)
            for q in range(n):
                rs = np.flatnonzero(back[:, q])
                if rs.size == 0:
                    continue
                top = strongest(cap[rs], alive[rs])
                amount = np.minimum(2 * s.elimination_threshold * lsum(cap[rs]),
                                    0.5 * cap[rs, top])
                cap[rs, top] -= amount
                cap[rs, q] += amount
                alive[rs, q] = True
                excluded[rs, q] = 0
                restored[rs] += 1

        # 8. Observation: stances seen through misperception, strategies move, Bayes.
        both = alive0[:, :, None] & alive0[:, None, :] & ~eye
        hostile = ~stance.transpose(0, 2, 1)
        if s.misperception > 0:
            hostile = hostile ^ (u["mis"].reshape(B, n, n) < s.misperception)
        at_war = ((wid[:, :, None] >= 0) & (wid[:, :, None] == wid[:, None, :])
                  & (on_a[:, :, None] != on_a[:, None, :]))
        hostile = hostile | at_war
        obs = 4 * intended.astype(np.int64) + 2 * stance.astype(np.int64) + ~hostile
        self.dyad = np.where(both, self.dyadic.next8[self.dyad + obs], self.dyad)
        self.seen = np.where(both, hostile, np.where(eye, self.seen, False))
        idx = np.where(hostile, 0, 1) + np.where(at_war, 2, 0)
        b = self.belief
        ls, le = self.like_s[idx], self.like_e[idx]
        post = b * ls / (b * ls + (1 - b) * le)
        self.belief = np.where(both, np.minimum(np.maximum(post, BELIEF_FLOOR),
                                                1 - BELIEF_FLOOR), b)
        # A restored power starts afresh.
        fresh = alive & ~alive0
        if fresh.any():
            start = self.dyadic.start
            for q in range(n):
                rs = np.flatnonzero(fresh[:, q])
                if rs.size == 0:
                    continue
                self.belief[rs, q, :] = s.belief_prior
                self.belief[rs, :, q] = s.belief_prior
                self.dyad[rs, q, :] = start[q]
                self.dyad[rs, :, q] = start
                grievance[rs, q, :] = 0
                grievance[rs, :, q] = 0
                self.seen[rs, q, :] = False
                self.seen[rs, :, q] = False
        self.cap, self.alive, self.excluded, self.grievance = cap, alive, excluded, grievance
        return {"wars": n_wars, "n_alive": alive.sum(axis=1), "eliminated": eliminated,
                "restored": restored, "restraints": restraints,
                "norm_restraints": norm_restraints, "restraining_dyads": restraining,
                "total": lsum(cap), "decisive_wars": decisive, "war_size": destroyed}

    def _joining(self, c_q, own, enemy, win, c_main):
        """Value to a bystander (capability ``c_q``) of joining a side of strength
        ``own`` (with it) against ``enemy``, whose battles it wins with ``win``."""
        s = self.system
        tau, delta = s.transfer, s.war_cost
        lose = 1.0 - win
        stake = (tau + csf(enemy, c_q, s.decisiveness) * (1 - tau) * (1 - delta)
                 if s.conquest else tau)
        return war_gain(c_q, own, enemy, win, lose, tau, stake, delta, s.relative_gains, c_main)
