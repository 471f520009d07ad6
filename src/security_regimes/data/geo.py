"""Geography of the COW state system: members by year, capitals, distances, contiguity, rivalries.

Shipped in ``geography/`` (citations in ``geography/SOURCES.md``).  States are
named by their COW abbreviations (``stateabb``, as in the capabilities), as
everywhere in the package.

The check on geography that every model of war is held to (Bremer 1992,
"Dangerous Dyads", *Journal of Conflict Resolution* 36(2): 309-341) is
:func:`onset_ratio`: how much more often contiguous pairs of states begin
militarized disputes (or wars) than other pairs, per pair-year, with a
bootstrap interval over pairs.
"""

from __future__ import annotations

import itertools
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from .cow_data import _cached as _shipped

#: Mean Earth radius (km) of the great-circle distance.
EARTH_RADIUS_KM = 6371.0
#: The contiguity types of COW Direct Contiguity v3.2 (1 land or river border;
#: 2-5 at most 12, 24, 150 and 400 miles of water).
CONTIGUITY_TYPES = (1, 2, 3, 4, 5)


def _cached(name: str) -> pd.DataFrame:
    return _shipped(name, "geography")


def states() -> pd.DataFrame:
    """COW State System Membership v2016 spells: stateabb, ccode, name, start_year, end_year."""
    return _cached("states.csv").copy()


def capitals() -> pd.DataFrame:
    """Capital spells: ccode, capital, start_year, end_year, lat, lng (decimal degrees)."""
    return _cached("capitals.csv").copy()


def contiguity_spells() -> pd.DataFrame:
    """COW Direct Contiguity v3.2 spells of types 1-5: ccode1 < ccode2, conttype, start_year, end_year."""
    return _cached("contiguity.csv").copy()


def rivalries() -> pd.DataFrame:
    """Thompson-Dreyer strategic rivalries: rivalry, name, ccode1, ccode2, start_year,
    end_year, region, type1-type3."""
    return _cached("rivalries.csv").copy()


def _year_range() -> tuple[int, int]:
    s = _cached("states.csv")
    return int(s.start_year.min()), int(s.end_year.max())


def _check_year(year) -> int:
    lo, hi = _year_range()
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or not lo <= year <= hi:
        raise ValueError(f"COW year must be an integer in [{lo}, {hi}], got {year!r}")
    return int(year)


@cache
def _codes() -> dict[str, int]:
    s = _cached("states.csv")
    return dict(zip(s.stateabb, s.ccode, strict=False))


def codes(names) -> np.ndarray:
    """COW codes (ccode) of the states ``names`` (abbreviations), shape (N,) int.
    ValueError (one line) for a name COW does not know."""
    table = _codes()
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown COW state abbreviation(s): {', '.join(unknown)}")
    return np.array([table[n] for n in names], dtype=np.int64)


def members(year: int) -> tuple[str, ...]:
    """The COW system members in ``year`` (abbreviations), largest CINC first
    (states without a CINC that year last, by code)."""
    year = _check_year(year)
    s = _cached("states.csv")
    inside = s[(s.start_year <= year) & (s.end_year >= year)].drop_duplicates("ccode")
    from .cow_data import _cached as _cow

    caps = _cow("capabilities.csv")
    cinc = caps[caps.year == year].set_index("ccode").cinc
    order = inside.assign(cinc=inside.ccode.map(cinc).fillna(-1.0)).sort_values(
        ["cinc", "ccode"], ascending=[False, True])
    return tuple(order.stateabb)


def check_members(names, year: int) -> None:
    """ValueError (one line) unless every state of ``names`` is a COW member in ``year``."""
    inside = set(members(year))
    out = [n for n in names if n not in inside]
    if out:
        raise ValueError(f"not COW system members in {year}: {', '.join(out)}")


def capital_coordinates(names, year: int) -> np.ndarray:
    """Latitude and longitude (degrees) of each state's capital in ``year``, shape (N, 2)."""
    year = _check_year(year)
    cc = codes(names)
    cap = _cached("capitals.csv")
    here = cap[(cap.start_year <= year) & (cap.end_year >= year)].drop_duplicates("ccode")
    here = here.set_index("ccode")
    missing = [n for n, c in zip(names, cc, strict=True) if c not in here.index]
    if missing:
        raise ValueError(f"no capital recorded in {year} for {', '.join(missing)}")
    return here.loc[cc, ["lat", "lng"]].to_numpy(float)


def first_years(names, year: int) -> np.ndarray:
    """The first year, ``year`` or later, in which each state of ``names`` is a
    COW system member, shape (N,) int64; ValueError (one line) for a state
    that is not a member in any year from ``year`` to the end of the data."""
    year = _check_year(year)
    s = _cached("states.csv")
    out = []
    for name in names:
        sp = s[(s.stateabb == name) & (s.end_year >= year)]
        if sp.empty:
            out.append(None)
        else:
            out.append(max(year, int(sp.start_year.min())))
    missing = [n for n, y in zip(names, out, strict=True) if y is None]
    if missing:
        raise ValueError(f"not COW system members in {year} or later: {', '.join(missing)}")
    return np.array(out, dtype=np.int64)


def membership(names, start: int, end: int) -> np.ndarray:
    """Whether each state of ``names`` is a COW system member in each year of
    ``[start, end]`` (COW State System Membership), shape (end - start + 1, N)
    bool."""
    start, end = _check_year(start), _check_year(end)
    s = _cached("states.csv")
    years = np.arange(start, end + 1)
    out = np.zeros((len(years), len(names)), dtype=bool)
    for k, name in enumerate(names):
        for a, b in zip(*(s.loc[s.stateabb == name, c] for c in ("start_year", "end_year")),
                        strict=True):
            out[:, k] |= (years >= a) & (years <= b)
    return out


def capitals_at(names, years) -> np.ndarray:
    """Latitude and longitude (degrees) of each state's capital in its own
    year (``years``, shape (N,)), shape (N, 2)."""
    return np.vstack([capital_coordinates([n], int(y)) for n, y in zip(names, years,
                                                                       strict=True)])


def contiguity_at(names, years) -> np.ndarray:
    """COW direct contiguity type of each pair of ``names`` in the later of
    the two states' ``years`` (shape (N,); e.g. :func:`first_years`: the
    first year both are members), shape (N, N) int8, as :func:`contiguity`."""
    years = np.asarray(years, dtype=np.int64)
    n = len(names)
    out = np.zeros((n, n), dtype=np.int8)
    for y in np.unique(years):
        both = np.maximum(years[:, None], years[None, :]) == y
        out = np.where(both, contiguity(names, int(y)), out)
    return out


def great_circle_km(coords: np.ndarray) -> np.ndarray:
    """Great-circle distances (km, haversine on a sphere of radius
    :data:`EARTH_RADIUS_KM`) between points ``coords`` (N, 2) of latitude and
    longitude in degrees; shape (N, N), zero diagonal."""
    lat, lng = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    dlat = lat[:, None] - lat[None, :]
    dlng = lng[:, None] - lng[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distances(names, year: int) -> np.ndarray:
    """Distances (km) between the capitals of ``names`` in ``year``, shape (N, N)."""
    return great_circle_km(capital_coordinates(names, year))


def contiguity(names, year: int) -> np.ndarray:
    """COW direct contiguity type of each pair of ``names`` in ``year``, shape
    (N, N) int8, symmetric: 1 land or river border, 2-5 water of at most 12,
    24, 150, 400 miles, 0 not contiguous (and the diagonal)."""
    year = _check_year(year)
    cc = codes(names)
    where = {int(c): k for k, c in enumerate(cc)}
    sp = _cached("contiguity.csv")
    sp = sp[(sp.start_year <= year) & (sp.end_year >= year)
            & sp.ccode1.isin(where) & sp.ccode2.isin(where)]
    out = np.zeros((len(cc), len(cc)), dtype=np.int8)
    for a, b, kind in zip(sp.ccode1, sp.ccode2, sp.conttype, strict=True):
        i, j = where[int(a)], where[int(b)]
        t = kind if out[i, j] == 0 else min(out[i, j], kind)
        out[i, j] = out[j, i] = t
    return out


# --- Alliances ---------------------------------------------------------------------

def alliances_in_force(year: int, names=None) -> list[tuple[int, tuple[str, ...]]]:
    """The COW formal alliances (v4.1, any type) in force in ``year`` with at
    least two members among ``names`` (default: every COW member that
    year): ``(alliance number, members)`` each, members in the order of
    ``names``."""
    from .cow_data import _cached as _cow

    year = _check_year(year)
    names = members(year) if names is None else tuple(names)
    where = {int(c): n for c, n in zip(codes(names), names, strict=True)}
    a = _cow("alliances.csv")
    live = a[(a.start_year <= year) & (a.end_year.isna() | (a.end_year >= year))
             & a.ccode.isin(where)]
    order = {n: k for k, n in enumerate(names)}
    out = []
    for number, g in live.groupby("alliance"):
        inside = sorted({where[int(c)] for c in g.ccode}, key=order.get)
        if len(inside) >= 2:
            out.append((int(number), tuple(inside)))
    return out


def alliance_record(start: int = 1816, end: int = 1913, names=None) -> pd.DataFrame:
    """COW formal alliances among the system's members (of ``names`` only, if
    given), year by year in ``[start, end]``: ``alliances`` in force (two
    such members at least), ``allied_pairs`` (unordered pairs of them sharing
    one at least) and ``pairs`` (all unordered pairs of them)."""
    return _alliance_record(int(start), int(end),
                            None if names is None else tuple(names)).copy()


def _yearly_alliances(start: int, end: int, names):
    """Each year of ``[start, end]``: the year, the members (of ``names`` only,
    if given) and the COW alliances in force among them."""
    start, end = _check_year(start), _check_year(end)
    keep = None if names is None else set(names)
    for year in range(start, end + 1):
        inside = tuple(n for n in members(year) if keep is None or n in keep)
        yield year, inside, alliances_in_force(year, inside)


@lru_cache(maxsize=32)
def _alliance_record(start: int, end: int, names) -> pd.DataFrame:
    rows = []
    for year, inside, blocs in _yearly_alliances(start, end, names):
        allied = {tuple(sorted(p)) for _, m in blocs for p in itertools.combinations(m, 2)}
        n = len(inside)
        rows.append((year, len(blocs), len(allied), n * (n - 1) // 2))
    return pd.DataFrame(rows, columns=["year", "alliances", "allied_pairs", "pairs"])


def membership_rates(start: int = 1816, end: int = 1913) -> pd.Series:
    """The state system's births and deaths in ``[start, end]`` from the COW
    State System Membership spells, as the rates of ``System(membership =
    "drawn")`` read them: ``member_years`` (members each year, summed),
    ``entries`` (spells that begin after ``start``), ``exits`` (spells that
    end before ``end``), ``exits_by_war`` (of those, a state that fought an
    interstate war in its last year, the year before or the next, COW wars
    v4.0: an approximate split, which counts the South German states that
    fought beside Prussia in 1870 and joined its empire in 1871 as by war),
    ``exit_rate`` (exits not by war per member-year: the model's
    ``exit_rate``, since its wars destroy states on their own), ``war_exit_rate``
    and ``entries_per_year``."""
    from .cow_data import wars

    start, end = _check_year(start), _check_year(end)
    if end <= start:
        raise ValueError(f"membership_rates: end must be after start, got {start}-{end}")
    s = _cached("states.csv")
    lo, hi = s.start_year.clip(lower=start), s.end_year.clip(upper=end)
    member_years = int((hi - lo + 1).clip(lower=0).sum())
    entries = int(((s.start_year > start) & (s.start_year <= end)).sum())
    leaving = s[(s.end_year >= start) & (s.end_year < end)]
    w = wars()
    fought = {(int(c), int(y)) for c, y0, y1 in zip(w.ccode, w.start_year, w.end_year,
                                                   strict=True) for y in range(y0, y1 + 1)}
    by_war = sum(1 for c, e in zip(leaving.ccode, leaving.end_year, strict=True)
                 if any((int(c), int(e) + d) in fought for d in (-1, 0, 1)))
    exits = len(leaving)
    return pd.Series({"member_years": member_years, "entries": entries, "exits": exits,
                      "exits_by_war": by_war,
                      "exit_rate": (exits - by_war) / member_years,
                      "war_exit_rate": by_war / member_years,
                      "entries_per_year": entries / (end - start)}, name=f"{start}-{end}")


def alliance_spells(start: int = 1816, end: int = 1913, names=None) -> pd.DataFrame:
    """The spells of the COW formal alliances (v4.1, any type) in ``[start,
    end]``: the years each alliance is in force without a break with two
    members at least among the system's members (of ``names`` only, if
    given).  Columns ``alliance`` (COW number), ``first``, ``last`` (calendar
    years) and ``years``; a spell in force at ``start`` or ``end`` is cut
    there, as a run's are (``SimulationResult.alliance_spells``)."""
    return _alliance_spells(int(start), int(end),
                            None if names is None else tuple(names)).copy()


@lru_cache(maxsize=32)
def _alliance_spells(start: int, end: int, names) -> pd.DataFrame:
    years: dict[int, list[int]] = {}
    for year, _, blocs in _yearly_alliances(start, end, names):
        for number, _ in blocs:
            years.setdefault(number, []).append(year)
    rows = []
    for number, ys in sorted(years.items()):
        first = prev = ys[0]
        for y in ys[1:] + [None]:
            if y is not None and y == prev + 1:
                prev = y
                continue
            rows.append((number, first, prev, prev - first + 1))
            if y is not None:
                first = prev = y
    out = pd.DataFrame(rows, columns=["alliance", "first", "last", "years"])
    return out.sort_values(["first", "alliance"], ignore_index=True)


# --- Dangerous dyads ------------------------------------------------------------

def dyad_years(start: int, end: int, max_type: int = 5) -> pd.DataFrame:
    """Every unordered pair of COW members in every year of ``[start, end]``:
    columns year, ccode1 < ccode2, contiguous (direct contiguity of type at
    most ``max_type`` that year)."""
    return _dyad_years(_check_year(start), _check_year(end), int(max_type)).copy()


@lru_cache(maxsize=8)
def _dyad_years(start: int, end: int, max_type: int) -> pd.DataFrame:
    s = _cached("states.csv")
    sp = _cached("contiguity.csv")
    sp = sp[sp.conttype <= max_type]
    rows = []
    for year in range(start, end + 1):
        cc = np.sort(s[(s.start_year <= year) & (s.end_year >= year)].ccode.unique())
        i, j = np.triu_indices(len(cc), 1)
        rows.append(pd.DataFrame({"year": year, "ccode1": cc[i], "ccode2": cc[j]}))
    dy = pd.concat(rows, ignore_index=True)
    spells = sp.merge(dy[["year", "ccode1", "ccode2"]], on=["ccode1", "ccode2"])
    spells = spells[(spells.start_year <= spells.year) & (spells.end_year >= spells.year)]
    key = spells[["year", "ccode1", "ccode2"]].drop_duplicates().assign(contiguous=True)
    dy = dy.merge(key, on=["year", "ccode1", "ccode2"], how="left")
    dy["contiguous"] = dy.contiguous.fillna(False).astype(bool)
    return dy


def dyadic_onsets(start: int, end: int, events: str = "disputes") -> pd.DataFrame:
    """Dyadic onsets of militarized disputes (MID v5.0: every pair of
    participants on opposite sides, once per dispute) or of wars (COW
    inter-state wars: every pair on opposite sides, once per war), in the
    year the later of the two joined: columns year, ccode1 < ccode2."""
    from .cow_data import _cached as _cow

    if events == "disputes":
        part = _cow("dispute_participants.csv").rename(columns={"dispnum": "event"})
        part = part.assign(side=part.sidea, start=part.styear)
    elif events == "wars":
        part = _cow("wars.csv").rename(columns={"war_num": "event"})
        part = part.assign(start=part.start_year)
    else:
        raise ValueError(f"events: expected 'disputes' or 'wars', got {events!r}")
    part = part.groupby(["event", "ccode", "side"], as_index=False)["start"].min()
    pairs = part.merge(part, on="event", suffixes=("_a", "_b"))
    pairs = pairs[(pairs.side_a != pairs.side_b) & (pairs.ccode_a < pairs.ccode_b)]
    pairs = pairs.assign(year=np.maximum(pairs.start_a, pairs.start_b))
    pairs = pairs[(pairs.year >= start) & (pairs.year <= end)]
    out = pairs.rename(columns={"ccode_a": "ccode1", "ccode_b": "ccode2"})
    return out[["event", "year", "ccode1", "ccode2"]].drop_duplicates(
        ["event", "ccode1", "ccode2"]).reset_index(drop=True)


def rate_ratio_interval(on_c: np.ndarray, yr_c: np.ndarray, on_n: np.ndarray,
                        yr_n: np.ndarray, draws: int = 2000, seed: int = 1,
                        level: float = 0.90) -> tuple[float, float, float]:
    """The ratio of onset rates ``(sum on_c / sum yr_c) / (sum on_n / sum yr_n)``
    and its percentile bootstrap interval at ``level``, resampling the units
    (pairs; arrays shape (D,)) with replacement ``draws`` times
    (``numpy.random.default_rng(seed)``).  The ratio is inf when the other
    pairs have no onset and NaN when a rate is undefined (no pair-years); the
    interval comes from the finite bootstrap draws (NaN if there are none)."""
    on_c, yr_c, on_n, yr_n = (np.asarray(a, float) for a in (on_c, yr_c, on_n, yr_n))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (on_c.sum() / yr_c.sum()) / (on_n.sum() / yr_n.sum())
        rng = np.random.default_rng(seed)
        w = rng.multinomial(len(on_c), np.full(len(on_c), 1.0 / len(on_c)), size=draws)
        boot = (w @ on_c / (w @ yr_c)) / (w @ on_n / (w @ yr_n))
    boot = boot[np.isfinite(boot)]
    if not boot.size:
        return float(ratio), float("nan"), float("nan")
    a = (1 - level) / 2
    return float(ratio), float(np.quantile(boot, a)), float(np.quantile(boot, 1 - a))


def onset_ratio(start: int = 1816, end: int = 1913, events: str = "disputes",
                max_type: int = 5, draws: int = 2000, seed: int = 1,
                level: float = 0.90) -> dict:
    """How much more often contiguous pairs of COW members begin ``events``
    ("disputes" or "wars") than other pairs, per pair-year, in ``[start, end]``
    (Bremer 1992).  Contiguous: direct contiguity of type at most ``max_type``
    in that year (5: a border or at most 400 miles of water; 1: land only).

    Returns ratio, low, high (its bootstrap interval over pairs, see
    :func:`rate_ratio_interval`), the two rates (onsets per pair-year) and
    the counts of onsets and pair-years behind them (computed once per
    arguments: every check of a run asks).
    """
    return dict(_onset_ratio(int(start), int(end), events, int(max_type), int(draws),
                             int(seed), float(level)))


@lru_cache(maxsize=64)
def _onset_ratio(start: int, end: int, events: str, max_type: int, draws: int, seed: int,
                 level: float) -> dict:
    if start > end:
        raise ValueError(f"onset_ratio: start {start} is after end {end}")
    dy = dyad_years(start, end, max_type)
    on = dyadic_onsets(start, end, events).groupby(["year", "ccode1", "ccode2"]).size()
    dy = dy.join(on.rename("onsets"), on=["year", "ccode1", "ccode2"])
    dy["onsets"] = dy.onsets.fillna(0).astype(int)
    g = dy.groupby(["ccode1", "ccode2", "contiguous"]).agg(on=("onsets", "sum"),
                                                           years=("year", "size"))
    wide = g.unstack("contiguous", fill_value=0)
    def get(col, flag):
        return (wide[(col, flag)].to_numpy(float) if (col, flag) in wide
               else np.zeros(len(wide)))
    on_c, yr_c, on_n, yr_n = get("on", True), get("years", True), get("on", False), get(
        "years", False)
    ratio, lo, hi = rate_ratio_interval(on_c, yr_c, on_n, yr_n, draws, seed, level)
    return {"events": events, "start": start, "end": end, "max_type": max_type,
            "ratio": ratio, "low": lo, "high": hi, "level": level,
            "contiguous_rate": on_c.sum() / yr_c.sum(), "other_rate": on_n.sum() / yr_n.sum(),
            "contiguous_onsets": int(on_c.sum()), "contiguous_pair_years": int(yr_c.sum()),
            "other_onsets": int(on_n.sum()), "other_pair_years": int(yr_n.sum())}
