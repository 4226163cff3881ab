"""The exchange workbook: export, import and a blank template.

The same data can be an .xlsx workbook (one sheet per entity, plus a
'toelichting' sheet) or a folder of CSV files (<sheet>.csv, semicolon, UTF-8
with BOM). Sheets and columns are defined in exchange_schema.

Import modes (as for the DUO import): by default any error raises
ImportRefused and nothing is written; allow_partial=True imports the valid rows
(rows that depend on a rejected row are rejected too) and can write the rejected
rows, with a column 'fout', to rejects_path; dry_run=True only reports what
would change and never raises for data errors. The caller owns the transaction.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from dataio import progress
from dataio.errors import ImportRefused, ImportResult, Rejects, RowError
from dataio.exchange_apply import TRIAL_ROWS, Writer
from dataio.exchange_import import InRow, InSheet, Planner, check_header, header_warnings
from dataio.exchange_lock import fingerprint, lock_for_writing, plan_still_holds
from dataio.exchange_rows import StoredRows, key_of
from dataio.exchange_schema import ERROR_COLUMN, INFO_SHEET, INFO_WIDTHS, SHEETS, SHEETS_BY_NAME, info_table
from dataio.exchange_template import LISTS_SHEET, add_dropdowns, example_matcher, example_row
from dataio.tabular import (
    FileRefused,
    is_blank,
    is_xlsx,
    read_csv,
    read_xlsx,
    write_tables,
    xlsx_bytes,
    zip_csv_members,
)
from services.names import find_duplicates
from services.permissions import Principal, can_import_history_authors

Table = tuple[str, list[str], list[list[object]]]  # sheet name, header, rows
XLSX_SUFFIXES = (".xlsx", ".xlsm")


# ---------------------------------------------------------------- import

@dataclass
class _Source:
    title: str
    file: str
    header: list[str]
    rows: Sequence[Sequence[object]]


def import_workbook(
    session: Session,
    path_or_bytes: Path | str | bytes,
    *,
    filename: str | None = None,
    allow_partial: bool = False,
    rejects_path: Path | str | None = None,
    dry_run: bool = False,
    edit_regions: frozenset[int] | None = None,
    principal: Principal | None = None,
    author: str | None = None,
) -> ImportResult:
    """Import an exchange workbook (.xlsx), a folder or zip of <sheet>.csv files, or one <sheet>.csv.

    Raises ImportRefused when there are errors (not in dry_run; with allow_partial
    only for file-level errors such as an unreadable file or missing columns).
    principal: who imports; rows follow the forms' rules for that user (services.permissions via
    dataio.exchange_scope). edit_regions (older callers) stands for a coordinator of those regions.
    History is authored by the system: new phase events get the importing user (principal, else
    author) and the import time as recorded by/at; only a beheerder's import (and the command line,
    run by the server's operator) keeps the authors and times of the file.
    """
    if rejects_path is not None and not isinstance(path_or_bytes, bytes) \
            and Path(rejects_path).resolve() == Path(path_or_bytes).resolve():
        raise ValueError("het bestand voor afgekeurde rijen mag niet het invoerbestand zijn")
    started = time.perf_counter()
    label = filename or (Path(path_or_bytes).name if not isinstance(path_or_bytes, bytes) else "upload.xlsx")
    result = ImportResult(file=label, dry_run=dry_run)
    progress.rows(progress.READING)  # rows counted as they are read (dataio.tabular)
    try:
        sources = _read_input(path_or_bytes, label)
    except FileRefused as exc:
        return _refuse(result, [RowError(label, "", exc.line, "", exc.reason)])
    except ValueError as exc:
        return _refuse(result, [RowError(label, "", 1, "", str(exc))])
    result.timings["read"] = time.perf_counter() - started
    sheets, header_errors = _match_sheets(sources, result)
    if header_errors:
        return _refuse(result, header_errors)

    if principal is None and edit_regions is not None:
        principal = Principal(user_id=0, username=author or "", role="coordinator", region_ids=edit_regions)
    keep_authors = principal is None or can_import_history_authors(principal)
    file_warnings = list(result.warnings)
    before = None if dry_run else fingerprint(session)  # before the snapshot: a write in between is seen
    snapshot, planner, valid = _plan(session, sheets, result, principal)
    result.timings["plan"] = time.perf_counter() - started - result.timings["read"]
    if result.errors and not allow_partial and not dry_run:
        raise ImportRefused(result.errors, result)
    if dry_run:
        _try_commands(session, snapshot, planner, valid, result, principal, author, keep_authors)
        return result
    writer = _writer(session, snapshot, principal, author, keep_authors)
    writer.prepare(valid, planner.organisation_ends)  # ids, values and audit rows: before the lock
    locked = time.perf_counter()
    result.timings["prepare"] = locked - started - result.timings["read"] - result.timings["plan"]
    progress.step(progress.WAITING)
    lock_for_writing(session)  # the write phase: other writers wait from here until the commit
    history = {r.values["school"].upper() for sheet in ("trajecten", "fasen") for r in valid.get(sheet, [])}
    if before is not None and not plan_still_holds(session, before, history):  # another writer: plan again
        result.counts, result.errors, result.rejected_rows, result.examples = {}, [], {}, []
        result.warnings = file_warnings
        session.expire_all()
        snapshot, planner, valid = _plan(session, sheets, result, principal)
        writer = _writer(session, snapshot, principal, author, keep_authors)  # prepares again as it writes
        result.warnings.append("de database is tijdens het inlezen gewijzigd; de import is opnieuw gecontroleerd")
        if result.errors and not allow_partial:
            raise ImportRefused(result.errors, result)
    result.timings["lock and check"] = time.perf_counter() - locked
    writing = time.perf_counter()
    writer.apply(valid, planner.organisation_ends)
    if writer.errors:  # refused by a form's command (services.partnerships) while writing
        result.errors.extend(writer.errors)
        _collect_refused(result, writer.refused, writer.errors)
        if not allow_partial:
            raise ImportRefused(result.errors, result)  # the caller rolls the transaction back
    if keep_authors and any(r.status == "created" and "vastgelegd_door" in r.values for r in valid.get("fasen", [])):
        result.warnings.append("fasen: vastgelegd_door en vastgelegd_op uit het bestand overgenomen "
                               "(import door de beheerder)")
    result.committed = True
    result.timings["write"] = time.perf_counter() - writing
    if rejects_path is not None and result.rejected_rows:
        result.write_rejects(rejects_path)
    return result


def _plan(session: Session, sheets: dict[str, InSheet], result: ImportResult,
          principal: Principal | None) -> tuple[StoredRows, Planner, dict[str, list[InRow]]]:
    """Read the database once and check every row against it (nothing is written)."""
    snapshot = StoredRows(session)
    duplicates = find_duplicates(session)  # the one key rule (services.names); rows match the first of a group
    if duplicates:
        result.warnings.append(f"de database bevat {len(duplicates)} groep(en) namen die alleen in hoofdletters of "
                               "spaties verschillen; rijen worden met de oudste vergeleken (samenvoegen: vios check)")
    planner = Planner(snapshot, result, principal=principal)
    valid = planner.plan(sheets)
    for sheet in sheets.values():
        _collect_rejects(result, sheet, planner)
    return snapshot, planner, valid


def _writer(session: Session, snapshot: StoredRows, principal: Principal | None, author: str | None,
            keep_authors: bool) -> Writer:
    """The writer of an import as `principal` (the command line: a beheerder named `author`)."""
    return Writer(session, snapshot, author=(principal.username if principal is not None else author) or "",
                  keep_authors=keep_authors, principal=principal)


def _try_commands(session: Session, snapshot: StoredRows, planner: Planner, valid: dict[str, list[InRow]],
                  result: ImportResult, principal: Principal | None, author: str | None, keep_authors: bool) -> None:
    """The dry run's part of the write phase: changed organisations, contacts and partnerships through the
    forms' commands, rolled back (Writer.trial); their refusals join the preview's errors."""
    writer = _writer(session, snapshot, principal, author, keep_authors)
    try:
        tried = writer.trial(valid, planner.organisation_ends)
    except OperationalError:  # busy (another import is writing): the commands check the rows when it imports
        result.warnings.append("de database is bezet: de regels van de formulieren voor gewijzigde rijen worden pas "
                               "bij het importeren zelf toegepast")
        return
    if not tried:
        result.warnings.append(f"meer dan {TRIAL_ROWS} gewijzigde organisaties, contactpersonen en samenwerkingen: "
                               "de regels van de formulieren worden pas bij het importeren zelf toegepast")
    if writer.errors:
        result.errors.extend(writer.errors)
        _collect_refused(result, writer.refused, writer.errors)


def _collect_refused(result: ImportResult, rows: list[InRow], errors: list[RowError]) -> None:
    for row in rows:
        sheet = row.sheet
        result.add(sheet.spec.name, row.status, -1)
        reason = "; ".join(f"{e.column}: {e.reason}" for e in errors if e.line == row.line and e.sheet == sheet.title)
        rejects = result.rejected_rows.setdefault(sheet.title, Rejects(list(sheet.header) + [ERROR_COLUMN]))
        rejects.rows.append(row.cells()[:len(sheet.header)] + [reason])


def _refuse(result: ImportResult, errors: list[RowError]) -> ImportResult:
    result.errors = errors
    if result.dry_run:
        return result
    raise ImportRefused(errors, result)


def _read_input(source: Path | str | bytes, label: str) -> list[_Source]:
    if isinstance(source, bytes):
        if is_xlsx(source):
            return _xlsx_sources(source, label)
        if source.startswith(b"PK"):
            return _zip_sources(source)
        if label.lower().endswith(".csv"):
            return [_csv_source(source, label)]
        raise ValueError("onbekend bestandsformaat; gebruik .xlsx, een map of zip met .csv-bestanden, of één .csv")
    path = Path(source)
    if path.is_dir():
        return [_csv_source(p.read_bytes(), p.name) for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv"]
    if not path.exists():
        raise ValueError(f"bestand '{path}' bestaat niet")
    return _read_input(path.read_bytes(), path.name if path.suffix.lower() in (".csv", *XLSX_SUFFIXES) else label)


def _xlsx_sources(data: bytes, label: str) -> list[_Source]:
    return [_Source(title, label, header, rows) for title, (header, rows) in read_xlsx(data).items()]


def _zip_sources(data: bytes) -> list[_Source]:
    return [_csv_source(member, name) for name, member in zip_csv_members(data)]  # streamed, with caps


def _csv_source(data: bytes, name: str) -> _Source:
    try:
        header, rows = read_csv(data)
    except FileRefused as exc:
        raise FileRefused(f"{name}: {exc.reason}", exc.line) from None
    return _Source(Path(name).stem, name, header, rows)


def _sheet_name(title: str) -> str:
    return "_".join(title.replace("'", "").split()).lower()


def _match_sheets(sources: list[_Source], result: ImportResult) -> tuple[dict[str, InSheet], list[RowError]]:
    sheets: dict[str, InSheet] = {}
    errors: list[RowError] = []
    for source in sources:
        name = _sheet_name(source.title)
        if name in (INFO_SHEET, LISTS_SHEET):
            continue
        if not any(source.header) and all(is_blank(r) for r in source.rows):
            continue  # an empty sheet is as good as a missing one
        if name not in SHEETS_BY_NAME:
            result.warnings.append(f"blad '{source.title}' is onbekend en is overgeslagen")
            continue
        if name in sheets:
            result.warnings.append(f"blad '{source.title}' komt twee keer voor; alleen het eerste is gelezen")
            continue
        rows = source.rows
        is_example = example_matcher(name, source.header)
        examples = [i for i, cells in enumerate(rows) if is_example(cells)]
        if examples:  # the template's example row, left as it was: skipped (line numbers stay)
            rows = [[] if i in examples else cells for i, cells in enumerate(rows)]
            result.warnings.append(f"blad '{source.title}': de voorbeeldregel van het sjabloon (regel "
                                   f"{', '.join(str(i + 2) for i in examples)}) is overgeslagen")
        sheet = InSheet(SHEETS_BY_NAME[name], source.file, source.title, source.header, rows)
        errors.extend(check_header(sheet))
        result.warnings.extend(header_warnings(sheet))
        sheets[name] = sheet
    if not sheets and not errors:
        result.warnings.append("het bestand bevat geen bladen om in te lezen")
    return sheets, errors


def _collect_rejects(result: ImportResult, sheet: InSheet, planner: Planner) -> None:
    bad = planner.invalid.get(sheet.spec.name, [])
    if not bad:
        return
    width = len(sheet.header)
    rejects = result.rejected_rows.setdefault(sheet.title, Rejects(list(sheet.header) + [ERROR_COLUMN]))
    for row in bad:
        reason = "; ".join(f"{e.column}: {e.reason}" for e in row.errors)
        rejects.rows.append(row.cells()[:width] + [reason])


# ---------------------------------------------------------------- export

def export_tables(session: Session, *, include_personal: bool = True,
                  scope_region_ids: Iterable[int] | None = None) -> list[Table]:
    """The exchange sheets of the database (without 'toelichting'), rows sorted by key."""
    snapshot = StoredRows(session)
    keep = _scope(snapshot, scope_region_ids)
    tables: list[Table] = []
    for spec in SHEETS:
        if spec.name == "contactpersonen" and not include_personal:
            continue
        pairs = [(obj, row) for obj, row in snapshot.rows(spec.name) if keep(spec.name, obj)]
        if spec.name == "fasen":  # recording order decides ties between events on one date
            pairs.sort(key=lambda p: (key_of("fasen", p[1], ("school", "cyclus", "datum")), p[0].id))
        else:
            pairs.sort(key=lambda p: (key_of(spec.name, p[1]), p[0].id))
        # Personal columns are left out, not blanked: re-importing such an export
        # then keeps the contacts already in the database (a missing column keeps values).
        header = [c.name for c in spec.cols if include_personal or not c.personal]
        rows = [[row[c] for c in header] for _, row in pairs]
        tables.append((spec.name, header, rows))
    return tables


def _scope(snapshot: StoredRows, region_ids: Iterable[int] | None):
    """A filter (sheet, object) -> bool for the regions in scope; everything when region_ids is None."""
    if region_ids is None:
        return lambda _sheet, _obj: True
    regions = set(region_ids)
    municipalities = {m.id for m in snapshot.municipalities if m.region_id in regions}
    schools = {s.id for s in snapshot.schools if s.municipality_id in municipalities}
    organisations = {o.id for o in snapshot.organisations if o.municipality_id in municipalities}
    organisations |= {p.organisation_id for p in snapshot.partnerships if p.school_id in schools}
    trajectories = {t.id for t in snapshot.trajectories if t.school_id in schools}
    tests = {
        "regios": lambda o: o.id in regions,
        "gemeenten": lambda o: o.id in municipalities,
        "scholen": lambda o: o.id in schools,
        "organisaties": lambda o: o.id in organisations,
        "contactpersonen": lambda o: o.organisation_id in organisations,
        "samenwerkingen": lambda o: o.school_id in schools,
        "tranches": lambda o: o.region_id in regions,
        "trajecten": lambda o: o.id in trajectories,
        "fasen": lambda o: o.trajectory_id in trajectories,
    }
    return lambda sheet, obj: tests[sheet](obj)


def export_workbook(session: Session, path: Path | str, *, include_personal: bool = True,
                    scope_region_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Write the exchange data to path (.xlsx, otherwise a folder of CSVs); returns rows per sheet.

    include_personal=False leaves out personal data: no 'contactpersonen' sheet and
    no 'contactpersoon' / 'vastgelegd_door' columns.
    """
    tables = export_tables(session, include_personal=include_personal, scope_region_ids=scope_region_ids)
    _write_tables(Path(path), [_info_table(), *tables])
    return {name: len(rows) for name, _, rows in tables}


def export_bytes(session: Session, *, include_personal: bool = True,
                 scope_region_ids: Iterable[int] | None = None) -> bytes:
    """The export as .xlsx bytes, for a browser download."""
    tables = export_tables(session, include_personal=include_personal, scope_region_ids=scope_region_ids)
    return _xlsx([_info_table(), *tables])


def write_template(path: Path | str, *, examples: bool = False) -> None:
    """The blank workbook (.xlsx, otherwise a folder of CSVs): 'toelichting' and every sheet's header.
    examples=True: one example row per sheet (dataio.exchange_template; the import skips them)."""
    path = Path(path)
    if examples and path.suffix.lower() in XLSX_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(template_bytes(examples=True))
        return
    _write_tables(path, _template_tables(examples))


def template_bytes(*, examples: bool = False) -> bytes:
    """The template as .xlsx bytes; examples=True (the download on the Gegevens page): with one example
    row per sheet and dropdown lists for every column with fixed values (dataio.exchange_template)."""
    data = _xlsx(_template_tables(examples))
    return add_dropdowns(data) if examples else data


def _template_tables(examples: bool) -> list[Table]:
    return [_info_table(), *[(s.name, s.header, [example_row(s.name)] if examples else []) for s in SHEETS]]


def _info_table() -> Table:
    header, rows = info_table()
    return INFO_SHEET, header, [[*row] for row in rows]


def _xlsx(tables: list[Table]) -> bytes:
    return xlsx_bytes(tables, widths={INFO_SHEET: INFO_WIDTHS})


def _write_tables(path: Path, tables: list[Table]) -> None:
    write_tables(path, tables, widths={INFO_SHEET: INFO_WIDTHS}, replace={INFO_SHEET, *SHEETS_BY_NAME})
