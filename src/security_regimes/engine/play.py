"""The batched repeated-game engine.

All matches of a batch advance together, turn by turn: one loop over turns,
numpy over matches.  Player slots are laid out as ``[side A of every match,
side B of every match]`` (shape ``(2 * n,)``), so a turn is a handful of
gathers whatever the mix of strategies.

Randomness (stochastic strategies, noise, misperception, match length) comes
from per-match counter-based streams keyed by ``(seed, match index)``; see
:mod:`security_regimes.engine.rng`.  A match's result therefore depends only
on the seed and its index, not on the batch it was played in.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .._repr import Summarised
from .._resources import check_fits
from .._settings import DEFAULT_SEED
from .._validation import check_int, check_probability
from ..games.interop import as_strategy
from ..games.stage import Game, get_game
from ..games.strategies import Strategy, VectorStrategy
from .fsm import compile_strategy
from .rng import GOLDEN, root_entropy, spawn_keys, uniforms

# Counter layout of a match's stream: turn t uses counters 8t .. 8t+5
# (action, noise, misperception, each for side A and B); the match length
# uses a counter far beyond any turn.
_ACTION, _NOISE, _MISPERCEIVE = 0, 2, 4
_LENGTH_COUNTER = np.uint64(2**62)


def _misperception_pair(m) -> tuple[float, float]:
    if np.ndim(m) == 0:
        v = check_probability(m, "misperception")
        return v, v
    if len(m) != 2:
        raise ValueError(f"misperception must be a probability or a pair of them, got {m!r}")
    return (
        check_probability(m[0], "misperception[0]"),
        check_probability(m[1], "misperception[1]"),
    )


@dataclass
class Batch:
    """Result of :func:`play_batch` for ``n`` matches.

    Attributes
    ----------
    moves : bool array, shape (turns, n, 2)
        Moves actually played (after noise); ``True`` = restraint.  Turns at
        or beyond a match's length are ``False`` and carry no payoff.
    lengths : int array, shape (n,)
        Number of turns each match lasted.
    scores : float array, shape (n, 2)
        Total payoff of each side (game's utility units).
    restraints : int array, shape (n, 2) or None
        Turns in which each side restrained (``moves.sum(axis=0)``, counted
        while playing).
    """

    moves: np.ndarray
    lengths: np.ndarray
    scores: np.ndarray
    restraints: np.ndarray | None = None


#: Below this many match-turns a batch runs on one thread: waking numba's
#: threads costs more than they save (``benchmarks/bench_tournament.py``: the
#: noise-free benchmark tournament, 55 matches of 200 turns once its
#: deterministic pairs are shared, ran as fast on one thread as on two, and
#: used less CPU; with noise, 220,000 match-turns, two threads were 1.4x).
THREAD_WORK = 50_000


@contextmanager
def _threads_for(work: int):
    """numba's threads for a batch of ``work`` match-turns: one when it is small."""
    if work >= THREAD_WORK:
        yield
        return
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def play_batch(
    a: Sequence[Strategy | VectorStrategy],
    b: Sequence[Strategy | VectorStrategy],
    *,
    turns: int = 200,
    game: Game | str | None = None,
    noise: float = 0.0,
    misperception: float | tuple[float, float] = 0.0,
    continuation: float | None = None,
    seed: int | None = DEFAULT_SEED,
    index: np.ndarray | None = None,
    compiled: bool = True,
) -> Batch:
    """Play matches ``a[i]`` vs ``b[i]`` for all ``i`` at once.

    ``index`` gives each match's position in the job's stream (default
    ``0..n-1``); the same ``(seed, index)`` always gives the same match.
    With ``continuation`` set, each match lasts a geometric number of turns
    (mean ``1 / (1 - continuation)``), capped at ``turns``.
    """
    # Resolve each distinct object once (matches often share strategy objects):
    # slots map to distinct objects through one vectorised ``unique``.
    objs = (*a, *b)
    ids = np.fromiter(map(id, objs), dtype=np.int64, count=len(objs))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    distinct = [as_strategy(objs[i]) for i in first]
    return play_indexed(distinct, inverse[:len(a)], inverse[len(a):], turns=turns, game=game,
                        noise=noise, misperception=misperception, continuation=continuation,
                        seed=seed, index=index, compiled=compiled)


def play_indexed(
    players: Sequence[Strategy | VectorStrategy],
    a: np.ndarray,
    b: np.ndarray,
    *,
    turns: int = 200,
    game: Game | str | None = None,
    noise: float = 0.0,
    misperception: float | tuple[float, float] = 0.0,
    continuation: float | None = None,
    seed: int | None = DEFAULT_SEED,
    index: np.ndarray | None = None,
    compiled: bool = True,
) -> Batch:
    """:func:`play_batch` of ``players[a[i]]`` vs ``players[b[i]]`` (int arrays, shape (n,)).

    For callers that know each match's strategies by number, as a round
    robin does: no strategy object per match.  Same results as
    :func:`play_batch` with the same seed and index.
    """
    game = get_game(game)
    turns = check_int(turns, "turns", 1)
    noise = check_probability(noise, "noise")
    mis = _misperception_pair(misperception)
    if continuation is not None:
        continuation = check_probability(continuation, "continuation")
        if continuation >= 1.0:
            raise ValueError("continuation must be < 1, got 1.0")
    if len(a) != len(b):
        raise ValueError(f"a and b must have the same length, got {len(a)} and {len(b)}")
    a, b = np.asarray(a), np.asarray(b)
    for side, ix in (("a", a), ("b", b)):
        if ix.size and (not np.issubdtype(ix.dtype, np.integer) or ix.min() < 0
                        or ix.max() >= len(players)):
            raise ValueError(f"{side} must hold indices of players (0 to {len(players) - 1})")
    n = len(a)
    # moves (turns, 2n) and its stacked and masked copies: about 6 bytes per match-turn.
    check_fits(6 * turns * max(n, 1) + 400 * n, f"{n:,} matches x {turns:,} turns",
               "use fewer turns, repetitions or strategies")
    idx = np.arange(n) if index is None else np.asarray(index)
    inverse = np.concatenate([a, b]).astype(np.intp)
    distinct = [as_strategy(p).for_game(game) for p in players]

    # Compile the finite-state strategies into one concatenated table; the
    # state is kept pre-multiplied by 8 so that next = table[state8 + obs].
    is_fsm = np.array([isinstance(p, Strategy) for p in distinct], dtype=bool)
    fsm_slots = is_fsm[inverse]
    acts, nexts = [], []
    offset = 0
    vector_groups: dict[int, tuple[VectorStrategy, list[int]]] = {}
    stochastic = noise > 0 or mis[0] > 0 or mis[1] > 0
    distinct_offset = np.zeros(len(distinct), dtype=np.int64)
    tables: dict[int, int] = {}  # id(resolved strategy) -> offset of its table
    for u, p in enumerate(distinct):
        if isinstance(p, Strategy):
            o = tables.get(id(p))
            if o is None:
                tab = compile_strategy(p, turns)
                o = tables[id(p)] = offset
                acts.append(tab.act)
                nexts.append((tab.next.astype(np.int64) + offset) * 8)
                offset += len(tab.act)
                stochastic |= tab.stochastic
            distinct_offset[u] = o
        else:
            stochastic |= bool(p.classifier.get("stochastic", False))
    slot_offset = distinct_offset[inverse]
    for u in np.nonzero(~is_fsm)[0]:  # vectorised strategies: one group per object
        p = distinct[u]
        ix = np.nonzero(inverse == u)[0].tolist()
        g = vector_groups.setdefault(id(p), (p, []))
        g[1].extend(ix)
    act8 = np.zeros(8 * max(offset, 1))
    if acts:
        act8[::8] = np.concatenate(acts)
    next8 = np.concatenate([t.ravel() for t in nexts]) if nexts else np.zeros(8, np.int64)
    det_act8 = act8 > 0.5
    all_fsm = bool(fsm_slots.all())
    state8 = slot_offset * 8
    groups = [(g, np.array(ix), g.start(len(ix))) for g, ix in vector_groups.values()]

    side = np.repeat(np.arange(2, dtype=np.uint64), n)
    partner = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    mis_slot = np.repeat(np.array(mis), n)
    need_keys = stochastic or continuation is not None
    keys = spawn_keys(seed, idx) if need_keys and n else np.zeros(n, np.uint64)
    base = np.concatenate([keys, keys]) + side * GOLDEN  # side B uses counter + 1

    if continuation is not None and continuation > 0:
        from .libm import geometric_lengths  # compiled: the same bits on every CPU

        u = uniforms(keys, _LENGTH_COUNTER)
        lengths = geometric_lengths(np.ascontiguousarray(u, dtype=np.float64),
                                    float(continuation), int(turns))
    elif continuation is not None:
        lengths = np.ones(n, dtype=np.int64)
    else:
        lengths = np.full(n, turns, dtype=np.int64)
    horizon = int(lengths.max()) if n else 0

    if all_fsm and compiled and n:
        from .kernels import play_fsm, state_codes

        with _threads_for(n * horizon):
            moves, counts = play_fsm(act8[::8].copy(), state_codes(act8, next8),
                                     state_codes(act8, state8), base, lengths, horizon,
                                     float(noise), mis_slot.astype(np.float64),
                                     bool(stochastic))
        na, nb, cc = counts[:, 0], counts[:, 1], counts[:, 2]
    else:
        moves = _play_numpy(act8, next8, det_act8, state8, fsm_slots, all_fsm, acts, groups,
                            base, partner, mis_slot, lengths, horizon, n, noise, stochastic)
        na = moves[..., 0].sum(axis=0)
        nb = moves[..., 1].sum(axis=0)
        cc = (moves[..., 0] & moves[..., 1]).sum(axis=0)
    # Totals from outcome counts: cheaper than a payoff per turn.
    cd, dc, dd = na - cc, nb - cc, lengths - na - nb + cc
    scores = np.stack(
        [
            game.R * cc + game.S * cd + game.T * dc + game.P * dd,
            game.R * cc + game.T * cd + game.S * dc + game.P * dd,
        ],
        axis=-1,
    )
    return Batch(moves=moves, lengths=lengths, scores=scores,
                 restraints=np.stack([na, nb], axis=-1))


def _play_numpy(act8, next8, det_act8, state8, fsm_slots, all_fsm, acts, groups, base, partner,
                mis_slot, lengths, horizon, n, noise, stochastic) -> np.ndarray:
    """The batched numpy turn loop (any strategies); the reference for the compiled kernel."""
    moves = np.empty((horizon, 2 * n), dtype=bool)
    p = np.empty(2 * n)
    for t in range(horizon):
        c = np.uint64(8 * t)
        if all_fsm and not stochastic:
            intended = det_act8[state8]
        else:
            if acts:
                p[fsm_slots] = act8[state8[fsm_slots]] if not all_fsm else act8[state8]
            for g, ix, st in groups:
                p[ix] = g.act(st)
            intended = (uniforms(base, c + np.uint64(_ACTION)) < p) if stochastic else p > 0.5
        actual = intended
        if noise > 0:
            actual = intended ^ (uniforms(base, c + np.uint64(_NOISE)) < noise)
        seen = actual[partner]
        if mis_slot.any():
            seen = seen ^ (uniforms(base, c + np.uint64(_MISPERCEIVE)) < mis_slot)
        obs = (intended.view(np.uint8) << 2) | (actual.view(np.uint8) << 1) | seen.view(np.uint8)
        if all_fsm:
            state8 = next8[state8 + obs]
        elif acts:
            state8[fsm_slots] = next8[state8[fsm_slots] + obs[fsm_slots]]
        for g, ix, st in groups:
            g.observe(st, intended[ix], actual[ix], seen[ix])
        moves[t] = actual

    moves = np.stack([moves[:, :n], moves[:, n:]], axis=-1)  # (turns, n, 2)
    live = np.arange(horizon)[:, None] < lengths[None, :]
    moves &= live[:, :, None]
    return moves


@dataclass(repr=False)
class MatchResult(Summarised):
    """One match.

    Attributes
    ----------
    players : tuple of str
        Display names of the two strategies.
    moves : bool array, shape (turns, 2)
        Moves played (after noise); ``True`` = cooperate / restrain.
    scores : float array, shape (2,)
        Total payoff of each player over the match.
    seed : int
        Root entropy that reproduces this match.
    """

    players: tuple[str, str]
    moves: np.ndarray
    scores: np.ndarray
    seed: int

    def _summary(self):
        turns = len(self.moves)
        shown = "".join("C" if m else "D" for m in self.moves[:40, 0]) if turns else ""
        other = "".join("C" if m else "D" for m in self.moves[:40, 1]) if turns else ""
        more = f" ... ({turns:,} turns)" if turns > 40 else ""
        return (f"MatchResult: {self.players[0]} vs {self.players[1]}, {turns:,} turns, "
                f"seed {self.seed}", [
                    ("scores", f"{self.scores[0]:g}, {self.scores[1]:g}"),
                    (self.players[0], shown + more), (self.players[1], other + more)])

    @property
    def turns(self) -> int:
        return int(self.moves.shape[0])

    @property
    def cooperation(self) -> np.ndarray:
        """Share of turns each player restrained, shape (2,)."""
        return self.moves.mean(axis=0)

    def __repr__(self) -> str:
        return (
            f"MatchResult({self.players[0]!r} vs {self.players[1]!r}, turns={self.turns}, "
            f"scores={self.scores.tolist()})"
        )


def match(
    a: Strategy | VectorStrategy | str,
    b: Strategy | VectorStrategy | str,
    turns: int = 200,
    game: Game | str | None = None,
    noise: float = 0.0,
    misperception: float | tuple[float, float] = 0.0,
    continuation: float | None = None,
    seed: int | None = DEFAULT_SEED,
) -> MatchResult:
    """Play one repeated game between strategies ``a`` and ``b``.

    Strategies may be objects or display names (case-insensitive), e.g.
    ``match("Tit For Tat", "Defector", turns=10)``.  ``noise`` flips an
    intended move with that probability; ``misperception`` (one value, or a
    pair for sides A and B) flips the opponent's move as a side sees it;
    ``continuation`` replaces the fixed length by a geometric one (the shadow
    of the future), capped at ``turns``.
    """
    sa, sb = as_strategy(a), as_strategy(b)
    entropy = root_entropy(seed)
    batch = play_batch(
        [sa], [sb], turns=turns, game=game, noise=noise, misperception=misperception,
        continuation=continuation, seed=entropy,
    )
    g = get_game(game)
    names = (sa.for_game(g).display_name, sb.for_game(g).display_name)
    length = int(batch.lengths[0])
    return MatchResult(names, batch.moves[:length, 0, :], batch.scores[0], entropy)
