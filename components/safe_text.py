"""Data-derived text in Plotly figures (names in hover, tick, legend, label and annotation texts).

Plotly renders a small HTML subset in those texts (<a href>, <b>, <br>, ...), so a school called
"<a href=x>y</a>" would become a live link. Every figure passes names and other stored text through
`plot_text`: & < > become entities, which Plotly shows as the characters themselves.
Texts the figure code writes itself (vocabulary labels, '<br>', '<b>' around a name) stay as they are.
"""
from __future__ import annotations

from collections.abc import Iterable
from html import escape


def plot_text(value: object) -> str:
    return escape("" if value is None else str(value), quote=False)


def plot_texts(values: Iterable[object]) -> list[str]:
    return [plot_text(v) for v in values]


def template_text(value: object) -> str:
    """Stored text written into a hovertemplate itself: escaped, and without %{...} placeholders of its own."""
    return plot_text(value).replace("%{", "%\u200b{")
