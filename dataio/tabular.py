"""Reading and writing tables: CSV (semicolon, Excel-friendly) and xlsx workbooks.

A table is a header (list of str) and rows (lists of cell values). Line numbers
are spreadsheet rows: the header is line 1, so row index i has line i + 2.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from dataio.csv_safe import escape_cell, unescape_cell

Table = tuple[list[str], list[list[object]]]
CsvTable = tuple[list[str], list[list[str]]]  # a CSV's cells are text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel and DUO's older files write it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # a few bytes are undefined in cp1252
        return data.decode("latin-1")


def read_csv(data: bytes) -> CsvTable:
    """Header and rows of a CSV; the separator (; , or tab) is taken from the header line."""
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        return [], []
    return [clean_header(h) for h in rows[0]], [[unescape_cell(c) for c in r] for r in rows[1:]]


def clean_header(value: object) -> str:
    """Header text without surrounding spaces, quotes or a stray BOM."""
    return str(value if value is not None else "").replace("\ufeff", "").strip().strip("'\"").strip()


def is_blank(row: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_xlsx(source: Path | bytes) -> dict[str, Table]:
    """All sheets of a workbook by sheet title. Raises ValueError (Dutch) for an unreadable file."""
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else source
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a broken or non-xlsx file
        raise ValueError("het bestand is geen leesbaar Excel-bestand (.xlsx)") from None
    try:
        sheets: dict[str, Table] = {}
        for ws in workbook.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if not rows:
                sheets[ws.title] = ([], [])
                continue
            header = [clean_header(h) for h in rows[0]]
            while header and not header[-1]:
                header.pop()
            sheets[ws.title] = (header, rows[1:])
        return sheets
    finally:
        workbook.close()


# ---------------------------------------------------------------- writing

def csv_cell(value: object) -> str:
    """A value as CSV text: ISO dates, ja/nee, decimal comma (Dutch Excel)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Semicolon separated, UTF-8 with BOM so that Excel shows accents correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(v, csv_cell(v)) for v in row])  # no formulas (dataio.csv_safe)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(header, rows))


def _xlsx_cell(ws, value: object) -> WriteOnlyCell:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "ja" if value else "nee"
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    elif isinstance(value, datetime):
        cell.number_format = "DD-MM-YYYY HH:MM:SS"
    elif isinstance(value, date):
        cell.number_format = "DD-MM-YYYY"
    return cell


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
               widths: dict[str, Sequence[int]] | None = None) -> bytes:
    """A workbook with one sheet per (title, header, rows); bold, frozen header row."""
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        ws = workbook.create_sheet(safe_sheet_title(title))
        sheet_widths = (widths or {}).get(title) or [max(12, min(40, len(h) + 4)) for h in header]
        for index, width in enumerate(sheet_widths):
            ws.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
        ws.freeze_panes = "A2"
        header_cells = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        for row in rows:
            ws.append([_xlsx_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_tables(path: Path, tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]], *,
                 widths: dict[str, Sequence[int]] | None = None, replace: Iterable[str] = ()) -> None:
    """Tables as one .xlsx (path ends with .xlsx) or else as a folder of <name>.csv files.

    replace: names whose old CSV files in the folder are removed first (so none linger).
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(xlsx_bytes(tables, widths))
        return
    path.mkdir(parents=True, exist_ok=True)
    stale = {name.casefold() for name in replace}
    for old in path.glob("*.csv"):
        if old.stem.casefold() in stale:
            old.unlink()
    for name, header, rows in tables:
        (path / f"{name}.csv").write_bytes(csv_bytes(header, rows))


def safe_sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "blad"
