"""The change list ('Veranderingen sinds ...' on Overzicht and Gemeenten) as a CSV for Dutch Excel:
the events between the compare date and the peildatum, newest first like the list on the page, with
Dutch kinds and phases (dataio.report_csv). The same events as `vios report --since --json`."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from dataio.report_csv import excel_csv_bytes
from domain.certification import PHASES
from domain.changes import CHANGE_KINDS, Change
from domain.scope import Scope
from services.municipality_comparison import changes_since
from services.permissions import Principal

HEADER = ["Gebeurtenis", "Datum", "BRIN", "School", "Gemeente", "Van fase", "Naar fase", "Toelichting"]


def _phase(code: str | None) -> str:
    return PHASES.get(code, code) if code else ""


def change_table(changes: Sequence[Change]) -> list[list[object]]:
    """The rows of the export, newest first (dates stay dates: the CSV writes them as dd-mm-jjjj)."""
    return [[CHANGE_KINDS.get(c.kind, c.kind), c.on, c.school_code, c.school_name, c.municipality_name,
             _phase(c.phase_from), _phase(c.phase_to), c.detail] for c in reversed(changes)]


def changes_csv(session: Session, scope: Scope, principal: Principal | None, since: date) -> tuple[str, bytes]:
    """(file name, CSV) of the events between `since` and the as-of date in the schools this user may read."""
    rows = change_table(changes_since(session, scope, principal, since))
    name = f"veranderingen-{scope.area_key}-{since.isoformat()}-{scope.as_of.isoformat()}.csv"
    return name, excel_csv_bytes(HEADER, rows)
