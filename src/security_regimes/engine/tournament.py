"""Round-robin tournaments, played as one batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._repr import Summarised, names
from .._resources import check_fits
from .._settings import DEFAULT_SEED
from .._validation import check_int
from ..games.interop import as_strategy
from ..games.stage import Game, get_game
from ..games.strategies import Strategy, VectorStrategy
from .play import play_indexed
from .rng import root_entropy


@dataclass(repr=False)
class TournamentResult(Summarised):
    """Result of :func:`tournament`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per player per match: ``strategy``, ``opponent`` (categorical),
        ``repetition``, ``score`` (total payoff), ``turns``, ``cooperation``
        (share of turns restrained).  Self-play gives two rows.
    ranking : list of str
        Strategy names, best first, by the median over repetitions of the
        mean score per turn against the other strategies (as Axelrod's
        ``ranked_names``).
    seed : int
        Root entropy that reproduces the tournament.
    """

    players: list[str]
    scores: pd.DataFrame
    ranking: list[str]
    seed: int

    def _summary(self):
        reps = int(self.scores.repetition.max()) + 1 if len(self.scores) else 0
        return (f"TournamentResult: {len(self.players)} strategies, {reps} repetitions, "
                f"seed {self.seed}", [("ranking", names(self.ranking, 8)),
                                      ("see", ".summary, .scores")])

    @property
    def summary(self) -> pd.DataFrame:
        """Per strategy: median normalised score, mean cooperation, rank."""
        df = self.scores[self.scores.strategy != self.scores.opponent]
        per_rep = (
            df.assign(per_turn=df.score / df.turns)
            .groupby(["strategy", "repetition"], sort=False)
            .agg(per_turn=("per_turn", "mean"), cooperation=("cooperation", "mean"))
        )
        out = per_rep.groupby(level=0, sort=False).agg(
            median_score=("per_turn", "median"), cooperation=("cooperation", "mean")
        )
        out = out.reindex(self.ranking)
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return out.reset_index(names="strategy")


def tournament(
    strategies: Sequence[Strategy | VectorStrategy | str],
    turns: int = 200,
    repetitions: int = 10,
    game: Game | str | None = None,
    noise: float = 0.0,
    misperception: float | tuple[float, float] = 0.0,
    continuation: float | None = None,
    seed: int | None = DEFAULT_SEED,
) -> TournamentResult:
    """Round robin, self-play included, every pair ``repetitions`` times.

    Match ``k`` (pairs ``i <= j`` in order, repetition-major) draws its random
    numbers from child ``k`` of ``SeedSequence(seed)``.
    """
    g = get_game(game)
    players = [as_strategy(s).for_game(g) for s in strategies]
    if len(players) < 1:
        raise ValueError("tournament needs at least one strategy")
    names = [p.display_name for p in players]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"strategy names must be unique in a tournament, repeated: {dupes}")
    repetitions = check_int(repetitions, "repetitions", 1)
    entropy = root_entropy(seed)
    ii, jj = np.triu_indices(len(players))
    n_pairs = len(ii)
    # The match index arrays alone: about 40 bytes per match, before any move.
    check_fits(40 * n_pairs * repetitions, f"{n_pairs * repetitions:,} matches "
               f"({n_pairs:,} pairs x {repetitions:,} repetitions)",
               "use fewer repetitions or strategies")
    reps = np.repeat(np.arange(repetitions), n_pairs)
    pi, pj = np.tile(ii, repetitions), np.tile(jj, repetitions)
    mis = np.broadcast_to(np.asarray(misperception, dtype=float), (2,))
    deterministic = (noise == 0 and not mis.any() and continuation is None and not any(
        p.classifier.get("stochastic", False) for p in players))
    if deterministic and repetitions > 1:
        # Without randomness every repetition of a pair is the same match: play it
        # once and share the result (a test checks this equals playing them all).
        once = play_indexed(players, ii, jj, turns=turns, game=g, seed=entropy)
        lengths = np.tile(once.lengths, repetitions)
        scores_arr = np.tile(once.scores, (repetitions, 1))
        coop = np.tile(once.restraints / once.lengths[:, None], (repetitions, 1))
    else:
        batch = play_indexed(players, pi, pj, turns=turns, game=g, noise=noise,
                             misperception=misperception, continuation=continuation, seed=entropy)
        lengths, scores_arr = batch.lengths, batch.scores
        coop = batch.restraints / batch.lengths[:, None]  # (n, 2)
    # Names as categoricals: codes and one list of names, built without a
    # Python string per row.
    label = pd.CategoricalDtype(names)
    scores = pd.DataFrame(
        {
            "strategy": pd.Categorical.from_codes(np.concatenate([pi, pj]), dtype=label),
            "opponent": pd.Categorical.from_codes(np.concatenate([pj, pi]), dtype=label),
            "repetition": np.concatenate([reps, reps]),
            "score": np.concatenate([scores_arr[:, 0], scores_arr[:, 1]]),
            "turns": np.concatenate([lengths, lengths]),
            "cooperation": np.concatenate([coop[:, 0], coop[:, 1]]),
        }
    )
    order = _ranking(scores_arr / lengths[:, None], pi, pj, reps, len(names), repetitions)
    ranking = [names[k] for k in order]
    return TournamentResult(players=names, scores=scores, ranking=ranking, seed=entropy)


def _ranking(per_turn, pi, pj, reps, n_players, repetitions) -> list[int]:
    """Order of players by median (over repetitions) mean score per turn vs others."""
    if n_players == 1:
        return [0]
    other = pi != pj
    # One bincount over both sides: the same additions, in the same order, as
    # np.add.at for side A then side B.
    cell = np.concatenate([pi[other], pj[other]]) * repetitions + np.tile(reps[other], 2)
    total = np.bincount(cell, weights=np.concatenate([per_turn[other, 0], per_turn[other, 1]]),
                        minlength=n_players * repetitions).reshape(n_players, repetitions)
    med = np.median(total / (n_players - 1), axis=1)
    # Stable sort on the negated median keeps input order among ties, like Axelrod.
    return list(np.argsort(-med, kind="stable"))
