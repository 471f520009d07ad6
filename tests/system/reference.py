"""Plain-Python reference of the system year, phase by phase, for tests only.

Each ``ref_PHASE`` restates one phase of :mod:`security_regimes.system.phases`
from ``system/model.py``'s docstring, with lists, dicts and comprehensions,
readable rather than fast, from the same uniform draws.  They act on a
*world*: a dict holding one system's state (``cap``, ``alive``, ``belief``
... as lists) and what the year has decided so far (``join``, ``reply``,
``stance``, ``wars`` ...).  :func:`ref_step` runs them in order; the tests
compare each phase with the kernel's on random worlds (``test_phases.py``)
and the whole year too (``test_reference.py``).

``cfg`` is a :class:`Setting` (system, policy, dyadic tables, regime); ``u``
holds the year's uniforms by draw block (``u["rule4"][q]``, ``u["war"][k][b]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import ndtri

from security_regimes.system.model import (
    BELIEF_FLOOR,
    BIG_GAIN,
    COMPLY_BELIEF,
    EXPANSIONIST_RESTRAINT,
    MAX_BATTLES,
    SEEKER_RESTRAINT,
)


def sum(values, start=0):  # noqa: A001 - the kernel's addition, not Python 3.12's
    """Left-to-right addition, as the kernel's loops add.  Python 3.12's built-in
    ``sum`` compensates the rounding of floats (Neumaier), which the kernel
    does not: with it, the oracle's totals differ from the kernel's in the
    last bit, and a decision on a knife edge can go the other way."""
    total = start
    for v in values:
        total = total + v
    return total


@dataclass
class Setting:
    system: object
    policy: object
    dyadic: object
    regime: object = None

    def norm(self, name: str) -> float:
        return self.regime.strength(name) if self.regime is not None else 0.0

    @property
    def rules(self) -> list[float]:
        return list(self.policy.weights())


# --- Helpers: a war's odds and value ----------------------------------------

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


def cost_of_battle(delta, growth, t):
    """Battle ``t`` (0-based) destroys ``delta (1 + growth)^t`` of each fighter,
    at most all (System.intensification)."""
    return delta if growth == 0 else min(delta * (1 + growth) ** t, 1.0)


def war_odds(p, lead, delta, tau, growth=0.0):
    """Chances of winning and losing a war of battles won with ``p`` each, fought
    until one side leads by ``lead`` or fighting has destroyed ``tau`` (at most
    MAX_BATTLES), and the expected share destroyed: exact, over the walk; battle
    ``t`` destroys :func:`cost_of_battle`."""
    if lead == 1:
        return p, 1.0 - p, delta
    q = 1.0 - p
    probs = {s: 0.0 for s in range(-(lead - 1), lead)}
    probs[0] = 1.0
    p_win = p_lose = d_eff = 0.0
    surv = 1.0
    for t in range(1, MAX_BATTLES + 1):
        surv = surv * (1 - cost_of_battle(delta, growth, t - 1))
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
            d_eff += sum(probs[s] for s in range(-(lead - 1), lead)) * (1 - surv)
            break
    return p_win, p_lose, d_eff


def strongest_of(cap, alive):
    return max((i for i in range(len(cap)) if alive[i]), key=lambda i: (cap[i], -i))


def _pairs(n):
    return [(i, j) for i in range(n) for j in range(n) if i != j]


# --- The phases --------------------------------------------------------------

def ref_begin_year(w, cfg, u):
    """Who is alive at the start; shunning and grievances count down a year."""
    w["alive0"] = list(w["alive"])
    w["n_start"] = sum(w["alive"])
    w["excluded"] = [max(e - 1, 0) for e in w["excluded"]]
    w["grievance"] = [[max(g - 1, 0) for g in row] for row in w["grievance"]]


def record_ratio(system, year, i):
    """Dated history: power i's COW CINC in the calendar year of model year
    ``year`` (0-based) over the year before's; 1 in year 0."""
    if year == 0:
        return 1.0
    from security_regimes.data import capabilities

    caps = capabilities()
    mine = caps[caps.stateabb == system.names[i]].set_index("year").cinc
    if system.membership == "record":  # states come and go: the last CINC known, or none
        known = mine[(mine > 0) & (mine.index <= system.cow_year + year)]
        before = known[known.index <= system.cow_year + year - 1]
        if not len(before) or known.index[-1] != system.cow_year + year:
            return 1.0
        return float(known.iloc[-1]) / float(before.iloc[-1])
    return float(mine[system.cow_year + year]) / float(mine[system.cow_year + year - 1])


def growth_factor(system, u, i):
    """Power i's growth multiplier this year: drawn exp(growth_mean + growth_sd z),
    or along the record."""
    if system.growth == "record":
        return record_ratio(system, u["year"], i)
    return math.exp(system.growth_mean + system.growth_sd * float(ndtri(u["growth"][i])))


def ref_grow(w, cfg, u):
    """Each living power grows by its growth multiplier (drawn or the record's)."""
    s = cfg.system
    before = sum(w["cap"])
    w["cap"] = [c * growth_factor(s, u, i) if w["alive"][i] else 0.0
                for i, c in enumerate(w["cap"])]
    w["total"] = sum(w["cap"])
    w["growth"] = w["total"] - before


def allied(w, i, j):
    """i and j are in the same alliance: they balance against the same threat."""
    return w["bloc"][i] != 0 and w["bloc"][i] == w["bloc"][j]


def ref_ally(w, cfg, u):
    """Balance of threat (Walt 1987).  What threatens a state is the strength
    others can bring to bear on it: each one's capability times its reach to
    the state, the state's own at full strength.  A state's threat is the one
    that brings the most (the first in power order if several do).  It allies
    against its threat when that is another state and brings at least
    threat_share of all the strength that reaches it; under rule 4 also when
    the threat tends toward predominance there (its share at least
    predominance_share), and the manual balancer joins then too.  The shunned
    stay out.  A state that allies against no one this year keeps last
    year's alliance (its treaty) with probability alliance_persistence while
    the state it was against is alive.  States allied against the same
    threat are one alliance; those of two members at least are next year's
    treaties.

    h, the system's strongest power, and its share are kept for the war's
    classification."""
    s, cap, n, alive = cfg.system, w["cap"], len(w["cap"]), w["alive"]
    reach = s.reach()[0]
    rule4 = cfg.rules[4]
    h = strongest_of(cap, alive)
    bloc = [0] * n
    for q in range(n):
        if not alive[q]:
            continue
        bring = {k: cap[q] if k == q else cap[k] * reach[k][q] for k in range(n)
                 if alive[k] and (k == q or reach[k][q] > 0)}
        here = sum(bring[k] for k in sorted(bring))
        if w["excluded"][q] != 0:
            continue
        if here > 0:
            share = {k: v / here for k, v in bring.items()}
            threat = min(share, key=lambda k: (-share[k], k))
            predominant = share[threat] >= s.predominance_share
            if threat != q and (share[threat] >= s.threat_share
                                or (predominant and rule4 > 0 and u["rule4"][q] < rule4)
                                or (predominant and q == cfg.policy.balancer_index)):
                bloc[q] = threat + 1
                continue
        old = w.setdefault("treaty", [0] * n)[q] - 1
        if (s.alliance_persistence > 0 and old >= 0 and old != q and alive[old]
                and u["treaty"][q] < s.alliance_persistence):
            bloc[q] = old + 1
    if s.alliance_persistence > 0:
        w["treaty"] = [b if b and bloc.count(b) > 1 else 0 for b in bloc]
    rho = s.alliance_reliability  # allies are expected to honour at this rate
    alliance = [sum(cap[k] for k in range(n) if bloc[k] == bloc[q]) for q in range(n)]
    w.update(h=h, share_h=cap[h] / w["total"], bloc=bloc, join=[b > 0 for b in bloc],
             side=[cap[q] + rho * (alliance[q] - cap[q]) if bloc[q] else cap[q]
                   for q in range(n)])


def ref_reply(w, cfg, u):
    """Replies from each power's strategy state (or belief, for Bayesian Trust)."""
    n, dy = len(w["cap"]), cfg.dyadic
    stochastic = dy.stochastic
    mmask = cfg.regime.member_mask(n) if cfg.regime is not None else [False] * n
    w["member"] = [bool(mmask[i]) and w["alive"][i] for i in range(n)]
    reply, intended = {}, {}
    reach = cfg.system.reach()[0]
    for i, j in _pairs(n):
        if not (w["alive"][i] and w["alive"][j]):
            continue
        if reach[i][j] == 0:  # two states out of each other's reach never meet
            reply[i, j] = intended[i, j] = False
            continue
        restrain = dy.act[w["dyad"][i][j]]
        drawn = u["act"][i][j] < restrain if stochastic else restrain > 0.5
        thr = dy.threshold[i]
        reply[i, j] = w["belief"][i][j] >= thr if not math.isnan(thr) else drawn
        # What the power meant to do, as its strategy's state records it.
        intended[i, j] = reply[i, j] if stochastic else restrain > 0.5
    w["reply"], w["intended"] = reply, intended


def ref_punishers(w, cfg, u):
    """q punishes i if it remembers i's attack or saw it expand, and defects toward it.
    punish[i, j]: capability of i's punishers that would join j, outside both alliances,
    where i can reach j (0 where it cannot: there is no war between them to join)."""
    n = len(w["cap"])
    reach = cfg.system.reach()[0]
    punisher = {(q, i) for q, i in _pairs(n)  # q punishes only a power it can reach
                if w["alive"][q] and w["alive"][i] and reach[q][i] > 0
                and (w["grievance"][q][i] > 0 or w["seen_hostile"][q][i])
                and not w["reply"][q, i]}
    w["punisher"] = punisher
    w["punish"] = {(i, j): sum(w["cap"][q] for q in range(n)
                               if (q, i) in punisher and not allied(w, i, q) and q != j
                               and not allied(w, q, j))
                   if reach[i][j] > 0 and i != j else 0.0
                   for i in range(n) for j in range(n)}
    # Collective action (regime in force): a member attacking a member expects
    # every other member outside both sides to join the victim with
    # probability collective x its weight.
    if cfg.regime is not None and w["in_force"] and cfg.norm("collective") > 0:
        member = w["member"]
        for i, j in _pairs(n):  # where i can attack j
            if member[i] and member[j] and not allied(w, i, j) and reach[i][j] > 0:
                w["punish"][i, j] += sum(
                    cfg.norm("collective") * w["weight"][q] * w["cap"][q] for q in range(n)
                    if q not in (i, j) and member[q] and (q, i) not in punisher
                    and not (allied(w, q, i) or allied(w, q, j)))


def ref_decide(w, cfg, u, seen=None):
    """Every power's stance toward every other, and the margin of each candidate attack."""
    s, cap, n = cfg.system, w["cap"], len(w["cap"])
    k, tau, f, lead = s.decisiveness, s.transfer, s.first_strike, s.decisive_lead
    rules, side, punish = cfg.rules, w["side"], w["punish"]
    nuclear = set(s.nuclear_at(u["year"]))
    bound = cfg.regime is not None and bool(w["in_force"])
    reach = s.reach()[0]
    stance, margins = {}, {}
    restraints = norm_restraints = 0
    living = [(i, j) for i, j in _pairs(n) if w["alive"][i] and w["alive"][j]]
    for i, j in living:
        if reach[i][j] == 0:  # out of each other's reach: no stance, no war
            continue
        if allied(w, i, j):  # allies do not fight each other
            stance[i, j] = w["reply"][i, j]
            continue
        delta = s.nuclear_cost if (i in nuclear and j in nuclear) else s.war_cost
        # Wars are fought where the target is: the striker's side at its reach.
        own, enemy = reach[i][j] * side[i], side[j] + punish[i, j]
        own_t, enemy_t = side[i] + punish[j, i], reach[j][i] * side[j]
        if s.capability_noise > 0:
            e = seen[i][j] if seen is not None else math.exp(
                s.capability_noise * float(ndtri(u["perceive"][i][j])))
            enemy, enemy_t = enemy * e, enemy_t * e
        g = s.intensification
        p_att, l_att, d_att = war_odds(csf((1 + f) * own, enemy, k), lead, delta, tau, g)
        l_tgt, p_tgt, d_tgt = war_odds(csf((1 + f) * enemy_t, own_t, k), lead, delta, tau, g)
        if s.conquest:
            stake_att = tau + csf(enemy, cap[i], k) * (1 - tau) * (1 - d_att)
            stake_tgt = tau + csf(enemy_t, cap[i], k) * (1 - tau) * (1 - d_tgt)
        else:
            stake_att = stake_tgt = tau
        rel = s.relative_gains
        eg = value(cap[i], own, enemy, p_att, l_att, tau, stake_att, d_att, rel, cap[j])
        eg_t = value(cap[i], own_t, enemy_t, p_tgt, l_tgt, tau, stake_tgt, d_tgt, rel, cap[j])
        loss = max(-eg_t, 0.0)
        r = w["belief"][i][j] * SEEKER_RESTRAINT + (1 - w["belief"][i][j]) * EXPANSIONIST_RESTRAINT
        rp = 1.0 if w["reply"][i, j] else 0.0
        margin = eg - (rp * r * s.shadow - (1 - r)) * loss
        if s.cooperation_gain > 0:  # the year's gain restraint would earn
            margin -= rp * r * s.cooperation_gain * cap[i] / (w["n_start"] - 1)
        ready = margin > 0
        # Kaplan's rule 1 negotiates unless rule 2 seizes a big gain; rule 5
        # constrains a supranational power.
        negotiate = rules[1] > 0 and u["rule1"][i][j] < rules[1]
        seize = u["rule2"][i][j] < rules[2] and eg >= BIG_GAIN * cap[i]
        cand = ready and (not negotiate or seize)
        if (j in s.supranational and not cand and p_att > 0.5 and rules[5] > 0
                and u["rule5"][i] < rules[5]):
            cand = True
        if (cand and bound and w["member"][i] and w["member"][j]
                and u["norm_restraint"][i][j] < cfg.norm("restraint") * w["weight"][i]
                and w["belief"][i][j] >= COMPLY_BELIEF):
            cand = False  # the regime's restraint norm binds
        if p_att >= 0.5 or ready:  # feasible: a restraining decision unless taken
            restraints += 1
            norm_restraints += ready and not cand
        stance[i, j] = w["reply"][i, j] and not cand
        if cand:
            margins[i, j] = margin
    w.update(stance=stance, margins=margins, restraints=restraints,
             norm_restraints=norm_restraints, dyads=len(stance), living_pairs=len(living) // 2)


# --- The crisis core (system.core == "crisis") ----------------------------------

NO_CRISIS, YIELD, COMPROMISE, STALEMATE, CRISIS_WAR, PREVENTIVE = range(6)
CRISIS_MEASURES = ("crises", "yields", "compromises", "stalemates", "crisis_wars",
                   "preventive_wars")


def ref_track_trend(w, cfg, u):
    """Each living power's growth, averaged exponentially over trend_years."""
    s = cfg.system
    if s.core != "crisis":
        return
    for i in range(len(w["cap"])):
        if w["alive"][i]:
            g = math.log(growth_factor(s, u, i))
            w["trend"][i] += (g - w["trend"][i]) / s.trend_years


def _uniform_above(z, lo, hi):
    """P(X < z) for X uniform on [lo, hi] (a point mass at lo when lo == hi)."""
    if hi - lo <= 1e-12:
        return 1.0 if lo < z else 0.0
    return min(max((z - lo) / (hi - lo), 0.0), 1.0)


def fearon_demand(w, q, v, lo, hi, pi, rho=0.0):
    """The challenger's best demand and its chance of acceptance.

    The target (cost uniform on [lo, hi] as the challenger sees it) rejects a
    demand x when rejecting is worth more: pi (1 - w - c) + (1 - pi)(1 - q) >
    1 - x, i.e. when c < t(x) = (x - pi w - (1 - pi) q) / pi.  The challenger
    gets x if accepted and v if not; the expected value is concave in t and
    its stationary point is t = (pi hi + v - b) / (2 pi) with b the target's
    expected value of rejecting, measured from the challenger's side, less
    what yielding costs the target's reputation (rho: it rejects unless
    rejecting is worse by more than rho)."""
    if pi == 0:
        return q, 0.0
    b = pi * w + (1 - pi) * q - rho
    if hi - lo <= 1e-12:
        return min(b + pi * lo, 1.0), 1.0
    t = (pi * hi + v - b) / (2 * pi)
    t = hi if t > hi else (lo if t < lo else t)
    x = b + pi * t
    if x > 1.0:
        x, t = 1.0, (1.0 - b) / pi
    return x, min(max((hi - t) / (hi - lo), 0.0), 1.0)


def _war_share(cfg, own, enemy, rate, q):
    s = cfg.system
    win, lose, d = war_odds(csf((1 + s.first_strike) * own, enemy, s.decisiveness),
                            s.decisive_lead, rate, s.transfer, s.intensification)
    return win + (1 - win - lose) * q, d


def ref_crises(w, cfg, u, seen=None):
    """Crisis core: each ordered pair's decision to open a crisis, its demand,
    or a preventive war; then one crisis per pair resolved."""
    s, cap, n = cfg.system, w["cap"], len(w["cap"])
    side, punish, alive = w["side"], w["punish"], w["alive"]
    nuclear = set(s.nuclear_at(u["year"]))
    bound = cfg.regime is not None and bool(w["in_force"])
    delta, sig, a = s.discount_factor, s.resolve_spread, s.audience_cost
    sq = w["status_quo"] = [list(r) for r in w["status_quo"]]

    reach = s.reach()[0]

    def view(i, j):  # i's war on j, fought on j's territory
        rate = s.nuclear_cost if (i in nuclear and j in nuclear) else s.war_cost
        enemy = side[j] + punish[i, j]
        if s.capability_noise > 0:
            enemy *= seen[i][j] if seen is not None else math.exp(
                s.capability_noise * float(ndtri(u["perceive"][i][j])))
        return rate, reach[i][j] * side[i], enemy

    def cost(i, j, mean):
        return mean * (1 + sig * (2 * u["resolve"][i][j] - 1))

    living = [(i, j) for i, j in _pairs(n) if alive[i] and alive[j]]
    for i, j in living:  # pairs with no status quo settle where the two see power
        if i < j and math.isnan(sq[i][j]) and reach[i][j] > 0:  # pairs in reach only
            ri, oi, ei = view(i, j)
            rj, oj, ej = view(j, i)
            w_ij = _war_share(cfg, oi, ei, ri, 0.5)[0]
            w_ji = _war_share(cfg, oj, ej, rj, 0.5)[0]
            sq[i][j] = (w_ij + 1 - w_ji) / 2
            sq[j][i] = 1 - sq[i][j]
    stance, margins, info = {}, {}, {}
    restraints = norm_restraints = 0
    for i, j in living:
        if reach[i][j] == 0:  # out of each other's reach: no stance, no crisis
            continue
        if allied(w, i, j):  # allies dispute nothing by force
            stance[i, j] = w["reply"][i, j]
            continue
        rate, own, enemy = view(i, j)
        q = sq[i][j]
        wi, d = _war_share(cfg, own, enemy, rate, q)
        mean = d / s.stakes
        c_i, c_j = cost(i, j, mean), cost(j, i, mean)
        member_pair = bound and w["member"][i] and w["member"][j]
        clear = cfg.norm("consultation") * w["weight"][i] if member_pair else 0.0
        lo_j, hi_j = [(1 - clear) * mean * (1 + e * sig) + clear * c_j for e in (-1, 1)]
        lo_i, hi_i = [(1 - clear) * mean * (1 + e * sig) + clear * c_i for e in (-1, 1)]
        pi = _uniform_above(wi - q + a, lo_i, hi_i)  # the target's belief that i would fight
        v = max(wi - c_i, q - a)
        x, acc = fearon_demand(wi, q, v, lo_j, hi_j, pi, s.yield_cost)
        gain = acc * x + (1 - acc) * v - q
        short = x > q and gain > 0
        keep = (w["belief"][i][j] * delta / (1 - delta) * (q - (wi - mean))
                if w["reply"][i, j] else 0.0)
        press = short and gain > keep
        prevent_margin = -math.inf
        if w["trend"][i] < w["trend"][j]:
            own1 = own + cap[i] * (math.exp(w["trend"][i]) - 1)
            enemy1 = enemy + cap[j] * (math.exp(w["trend"][j]) - 1)
            w1 = _war_share(cfg, own1, enemy1, rate, q)[0]
            prevent_margin = delta * (wi - w1) - (1 - delta) * (1 - wi + c_i)
        prevent = prevent_margin > 0
        if ((press or prevent) and member_pair and cfg.norm("restraint") > 0
                and u["norm_restraint"][i][j] < cfg.norm("restraint") * w["weight"][i]
                and w["belief"][i][j] >= COMPLY_BELIEF):
            prevent = False
            x, acc = ((min(pi * wi + (1 - pi) * q - s.yield_cost + pi * lo_j, 1.0), 1.0)
                      if pi > 0 else (q, 0.0))
            press = x > q
            norm_restraints += 1
            restraints += 1
        elif (short or prevent) and not (press or prevent):
            restraints += 1
        opened = press or prevent
        stance[i, j] = w["reply"][i, j] and not opened
        if opened:
            info[i, j] = dict(prevent=prevent, margin=prevent_margin, gain=gain, x=x, w=wi,
                              q=q, pi=pi, c_i=c_i, c_j=c_j, member_pair=member_pair)
    outcome = {}
    for (i, j), c in info.items():
        other = info.get((j, i))
        if other is not None:
            mine = (c["prevent"], c["gain"], -i)
            theirs = (other["prevent"], other["gain"], -j)
            if theirs > mine:
                continue
        if c["prevent"]:
            outcome[i, j] = PREVENTIVE
            margins[i, j] = c["margin"]
            continue
        pi, x = c["pi"], c["x"]
        if pi * c["c_j"] + 1e-12 >= x - (pi * c["w"] + (1 - pi) * c["q"]) + s.yield_cost:
            outcome[i, j] = YIELD
            continue
        rules = cfg.rules
        conference = rules[1] > 0 and u["rule1"][i][j] < rules[1]
        conference = conference or (
            c["member_pair"] and cfg.norm("conference") > 0
            and u["crisis_conference"][i][j] < cfg.norm("conference") * w["weight"][i]
            and w["belief"][i][j] >= COMPLY_BELIEF)
        if conference:
            outcome[i, j] = COMPROMISE
            c["x"] = min(max(c["w"] + (c["c_j"] - c["c_i"]) / 2, 0.0), 1.0)
            restraints += 1
            norm_restraints += 1
        elif c["w"] - c["c_i"] > c["q"] - a:
            outcome[i, j] = CRISIS_WAR
            margins[i, j] = (c["w"] - c["c_i"]) - (c["q"] - a)
        elif s.escalation_risk > 0 and u["escalate"][i][j] < s.escalation_risk:
            outcome[i, j] = CRISIS_WAR
            margins[i, j] = 0.0
        else:
            outcome[i, j] = STALEMATE
    w.update(stance=stance, margins=margins, restraints=restraints,
             norm_restraints=norm_restraints, dyads=len(stance), outcome=outcome,
             living_pairs=len(living) // 2,
             offers={key: c["x"] for key, c in info.items()})


def ref_settle(w, cfg, u):
    """Crisis core: agreed divisions become the status quo; war-bound crises
    whose war did not start are stalemates; a decided war unsettles the
    status quo between its opposing fighters; crises counted by outcome."""
    counts = dict.fromkeys(CRISIS_MEASURES, 0)
    if cfg.system.core != "crisis":
        w["crisis_counts"] = counts
        return
    sq = w["status_quo"]
    fought = {(att, dfd) for att, dfd, _ in w["wars"]}
    for (i, j), o in w["outcome"].items():
        counts["crises"] += 1
        if o in (YIELD, COMPROMISE):
            sq[i][j] = w["offers"][i, j]
            sq[j][i] = 1 - w["offers"][i, j]
            counts["yields" if o == YIELD else "compromises"] += 1
        elif o == STALEMATE or (i, j) not in fought:
            counts["stalemates"] += 1
        else:
            counts["crisis_wars"] += 1
            counts["preventive_wars"] += o == PREVENTIVE
    n = len(w["cap"])
    for k_w, (_, _, loser) in enumerate(w["wars"]):
        if loser < 0:
            continue
        for a, b in _pairs(n):
            if w["wid"][a] == k_w == w["wid"][b] and w["on_a"][a] != w["on_a"][b]:
                sq[a][b] = math.nan
    w["crisis_counts"] = counts


def ref_decisions(w, cfg, u, seen=None):
    """Step 4 of the year: the first-strike core's decisions or the crisis core's."""
    if cfg.system.core == "crisis":
        ref_crises(w, cfg, u, seen)
    else:
        ref_decide(w, cfg, u, seen)


def _sides(w, cfg, u, att, dfd):
    """The two sides of a war of att on dfd, and how many punishers joined."""
    s, cap, n = cfg.system, w["cap"], len(w["cap"])
    join, engaged = w["join"], w["engaged"]
    rho = s.alliance_reliability
    # The war is fought on dfd's territory: only powers that reach it take part,
    # each with its reach there times its capability.
    reach = [row[dfd] for row in s.reach()[0]]
    a_side, d_side = [q == att for q in range(n)], [q == dfd for q in range(n)]
    for q in range(n):  # each ally honours the alliance with probability rho
        if engaged[q] or not join[q] or reach[q] == 0:
            continue
        honours = rho >= 1.0 or u["honour"][q] < rho
        if allied(w, q, att) and honours:
            a_side[q] = True
        elif allied(w, q, dfd) and honours:
            d_side[q] = True
    punishers = [q for q in range(n) if not engaged[q] and not a_side[q] and not d_side[q]
                 and (q, att) in w["punisher"] and reach[q] > 0]
    for q in punishers:
        d_side[q] = True
    member = w["member"]
    if (cfg.regime is not None and w["in_force"] and cfg.norm("collective") > 0
            and member[att] and member[dfd]):
        for q in range(n):  # the collective-action norm: members side with the victim
            if (member[q] and w["alive"][q] and not engaged[q] and not a_side[q]
                    and not d_side[q] and reach[q] > 0
                    and u["collective"][q] < cfg.norm("collective") * w["weight"][q]):
                d_side[q] = True

    def strength(side_):
        return sum(cap[q] * reach[q] for q in range(n) if side_[q])

    a_cap, d_cap = strength(a_side), strength(d_side)
    stronger_side, weaker_side = (a_side, d_side) if a_cap >= d_cap else (d_side, a_side)
    rules = cfg.rules
    third = [q for q in range(n) if w["alive"][q] and not engaged[q] and not a_side[q]
             and not d_side[q] and reach[q] > 0]
    for q in third:  # Kaplan's rule 4 and the balancer oppose the stronger side
        if (rules[4] > 0 and max(a_cap, d_cap) / w["total"] >= s.predominance_share
                and u["rule4"][q] < rules[4]):
            weaker_side[q] = True
        elif q == cfg.policy.balancer_index:
            weaker_side[q] = True
    a_cap, d_cap = strength(a_side), strength(d_side)
    if s.opportunism > 0:
        k, f, tau, lead = s.decisiveness, s.first_strike, s.transfer, s.decisive_lead
        nuclear = set(s.nuclear_at(u["year"]))

        def joining(q, own, enemy, p, other, main):
            delta = s.war_cost
            if q in nuclear and any(other[r] for r in nuclear):
                delta = s.nuclear_cost
            p, pl, delta = war_odds(p, lead, delta, tau, s.intensification)
            at_stake = (tau + csf(enemy, cap[q], k) * (1 - tau) * (1 - delta)
                        if s.conquest else tau)
            return value(cap[q], own, enemy, p, pl, tau, at_stake, delta, s.relative_gains,
                         cap[main])

        for q in range(n):  # bystanders join where it pays (bandwagoning for profit)
            if not w["alive"][q] or engaged[q] or a_side[q] or d_side[q] or reach[q] == 0:
                continue
            if u["opportunist"][q] >= s.opportunism:
                continue
            mine = cap[q] * reach[q]
            v_a = joining(q, a_cap + mine, d_cap, csf((1 + f) * (a_cap + mine), d_cap, k),
                          d_side, dfd)
            v_d = joining(q, d_cap + mine, a_cap, 1.0 - csf((1 + f) * a_cap, d_cap + mine, k),
                          a_side, att)
            if v_a > 0 and v_a >= v_d:
                a_side[q] = True
                a_cap += mine
            elif v_d > 0:
                d_side[q] = True
                d_cap += mine
        a_cap, d_cap = strength(a_side), strength(d_side)
    return a_side, d_side, a_cap, d_cap, len(punishers)


def _spread(w, cfg, u, k_w, a_side, d_side, a_cap, d_cap):
    """Contagion (Siverson and Starr 1991): a bystander that borders a fighter
    or shares the year's alliance with one is exposed, once per war, and
    joins with probability ``contagion``: an ally on its ally's side, a
    neighbour against the side it borders (against the stronger if it
    borders both), fighting at its best reach to an enemy fighter, if that
    is positive.  Joiners expose others, pass after pass in power order."""
    s = cfg.system
    if s.contagion <= 0:
        return a_cap, d_cap
    reach, near = (m.tolist() for m in s.reach())
    n, cap = len(w["cap"]), w["cap"]
    exposed = set()
    while True:
        added = False
        for q in range(n):
            if (not w["alive"][q] or w["engaged"][q] or a_side[q] or d_side[q]
                    or q in exposed):
                continue
            on_a_side = [f for f in range(n) if a_side[f]]
            on_d_side = [f for f in range(n) if d_side[f]]
            ally_a = any(allied(w, q, f) for f in on_a_side)
            ally_d = any(allied(w, q, f) for f in on_d_side)
            border_a = any(near[q][f] for f in on_a_side)
            border_d = any(near[q][f] for f in on_d_side)
            if not (ally_a or ally_d or border_a or border_d):
                continue
            exposed.add(q)
            if u["contagion"][k_w][q] >= s.contagion:
                continue
            if ally_a != ally_d:
                joins_a = ally_a
            elif border_a != border_d:
                joins_a = border_d
            else:
                joins_a = a_cap < d_cap
            front = max(reach[q][f] for f in (on_d_side if joins_a else on_a_side))
            if front <= 0:
                continue
            if joins_a:
                a_side[q] = True
                a_cap += cap[q] * front
            else:
                d_side[q] = True
                d_cap += cap[q] * front
            added = True
        if not added:
            return a_cap, d_cap


def shortest(rate, system):
    """What the shortest decided war destroys of each fighter: decisive_lead
    battles, each at its cost."""
    if system.intensification == 0:
        return 1 - (1 - rate) ** system.decisive_lead
    left = 1.0
    for t in range(system.decisive_lead):
        left *= 1 - cost_of_battle(rate, system.intensification, t)
    return 1 - left


def _battles(cfg, u, k_w, a_cap, d_cap, rate):
    """Battles until one side leads by decisive_lead or fighting has cost the prize."""
    s = cfg.system
    pb = csf((1 + s.first_strike) * a_cap, d_cap, s.decisiveness)
    score, surv = 0, 1.0
    for b in range(MAX_BATTLES):
        surv *= 1 - cost_of_battle(rate, s.intensification, b)
        score += 1 if u["war"][k_w][b] < pb else -1
        if abs(score) >= s.decisive_lead:
            return True, score > 0, surv
        if 1 - surv >= s.transfer:
            break
    return False, False, surv


def _press_on(w, cfg, u, k_w, win, winner, loser, rate, bound):
    """Whether the winner presses on to eliminate the loser; returns the extra destruction."""
    s, p, cap, n = cfg.system, cfg.policy, w["cap"], len(w["cap"])
    c_w, c_l = cap[winner], cap[loser]
    w_side = sum(cap[q] for q in range(n) if win[q])
    p2 = csf(w_side, c_l, s.decisiveness)
    push = p2 * (1 - rate) > rate and s.conquest
    if p.traits["spares_future_allies"] and push:
        rival = max([cap[q] for q in range(n) if w["alive"][q] and not win[q] and q != loser],
                    default=0.0)
        threat = min(rival / c_w, 1.0)
        gain_w = (p2 * (1 - rate) - rate) * c_l
        eg_push = gain_w * (c_w / w_side)
        partner = max([cap[q] for q in range(n) if win[q] and q != winner], default=0.0)
        ally = p.discount / (1 - p.discount) * p.future_weight * threat * c_l
        if ally + gain_w * (partner / w_side) > eg_push:  # an ally later; rivals divided
            push = False
    push_free = push  # what interest alone decides
    if cfg.rules[3] > 0 and u["rule3"][k_w] < cfg.rules[3]:
        push = False
    if (push and bound and cfg.norm("no_elimination") > 0 and w["member"][winner]
            and w["member"][loser]
            and u["no_elimination"][k_w] < cfg.norm("no_elimination") * w["weight"][winner]
            and w["belief"][winner][loser] >= COMPLY_BELIEF):
        push = False
    if not push:  # sparing a beaten power is a restraining decision
        w["restraints"] += 1
        w["norm_restraints"] += push_free
        return 0.0
    cost = rate * min(c_l, w_side)
    for q in range(n):
        if win[q]:
            cap[q] -= cap[q] / w_side * cost
    cap[loser] -= cost
    if u["push"][k_w] < p2:
        spoils = cap[loser]
        w_side = sum(cap[q] for q in range(n) if win[q])
        for q in range(n):
            if win[q]:
                cap[q] += cap[q] / w_side * spoils
        cap[loser] -= spoils
        w["alive"][loser] = False
    return 2 * cost


def ref_wars(w, cfg, u):
    """Wars, the most valuable attack first, among powers not yet engaged; a
    crisis between members may be settled in conference."""
    s, n = cfg.system, len(w["cap"])
    tau = s.transfer
    cap = w["cap"] = list(w["cap"])
    w["alive"] = list(w["alive"])
    w["excluded"] = list(w["excluded"])
    w["grievance"] = [list(r) for r in w["grievance"]]
    bound = cfg.regime is not None and bool(w["in_force"])
    member = w["member"]
    w.update(engaged=[False] * n, wid=[-1] * n, on_a=[False] * n, win=[False] * n,
             lose=[False] * n, wars=[], settled_n=0, decisive_n=0, punishers_n=0,
             destroyed=0.0, largest=0.0, member_destroyed=0.0, member_war=False, first=None,
             max_fight=0)
    engaged = w["engaged"]
    nuclear = set(s.nuclear_at(u["year"]))
    while True:
        free = [(m, key) for key, m in w["margins"].items()
                if w["alive"][key[0]] and w["alive"][key[1]] and not engaged[key[0]]
                and not engaged[key[1]]]
        if not free:
            break
        best = max(m for m, _ in free)
        att, dfd = min(key for m, key in free if m == best)  # the first maximum
        crisis = len(w["wars"]) + w["settled_n"]
        engaged[att] = engaged[dfd] = True
        if (bound and cfg.norm("conference") > 0 and member[att] and member[dfd]
                and s.core != "crisis" and u["conference"][crisis] < cfg.norm("conference") * w["weight"][att]
                and w["belief"][att][dfd] >= COMPLY_BELIEF):
            w["settled_n"] += 1
            w["norm_restraints"] += 1
            continue
        if s.core != "crisis":
            w["restraints"] -= 1
        k_w = len(w["wars"])
        a_side, d_side, a_cap, d_cap, punishers = _sides(w, cfg, u, att, dfd)
        a_cap, d_cap = _spread(w, cfg, u, k_w, a_side, d_side, a_cap, d_cap)
        w["punishers_n"] += punishers
        fighters = [q for q in range(n) if a_side[q] or d_side[q]]
        for q in fighters:
            engaged[q] = True
            w["wid"][q], w["on_a"][q] = k_w, a_side[q]
        w["max_fight"] = max(w["max_fight"], len(fighters))
        both_nuclear = any(a_side[q] for q in nuclear) and any(d_side[q] for q in nuclear)
        rate = s.nuclear_cost if both_nuclear else s.war_cost
        decided, a_wins, surv = _battles(cfg, u, k_w, a_cap, d_cap, rate)
        size = (1 - surv) * sum(cap[q] for q in fighters)
        for q in fighters:
            cap[q] *= surv
        if any(member[q] and a_side[q] for q in range(n)) and any(
                member[q] and d_side[q] for q in range(n)):
            w["member_destroyed"] += size
        if w["first"] is None:
            w["first"] = (att, dfd, a_wins)
        w["member_war"] = w["member_war"] or (member[att] and member[dfd])
        w["grievance"][dfd][att] = s.grievance_years
        loser_k = -1
        if decided:
            w["decisive_n"] += 1
            win, lose = (a_side, d_side) if a_wins else (d_side, a_side)
            winner, loser = (att, dfd) if a_wins else (dfd, att)
            if s.core == "crisis":  # limited aims: the rest of the disputed good
                q_w = w["status_quo"][winner][loser]
                tau = min(s.stakes * (1 - (0.5 if math.isnan(q_w) else q_w)), 1.0)
            else:
                tau = s.transfer
            w["win"] = [a or b for a, b in zip(w["win"], win, strict=True)]
            w["lose"] = [a or b for a, b in zip(w["lose"], lose, strict=True)]
            loot = tau * sum(cap[q] for q in range(n) if lose[q])
            win_cap = sum(cap[q] for q in range(n) if win[q])
            gain = [(cap[q] / win_cap if win_cap > 0 else cap[q]) if win[q] else 0.0
                    for q in range(n)]
            for q in range(n):
                if lose[q]:
                    cap[q] *= 1 - tau
                    w["excluded"][q] = s.exclusion_years
            for q in range(n):
                cap[q] = cap[q] + gain[q] * loot
            abstain = [member[q] and not engaged[q] for q in range(n)]
            if bound and cfg.norm("compensation") > 0 and any(abstain):
                # Members that stayed out are paid from the winners' gain.
                give = [gain[q] * loot * cfg.regime.compensation_share * cfg.norm("compensation")
                        * (w["weight"][q] if member[q] else 0.0) for q in range(n)]
                each = sum(give) / sum(abstain)
                for q in range(n):
                    cap[q] = cap[q] - give[q] + (each if abstain[q] else 0.0)
            loser_k = loser
            if s.core != "crisis":
                size += _press_on(w, cfg, u, k_w, win, winner, loser, rate, bound)
        w["destroyed"] += size
        w["largest"] = max(w["largest"], size)
        w["wars"].append((att, dfd, loser_k))


def ref_eliminate(w, cfg, u):
    """Powers below the threshold are eliminated (never the strongest); their
    remnants go to this year's victors, else to every survivor."""
    s, cap, n = cfg.system, w["cap"], len(w["cap"])
    total = sum(cap)
    top = strongest_of(cap, w["alive"])
    weak = [w["alive"][q] and q != top and s.conquest
            and cap[q] < s.elimination_threshold * total for q in range(n)]
    gone = [weak[q] or not w["alive"][q] for q in range(n)]
    heirs = [w["alive"][q] and not weak[q] for q in range(n)]
    victors = [heirs[q] and w["win"][q] for q in range(n)]
    if not any(victors):
        victors = heirs
    rem_beaten = sum(cap[q] for q in range(n) if gone[q] and w["lose"][q])
    rem_other = sum(cap[q] for q in range(n) if gone[q] and not w["lose"][q])
    cap = [0.0 if gone[q] else c for q, c in enumerate(cap)]
    v_total = sum(cap[q] for q in range(n) if victors[q])
    h_total = sum(cap[q] for q in range(n) if heirs[q])
    w["cap"] = [c + (c / v_total * rem_beaten if victors[q] else 0.0)
                + (c / h_total * rem_other if heirs[q] else 0.0) for q, c in enumerate(cap)]
    w["alive"] = [a and not weak[q] for q, a in enumerate(w["alive"])]
    w["fallen"] = [f or not a for f, a in zip(w["fallen"], w["alive"], strict=True)]
    w["eliminated"] = sum(a0 and not a for a0, a in zip(w["alive0"], w["alive"], strict=True))


def ref_readmit(w, cfg, u):
    """Rule 6 readmits the shunned and restores eliminated essential actors;
    the readmission norm readmits members."""
    s, n, rule6 = cfg.system, len(w["cap"]), cfg.rules[6]
    w["restored"] = 0
    if rule6 > 0:
        back = [not w["alive"][q] and u["restore"][q] < rule6 * s.restore_rate for q in range(n)]
        for q in range(n):
            if w["alive"][q] and u["rule6"][q] < rule6:
                w["excluded"][q] = 0
        for q in (q for q in range(n) if back[q]):
            top = strongest_of(w["cap"], w["alive"])
            amount = min(2 * s.elimination_threshold * sum(w["cap"]), 0.5 * w["cap"][top])
            w["cap"][top] -= amount
            w["cap"][q] += amount
            w["alive"][q] = True
            w["excluded"][q] = 0
            w["restored"] += 1
    bound = cfg.regime is not None and bool(w["in_force"])
    if bound and cfg.norm("readmission") > 0:
        for q in range(n):
            if w["member"][q] and u["readmission"][q] < cfg.norm("readmission") * w["weight"][q]:
                w["excluded"][q] = 0


def ref_cooperate(w, cfg, u):
    """Mutual restraint pays: growth in proportion to the partners that
    reciprocate, among the powers it meets (in reach)."""
    g, n = cfg.system.cooperation_gain, len(w["cap"])
    reach = cfg.system.reach()[0]
    w["gained"] = 0.0
    if g <= 0:
        return
    for q in range(n):
        if not (w["alive"][q] and w["alive0"][q]):
            continue
        others = [r for r in range(n) if r != q and w["alive"][r] and w["alive0"][r]
                  and reach[q][r] > 0]
        mutual = sum(1 for r in others if w["stance"].get((q, r)) and w["stance"].get((r, q)))
        if mutual:
            before = w["cap"][q]
            w["cap"][q] = w["cap"][q] * math.exp(g * mutual / len(others))
            w["gained"] += w["cap"][q] - before
    w["growth"] += w["gained"]


def ref_observe(w, cfg, u):
    """Stances seen through misperception (a war for what it is), strategy
    states moved, beliefs updated by Bayes' rule; betrayal seen by all members."""
    n, m, dy = len(w["cap"]), cfg.system.misperception, cfg.dyadic
    seen = [list(r) for r in w["seen_hostile"]]  # out of reach: as it was
    dyad = [list(r) for r in w["dyad"]]
    belief = [list(r) for r in w["belief"]]
    wid, on_a = w["wid"], w["on_a"]
    reach = cfg.system.reach()[0]
    for i, j in _pairs(n):
        if reach[i][j] == 0:  # out of each other's reach: nothing seen, nothing learnt
            continue
        if not (w["alive0"][i] and w["alive0"][j]):
            seen[i][j] = False
            continue
        hostile = not w["stance"][j, i]
        if m > 0 and u["mis"][i][j] < m:
            hostile = not hostile
        at_war = wid[i] >= 0 and wid[i] == wid[j] and on_a[i] != on_a[j]
        hostile = hostile or at_war
        seen[i][j] = hostile
        obs = 4 * w["intended"][i, j] + 2 * w["stance"][i, j] + (not hostile)
        dyad[i][j] = dy.next8[w["dyad"][i][j] + obs]
        belief[i][j] = bayes(w["belief"][i][j], not hostile, 0.0 if at_war else m)
    bound = cfg.regime is not None and bool(w["in_force"])
    for k_w, (va, vd, _) in enumerate(w["wars"]):
        if not (bound and cfg.norm("restraint") > 0 and w["member"][va] and w["member"][vd]):
            continue
        # Betrayal seen by every member: one more certain sighting of hostility
        # (its enemies in that war saw it already).
        for q in range(n):
            if w["member"][q] and q != va and not (wid[q] == k_w and not on_a[q]):
                belief[q][va] = bayes(belief[q][va], False, 0.0)
    w.update(seen_hostile=seen, dyad=dyad, belief=belief)


def ref_start_afresh(w, cfg, u):
    """A restored power starts afresh: prior beliefs, start states, no grievances."""
    for q in range(len(w["cap"])):
        if w["alive"][q] and not w["alive0"][q]:
            _fresh(w, cfg, q)


def _fresh(w, cfg, q):
    """Power q's relations afresh: prior beliefs, start states, no
    grievances, no status quo (crisis core), no treaty of its own and none
    against it."""
    n = len(w["cap"])
    w["treaty"] = [0 if r == q or t == q + 1 else t
                   for r, t in enumerate(w.get("treaty", [0] * n))]
    for r in range(n):
        w["seen_hostile"][q][r] = w["seen_hostile"][r][q] = False
        w["dyad"][q][r] = int(cfg.dyadic.start[q])
        w["dyad"][r][q] = int(cfg.dyadic.start[r])
        w["belief"][q][r] = w["belief"][r][q] = cfg.system.belief_prior
        w["grievance"][q][r] = w["grievance"][r][q] = 0
        if cfg.system.core == "crisis" and r != q:
            w["status_quo"][q][r] = w["status_quo"][r][q] = math.nan


def cow_entry(system, year, q):
    """Under membership = "record": what happens to power ``q`` at the start of
    model year ``year`` (0-based), from COW's membership spells: ``("enter",
    capability)`` in the calendar year a spell begins (its capabilities entry
    the first time, its CINC then over the first year's members' CINC total
    later), ``("leave", 0)`` in the year after a spell ends, else None."""
    from security_regimes.data import capabilities
    from security_regimes.data.geo import states

    cal = system.cow_year + year
    if system.membership != "record" or year == 0:
        return None
    spells = states()

    def member(y, name=system.names[q]):
        return member_of(spells, name, y)

    if member(cal) and not member(cal - 1):
        earlier = any(member(y) for y in range(system.cow_year, cal))
        if not earlier:
            return ("enter", system.capabilities[q])
        caps = capabilities()
        row = caps[caps.year == system.cow_year].set_index("stateabb").cinc
        first = [n for n in system.names if member_of(spells, n, system.cow_year)]
        mine_c = caps[(caps.stateabb == system.names[q]) & (caps.year <= cal)
                      & (caps.cinc > 0)].sort_values("year").cinc
        base = sum(float(row[n]) for n in first) / sum(
            system.capabilities[k] for k, n in enumerate(system.names) if n in first)
        return ("enter", float(mine_c.iloc[-1]) / base if len(mine_c) else
                system.capabilities[q])
    if member(cal - 1) and not member(cal):
        return ("leave", 0.0)
    return None


def member_of(spells, name, year):
    mine = spells[spells.stateabb == name]
    return bool(((mine.start_year <= year) & (mine.end_year >= year)).any())


def _enter(w, cfg, q, capability):
    """Power ``q`` enters as a new state: alive with ``capability``, not shunned,
    not fallen, relations afresh."""
    w["alive"][q], w["cap"][q] = True, capability
    w["excluded"][q], w["fallen"][q] = 0, False
    _fresh(w, cfg, q)
    w["entries"] += 1


def ref_membership(w, cfg, u):
    """Before the year: powers whose COW membership begins enter (alive, with
    their capability on entry, not shunned, not fallen, relations afresh);
    those whose membership ended leave (no capability; not eliminated).
    Under membership = "drawn", from the second year on each power outside
    (never entered, or destroyed) enters, with its capabilities entry, when
    its entry draw is below entry_rate, and each power inside leaves (no
    capability; not eliminated) when that draw is below exit_rate."""
    w["entries"] = w["exits"] = 0
    if cfg.system.membership == "drawn":
        for q in range(len(w["cap"]) if u["year"] > 0 else 0):
            if not w["alive"][q]:
                if u["entry"][q] < cfg.system.entry_rate:
                    _enter(w, cfg, q, cfg.system.capabilities[q])
            elif u["entry"][q] < cfg.system.exit_rate:
                w["alive"][q], w["cap"][q] = False, 0.0
                w["exits"] += 1
        return
    for q in range(len(w["cap"])):
        change = cow_entry(cfg.system, u["year"], q)
        if change is None:
            continue
        if change[0] == "enter" and not w["alive"][q]:
            _enter(w, cfg, q, change[1])
        elif change[0] == "leave" and w["alive"][q]:
            w["alive"][q], w["cap"][q] = False, 0.0
            w["exits"] += 1


def ref_classify_wars(w, cfg, u):
    """A system war: one war with most powers alive at the start, three at least.
    A hegemonic war: the year's wars involve most powers and beat the strongest."""
    fighting = sum(x >= 0 for x in w["wid"])
    biggest = max([sum(x == k for x in w["wid"]) for k in range(len(w["wars"]))], default=0)
    w["system_war"] = biggest >= 3 and 2 * biggest > w["n_start"]
    w["hegemonic"] = (fighting >= 3 and 2 * fighting > w["n_start"] and w["lose"][w["h"]]
                      and w["share_h"] >= cfg.system.predominance_share)


#: The regime's parts recorded each year (layout.MEASURES).
REGIME_PARTS = ("regime_weight", "regime_trust", "regime_cost", "regime_decline")


def ref_update_regime(w, cfg, u):
    """The memory of war, revisionist turns, settlements, each member's weight
    toward its target, and whether the regime holds."""
    w["strength"] = 0.0
    w["regime_parts"] = dict.fromkeys(REGIME_PARTS, 0.0)
    w["revisionists"] = 0
    w["domestic_changes"] = 0
    if cfg.regime is None:
        w["member_war"] = bool(w["wars"])
        w["in_force"] = False
        return
    c, n, cap = cfg.regime.conditions, len(w["cap"]), w["cap"]
    total = sum(cap)
    memory = w["memory"]
    if c.half_life is not None:  # the clock, only if asked for
        memory *= 0.5 ** (1.0 / c.half_life)
    if w["member_destroyed"] > 0:  # experience: the lesson of this year's member wars
        lesson = min(c.memory_gain * w["member_destroyed"] / total, 1.0)
        memory = (1 - c.learning) * memory + c.learning * lesson
    if w["hegemonic"]:
        memory = 1.0
    w["memory"] = memory = min(memory, 1.0)
    # Events: a revisionist turn (shock_rate), else a change of government
    # (domestic_rate, the top of the same draw), then the dated events.
    changed = {}  # power -> the new government is revisionist
    drawn = 0
    for q in range(n):
        if not w["alive"][q] or (c.shock_rate == 0 and c.domestic_rate == 0):
            continue
        v = u["shock"][q]
        if v < c.shock_rate:
            w["revisionist"][q] = True
        elif v >= 1 - c.domestic_rate:
            changed[q] = v >= 1 - c.domestic_rate * c.domestic_revisionist
            drawn += 1
    for year, q, kind in c.events:
        if year - 1 == u["year"] and w["alive"][q]:
            changed[q] = kind == "revisionist"
    w["weight"] = list(w["weight"])
    w["revisionist"] = list(w["revisionist"])
    for q, rev in changed.items():
        w["weight"][q] = 0.0
        w["revisionist"][q] = rev
    w["domestic_changes"] = drawn + sum(1 for year, q, _ in c.events
                                        if year - 1 == u["year"] and w["alive"][q])
    w["ref_share"] = [cap[q] / total if w["alive"][q] and (w["hegemonic"] or not w["alive0"][q])
                      else r for q, r in enumerate(w["ref_share"])]
    cost = min(c.war_cost_perception + memory, 1.0)
    mmask = cfg.regime.member_mask(n)
    living = [bool(mmask[q]) and w["alive"][q] for q in range(n)]
    trust = [1.0] * n
    falls = [1.0] * n
    weight = list(w["weight"])
    for i in range(n):
        others = [j for j in range(n) if living[i] and j != i and living[j]]
        if others:
            trust[i] = sum(w["belief"][i][j] >= COMPLY_BELIEF for j in others) / len(others)
        rs = w["ref_share"][i]
        ratio = cap[i] / total / rs if rs > 0 else 1.0
        falls[i] = ratio ** c.decline if ratio < 1.0 and c.decline > 0 else 1.0
        target = 0.0
        regulation = c.regulation
        if c.regulation_from_war:  # times what the shortest decided war with each destroys
            s_ = cfg.system
            now = s_.nuclear_at(u["year"])
            lost = [shortest(s_.nuclear_cost if i in now and j in now else s_.war_cost, s_)
                    for j in others]
            regulation *= sum(lost) / len(lost) if lost else 0.0
        if living[i] and not w["revisionist"][i]:
            target = regulation * c.shared_value * trust[i] * cost * falls[i]
        weight[i] = weight[i] + c.adaptation * (target - weight[i])
    w["weight"] = weight
    n_living = sum(living)
    members = [q for q in range(n) if living[q]]
    if members:  # what the strength is made of: means over the living members
        w["regime_parts"] = {
            "regime_weight": sum(weight[q] for q in members) / len(members),
            "regime_trust": sum(trust[q] for q in members) / len(members),
            "regime_cost": cost,
            "regime_decline": sum(falls[q] for q in members) / len(members)}
    else:
        w["regime_parts"] = {**w["regime_parts"], "regime_cost": cost}
    w["revisionists"] = sum(1 for q in members if w["revisionist"][q])
    w["in_force"] = False
    if n_living > 1:
        w["strength"] = min(sum(weight[q] for q in range(n) if living[q]),
                            sum(trust[q] for q in range(n) if living[q])) / n_living
        # the norms bind from the year of the run they date from (available_from)
        w["in_force"] = w["strength"] >= c.threshold and u["year"] + 1 >= c.available_from


def ref_measure(w, cfg, u):
    """The year's measures (names as in layout.MEASURES)."""
    n, cap, alive = len(w["cap"]), w["cap"], w["alive"]
    total = sum(cap)
    shares = [c / total for c in cap]
    hhi = sum(x ** 2 for x in shares)
    n_alive = sum(alive)
    con = (math.sqrt(max(hhi - 1 / n_alive, 0) / (1 - 1 / max(n_alive, 2))) if n_alive > 1
           else 1.0)
    dyads = w["dyads"]
    first = w["first"]
    w["measures"] = {
        "war": bool(w["wars"]), "war_size": w["destroyed"], "growth": w["growth"],
        "attacker": first[0] if first else -1, "defender": first[1] if first else -1,
        "attacker_won": first[2] if first else False, "punishers": w["punishers_n"],
        "eliminated": w["eliminated"], "restored": w["restored"], "n_alive": n_alive,
        "essential_survival": n_alive / n,
        "continuous_survival": sum(not x for x in w["fallen"]) / n,
        "pairs": w["living_pairs"], "restraining_dyads": sum(1 for v in w["stance"].values() if v),
        "hhi": hhi, "con": con, "max_share": max(shares),
        "n_poles": sum(x >= 0.5 * max(shares) for x in shares),
        "alliance_count": sum(1 for i, j in _pairs(n) if i < j and allied(w, i, j)),
        "cooperation_rate": (sum(1 for v in w["stance"].values() if v) / dyads if dyads
                             else math.nan),
        "mean_belief": (sum(w["belief"][i][j] for i, j in w["stance"]) / dyads if dyads
                        else math.nan),
        "total": total, "restraints": w["restraints"], "norm_restraints": w["norm_restraints"],
        "settled": w["settled_n"] > 0, "member_war": w["member_war"],
        "regime_strength": w["strength"], "hegemonic_war": w["hegemonic"],
        **w.get("regime_parts", dict.fromkeys(REGIME_PARTS, 0.0)),
        "revisionists": w.get("revisionists", 0),
        "domestic_changes": w.get("domestic_changes", 0),
        "regime_in_force": w["in_force"], "system_war": w["system_war"],
        "wars": len(w["wars"]), "decisive_wars": w["decisive_n"], "largest_war": w["largest"],
        "spared": sum(1 for _, _, lo in w["wars"] if lo >= 0 and alive[lo]),
        **w.get("crisis_counts", dict.fromkeys(CRISIS_MEASURES, 0)),
        **contiguity_counts(w, cfg),
        "entries": w.get("entries", 0), "exits": w.get("exits", 0),
    }


def contiguity_counts(w, cfg):
    """Pairs alive at the start, wars begun and crises opened between powers
    that border each other."""
    near = cfg.system.reach()[1]
    n = len(near)
    return {
        "contiguous_pairs": sum(1 for i in range(n) for j in range(i + 1, n)
                                if near[i][j] and w["alive0"][i] and w["alive0"][j]),
        "contiguous_wars": sum(1 for att, dfd, _ in w["wars"] if near[att][dfd]),
        "contiguous_crises": sum(1 for (i, j), o in w.get("outcome", {}).items()
                                 if o != NO_CRISIS and near[i][j]),
    }


#: The phases in the order of the year (model.py's docstring).
PHASES = (ref_begin_year, ref_grow, ref_ally, ref_reply, ref_punishers, ref_decide, ref_wars,
          ref_eliminate, ref_readmit, ref_cooperate, ref_observe, ref_start_afresh,
          ref_classify_wars, ref_update_regime, ref_measure)
#: The year with the crisis core's phases (system.core == "crisis" or not).
YEAR = (ref_begin_year, ref_grow, ref_track_trend, ref_ally, ref_reply, ref_punishers,
        ref_decisions, ref_wars, ref_settle, ref_eliminate, ref_readmit, ref_cooperate,
        ref_observe, ref_start_afresh, ref_classify_wars, ref_update_regime, ref_measure)

STATE_KEYS = ("cap", "alive", "excluded", "belief", "dyad", "grievance", "seen_hostile",
              "fallen", "status_quo", "trend", "treaty")
REGIME_KEYS = ("weight", "memory", "revisionist", "ref_share", "in_force")


def ref_step(st, u, system, policy, dyadic, regime=None, phases=YEAR):
    """One year of one system: ``st`` is a dict of lists (with a regime, also
    ``weight``, ``memory``, ``revisionist``, ``ref_share``, ``in_force``);
    ``u`` the draws; ``phases`` the year's phase functions in order (the
    benchmarks' peers swap one for a faster equivalent).  Returns the new
    state and the year's measures."""
    cfg = Setting(system, policy, dyadic, regime)
    n = len(st["cap"])
    w = {k: st[k] for k in STATE_KEYS if k in st}
    if regime is not None:
        w.update({k: st[k] for k in REGIME_KEYS})
    else:
        w.update(weight=[0.0] * n, memory=0.0, revisionist=[False] * n, ref_share=[0.0] * n,
                 in_force=False)
    w.setdefault("status_quo", [[math.nan] * n for _ in range(n)])
    w.setdefault("trend", [0.0] * n)
    w.setdefault("treaty", [0] * n)
    if cfg.system.membership != "closed":
        ref_membership(w, cfg, u)
    for phase in phases:
        phase(w, cfg, u)
    new = {k: w[k] for k in STATE_KEYS}
    if regime is not None:
        new.update({k: w[k] for k in REGIME_KEYS})
    return new, w["measures"]
