"""Writing a planned exchange import into the session (flushed, never committed here)."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, Table, func, insert, select
from sqlmodel import Session, SQLModel

from dataio import progress
from dataio.errors import RowError
from dataio.exchange_import import InRow
from dataio.exchange_rows import StoredRows, key_of
from dataio.exchange_schema import SHEETS
from dataio.values import from_local, norm
from domain import clock
from models import (
    Board,
    Contact,
    Municipality,
    Organisation,
    Partnership,
    PhaseEvent,
    Province,
    Region,
    School,
    Trajectory,
    Tranche,
    table_of,
)
from models.db import copy_rows
from services import partnerships as commands
from services.audit import AuditBuffer
from services.partnerships import FormError
from services.permissions import PermissionDenied, Principal
from services.transactions import StaleVersion

MODELS: dict[str, type[SQLModel]] = {
    "regios": Region, "gemeenten": Municipality, "scholen": School, "organisaties": Organisation,
    "contactpersonen": Contact, "samenwerkingen": Partnership, "tranches": Tranche, "trajecten": Trajectory,
}
# Exchange column -> model attribute; None: handled together with another column.
ATTRS: dict[str, dict[str, str | None]] = {
    "regios": {
        "naam": "name", "provincie": "province_id", "geldigheid_maanden": "validity_months",
        "binnenkort_verlopen_maanden": "expiring_window_months", "verplichte_partnertypen": "required_partner_types",
        "doorlooptijd_min_maanden": "expected_months_min", "doorlooptijd_max_maanden": "expected_months_max",
        "auditcapaciteit_per_kwartaal": "audit_capacity_per_quarter", "fase_max_maanden": "phase_limit_months",
    },
    "gemeenten": {
        "cbs_code": "cbs_code", "naam": "name", "provincie": "province_id", "regio": "region_id",
        "aanpakmodel": "approach_model", "aanpakfase": "approach_phase", "aanpakfase_sinds": "approach_phase_since",
        "elementen": "elements", "bereik": "reach",
    },
    "scholen": {
        "brin_vestiging": "code", "naam": "name", "sector": "sector", "gemeente_cbs": "municipality_id",
        "bestuur_nummer": "board_id", "bestuur_naam": None, "straat": "street", "huisnummer": "house_number",
        "postcode": "postcode", "plaats": "city", "telefoon": "phone", "website": "website",
        "denominatie": "denomination", "breedtegraad": "latitude", "lengtegraad": "longitude",
        "leerlingen": "pupils", "actief": "active", "inactief_sinds": "inactive_since",
    },
    "organisaties": {"naam": "name", "type": "type", "gemeente_cbs": "municipality_id", "einddatum": "ended_on"},
    "contactpersonen": {"organisatie": "organisation_id", "naam": "name", "functie": "role",
                        "telefoon": "phone", "email": "email", "einddatum": "ended_on"},
    "samenwerkingen": {
        "school": "school_id", "organisatie": "organisation_id", "rol": "role", "contactpersoon": "contact_id",
        "startdatum": "start_on", "einddatum": "end_on", "afspraken": "agreements",
    },
    "tranches": {"regio": "region_id", "naam": "name", "startdatum": "start_on", "capaciteit": "capacity"},
    "trajecten": {"school": "school_id", "cyclus": "cycle", "tranche_regio": None, "tranche": "tranche_id"},
}


BATCH = 2_000  # rows per INSERT executemany (SQLite) or COPY (PostgreSQL), ids given (Writer._new_ids)
# SQLite: the new rows' ids start this far above the highest, so the rows other writers add while the import
# prepares (a phase recorded on the web, a few a second at most) take none of them; else the import would
# have to prepare again under its write lock, which others then wait for (3.6 s of a national import).
ID_ROOM = 10_000
# Changed rows of these sheets are written by the forms' commands (services.partnerships), row by row.
COMMAND_SHEETS = ("organisaties", "contactpersonen", "samenwerkingen")
# The commands' field names (FormError) as exchange columns.
FORM_COLUMNS = {"gemeente": "gemeente_cbs", "e-mail": "email"}
REFUSED = (FormError, PermissionDenied, StaleVersion)
# A dry run tries at most this many changed rows through the commands (Writer.trial): a few seconds.
TRIAL_ROWS = 5_000


# Planner.organisation_ends: organisation key -> (end date, name, its running partnerships)
Ends = dict[str, tuple[date, str, list[Any]]]


@dataclass(frozen=True)
class Planned:
    """New rows of one table as the write phase sends them (ids given), with their audit rows."""
    table: Table
    rows: list[dict[str, Any]]
    audit: list[tuple[Any, ...]]


class Writer:
    """Writes the planned rows, resolving natural keys to ids as it goes.

    New rows are prepared before the write lock (prepare: ids, values, audit rows) and sent with Core
    in batches (an executemany on SQLite, COPY on PostgreSQL): no ORM object per row is built or kept
    until the commit. Their audit rows go to the audited block's AuditBuffer (services.audit), one per
    new row holding its fields with a value. Changed
    rows are updated through the ORM objects of the snapshot, so changes_recorded audits them
    field by field and the version columns (optimistic concurrency) are raised: a form opened
    before the import refuses its stale save. Changed organisations, contacts and partnerships
    go through the forms' commands (services.partnerships: change_*, end_*), each in a savepoint,
    as `principal` (the importing user; a beheerder named `author` for the command line); a row
    a command refuses gets the command's Dutch message with its line in `errors`.
    """

    def __init__(self, session: Session, snapshot: StoredRows, *, author: str = "", keep_authors: bool = True,
                 principal: Principal | None = None):
        self.session = session
        self.audit = AuditBuffer.of(session)
        self.author = (author or (self.audit.username if self.audit is not None else ""))[:100]
        self.principal = principal or Principal(user_id=0, username=self.author, role="beheerder")
        self.errors: list[RowError] = []
        self.refused: list[InRow] = []
        self.keep_authors = keep_authors
        self.now = clock.now()
        self.partnerships = snapshot.partnerships
        self.snapshot = snapshot
        self.provinces = {norm(p.name): p for p in snapshot.provinces}   # with the new ones (prepare)
        self.boards = {b.number: b for b in snapshot.boards}
        self.planned: dict[str, Planned] = {}
        self.prepared: tuple[dict[str, list[InRow]], dict[str, date]] | None = None
        self.first_ids: dict[Table, int] = {}   # SQLite: table -> the first id prepare() gave
        self.ids: dict[str, dict[tuple, int]] = {}
        for spec in SHEETS:
            ids: dict[tuple, int] = {}
            for obj, row in snapshot.rows(spec.name):
                ids.setdefault(key_of(spec.name, row), obj.id)
            self.ids[spec.name] = ids
        self.organisation_ends: dict[str, date] = {}
        self.converters: dict[tuple[str, str], Callable[[object, dict], object]] = {
            ("regios", "provincie"): self._province_id,
            ("gemeenten", "provincie"): self._province_id,
            ("gemeenten", "regio"): self._ref("regios"),
            ("scholen", "gemeente_cbs"): self._ref("gemeenten"),
            ("scholen", "bestuur_nummer"): lambda value, _: self.boards[str(value)].id if value else None,
            ("organisaties", "gemeente_cbs"): self._ref("gemeenten"),
            ("contactpersonen", "organisatie"): self._ref("organisaties"),
            ("samenwerkingen", "school"): self._ref("scholen"),
            ("samenwerkingen", "organisatie"): self._ref("organisaties"),
            ("samenwerkingen", "contactpersoon"): self._ref("contactpersonen", ("organisatie", "contactpersoon")),
            ("tranches", "regio"): self._ref("regios"),
            ("trajecten", "school"): self._ref("scholen"),
            ("trajecten", "tranche"): self._ref("tranches", ("tranche_regio", "tranche")),
        }

    def prepare(self, valid: dict[str, list[InRow]], ends: Ends | None = None) -> None:
        """Before the write lock (dataio.exchange): ids for every row the import creates, their values with
        every reference resolved, and their audit rows, so that the write phase, which other writers wait
        for, only sends them (and changes the changed rows). Ids: PostgreSQL from the sequences; SQLite
        after the highest ids, which apply() checks again under the lock (another writer may have added a
        row since: then it prepares again)."""
        self._ends(ends)
        self.provinces = {norm(p.name): p for p in self.snapshot.provinces}  # again: prepare may run twice
        self.boards = {b.number: b for b in self.snapshot.boards}
        created = {spec.name: [r for r in valid.get(spec.name, []) if r.status == "created"] for spec in SHEETS}
        provinces, boards = self._new_provinces(valid), self._new_boards(valid.get("scholen", []))
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        counts: dict[type[SQLModel], int] = {Province: len(provinces), Board: len(boards)}
        for spec in SHEETS:
            counts[MODELS.get(spec.name, PhaseEvent)] = len(created[spec.name])
        ids = {model: self._new_ids(table_of(model), n, sqlite) for model, n in counts.items() if n}
        self.first_ids = {table_of(model): given[0] for model, given in ids.items()} if sqlite else {}
        for name, new_id in zip(provinces, ids.get(Province, []), strict=True):
            self.provinces[norm(name)] = Province(id=new_id, name=name)   # never added to the session
        for (number, name), new_id in zip(boards.items(), ids.get(Board, []), strict=True):
            self.boards[number] = Board(id=new_id, number=number, name=name)
        for sheet, model in MODELS.items():   # the rows other rows refer to (not the phases)
            for row, new_id in zip(created[sheet], ids.get(model, []), strict=True):
                self.ids[sheet][row.valid_key] = new_id
        self.planned = {"provincies": self._planned(Province, [{"name": n} for n in provinces], ids.get(Province)),
                        "besturen": self._planned(Board, [{"number": k, "name": v} for k, v in boards.items()],
                                                  ids.get(Board))}
        for spec in SHEETS:
            model = MODELS.get(spec.name, PhaseEvent)
            self.planned[spec.name] = self._planned(model, self._created_values(spec.name, created[spec.name]),
                                                    ids.get(model))
        self.prepared = (valid, dict(self.organisation_ends))

    def apply(self, valid: dict[str, list[InRow]], ends: Ends | None = None) -> None:
        """Write the rows (prepared before the lock, else now); ends (Planner.organisation_ends): organisations
        this import ends, whose running partnerships end on the same day (as services.partnerships.end_organisation)."""
        if self.prepared is None or self.prepared[0] is not valid or not self._ids_still_free():
            self.prepare(valid, ends)
        assert self.prepared is not None
        prepared_ends = self.prepared[1]
        updates = {spec.name: [r for r in valid.get(spec.name, []) if r.status == "updated"] for spec in SHEETS}
        progress.rows(progress.WRITING, sum(len(rows) for rows in updates.values()) +
                      sum(len(p.rows) for p in self.planned.values()))
        self._rename_boards(valid.get("scholen", []))
        self._write(self.planned["provincies"])
        self._write(self.planned["besturen"])
        for spec in SHEETS:
            for row in updates[spec.name]:
                if spec.name in COMMAND_SHEETS:
                    self._command(spec.name, row)
                else:
                    self._update(spec.name, row)
                progress.advance()
            self.session.flush()
            if spec.name == "samenwerkingen" and self.organisation_ends != prepared_ends:
                # a form's command refused an organisation's end (allow_partial): its new partnerships run on
                created = [r for r in valid.get(spec.name, []) if r.status == "created"]
                planned = self.planned[spec.name]
                self.planned[spec.name] = self._planned(Partnership, self._created_values(spec.name, created),
                                                        [row["id"] for row in planned.rows])
            self._write(self.planned[spec.name])
        self._end_partnerships()
        if self.audit is not None:
            self.audit.flush()

    def _created_values(self, sheet: str, rows: list[InRow]) -> list[dict[str, Any]]:
        return [self._event(row) for row in rows] if sheet == "fasen" else [self._values(sheet, row) for row in rows]

    def _ids_still_free(self) -> bool:
        """SQLite, under the write lock: no row was added since prepare() took the ids after the highest."""
        return all((self.session.scalar(select(func.max(table.c.id))) or 0) < first
                   for table, first in self.first_ids.items())

    def _ends(self, ends: Ends | None) -> None:
        self.organisation_ends = {key: end for key, (end, _, _) in (ends or {}).items()}

    def trial(self, valid: dict[str, list[InRow]], ends: Ends | None = None) -> bool:
        """For a dry run: the changed rows the forms' commands write, tried through those commands in a
        savepoint that is always rolled back, so the preview refuses what the import would (the command's
        Dutch message on the row's line in `errors`). A row naming a row this file creates cannot be tried
        (that row has no id yet): the commands check it when the import writes. False when there were more
        than TRIAL_ROWS such rows (none tried: the preview would keep the database's write lock too long)."""
        rows = [(sheet, r) for sheet in COMMAND_SHEETS for r in valid.get(sheet, []) if r.status == "updated"]
        if len(rows) > TRIAL_ROWS:
            return False
        self._ends(ends)
        savepoint = self.session.begin_nested()
        try:
            for sheet, row in rows:
                try:
                    self._command(sheet, row)
                except KeyError:  # refers to a new row of the file
                    continue
        finally:
            savepoint.rollback()
        return True

    def _values(self, sheet: str, row: InRow) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, attr in ATTRS[sheet].items():
            if attr is None or name not in row.values:
                continue
            value = row.values[name]
            if row.sheet.spec.col(name).keep_if_empty and value in (None, ""):
                continue
            converter = self.converters.get((sheet, name))
            values[attr] = converter(value, row.values) if converter else value
        if sheet == "scholen" and values.get("active", True):
            values["inactive_since"] = None
        if sheet == "samenwerkingen":
            end = self.organisation_ends.get(norm(row.values["organisatie"]))
            if end is not None and (values.get("end_on") is None or values["end_on"] > end):
                values["end_on"] = end
        return values

    def _update(self, sheet: str, row: InRow) -> None:
        obj = row.existing
        for attr, value in self._values(sheet, row).items():
            setattr(obj, attr, value)

    def _command(self, sheet: str, row: InRow) -> None:
        """A changed row through the form's command; all of the row or nothing of it (a savepoint)."""
        values = self._values(sheet, row)
        obj, p, s = row.existing, self.principal, self.session
        pause: AbstractContextManager[None] = self.audit.commands() if self.audit is not None else nullcontext()
        reopen = "ended_on" in values and values["ended_on"] is None and getattr(obj, "ended_on", None) is not None
        try:
            with s.begin_nested(), pause:
                if sheet == "organisaties":
                    fields = {a: values.get(a, getattr(obj, a)) for a in ("name", "type", "municipality_id")}
                    if any(fields[a] != getattr(obj, a) for a in fields):
                        commands.change_organisation(s, p, obj.id, name=fields["name"], type=fields["type"],
                                                     municipality_id=fields["municipality_id"])
                    if values.get("ended_on") is not None and values["ended_on"] != obj.ended_on:
                        commands.end_organisation(s, p, obj.id, values["ended_on"], "import")
                elif sheet == "contactpersonen":
                    fields = {a: values.get(a, getattr(obj, a)) for a in ("name", "role", "phone", "email")}
                    if any(fields[a] != getattr(obj, a) for a in fields):
                        commands.change_contact(s, p, obj.id, **fields)
                    if values.get("ended_on") is not None and values["ended_on"] != obj.ended_on:
                        commands.end_contact(s, p, obj.id, values["ended_on"], "import")
                else:
                    fields = {a: values[a] for a in ("contact_id", "end_on", "agreements")
                              if a in values and values[a] != getattr(obj, a)}
                    if fields:
                        commands.change_partnership(s, p, obj.id, **fields)
        except REFUSED as exc:
            self._refuse(row, exc)
            return
        if reopen:  # no form reopens an ended organisation or contact; the import may (audited as a change)
            obj.ended_on = None

    def _refuse(self, row: InRow, exc: Exception) -> None:
        reasons = exc.errors if isinstance(exc, FormError) else {"": str(exc)}
        for field, reason in reasons.items():
            self.errors.append(RowError(row.sheet.file, row.sheet.title, row.line,
                                        FORM_COLUMNS.get(field, field), reason))
        self.refused.append(row)
        if row.sheet.spec.name == "organisaties":
            self.organisation_ends.pop(row.valid_key[0], None)

    def _event(self, row: InRow) -> dict[str, Any]:
        vals = row.values
        recorded_at = vals.get("vastgelegd_op") if self.keep_authors else None
        recorded_by = vals.get("vastgelegd_door", self.author) if self.keep_authors else self.author
        return {"trajectory_id": self.ids["trajecten"][key_of("fasen", vals, ("school", "cyclus"))],
                "phase": vals["fase"], "on": vals["datum"], "note": vals.get("notitie", ""),
                "recorded_by": recorded_by or self.author,
                "recorded_at": from_local(recorded_at) if recorded_at else self.now}

    def _planned(self, model: type[SQLModel], rows: list[dict[str, Any]], ids: list[int] | None) -> Planned:
        """New rows with their ids and model defaults for what a row leaves out, and their audit rows."""
        table = table_of(model)
        if not rows or ids is None:
            return Planned(table, [], [])
        defaults = {k: v for k, v in model().model_dump().items() if k in table.c and k not in ("id", "version")}
        full = [{**defaults, **values, "id": new_id} for values, new_id in zip(rows, ids, strict=True)]
        audit = [self.audit.created_row(table.name, new_id, {**defaults, **values})
                 for values, new_id in zip(rows, ids, strict=True)] if self.audit is not None else []
        return Planned(table, full, audit)

    def _write(self, planned: Planned) -> None:
        """Send planned rows in batches: SQLite one executemany each, PostgreSQL one COPY each."""
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        for start in range(0, len(planned.rows), BATCH):
            chunk = planned.rows[start:start + BATCH]
            if sqlite:
                self.session.execute(insert(planned.table), chunk)
            else:
                self._copy(planned.table, chunk)
            if self.audit is not None:
                self.audit.extend(planned.audit[start:start + BATCH])
            progress.advance(len(chunk))

    def _new_ids(self, table: Table, n: int, sqlite: bool) -> list[int]:
        """Ids for n new rows, taken before they are written (checked again under the write lock). SQLite:
        ID_ROOM above the highest id (the rows after the import's take the ids after its highest). PostgreSQL:
        n numbers of the column's own sequence at once, as n default ids would take them."""
        if sqlite:
            first = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1 + ID_ROOM
            return list(range(first, first + n))
        sequence = func.pg_get_serial_sequence(table.name, "id")
        last = int(self.session.execute(select(func.setval(sequence, func.nextval(sequence) + n - 1))).scalar_one())
        return list(range(last - n + 1, last + 1))

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """PostgreSQL: the rows in one COPY (models.db.copy_rows). Not a multi-row INSERT ... RETURNING:
        psycopg parses its thousands of placeholders anew for every batch (12 of 26 s of a national
        import); nor an executemany: every row would be a statement, firing the data version's triggers."""
        from psycopg.types.json import Json

        columns = list(rows[0])
        json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
        copy_rows(self.session, table.name, columns,
                  ([Json(row[c]) if c in json_columns else row[c] for c in columns] for row in rows))

    def _end_partnerships(self) -> None:
        """An organisation ended by the import ends its stored running partnerships on the same day (new
        ones got the end date in _values)."""
        if not self.organisation_ends:
            return
        org_ids = {self.ids["organisaties"][(key,)]: end for key, end in self.organisation_ends.items()}
        for partnership in self.partnerships:
            end = org_ids.get(partnership.organisation_id)
            if end is not None and (partnership.end_on is None or partnership.end_on > end):
                partnership.end_on = end
        self.session.flush()

    def _ref(self, sheet: str, columns: tuple[str, ...] | None = None) -> Callable[[object, dict], int | None]:
        def convert(value: object, values: dict) -> int | None:
            if value in ("", None):
                return None
            key = key_of(sheet, values, columns) if columns else (norm(value),)
            return self.ids[sheet][key]
        return convert

    def _province_id(self, value: object, _values: dict) -> int | None:
        return self.provinces[norm(value)].id if value else None

    def _new_provinces(self, valid: dict[str, list[InRow]]) -> list[str]:
        """Names of the provinces the regions and municipalities of the import name that do not exist yet."""
        names: dict[str, str] = {}
        for sheet in ("regios", "gemeenten"):
            for row in valid.get(sheet, []):
                name = row.values.get("provincie")
                if name and norm(name) not in self.provinces and row.status != "unchanged":
                    names.setdefault(norm(name), name)
        return list(names.values())

    def _new_boards(self, rows: list[InRow]) -> dict[str, str]:
        """Boards are named in the school rows: the new ones (number -> the first non-empty name)."""
        boards: dict[str, str] = {}
        for row in rows:
            number, name = row.values.get("bestuur_nummer"), row.values.get("bestuur_naam")
            if number and row.status != "unchanged" and number not in self.boards:
                if not boards.get(number):
                    boards[number] = name or ""
        return boards

    def _rename_boards(self, rows: list[InRow]) -> None:
        """An existing board gets the name its school rows give (in the write phase: an ORM change)."""
        stored = {b.number for b in self.snapshot.boards}
        for row in rows:
            number, name = row.values.get("bestuur_nummer"), row.values.get("bestuur_naam")
            if number in stored and name and row.status != "unchanged" and self.boards[number].name != name:
                self.boards[number].name = name
        self.session.flush()
