"""Dated domestic changes of the great powers (revolutions and changes of regime).

The table and its sources are in ``history/SOURCES.md``.  Jervis (1982,
pp. 364-366) and Schroeder (1994) put the Concert's decay down to events
such as these: the revolutions of 1830 and 1848 changed governments' goals,
and Napoleon III's Second Empire sought to revise the 1815 settlement.  The
model's regime conditions take them either as dated history
(:func:`dated_domestic_changes`, :attr:`~security_regimes.regimes.Conditions.events`)
or as a rate (:func:`domestic_change_rates`,
``Conditions.domestic_rate`` and ``Conditions.domestic_revisionist``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from .cow_data import DEFAULT_POWERS_1816

#: The period the rates are counted over (the record of the Concert scenario).
PERIOD = (1816, 1913)


@cache
def _table() -> pd.DataFrame:
    with resources.files(__package__).joinpath("history", "domestic_changes.csv").open("rb") as fh:
        return pd.read_csv(fh)


def domestic_changes() -> pd.DataFrame:
    """The dated domestic changes of the five great powers of 1816, 1816-1913.

    Columns: ``year``, ``ccode``, ``state`` (COW abbreviation), ``event``,
    ``revisionist`` (1: the new government sought to revise the 1815 settlement
    by force), ``source`` (see ``history/SOURCES.md``).
    """
    return _table().copy()


def domestic_change_rates(states: tuple[str, ...] = DEFAULT_POWERS_1816,
                          period: tuple[int, int] = PERIOD) -> tuple[float, float]:
    """``(rate, revisionist share)``: domestic changes per power-year of ``states``
    over ``period`` (inclusive), and the share of those changes that brought a
    revisionist government (NaN when there is none).

    >>> rate, share = domestic_change_rates()
    >>> round(rate, 4), round(share, 3)
    (0.0143, 0.143)
    """
    unknown = sorted(set(states) - set(DEFAULT_POWERS_1816))
    if unknown:
        raise ValueError(f"domestic changes are recorded for {', '.join(DEFAULT_POWERS_1816)} "
                         f"only, got {', '.join(unknown)}")
    lo, hi = period
    t = _table()
    t = t[t.state.isin(states) & (t.year >= lo) & (t.year <= hi)]
    power_years = len(states) * (hi - lo + 1)
    share = float(t.revisionist.mean()) if len(t) else float("nan")
    return len(t) / power_years, share


def dated_domestic_changes(states: tuple[str, ...] = DEFAULT_POWERS_1816,
                           start_year: int = 1816) -> tuple[tuple[int, int, str], ...]:
    """The dated changes of ``states`` as regime events
    (:attr:`~security_regimes.regimes.Conditions.events`): ``(year of the run,
    power index, kind)``, the run's first year being ``start_year`` (year 1) and
    the power index the position in ``states``; kind ``"revisionist"`` for a
    change that brought a revisionist government, ``"domestic"`` otherwise.
    Changes before ``start_year`` are left out."""
    t = _table()
    out = []
    for row in t.itertuples():
        if row.state in states and row.year >= start_year:
            out.append((int(row.year - start_year + 1), states.index(row.state),
                        "revisionist" if row.revisionist else "domestic"))
    return tuple(out)
