"""Run many international systems for many years and collect their measures."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from pathlib import Path

import numpy as np
import pandas as pd

from .._io import _tmp, write_parquet
from .._repr import Summarised, names
from .._resources import check_fits
from .._settings import DEFAULT_SEED
from .._tables import MAX_YEARS
from .._validation import check_int, require_extra
from ..engine.rng import root_entropy, spawn_keys
from ..games.strategies import Strategy
from .config import Policy, System, get_policy
from .kernel import Kernel, allocate, measure_views
from .layout import YEAR_MEASURES as LAYOUT_MEASURES
from .model import Dyadic, State, initial_state

#: Per-year measures stored for every system-year, in the order of
#: :data:`~security_regimes.system.layout.MEASURES` (their table).
YEAR_MEASURES = LAYOUT_MEASURES


@dataclass(repr=False)
class SimulationResult(Summarised):
    """Result of :func:`simulate`.

    Attributes
    ----------
    measures : dict of str -> array, each of shape (systems, years)
        Per system-year measures (see ``YEAR_MEASURES``).
    capabilities : float array, shape (systems, years + 1, powers) or None
        Capabilities at the start (index 0) and end of each year, in units of
        the initial system total.
    alliance_blocs : int16 array, shape (systems, years, powers) or None
        Each power's alliance in each system-year: 0 outside any alliance,
        ``k >= 1`` a member of the alliance against power ``k - 1`` (the
        threat its members balance against; ``phases.ally``); every two
        members of one alliance are allied.  Without a geography a year has
        at most one alliance, against the strongest power; with one, an
        alliance forms against each power that is the main threat of two
        states at least.
    crises : int8 array, shape (systems, years, powers, powers) or None
        The crisis core's crises (``record_crises``): ``[b, y, i, j]`` is the
        outcome of ``i``'s crisis with ``j`` (``i`` the challenger):
        ``layout.CRISIS_OUTCOMES[code]`` names each code (0: none).
    """

    system: System
    policy: Policy
    years: int
    seed: int
    first_index: int
    measures: dict[str, np.ndarray]
    capabilities: np.ndarray | None = None
    alliance_blocs: np.ndarray | None = None
    dyadic: str = "Tit For Tat"
    crises: np.ndarray | None = None
    regime: object = None
    _frames: dict = field(default_factory=dict, repr=False)

    @property
    def n_systems(self) -> int:
        return self.measures["war"].shape[0]

    def _summary(self):
        m = self.measures
        wars = m["wars"].sum(axis=1)
        regime = getattr(self.regime, "name", None) if self.regime is not None else "none"
        return (f"SimulationResult: {self.n_systems:,} systems x {self.years:,} years, "
                f"seed {self.seed}", [
                    ("powers", f"{self.system.n_powers} ({names(self.system.names)})"),
                    ("core", self.system.core), ("policy", self.policy.label),
                    ("dyadic", self.dyadic), ("regime", regime),
                    ("wars per run", f"{wars.mean():.3f}"),
                    ("essential survival at the end",
                     f"{m['essential_survival'][:, -1].mean():.3f}"),
                    ("measures", f"{len(m)}: {names(m)} (.measures, .summary, .per_year)")])

    @property
    def alliance_mask(self) -> np.ndarray | None:
        """The powers in an alliance in each system-year as a bitmask (bit
        ``i`` set: power ``i`` is in one), uint64, shape (systems, years), for
        systems of at most 64 powers; None if alliances were not recorded.
        :attr:`alliance_blocs` says which alliance, for any size."""
        if self.alliance_blocs is None:
            return None
        n = self.system.n_powers
        if n > 64:
            raise ValueError(f"alliance_mask holds at most 64 powers, the system has {n}: "
                             "use alliance_blocs")
        bits = np.uint64(1) << np.arange(n, dtype=np.uint64)
        return np.bitwise_or.reduce(np.where(self.alliance_blocs > 0, bits, np.uint64(0)),
                                    axis=2)

    @property
    def alliance_edges(self) -> np.ndarray | None:
        """Allied pairs as int32 rows ``(system, year, i, j)``, ``i < j`` (year 0-based),
        ordered by year, system, pair; None if alliances were not recorded."""
        if self.alliance_blocs is None:
            return None
        iu, ju = np.triu_indices(self.system.n_powers, 1)
        edges = []
        for y in range(self.alliance_blocs.shape[1]):  # a year at a time: (systems, pairs)
            bl = self.alliance_blocs[:, y]
            b = np.nonzero((bl > 0).sum(axis=1) > 1)[0]
            if not b.size:
                continue
            rows = bl[b]
            k, e = np.nonzero((rows[:, iu] == rows[:, ju]) & (rows[:, iu] > 0))
            edges.append(np.column_stack([b[k], np.full(k.size, y), iu[e], ju[e]])
                         .astype(np.int32))
        return np.concatenate(edges) if edges else np.zeros((0, 4), dtype=np.int32)

    @property
    def system_ids(self) -> np.ndarray:
        return self.first_index + np.arange(self.n_systems)

    @property
    def per_year(self) -> pd.DataFrame:
        """Tidy table: one row per system-year (``system``, ``year`` 1-based, measures)."""
        if "per_year" not in self._frames:
            B, T = self.measures["war"].shape
            df = pd.DataFrame({
                "system": np.repeat(self.system_ids, T),
                "year": np.tile(np.arange(1, T + 1), B),
            })
            for name in YEAR_MEASURES:
                df[name] = self.measures[name].ravel()
            with np.errstate(invalid="ignore", divide="ignore"):
                df["regime_autonomy"] = np.where(df.restraints > 0,
                                                 df.norm_restraints / df.restraints, np.nan)
            self._frames["per_year"] = df
        return self._frames["per_year"]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per run: war frequency and size, survival, time to hegemony."""
        if "summary" not in self._frames:
            self._frames["summary"] = pd.DataFrame(self.summary_columns())
        return self._frames["summary"]

    def summary_columns(self) -> dict[str, np.ndarray]:
        """The columns of :attr:`summary` as arrays, shape (systems,) each.

        For callers that need a few columns of many small results (a sweep's
        design points): building the DataFrame costs more than the arrays.
        """
        if "summary_columns" not in self._frames:
            self._frames["summary_columns"] = summary_columns(
                self.measures, self.system_ids, self.years, self.policy.label,
                self.system.n_powers)
        return self._frames["summary_columns"]



    def plot(self, measure: str = "war", ax=None, start_year: int = 1):
        """The yearly mean of ``measure`` (a per-year measure, ``measures`` or
        ``YEAR_MEASURES``) over the runs, with its 95% band; x is the calendar
        year with simulated year 1 at ``start_year``.  Draws on ``ax`` (a new
        figure's axes when None) and returns it."""
        from .._plot import check_measure, yearly

        check_measure(measure, YEAR_MEASURES)
        years = start_year + np.arange(self.years)
        return yearly({measure: self.measures[measure]}, years, measure, ax,
                      xlabel="year" if start_year == 1 else "calendar year")

    def regime_hazards(self) -> pd.DataFrame:
        """Yearly formation and breakdown hazards of the regime, pooled over runs.

        A regime *holds* in a year when it is in force at the year's end
        (``regime_in_force``: its strength reached the formation threshold;
        see :class:`~security_regimes.regimes.Conditions`).  For each year (1-based): ``at_risk_formation``
        runs in which it did not hold the year before (before year 1: none
        holds), ``formed`` of those in which it holds this year, and
        ``formation_hazard`` their ratio; ``at_risk_breakdown``, ``broke`` and
        ``breakdown_hazard`` likewise for runs in which it held the year
        before and no longer does.  Without a regime nothing ever forms.
        """
        holds = self.measures["regime_in_force"]
        before = np.concatenate([np.zeros((holds.shape[0], 1), dtype=bool), holds[:, :-1]],
                                axis=1)
        at_f, formed = (~before).sum(axis=0), (~before & holds).sum(axis=0)
        at_b, broke = before.sum(axis=0), (before & ~holds).sum(axis=0)
        return pd.DataFrame({
            "year": np.arange(1, holds.shape[1] + 1),
            "at_risk_formation": at_f, "formed": formed,
            "formation_hazard": _ratio(formed, at_f),
            "at_risk_breakdown": at_b, "broke": broke,
            "breakdown_hazard": _ratio(broke, at_b),
        })

    def alliances(self) -> pd.DataFrame:
        """Alliance edge list: ``system``, ``year``, ``a``, ``b`` (power names)."""
        if self.alliance_blocs is None:
            raise ValueError("alliances were not recorded (record_alliances=False)")
        e = self.alliance_edges
        names = np.array(self.system.names, dtype=object)
        return pd.DataFrame({"system": self.first_index + e[:, 0], "year": e[:, 1] + 1,
                             "a": names[e[:, 2]], "b": names[e[:, 3]]})

    def alliances_per_year(self) -> np.ndarray:
        """The alliances in force in each system-year (the distinct nonzero
        ids of :attr:`alliance_blocs`), int64, shape (systems, years)."""
        if self.alliance_blocs is None:
            raise ValueError("alliances were not recorded (record_alliances=False)")
        s = np.sort(self.alliance_blocs, axis=2)
        return (s[..., 0] > 0).astype(np.int64) + ((s[..., 1:] != s[..., :-1])
                                                    & (s[..., 1:] > 0)).sum(axis=2)

    def alliance_table(self) -> pd.DataFrame:
        """One row per alliance and system-year: ``system``, ``year``
        (1-based), ``against`` (the power its members balance against),
        ``size`` and ``members`` (their names, comma-separated, in power
        order); sorted by system, year and ``against``."""
        if self.alliance_blocs is None:
            raise ValueError("alliances were not recorded (record_alliances=False)")
        b, y, q = np.nonzero(self.alliance_blocs)
        names = np.array(self.system.names, dtype=object)
        members = pd.DataFrame({"system": self.first_index + b, "year": y + 1,
                                "against": names[self.alliance_blocs[b, y, q] - 1],
                                "target": self.alliance_blocs[b, y, q], "member": names[q],
                                "q": q})
        cols = ["system", "year", "against", "size", "members"]
        if members.empty:
            return pd.DataFrame({c: pd.Series(dtype=object if c in ("against", "members")
                                              else np.int64) for c in cols})
        g = members.sort_values(["system", "year", "target", "q"]).groupby(
            ["system", "year", "target"], sort=True)
        out = g.agg(against=("against", "first"), size=("q", "size"),
                    members=("member", ", ".join)).reset_index()
        return out[cols]

    def _alliances_in_force(self) -> np.ndarray:
        """Bool (systems, years, N): an alliance against power ``t`` (two members
        at least) is in force in the system-year."""
        if self.alliance_blocs is None:
            raise ValueError("alliances were not recorded (record_alliances=False)")
        B, Y, n = self.alliance_blocs.shape
        present = np.zeros((B, Y, n + 1), dtype=bool)
        b, y, q = np.nonzero(self.alliance_blocs)
        present[b, y, self.alliance_blocs[b, y, q]] = True
        return present[..., 1:]

    def alliance_spells(self) -> pd.DataFrame:
        """One row per alliance spell: the years an alliance against one power
        (two members at least) is in force without a break.  Columns
        ``system``, ``against`` (the power's name), ``first`` and ``last``
        (1-based years) and ``years``; spells in force at the run's first or
        last year are cut there (as :func:`~security_regimes.data.geo.alliance_spells`
        cuts COW's at a period's ends).  Sorted by system, first year, power."""
        present = self._alliances_in_force()
        B, Y, n = present.shape
        edge = np.zeros((B, Y + 2, n), dtype=np.int8)
        edge[:, 1:-1] = present
        d = np.diff(edge, axis=1)  # +1 at a spell's first year, -1 after its last
        bs, ys, ts = np.nonzero(d == 1)
        be, ye, te = np.nonzero(d == -1)
        order_s = np.lexsort((ys, ts, bs))
        order_e = np.lexsort((ye, te, be))  # the k-th start and end of (b, t) pair up
        names = np.array(self.system.names, dtype=object)
        out = pd.DataFrame({"system": self.first_index + bs[order_s],
                            "against": names[ts[order_s]], "first": ys[order_s] + 1,
                            "last": ye[order_e], "years": ye[order_e] - ys[order_s],
                            "_t": ts[order_s]})
        out = out.sort_values(["system", "first", "_t"], kind="stable").drop(columns="_t")
        return out.reset_index(drop=True).astype({"system": np.int64, "first": np.int64,
                                                   "last": np.int64, "years": np.int64})

    def alliance_years(self, years: int | None = None) -> np.ndarray:
        """Each run's mean years of an alliance spell (:meth:`alliance_spells`)
        in its first ``years`` years (default all; spells cut there), float64,
        shape (systems,); NaN for a run without an alliance."""
        present = self._alliances_in_force()[:, :years]
        starts = present[:, :1].sum(axis=(1, 2)) + (present[:, 1:] & ~present[:, :-1]).sum(
            axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            return present.sum(axis=(1, 2)) / np.where(starts > 0, starts, np.nan)

    def capability_frame(self) -> pd.DataFrame:
        """Long table of capabilities: ``system``, ``year`` (0 = start), ``power``, ``capability``."""
        if self.capabilities is None:
            raise ValueError("capabilities were not recorded (record_capabilities=False)")
        B, T1, N = self.capabilities.shape
        return pd.DataFrame({
            "system": np.repeat(self.system_ids, T1 * N),
            "year": np.tile(np.repeat(np.arange(T1), N), B),
            "power": np.tile(np.array(self.system.names, dtype=object), B * T1),
            "capability": self.capabilities.ravel(),
        })

    def to_xarray(self, start_year: int | None = None):
        """An ``xarray.Dataset`` with dims ``system``, ``year``, ``power`` (needs the
        ``xarray`` extra).

        Every per-year measure is a variable over (system, year); capabilities
        at the end of each year, if recorded, over (system, year, power).
        ``year`` counts from 1; with ``start_year`` (the calendar year of
        year 1) a ``calendar_year`` coordinate is added.  Attributes: core,
        policy, dyadic strategies, regime, seed, first system index and the
        package version."""
        from .._version import __version__

        xr = require_extra("xarray", "xarray")
        B, T = self.measures["war"].shape
        data = {k: (("system", "year"), v) for k, v in self.measures.items()}
        coords = {"system": self.system_ids, "year": np.arange(1, T + 1)}
        if start_year is not None:
            coords["calendar_year"] = ("year", np.arange(start_year, start_year + T))
        if self.capabilities is not None:
            data["capability"] = (("system", "year", "power"), self.capabilities[:, 1:])
            coords["power"] = list(self.system.names)
        regime = getattr(self.regime, "name", None) if self.regime is not None else "none"
        return xr.Dataset(data, coords=coords, attrs={
            "core": self.system.core, "policy": self.policy.label, "dyadic": str(self.dyadic),
            "regime": str(regime), "seed": str(self.seed), "first_index": self.first_index,
            "package_version": __version__})

    def tables(self, skip: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
        """The tidy tables of the run by name: ``years``, ``runs``, and ``alliances``
        and ``capabilities`` if recorded (names in ``skip`` are not built)."""
        frames = {}
        if "years" not in skip:
            frames["years"] = self.per_year
        if "runs" not in skip:
            frames["runs"] = self.summary
        if self.alliance_edges is not None and "alliances" not in skip:
            frames["alliances"] = self.alliances()
        if self.capabilities is not None and "capabilities" not in skip:
            frames["capabilities"] = self.capability_frame()
        return frames

    def to_parquet(self, out: str | Path, tables: dict[str, pd.DataFrame] | None = None
                   ) -> list[Path]:
        """Write ``years.parquet``, ``runs.parquet`` (and alliances, capabilities) to ``out``.

        ``tables`` adds tables, or replaces these by name (``NAME.parquet``).
        """
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        frames = self.tables(skip=tuple(tables or ()))
        frames.update(tables or {})
        for name, df in frames.items():
            path = out / f"{name}.parquet"
            write_parquet(df, path)
            written.append(path)
        return written


@dataclass(repr=False)
class StreamedResult(Summarised):
    """A run streamed to Parquet by ``simulate(..., out=DIR)``.

    ``summary`` (one row per system) is kept in memory; the per-year tables
    are in ``files`` (read them with pandas, pyarrow or DuckDB).
    """

    out: Path
    n_systems: int
    years: int
    seed: int
    chunks: int
    summary: pd.DataFrame
    files: list[Path]

    def _summary(self):
        return (f"StreamedResult: {self.n_systems:,} systems x {self.years:,} years, "
                f"seed {self.seed}", [("out", self.out), ("chunks", self.chunks),
                                      ("files", f"{len(self.files)}: {names(self.files, 3)}")])


def _stream(out, system, years, policy, systems, seed, **kw) -> StreamedResult:
    """Simulate chunk by chunk, appending each chunk's tables to Parquet files in ``out``."""
    import os

    import pyarrow as pa
    import pyarrow.parquet as pq

    from .._resources import available_memory

    system = system if system is not None else System()
    years = check_int(years, "years", 1, MAX_YEARS)
    systems = check_int(systems, "systems", 1)
    first = check_int(kw.pop("first_index"), "first_index", 0)
    entropy = root_entropy(seed)  # one root for every chunk
    per_system = estimate_bytes(system.n_powers, years, 1, kw["record_capabilities"],
                                kw["record_alliances"]) * 3  # result, its frames, Arrow copies
    chunk = int(max(1, min(systems, available_memory() // 4 // per_system)))
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out: {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    writers: dict[str, tuple] = {}
    summaries = []
    n_chunks = 0
    try:
        for start in range(0, systems, chunk):
            n = min(chunk, systems - start)
            res = simulate(system, years, policy, n, entropy, first_index=first + start, **kw)
            frames = res.tables()
            for name, df in frames.items():
                table = pa.Table.from_pandas(df, preserve_index=False)
                if name not in writers:
                    tmp = _tmp(out / f"{name}.parquet")
                    writers[name] = (pq.ParquetWriter(tmp, table.schema, compression="lz4"), tmp)
                writers[name][0].write_table(table.cast(writers[name][0].schema))
            summaries.append(res.summary)
            n_chunks += 1
            del res, frames
    except BaseException:
        for writer, tmp in writers.values():
            writer.close()
            tmp.unlink(missing_ok=True)
        raise
    files = []
    for name, (writer, tmp) in writers.items():
        writer.close()
        os.replace(tmp, out / f"{name}.parquet")  # whole files only, once complete
        files.append(out / f"{name}.parquet")
    return StreamedResult(out, systems, years, entropy, n_chunks,
                          pd.concat(summaries, ignore_index=True), files)


def check_growth(system: System, years: int) -> None:
    """Refuse runs whose capabilities would overflow float64 (about exp(700))."""
    drift = abs(system.growth_mean) * years + 8 * system.growth_sd * math.sqrt(years)
    if drift > 600:
        raise ValueError(f"years: {years:,} years at growth_mean {system.growth_mean:g} and "
                         f"growth_sd {system.growth_sd:g} would overflow capabilities "
                         f"(|growth_mean| x years + 8 growth_sd sqrt(years) = {drift:,.0f} > 600)")


def summary_columns(m: dict[str, np.ndarray], system_ids: np.ndarray, years: int,
                    policy, n_powers: int) -> dict[str, np.ndarray]:
    """The per-run summary (:attr:`SimulationResult.summary`'s columns, shape
    (runs,) each) of measures ``m`` (name -> (runs, years)); ``policy`` a
    name, or one per run."""
    hegemonic = m["max_share"] >= 0.5
    first = _first_year(hegemonic)
    holds = m["regime_in_force"]
    began = holds.copy()
    began[:, 1:] &= ~holds[:, :-1]
    spells = began.sum(axis=1)
    ended = spells - holds[:, -1] if holds.shape[1] else spells
    wars = m["wars"].sum(axis=1)  # several may start in a year
    pair_years = m["pairs"].sum(axis=1)
    crises = m["crises"].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_size = np.where(wars > 0, m["war_size"].sum(axis=1) / wars, np.nan)
    n = len(system_ids)
    return {
        "system": system_ids,
        "policy": np.broadcast_to(np.asarray(policy, dtype=object), (n,)).copy(),
        "n_powers": np.full(n, n_powers),
        "years": np.full(n, years),
        "wars": wars,
        "war_frequency": wars / years,
        "mean_war_size": mean_size,
        "pair_years": pair_years,
        "wars_per_dyad_year": _ratio(wars, pair_years),
        "eliminations": m["eliminated"].sum(axis=1),
        "eliminations_per_century": m["eliminated"].sum(axis=1) * 100.0 / years,
        "restorations": m["restored"].sum(axis=1),
        "essential_survival": m["essential_survival"][:, -1],
        "all_survive": m["essential_survival"][:, -1] == 1.0,
        "continuous_survival": m["continuous_survival"][:, -1],
        "all_survive_continuously": m["continuous_survival"][:, -1] == 1.0,
        "hegemony": first,
        "cooperation_rate": _nanmean_rows(m["cooperation_rate"]),
        # Restraining stances per directed pair-year at risk (2 per pair).
        "cooperation_per_pair_year": _ratio(m["restraining_dyads"].sum(axis=1),
                                            2 * pair_years),
        "punishers": m["punishers"].sum(axis=1),
        "final_con": m["con"][:, -1],
        "restraints": m["restraints"].sum(axis=1),
        "norm_restraints": m["norm_restraints"].sum(axis=1),
        "regime_autonomy": _ratio(m["norm_restraints"].sum(axis=1),
                                  m["restraints"].sum(axis=1)),
        "member_wars": m["member_war"].sum(axis=1),
        "settled": m["settled"].sum(axis=1),
        "regime_holds": holds[:, -1],
        # Formed: the first year the regime is in force (its strength
        # reaches the threshold; NaN if never); held: years in force.
        "formation_year": _first_year(holds),
        "regime_years": holds.sum(axis=1),
        # Spells in force: how many began, how many ended before the run did
        # (breakdowns), and their mean length (tenure; a spell still in force at
        # the end counts to the end, so tenure is censored; NaN if none).
        "regime_spells": spells,
        "regime_breakdowns": ended,
        "regime_tenure": _ratio(holds.sum(axis=1), spells),
        "domestic_changes": m["domestic_changes"].sum(axis=1),
        "first_member_war": _first_year(m["member_war"]),
        "system_wars": m["system_war"].sum(axis=1),
        "war_years": m["war"].sum(axis=1),
        # Decided wars whose main loser is still alive at the year's end.
        "sparing": _ratio(m["spared"].sum(axis=1), m["decisive_wars"].sum(axis=1)),
        "hegemonic_wars": m["hegemonic_war"].sum(axis=1),
        "first_hegemonic_war": _first_year(m["hegemonic_war"]),
        # The crisis core's crises (0 and NaN under the first-strike core).
        "crises": crises,
        "crises_per_pair_year": _ratio(crises, pair_years),
        "crisis_war_share": _ratio(m["crisis_wars"].sum(axis=1), crises),
        "yield_share": _ratio(m["yields"].sum(axis=1), crises),
        "stalemate_share": _ratio(m["stalemates"].sum(axis=1), crises),
        "compromise_share": _ratio(m["compromises"].sum(axis=1), crises),
        "preventive_wars": m["preventive_wars"].sum(axis=1),
    }


def _first_year(flags: np.ndarray) -> np.ndarray:
    """1-based first year each row is True, NaN if never; ``flags`` (runs, years) bool."""
    return np.where(flags.any(axis=1), flags.argmax(axis=1) + 1, np.nan)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _nanmean_rows(x: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    return _ratio(np.where(ok, x, 0.0).sum(axis=1), ok.sum(axis=1))


#: Longest run: capabilities grow as exp(growth x years) and must stay finite in float64.


def _concat_states(states: list) -> State:
    """One state of the systems of several states, in order."""
    fields = [f.name for f in dataclass_fields(State)]
    return State(**{f: (None if getattr(states[0], f) is None else
                        np.concatenate([getattr(st, f) for st in states]))
                    for f in fields})


def _initial_states(points, dyad) -> list:
    """The initial states of ``points``' systems, one call for each run of
    consecutive points that start alike (a sweep's points mostly differ in
    parameters the start does not read)."""
    runs: list[list] = []  # [key, system, regime, systems]
    for sy, _, re, _, c in points:
        key = (sy.capabilities, sy.belief_prior, sy.core, sy.growth_mean,
               None if re is None else repr(re))
        if runs and runs[-1][0] == key:
            runs[-1][3] += c
        else:
            runs.append([key, sy, re, c])
    return [initial_state(sy, c, re, dyad) for _, sy, re, c in runs]


def simulate_group(points: Sequence[tuple], years: int, seed: int | None = DEFAULT_SEED,
                   dyadic: Strategy | str | Sequence[Strategy | str] = "Tit For Tat",
                   threads: int | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The runs of several settings in one kernel call, each system with its own parameters.

    ``points``: ``(system, policy, regime, first_index, systems)`` each; point
    ``k``'s runs are runs ``first_index .. first_index + systems - 1`` of
    ``seed``, with that point's settings, bit for bit the runs of
    ``simulate(system, years, policy, systems, seed, regime=regime,
    first_index=first_index, dyadic=dyadic)``.  The points must share their
    structure (:func:`~security_regimes.system.kernel.structure`: the
    number of powers, core, supranational and nuclear powers, regime
    members) and ``dyadic``; their parameters (every row of the parameter
    table, the misperception, growth and capability noise) may differ.
    A sweep's chunk of design points runs this way (``experiments/sweep.py``).

    Returns the measures (name -> array (runs, years), runs in point order)
    and the run indices, shape (runs,).  No capabilities, alliances or crises
    are recorded.  The settings must be valid (as ``simulate`` checks them;
    a sweep checks every design point before it runs).
    """
    if not points:
        raise ValueError("simulate_group: no points")
    system, policy, regime = points[0][:3]
    years = check_int(years, "years", 1, MAX_YEARS)
    ids = np.concatenate([f + np.arange(c, dtype=np.int64) for *_, f, c in points])
    entropy = root_entropy(seed)
    keys = spawn_keys(entropy, ids)
    dyad = Dyadic.build(dyadic, years, system.n_powers)
    state = _concat_states(_initial_states(points, dyad))
    F, I, Bo = allocate(len(ids), years)  # noqa: E741
    kernel = Kernel(system, policy, dyad, regime,
                    points=[(sy, po, re, c) for (sy, po, re, _, c) in points])
    kernel.run(state, keys, 0, years, F, I, Bo, threads=threads)
    return measure_views(F, I, Bo), ids


def estimate_bytes(n_powers: int, years: int, systems: int, record_capabilities: bool = True,
                   record_alliances: bool = True) -> int:
    """Upper estimate of the peak memory of :func:`simulate`, in bytes.

    Fitted to tracemalloc peaks (5 to 15 powers, 20 to 200 years, 300 to
    20,000 systems) with the compiled year: the state takes about 25 N^2
    bytes per system (beliefs, strategy states, grievances, sightings), the
    draws of a block of years at most ``Kernel.BLOCK_BYTES`` times a few
    temporaries; each system-year keeps its measures (223 bytes), its
    capabilities (8 N) if recorded and its powers' alliances (2 N) if recorded.
    """
    from .kernel import Kernel

    n = n_powers
    per_year = 224 + (8 * n if record_capabilities else 0) + (2 * n if record_alliances else 0)
    block = 6 * min(Kernel.BLOCK_BYTES, int(systems) * int(years) * n * 16)
    return int(systems) * (60 * n * n + 400 * n + int(years) * per_year) + block + 2**16


def simulate(
    system: System | None = None,
    years: int = 200,
    policy: Policy | str | None = None,
    systems: int = 1000,
    seed: int | None = DEFAULT_SEED,
    *,
    rules: dict | None = None,
    balancer: int | None = None,
    future_weight: float | None = None,
    dyadic: Strategy | str | Sequence[Strategy | str] = "Tit For Tat",
    regime=None,
    first_index: int = 0,
    record_capabilities: bool = True,
    record_alliances: bool = True,
    progress: Callable[[int], None] | None = None,
    out: str | Path | None = None,
    threads: int | None = None,
    record_crises: bool = False,
) -> SimulationResult | StreamedResult:
    """Simulate ``systems`` independent international systems for ``years`` years.

    System ``i`` (``first_index <= i < first_index + systems``) draws from
    child ``i`` of ``SeedSequence(seed)``, so any subset of runs can be
    recomputed alone, bit for bit.

    Parameters
    ----------
    system : System
        Powers and parameters (default: the five great powers of 1816).
    years, systems : int
        Years per system and number of independent systems.
    policy : Policy or str, optional
        ``waltz``, ``kaplan``, ``balancer`` or ``far_sighted_waltz`` (default:
        ``Policy()``, waltz).
    seed : int or None
        Root seed (default ``DEFAULT_SEED``, 1, as everywhere in the package;
        ``None``: fresh entropy, reported in the result).
    dyadic : strategy or name, or a sequence of one per power
        The strategy that forms each power's reply toward each other power
        (any finite-state strategy of :mod:`security_regimes.games`, or
        Bayesian Trust, which replies from the power's belief).  A sequence
        gives each power its own, e.g. a revisionist ``Defector`` among
        ``Tit For Tat`` players.
    regime : Regime, optional
        Norms and formation conditions (:mod:`security_regimes.regimes`).
    progress : callable, optional
        Called with the number of system-years done after each simulated
        year (``systems`` each time), for progress bars.
    out : path, optional
        Stream the run to Parquet in ``out`` instead of keeping it in
        memory: systems are simulated in chunks that fit (the same results
        as one batch), each chunk appended to ``years.parquet``,
        ``runs.parquet`` (and ``alliances.parquet``, ``capabilities.parquet``
        if recorded); returns a :class:`StreamedResult`.
    threads : int, optional
        Threads over systems for the compiled year (default: the usable
        CPUs, or ``SECURITY_REGIMES_THREADS``).  Results do not depend on it.
    record_crises : bool
        Keep the outcome of every ordered pair's crisis each year
        (``SimulationResult.crises``; crisis core, not streamed).

    Raises
    ------
    ValueError
        On bad parameters, more than ``MAX_YEARS`` years, growth that would
        overflow, or a run that would not fit in the available memory
        (:func:`estimate_bytes`).
    """
    if out is not None:
        if record_crises:
            raise ValueError("record_crises: crises are kept in memory only; run without out=")
        return _stream(out, system, years, policy, systems, seed, rules=rules, balancer=balancer,
                       future_weight=future_weight, dyadic=dyadic, regime=regime,
                       first_index=first_index, record_capabilities=record_capabilities,
                       record_alliances=record_alliances, progress=progress, threads=threads)
    system = system if system is not None else System()
    if not isinstance(system, System):
        raise ValueError(f"system must be a System, got {type(system).__name__}")
    extra = {k: v for k, v in (("rules", rules), ("balancer", balancer),
                                ("future_weight", future_weight)) if v is not None}
    policy = get_policy(Policy() if policy is None else policy, **extra)
    years = check_int(years, "years", 1, MAX_YEARS)
    systems = check_int(systems, "systems", 1)
    first_index = check_int(first_index, "first_index", 0)
    check_growth(system, years)
    check_fits(estimate_bytes(system.n_powers, years, systems, record_capabilities,
                              record_alliances)
               + (systems * years * system.n_powers ** 2 if record_crises else 0),
               f"simulate: {systems:,} systems x {years:,} years",
               "use fewer systems or years, record less (record_alliances=False), or stream "
               "the run to disk with simulate(..., out=DIR) (regimes simulate --out DIR)")
    if policy.balancer_index >= system.n_powers:
        raise ValueError(f"balancer must be a power index below {system.n_powers}, "
                         f"got {policy.balancer}")
    entropy = root_entropy(seed)
    keys = spawn_keys(entropy, first_index + np.arange(systems))
    dyad = Dyadic.build(dyadic, years, system.n_powers)
    if regime is not None:
        regime.member_mask(system.n_powers)  # validates member indices
    state = initial_state(system, systems, regime, dyad)
    N = system.n_powers
    # Preallocated (measures, B, T) arrays that the compiled kernel fills in
    # place; capabilities (B, T + 1, N); each power's alliance (B, T, N).
    F, I, Bo = allocate(systems, years)  # noqa: E741
    caps = None
    if record_capabilities:
        caps = np.empty((systems, years + 1, N))
        caps[:, 0] = state.cap
    blocs = np.zeros((systems, years, N), dtype=np.int16) if record_alliances else None
    crec = np.zeros((systems, years, N, N), dtype=np.int8) if record_crises else None
    kernel = Kernel(system, policy, dyad, regime)
    step_years = years if progress is None else max(1, min(years, kernel.block_years(systems)))
    for y0 in range(0, years, step_years):
        y1 = min(y0 + step_years, years)
        kernel.run(state, keys, y0, y1, F, I, Bo, caps, blocs, threads=threads, crises=crec)
        if progress is not None:
            for _ in range(y0, y1):
                progress(systems)
    return SimulationResult(
        system=system,
        policy=policy,
        years=years,
        seed=entropy,
        first_index=first_index,
        measures=measure_views(F, I, Bo),
        capabilities=caps,
        alliance_blocs=blocs,
        dyadic=dyad.label,
        regime=regime,
        crises=crec,
    )
