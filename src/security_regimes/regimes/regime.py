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
* ``consultation``: a crisis between members goes to a conference, which
  settles it without war (the Concert's decision procedure).
* ``compensation``: when a member gains by war, a share of its gain goes to
  the members that stayed out (the Concert's "compensations").
* ``no_elimination``: a victorious member does not press on to eliminate a
  beaten member.
* ``readmission``: a defeated member is readmitted as a partner at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import check_finite, check_probability

NORMS = ("restraint", "consultation", "compensation", "no_elimination", "readmission")


@dataclass(frozen=True)
class Conditions:
    """Jervis's conditions for a security regime, and what moves them.

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
    shared_value : float in [0, 1]
        (2) How far each believes the others share its value on mutual
        security.  Multiplied by the share of the other members that each
        member expects to reciprocate (its reciprocity beliefs, updated from
        what it saw of their behaviour; see :mod:`security_regimes.system.model`),
        so a violator lowers the trust of those it wronged, not everyone's.
    revisionist : sequence of int
        (3) Powers that believe their security is best served by expansion
        (their internalisation target is 0).  ``shock_rate`` is the yearly
        probability that any other member turns revisionist (a change of
        goals, as Russia's in 1853 or France's under Napoleon III).
    war_cost_perception : float in [0, 1]
        (4) How costly war and the individualistic pursuit of security are
        seen to be, before the memory of war is added.
    memory : float in [0, 1]
        Memory of a recent hegemonic war at the start (raises condition 4).
    half_life : float > 0
        Years for that memory to halve.
    memory_gain : float >= 0
        Memory added per unit of capability destroyed in a member war
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
    """

    regulation: float = 1.0
    shared_value: float = 1.0
    revisionist: tuple[int, ...] = ()
    shock_rate: float = 0.0
    war_cost_perception: float = 1.0
    memory: float = 0.0
    half_life: float = 20.0
    memory_gain: float = 2.0
    adaptation: float = 0.2
    initial_weight: float | None = 0.0
    threshold: float = 0.5
    decline: float = 1.0

    def __post_init__(self) -> None:
        for key in ("regulation", "shared_value", "shock_rate", "war_cost_perception", "memory"):
            check_probability(getattr(self, key), key)
        if check_finite(self.half_life, "half_life") <= 0:
            raise ValueError(f"half_life must be > 0 years, got {self.half_life!r}")
        if check_finite(self.memory_gain, "memory_gain") < 0:
            raise ValueError(f"memory_gain must be >= 0, got {self.memory_gain!r}")
        a = check_probability(self.adaptation, "adaptation")
        if a == 0:
            raise ValueError("adaptation must be in (0, 1], got 0")
        if self.initial_weight is not None:
            check_probability(self.initial_weight, "initial_weight")
        check_probability(self.threshold, "threshold")
        if check_finite(self.decline, "decline") < 0:
            raise ValueError(f"decline must be >= 0, got {self.decline!r}")
        object.__setattr__(self, "revisionist", tuple(int(i) for i in self.revisionist))


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

    def __post_init__(self) -> None:
        norms = {}
        for key, value in dict(self.norms).items():
            if key not in NORMS:
                from .._validation import check_choice

                check_choice(key, NORMS, "regime norm")
            norms[key] = check_probability(value, f"strength of norm {key!r}")
        object.__setattr__(self, "norms", norms)
        check_probability(self.compensation_share, "compensation_share")
        if isinstance(self.conditions, Mapping):
            object.__setattr__(self, "conditions", Conditions(**self.conditions))
        if self.members is not None:
            object.__setattr__(self, "members", tuple(int(i) for i in self.members))

    def strength(self, norm: str) -> float:
        return self.norms.get(norm, 0.0)

    def member_mask(self, n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        if self.members is None:
            mask[:] = True
        else:
            if any(not 0 <= i < n for i in self.members):
                raise ValueError(f"regime members must be power indices in [0, {n})")
            mask[list(self.members)] = True
        return mask

    def with_norms(self, **norms: float) -> Regime:
        return replace(self, norms={**self.norms, **norms})


def regime_from_dict(data: Mapping) -> Regime:
    """Build a :class:`Regime` from plain data, naming any unknown field."""
    known = {"name", "norms", "members", "conditions", "compensation_share", "principles",
             "rules"}
    for key in data:
        if key not in known:
            raise ValueError(f"unknown regime field {key!r}; expected one of {sorted(known)}")
    data = dict(data)
    cond = data.get("conditions")
    if isinstance(cond, Mapping):
        fields = set(Conditions.__dataclass_fields__)
        for key in cond:
            if key not in fields:
                raise ValueError(f"unknown regime condition {key!r}; expected one of "
                                 f"{sorted(fields)}")
        data["conditions"] = Conditions(**cond)
    for key in ("members", "principles", "rules"):
        if key in data and data[key] is not None:
            data[key] = tuple(data[key])
    return Regime(**data)

