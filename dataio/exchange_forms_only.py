"""What only a history import may do: the forms' rules for everyone else's import (issue 13).

A beheerder's import (and the command line) may load history as it was: an export of any database must
import again, also into an empty one, with partnerships of organisations that have ended since, old
tranches, trajectories as they were recorded. Anyone else imports as the forms write, so an import never
allows what the form refuses (services.permissions.can_import_history_authors decides who is which):

- a new partnership names an organisation and a contact person the form offers: not ended before today
  (services.permissions.linkable_organisation_clauses / linkable_contact_clauses);
- a new tranche starts after today, as services.planning.create_tranche; a stored tranche is not changed
  (no form changes one);
- a new trajectory starts in a tranche, as the next cycle of its school, with its first phase in the file
  (services.trajectories.start_trajectory: 'registered' in a tranche, cycle = last + 1);
- a correction (a return to the phase before) gives its reason in the note, as correct_to.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from dataio import values as v
from dataio.exchange_rows import StoredRows
from domain.network import still_working
from domain.planning import tranche_start_error


class Row(Protocol):  # dataio.exchange_import.InRow
    line: int
    values: dict[str, Any]
    status: str
    errors: list[Any]

    def error(self, column: str, reason: str) -> None: ...


NEW_TRAJECTORY_TRANCHE = "Kies een tranche."   # the recorder's message (pages.certification._recorder)
STORED_TRANCHE = "een bestaande tranche wijzigen kan alleen de beheerder (startdatum en capaciteit liggen vast)"
NEW_TRAJECTORY_PHASE = "een nieuw traject begint met de fase 'Aangemeld' op blad fasen"


class FormsOnly:
    """The rules above, for the rows of one import (see the module's text)."""

    def __init__(self, snapshot: StoredRows, today: date):
        self.snapshot, self.today = snapshot, today

    def check_partnerships(self, rows: Iterable[Row], is_new: Callable[[Row], bool], organisation_ends: dict[str, date],
                           contact_ends: dict[tuple[str, str], date | None]) -> None:
        """New partnerships: organisation and contact not ended before today (also not by this file)."""
        ended_org = {v.norm(o.name): o.ended_on for o in self.snapshot.organisations if o.ended_on is not None}
        ended_org.update(organisation_ends)
        names = {o.id: v.norm(o.name) for o in self.snapshot.organisations}
        ended_contact: dict[tuple[str, str], date | None] = {
            (names.get(c.organisation_id, ""), v.norm(c.name)): c.ended_on for c in self.snapshot.contacts}
        ended_contact.update(contact_ends)
        for row in rows:
            if row.errors or not is_new(row):
                continue
            organisation = v.norm(row.values.get("organisatie") or "")
            end = ended_org.get(organisation)
            if not still_working(end, self.today):
                row.error("organisatie", f"organisatie {row.values['organisatie']} is beëindigd per {end:%d-%m-%Y}; "
                                         "een nieuwe samenwerking kan alleen met een organisatie die nog werkt")
                continue
            contact = v.norm(row.values.get("contactpersoon") or "")
            stop = ended_contact.get((organisation, contact)) if contact else None
            if contact and not still_working(stop, self.today):
                row.error("contactpersoon", f"contactpersoon {row.values['contactpersoon']} is beëindigd per "
                                            f"{stop:%d-%m-%Y}; kies een contactpersoon die nog werkt")

    def check_tranches(self, rows: Iterable[Row], is_new: Callable[[Row], bool],
                       is_changed: Callable[[Row], bool]) -> None:
        """A new tranche starts after today; a stored one is not changed."""
        for row in rows:
            if row.errors:
                continue
            if not is_new(row) and is_changed(row):
                row.error("startdatum", STORED_TRANCHE)
            elif is_new(row) and isinstance(row.values.get("startdatum"), date):
                refused = tranche_start_error(row.values["startdatum"], self.today)
                if refused:
                    row.error("startdatum", refused)

    def check_trajectories(self, rows: Iterable[Row], is_new: Callable[[Row], bool],
                           first_phases: set[tuple[str, int]]) -> None:
        """A new trajectory: in a tranche, the next cycle of its school, with a phase in the file
        (first_phases: (norm school code, cycle) of the fasen rows)."""
        school_code = {s.id: v.norm(s.code) for s in self.snapshot.schools}
        last: dict[str, int] = {}
        for t in self.snapshot.trajectories:
            code = school_code.get(t.school_id, "")
            last[code] = max(last.get(code, 0), t.cycle)
        for row in sorted(rows, key=lambda r: (v.norm(r.values.get("school") or ""), r.values.get("cyclus") or 0)):
            if row.errors or not is_new(row):
                continue
            school, cycle = v.norm(row.values["school"]), row.values["cyclus"]
            if not row.values.get("tranche"):
                row.error("tranche", NEW_TRAJECTORY_TRANCHE)
            elif cycle != last.get(school, 0) + 1:
                row.error("cyclus", f"het volgende traject van deze school is cyclus {last.get(school, 0) + 1}")
            elif (school, cycle) not in first_phases:
                row.error("cyclus", NEW_TRAJECTORY_PHASE)
            else:
                last[school] = cycle


def phase_rows_of(rows: Sequence[Sequence[object]], columns: dict[str, int]) -> set[tuple[str, int]]:
    """(norm school code, cycle) of the raw rows of the fasen sheet (read before that sheet is checked)."""
    school, cycle = columns.get("school"), columns.get("cyclus")
    if school is None or cycle is None:
        return set()
    found = set()
    for cells in rows:
        try:
            found.add((v.norm(v.cell_text(cells[school])), int(v.cell_text(cells[cycle]))))
        except (IndexError, ValueError):
            continue
    return found
