"""Writing a planned exchange import into the session (flushed, never committed here)."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
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
# Changed rows of these sheets are written by the forms' commands (services.partnerships), row by row.
COMMAND_SHEETS = ("organisaties", "contactpersonen", "samenwerkingen")
# The commands' field names (FormError) as exchange columns.
FORM_COLUMNS = {"gemeente": "gemeente_cbs", "e-mail": "email"}
REFUSED = (FormError, PermissionDenied, StaleVersion)
# A dry run tries at most this many changed rows through the commands (Writer.trial): a few seconds.
TRIAL_ROWS = 5_000


class Writer:
    """Writes the planned rows, resolving natural keys to ids as it goes.

    New rows are inserted with Core (multi-row INSERT ... RETURNING id, in batches): no ORM
    object per row is built or kept until the commit. Their audit rows go to the audited block's
    AuditBuffer (services.audit), one per new row holding its fields with a value. Changed
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
        self.provinces = {norm(p.name): p for p in snapshot.provinces}
        self.boards = {b.number: b for b in snapshot.boards}
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

    def apply(self, valid: dict[str, list[InRow]], ends: dict[str, tuple[date, str, list[Any]]] | None = None) -> None:
        """Write the rows; ends (Planner.organisation_ends): organisations this import ends, whose
        running partnerships end on the same day (as services.partnerships.end_organisation)."""
        self._ends(ends)
        writes = {spec.name: [r for r in valid.get(spec.name, []) if r.status in ("created", "updated")]
                  for spec in SHEETS}
        progress.rows(progress.WRITING, sum(len(rows) for rows in writes.values()))
        self._create_provinces(valid)
        self._create_boards(valid.get("scholen", []))
        for spec in SHEETS:
            rows = writes[spec.name]
            if not rows:
                continue
            if spec.name == "fasen":
                self._insert(PhaseEvent, [self._event(row) for row in rows])
                continue
            created = [r for r in rows if r.status == "created"]
            for row in rows:
                if row.status == "updated":
                    if spec.name in COMMAND_SHEETS:
                        self._command(spec.name, row)
                    else:
                        self._update(spec.name, row)
                    progress.advance()
            self.session.flush()
            values = [self._values(spec.name, row) for row in created]
            for row, new_id in zip(created, self._insert(MODELS[spec.name], values), strict=True):
                self.ids[spec.name][row.valid_key] = new_id
        self._end_partnerships()
        if self.audit is not None:
            self.audit.flush()

    def _ends(self, ends: dict[str, tuple[date, str, list[Any]]] | None) -> None:
        self.organisation_ends = {key: end for key, (end, _, _) in (ends or {}).items()}

    def trial(self, valid: dict[str, list[InRow]], ends: dict[str, tuple[date, str, list[Any]]] | None = None) -> bool:
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

    def _insert(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (model defaults for what a row leaves out); their new ids, in order."""
        if not rows:
            return []
        table = table_of(model)
        defaults = {k: v for k, v in model().model_dump().items() if k in table.c and k not in ("id", "version")}
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        ids = self._new_ids(table, len(rows), sqlite)
        for start in range(0, len(rows), BATCH):
            chunk = [{**defaults, **values, "id": new_id}
                     for values, new_id in zip(rows[start:start + BATCH], ids[start:], strict=False)]
            if sqlite:
                self.session.execute(insert(table), chunk)
            else:
                self._copy(table, chunk)
            if self.audit is not None:
                for values in chunk:
                    self.audit.created(table.name, values["id"], {k: v for k, v in values.items() if k != "id"})
            progress.advance(len(chunk))
        return ids

    def _new_ids(self, table: Table, n: int, sqlite: bool) -> list[int]:
        """Ids for n new rows, taken before they are written, under the import's write lock (exchange_lock).
        SQLite: after the highest id (the database's one write lock). PostgreSQL: n numbers of the column's
        own sequence at once, as n default ids would take them (nobody else inserts into the locked table)."""
        if sqlite:
            first = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1
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

    def _create_provinces(self, valid: dict[str, list[InRow]]) -> None:
        for sheet in ("regios", "gemeenten"):
            for row in valid.get(sheet, []):
                name = row.values.get("provincie")
                if name and norm(name) not in self.provinces and row.status != "unchanged":
                    self.provinces[norm(name)] = province = Province(name=name)
                    self.session.add(province)
        self.session.flush()

    def _create_boards(self, rows: list[InRow]) -> None:
        """Boards are named in the school rows; the first non-empty name per number is used."""
        for row in rows:
            number, name = row.values.get("bestuur_nummer"), row.values.get("bestuur_naam")
            if not number or row.status == "unchanged":
                continue
            board = self.boards.get(number)
            if board is None:
                self.boards[number] = board = Board(number=number, name=name or "")
                self.session.add(board)
            elif name and board.name != name:
                board.name = name
        self.session.flush()
