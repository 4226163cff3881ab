"""Reading and writing tables: CSV (semicolon, Excel-friendly) and xlsx workbooks.

A table is a header (list of str) and rows (lists of cell values). Line numbers
are spreadsheet rows: the header is line 1, so row index i has line i + 2.
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from dataio import progress
from dataio.csv_safe import escape_cell, unescape_cell

Table = tuple[list[str], list[list[object]]]
CsvTable = tuple[list[str], list[list[str]]]  # a CSV's cells are text


# Limits that hold for every file the product reads (a small file may claim or unpack to a huge one).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all entries of one zip (CSV zip or xlsx) together
MAX_ZIP_RATIO = 100                     # unpacked : packed, per entry
ZIP_RATIO_FLOOR = 1024 * 1024           # below this size an entry may compress better (headers, empty sheets)
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 200                       # per sheet or CSV (the exchange format has fewer than 30)
MAX_ROWS = 250_000                      # data rows per sheet or CSV (national scale: ~30,000)
MAX_CELLS = 4_000_000                   # filled cells per file (per import in cell_budget()): fits in memory
MAX_FIELD_BYTES = 128 * 1024            # csv.field_size_limit's default: one cell of a CSV
_CHUNK = 1024 * 1024
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_DTD_MARKERS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be"))


# The filled cells one import may still read, over all its files (a zip of CSVs): set by cell_budget().
_CELLS_LEFT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("vios_cells_left", default=None)


@contextlib.contextmanager
def cell_budget() -> Iterator[None]:
    """Within the block, all files read together hold at most MAX_CELLS filled cells (else FileRefused)."""
    token = _CELLS_LEFT.set([MAX_CELLS])
    try:
        yield
    finally:
        _CELLS_LEFT.reset(token)


def _cells_used(cells: int) -> int:
    """Cells counted so far by this file plus those of earlier files in the current cell_budget."""
    left = _CELLS_LEFT.get()
    return cells + (MAX_CELLS - left[0] if left is not None else 0)


def _spend_cells(cells: int) -> None:
    left = _CELLS_LEFT.get()
    if left is not None:
        left[0] -= cells


class FileRefused(ValueError):
    """A file that cannot be read safely or unambiguously. line: the spreadsheet line (1 for the whole file)."""

    def __init__(self, reason: str, line: int = 1):
        self.reason, self.line = reason, line
        super().__init__(f"regel {line}: {reason}" if line > 1 else reason)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as DUO's older files and Excel write it.

    Windows-1252 only when the whole file is valid Windows-1252 and holds no valid UTF-8 multi-byte
    sequence: a UTF-8 file with one stray byte, a mix, UTF-16 or NUL characters are refused (FileRefused,
    Dutch) with the line and column of the first bad byte. A file is never silently re-interpreted.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("het bestand is als UTF-16 (Unicode) opgeslagen; sla het op als 'CSV UTF-8' "
                          "(in Excel: Opslaan als > CSV UTF-8) en probeer het opnieuw")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        if _UTF8_MULTIBYTE.search(data):  # a UTF-8 file with bad bytes, or a mix of encodings
            raise _bad_byte(data, utf8_error.start, "UTF-8") from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as cp_error:  # neither: 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252
            raise _bad_byte(data, cp_error.start, "Windows-1252") from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise FileRefused(f"teken {column} is een NUL-teken (0x00); dat hoort niet in een tekstbestand "
                          "(is het een Excel- of UTF-16-bestand dat als .csv is opgeslagen?)", line)
    return text


def _bad_byte(data: bytes, position: int, encoding: str) -> FileRefused:
    line_start = data.rfind(b"\n", 0, position) + 1
    line = data.count(b"\n", 0, position) + 1
    prefix = data[line_start:position].decode("utf-8" if encoding == "UTF-8" else "cp1252", errors="replace")
    if line == 1:
        prefix = prefix.removeprefix("\ufeff")
    column = len(prefix) + 1
    return FileRefused(
        f"teken {column} (byte 0x{data[position]:02X}) is geen geldige {encoding}-tekst; het bestand is niet "
        "volledig UTF-8 of Windows-1252 (gemengde of beschadigde codering). Er is niets gelezen: sla het bestand "
        "op als 'CSV UTF-8' en probeer het opnieuw", line)


def read_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> CsvTable:
    """Header and rows of a CSV; the separator (; , or tab) is taken from the header line.

    Raises FileRefused (Dutch, with the line) for an undecodable file, a field over 128 kB, or a
    file over the limits (MAX_COLUMNS, MAX_ROWS, MAX_CELLS).
    """
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    cells = 0
    previous_limit = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        for row in reader:
            cells += sum(1 for c in row if c)
            rows.append(row)
            _check_size(len(rows), len(row), _cells_used(cells), reader.line_num, max_rows)
    except csv.Error as exc:
        line = reader.line_num
        reason = (f"een veld is langer dan {MAX_FIELD_BYTES // 1024} kB (een aanhalingsteken dat niet "
                  "wordt gesloten?)" if "field larger" in str(exc) else f"het bestand is geen geldige CSV ({exc})")
        raise FileRefused(reason, max(line, 1)) from None
    finally:
        csv.field_size_limit(previous_limit)
    del text
    _spend_cells(cells)
    if not rows:
        return [], []
    return [clean_header(h) for h in rows[0]], [[unescape_cell(c) for c in r] for r in rows[1:]]


def _check_size(rows: int, width: int, cells: int, line: int, max_rows: int) -> None:
    if width > MAX_COLUMNS:
        raise FileRefused(f"de regel heeft {width} velden; meer dan {MAX_COLUMNS} kolommen wordt niet gelezen", line)
    if rows > max_rows + 1:
        raise FileRefused(f"meer dan {max_rows:,} rijen; splits het bestand".replace(",", "."), line)
    if cells > MAX_CELLS:
        raise FileRefused(f"meer dan {MAX_CELLS:,} gevulde cellen; splits het bestand".replace(",", "."), line)


class ZipReader:
    """Zip entries read as streams, with caps on the unpacked size (total) and the ratio (per entry).

    The sizes an archive claims are not trusted: the bytes are counted while they are unpacked.
    """

    def __init__(self, archive: zipfile.ZipFile, *, max_total: int = MAX_UNPACKED_BYTES):
        self.archive, self.max_total, self.total = archive, max_total, 0
        if len(archive.infolist()) > MAX_ZIP_ENTRIES:
            raise FileRefused(f"het zip-bestand bevat meer dan {MAX_ZIP_ENTRIES} bestanden")

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        size = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if self.total > self.max_total:
                        raise FileRefused(f"het zip-bestand pakt uit tot meer dan {self.max_total // 2**20} MB; "
                                          "dat wordt niet gelezen")
                    if size > ZIP_RATIO_FLOOR and size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                        raise FileRefused(f"'{info.filename}' in het zip-bestand pakt uit tot meer dan "
                                          f"{MAX_ZIP_RATIO} keer zijn gecomprimeerde grootte (een zip-bom?); "
                                          "dat wordt niet gelezen")
                    yield chunk
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
            if isinstance(exc, FileRefused):
                raise
            raise FileRefused(f"'{info.filename}' in het zip-bestand is beschadigd of niet leesbaar") from None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(info))

    def copy(self, info: zipfile.ZipInfo, target: Path) -> None:
        with target.open("wb") as out:
            for chunk in self.chunks(info):
                out.write(chunk)


def zip_csv_members(data: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) of the flat .csv entries of a zip (never paths from inside the archive), under the caps."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reader = ZipReader(archive)
            members = sorted((i for i in archive.infolist() if _is_csv_member(i)), key=lambda i: i.filename)
            return [(Path(i.filename).name, reader.read(i)) for i in members]
    except zipfile.BadZipFile:
        raise FileRefused("het zip-bestand is beschadigd") from None


def _is_csv_member(info: zipfile.ZipInfo) -> bool:
    return not info.is_dir() and info.filename.lower().endswith(".csv") and "__MACOSX" not in info.filename


def extract_csv_members(data: bytes, target: Path) -> None:
    """The flat .csv entries of a zip written into target (streamed, under the caps)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reader = ZipReader(archive)
            for info in archive.infolist():
                if _is_csv_member(info):
                    reader.copy(info, target / Path(info.filename).name)
    except zipfile.BadZipFile:
        raise FileRefused("het zip-bestand is beschadigd") from None


def check_xlsx_parts(data: bytes) -> None:
    """Refuse an xlsx whose parts unpack too far (zip bomb) or carry a DTD (XML entity expansion)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reader = ZipReader(archive)
            for info in archive.infolist():
                tail = b""
                for chunk in reader.chunks(info):
                    window = tail + chunk
                    if any(marker in window for marker in _DTD_MARKERS):
                        raise FileRefused(f"het Excel-bestand bevat een DTD of XML-entiteiten ('{info.filename}'); "
                                          "zo'n bestand wordt niet gelezen. Sla het opnieuw op vanuit Excel")
                    tail = window[-32:]
    except zipfile.BadZipFile:
        raise FileRefused("het bestand is geen leesbaar Excel-bestand (.xlsx)") from None


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
    """All sheets of a workbook by sheet title. Raises ValueError (Dutch) for an unreadable file.

    Reads the cells that are really there (the dimensions a sheet claims are ignored), within
    MAX_COLUMNS, MAX_ROWS and MAX_CELLS; refuses zip bombs and DTDs first (check_xlsx_parts).
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    check_xlsx_parts(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a broken or non-xlsx file
        raise ValueError("het bestand is geen leesbaar Excel-bestand (.xlsx)") from None
    try:
        sheets: dict[str, Table] = {}
        cells = 0
        for ws in workbook.worksheets:
            rows, cells = _sheet_rows(ws, cells)
            if not rows:
                sheets[ws.title] = ([], [])
                continue
            header = [clean_header(h) for h in rows[0]]
            while header and not header[-1]:
                header.pop()
            sheets[ws.title] = (header, rows[1:])
        _spend_cells(cells)
        return sheets
    except FileRefused:
        raise
    except Exception:  # a part openpyxl cannot parse (broken XML, wrong types)
        raise ValueError("het bestand is geen leesbaar Excel-bestand (.xlsx)") from None
    finally:
        workbook.close()


def _sheet_rows(ws: Any, cells: int) -> tuple[list[list[object]], int]:
    """A read-only sheet's rows as lists, trailing empty rows dropped; refuses sheets over the limits."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # never trust the claimed A1:XFD1048576: rows are as long as their last cell
    rows: list[list[object]] = []
    filled = 0  # the line of the last row with a value; empty rows after it are not kept
    for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
        progress.advance()
        if len(row) > MAX_COLUMNS:
            raise FileRefused(f"blad '{ws.title}' heeft cellen in kolom {len(row)}; meer dan {MAX_COLUMNS} "
                              "kolommen wordt niet gelezen (verwijder lege opgemaakte kolommen)", line)
        if not any(v is not None and v != "" for v in row):
            continue
        cells += sum(1 for v in row if v is not None and v != "")
        if line > MAX_ROWS + 1 or _cells_used(cells) > MAX_CELLS:
            raise FileRefused(f"blad '{ws.title}' is te groot (meer dan {MAX_ROWS} rijen of {MAX_CELLS} "
                              "gevulde cellen); splits het bestand", line)
        rows.extend([] for _ in range(line - filled - 1))  # the empty rows in between keep the line numbers
        rows.append(list(row))
        filled = line
    return rows, cells


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


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]],
              cell: Callable[[object], str] = csv_cell) -> bytes:
    """Semicolon separated, UTF-8 with BOM so that Excel shows accents correctly; each value written by
    cell (default: the exchange format's ISO dates; dataio.report_csv gives the Dutch one)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(v, cell(v)) for v in row])  # no formulas (dataio.csv_safe)
    return buffer.getvalue().encode("utf-8-sig")


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
