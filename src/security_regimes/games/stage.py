"""Two-by-two stage games of restraint and expansion.

Moves are booleans: ``True`` = cooperate / restrain, ``False`` = defect /
expand (arm, attack).  Payoffs follow the usual names:

* ``R`` reward for mutual restraint,
* ``S`` sucker's payoff, restraint exploited,
* ``T`` temptation, exploiting the other's restraint,
* ``P`` punishment, mutual arms race or war.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_finite, check_probability


@dataclass(frozen=True)
class Game:
    """A symmetric 2x2 stage game.

    Parameters
    ----------
    R, S, T, P : float
        Payoffs (utility units per turn) to the row player for (C, C), (C, D),
        (D, C) and (D, D).  Must be finite.
    name : str
        Label used in tables and reports.
    """

    R: float = 3.0
    S: float = 0.0
    T: float = 5.0
    P: float = 1.0
    name: str = "custom"

    def __post_init__(self) -> None:
        for key in ("R", "S", "T", "P"):
            object.__setattr__(self, key, check_finite(getattr(self, key), f"payoff {key}"))

    @property
    def matrix(self) -> np.ndarray:
        """Row player's payoffs indexed ``[my_move, other_move]`` with 1 = cooperate.

        Shape (2, 2): ``[[P, T], [S, R]]``.
        """
        return np.array([[self.P, self.T], [self.S, self.R]], dtype=float)

    def payoffs(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Payoffs for boolean move arrays ``a`` and ``b`` of any equal shape."""
        m = self.matrix
        ai, bi = np.asarray(a, dtype=np.intp), np.asarray(b, dtype=np.intp)
        return m[ai, bi], m[bi, ai]

    def kind(self) -> str:
        """Classify by the ordering of payoffs (ties count as the weaker relation)."""
        R, S, T, P = self.R, self.S, self.T, self.P
        if T > R > P > S:
            return "prisoners_dilemma"
        if R > T and P > S and R > P:
            return "stag_hunt"
        if T > R > S > P:
            return "chicken"
        if T > P > R > S:
            return "deadlock"
        if R > T and S > P:
            return "harmony"
        return "other"


PRISONERS_DILEMMA = Game(R=3, S=0, T=5, P=1, name="prisoners_dilemma")
"""Prisoner's dilemma payoffs as in Axelrod (1984) and the Axelrod library."""
STAG_HUNT = Game(R=4, S=0, T=3, P=1, name="stag_hunt")
"""Stag hunt: mutual restraint is best, but restraint against expansion is worst."""
CHICKEN = Game(R=3, S=1, T=4, P=0, name="chicken")
"""Chicken: mutual expansion (nuclear war) is the worst outcome of all."""
DEADLOCK = Game(R=1, S=0, T=3, P=2, name="deadlock")
"""Deadlock: both prefer mutual expansion to mutual restraint."""
HARMONY = Game(R=4, S=2, T=3, P=1, name="harmony")
"""Harmony: restraint dominates; there is no dilemma."""

PRESETS: dict[str, Game] = {
    g.name: g for g in (PRISONERS_DILEMMA, STAG_HUNT, CHICKEN, DEADLOCK, HARMONY)
}
"""The preset games by name (``Game`` or a name is accepted wherever a game is)."""


def get_game(game: Game | str | None) -> Game:
    """Accept a :class:`Game`, a preset name, or ``None`` (prisoner's dilemma)."""
    if game is None:
        return PRISONERS_DILEMMA
    if isinstance(game, Game):
        return game
    from .._validation import check_choice

    return PRESETS[check_choice(str(game), PRESETS, "game")]


@dataclass(frozen=True)
class SecurityDilemma:
    """A stage game built from Jervis's (1978) variables.

    Jervis, "Cooperation under the Security Dilemma", *World Politics* 30(2),
    names four payoffs that decide whether states cooperate, and two variables
    that shape them.  Payoffs are measured against the status quo (0).

    Parameters
    ----------
    gain_cooperation : float >= 0
        Gain from mutual cooperation (CC).  ``R = gain_cooperation``.
    cost_exploited : float >= 0
        Cost of being exploited while restraining (CD).
    gain_exploit : float >= 0
        Gain from exploiting the other's restraint (DC).
    cost_arms_race : float >= 0
        Cost of mutual non-cooperation, an arms race or war (DD).
        ``P = -cost_arms_race``.
    offense_defense : float in [-1, 1]
        Offense-defense balance: -1 defense dominant, 0 neutral, +1 offense
        dominant.  Scales what can be won or lost by a first move by the
        factor ``1 + offense_defense``: with offense dominant exploitation is
        more tempting and being exploited costlier; with defense dominant a
        state can neither exploit nor be exploited much.
    distinguishability : float in [0, 1]
        How far offensive postures can be told apart from defensive ones.
        Two effects: (i) a restrained (defensive) posture is recognised, so
        the base misperception rate is reduced to
        ``misperception * (1 - distinguishability)``; (ii) offensive
        preparations give warning, so the victim can respond in time and the
        first-move stakes shrink by ``1 - distinguishability / 2``.
    misperception : float in [0, 1]
        Base probability that a move is seen as its opposite when postures
        cannot be distinguished at all.

    Notes
    -----
    The resulting payoffs are::

        stakes = (1 + offense_defense) * (1 - distinguishability / 2)
        R = gain_cooperation
        T = gain_exploit * stakes
        S = -cost_exploited * stakes
        P = -cost_arms_race

    The defaults (3, 2, 5, 1, neutral, indistinguishable) give a prisoner's
    dilemma (T=5 > R=3 > P=-1 > S=-2).  A strong defense advantage turns it
    into harmony (R > T, S > P); offense advantage deepens the dilemma.
    """

    gain_cooperation: float = 3.0
    cost_exploited: float = 2.0
    gain_exploit: float = 5.0
    cost_arms_race: float = 1.0
    offense_defense: float = 0.0
    distinguishability: float = 0.0
    misperception: float = 0.05

    def __post_init__(self) -> None:
        for key in ("gain_cooperation", "cost_exploited", "gain_exploit", "cost_arms_race"):
            v = check_finite(getattr(self, key), key)
            if v < 0:
                raise ValueError(f"{key} must be >= 0 (a magnitude), got {v!r}")
        od = check_finite(self.offense_defense, "offense_defense")
        if not -1.0 <= od <= 1.0:
            raise ValueError(f"offense_defense must be in [-1, 1], got {od!r}")
        check_probability(self.distinguishability, "distinguishability")
        check_probability(self.misperception, "misperception")

    @property
    def stakes(self) -> float:
        """Multiplier on first-move gains and losses (dimensionless, in [0, 2])."""
        return (1.0 + self.offense_defense) * (1.0 - self.distinguishability / 2.0)

    @property
    def game(self) -> Game:
        """The stage game these variables give (payoffs against the status quo, 0)."""
        k = self.stakes
        return Game(
            R=self.gain_cooperation,
            S=-self.cost_exploited * k,
            T=self.gain_exploit * k,
            P=-self.cost_arms_race,
            name=f"security_dilemma(od={self.offense_defense:g},d={self.distinguishability:g})",
        )

    @property
    def effective_misperception(self) -> float:
        """Probability a move is misread, after distinguishability."""
        return self.misperception * (1.0 - self.distinguishability)

    def match_kwargs(self) -> dict:
        """Keyword arguments for :func:`security_regimes.match` / ``tournament``."""
        return {"game": self.game, "misperception": self.effective_misperception}
