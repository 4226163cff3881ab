"""Validation and planning of an exchange import, without writing anything.

Planner.plan() parses every sheet, checks values, keys and references, and
classifies each valid row as created / updated / unchanged against a StoredRows
of the database. Rows that refer to a rejected row are rejected too, so that
allow_partial never imports half a chain.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from dataio import progress
from dataio import values as v
from dataio.errors import ImportResult, RowError
from dataio.exchange_events import check_event_rows, check_running_trajectories
from dataio.exchange_forms_only import FormsOnly, phase_rows_of
from dataio.exchange_rows import Row, StoredRows, key_of
from dataio.exchange_schema import ERROR_COLUMN, SHEETS, SHEETS_BY_NAME, Col, SheetSpec
from dataio.exchange_scope import RegionGuard
from dataio.tabular import is_blank
from domain import clock
from domain.certification import Event
from domain.planning import capacity_error
from services.partnerships import (
    REQUIRED,
    end_before_start_error,
    later_partnerships_error,
    overlap_reason,
    phone_error,
)
from services.permissions import Principal, can_import_history_authors, is_admin
from services.trajectories import tranche_region_error

MAX_EXAMPLES = 3
_EMPTY_TEXT_KINDS = {"text", "email", "school", "cbs", "board", "postcode"}


@dataclass
class InSheet:
    """One sheet as read from the file, with its spec."""
    spec: SheetSpec
    file: str
    title: str
    header: list[str]
    rows: Sequence[Sequence[object]]
    columns: dict[str, int] = field(default_factory=dict)  # column name -> cell index


@dataclass
class InRow:
    sheet: InSheet
    line: int
    values: Row
    errors: list[RowError] = field(default_factory=list)
    key: tuple | None = None
    status: str = ""  # created / updated / unchanged
    existing: Any = None  # the model object for updated / unchanged rows

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.sheet.file, self.sheet.title, self.line, column, reason))

    @property
    def valid_key(self) -> tuple[Any, ...]:
        """The key of a row without errors: every key column parsed, so it is never None."""
        if self.key is None:
            raise ValueError(f"regel {self.line} van blad '{self.sheet.title}' heeft geen sleutel")
        return self.key

    def cells(self) -> list[object]:
        cells = list(self.sheet.rows[self.line - 2])
        return cells + [None] * (len(self.sheet.header) - len(cells))


def normalise_column(name: str) -> str:
    return "_".join(name.replace("'", "").replace("-", " ").split()).lower()


def check_header(sheet: InSheet) -> list[RowError]:
    """Map the header to known columns; report missing required columns (line 1)."""
    for index, name in enumerate(sheet.header):
        sheet.columns.setdefault(normalise_column(name), index)
    known = {c.name for c in sheet.spec.cols}
    sheet.columns = {name: i for name, i in sheet.columns.items() if name in known}
    return [RowError(sheet.file, sheet.title, 1, c.name, f"verplichte kolom '{c.name}' ontbreekt")
            for c in sheet.spec.cols if c.required and c.name not in sheet.columns]


def header_warnings(sheet: InSheet) -> list[str]:
    """The columns the import does not read, named (a file is never silently re-interpreted): an unknown
    column, and a second column of the same name (only the first is read). The rejects file's own column
    'fout' is expected and not named."""
    warnings: list[str] = []
    first: dict[str, str] = {}
    known = {c.name for c in sheet.spec.cols}
    for index, header in enumerate(sheet.header):
        name = normalise_column(str(header or ""))
        if not name or name == ERROR_COLUMN:
            continue
        letter = get_column_letter(index + 1)
        if name not in known:
            warnings.append(f"blad '{sheet.title}': kolom {letter} '{header}' is onbekend en is genegeerd")
        elif name in first:
            warnings.append(f"blad '{sheet.title}': kolom {letter} '{header}' komt twee keer voor; alleen kolom "
                            f"{first[name]} is gelezen")
        else:
            first[name] = letter
    return warnings


def parse_value(col: Col, raw: object) -> object:
    """A cell as the typed value of its column; raises ValueError with a Dutch reason."""
    text = v.cell_text(raw)
    if not text:
        if col.required:
            raise ValueError(REQUIRED)  # the forms' message
        if col.kind in _EMPTY_TEXT_KINDS:
            return ""
        return [] if col.kind == "vocab_list" else None
    kind = col.kind
    if kind == "text":
        return v.check_length(text, col.max_len)
    if kind == "int":
        return v.parse_int(raw, minimum=None if col.minimum is None else int(col.minimum))
    if kind == "float":
        return v.parse_float(raw, minimum=col.minimum, maximum=col.maximum)
    if kind == "date":
        return v.parse_cell_date(raw)
    if kind == "datetime":
        return v.parse_datetime(raw)
    if kind == "bool":
        return v.parse_bool(raw)
    if kind == "vocab":
        return v.parse_vocab(text, col.vocab or {})
    if kind == "vocab_list":
        return v.parse_vocab_list(text, col.vocab or {})
    if kind == "email":
        return v.check_length(v.parse_email(text), col.max_len)
    if kind == "school":
        return v.parse_school_code(text)
    if kind == "cbs":
        return v.parse_cbs_code(text)
    if kind == "board":
        return v.parse_board_number(text)
    if kind == "postcode":
        return v.parse_postcode(text)
    raise AssertionError(f"unknown column kind {kind}")


class Planner:
    """Validates all sheets in dependency order and classifies the valid rows."""

    def __init__(self, snapshot: StoredRows, result: ImportResult, *, today: date | None = None,
                 principal: Principal | None = None):
        self.snapshot = snapshot
        self.today = today or clock.today()
        # None or a beheerder: every region; else the forms' rules of services.permissions (coordinator)
        self.guard = RegionGuard(snapshot, principal) if principal is not None and not is_admin(principal) else None
        # without the history right: what the forms write, no more (dataio.exchange_forms_only)
        self.forms_only = FormsOnly(snapshot, self.today) \
            if principal is not None and not can_import_history_authors(principal) else None
        self.result = result
        self.existing: dict[str, dict[tuple, tuple[Any, Row]]] = {}
        for spec in SHEETS:
            rows: dict[tuple, tuple[Any, Row]] = {}
            for obj, row in snapshot.rows(spec.name):
                rows.setdefault(key_of(spec.name, row), (obj, row))  # first one wins if the DB has duplicates
            self.existing[spec.name] = rows
        # organisations this import ends: norm(name) -> (end date, name, running partnerships to end)
        self.organisation_ends: dict[str, tuple[date, str, list[Any]]] = {}
        self._events_cache: dict[tuple, list[Event]] | None = None
        self.accepted: dict[str, set[tuple]] = {s.name: set() for s in SHEETS}
        self.rejected: dict[str, dict[tuple, int]] = {s.name: {} for s in SHEETS}
        self.invalid: dict[str, list[InRow]] = {}
        self.valid: dict[str, list[InRow]] = {}

    def plan(self, sheets: dict[str, InSheet]) -> dict[str, list[InRow]]:
        """Valid rows per sheet (with status set); errors go to result.errors."""
        valid: dict[str, list[InRow]] = {}
        self.valid = valid  # the sheets checked so far: later sheets see the state after this import
        progress.rows(progress.CHECKING, sum(len(sheet.rows) for sheet in sheets.values()))
        for spec in SHEETS:
            sheet = sheets.get(spec.name)
            if sheet is None:
                continue
            rows = self._validate_sheet(sheet)
            if spec.name == "fasen":
                self._event_status(rows)
                check_event_rows(rows, self._stored_events(), self.today, reasons_required=self.forms_only is not None)
            if self.guard is not None:
                self._check_regions(spec, rows)
            if spec.name == "fasen":
                check_running_trajectories(rows, self._stored_events())
            elif spec.name == "organisaties":
                self._check_organisation_ends(rows)
            elif spec.name == "samenwerkingen":
                self._check_partnerships_of_ended(rows)
                self._check_partnership_overlaps(rows)
            elif spec.name == "trajecten":
                self._check_trajectory_tranches(rows)
            if self.forms_only is not None:
                self._check_forms_only(spec.name, rows, sheets)
            for row in rows:
                if row.errors:
                    self.result.errors.extend(row.errors)
                    if row.key is not None:
                        self.rejected[spec.name].setdefault(row.key, row.line)
                elif row.key is not None:  # only a phase event can lack a key (no notitie column); none refers to it
                    self.accepted[spec.name].add(row.key)
            valid[spec.name] = [r for r in rows if not r.errors]
            self.invalid[spec.name] = [r for r in rows if r.errors]
            self._classify(spec, valid[spec.name])
        self._count_side_effects(valid)
        return valid

    # ------------------------------------------------------------ validation

    def _validate_sheet(self, sheet: InSheet) -> list[InRow]:
        spec = sheet.spec
        rows: list[InRow] = []
        seen: dict[tuple, int] = {}
        board_names: dict[str, tuple[str, int]] = {}
        for index, cells in enumerate(sheet.rows):
            progress.advance()
            if is_blank(cells):
                continue
            row = InRow(sheet, index + 2, {})
            for name, i in sheet.columns.items():
                raw = cells[i] if i < len(cells) else None
                try:
                    row.values[name] = parse_value(spec.col(name), raw)
                except ValueError as exc:
                    row.error(name, str(exc))
            if all(k in row.values for k in spec.key):
                row.key = key_of(spec.name, row.values)
                # Phase events may repeat (a correction can restore an earlier phase on the same day).
                if spec.name != "fasen":
                    if row.key in seen:
                        what = f"'{row.values[spec.key[0]]}'" if len(spec.key) == 1 else \
                            "deze combinatie van " + ", ".join(spec.key)
                        row.error(spec.key[0], f"dubbele sleutel: {what} staat ook al op regel {seen[row.key]}")
                    else:
                        seen[row.key] = row.line
            self._check_row(row, board_names)
            self._check_refs(row)
            rows.append(row)
        return rows

    def _check_row(self, row: InRow, board_names: dict[str, tuple[str, int]]) -> None:
        """Checks across columns of one row."""
        vals, sheet = row.values, row.sheet.spec.name
        if sheet == "regios":
            low, high = vals.get("doorlooptijd_min_maanden"), vals.get("doorlooptijd_max_maanden")
            if low is not None and high is not None and high < low:
                row.error("doorlooptijd_max_maanden", f"maximum {high} is kleiner dan minimum {low}")
        elif sheet == "scholen":
            if vals.get("actief") is True and vals.get("inactief_sinds"):
                row.error("inactief_sinds", "alleen invullen als actief 'nee' is")
            elif vals.get("actief") is None and vals.get("inactief_sinds"):
                vals["actief"] = False  # a closing date says the school is inactive; never drop it
            number, name = vals.get("bestuur_nummer"), vals.get("bestuur_naam")
            if number and name:
                first = board_names.setdefault(number, (name, row.line))
                if v.norm(first[0]) != v.norm(name):
                    row.error("bestuur_naam", f"bestuur {number} heeft op regel {first[1]} de naam '{first[0]}'")
        elif sheet == "contactpersonen":
            refused = phone_error(vals.get("telefoon") or "")  # the contact form's rule
            if refused:
                row.error("telefoon", refused)
        elif sheet == "samenwerkingen":
            refused = end_before_start_error(vals.get("startdatum"), vals.get("einddatum"))  # the form's rule
            if refused:
                row.error("einddatum", refused)
        elif sheet == "tranches" and vals.get("capaciteit") is not None:
            refused = capacity_error(vals["capaciteit"])  # the planning form's rule
            if refused:
                row.error("capaciteit", refused)

    def _check_refs(self, row: InRow) -> None:
        """Every reference must match a valid row of this file or a row in the database."""
        spec = row.sheet.spec
        for ref in spec.refs:
            if not all(c in row.values for c in ref.columns):
                continue  # column absent (value kept) or already reported as bad
            parts = [row.values[c] for c in ref.columns]
            optional = [row.values[c] for c in ref.columns if not spec.col(c).required]
            if optional and all(p in ("", None) for p in optional):
                continue  # no reference given
            if any(p in ("", None) for p in parts):
                names = " en ".join(f"'{c}'" for c in ref.columns)
                row.error(ref.error_column, f"vul {names} allebei in, of laat ze allebei leeg")
                return
            key = key_of(spec.name, row.values, ref.columns)
            if key in self.accepted[ref.sheet] or key in self.existing[ref.sheet]:
                continue
            shown = " / ".join(str(p) for p in parts)
            if key in self.rejected[ref.sheet]:
                row.error(ref.error_column, f"'{shown}' staat in blad '{ref.sheet}' op regel "
                                            f"{self.rejected[ref.sheet][key]}, maar die regel is afgekeurd")
            else:
                row.error(ref.error_column, f"'{shown}' bestaat niet in blad '{ref.sheet}' en ook niet in de database")
            return  # later references usually depend on this one

    def _check_regions(self, spec: SheetSpec, rows: list[InRow]) -> None:
        """Rows that would change something must lie in the user's regions (dataio.exchange_scope)."""
        guard = self.guard
        if guard is None:
            return
        for row in rows:
            if row.errors:
                continue
            if spec.name == "fasen":  # append-only: a stored event is unchanged, a new one is created
                guard.check(spec.name, row, exists=row.status == "unchanged", changed=row.status == "created")
                continue
            found = self.existing[spec.name].get(row.valid_key)
            changed = found is not None and bool(self._changed(spec, row, found[1]))
            guard.check(spec.name, row, exists=found is not None, changed=changed)

    # ------------------------------------------------------------ classification

    def _classify(self, spec: SheetSpec, rows: list[InRow]) -> None:
        result, sheet = self.result, spec.name
        result.add(sheet, "created", 0)
        if sheet == "fasen":
            self._classify_events(rows)
            return
        examples: dict[str, list[str]] = {"nieuw": [], "gewijzigd": []}
        for row in rows:
            found = self.existing[sheet].get(row.valid_key)
            label = " / ".join(str(row.values[c]) for c in spec.key)
            if found is None:
                row.status = "created"
                examples["nieuw"].append(label)
            else:
                row.existing = found[0]
                changed = self._changed(spec, row, found[1])
                row.status = "updated" if changed else "unchanged"
                if changed:
                    examples["gewijzigd"].append(f"{label} ({', '.join(changed)})")
            result.add(sheet, row.status)
        for kind, items in examples.items():
            result.examples.extend(f"{sheet}, {kind}: {item}" for item in items[:MAX_EXAMPLES])

    def _classify_events(self, rows: list[InRow]) -> None:
        for row in rows:
            self.result.add("fasen", row.status)

    def _event_status(self, rows: list[InRow]) -> None:
        """Append-only: an event already stored (as often as it occurs in the file) is unchanged."""
        stored = Counter(self.existing_event_keys())
        for row in rows:
            if row.key is not None and stored[row.key] > 0:
                stored[row.key] -= 1
                row.status = "unchanged"
            else:
                row.status = "created"

    def _check_organisation_ends(self, rows: list[InRow]) -> None:
        """Ending an organisation ends its running partnerships, as services.partnerships.end_organisation:
        refused when one of them starts after the end date, or (coordinator) lies outside the user's regions."""
        by_org: dict[int, list[Any]] = {}
        for p in self.snapshot.partnerships:
            by_org.setdefault(p.organisation_id, []).append(p)
        school_code = {s.id: s.code for s in self.snapshot.schools}
        for row in rows:
            end = row.values.get("einddatum")
            if row.errors or not end:
                continue
            found = self.existing["organisaties"].get(row.valid_key)
            if found is not None and found[0].ended_on == end:
                continue
            running = [p for p in by_org.get(found[0].id, []) if p.end_on is None or p.end_on > end] \
                if found is not None else []
            refused = later_partnerships_error([p.start_on for p in running], end)  # end_organisation's rule
            if refused:
                row.error("einddatum", refused)
                continue
            if self.guard is not None:
                outside = [p for p in running
                           if not self.guard.may_edit(self.guard.school_region.get(v.norm(school_code[p.school_id])))]
                if outside:
                    row.error("einddatum", f"de organisatie werkt ook met {len(outside)} school/scholen buiten uw "
                                           "regio; vraag de beheerder haar te beëindigen")
                    continue
            self.organisation_ends[row.valid_key[0]] = (end, row.values["naam"], running)
            if running:
                self.result.warnings.append(f"organisatie {row.values['naam']} eindigt op {end:%d-%m-%Y}: "
                                            f"{len(running)} lopende samenwerking(en) worden dan beëindigd")

    def _check_forms_only(self, sheet: str, rows: list[InRow], sheets: dict[str, InSheet]) -> None:
        """The forms' rules an import without the history right follows too (dataio.exchange_forms_only)."""
        forms = self.forms_only
        assert forms is not None

        def is_new(row: Any) -> bool:
            return row.key is not None and row.key not in self.existing[sheet]

        if sheet == "samenwerkingen":
            contact_ends = {(v.norm(r.values["organisatie"]), v.norm(r.values["naam"])): r.values.get("einddatum")
                            for r in self.valid.get("contactpersonen", []) if "einddatum" in r.values}
            forms.check_partnerships(rows, is_new, {k: end for k, (end, _, _) in self.organisation_ends.items()},
                                     contact_ends)
        elif sheet == "tranches":
            def is_changed(row: Any) -> bool:
                return bool(self._changed(SHEETS_BY_NAME[sheet], row, self.existing[sheet][row.key][1]))

            forms.check_tranches(rows, is_new, is_changed)
        elif sheet == "trajecten":
            phases = sheets.get("fasen")
            forms.check_trajectories(rows, is_new, phase_rows_of(phases.rows, phases.columns) if phases else set())

    def _check_partnership_overlaps(self, rows: list[InRow]) -> None:
        """The form's rule (services.partnerships.overlap_reason): no two partnerships of one school with one
        organisation in one role in overlapping periods, against the stored ones (a row stands for the stored
        partnership with its key) and between the file's rows. A row that leaves a stored period as it is
        is not checked again: re-importing an export never fails on data the database already holds."""
        periods: dict[tuple[Any, ...], dict[tuple[Any, ...], tuple[date, date | None]]] = {}
        for _obj, stored in self.snapshot.rows("samenwerkingen"):
            key = key_of("samenwerkingen", stored)
            periods.setdefault(key[:3], {})[key] = (stored["startdatum"], stored.get("einddatum"))
        for row in rows:
            if row.errors or row.key is None or not isinstance(row.values.get("startdatum"), date):
                continue
            start, end = row.values["startdatum"], row.values.get("einddatum")
            group = periods.setdefault(row.key[:3], {})
            if group.get(row.key) == (start, end):
                continue
            reason = overlap_reason(row.values["organisatie"], row.values["rol"], start, end,
                                    [period for key, period in group.items() if key != row.key])
            if reason:
                row.error("startdatum", reason)
            else:
                group[row.key] = (start, end)

    def _check_trajectory_tranches(self, rows: list[InRow]) -> None:
        """The form's rule (services.trajectories.tranche_region_error), for every user: a new trajectory, or one
        given another tranche, lies in a tranche of the school's region (after this import: its scholen and
        gemeenten rows count). A stored trajectory that keeps its tranche is history and is not checked again."""
        wanted = [r for r in rows if not r.errors and r.values.get("tranche") and "tranche_regio" in r.values]
        if not wanted:
            return
        regions = self._school_regions()
        for row in wanted:
            tranche = key_of("trajecten", row.values, ("tranche_regio", "tranche"))
            found = self.existing["trajecten"].get(row.valid_key)
            if found is not None and key_of("trajecten", found[1], ("tranche_regio", "tranche")) == tranche:
                continue
            refused = tranche_region_error(tranche[0], regions.get(v.norm(row.values["school"])))
            if refused:
                row.error("tranche", refused)

    def _school_regions(self) -> dict[str, str | None]:
        """norm(school code) -> norm(name of its region) after this import (None: no region)."""
        region_name = {r.id: v.norm(r.name) for r in self.snapshot.regions}
        of_municipality = {v.norm(m.cbs_code): region_name.get(m.region_id) for m in self.snapshot.municipalities}
        for row in self.valid.get("gemeenten", []):
            if "regio" in row.values:
                of_municipality[v.norm(row.values["cbs_code"])] = v.norm(row.values["regio"]) or None
        cbs = {m.id: v.norm(m.cbs_code) for m in self.snapshot.municipalities}
        schools = {v.norm(s.code): of_municipality.get(cbs.get(s.municipality_id, "")) for s in self.snapshot.schools}
        for row in self.valid.get("scholen", []):
            if "gemeente_cbs" in row.values:
                schools[v.norm(row.values["brin_vestiging"])] = of_municipality.get(v.norm(row.values["gemeente_cbs"]))
        return schools

    def _check_partnerships_of_ended(self, rows: list[InRow]) -> None:
        """A new or changed partnership may not run past the end of its organisation."""
        ends = dict(self.organisation_ends)
        for org, stored in self.existing["organisaties"].values():
            if org.ended_on is not None:
                ends.setdefault(key_of("organisaties", stored)[0], (org.ended_on, org.name, []))
        for row in rows:
            if row.errors or "organisatie" not in row.values:
                continue
            ended = ends.get(v.norm(row.values["organisatie"]))
            if ended is None:
                continue
            found = self.existing["samenwerkingen"].get(row.key) if row.key is not None else None
            if found is not None and not self._changed(row.sheet.spec, row, found[1]):
                continue
            stop = row.values.get("einddatum", found[0].end_on if found is not None else None)
            if stop is None or stop > ended[0]:
                row.error("einddatum", f"organisatie {ended[1]} is beëindigd per {ended[0]:%d-%m-%Y}; "
                                       "de samenwerking moet uiterlijk dan eindigen")

    def _stored_events(self) -> dict[tuple, list[Event]]:
        """Stored events per (school code, cycle), ordered as the app orders them (computed once)."""
        if self._events_cache is None:
            self._events_cache = self._load_events()
        return self._events_cache

    def _load_events(self) -> dict[tuple, list[Event]]:
        events: dict[tuple, list[Event]] = {}
        for obj, row in self.snapshot.rows("fasen"):
            at = obj.recorded_at.replace(tzinfo=None) if obj.recorded_at.tzinfo else obj.recorded_at
            events.setdefault((row["school"].upper(), row["cyclus"]), []).append(Event(obj.phase, obj.on, (at, obj.id)))
        return events

    def existing_event_keys(self) -> list[tuple]:
        return [key_of("fasen", row) for _, row in self.snapshot.rows("fasen")]

    def _changed(self, spec: SheetSpec, row: InRow, current: Row) -> list[str]:
        ref_like = {c for ref in spec.refs for c in ref.columns} | {"provincie"}
        changed = []
        for name in row.sheet.columns:  # absent columns keep their values
            new, col = row.values.get(name), spec.col(name)
            if name not in row.values or (col.keep_if_empty and new in (None, "")):
                continue
            old = current[name]
            if name in ref_like and isinstance(new, str) and isinstance(old, str):
                same = v.norm(new) == v.norm(old)
            else:
                same = new == old
            if not same:
                changed.append(name)
        return changed

    def _count_side_effects(self, valid: dict[str, list[InRow]]) -> None:
        """Provinces and boards have no sheet of their own; they are created when first named."""
        known = {v.norm(p.name) for p in self.snapshot.provinces}
        provinces = {v.norm(r.values["provincie"]) for s in ("regios", "gemeenten") for r in valid.get(s, [])
                     if r.values.get("provincie") and r.status != "unchanged"}
        if provinces - known:
            self.result.add("provincies", "created", len(provinces - known))
        numbers = {b.number for b in self.snapshot.boards}
        boards = {r.values["bestuur_nummer"] for r in valid.get("scholen", []) if r.values.get("bestuur_nummer")}
        if boards - numbers:
            self.result.add("besturen", "created", len(boards - numbers))
