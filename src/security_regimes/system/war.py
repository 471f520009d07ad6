"""A war's odds and value, compiled: the contest success function and the walk of battles.

The system year (:mod:`~security_regimes.system.kernel`) and the stage game
of the first year (:func:`~security_regimes.system.model.dyad_payoffs`) both
weigh a war with these functions, so both rooms import them from here; so do
the crisis core's phases and its stage game (:func:`credibility`, :func:`demand`).
"""

from __future__ import annotations

import numpy as np

from ..engine.kernels import njit
from .layout import MAX_BATTLES


@njit(cache=True, error_model="numpy")
def csf(a, d, k):
    """Chance that side ``a`` beats side ``d`` in one battle: ``a**k / (a**k + d**k)``
    (Tullock 1980; Hirshleifer 1989); 0 when ``a`` has nothing."""
    if a > 0:
        ratio = d / a
        if k == 2.0:  # the default: a product, not a call to pow (the same double)
            return 1.0 / (1.0 + ratio * ratio)
        return 1.0 / (1.0 + ratio ** k)
    return 0.0


@njit(cache=True, error_model="numpy")
def war_gain(cap_i, own, enemy, p, pl, tau, stake, delta, rel, cap_j):
    """Expected capability change of power ``i`` (capability ``cap_i``) from a war.

    Its side (``own``) wins with ``p`` and takes ``tau`` of the ``enemy``
    side, split in proportion to capability; it loses with ``pl`` and then
    loses ``stake`` of its own; fighting destroys ``delta`` of it.  With
    relative gains ``rel > 0`` the main enemy's (``cap_j``) expected change
    counts against ``i``'s.  All in capability units.
    """
    share = cap_i / own if own > 0 else 0.0
    v = p * tau * enemy * share - pl * stake * cap_i - delta * cap_i
    if rel > 0:
        j_share = cap_j / enemy if enemy > 0 else 0.0
        other = -delta * cap_j - p * tau * cap_j + pl * tau * own * j_share
        v = v - rel * other
    return v


#: Longest lead a war of battles can need (``System.decisive_lead``).
MAX_LEAD = 8


def walk_scratch() -> np.ndarray:
    """Scratch for :func:`war_odds`: the walk's score distribution, now and next."""
    return np.zeros((2, 2 * MAX_LEAD - 1))


@njit(cache=True, error_model="numpy")
def battle_cost(delta, growth, t):
    """The share of each fighter battle ``t`` (0-based) destroys: ``delta`` grown
    by ``growth`` a battle, at most all (``delta`` itself at growth 0)."""
    if growth == 0.0:
        return delta
    return min(delta * (1.0 + growth) ** t, 1.0)


@njit(cache=True, error_model="numpy")
def shortest_war(delta, lead, growth):
    """The share of each fighter the shortest decided war destroys: ``lead``
    battles, each costing :func:`battle_cost`."""
    if growth == 0.0:
        return 1.0 - (1.0 - delta) ** lead
    left = 1.0
    for t in range(lead):
        left = left * (1.0 - battle_cost(delta, growth, t))
    return 1.0 - left


@njit(cache=True, error_model="numpy")
def war_odds(p, lead, delta, tau, walk, growth):
    """A war of battles, each won with ``p``, fought until one side leads by
    ``lead`` (defeat) or fighting has destroyed ``tau`` (cost ends it), at
    most ``MAX_BATTLES`` (a random walk of battles; Smith and Stam 2004);
    battle ``t`` destroys :func:`battle_cost` ``(delta, growth, t)``.

    Returns the chances of winning and of losing it and the expected share of
    each fighter destroyed, computed exactly over the walk's states.
    ``walk`` is scratch of shape (2, 2 * MAX_LEAD - 1) (:func:`walk_scratch`):
    the phases of the year allocate nothing.
    """
    if lead == 1:
        return p, 1.0 - p, delta
    q = 1.0 - p
    probs = walk[0]  # score -(lead - 1) .. lead - 1
    nxt = walk[1]
    for s in range(2 * lead - 1):
        probs[s] = 0.0
    probs[lead - 1] = 1.0
    p_win, p_lose, d_eff, surv = 0.0, 0.0, 0.0, 1.0
    for t in range(1, MAX_BATTLES + 1):
        surv = surv * (1 - battle_cost(delta, growth, t - 1))
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


# --- Crisis bargaining (the crisis core) -------------------------------------

@njit(cache=True, error_model="numpy")
def credibility(w, q, audience, c_i, lo, hi):
    """The target's estimate that the challenger would fight a rejection: the
    challenger (war share ``w``, status quo share ``q``) fights when
    ``w - c_i > q - audience``; the target believes its cost uniform on
    ``[lo, hi]`` (with ``lo == hi`` it knows ``c_i``)."""
    z = w - q + audience
    if hi - lo <= 1e-12:
        return 1.0 if c_i < z else 0.0
    return min(max((z - lo) / (hi - lo), 0.0), 1.0)


@njit(cache=True, error_model="numpy")
def demand(w, q, v, lo, hi, pi, rho):
    """The challenger's optimal demand (Fearon 1995, with a threat that may
    not be believed).  ``w``: its war share, ``q``: its status quo share,
    ``v``: its value if the demand is rejected (fight or back down), the
    target's cost of war believed uniform on ``[lo, hi]``, ``pi``: the
    target's estimate that it would fight, ``rho``: what yielding costs the
    target beyond the demand (its reputation).  The target accepts ``x``
    when its cost is at least ``(x - b + rho) / pi`` with
    ``b = pi w + (1 - pi) q`` (what it expects from rejecting); the
    challenger maximises ``P(accept) x + (1 - P(accept)) v``.  With
    ``pi = 1`` and ``rho = 0`` this is Fearon's ``x = (w + hi + v) / 2``
    inside ``[w + lo, w + hi]``; at most 1.  Returns ``(x, P(accept))``;
    ``x = q`` when no threat is believed."""
    if pi <= 0.0:
        return q, 0.0
    b = pi * w + (1.0 - pi) * q - rho
    if hi - lo <= 1e-12:  # complete information: the most the target accepts
        return min(b + pi * lo, 1.0), 1.0
    tau = min(max((pi * hi + v - b) / (2.0 * pi), lo), hi)
    x = b + pi * tau
    if x > 1.0:
        x = 1.0
        tau = (1.0 - b) / pi
    return x, min(max((hi - tau) / (hi - lo), 0.0), 1.0)
