"""CSV files for people who open them in Dutch Excel (report-style downloads: the Netwerk CSV, the change
list); the grids' browser exports follow the same rules in assets/grid_functions.js.

- `;` between cells, CRLF line ends, UTF-8 with a BOM (so Excel shows accents);
- numbers stay numbers, with a decimal comma (3,5; -2; never '+1' or '±0' text);
- dates dd-mm-jjjj, moments dd-mm-jjjj uu:mm; ja/nee for booleans;
- Dutch labels instead of codes (`with_labels` for the exchange sheets' vocabulary columns);
- text that a spreadsheet would run as a formula is escaped (dataio.csv_safe).

The machine exchange format (`vios export`, dataio.tabular.csv_bytes) stays ISO dates and codes, so
that export -> import round-trips; the import also reads these files back (it accepts dd-mm-jjjj
dates and Dutch labels as well as codes, dataio.values).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from dataio.exchange_schema import SHEETS_BY_NAME
from dataio.tabular import csv_bytes


def excel_cell(value: object) -> str:
    """A value as Dutch Excel reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, (float, Decimal)):
        text = format(value, "f")  # never 1e-05
        return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def excel_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A table as a CSV for Dutch Excel (see the module text)."""
    return csv_bytes(header, rows, excel_cell)


def with_labels(sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[list[object]]:
    """Rows of an exchange sheet with the Dutch label for each vocabulary code (unknown codes kept)."""
    spec = SHEETS_BY_NAME[sheet]
    vocab = {c.name: (c.kind, c.vocab) for c in spec.cols if c.vocab is not None}
    kinds = [vocab.get(name) for name in header]
    out: list[list[object]] = []
    for row in rows:
        cells: list[object] = []
        for value, kind in zip(row, kinds, strict=True):
            if kind is None or value is None:
                cells.append(value)
            elif kind[0] == "vocab_list" and isinstance(value, (list, tuple)):
                cells.append(", ".join(kind[1].get(str(v), str(v)) for v in value))
            else:
                cells.append(kind[1].get(str(value), value))
        out.append(cells)
    return out
