"""Compact text and HTML summaries of results, for the console and for notebooks.

A result's ``repr()`` is a few lines (never its arrays: a 20-system x
30-year run used to print 336,058 characters), and ``_repr_html_`` is the
same as a small table that Jupyter shows.
"""

from __future__ import annotations

import html

#: Most characters of any one value in a summary.
WIDTH = 160


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= WIDTH else text[:WIDTH - 20] + f"... ({len(text):,} chars)"


def names(items, most: int = 6) -> str:
    """``a, b, c, ... (+n more)``."""
    items = [str(x) for x in items]
    head = ", ".join(items[:most])
    return head + (f", ... (+{len(items) - most} more)" if len(items) > most else "")


def text(title: str, rows: list[tuple[str, object]]) -> str:
    """``Title`` then one ``  key: value`` line per row."""
    return "\n".join([title] + [f"  {key}: {_short(value)}" for key, value in rows])


def table_html(title: str, rows: list[tuple[str, object]]) -> str:
    """The same summary as an HTML table (values escaped: they may hold user text)."""
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(key)}</th>"
                   f"<td style='text-align:left'>{html.escape(_short(value))}</td></tr>"
                   for key, value in rows)
    return f"<div><strong>{html.escape(title)}</strong><table>{body}</table></div>"


class Summarised:
    """Mixin: ``__repr__`` and ``_repr_html_`` from ``_summary() -> (title, rows)``."""

    def _summary(self) -> tuple[str, list[tuple[str, object]]]:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return text(*self._summary())

    def _repr_html_(self) -> str:
        return table_html(*self._summary())
