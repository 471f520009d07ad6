"""The compiled system year: its phases in order, one system at a time, threads over systems.

:func:`year_first_strike` and :func:`year_crisis` are the year of
:mod:`security_regimes.system.model` under each decision core (its docstring
gives the order and the sources), a call per phase of
:mod:`~security_regimes.system.phases`; steps 1-3 and 6-8 are shared
(``_opening``, ``_closing``).  ``_systems`` runs each system of a
slice through all the years of a block, from its own counter-based stream
(draw ``year * draws_per_year(N) + offset(block) + index`` of its key), so
results do not depend on the number of threads or on how systems are batched.

The plain-Python reference in ``tests/system/reference.py`` restates each
phase; property tests compare them phase by phase and year by year.

Two inputs are computed per block of years before the kernel runs: the
growth multipliers ``exp(growth_mean + growth_sd * ndtri(u))`` and, with
``capability_noise``, the misjudgement factors of the other side's strength,
each system with its own ``growth_mean``, ``growth_sd`` and noise.
``scipy.special.ndtri`` has no numba form; the ``exp`` is the C library's
(:func:`~security_regimes.engine.libm.exp_affine_rows`, row by row the bits of
``exp_affine``; not NumPy's CPU-dispatched one), so a seed gives the same
bits on every machine.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import ndtri

from .._tables import EVENT_KINDS
from ..engine.kernels import njit
from ..engine.libm import exp_affine_rows
from ..engine.rng import uniforms
from . import phases as ph
from .layout import (
    BOOL_MEASURES,
    FLOAT_MEASURES,
    INT_MEASURE_DTYPE,
    INT_MEASURES,
    M_GROWTH,
    M_RESTORED,
    draws_per_year,
    offsets,
    pack,
    pack_rows,
)
from .model import (
    BELIEF_FLOOR,
    BIG_GAIN,
    COMPLY_BELIEF,
    EXPANSIONIST_RESTRAINT,
    SEEKER_RESTRAINT,
)
from .threads import threads_for

#: State fields a run with a regime needs (see ``model.State``).
REGIME_STATE = ("weight", "memory", "revisionist", "ref_share", "in_force")


@ph.phase
def _opening(s, x, p, t, dr, growth_factor, n):
    """Steps 1-3, the same under both cores: growth, alliances, replies.

    Returns the regime's binding (the norms bind only while the regime is in
    force: it formed and still holds at the end of last year; before, there
    is no convention whose expectations members could converge on), the
    powers alive at the start, the year's growth and total capability, and
    what ``ally`` returns (strongest power, its share, the allied pairs)."""
    bound = p.has_regime and s.in_force[0]
    n_start = ph.begin_year(s, x, n)
    growth, total = ph.grow(s, growth_factor, n)                       # 1. growth
    h, share_h, allied = ph.ally(s, x, p, dr, t, total, n)             # 2. alliances
    ph.reply(s, x, p, dr, t, n)                                        # 3. replies
    ph.punishers(s, x, t, n)
    if bound and p.collective > 0:
        ph.collective_security(s, x, p, t, n)
    return bound, n_start, growth, total, h, share_h, allied


@ph.phase
def _closing(s, x, p, t, dr, bound, n_start, growth, h, share_h, allied,
             member_destroyed, max_fight, dyads, n):
    """Steps 6-8 and the regime, the same under both cores; the year's
    measures are left in ``x.mf``, ``x.mi``, ``x.mb``."""
    ph.eliminate(s, x, p, n)                                           # 6. elimination
    # A phase with nothing to do this year is not called: a call passes the
    # state and scratch arrays, several hundred machine words.
    x.mi[M_RESTORED] = 0
    if p.rule6 > 0 or (bound and p.readmission > 0):
        ph.readmit(s, x, p, dr, bound, n)                              # 7. readmission
    if p.cooperation_gain > 0:
        growth += ph.cooperate(s, x, p, t, n)
    ph.observe(s, x, p, dr, t, bound, n)                               # 8. observation
    if x.mi[M_RESTORED] > 0:
        ph.start_afresh(s, x, p, t, n)
    hegemonic = ph.classify_wars(x, p, n_start, h, share_h, max_fight, n)
    if p.has_regime:                                                   # the regime
        ph.update_regime(s, x, p, dr, t, hegemonic, member_destroyed, n)
    else:
        ph.without_regime(x)
    x.mf[M_GROWTH] = growth
    if p.has_borders:
        ph.contiguity_measures(x, t, n)
    else:  # no geography: no pair borders another
        ph.no_borders(x)
    ph.measure(s, x, t, dyads, allied, n)


@ph.phase
def year_first_strike(s, x, p, t, dr, growth_factor, seen, n):
    """One year of one system under the first-strike core, in the order of
    ``model``'s docstring."""
    bound, n_start, growth, total, h, share_h, allied = _opening(
        s, x, p, t, dr, growth_factor, n)
    dyads = ph.decide(s, x, p, dr, t, seen, n_start, bound, n)        # 4. decisions
    member_destroyed, max_fight = ph.wars(s, x, p, dr, t, total, bound, n)  # 5. wars
    ph.no_crises(x)
    _closing(s, x, p, t, dr, bound, n_start, growth, h, share_h, allied,
                    member_destroyed, max_fight, dyads, n)


@ph.phase
def year_crisis(s, x, p, t, dr, growth_factor, seen, n):
    """One year of one system under the crisis core (``model``'s "The crisis
    core"): the trend of power is tracked, decisions are crises, and wars
    end in settlements."""
    bound, n_start, growth, total, h, share_h, allied = _opening(
        s, x, p, t, dr, growth_factor, n)
    ph.track_trend(s, p, growth_factor, n)
    dyads = ph.crises(s, x, p, dr, t, seen, bound, n)                  # 4. crises
    ph.resolve_crises(s, x, p, dr, t, bound, n)
    member_destroyed, max_fight = ph.wars(s, x, p, dr, t, total, bound, n)  # 5. wars
    ph.settle(s, x, p, t, n)
    _closing(s, x, p, t, dr, bound, n_start, growth, h, share_h, allied,
                    member_destroyed, max_fight, dyads, n)


@ph.phase
def _record(x, F, I, Bo, b, col):  # noqa: E741
    """Copy the year's measures into column ``col`` of system ``b``'s rows."""
    for k in range(x.mf.shape[0]):
        F[k, b, col] = x.mf[k]
    for k in range(x.mi.shape[0]):
        I[k, b, col] = x.mi[k]
    for k in range(x.mb.shape[0]):
        Bo[k, b, col] = x.mb[k]


@njit(cache=True, nogil=True, error_model="numpy")
def _systems(b0, b1, y0, y1, keys, gmult, pmult, P, t, off, dpy, state, F, I, Bo,  # noqa: E741
             caps, blocs, crec, col0, crisis_core):
    """Advance systems ``b0 <= b < b1`` through years ``y0 <= y < y1`` in place.

    ``P`` holds the parameter records, one per system (shape (B,)) or one
    for all (shape (1,)); ``t`` the tables, with the belief likelihoods
    ``t.like_s``, ``t.like_e`` one row per system or one for all, likewise.

    ``crisis_core`` is None under the first-strike core (anything else, the
    crisis core): numba prunes the branch on a None argument when it
    compiles, so each core's year is compiled only where it runs (the
    crisis phases are half the cold compile).

    ``state`` is the batch's arrays in the order of :data:`~.phases.SystemState`
    (first axis: system).  Year ``y``'s measures go to column ``y - col0`` of
    ``F`` (float), ``I`` (int64) and ``Bo`` (bool), shape (measures, B, T);
    capabilities at its end to ``caps[:, y - col0 + 1]``, each power's
    alliance (its bloc: 1 + the index of the power it allies against, 0
    none) to ``blocs[:, y - col0]`` and the crisis core's outcome of each
    ordered pair's crisis to ``crec[:, y - col0]`` (each only if it has that
    many rows).
    ``gmult`` (b1 - b0, y1 - y0, N) are the slice's growth multipliers,
    ``pmult`` (b1 - b0, y1 - y0, N, N) its misjudgement factors (unused
    without noise).
    """
    n = state[0].shape[1]
    record_caps = caps.shape[0] == F.shape[1]
    record_alliances = blocs.shape[0] == F.shape[1]
    record_crises = crec.shape[0] == F.shape[1]
    no_noise = np.ones((n, n))
    (cap, alive, excluded, belief, dyad, grievance, seen_hostile, fallen, weight,
     revisionist, ref_share, memory, in_force, status_quo, trend, treaty) = state
    kept = ph.WAR.treaty
    per_system = P.shape[0] > 1
    for b in range(b0, b1):
        k = b if per_system else 0
        p = P[k]
        tb = ph.Tables(t.act, t.next8, t.start, t.threshold, t.like_s[k], t.like_e[k],
                       t.supranational, t.nuclear, t.members, t.events, t.reach, t.contiguous,
                       t.membership, t.near)
        s = ph.SystemState(cap[b], alive[b], excluded[b], belief[b], dyad[b], grievance[b],
                           seen_hostile[b], fallen[b], weight[b], revisionist[b], ref_share[b],
                           memory[b:b + 1], in_force[b:b + 1], status_quo[b], trend[b])
        x = ph._scratch(n, F.shape[0], I.shape[0], Bo.shape[0])
        for q in range(n):
            x.war_index[kept, q] = treaty[b, q]
        for y in range(y0, y1):
            dr = ph.Draws(keys[b], np.int64(y) * dpy, off, np.int64(y))
            seen = pmult[b - b0, y - y0] if p.capability_noise else no_noise
            ph.membership(s, x, p, tb, dr, y, n)  # before the year: entries and exits
            if crisis_core is None:
                year_first_strike(s, x, p, tb, dr, gmult[b - b0, y - y0], seen, n)
            else:
                year_crisis(s, x, p, tb, dr, gmult[b - b0, y - y0], seen, n)
            col = y - col0
            _record(x, F, I, Bo, b, col)
            if record_caps:
                for q in range(n):
                    caps[b, col + 1, q] = s.cap[q]
            if record_alliances:
                bloc, size = x.war_index[ph.WAR.bloc], x.war_index[ph.WAR.bloc_size]
                for q in range(n):  # a bloc of one is no alliance
                    blocs[b, col, q] = bloc[q] if bloc[q] > 0 and size[bloc[q] - 1] > 1 else 0
            if record_crises:
                for i in range(n):
                    for j in range(n):
                        crec[b, col, i, j] = x.pair_codes[0, i, j]
        for q in range(n):
            treaty[b, q] = x.war_index[kept, q]


def _near(reach):
    """Each power's others in reach as lists after their offsets
    (``phases.Tables.near``): int64, (N + 1 + E,), ascending within each list."""
    inside = np.asarray(reach) > 0
    np.fill_diagonal(inside, False)
    n = inside.shape[0]
    rows, cols = np.nonzero(inside)  # row-major: ascending j within each i
    start = np.full(n + 1, n + 1, dtype=np.int64)
    start[1:] += np.cumsum(np.bincount(rows, minlength=n))
    return np.concatenate([start, cols.astype(np.int64)])


_CONSTANTS = {"BIG_GAIN": BIG_GAIN, "COMPLY_BELIEF": COMPLY_BELIEF}


def _pack(system, policy, dyadic, regime):
    """The parameter record of a setting."""
    return pack(system, policy, dyadic, regime, _CONSTANTS)


def structure(system, policy, regime) -> tuple:
    """What the systems of one kernel call must share: everything that is not a
    parameter record's scalar, a belief likelihood, growth or noise (the
    number of powers, the core, the powers that are supranational or nuclear,
    whether there is a regime, its members and its dated events, how the
    powers grow (growth along the record follows one path per call), their
    geography and membership).  Dyadic strategies are
    shared by construction (one ``Dyadic`` per call)."""
    n = system.n_powers
    return (n, system.core, tuple(system.supranational), tuple(system.nuclear),
            None if regime is None else tuple(np.flatnonzero(regime.member_mask(n))),
            () if regime is None else regime.conditions.events, tuple(system.nuclear_from),
            (system.growth, system.cow_year, system.names) if system.growth == "record"
            else system.growth,
            (system.geography, system.gradient, system.names, system.cow_year, system.map_seed)
            if system.geography != "none" else "none", system.membership)


def event_table(regime) -> np.ndarray:
    """The regime's dated events as the kernel reads them (``Tables.events``):
    shape (K, 3) int64, rows ``(0-based year, power, kind code)`` (the code is
    the kind's index in :data:`~security_regimes._tables.EVENT_KINDS`)."""
    events = () if regime is None else regime.conditions.events
    out = np.zeros((len(events), 3), dtype=np.int64)
    for k, (year, power, kind) in enumerate(events):
        out[k] = (year - 1, power, EVENT_KINDS.index(kind))
    return out


def likelihoods(misperception: float) -> tuple[np.ndarray, np.ndarray]:
    """Likelihood of each observation under the two types (Kydd 2005).

    Index ``saw restraint + 2 x certain`` (a war is seen for certain), then
    4: the types' restraint rates ``q_s``/``q_e``, 5: the belief floor.
    Returns ``like_s``, ``like_e``, shape (6,) each.
    """
    qs, qe = SEEKER_RESTRAINT, EXPANSIONIST_RESTRAINT
    like_s, like_e = np.empty(6), np.empty(6)
    for certain in (0, 1):
        m = 0.0 if certain else float(misperception)
        c_s = qs * (1 - m) + (1 - qs) * m
        c_e = qe * (1 - m) + (1 - qe) * m
        like_s[2 * certain:2 * certain + 2] = (1 - c_s, c_s)
        like_e[2 * certain:2 * certain + 2] = (1 - c_e, c_e)
    like_s[4], like_e[4] = qs, qe
    like_s[5] = like_e[5] = BELIEF_FLOOR
    return like_s, like_e


def _mask(n: int, indices) -> np.ndarray:
    m = np.zeros(n, dtype=np.bool_)
    m[list(indices)] = True
    return m


class Kernel:
    """The compiled year for one (system, policy, dyadic strategies, regime) setting.

    Builds the parameters (:func:`~security_regimes.system.layout.pack`) and
    tables once; :meth:`run` advances a batch of systems (a
    :class:`~security_regimes.system.model.State`) through a range of years,
    writing the measures into preallocated arrays.
    """

    #: Years per kernel call: bounds the precomputed growth (and noise) draws.
    BLOCK_BYTES = 4 * 2**20
    #: Most systems a thread runs through a block of years at once: the fewer
    #: systems, the more years per block, so each system's state is loaded
    #: fewer times (benchmarks/bench_system.py).
    SLICE = 256

    def __init__(self, system, policy, dyadic, regime=None, points=None):
        n = system.n_powers
        self.system, self.policy, self.dyadic, self.regime = system, policy, dyadic, regime
        self.n = n
        self.dpy = draws_per_year(n)
        self.off = offsets(n)
        #: None selects the first-strike core's compiled year (see ``_systems``).
        self.crisis_core = True if system.core == "crisis" else None
        self.params = _pack(system, policy, dyadic, regime)
        like_s, like_e = likelihoods(system.misperception)
        members = regime.member_mask(n) if regime is not None else np.zeros(n, dtype=np.bool_)
        reach, contiguous = system.reach()
        self.tables = ph.Tables(dyadic.act, dyadic.next8, dyadic.start, dyadic.threshold,
                                like_s, like_e, _mask(n, system.supranational),
                                _mask(n, system.nuclear), members, event_table(regime),
                                np.array(reach), np.array(contiguous),
                                np.array(system.membership_changes()), _near(reach))
        if points is None:  # one setting for every system
            points = [(system, policy, regime, 1)]
        else:
            shared = structure(system, policy, regime)
            if any(structure(sy, po, re) != shared for sy, po, re, _ in points):
                raise ValueError("Kernel: the points of one call must share their structure "
                                 "(powers, core, supranational and nuclear powers and their "
                                 "dates, regime members and events, growth mode, geography, "
                                 "membership)")
        self._per_system(points, dyadic)

    def _per_system(self, points, dyadic) -> None:
        """The per-system parameter records, likelihoods, growth and noise of
        ``points``, ``(system, policy, regime, systems)`` each, in system order;
        one row for all when there is one point."""
        counts = np.array([c for *_, c in points], dtype=np.int64)
        one = len(points) == 1
        P = pack_rows([(sy, po, re) for sy, po, re, _ in points], dyadic, _CONSTANTS)
        memo: dict[float, tuple] = {}
        likes = [memo.get(sy.misperception) or memo.setdefault(
            sy.misperception, likelihoods(sy.misperception)) for sy, *_ in points]
        rows = (lambda a: a) if one else (lambda a: np.repeat(a, counts, axis=0))
        self._P = rows(P)
        t = self.tables
        self._tables = t._replace(like_s=rows(np.array([a for a, _ in likes])),
                                  like_e=rows(np.array([b for _, b in likes])))
        self._growth = rows(np.array([[sy.growth_mean, sy.growth_sd] for sy, *_ in points]))
        self._noise_sd = rows(np.array([sy.capability_noise for sy, *_ in points]))
        self.noise = bool((self._noise_sd > 0).any())

    def _normals(self, keys, y0, y1, block, shape):
        """Standard normal draws of ``block`` (an offset) for years ``y0..y1``,
        shape (B, years, *shape)."""
        size = int(np.prod(shape))
        counters = (np.arange(y0, y1, dtype=np.uint64)[:, None] * np.uint64(self.dpy)
                    + np.uint64(block) + np.arange(size, dtype=np.uint64)[None, :])
        u = uniforms(keys[:, None, None], counters[None, :, :])
        return ndtri(u).reshape((len(keys), y1 - y0, *shape))

    def block_years(self, batch: int) -> int:
        per_year = batch * self.n * 8 * (1 + (self.n if self.noise else 0)) * 2
        return max(1, int(self.BLOCK_BYTES // max(per_year, 1)))

    def run(self, state, keys, y0, y1, F, I, Bo, caps=None, blocs=None,  # noqa: E741
            threads=None, col0=0, crises=None):
        """Advance ``state`` in place through years ``y0 <= y < y1``.

        Year ``y``'s measures go to column ``y - col0`` of the output arrays.
        ``threads``: threads over systems (default :func:`~security_regimes.system.threads.default_threads`).
        """
        B, n = state.cap.shape
        caps = caps if caps is not None else np.zeros((0, 1, 1))
        blocs = blocs if blocs is not None else np.zeros((0, 1, 1), dtype=np.int16)
        crises = crises if crises is not None else np.zeros((0, 1, 1, 1), dtype=np.int8)
        regime_state = (
            state.weight if state.weight is not None else np.zeros((B, n)),
            state.revisionist if state.revisionist is not None else np.zeros((B, n), np.bool_),
            state.ref_share if state.ref_share is not None else np.zeros((B, n)),
            state.memory if state.memory is not None else np.zeros(B),
            state.in_force if state.in_force is not None else np.zeros(B, dtype=np.bool_))
        if self.system.core == "crisis" and (state.status_quo is None or state.trend is None):
            raise ValueError("the crisis core needs state.status_quo and state.trend "
                             "(see initial_state)")
        crisis_state = (
            state.status_quo if state.status_quo is not None else np.zeros((B, 1, 1)),
            state.trend if state.trend is not None else np.zeros((B, 1)))
        if state.treaty is None:  # a state built without one: no treaty yet
            state.treaty = np.zeros((B, n), dtype=np.int64)
        arrays = (state.cap, state.alive, state.excluded, state.belief, state.dyad,
                  state.grievance, state.seen_hostile, state.fallen, *regime_state,
                  *crisis_state, state.treaty)

        # Dated history (System.growth = "record"): every system grows along the
        # record's path; the growth draws are not used (no other draw moves).
        path = self.system.growth_path(y1) if self.system.growth == "record" else None
        # Dated nuclear acquisition (System.nuclear_from): the years are cut where
        # a power acquires, and each stretch runs with its own nuclear mask.
        cuts = sorted({y - 1 for y in self.system.nuclear_from if y0 < y - 1 < y1})
        stretches = list(zip([y0, *cuts], [*cuts, y1], strict=True))
        tables = {a: self._tables._replace(nuclear=_mask(n, self.system.nuclear_at(a)))
                  if self.system.nuclear_from else self._tables for a, _ in stretches}

        def work(lo: int, hi: int) -> None:
            # Each thread draws its own systems' normals (numpy and scipy release
            # the GIL too) and runs them through every block of years, a slice
            # of at most SLICE systems at a time.
            for s0 in range(lo, hi, self.SLICE):
                s1 = min(s0 + self.SLICE, hi)
                step = self.block_years(s1 - s0)
                blocks = [(a, min(a + step, hi_y), tables[lo_y])
                          for lo_y, hi_y in stretches for a in range(lo_y, hi_y, step)]
                for start, stop, tab in blocks:
                    # exp_affine_rows, not np.exp: the same bits on every CPU (engine/libm.py)
                    if path is not None:
                        gmult = np.ascontiguousarray(np.broadcast_to(
                            path[start:stop], (s1 - s0, stop - start, n)))
                    else:
                        g = self._growth if len(self._growth) == 1 else self._growth[s0:s1]
                        gmult = exp_affine_rows(self._normals(keys[s0:s1], start, stop,
                                                              self.off.growth, (n,)),
                                                g[:, 0], g[:, 1])
                    sd = self._noise_sd if len(self._noise_sd) == 1 else self._noise_sd[s0:s1]
                    pmult = (exp_affine_rows(self._normals(keys[s0:s1], start, stop,
                                                           self.off.perceive, (n, n)),
                                             np.zeros_like(sd), sd)
                             if self.noise else np.zeros((1, 1, 1, 1)))
                    _systems(s0, s1, start, stop, keys, gmult, pmult, self._P, tab,
                             self.off, self.dpy, arrays, F, I, Bo, caps, blocs, crises, col0,
                             self.crisis_core)

        threads = threads_for(threads, B)
        if threads == 1:
            work(0, B)
            return
        bounds = np.linspace(0, B, threads + 1).astype(np.int64)
        with ThreadPoolExecutor(threads) as pool:
            for f in [pool.submit(work, int(lo), int(hi))
                      for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]:
                f.result()


def allocate(systems: int, years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Measure arrays for ``systems`` x ``years``: float64, int32 and bool, (measures, B, T).

    The integer measures (counts and power indices, each below N**2) are
    stored as int32: half the memory of int64 for the most numerous kind."""
    return (np.empty((len(FLOAT_MEASURES), systems, years)),
            np.empty((len(INT_MEASURES), systems, years), dtype=INT_MEASURE_DTYPE),
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
    blocs = np.zeros((B, 1, n), dtype=np.int16)
    Kernel(system, policy, dyadic, regime).run(s, np.asarray(keys, dtype=np.uint64), year,
                                               year + 1, F, I, Bo, None, blocs,
                                               threads=threads, col0=year)
    bl = blocs[:, 0]
    allied = (bl[:, :, None] == bl[:, None, :]) & (bl[:, :, None] > 0) & ~np.eye(n, dtype=bool)
    return s, {k: v[:, 0] for k, v in measure_views(F, I, Bo).items()}, allied
