"""Scalar reference of one system-year, in plain Python, for tests only.

It restates the rules of ``security_regimes.system.model.step`` one power and
one dyad at a time, readable rather than fast, from the same uniform draws,
with the regime's norms, formation and decay, and the restraint accounting
(the regime autonomy index).  The compiled kernel must equal it.
"""

from __future__ import annotations

import math

from scipy.special import ndtri

from security_regimes.system.model import (
    BELIEF_FLOOR,
    BIG_GAIN,
    COMPLY_BELIEF,
    EXPANSIONIST_RESTRAINT,
    MAX_BATTLES,
    SEEKER_RESTRAINT,
)


def csf(a, d, k):
    if a <= 0:
        return 0.0
    return 1.0 / (1.0 + (d / a) ** k)


def value(cap_i, own, enemy, p, pl, tau, stake, delta, rel, cap_j):
    """Expected change of i's capability from a war won with ``p``, lost with
    ``pl`` (see ``war_value``)."""
    share = cap_i / own if own > 0 else 0.0
    v = p * tau * enemy * share - pl * stake * cap_i - delta * cap_i
    if rel > 0:
        j_share = cap_j / enemy if enemy > 0 else 0.0
        v -= rel * (-delta * cap_j - p * tau * cap_j + pl * tau * own * j_share)
    return v


def bayes(b, saw_restraint, m):
    qs, qe = SEEKER_RESTRAINT, EXPANSIONIST_RESTRAINT
    cs = qs * (1 - m) + (1 - qs) * m
    ce = qe * (1 - m) + (1 - qe) * m
    ls, le = (cs, ce) if saw_restraint else (1 - cs, 1 - ce)
    post = b * ls / (b * ls + (1 - b) * le)
    return min(max(post, BELIEF_FLOOR), 1 - BELIEF_FLOOR)


def war_odds(p, lead, delta, tau):
    """Chances of winning and losing a war of battles won with ``p`` each, fought
    until one side leads by ``lead`` or fighting has destroyed ``tau`` (at most
    MAX_BATTLES), and the expected share destroyed: exact, over the walk."""
    if lead == 1:
        return p, 1.0 - p, delta
    q = 1.0 - p
    probs = {s: 0.0 for s in range(-(lead - 1), lead)}
    probs[0] = 1.0
    p_win = p_lose = d_eff = 0.0
    surv = 1.0
    for t in range(1, MAX_BATTLES + 1):
        surv = surv * (1 - delta)
        nxt = {s: 0.0 for s in probs}
        won = lost = 0.0
        for s in range(-(lead - 1), lead):
            m = probs[s]
            if m == 0.0:
                continue
            if s + 1 == lead:
                won += m * p
            else:
                nxt[s + 1] += m * p
            if s - 1 == -lead:
                lost += m * q
            else:
                nxt[s - 1] += m * q
        p_win += won
        p_lose += lost
        d_eff += (won + lost) * (1 - surv)
        probs = nxt
        if 1 - surv >= tau or t == MAX_BATTLES:
            rest = 0.0
            for s in range(-(lead - 1), lead):
                rest += probs[s]
            d_eff += rest * (1 - surv)
            break
    return p_win, p_lose, d_eff


def strongest_of(cap, alive):
    return max((i for i in range(len(cap)) if alive[i]), key=lambda i: (cap[i], -i))


def ref_step(st, u, system, policy, dyadic, regime=None):
    """``st``: dict of lists for one system; ``u``: dict of scalars/lists of draws.

    With a regime, ``st`` also holds ``weight`` (list), ``memory`` (float),
    ``revisionist`` (list), ``ref_share`` (list) and ``in_force`` (bool).
    """
    N = len(st["cap"])
    w = list(policy.weights())
    k, delta0, tau, f = system.decisiveness, system.war_cost, system.transfer, system.first_strike
    act_table, next_table = dyadic.act, dyadic.next8
    cap = list(st["cap"])
    alive = list(st["alive"])
    alive0 = list(alive)
    fallen = list(st["fallen"])
    excluded = [max(e - 1, 0) for e in st["excluded"]]
    grievance = [[max(g - 1, 0) for g in r] for r in st["grievance"]]
    dyad = [list(r) for r in st["dyad"]]
    belief = [list(r) for r in st["belief"]]
    seen_before = st["seen_hostile"]
    stochastic = dyadic.stochastic
    norm = regime.strength if regime is not None else (lambda name: 0.0)
    mmask = list(regime.member_mask(N)) if regime is not None else [False] * N
    weight = list(st["weight"]) if regime is not None else [0.0] * N
    member = [bool(mmask[i]) and alive[i] for i in range(N)]
    bound = regime is not None and bool(st["in_force"])  # norms bind only while in force

    before = sum(cap)
    for i in range(N):
        cap[i] = cap[i] * math.exp(system.growth_mean + system.growth_sd
                                   * float(ndtri(u["growth"][i]))) if alive[i] else 0.0
    growth = sum(cap) - before

    total = sum(cap)
    h = strongest_of(cap, alive)
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
    rho = system.alliance_reliability  # allies are expected to honour at this rate
    side = [cap[i] + rho * (clique - cap[i]) if join[i] else cap[i] for i in range(N)]

    def valid(i, j):
        return alive[i] and alive[j] and i != j

    reply, intended = {}, {}
    for i in range(N):
        for j in range(N):
            if not valid(i, j):
                continue
            pr = act_table[dyad[i][j]]
            intended[i, j] = (u["act"][i][j] < pr) if stochastic else pr > 0.5
            thr = dyadic.threshold[i]
            reply[i, j] = belief[i][j] >= thr if not math.isnan(thr) else intended[i, j]

    def is_punisher(q, i):
        return valid(q, i) and (grievance[q][i] > 0 or seen_before[q][i]) and not reply[q, i]

    def punish(i, j):
        """Capability of i's punishers outside j's side and not allied to i."""
        return sum(cap[q] for q in range(N) if is_punisher(q, i) and not allied[i][q]
                   and q != j and not (join[q] and join[j]))

    nuclear = set(system.nuclear)
    lead = system.decisive_lead
    stance, margins = {}, {}
    feasible, ready_of, cand_of = {}, {}, {}
    for i in range(N):
        for j in range(N):
            if not valid(i, j):
                continue
            delta = system.nuclear_cost if (i in nuclear and j in nuclear) else delta0
            own, enemy = side[i], side[j] + punish(i, j)
            own_t, enemy_t = side[i] + punish(j, i), side[j]
            if system.capability_noise > 0:
                e = math.exp(system.capability_noise * float(ndtri(u["perceive"][i][j])))
                enemy, enemy_t = enemy * e, enemy_t * e
            p_att, l_att, d_att = war_odds(csf((1 + f) * own, enemy, k), lead, delta, tau)
            l_tgt, p_tgt, d_tgt = war_odds(csf((1 + f) * enemy_t, own_t, k), lead, delta, tau)
            if system.conquest:
                stake_att = tau + csf(enemy, cap[i], k) * (1 - tau) * (1 - d_att)
                stake_tgt = tau + csf(enemy_t, cap[i], k) * (1 - tau) * (1 - d_tgt)
            else:
                stake_att = stake_tgt = tau
            rel = system.relative_gains
            eg = value(cap[i], own, enemy, p_att, l_att, tau, stake_att, d_att, rel, cap[j])
            eg_t = value(cap[i], own_t, enemy_t, p_tgt, l_tgt, tau, stake_tgt, d_tgt, rel,
                         cap[j])
            loss = max(-eg_t, 0.0)
            r = belief[i][j] * SEEKER_RESTRAINT + (1 - belief[i][j]) * EXPANSIONIST_RESTRAINT
            margin = eg - (reply[i, j] * r * system.shadow - (1 - r)) * loss
            if system.cooperation_gain > 0:  # the year's gain restraint would earn
                margin -= reply[i, j] * r * system.cooperation_gain * cap[i] / (sum(alive0) - 1)
            ready = not allied[i][j] and margin > 0
            cand = ready
            if policy.name == "kaplan":
                negotiate = u["rule1"][i][j] < w[1]
                seize = u["rule2"][i][j] < w[2] and eg >= BIG_GAIN * cap[i]
                cand = ready and (not negotiate or seize)
                if (j in system.supranational and u["rule5"][i] < w[5] and p_att > 0.5
                        and not allied[i][j]):
                    cand = True
            if (cand and bound and member[i] and member[j]
                    and u["norm_restraint"][i][j] < norm("restraint") * weight[i]
                    and belief[i][j] >= COMPLY_BELIEF):
                cand = False  # the regime's restraint norm binds
            feasible[i, j] = not allied[i][j] and (p_att >= 0.5 or ready)
            ready_of[i, j], cand_of[i, j] = ready, cand
            stance[i, j] = reply[i, j] and not cand
            if cand:
                margins[i, j] = margin

    restraints = sum(1 for v in feasible.values() if v)
    norm_restraints = sum(1 for key, v in feasible.items() if v and ready_of[key]
                          and not cand_of[key])
    # Wars, the most valuable attack first, among powers not yet engaged.
    engaged = [False] * N
    war_of = [-1] * N  # the war each power fights in this year
    on_a = [False] * N
    win_any, lose_any = [False] * N, [False] * N
    wars_list = []  # (attacker, defender, main loser or -1)
    settled_n = 0
    decisive_n = 0
    punishers = 0
    destroyed = 0.0
    largest = 0.0
    member_destroyed = 0.0
    member_war = False
    first = None
    while True:
        free = [(m_, key) for key, m_ in margins.items()
                if alive[key[0]] and alive[key[1]] and not engaged[key[0]]
                and not engaged[key[1]]]
        if not free:
            break
        # argmax over the flattened (i, j) grid keeps the first maximum
        best_m = max(m_ for m_, _ in free)
        att, dfd = min(key for m_, key in free if m_ == best_m)
        widx = len(wars_list) + settled_n
        engaged[att] = engaged[dfd] = True
        if (bound and norm("consultation") > 0 and member[att] and member[dfd]
                and u["conference"][widx] < norm("consultation") * weight[att]
                and belief[att][dfd] >= COMPLY_BELIEF):
            settled_n += 1
            norm_restraints += 1
            continue
        restraints -= 1
        k_w = len(wars_list)
        a_side, d_side = [False] * N, [False] * N
        a_side[att], d_side[dfd] = True, True
        for q in range(N):  # each ally honours the alliance with probability rho
            if engaged[q]:
                continue
            honours = rho >= 1.0 or u["honour"][q] < rho
            a_side[q] |= allied[att][q] and honours
            d_side[q] |= allied[dfd][q] and honours
        for q in range(N):
            if not engaged[q] and not a_side[q] and not d_side[q] and is_punisher(q, att):
                d_side[q] = True
                punishers += 1
        a_cap = sum(cap[q] for q in range(N) if a_side[q])
        d_cap = sum(cap[q] for q in range(N) if d_side[q])
        a_stronger = a_cap >= d_cap
        for q in range(N):
            third = alive[q] and not engaged[q] and not a_side[q] and not d_side[q]
            if not third:
                continue
            if policy.name == "kaplan":
                if u["rule4"][q] < w[4] and max(a_cap, d_cap) / total >= system.predominance_share:
                    (d_side if a_stronger else a_side)[q] = True
            elif policy.name == "balancer" and q == policy.balancer:
                (d_side if a_stronger else a_side)[q] = True
        a_cap = sum(cap[q] for q in range(N) if a_side[q])
        d_cap = sum(cap[q] for q in range(N) if d_side[q])
        if system.opportunism > 0:
            def joining(q, own, enemy, p, other, main):
                delta = delta0
                if q in nuclear and any(other[r] for r in nuclear):
                    delta = system.nuclear_cost
                p, pl, delta = war_odds(p, lead, delta, tau)
                at_stake = (tau + csf(enemy, cap[q], k) * (1 - tau) * (1 - delta)
                            if system.conquest else tau)
                return value(cap[q], own, enemy, p, pl, tau, at_stake, delta,
                             system.relative_gains, cap[main])

            for q in range(N):  # bystanders join where it pays (bandwagoning for profit)
                if not alive[q] or engaged[q] or a_side[q] or d_side[q]:
                    continue
                if u["opportunist"][q] >= system.opportunism:
                    continue
                v_a = joining(q, a_cap + cap[q], d_cap, csf((1 + f) * (a_cap + cap[q]), d_cap, k),
                              d_side, dfd)
                v_d = joining(q, d_cap + cap[q], a_cap,
                              1.0 - csf((1 + f) * a_cap, d_cap + cap[q], k), a_side, att)
                if v_a > 0 and v_a >= v_d:
                    a_side[q] = True
                    a_cap += cap[q]
                elif v_d > 0:
                    d_side[q] = True
                    d_cap += cap[q]
            a_cap = sum(cap[q] for q in range(N) if a_side[q])
            d_cap = sum(cap[q] for q in range(N) if d_side[q])
        for q in range(N):
            if a_side[q] or d_side[q]:
                engaged[q] = True
                war_of[q], on_a[q] = k_w, a_side[q]
        fought_nuclear = (any(a_side[q] for q in nuclear) and any(d_side[q] for q in nuclear))
        rate = system.nuclear_cost if fought_nuclear else delta0
        # Battles until one side leads by `lead` or fighting has cost the prize.
        pb = csf((1 + f) * a_cap, d_cap, k)
        score, battles, surv, decided = 0, 0, 1.0, False
        while True:
            u_b = u["war"][k_w][battles]
            battles += 1
            surv *= 1 - rate
            score += 1 if u_b < pb else -1
            if abs(score) >= lead:
                decided = True
                break
            if 1 - surv >= tau or battles >= MAX_BATTLES:
                break
        a_wins = decided and score > 0
        fought = sum(cap[q] for q in range(N) if a_side[q] or d_side[q])
        size = (1 - surv) * fought
        for q in range(N):
            if a_side[q] or d_side[q]:
                cap[q] *= surv
        if any(member[q] and a_side[q] for q in range(N)) and any(
                member[q] and d_side[q] for q in range(N)):
            member_destroyed += size
        if first is None:
            first = (att, dfd, a_wins)
        member_war = member_war or (member[att] and member[dfd])
        grievance[dfd][att] = system.grievance_years
        loser_k = -1
        if decided:
            decisive_n += 1
            win = a_side if a_wins else d_side
            lose = d_side if a_wins else a_side
            for q in range(N):
                win_any[q] = win_any[q] or win[q]
                lose_any[q] = lose_any[q] or lose[q]
            loot = tau * sum(cap[q] for q in range(N) if lose[q])
            win_cap = sum(cap[q] for q in range(N) if win[q])
            for q in range(N):
                if lose[q]:
                    cap[q] *= 1 - tau
                    excluded[q] = system.exclusion_years
            gain = [(cap[q] / win_cap if win_cap > 0 else cap[q]) * loot if win[q] else 0.0
                    for q in range(N)]
            for q in range(N):
                cap[q] += gain[q]
            abstain = [member[q] and not engaged[q] for q in range(N)]
            if bound and norm("compensation") > 0 and any(abstain):
                # Members that stayed out are paid from the winners' gain.
                give = [gain[q] * regime.compensation_share * norm("compensation")
                        * (weight[q] if member[q] else 0.0) for q in range(N)]
                each = sum(give) / sum(abstain)
                for q in range(N):
                    cap[q] = cap[q] - give[q] + (each if abstain[q] else 0.0)
            winner, loser = (att, dfd) if a_wins else (dfd, att)
            loser_k = loser
            c_w, c_l = cap[winner], cap[loser]
            w_side = sum(cap[q] for q in range(N) if win[q])
            p2 = csf(w_side, c_l, k)
            push = p2 * (1 - rate) > rate and system.conquest
            if policy.name == "far_sighted_waltz" and push:
                rival = max([cap[q] for q in range(N) if alive[q] and not win[q] and q != loser],
                            default=0.0)
                threat = min(rival / c_w, 1.0)
                gain_w = (p2 * (1 - rate) - rate) * c_l
                eg_push = gain_w * (c_w / w_side)
                partner = max([cap[q] for q in range(N) if win[q] and q != winner], default=0.0)
                ally = policy.discount / (1 - policy.discount) * policy.future_weight * threat * c_l
                if ally + gain_w * (partner / w_side) > eg_push:  # an ally later; rivals divided
                    push = False
            push_free = push  # what interest alone decides
            if policy.name == "kaplan" and u["rule3"][k_w] < w[3]:
                push = False
            if (push and bound and norm("no_elimination") > 0 and member[winner] and member[loser]
                    and u["no_elimination"][k_w] < norm("no_elimination") * weight[winner]
                    and belief[winner][loser] >= COMPLY_BELIEF):
                push = False
            if not push:  # sparing a beaten power is a restraining decision
                restraints += 1
                norm_restraints += push_free
            if push:
                cost = rate * min(c_l, w_side)
                size += 2 * cost
                for q in range(N):
                    if win[q]:
                        cap[q] -= cap[q] / w_side * cost
                cap[loser] -= cost
                if u["push"][k_w] < p2:
                    spoils = cap[loser]
                    w_side = sum(cap[q] for q in range(N) if win[q])
                    for q in range(N):
                        if win[q]:
                            cap[q] += cap[q] / w_side * spoils
                    cap[loser] -= spoils
                    alive[loser] = False
        destroyed += size
        largest = max(largest, size)
        wars_list.append((att, dfd, loser_k))
    war = bool(wars_list)
    settled = settled_n > 0
    a_wins = first[2] if first else False
    win, lose = win_any, lose_any

    total = sum(cap)
    strongest = strongest_of(cap, alive)
    weak = [alive[q] and q != strongest and system.conquest
            and cap[q] < system.elimination_threshold * total for q in range(N)]
    gone = [weak[q] or not alive[q] for q in range(N)]
    heirs = [alive[q] and not weak[q] for q in range(N)]
    victors = [heirs[q] and win[q] for q in range(N)]
    if not any(victors):
        victors = heirs
    rem_beaten = sum(cap[q] for q in range(N) if gone[q] and lose[q])
    rem_other = sum(cap[q] for q in range(N) if gone[q] and not lose[q])
    for q in range(N):
        if gone[q]:
            cap[q] = 0.0
    v_total = sum(cap[q] for q in range(N) if victors[q])
    h_total = sum(cap[q] for q in range(N) if heirs[q])
    cap = [c + (c / v_total * rem_beaten if victors[q] else 0.0)
           + (c / h_total * rem_other if heirs[q] else 0.0) for q, c in enumerate(cap)]
    for q in range(N):
        alive[q] = alive[q] and not weak[q]
        fallen[q] = fallen[q] or not alive[q]

    restored = 0
    if policy.name == "kaplan" and w[6] > 0:
        for q in range(N):
            if alive[q] and u["rule6"][q] < w[6]:
                excluded[q] = 0
        for q in range(N):
            if not alive[q] and u["restore"][q] < w[6] * system.restore_rate:
                total = sum(cap)
                s = strongest_of(cap, alive)
                amount = min(2 * system.elimination_threshold * total, 0.5 * cap[s])
                cap[s] -= amount
                cap[q] += amount
                alive[q] = True
                excluded[q] = 0
                restored += 1
    if bound and norm("readmission") > 0:
        for q in range(N):
            if member[q] and u["readmission"][q] < norm("readmission") * weight[q]:
                excluded[q] = 0

    if system.cooperation_gain > 0:
        # Mutual restraint pays: growth in proportion to the partners that reciprocate.
        gained = 0.0
        for q in range(N):
            if not (alive[q] and alive0[q]):
                continue
            others = [r for r in range(N) if r != q and alive[r] and alive0[r]]
            mutual = sum(1 for r in others if stance[q, r] and stance[r, q])
            if mutual:
                before_q = cap[q]
                cap[q] = cap[q] * math.exp(system.cooperation_gain * mutual / len(others))
                gained += cap[q] - before_q
        growth += gained

    m = system.misperception
    seen = [[False] * N for _ in range(N)]
    new_dyad = [list(r) for r in dyad]
    new_belief = [list(r) for r in belief]
    for i in range(N):
        for j in range(N):
            if not (alive0[i] and alive0[j] and i != j):
                continue
            s_ = not stance[j, i]
            if m > 0 and u["mis"][i][j] < m:
                s_ = not s_
            at_war = war_of[i] >= 0 and war_of[i] == war_of[j] and on_a[i] != on_a[j]
            if at_war:
                s_ = True
            seen[i][j] = s_
            intent = reply[i, j] if stochastic else act_table[dyad[i][j]] > 0.5
            obs = 4 * intent + 2 * stance[i, j] + (not s_)
            new_dyad[i][j] = next_table[dyad[i][j] + obs]
            new_belief[i][j] = bayes(belief[i][j], not s_, 0.0 if at_war else m)
    for k_w, (va, vd, _) in enumerate(wars_list):
        if not (bound and norm("restraint") > 0 and member[va] and member[vd]):
            continue
        # Betrayal seen by every member: one more certain sighting of hostility
        # (its enemies in that war saw it already).
        for q in range(N):
            if member[q] and q != va and not (war_of[q] == k_w and not on_a[q]):
                new_belief[q][va] = bayes(new_belief[q][va], False, 0.0)
    for q in range(N):
        if alive[q] and not alive0[q]:
            for r in range(N):
                seen[q][r] = seen[r][q] = False
                new_dyad[q][r] = int(dyadic.start[q])
                new_dyad[r][q] = int(dyadic.start[r])
                new_belief[q][r] = new_belief[r][q] = system.belief_prior
                grievance[q][r] = grievance[r][q] = 0

    new = {"cap": cap, "alive": alive, "excluded": excluded, "seen_hostile": seen,
           "dyad": new_dyad, "belief": new_belief, "grievance": grievance, "fallen": fallen}
    # A system war: one war with most powers alive at the start, three at least.
    # A hegemonic war: the year's wars involve most powers and beat the strongest.
    fighting = sum(w_ >= 0 for w_ in war_of)
    biggest = max([sum(w_ == k_w for w_ in war_of) for k_w in range(len(wars_list))],
                  default=0)
    system_war = biggest >= 3 and 2 * biggest > sum(alive0)
    hegemonic = (fighting >= 3 and 2 * fighting > sum(alive0) and lose[h]
                 and sh >= system.predominance_share)
    strength = 0.0
    in_force = False
    if regime is None:
        member_war = war
    else:
        c = regime.conditions
        total = sum(cap)
        memory = st["memory"] * 0.5 ** (1.0 / c.half_life)
        if member_destroyed > 0:
            memory += c.memory_gain * member_destroyed / total
        if hegemonic:
            memory = 1.0
        memory = min(memory, 1.0)
        revisionist = list(st["revisionist"])
        for q in range(N):
            if c.shock_rate > 0 and alive[q] and u["shock"][q] < c.shock_rate:
                revisionist[q] = True
        ref_share = list(st["ref_share"])
        for q in range(N):
            if alive[q] and (hegemonic or not alive0[q]):
                ref_share[q] = cap[q] / total
        cost = min(c.war_cost_perception + memory, 1.0)
        living = [bool(mmask[q]) and alive[q] for q in range(N)]
        trust = [1.0] * N
        for i in range(N):
            others = [j for j in range(N) if living[i] and j != i and living[j]]
            if others:
                trust[i] = sum(new_belief[i][j] >= COMPLY_BELIEF for j in others) / len(others)
            target = 0.0
            if living[i] and not revisionist[i]:
                ratio = cap[i] / total / ref_share[i] if ref_share[i] > 0 else 1.0
                fall = min(ratio, 1.0) ** c.decline
                target = c.regulation * c.shared_value * trust[i] * cost * fall
            weight[i] = weight[i] + c.adaptation * (target - weight[i])
        n_living = sum(living)
        if n_living > 1:
            strength = min(sum(weight[q] for q in range(N) if living[q]),
                           sum(trust[q] for q in range(N) if living[q])) / n_living
            in_force = strength >= c.threshold
        new.update(weight=weight, memory=memory, revisionist=revisionist, ref_share=ref_share,
                   in_force=in_force)

    n_dyads = len(stance)
    coop_n = sum(1 for v in stance.values() if v)
    return new, {
        "war": war, "war_size": destroyed, "growth": growth, "attacker_won": a_wins,
        "n_alive": sum(alive), "punishers": punishers, "restored": restored,
        "pairs": n_dyads // 2, "continuous_survival": sum(not x for x in fallen) / N,
        "cooperation_rate": coop_n / n_dyads if n_dyads else math.nan,
        "restraints": restraints, "norm_restraints": norm_restraints, "settled": settled,
        "member_war": member_war, "regime_strength": strength,
        "attacker": first[0] if first else -1, "defender": first[1] if first else -1,
        "wars": len(wars_list), "decisive_wars": decisive_n, "largest_war": largest,
        "alliance_count": sum(join) * (sum(join) - 1) // 2,
        "hegemonic_war": hegemonic, "regime_in_force": in_force,
        "spared": sum(1 for _, _, lo in wars_list if lo >= 0 and alive[lo]),
        "system_war": system_war,
    }
