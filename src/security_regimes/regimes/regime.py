"""Regimes as data: principles, norms, rules and decision procedures.

Krasner (1982) defines a regime as "principles, norms, rules, and decision-
making procedures around which actor expectations converge".  Here each norm
is an executable constraint on a decision of the system model, with a
strength in [0, 1]; each member power has an internalisation weight in
[0, 1] that evolves with Jervis's (1982, pp. 360-362) conditions for a
security regime.  The probability that a norm binds a member's decision in a
year is ``strength * weight``.

Norms (decision points of the system year, :mod:`security_regimes.system.model`):

* ``restraint``: a member does not attack another member.
* ``consultation``: members see each other's resolve (crisis core): in a
  crisis between members each side's view of the other's private cost of war
  is drawn toward its true value by ``strength x weight`` (consultation
  narrows private information; Slantchev 2005, Keohane 1984 ch. 6).
* ``conference``: a crisis between members goes to a conference, which
  settles it without war (the Concert's decision procedure; under the crisis
  core, a compromise that splits the difference under full information).
* ``compensation``: when a member gains by war, a share of its gain goes to
  the members that stayed out (the Concert's "compensations").
* ``no_elimination``: a victorious member does not press on to eliminate a
  beaten member.
* ``readmission``: a defeated member is readmitted as a partner at once.
* ``collective``: members act jointly against a violator: when a member
  attacks a member, each other member not yet at war sides with the victim
  (probability ``strength x weight``), and every member expects it when it
  weighs an attack on a member (Slantchev 2005; the Concert's joint action,
  as against Mehemet Ali in 1840).

(Before issue 26's split, ``consultation`` also held the conference; a regime
written with ``consultation`` alone now has no conferences: add ``conference``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from .._settings import Settings, check_settings
from .._tables import CONDITIONS_SETTINGS, NORMS, REGIME_SETTINGS  # noqa: F401 - NORMS re-exported


@dataclass(frozen=True)
class Conditions:
    """Jervis's conditions for a security regime, and what moves them.

    Each field's valid range is a row of :attr:`Conditions.SETTINGS`.

    The norms exist as a possible convention from the start; each member's
    internalisation weight moves each year (``adaptation``) toward a target
    set by the four conditions below, times its relative decline.  The
    regime *forms* in the first year its strength (the smaller of the living
    members' mean weight and their mean trust that the others comply)
    reaches ``threshold``, and *holds* (is in force) while it stays there;
    the norms bind only while it is in force.  Betrayal lowers it: while it
    is in force, a member's attack on a member is seen by every member, and
    trust in the violator falls.  A *hegemonic war* (detected by the model:
    most great powers fight and the predominant power is beaten) restores the
    memory of war to 1 and makes a new settlement (the shares against which
    decline is measured).

    Parameters
    ----------
    regulation : float in [0, 1]
        (1) How much the great powers want a more regulated environment.
    regulation_from_war : bool
        Derive condition 1 from interests: ``regulation`` times each member's
        mean over the other members of the share of its capability the
        shortest decided war with that member would destroy,
        ``1 - (1 - rate) ** decisive_lead`` (``nuclear_cost`` between nuclear
        powers, ``war_cost`` otherwise;
        :func:`security_regimes.system.model.derived_regulation`): where war
        would be ruinous, restraint is self-interested (nuclear chicken) and
        so is the wish for rules.
    shared_value : float in [0, 1]
        (2) How far each believes the others share its value on mutual
        security.  Multiplied by the share of the other members that each
        member expects to reciprocate (its reciprocity beliefs, updated from
        what it saw of their behaviour; see :mod:`security_regimes.system.model`),
        so a violator lowers the trust of those it wronged, not everyone's.
    revisionist : sequence of int
        (3) Powers that believe their security is best served by expansion
        (their internalisation target is 0).  ``shock_rate`` is the yearly
        probability that any other power turns revisionist without a change of
        government (0 in every built-in scenario).
    domestic_rate : float in [0, 1]
        Yearly probability of a domestic change of government (a revolution or
        a change of regime) in each power.  Its new government has not
        internalised the norms (its weight starts again from 0) and brings its
        own goals: it is revisionist with probability ``domestic_revisionist``
        and not revisionist otherwise.  (It changes the regime's state only, so
        a run and its twin without the regime stay identical until the regime
        first binds.)  The Concert's values are the record's, computed by
        :func:`security_regimes.data.domestic_change_rates` from the dated
        changes of the great powers in 1816-1913.  At most one event per power and year: ``shock_rate + domestic_rate``
        must not exceed 1.
    domestic_revisionist : float in [0, 1]
        Share of domestic changes that bring a revisionist government.
    events : sequence of (year, power, kind)
        Dated events, replayed in the run's year (1: the first year) whatever
        the rates draw: kind ``"domestic"`` a change of government (as above,
        not revisionist), ``"revisionist"`` a change of government that brings
        a revisionist one.  :func:`security_regimes.data.dated_domestic_changes`
        gives the great powers' changes of 1816-1913 in this form.
    war_cost_perception : float in [0, 1]
        (4) How costly war and the individualistic pursuit of security are
        seen to be, before the memory of war is added.
    memory : float in [0, 1]
        Memory of a recent hegemonic war at the start (raises condition 4):
        the cost of war as the powers have seen it.
    learning : float in [0, 1]
        How the memory changes: only through new experience.  In a year with
        wars between members, a share ``learning`` of the memory is replaced by
        the cost those wars were seen to have, ``min(memory_gain * destroyed /
        total, 1)`` (a lesson drawn from the latest war: Reiter 1996; limited,
        cheap wars teach that war is cheap, the "short-war illusion" of
        Snyder 1984).  A hegemonic war sets it to 1.  Years of peace leave it
        as it is, unless ``half_life`` is set.
    half_life : float > 0 or None
        Years for the memory to halve in peace (a clock; ``None``, the
        default: the memory does not fade with time).
    memory_gain : float >= 0
        Cost of war seen per unit of capability destroyed in member wars
        (relative to the system total).
    adaptation : float in (0, 1]
        Share of the gap to its target that a weight closes each year.
    initial_weight : float in [0, 1] or None
        Weights at the start (default 0: nobody has internalised the norms
        yet); ``None`` starts at the target.
    threshold : float in [0, 1]
        Strength at which the regime forms and holds.
    decline : float >= 0
        How far relative decline lowers a member's target: its target is
        multiplied by ``min(share / share_at_settlement, 1) ** decline``
        (a declining power comes to see its security in preventive war,
        not restraint; Gilpin 1981, Copeland 2000).  0 switches it off.
    available_from : int >= 1
        Year of the run (1: the first) from which the regime can be in force:
        the date of its norms (the Basic Principles of 1972 are year 27 of a
        run from 1946).  Before it the members' weights follow their targets
        (the conditions exist), but the norms bind no one.  Default 1.
    """

    regulation: float = 1.0
    regulation_from_war: bool = False
    shared_value: float = 1.0
    revisionist: tuple[int, ...] = ()
    shock_rate: float = 0.0
    domestic_rate: float = 0.0
    domestic_revisionist: float = 0.0
    events: tuple[tuple[int, int, str], ...] = ()
    war_cost_perception: float = 1.0
    memory: float = 0.0
    learning: float = 0.5
    half_life: float | None = None
    memory_gain: float = 2.0
    adaptation: float = 0.2
    initial_weight: float | None = 0.0
    threshold: float = 0.5
    decline: float = 1.0
    available_from: int = 1

    SETTINGS: ClassVar[Settings] = CONDITIONS_SETTINGS

    def __post_init__(self) -> None:
        check_settings(self)
        if self.shock_rate + self.domestic_rate > 1:
            raise ValueError(f"shock_rate + domestic_rate must be at most 1 (one event per "
                             f"power and year), got {self.shock_rate} + {self.domestic_rate}")


@dataclass(frozen=True)
class Regime:
    """A security regime among ``members`` (default: all powers).

    ``norms`` maps norm name to strength in [0, 1]; ``compensation_share``
    is the share of a war gain handed to abstaining members when the
    compensation norm binds.  ``principles`` and ``rules`` are documentation
    carried into reports.
    """

    name: str = "regime"
    norms: Mapping[str, float] = field(default_factory=lambda: {n: 1.0 for n in NORMS})
    members: tuple[int, ...] | None = None
    conditions: Conditions = field(default_factory=Conditions)
    compensation_share: float = 0.5
    principles: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    SETTINGS: ClassVar[Settings] = REGIME_SETTINGS

    def __post_init__(self) -> None:
        check_settings(self)
        if isinstance(self.conditions, Mapping):
            object.__setattr__(self, "conditions", conditions_from_dict(self.conditions))
        elif not isinstance(self.conditions, Conditions):
            raise ValueError(f"conditions must be Conditions or a table, got "
                             f"{self.conditions!r}")

    def strength(self, norm: str) -> float:
        return self.norms.get(norm, 0.0)

    def member_mask(self, n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        if any(not 0 <= p < n for _, p, _ in self.conditions.events):
            raise ValueError(f"regime conditions.events: powers must be indices in [0, {n})")
        if self.members is None:
            mask[:] = True
        else:
            if any(not 0 <= i < n for i in self.members):
                raise ValueError(f"regime members must be power indices in [0, {n})")
            mask[list(self.members)] = True
        return mask

    def with_norms(self, **norms: float) -> Regime:
        return replace(self, norms={**self.norms, **norms})


def _known(data: Mapping, cls, what: str) -> None:
    fields = cls.SETTINGS.names
    for key in data:
        if key not in fields:
            raise ValueError(f"unknown {what} {key!r}; expected one of {sorted(fields)}")


def conditions_from_dict(data: Mapping) -> Conditions:
    """Build :class:`Conditions` from plain data, naming any unknown field."""
    _known(data, Conditions, "regime condition")
    return Conditions(**data)


def regime_from_dict(data: Mapping) -> Regime:
    """Build a :class:`Regime` from plain data, naming any unknown field."""
    _known(data, Regime, "regime field")
    return Regime(**data)
