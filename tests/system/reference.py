"""Scalar reference of one system-year, in plain Python, for tests only.

It restates the rules of ``security_regimes.system.model.step`` one power and
one dyad at a time, readable rather than fast, from the same uniform draws.
"""

from __future__ import annotations

import math

from scipy.special import ndtri

from security_regimes.system.model import BIG_GAIN


def csf(a, d, k):
    if a <= 0:
        return 0.0
    return 1.0 / (1.0 + (d / a) ** k)


def ref_step(st, u, system, policy, act_table, next_table):
    """``st``: dict of lists for one system; ``u``: dict of scalars/lists of draws."""
    N = len(st["cap"])
    w = list(policy.weights())
    k, delta, tau = system.decisiveness, system.war_cost, system.transfer
    cap = list(st["cap"])
    alive = list(st["alive"])
    alive0 = list(alive)
    excluded = [max(e - 1, 0) for e in st["excluded"]]
    dyad = [list(r) for r in st["dyad"]]

    before = sum(cap)
    for i in range(N):
        cap[i] = cap[i] * math.exp(system.growth_mean + system.growth_sd
                                   * float(ndtri(u["growth"][i]))) if alive[i] else 0.0
    growth = sum(cap) - before

    total = sum(cap)
    h = max((i for i in range(N) if alive[i]), key=lambda i: (cap[i], -i))
    sh = cap[h] / total
    join = [False] * N
    for i in range(N):
        partner = alive[i] and i != h and excluded[i] == 0
        if not partner:
            continue
        if sh >= system.threat_share:
            join[i] = True
        if policy.name == "kaplan" and sh >= system.predominance_share and u["rule4"][i] < w[4]:
            join[i] = True
        if policy.name == "balancer" and i == policy.balancer and sh >= system.predominance_share:
            join[i] = True
    allied = [[join[i] and join[j] and i != j for j in range(N)] for i in range(N)]
    clique = sum(cap[q] for q in range(N) if join[q])
    side = [clique if join[i] else cap[i] for i in range(N)]

    best, best_eg, intended, stance = None, -math.inf, {}, {}
    for i in range(N):
        for j in range(N):
            if not (alive[i] and alive[j] and i != j):
                continue
            A, D = side[i], side[j]
            p = csf(A, D, k)
            eg = p * tau * D * (cap[i] / A) - (1 - p) * tau * cap[i] - delta * cap[i]
            opp = not allied[i][j] and eg > 0
            cand = opp
            if policy.name == "kaplan":
                negotiate = u["rule1"][i][j] < w[1]
                seize = u["rule2"][i][j] < w[2] and eg >= BIG_GAIN * cap[i]
                cand = opp and (not negotiate or seize)
                if (j in system.supranational and u["rule5"][i] < w[5] and p > 0.5
                        and not allied[i][j]):
                    cand = True
            pr = act_table[dyad[i][j]]
            intended[i, j] = (u["act"][i][j] < pr) if 0 < pr < 1 else pr > 0.5
            stance[i, j] = intended[i, j] and not opp
            # argmax over the flattened (i, j) grid keeps the first maximum.
            if cand and eg > best_eg:
                best, best_eg = (i, j), eg

    destroyed = 0.0
    war = best is not None
    a_side, d_side = [False] * N, [False] * N
    a_wins = False
    if war:
        att, dfd = best
        a_side[att], d_side[dfd] = True, True
        for q in range(N):
            a_side[q] |= allied[att][q]
            d_side[q] |= allied[dfd][q]
        a_cap = sum(cap[q] for q in range(N) if a_side[q])
        d_cap = sum(cap[q] for q in range(N) if d_side[q])
        a_stronger = a_cap >= d_cap
        for q in range(N):
            third = alive[q] and not a_side[q] and not d_side[q]
            if not third:
                continue
            if policy.name == "kaplan":
                if u["rule4"][q] < w[4] and max(a_cap, d_cap) / total >= system.predominance_share:
                    (d_side if a_stronger else a_side)[q] = True
            elif policy.name == "balancer" and q == policy.balancer:
                (d_side if a_stronger else a_side)[q] = True
        a_cap = sum(cap[q] for q in range(N) if a_side[q])
        d_cap = sum(cap[q] for q in range(N) if d_side[q])
        a_wins = u["war"] < csf(a_cap, d_cap, k)
        for q in range(N):
            if a_side[q] or d_side[q]:
                destroyed += delta * cap[q]
                cap[q] *= 1 - delta
        win = a_side if a_wins else d_side
        lose = d_side if a_wins else a_side
        loot = tau * sum(cap[q] for q in range(N) if lose[q])
        win_cap = sum(cap[q] for q in range(N) if win[q])
        for q in range(N):
            if lose[q]:
                cap[q] *= 1 - tau
                excluded[q] = system.exclusion_years
        for q in range(N):
            if win[q]:
                cap[q] += cap[q] / win_cap * loot
        winner, loser = (att, dfd) if a_wins else (dfd, att)
        c_w, c_l = cap[winner], cap[loser]
        w_side = sum(cap[q] for q in range(N) if win[q])
        p2 = csf(w_side, c_l, k)
        push = p2 * (1 - delta) > delta
        if policy.name == "kaplan" and u["rule3"] < w[3]:
            push = False
        if policy.name == "far_sighted_waltz" and push:
            rival = max([cap[q] for q in range(N) if alive[q] and not win[q] and q != loser],
                        default=0.0)
            threat = min(rival / c_w, 1.0)
            eg_push = (p2 * (1 - delta) - delta) * c_l * (c_w / w_side)
            if policy.future_weight * threat * c_l > eg_push:
                push = False
        if push:
            cost = delta * min(c_l, w_side)
            destroyed += 2 * cost
            for q in range(N):
                if win[q]:
                    cap[q] -= cap[q] / w_side * cost
            cap[loser] -= cost
            if u["push"] < p2:
                spoils = cap[loser]
                w_side = sum(cap[q] for q in range(N) if win[q])
                for q in range(N):
                    if win[q]:
                        cap[q] += cap[q] / w_side * spoils
                cap[loser] -= spoils
                alive[loser] = False

    total = sum(cap)
    strongest = max((i for i in range(N) if alive[i]), key=lambda i: (cap[i], -i))
    remnant = 0.0
    for q in range(N):
        weak = alive[q] and q != strongest and cap[q] < system.elimination_threshold * total
        if weak or not alive[q]:
            remnant += cap[q]
            cap[q] = 0.0
            alive[q] = False
    cap[strongest] += remnant

    if policy.name == "kaplan" and w[6] > 0:
        for q in range(N):
            if alive[q] and u["rule6"][q] < w[6]:
                excluded[q] = 0
        for q in range(N):
            if not alive[q] and u["restore"][q] < w[6] * system.restore_rate:
                total = sum(cap)
                s = max((i for i in range(N) if alive[i]), key=lambda i: (cap[i], -i))
                amount = min(2 * system.elimination_threshold * total, 0.5 * cap[s])
                cap[s] -= amount
                cap[q] += amount
                alive[q] = True
                excluded[q] = 0

    seen = [[False] * N for _ in range(N)]
    new_dyad = [list(r) for r in dyad]
    for i in range(N):
        for j in range(N):
            valid = alive0[i] and alive0[j] and i != j
            if not valid:
                continue
            expand_ji = not stance[j, i]
            s_ = expand_ji
            if system.misperception > 0 and u["mis"][i][j] < system.misperception:
                s_ = not s_
            if (a_side[i] and d_side[j]) or (d_side[i] and a_side[j]):
                s_ = True
            seen[i][j] = s_
            obs = 4 * intended[i, j] + 2 * stance[i, j] + (not s_)
            new_dyad[i][j] = next_table[dyad[i][j] + obs]
    for q in range(N):
        if alive[q] and not alive0[q]:
            for r in range(N):
                seen[q][r] = seen[r][q] = False
                new_dyad[q][r] = new_dyad[r][q] = 0

    coop_n = sum(1 for (i, j), v in stance.items() if v)
    return (
        {"cap": cap, "alive": alive, "excluded": excluded, "seen_hostile": seen,
         "dyad": new_dyad},
        {"war": war, "war_size": destroyed, "growth": growth, "attacker_won": a_wins,
         "n_alive": sum(alive), "cooperation_rate": coop_n / len(stance) if stance else math.nan},
    )
