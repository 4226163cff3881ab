"""Import of the DUO school register (one CSV per sector) into schools, municipalities and boards.

The whole file is validated before anything is written. Default: any error
raises ImportRefused and nothing is written. allow_partial=True imports the
valid rows and reports (and optionally writes) the rejected ones. dry_run=True
only computes what would change. The caller owns the transaction and commits.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, col, select

from dataio import progress
from dataio import values as v
from dataio.errors import ImportRefused, ImportResult, Rejects, RowError
from dataio.tabular import FileRefused, is_blank, read_csv
from domain import clock
from domain.vocab import SECTORS
from models import AuditEntry, Board, Municipality, Province, School

SHEET = "scholen"
ERROR_COLUMN = "FOUT"
NEW_CODE_COLUMNS = ("INSTELLINGSCODE", "VESTIGINGSCODE")
OLD_CODE_COLUMNS = ("BRIN NUMMER", "VESTIGINGSNUMMER")
REQUIRED_COLUMNS = ("VESTIGINGSNAAM", "GEMEENTENUMMER")

# DUO column -> School attribute, for plain text fields.
TEXT_FIELDS: dict[str, str] = {
    "VESTIGINGSNAAM": "name",
    "STRAATNAAM": "street",
    "HUISNUMMER-TOEVOEGING": "house_number",
    "POSTCODE": "postcode",
    "PLAATSNAAM": "city",
    "TELEFOONNUMMER": "phone",
    "INTERNETADRES": "website",
    "DENOMINATIE": "denomination",
}
FIELD_LABELS = {
    "name": "naam", "street": "straat", "house_number": "huisnummer", "postcode": "postcode",
    "city": "plaats", "phone": "telefoon", "website": "website", "denomination": "denominatie",
    "sector": "sector", "municipality": "gemeente", "board": "bestuur",
}
MAX_EXAMPLES = 5
# Deactivation is never a side effect: a file that would make more than this share of the sector's active
# schools inactive, or any file with fewer than MIN_ROWS_WITHOUT_CONFIRMATION rows that would close a school,
# imports nothing unless the user confirms the closures explicitly (wrong, truncated or test file?).
DEACTIVATION_CONFIRM_SHARE = 0.10
MIN_ROWS_WITHOUT_CONFIRMATION = 5
# DUO's largest register (po) has about 6,500 locations: a file with far more rows is not a DUO register,
# and this bound keeps any accepted file well under 1 GB of memory (bench/upload_memory.py).
MAX_ROWS = 20_000
BATCH = 1000
# Set by services.uploads.audited_import: who imports, for the audit rows of bulk-created schools.
AUDIT_USER, AUDIT_DETAIL = "vios_audit_user", "vios_audit_detail"


@dataclass
class _Row:
    line: int
    cells: list[str]
    code: str = ""
    fields: dict[str, object] = field(default_factory=dict)  # School attributes + municipality/board codes
    province: str = ""
    municipality_name: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def municipality_code(self) -> str:
        """The CBS code of the row's municipality (every row without errors has one)."""
        code = self.fields.get("municipality")
        if not isinstance(code, str):
            raise ValueError(f"regel {self.line} heeft geen gemeentenummer")
        return code

    @property
    def board_number(self) -> str | None:
        """The competent authority's number, None when the row gives none."""
        number = self.fields.get("board")
        return number if isinstance(number, str) and number else None


def normalise_header(name: str) -> str:
    """DUO header names: upper-case, single spaces ('BRIN_NUMMER' and ' brin nummer ' match too)."""
    return " ".join(name.replace("_", " ").split()).upper()


def import_duo(
    session: Session,
    path_or_bytes: Path | str | bytes,
    sector: str,
    *,
    filename: str | None = None,
    today: date | None = None,
    allow_partial: bool = False,
    rejects_path: Path | str | None = None,
    dry_run: bool = False,
    confirm_deactivation: bool = False,
    expected_deactivations: int | None = None,
) -> ImportResult:
    """Import one DUO register file for one sector; see the module docstring for the modes.

    Raises ImportRefused when the file has errors (not in dry_run; with allow_partial
    only for file-level errors such as missing columns), and when the import would close
    many schools (see DEACTIVATION_CONFIRM_SHARE) without confirm_deactivation. With
    expected_deactivations the confirmation holds only for exactly that many closures
    (the number the user saw in the preview).
    """
    if sector not in SECTORS:
        raise ValueError(f"onbekende sector '{sector}'; kies uit: {', '.join(SECTORS)}")
    today = today or clock.today()
    if isinstance(path_or_bytes, bytes):
        data, name = path_or_bytes, filename or "upload.csv"
    else:
        data, name = Path(path_or_bytes).read_bytes(), filename or Path(path_or_bytes).name
    result = ImportResult(file=name, dry_run=dry_run)
    progress.step(progress.READING)
    try:
        raw_header, raw_rows = read_csv(data, max_rows=MAX_ROWS + 1000)  # + blank lines; exact count below
    except FileRefused as exc:
        result.errors = [RowError(name, "", exc.line, "", exc.reason)]
        if dry_run:
            return result
        raise ImportRefused(result.errors, result) from None
    header = [normalise_header(h) for h in raw_header]
    columns = {h: i for i, h in reversed(list(enumerate(header)))}  # first occurrence wins

    file_errors = _check_columns(name, columns)
    if file_errors:
        result.errors = file_errors
        if dry_run:
            return result
        raise ImportRefused(file_errors, result)

    data_rows = sum(1 for cells in raw_rows if not is_blank(cells))
    if data_rows > MAX_ROWS:
        result.errors = [RowError(name, "", MAX_ROWS + 2, "", f"het bestand heeft {data_rows} rijen; een DUO-register "
                                                               f"heeft er hoogstens {MAX_ROWS} (is het wel een "
                                                               "DUO-bestand van één sector?)")]
        if dry_run:
            return result
        raise ImportRefused(result.errors, result)
    existing = _Existing(session)
    rows = _parse_rows(name, columns, raw_rows, existing)
    present_codes = {r.code for r in rows if r.code}  # rejected rows still prove the school exists
    valid = []
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
            rejects = result.rejected_rows.setdefault(SHEET, Rejects(list(raw_header) + [ERROR_COLUMN]))
            reason = "; ".join(f"{e.column}: {e.reason}" for e in row.errors)
            cells = row.cells[:len(raw_header)]
            rejects.rows.append([*cells, *[""] * (len(raw_header) - len(cells)), reason])
        else:
            valid.append(row)
    if result.errors and not allow_partial and not dry_run:
        raise ImportRefused(result.errors, result)

    plan = _plan(valid, existing, sector, present_codes, result)
    closing = _unconfirmed_closures(name, plan, existing, sector, len(rows), result)
    if closing is not None and not (confirm_deactivation and expected_deactivations in (None, len(plan.deactivate))):
        if dry_run:
            result.warnings.append(closing.reason)
            return result
        result.errors.append(closing)
        raise ImportRefused(result.errors, result)
    if not dry_run:
        _apply(session, plan, existing, sector, today)
        result.committed = True
        if rejects_path is not None and SHEET in result.rejected_rows:
            result.write_rejects(rejects_path)
    return result


def _check_columns(name: str, columns: dict[str, int]) -> list[RowError]:
    errors = []
    if not all(c in columns for c in NEW_CODE_COLUMNS) and not all(c in columns for c in OLD_CODE_COLUMNS):
        for new, old in zip(NEW_CODE_COLUMNS, OLD_CODE_COLUMNS, strict=True):
            if new not in columns:
                errors.append(RowError(name, "", 1, new, f"verplichte kolom '{new}' ontbreekt "
                                                        f"(in oudere bestanden '{old}')"))
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            errors.append(RowError(name, "", 1, column, f"verplichte kolom '{column}' ontbreekt"))
    return errors


class _Existing:
    """Everything the import compares against, loaded once (no per-row queries)."""

    def __init__(self, session: Session):
        self.provinces = {v.norm(p.name): p for p in session.exec(select(Province))}
        self.municipalities = {m.cbs_code: m for m in session.exec(select(Municipality))}
        self.boards = {b.number: b for b in session.exec(select(Board))}
        self.schools = {s.code: s for s in session.exec(select(School))}
        self.municipality_code = {m.id: m.cbs_code for m in self.municipalities.values()}
        self.board_number = {b.id: b.number for b in self.boards.values()}


def _parse_rows(name: str, columns: dict[str, int], raw_rows: list[list[str]], existing: _Existing) -> list[_Row]:
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    municipality_names = _municipality_names(columns, raw_rows)
    width = max(columns.values(), default=-1) + 1
    progress.rows(progress.CHECKING, len(raw_rows))
    for index, cells in enumerate(raw_rows):
        progress.advance()
        if is_blank(cells):
            continue
        row = _parse_row(name, columns, cells, index + 2, existing, municipality_names)
        _check_width(name, row, width)
        if row.code in first_line:
            column = NEW_CODE_COLUMNS[0] if NEW_CODE_COLUMNS[0] in columns else OLD_CODE_COLUMNS[0]
            row.errors.append(RowError(name, "", row.line, column,
                                       f"schoolcode {row.code} staat ook al op regel {first_line[row.code]}"))
        elif row.code:
            first_line[row.code] = row.line
        rows.append(row)
    return rows


def _check_width(name: str, row: _Row, width: int) -> None:
    """A row with fewer fields than the header, or extra filled fields, is misread (a lost or extra separator)."""
    if len(row.cells) < width:
        row.errors.insert(0, RowError(name, "", row.line, "", f"de regel heeft {len(row.cells)} velden, de kopregel "
                                                              f"{width}: er ontbreken scheidingstekens (;)"))
    elif any(c.strip() for c in row.cells[width:]):
        row.errors.insert(0, RowError(name, "", row.line, "", f"de regel heeft meer velden ({len(row.cells)}) dan de "
                                                              f"kopregel ({width}): een scheidingsteken te veel?"))


def _parse_row(name: str, columns: dict[str, int], cells: list[str], line: int, existing: _Existing,
               municipality_names: dict[str, str]) -> _Row:
    row = _Row(line=line, cells=list(cells))

    def cell(column: str) -> str:
        i = columns.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def error(column: str, reason: str) -> None:
        row.errors.append(RowError(name, "", line, column, reason))

    old_format = not all(c in columns for c in NEW_CODE_COLUMNS)
    row.code = _parse_code(cell, error, old_format)
    for column, attr in TEXT_FIELDS.items():
        if column not in columns:
            continue
        try:
            value = cell(column)
            if attr == "postcode":
                value = v.parse_postcode(value)
            row.fields[attr] = v.check_length(value, v.max_length(School, attr))
        except ValueError as exc:
            error(column, str(exc))
    if not cell("VESTIGINGSNAAM"):
        error("VESTIGINGSNAAM", "vestigingsnaam ontbreekt")
    try:
        cbs = row.fields["municipality"] = v.parse_cbs_code(cell("GEMEENTENUMMER"))
    except ValueError as exc:
        error("GEMEENTENUMMER", str(exc) if cell("GEMEENTENUMMER") else "gemeentenummer ontbreekt")
    else:
        row.municipality_name = municipality_names.get(cbs, "")
        if cbs not in existing.municipalities and not row.municipality_name:
            error("GEMEENTENAAM", f"gemeente {cbs} is onbekend en de gemeentenaam ontbreekt")
    if "BEVOEGD GEZAG NUMMER" in columns:
        number = cell("BEVOEGD GEZAG NUMMER")
        try:
            row.fields["board"] = v.parse_board_number(number) if number else None
        except ValueError as exc:
            error("BEVOEGD GEZAG NUMMER", str(exc))
    row.province = cell("PROVINCIE")
    return row


def _municipality_names(columns: dict[str, int], raw_rows: list[list[str]]) -> dict[str, str]:
    """The first GEMEENTENAAM given for each municipality code in the file."""
    names: dict[str, str] = {}
    code_index, name_index = columns.get("GEMEENTENUMMER"), columns.get("GEMEENTENAAM")
    if code_index is None or name_index is None:
        return names
    for cells in raw_rows:
        if max(code_index, name_index) < len(cells) and cells[name_index].strip():
            try:
                names.setdefault(v.parse_cbs_code(cells[code_index]), cells[name_index].strip())
            except ValueError:
                pass  # reported with the row itself
    return names


def _parse_code(cell: Callable[[str], str], error: Callable[[str, str], None], old_format: bool) -> str:
    """The 6-character school code of a row, or '' after reporting an error.

    Current files: INSTELLINGSCODE '32JK' + VESTIGINGSCODE '32JK00' (the whole code; a 2-digit
    number is accepted too). Older files: BRIN NUMMER + VESTIGINGSNUMMER '0'..'99' (or '32JK00').
    """
    institution_column, location_column = OLD_CODE_COLUMNS if old_format else NEW_CODE_COLUMNS
    try:
        institution = v.parse_institution_code(cell(institution_column))
    except ValueError as exc:
        error(institution_column, str(exc))
        return ""
    location = cell(location_column)
    if len(location) == 6:
        if location[:4].upper() != institution:
            owner = "BRIN-nummer" if old_format else "instellingscode"
            error(location_column, f"{location_column.lower()} '{location}' hoort niet bij {owner} '{institution}'")
            return ""
        try:
            return institution + v.parse_location_number(location[4:])
        except ValueError:
            error(location_column, f"'{location}' is geen geldige vestigingscode "
                                   "(instellingscode + 2 cijfers, bijv. 32JK00)")
            return ""
    try:
        return institution + v.parse_location_number(location)
    except ValueError as exc:
        error(location_column, str(exc))
        return ""


@dataclass
class _Plan:
    create: list[_Row] = field(default_factory=list)
    update: list[tuple[School, _Row]] = field(default_factory=list)
    deactivate: list[School] = field(default_factory=list)


def _plan(rows: list[_Row], existing: _Existing, sector: str, present_codes: set[str],
          result: ImportResult) -> _Plan:
    """Classify every valid row (created / updated / unchanged) and find vanished schools."""
    plan = _Plan()
    result.add(SHEET, "created", 0)
    examples: dict[str, list[str]] = {"nieuw": [], "gewijzigd": [], "inactief": [], "gesloten": []}
    for row in rows:
        row.fields["sector"] = sector
        school = existing.schools.get(row.code)
        if school is None:
            plan.create.append(row)
            result.add(SHEET, "created")
            examples["nieuw"].append(f"{row.code} {row.fields.get('name', '')}")
            continue
        changes = _changes(school, row, existing)
        if changes:
            plan.update.append((school, row))
            result.add(SHEET, "updated")
            examples["gewijzigd"].append(f"{row.code} " + "; ".join(changes))
        else:
            result.add(SHEET, "unchanged")
    active_in_sector = [s for s in existing.schools.values() if s.sector == sector and s.active]
    plan.deactivate = sorted((s for s in active_in_sector if s.code not in present_codes), key=lambda s: s.code)
    result.add(SHEET, "deactivated", len(plan.deactivate))
    examples["inactief"] = [f"{s.code} {s.name}" for s in plan.deactivate]
    closed = [row for row in rows if (s := existing.schools.get(row.code)) is not None and not s.active]
    if closed:
        result.warnings.append(
            f"{len(closed)} school/scholen in het bestand staan als inactief geregistreerd en blijven inactief "
            "(een import verplaatst of wist nooit een sluitingsdatum; heropenen kan op de schoolpagina).")
        examples["gesloten"] = [f"{r.code} {existing.schools[r.code].name} (inactief sinds "
                                f"{_since(existing.schools[r.code])})" for r in closed]

    new_municipalities = {r.fields["municipality"] for r in plan.create + [u[1] for u in plan.update]
                          if r.fields["municipality"] not in existing.municipalities}
    new_boards = {r.fields.get("board") for r in rows if r.fields.get("board")} - set(existing.boards)
    if new_municipalities:
        result.add("gemeenten", "created", len(new_municipalities))
    if new_boards:
        result.add("besturen", "created", len(new_boards))
    for kind, items in examples.items():
        result.examples.extend(f"{kind}: {item}" for item in items[:MAX_EXAMPLES])
    return plan


def _changes(school: School, row: _Row, existing: _Existing) -> list[str]:
    """Dutch descriptions of the fields that differ between the database and the row."""
    current = {attr: getattr(school, attr) for attr in TEXT_FIELDS.values()}
    current["sector"] = school.sector
    current["municipality"] = existing.municipality_code.get(school.municipality_id)
    current["board"] = existing.board_number.get(school.board_id) if school.board_id else None
    changes = [f"{FIELD_LABELS[attr]} '{current[attr] or ''}' -> '{value or ''}'"
               for attr, value in row.fields.items() if current[attr] != value]
    return changes


def _audit_created(session: Session, created: list[dict[str, object]]) -> None:
    """Field-by-field audit rows of bulk-created schools, as audit.changes_recorded writes them for ORM objects.

    The user comes from the audited import (services.uploads.audited_import puts it in session.info).
    """
    username = session.info.get(AUDIT_USER)
    if not isinstance(username, str):
        return
    detail, at = str(session.info.get(AUDIT_DETAIL, "")), clock.now()
    codes = [str(values["code"]) for values in created]
    ids: dict[str, int] = {}
    for start in range(0, len(codes), BATCH):
        chunk = codes[start:start + BATCH]
        for code, school_id in session.exec(select(School.code, School.id).where(col(School.code).in_(chunk))):
            if school_id is not None:
                ids[code] = school_id
    rows = [{"at": at, "username": username[:100], "action": "create", "entity": "school",
             "entity_id": str(ids[str(values["code"])]), "field": field, "old_value": None,
             "new_value": "ja" if value is True else str(value), "detail": detail}
            for values in created for field, value in values.items() if value not in (None, "")]
    for start in range(0, len(rows), BATCH * 10):
        session.execute(insert(AuditEntry), rows[start:start + BATCH * 10])


def _since(school: School) -> str:
    return school.inactive_since.strftime("%d-%m-%Y") if school.inactive_since else "onbekende datum"


def _unconfirmed_closures(name: str, plan: _Plan, existing: _Existing, sector: str, rows: int,
                          result: ImportResult) -> RowError | None:
    """The refusal when this import would close many schools (or any, from a tiny file), else None."""
    closing = len(plan.deactivate)
    active = sum(1 for s in existing.schools.values() if s.sector == sector and s.active)
    if not closing or (rows >= MIN_ROWS_WITHOUT_CONFIRMATION and closing <= DEACTIVATION_CONFIRM_SHARE * active):
        return None
    result.deactivations_to_confirm = closing
    small = f"het bestand heeft maar {rows} rij(en). " if rows < MIN_ROWS_WITHOUT_CONFIRMATION else ""
    return RowError(name, "", 1, "", (
        f"{closing} van de {active} actieve {sector}-scholen staan niet in het bestand en zouden inactief worden; "
        f"{small}Is dit het volledige DUO-bestand van deze sector? Er is niets geïmporteerd. Bevestig het "
        "inactief maken uitdrukkelijk (op de pagina Gegevens met het vinkje, met vios import-duo: "
        "--sluit-ontbrekende)."))


def _apply(session: Session, plan: _Plan, existing: _Existing, sector: str, today: date) -> None:
    """Write the plan into the session (flushed, not committed)."""
    rows = plan.create + [row for _, row in plan.update]
    progress.rows(progress.WRITING, len(rows) + len(plan.deactivate))
    for row in rows:  # provinces first: municipalities need their id
        if row.province and v.norm(row.province) not in existing.provinces:
            new_province = Province(name=row.province)
            session.add(new_province)
            existing.provinces[v.norm(row.province)] = new_province
    session.flush()
    for row in rows:
        province = existing.provinces.get(v.norm(row.province)) if row.province else None
        cbs = row.municipality_code
        municipality = existing.municipalities.get(cbs)
        if municipality is None:
            municipality = Municipality(cbs_code=cbs, name=row.municipality_name,
                                        province_id=province.id if province else None)
            session.add(municipality)
            existing.municipalities[cbs] = municipality
        elif municipality.province_id is None and province is not None:
            municipality.province_id = province.id
        number = row.board_number
        if number and number not in existing.boards:
            board = Board(number=number)
            session.add(board)
            existing.boards[number] = board
    session.flush()

    def values(row: _Row) -> dict[str, object]:
        result: dict[str, object] = {}
        for attr, value in row.fields.items():
            if attr == "municipality":
                result["municipality_id"] = existing.municipalities[row.municipality_code].id
            elif attr == "board":
                number = row.board_number
                result["board_id"] = existing.boards[number].id if number else None
            else:
                result[attr] = value
        return result

    if plan.create:
        # A bulk insert (ORM objects for 100,000 schools and their audit rows took GBs), audited in bulk.
        defaults = {attr: "" for attr in TEXT_FIELDS.values()} | {"board_id": None}
        created = [defaults | values(row) | {"code": row.code, "active": True} for row in plan.create]
        for start in range(0, len(created), BATCH):
            session.execute(insert(School), created[start:start + BATCH])
            progress.advance(len(created[start:start + BATCH]))
        _audit_created(session, created)
    for school, row in plan.update:
        for attr, value in values(row).items():
            if getattr(school, attr) != value:
                setattr(school, attr, value)
        progress.advance()
    for school in plan.deactivate:  # only active schools: an existing closing date is never moved
        school.active, school.inactive_since = False, today
        progress.advance()
    session.flush()
