"""CSV formula injection: a spreadsheet program runs a cell that begins with = + - @ (or a tab or
carriage return before one) as a formula, e.g. =HYPERLINK(...). Every CSV the product writes goes
through `escape_cell` (dataio.tabular.csv_bytes); the grids' client-side exports use the same rule in
assets/grid_functions.js.

Text cells beginning with one of those characters get a leading apostrophe, which spreadsheets show
as text. Text that already begins with apostrophes before such a character gets one more, so that
`unescape_cell` (used when the product reads its own CSV back) gives exactly the original text.
Numbers, dates and booleans are the product's own values and are never changed (-3 stays -3).
"""
from __future__ import annotations

import re
from datetime import date

DANGEROUS_START = "=+-@\t\r"
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")
_UNESCAPE = re.compile(r"'+[=+\-@\t\r]")


def escape_text(text: str) -> str:
    return "'" + text if _ESCAPED.match(text) else text


def escape_cell(value: object, text: str) -> str:
    """The CSV text of a value (text: how dataio.tabular.csv_cell wrote it), safe for spreadsheets."""
    if value is None or isinstance(value, (bool, int, float, date)):
        return text
    return escape_text(text)


def unescape_cell(text: str) -> str:
    """The original text of a cell written by escape_cell."""
    return text[1:] if _UNESCAPE.match(text) else text
