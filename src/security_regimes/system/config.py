"""Configuration of an international system and of its balance-of-power policy."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import ClassVar

import numpy as np

from .._policies import (  # noqa: F401 - re-exported
    CUSTOM_POLICY,
    DEFAULT_POLICY,
    KAPLAN_RULES,
    NAMED_POLICIES,
    POLICIES,
    POLICY_TRAITS,
    TRAITS,
)
from .._settings import Settings, check_settings, clone
from .._tables import CALIBRATED, MAX_POWERS, POLICY_SETTINGS, SYSTEM_SETTINGS, UNCALIBRATED
from .._validation import check_int


def _with(obj, joint: frozenset, kwargs: dict):
    """``obj`` (a frozen settings dataclass) with ``kwargs`` changed.  When no
    setting in ``joint`` (those its constructor checks together) changes, only
    the changed ones are checked, each by its row, with the constructor's
    errors; otherwise the object is built afresh.  Cached properties are
    dropped, so nothing derived from the old values survives."""
    if joint.intersection(kwargs) or not kwargs.keys() <= obj.SETTINGS._by_name.keys():
        return replace(obj, **kwargs)
    new = clone(obj)
    for k, v in kwargs.items():
        object.__setattr__(new, k, obj.SETTINGS[k].check(v))
    for k in [k for k in new.__dict__ if k not in obj.__dataclass_fields__]:
        del new.__dict__[k]
    return new


@dataclass(frozen=True)
class System:
    """An international system of ``N`` great powers (2 <= N <= 256, ``MAX_POWERS``).

    Every field's kind, valid range and meaning is a row of
    :attr:`System.SETTINGS` (docs: the settings reference); the same rows check
    a ``System`` built in Python, a scenario file, a sweep and a calibration.

    Capabilities are in units of the initial system total (they sum to 1 in
    year 0 and then grow).  Give ``capabilities`` directly, or a COW year
    and states (default: the five great powers of 1816, CINC renormalised).

    **The defaults are one documented set, part of it fitted.**  The decision
    core is the crisis core, and ``first_strike``, ``stakes``,
    ``resolve_spread``, ``audience_cost``, ``discount_factor``, ``yield_cost``
    and ``misperception`` default to the posterior medians of the base
    system fitted to COW wars and MID disputes of 1816-1870
    (``security_regimes._tables.CALIBRATED``, made by
    ``regimes calibrate examples/calibrate_defaults.toml``; intervals and
    checks in docs/validation.md, "The default parameter set").  The other
    defaults are documented choices.  ``System(**UNCALIBRATED)`` (from
    ``security_regimes.system``) gives the earlier, uncalibrated first-strike
    defaults.

    Parameters
    ----------
    capabilities : sequence of float, optional
        Initial capabilities, any positive scale (renormalised to sum 1).
    names : sequence of str, optional
        Power names; COW state abbreviations when taken from COW.
    growth_mean, growth_sd : float
        Mean and standard deviation of each power's yearly log growth
        (differential growth: independent draws per power).
    growth : {"drawn", "record"}
        ``"drawn"`` (default): growth drawn as above.  ``"record"``: the
        dated-history mode; each power's capability is multiplied in model
        year ``y`` by its COW CINC ratio ``cinc[cow_year + y] /
        cinc[cow_year + y - 1]`` (1 in year 0;
        :func:`security_regimes.data.cinc_growth`), so without war the
        powers' relative capabilities are the record's year by year, and a
        war's costs and gains persist as deviations from it (the record's
        own wars are in the path; the model's wars add their consequences).
        Needs a system taken from COW (``cow_year`` and COW names) and at
        most as many years as the record holds for all its powers.
    decisiveness : float in (0, 20]
        ``k`` of the contest success function: a side with capability
        ``A`` beats ``D`` with probability ``A**k / (A**k + D**k)``
        (Tullock 1980; Hirshleifer 1989).  With ``k = 1`` (the ratio form)
        and proportional spoils a war is a fair bet minus its cost and never
        pays; ``k = 2`` (default) gives the stronger side an edge.
    war_cost : float in [0, 1]
        Share of every fighter's capability destroyed by a war (per round).
    transfer : float in [0, 1]
        Share of the losing side's remaining capability taken by the winners,
        split among them in proportion to their capabilities.
    elimination_threshold : float in [0, 1)
        A power whose share of the system total falls below this is
        eliminated; its remnant goes to the powers that beat it this year, or
        else to all surviving powers, in proportion to their capabilities.
    misperception : float in [0, 1]
        Probability that a power misreads another's stance toward it.
    threat_share : float in (0, 1]
        Share of the system total at which the strongest power threatens the
        others enough that self-help balancing (alliance) pays.
    predominance_share : float in (0, 1]
        Share at which Kaplan's rule 4 treats a power or coalition as tending
        toward predominance.
    exclusion_years : int in [0, 1000]
        Years a defeated power is shunned as an alliance partner (unless
        Kaplan's rule 6 readmits it).
    restore_rate : float in [0, 1]
        Yearly probability that a fully internalised rule 6 restores an
        eliminated essential actor (as the Concert restored France).
    supranational : sequence of int
        Indices of powers that subscribe to supranational principles
        (targets of Kaplan's rule 5).
    relative_gains : float in [0, 1]
        Competitiveness (Jervis 1982, p. 358): weight a power puts on the
        other's loss, on top of its own gain, when judging a war.
    capability_noise : float in [0, 5]
        Uncertainty about how much security a state has: a power sees the
        other side's capability times ``exp(capability_noise * z)``.
    conquest : bool
        ``False`` makes the system forgiving: no power is eliminated (by
        conquest or by falling below the threshold).
    nuclear : sequence of int
        Nuclear powers: a war with nuclear powers on both sides destroys
        ``nuclear_cost`` of every fighter's capability instead of ``war_cost``.
    nuclear_from : sequence of int
        Dated acquisition: the year of the run (1: the first) from which each
        power of ``nuclear`` has nuclear weapons, in the order of ``nuclear``
        (the USSR's 1949 test is year 4 of a run from 1946); empty (default):
        all from the first year.  The first-year stage games use the powers
        nuclear in year 1.
    first_strike : float in (-1, 10]
        The offense-defense balance as a first-strike bonus (Jervis 1978):
        the side that strikes first fights as if ``1 + first_strike`` times
        stronger.  Above 0, restraint that is not reciprocated costs more than
        a war one starts (the sucker's payoff), so beliefs about reciprocity
        decide wars; below 0 defense has the advantage.
    shadow : float in [0, 1]
        The shadow of the future (Axelrod 1984; Oye 1986): weight a power
        that replies with restraint puts on the peace that reciprocated
        restraint keeps, relative to the loss it avoids.
    belief_prior : float in [0, 1]
        Initial belief of every power that each other power is a security
        seeker rather than an expansionist (Kydd 2005).
    decisive_lead : int in [1, 8]
        A war is fought in battles, each won with the contest success
        function's odds (the attacker keeps its first-strike bonus), until one
        side leads by ``decisive_lead`` battles (defeat) or fighting has
        destroyed ``transfer`` of the fighters (cost ends it, status quo), at
        most 16 battles; every battle destroys ``war_cost`` of each fighter
        (a random walk of battles, Smith and Stam 2004).  Powers weigh a war
        at its odds of winning and losing and its expected cost, computed
        exactly over the walk.  Default 1, one decisive battle: the literature
        gives no number for it, and 2 changes results (docs/theory.md).
    intensification : float in [0, 10]
        Wars that intensify as they go on (mobilisation: Richardson 1960,
        Weisiger 2013): battle ``t`` (1, 2, ...) destroys ``war_cost x (1 +
        intensification) ** (t - 1)`` of each fighter, at most all; the walk
        that prices a war, the crisis core's cost of war and the shortest
        war of derived regulation use the same costs.  0 (default): every
        battle destroys ``war_cost``.  Acts only when ``decisive_lead > 1``
        (one battle is the first).
    alliance_reliability : float in [0, 1]
        Probability that an ally honours its commitment when its partner is
        at war (each ally, each war); attackers expect allies' capability at
        this rate.  Default 0.75: allies fulfilled their commitments in about
        three cases in four, 1816-1944 (Leeds, Long and Mitchell 2000).
    alliance_persistence : float in [0, 1]
        Probability a year that a power that would ally against no one keeps
        last year's alliance (of two members at least) while the power it was
        against is alive: a treaty outlives the threat that made it (Leeds
        and Savun 2007, alliances are abrogated when circumstances change,
        not as soon as they do).  A power that now allies against another
        threat realigns.  0 (default): alliances are formed afresh each year
        from that year's threats, as before.
    opportunism : float in [0, 1]
        Probability that a bystander weighs joining a war; it joins the side
        where joining pays (its expected capability change, as an attacker's,
        is positive; bandwagoning for profit, Schweller 1994).  Default 1:
        third parties join when it pays.
    contagion : float in [0, 1]
        Wars that spread (Siverson and Starr 1991, *The Diffusion of War*):
        a bystander that borders a fighter (a geography's contiguity) or is
        in the year's alliance with one is exposed once per war and joins
        with this probability; joiners expose their own neighbours and
        allies, until no one more joins.  An ally joins its ally's side, a
        neighbour the side against the one it borders (against the stronger
        if both; Walt 1987), each on a front of its own at its best reach to
        an enemy fighter.  0 (default): no contagion.
    cooperation_gain : float in [0, 1]
        The issue area's gains from mutual restraint (R > P): at the end of
        each year a living power's capability grows by a further factor
        ``exp(cooperation_gain * m / n)``, where ``m`` of the ``n`` other
        living powers restrained toward it while it restrained toward them
        (absolute gains from cooperation, as in trade; Keohane 1984, Oye
        1986).  A power ready to attack weighs the year's gain it would lose
        with its reciprocated restraint.  0 (default): restraint earns
        nothing beyond peace, as in security.
    core : {"first_strike", "crisis"}
        The decision core of the year.  ``first_strike``: a power
        attacks when a first strike's expected gain beats a belief-weighted
        sucker's loss (the default before the calibration; see
        ``UNCALIBRATED``).  ``crisis`` (default): war is a failure of crisis bargaining
        (Fearon 1995; Powell 2006): pairs dispute a good with a status quo
        division, a dissatisfied power makes a demand under private
        information about costs, the target accepts or rejects, the
        challenger fights or backs down, and a declining power may prefer
        war now (the commitment problem).  See ``system/model.py``, "The
        crisis core", and ``docs/theory.md``.
    discount_factor : float in [0, 1)
        Crisis core: ``delta`` per year, in the continuation values of
        restraint (Fudenberg and Maskin 1986) and of peace under a shift in
        power (Powell 2006).  It takes the place of ``shadow`` (read only
        by the first-strike core).
    stakes : float in (0, 10]
        Crisis core: the value of the disputed good as a share of a power's
        capability; a war's expected cost in units of the good is its
        expected share destroyed over ``stakes``.  Default: fitted
        (``CALIBRATED``).
    resolve_spread : float in [0, 1]
        Crisis core: private information.  A power's cost of war in a crisis
        is drawn uniformly from ``m * (1 +/- resolve_spread)`` around its
        expected cost ``m``; it knows its own, not the other's.  0: complete
        information.
    audience_cost : float in [0, 1]
        Crisis core: what a challenger loses by backing down after its
        demand is rejected (Fearon 1994), units of the good.
    yield_cost : float in [0, 1]
        Crisis core: what a target loses by yielding to a demand, beyond the
        demand itself: its reputation for resolve, which invites further
        demands (Schelling 1966, ch. 2; Walter 2006; Weisiger and Yarhi-Milo
        2015), units of the good.  A target yields only when rejecting is
        worse by more than this.  0: no reputation at stake.  Default:
        fitted (``CALIBRATED``).
    escalation_risk : float in [0, 1]
        Crisis core: probability that a crisis whose demand is rejected and
        whose challenger backs down still becomes a war (the threat that
        leaves something to chance; Schelling 1960, Powell 1990).
    trend_years : int in [1, 100]
        Crisis core: powers project next year's balance from growth averaged
        (exponentially) over this many years.
    grievance_years : int in [0, 1000]
        Years a power remembers an attack on it.  While it does (or when it
        saw the attacker expand toward it last year) and its reply to the
        attacker is to defect, it joins wars against the attacker.
    geography : {"none", "capitals", "grid", "random"}
        Where the powers are.  ``none`` (default): every power reaches every
        other at full strength, as in the models this one starts from.
        ``capitals``: the COW capitals and direct contiguity (a border or at
        most 400 miles of water; Stinnett et al. 2002) of ``cow_year``
        (every power must be a COW member that year; under ``membership =
        "record"`` each state at its capital in its first member year from
        ``cow_year`` on, and each pair contiguous as in the first year both
        are members).  ``grid``: the powers
        on a square lattice, row by row, 1000 km apart, each contiguous to
        its four neighbours (an abstract map, as in Cederman 2003).
        ``random``: a random planar map, the powers at points drawn
        uniformly (``map_seed``) in a square of side ``1000 km x sqrt(N)``
        (the grid's density), each contiguous to its Delaunay neighbours
        (the states of a Voronoi map border each other).
    gradient : float in [0, 10]
        Loss-of-strength gradient (Boulding 1962, *Conflict and Defense*,
        ch. 12): the share of its strength a power loses per 1000 km between
        its capital and a target it does not border; see :meth:`reach`.  A
        power strikes, challenges and joins wars only where it reaches
        (``reach > 0``), and fights there with ``reach`` times its strength.
        0 (default): no loss, every power reaches every other.
    map_seed : int >= 0
        Seed of the random planar map (``geography = "random"``): the same
        seed, the same map.
    membership : {"closed", "record"}
        ``closed`` (default): the powers of the first year are the system's;
        none enters, and a power leaves only when it is destroyed.
        ``record``: each power enters the system at the start of the year
        its COW State System Membership spell begins and leaves (without a
        war, not counted as eliminated) after the year it ends; a power not
        a member in ``cow_year`` starts outside the system.  On its first
        entry a power has its ``capabilities`` entry, on a later one its
        COW CINC then; capabilities are in units of the total of the first
        year's members (from COW: each state's CINC on entry over that
        total).  Needs ``growth = "record"``, along which the members grow
        (:func:`security_regimes.data.cinc_levels`); measures ``entries``
        and ``exits`` count the changes.  ``System.from_cow(year,
        members=True, until=...)`` builds such a system.
        ``drawn``: the last ``entrants`` powers start outside the system;
        from the second year on, each power outside it (not yet entered, or
        destroyed) enters at the start of a year with probability
        ``entry_rate`` (a geometric waiting time, mean ``1 / entry_rate``
        years), as a new state: with its ``capabilities`` entry, unshunned,
        relations afresh.  Capabilities are in units of the total of the
        powers inside at the start.  For abstract systems (no COW dates):
        the state system's births, at a documented rate.  From the second
        year on each power inside leaves it with probability ``exit_rate``
        (not a war, not counted as eliminated: unification, dissolution or
        absorption), and may enter again at ``entry_rate`` as a new state:
        the state system's deaths that are not conquests.
    entrants : int >= 0
        Powers that start outside (``membership = "drawn"``; 0 otherwise).
        At least two powers start inside.
    entry_rate : float in [0, 1]
        Probability a year that a power outside enters (``membership =
        "drawn"``; 0 otherwise).
    exit_rate : float in [0, 1]
        Probability a year that a power inside leaves without a war
        (``membership = "drawn"``; 0 otherwise).
    """

    capabilities: tuple[float, ...] | None = None
    names: tuple[str, ...] | None = None
    cow_year: int | None = None
    growth_mean: float = 0.01
    growth_sd: float = 0.05
    growth: str = "drawn"
    decisiveness: float = 2.0
    war_cost: float = 0.05
    transfer: float = 0.5
    elimination_threshold: float = 0.02
    misperception: float = CALIBRATED["misperception"]
    threat_share: float = 0.4
    predominance_share: float = 0.3
    exclusion_years: int = 10
    restore_rate: float = 0.1
    supranational: tuple[int, ...] = ()
    relative_gains: float = 0.0
    capability_noise: float = 0.0
    conquest: bool = True
    nuclear: tuple[int, ...] = ()
    nuclear_from: tuple[int, ...] = ()
    nuclear_cost: float = 0.9
    first_strike: float = CALIBRATED["first_strike"]
    shadow: float = 0.9
    belief_prior: float = 0.5
    grievance_years: int = 10
    cooperation_gain: float = 0.0
    decisive_lead: int = 1
    intensification: float = 0.0
    alliance_reliability: float = 0.75
    alliance_persistence: float = 0.0
    opportunism: float = 1.0
    contagion: float = 0.0
    core: str = "crisis"
    discount_factor: float = CALIBRATED["discount_factor"]
    stakes: float = CALIBRATED["stakes"]
    resolve_spread: float = CALIBRATED["resolve_spread"]
    audience_cost: float = CALIBRATED["audience_cost"]
    escalation_risk: float = 0.0
    trend_years: int = 5
    yield_cost: float = CALIBRATED["yield_cost"]
    geography: str = "none"
    gradient: float = 0.0
    map_seed: int = 0
    membership: str = "closed"
    entrants: int = 0
    entry_rate: float = 0.0
    exit_rate: float = 0.0

    SETTINGS: ClassVar[Settings] = SYSTEM_SETTINGS

    def __post_init__(self) -> None:
        check_settings(self)
        if self.membership == "record":
            self._check_membership()
        if self.membership != "drawn" and (self.entrants or self.entry_rate or self.exit_rate):
            raise ValueError(f"entrants, entry_rate and exit_rate apply to membership = "
                             f"'drawn', not {self.membership!r} (got entrants = "
                             f"{self.entrants}, entry_rate = {self.entry_rate}, exit_rate = "
                             f"{self.exit_rate})")
        if self.capabilities is None and self.membership == "record":
            object.__setattr__(self, "capabilities", tuple(self._entry_capabilities()))
        if self.capabilities is None:
            from ..data import DEFAULT_POWERS_1816, capability_shares

            year = 1816 if self.cow_year is None else self.cow_year
            states = self.names or DEFAULT_POWERS_1816
            shares = capability_shares(year, tuple(states))
            object.__setattr__(self, "capabilities", tuple(float(x) for x in shares))
            object.__setattr__(self, "names", tuple(shares.index))
            object.__setattr__(self, "cow_year", year)
        caps = np.asarray(self.capabilities, dtype=float)
        if not 2 <= caps.size <= MAX_POWERS:
            raise ValueError(f"a system needs 2 to {MAX_POWERS} powers, got {caps.size}")
        if self.membership == "drawn" and not 1 <= self.entrants <= caps.size - 2:
            raise ValueError(f"membership = 'drawn': entrants must be an integer in [1, "
                             f"{caps.size - 2}] (at least two of the {caps.size} powers start "
                             f"inside), got {self.entrants}")
        # Units: the total of the first year's powers (under membership = "record"
        # the members of cow_year, under "drawn" all but the entrants; the others
        # enter later).
        base = (caps[self.members_at_start()].sum() if self.membership in ("record", "drawn")
                else caps.sum())
        if self.membership == "record" and abs(base - 1.0) <= 1e-12:
            base = 1.0  # already in these units (a file written from such a system)
        object.__setattr__(self, "capabilities", tuple((caps / base).tolist()))
        names = self.names or tuple(f"P{i}" for i in range(caps.size))
        if len(names) != caps.size:
            raise ValueError(f"names: expected {caps.size} names, got {len(names)}")
        object.__setattr__(self, "names", tuple(names))
        for key in ("supranational", "nuclear"):
            if any(not 0 <= i < caps.size for i in getattr(self, key)):
                raise ValueError(f"{key}: power indices must be in [0, {caps.size})")
        if self.nuclear_from and len(self.nuclear_from) != len(self.nuclear):
            raise ValueError(f"nuclear_from: expected one year per nuclear power "
                             f"({len(self.nuclear)}), got {len(self.nuclear_from)}")
        if self.growth == "record":
            self.record_years()  # refuses a system that is not from COW
        # (under membership = "record", _check_membership has checked the states)
        if self.geography == "capitals" and self.membership != "record":
            if self.cow_year is None:
                raise ValueError("geography = 'capitals' places the powers at their COW "
                                 "capitals: give cow_year (a system from COW)")
            from ..data.geo import check_members

            check_members(self.names, self.cow_year)

    def _check_membership(self) -> None:
        if self.cow_year is None or not self.names:
            raise ValueError("membership = 'record' follows COW's membership dates: give "
                             "cow_year and COW names (System.from_cow(..., members=True, "
                             "until=...))")
        if self.growth != "record":
            raise ValueError("membership = 'record' needs growth = 'record' (the members "
                             "grow along their COW CINC; an entrant enters at its own)")
        from ..data.geo import first_years

        first_years(self.names, self.cow_year)  # each a member at some time from cow_year
        if not self.members_at_start().any():
            raise ValueError(f"membership = 'record': none of the powers is a COW system "
                             f"member in cow_year {self.cow_year} (the system's first year)")

    def members_at_start(self) -> np.ndarray:
        """Which powers are in the system in its first year, shape (N,) bool:
        all under ``membership = "closed"``, the COW members of ``cow_year``
        under ``"record"``, all but the last ``entrants`` under ``"drawn"``."""
        if self.membership == "drawn":
            inside = np.ones(len(self.capabilities), dtype=bool)
            inside[len(inside) - self.entrants:] = False
            return inside
        if self.membership != "record":
            return np.ones(len(self.names or self.capabilities), dtype=bool)
        from ..data.geo import membership

        return membership(self.names, self.cow_year, self.cow_year)[0]

    def _entry_capabilities(self) -> np.ndarray:
        """Each state's COW CINC in its first member year from ``cow_year``."""
        from ..data import cinc_levels
        from ..data.geo import first_years

        years = first_years(self.names, self.cow_year) - self.cow_year
        levels = cinc_levels(self.names, self.cow_year)
        out = levels[years, np.arange(len(self.names))]
        missing = [n for n, v in zip(self.names, out, strict=True) if not v > 0]
        if missing:
            raise ValueError(f"no COW capabilities on entry (first member year from "
                             f"{self.cow_year}) for {', '.join(missing)}")
        return out

    def membership_changes(self) -> np.ndarray:
        """The kernel's membership table: row ``y`` (0-based model year, every
        year of the COW record from ``cow_year``), column ``q``: the
        capability with which power ``q`` enters at the start of year ``y``
        (> 0), -1 if it leaves then, 0 otherwise; shape (Y, N) float64,
        read-only.  One row of zeros under ``membership = "closed"``; under
        ``"drawn"`` one row, each power's capability on entry (the phase
        draws when)."""
        return _membership_changes(self.membership, self.names, self.cow_year,
                                   self.capabilities)

    def nuclear_at(self, year: int) -> tuple[int, ...]:
        """The powers with nuclear weapons in 0-based model year ``year``."""
        if not self.nuclear_from:
            return tuple(self.nuclear)
        return tuple(q for q, y in zip(self.nuclear, self.nuclear_from, strict=True)
                     if year >= y - 1)

    def record_years(self) -> int:
        """Years of the COW record from ``cow_year`` with every power's CINC
        (the most ``growth = "record"`` can run).  ValueError (one line) for a
        system not taken from COW."""
        if self.cow_year is None:
            raise ValueError("growth = 'record' follows the COW record from cow_year: give "
                             "cow_year (a system from COW), not capabilities alone")
        from ..data import cinc_growth, cinc_levels

        if self.membership == "record":
            return len(cinc_levels(self.names, self.cow_year))
        return len(cinc_growth(self.names, self.cow_year))

    def growth_path(self, years: int) -> np.ndarray:
        """The yearly growth multipliers of ``growth = "record"``, shape
        (years, N); ValueError (one line) when the record is shorter."""
        from ..data import cinc_growth

        path = (_member_growth(self.names, self.cow_year) if self.membership == "record"
                else cinc_growth(self.names, self.cow_year))
        if years > len(path):
            raise ValueError(f"growth = 'record': COW capabilities of {', '.join(self.names)} "
                             f"cover {len(path)} years from {self.cow_year} "
                             f"(to {self.cow_year + len(path) - 1}); the run asks for {years}")
        return path[:years]

    def reach(self) -> tuple[np.ndarray, np.ndarray]:
        """The geography the year reads: ``reach[i, j]``, the share of its
        strength power ``i`` brings to bear on ``j``'s territory, and
        ``contiguous[i, j]``, whether the two border each other; shape (N, N)
        each (float64, bool), read-only.

        ``reach = max(0, 1 - gradient * d / 1000 km)`` (Boulding's linear
        loss-of-strength gradient), with ``d`` the distance between capitals
        (``capitals``) or lattice points (``grid``), and 0 for contiguous
        pairs, which meet at their border; 1 on the diagonal.  Without a
        geography (``none``) every power reaches every other at full strength
        and no pair is contiguous.
        """
        return _reach(self.geography, self.gradient, self.names, self.cow_year,
                      self.membership, self.map_seed)

    def positions(self) -> np.ndarray | None:
        """Where the powers are on the map, shape (N, 2) float64: longitude and
        latitude of the capital in ``cow_year`` (degrees; ``capitals``), or
        column and row on the lattice (``grid``) or the random map's points
        (``random``), in units of 1000 km; None without a geography."""
        if self.geography == "none":
            return None
        if self.geography == "capitals":
            from ..data.geo import capitals_at, first_years

            years = (first_years(self.names, self.cow_year) if self.membership == "record"
                     else np.full(self.n_powers, self.cow_year))
            return capitals_at(self.names, years)[:, ::-1].copy()
        if self.geography == "random":
            return _random_points(self.n_powers, self.map_seed)
        side = math.ceil(math.sqrt(self.n_powers))
        return np.array([divmod(q, side)[::-1] for q in range(self.n_powers)], dtype=float)

    @property
    def n_powers(self) -> int:
        return len(self.capabilities)

    @classmethod
    def from_cow(cls, year: int = 1816, n_powers: int | None = None,
                 states: Sequence[str] | None = None, members: bool = False,
                 until: int | None = None, **kwargs) -> System:
        """States of a COW year: the given ``states``, else the ``n_powers`` largest
        by CINC, else (``members``) every member of the state system that year
        with a CINC, largest first, else the year's major powers (COW State
        System Membership).  At most :data:`MAX_POWERS` states.

        ``until`` (with ``members``): also every state that enters the system
        after ``year`` and by ``until`` with a CINC on entry, by entry date,
        in a dated-history system (``growth = "record"``, ``membership =
        "record"``) in which each enters and leaves on its COW dates."""
        from ..data import capabilities

        caps = capabilities()
        lo, hi = int(caps.year.min()), int(caps.year.max())
        if isinstance(year, bool) or not isinstance(year, int) or not lo <= year <= hi:
            raise ValueError(f"COW year must be an integer in [{lo}, {hi}], got {year!r}")
        if members and (states is not None or n_powers is not None):
            raise ValueError("from_cow: give members, states or n_powers, not several")
        if until is not None and not members:
            raise ValueError("from_cow: until needs members=True (the whole state system)")
        if members:
            from ..data.geo import members as system_members

            row = caps[caps.year == year].set_index("stateabb").cinc
            states = tuple(s for s in system_members(year) if s in row.index and row[s] > 0)
            if until is not None:
                states += _entrants(caps, year, check_int(until, "until", year, hi), states)
                kwargs = {"growth": "record", "membership": "record", **kwargs}
            if len(states) > MAX_POWERS:
                raise ValueError(f"the COW state system of {year} has {len(states)} members "
                                 f"with a CINC; a system holds at most {MAX_POWERS} "
                                 "(give states or n_powers)")
        if states is None and n_powers is None:
            from ..data import major_powers

            m = major_powers()
            m = m[(m.styear <= year) & (m.endyear >= year)]
            row = caps[caps.year == year].set_index("stateabb").cinc
            states = tuple(sorted(set(m.stateabb) & set(row.index), key=lambda s: -row[s]))
            if len(states) < 2:
                raise ValueError(f"fewer than 2 major powers in the COW data for {year}")
        elif states is None:
            n = check_int(n_powers, "n_powers", 2, MAX_POWERS)
            row = caps[caps.year == year].sort_values("cinc", ascending=False)
            if len(row) < n:
                raise ValueError(f"only {len(row)} states in the COW data for {year}, asked {n}")
            states = tuple(row.stateabb.iloc[:n])
        return cls(capabilities=None, names=tuple(states), cow_year=year, **kwargs)

    @classmethod
    def equal(cls, n_powers: int, **kwargs) -> System:
        n = check_int(n_powers, "n_powers", 2, MAX_POWERS)
        return cls(capabilities=(1.0,) * n, cow_year=None, **kwargs)

    #: Settings that the checks after the table's read together (the powers and
    #: their indices): changing one of them builds the system afresh.
    _JOINT = frozenset({"capabilities", "names", "cow_year", "supranational", "nuclear",
                        "nuclear_from", "geography", "membership", "growth", "map_seed",
                        "entrants", "entry_rate", "exit_rate"})

    def with_(self, **kwargs) -> System:
        """This system with the settings ``kwargs`` changed, each checked by its
        row of the table (as the constructor checks it: the same errors).  A
        sweep builds thousands of systems this way, so when no setting that
        is read with others changes, only the changed ones are checked."""
        return _with(self, self._JOINT, kwargs)


def uncalibrated(system: System) -> System:
    """``system`` as it was before the calibration: every setting of
    ``UNCALIBRATED`` that still has its default (the core and the fitted
    settings) set back to its earlier value, the others kept.  Runs of
    versions before the crisis core became the default are reproduced bit for
    bit (``tests/system/test_golden.py``); a setting set explicitly to the
    new default is taken back too."""
    default = System()
    return system.with_(**{k: v for k, v in UNCALIBRATED.items()
                           if getattr(system, k) == getattr(default, k)})


@dataclass(frozen=True)
class Policy:
    """A balance-of-power policy (see ``docs/theory.md``).

    * ``waltz``: self-help.  Powers attack when the expected gain exceeds
      the cost and eliminate a beaten power when that pays; alliances form
      only when the strongest power threatens (a by-product).
    * ``kaplan``: Kaplan's six rules as internal norms; ``rules`` maps rule
      number (1-6) to its weight in [0, 1], the probability that the rule
      binds a decision where it applies (default: all 1).
    * ``balancer``: Claude's "manually operated" balance: power ``balancer``
      joins the weaker side of every war it is not already in.
    * ``far_sighted_waltz``: a far-sighted power maximiser (Jervis 1982,
      p. 362: restraint as a result, not an intent).  A winner able to press
      on to eliminate the main loser spares it when what sparing is worth
      exceeds its expected gain from the elimination.  Sparing is worth a
      discounted stream of help against the strongest rival,
      ``discount / (1 - discount) * future_weight * threat * c_loser`` (the
      loser as a future ally; ``threat`` is the strongest power outside the
      winning side relative to the winner, at most 1; ``future_weight`` is
      the yearly chance that the ally's strength is needed against it), plus
      the share of the spoils that would go to the winner's strongest
      partner, a potential rival whose gains sparing keeps divided.

    ``discount`` in [0, 1): weight of next year relative to this one
    (far-sighted only); ``future_weight`` in [0, 100] (far-sighted only).

    **Your own policy** (``custom``): a policy is what the compiled year reads
    from it, three traits and their settings, so any combination of them is a
    policy: ``Policy("custom", internal_rules=True, rules={3: 0.5},
    manual_balancer=True, balancer=0)`` is Kaplan's rules (rule 3 at half
    weight) with Britain as a manual balancer.  Each trait is off unless set;
    a named policy's traits are fixed (setting one to another value is
    refused: use ``custom``).  The same fields work in scenario files
    (``[policy]``), sweeps (``policy.internal_rules = { values = [true,
    false] }``) and on the command line (``--policy custom --trait
    internal_rules``).  A rule that is none of these traits is a new
    mechanism: a phase of the year (``docs/adding_a_mechanism.md``).
    """

    name: str = DEFAULT_POLICY
    rules: Mapping[int, float] = field(default_factory=dict)
    balancer: int = 0
    future_weight: float = 0.1
    discount: float = 0.9
    internal_rules: bool | None = None
    manual_balancer: bool | None = None
    spares_future_allies: bool | None = None

    SETTINGS: ClassVar[Settings] = POLICY_SETTINGS

    #: Settings the constructor checks together (the name and the traits):
    #: changing one of them builds the policy afresh.
    _JOINT = frozenset({"name", *TRAITS})

    def with_(self, **kwargs) -> Policy:
        """This policy with the settings ``kwargs`` changed, checked as the
        constructor checks them (the same errors).  A sweep changes a rule
        weight or a setting of thousands of policies: when neither the name
        nor a trait changes only the changed settings are checked."""
        if kwargs.get("rules") and not self.traits["internal_rules"]:
            return replace(self, **kwargs)  # raises the constructor's error
        return _with(self, self._JOINT, kwargs)

    def __post_init__(self) -> None:
        check_settings(self)
        if self.name != CUSTOM_POLICY:
            for t in TRAITS:
                v = getattr(self, t)
                if v is not None and v != POLICY_TRAITS[self.name][t]:
                    raise ValueError(
                        f"policy {self.name!r} has {t} = {POLICY_TRAITS[self.name][t]}; "
                        f"for another combination of traits use policy {CUSTOM_POLICY!r} "
                        f"(Policy('custom', {t}={v}, ...))")
        if self.rules and not self.traits["internal_rules"]:
            raise ValueError(f"rule weights apply to policy 'kaplan' or a custom policy with "
                             f"internal_rules, not {self.label!r}")

    @property
    def traits(self) -> dict[str, bool]:
        """The policy's declared properties: a named policy's from
        :data:`POLICY_TRAITS`, a custom one's from its fields (unset: off)."""
        if self.name == CUSTOM_POLICY:
            return {t: bool(getattr(self, t)) for t in TRAITS}
        return POLICY_TRAITS[self.name]

    @property
    def label(self) -> str:
        """The name, and a custom policy's traits: ``custom(internal_rules+manual_balancer)``."""
        if self.name != CUSTOM_POLICY:
            return self.name
        on = [t for t, v in self.traits.items() if v]
        return f"{CUSTOM_POLICY}({'+'.join(on) or 'no traits'})"

    @property
    def balancer_index(self) -> int:
        """The manual balancer's index, -1 for a policy without one."""
        return self.balancer if self.traits["manual_balancer"] else -1

    @property
    def sparing(self) -> bool:
        """Whether a winner spares a loser worth more as a future ally (the trait)."""
        return self.traits["spares_future_allies"]

    def weights(self) -> np.ndarray:
        """Weights of rules 1..6 as an array of shape (7,) (index 0 unused)."""
        return np.array(self._weights)

    @cached_property
    def _weights(self) -> tuple[float, ...]:
        w = [0.0] * 7
        if self.traits["internal_rules"]:
            w[1:] = [1.0] * 6
            for rule, value in self.rules.items():
                w[rule] = float(value)
        return tuple(w)


for _rule in KAPLAN_RULES:  # Policy.rule1 .. rule6: each rule's weight (0 without internal rules)
    setattr(Policy, f"rule{_rule}", property(lambda self, r=_rule: self._weights[r],
                                             doc=f"Weight of Kaplan's rule {_rule}."))
del _rule


def get_policy(policy: Policy | str, **kwargs) -> Policy:
    if isinstance(policy, Policy):
        return replace(policy, **kwargs) if kwargs else policy
    return Policy(name=policy, **kwargs)


@lru_cache(maxsize=128)
def _reach(geography: str, gradient: float, names: tuple[str, ...],
           cow_year: int | None, membership: str = "closed",
           map_seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    n = len(names)
    if geography == "none":
        reach, contiguous = np.ones((n, n)), np.zeros((n, n), dtype=np.bool_)
    else:
        if geography == "capitals" and membership == "record":
            from ..data.geo import capitals_at, contiguity_at, first_years, great_circle_km

            years = first_years(names, cow_year)
            km = great_circle_km(capitals_at(names, years))
            contiguous = contiguity_at(names, years) > 0
        elif geography == "capitals":
            from ..data.geo import contiguity, distances

            km = distances(names, cow_year)
            contiguous = contiguity(names, cow_year) > 0
        elif geography == "random":  # a random planar map
            at = _random_points(n, map_seed)
            km = 1000.0 * np.sqrt(((at[:, None, :] - at[None, :, :]) ** 2).sum(axis=2))
            contiguous = _delaunay_neighbours(at)
        else:  # grid: row-major on a square lattice, 1000 km apart
            side = math.ceil(math.sqrt(n))
            at = np.array([divmod(q, side) for q in range(n)], dtype=float)
            km = 1000.0 * np.sqrt(((at[:, None, :] - at[None, :, :]) ** 2).sum(axis=2))
            contiguous = np.abs(km - 1000.0) < 1e-9
        km = np.where(contiguous, 0.0, km)
        reach = np.maximum(0.0, 1.0 - gradient * km / 1000.0)
        np.fill_diagonal(reach, 1.0)
    reach.setflags(write=False)
    contiguous.setflags(write=False)
    return reach, contiguous


@lru_cache(maxsize=64)
def _member_growth(names: tuple[str, ...], cow_year: int) -> np.ndarray:
    """Growth multipliers along the COW CINC of states that enter and leave:
    ``cinc[y] / cinc[y - 1]`` where the record has both (the last known CINC
    carried over gaps), 1 elsewhere; shape (Y, N), read-only."""
    import pandas as pd

    from ..data import cinc_levels

    levels = pd.DataFrame(cinc_levels(names, cow_year)).ffill().to_numpy()
    out = np.ones_like(levels)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = levels[1:] / levels[:-1]
    out[1:] = np.where(np.isfinite(ratio), ratio, 1.0)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=64)
def _membership_changes(membership: str, names: tuple[str, ...], cow_year: int | None,
                        capabilities: tuple[float, ...]) -> np.ndarray:
    n = len(capabilities)
    if membership == "drawn":
        out = np.array([capabilities], dtype=float)
    elif membership != "record":
        out = np.zeros((1, n))
    else:
        from ..data import cinc_levels
        from ..data.geo import membership as member_years

        levels = cinc_levels(names, cow_year)
        inside = member_years(names, cow_year, cow_year + len(levels) - 1)
        caps = np.asarray(capabilities)
        start = inside[0]
        base = float(np.nansum(levels[0][start])) / float(caps[start].sum())
        out = np.zeros(inside.shape)
        enter = inside[1:] & ~inside[:-1]
        out[1:][inside[:-1] & ~inside[1:]] = -1.0
        first = start.copy()
        for y, q in zip(*np.nonzero(enter), strict=True):
            if not first[q]:
                out[y + 1, q] = caps[q]
                first[q] = True
            else:  # a later spell: its CINC then, or its last known
                known = levels[: y + 2, q][np.isfinite(levels[: y + 2, q])]
                out[y + 1, q] = (known[-1] / base) if known.size else caps[q]
    out.setflags(write=False)
    return out


def _entrants(caps, year: int, until: int, present: tuple[str, ...]) -> tuple[str, ...]:
    """The states that enter the COW system in ``(year, until]`` with a CINC on
    entry and are not in ``present``, by entry year then CINC."""
    from ..data.geo import states as spells

    sp = spells()
    sp = sp[(sp.start_year > year) & (sp.start_year <= until) & ~sp.stateabb.isin(present)]
    cinc = caps.set_index(["stateabb", "year"]).cinc
    rows = [(int(y), -float(cinc.get((a, y), 0.0)), a) for a, y in
            sp.groupby("stateabb").start_year.min().items()]
    return tuple(a for y, c, a in sorted(rows) if c < 0)


def _random_points(n: int, seed: int) -> np.ndarray:
    """The random planar map's points: uniform in a square of side sqrt(n),
    units of 1000 km, shape (n, 2) (``numpy.random.default_rng(seed)``)."""
    return np.random.default_rng(seed).uniform(0.0, math.sqrt(n), size=(n, 2))


def _delaunay_neighbours(at: np.ndarray) -> np.ndarray:
    """Whether each pair of points are Delaunay neighbours (their Voronoi cells
    share an edge), shape (n, n) bool; with fewer than three points, or all
    on a line, every pair of consecutive points along the line."""
    from scipy.spatial import Delaunay, QhullError

    n = len(at)
    out = np.zeros((n, n), dtype=np.bool_)
    try:
        simplices = Delaunay(at).simplices if n >= 3 else None
    except QhullError:  # all on a line
        simplices = None
    if simplices is None:  # neighbours along the line
        order = np.lexsort(at.T[::-1])
        for a, b in zip(order[:-1], order[1:], strict=True):
            out[a, b] = out[b, a] = True
        return out
    for simplex in simplices:
        for a in range(3):
            for b in range(a + 1, 3):
                out[simplex[a], simplex[b]] = out[simplex[b], simplex[a]] = True
    return out
