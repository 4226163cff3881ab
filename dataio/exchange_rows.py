"""The database as exchange rows: one dict per row, keyed by the column names of exchange_schema.

Export writes these rows; import compares incoming rows against them. Both use
the same natural keys (key_of), so what is exported is what an import matches.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from dataio.exchange_schema import SHEETS_BY_NAME
from dataio.values import norm, to_local
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
)

Row = dict[str, Any]


def key_of(sheet: str, values: Row, columns: tuple[str, ...] | None = None) -> tuple:
    """Natural key of a row: names compared without case and extra spaces."""
    cols = columns or SHEETS_BY_NAME[sheet].key
    return tuple(norm(values[c]) if isinstance(values[c], str) else values[c] for c in cols)


class StoredRows:
    """All rows of the database, loaded once (imports and exports must not query per row)."""

    def __init__(self, session: Session):
        def load(model):
            return list(session.exec(select(model).order_by(model.id)))

        self.provinces: list[Province] = load(Province)
        self.regions: list[Region] = load(Region)
        self.municipalities: list[Municipality] = load(Municipality)
        self.boards: list[Board] = load(Board)
        self.schools: list[School] = load(School)
        self.organisations: list[Organisation] = load(Organisation)
        self.contacts: list[Contact] = load(Contact)
        self.partnerships: list[Partnership] = load(Partnership)
        self.tranches: list[Tranche] = load(Tranche)
        self.trajectories: list[Trajectory] = load(Trajectory)
        self.events: list[PhaseEvent] = load(PhaseEvent)
        self._province = {p.id: p.name for p in self.provinces}
        self._region = {r.id: r.name for r in self.regions}
        self._municipality = {m.id: m.cbs_code for m in self.municipalities}
        self._board = {b.id: b for b in self.boards}
        self._school = {s.id: s.code for s in self.schools}
        self._organisation = {o.id: o.name for o in self.organisations}
        self._contact = {c.id: c for c in self.contacts}
        self._tranche = {t.id: t for t in self.tranches}
        self._trajectory = {t.id: t for t in self.trajectories}

    def rows(self, sheet: str) -> list[tuple[Any, Row]]:
        """(model object, exchange row) pairs of one sheet, in id order."""
        return [(obj, getattr(self, f"_row_{sheet}")(obj)) for obj in self.objects(sheet)]

    def objects(self, sheet: str) -> list[Any]:
        by_sheet: dict[str, list[Any]] = {
            "regios": self.regions, "gemeenten": self.municipalities, "scholen": self.schools,
            "organisaties": self.organisations, "contactpersonen": self.contacts,
            "samenwerkingen": self.partnerships, "tranches": self.tranches, "trajecten": self.trajectories,
            "fasen": self.events,
        }
        return by_sheet[sheet]

    def board(self, board_id: int | None) -> Board | None:
        return self._board.get(board_id)

    def _row_regios(self, r: Region) -> Row:
        return {
            "naam": r.name, "provincie": self._province.get(r.province_id, ""),
            "geldigheid_maanden": r.validity_months, "binnenkort_verlopen_maanden": r.expiring_window_months,
            "verplichte_partnertypen": list(r.required_partner_types or []),
            "doorlooptijd_min_maanden": r.expected_months_min, "doorlooptijd_max_maanden": r.expected_months_max,
            "auditcapaciteit_per_kwartaal": r.audit_capacity_per_quarter, "fase_max_maanden": r.phase_limit_months,
        }

    def _row_gemeenten(self, m: Municipality) -> Row:
        return {
            "cbs_code": m.cbs_code, "naam": m.name, "provincie": self._province.get(m.province_id, ""),
            "regio": self._region.get(m.region_id, ""), "aanpakmodel": m.approach_model,
            "aanpakfase": m.approach_phase, "aanpakfase_sinds": m.approach_phase_since,
            "elementen": list(m.elements or []), "bereik": m.reach,
        }

    def _row_scholen(self, s: School) -> Row:
        board = self._board.get(s.board_id)
        return {
            "brin_vestiging": s.code, "naam": s.name, "sector": s.sector,
            "gemeente_cbs": self._municipality.get(s.municipality_id, ""),
            "bestuur_nummer": board.number if board else "", "bestuur_naam": board.name if board else "",
            "straat": s.street, "huisnummer": s.house_number, "postcode": s.postcode, "plaats": s.city,
            "telefoon": s.phone, "website": s.website, "denominatie": s.denomination,
            "breedtegraad": s.latitude, "lengtegraad": s.longitude, "leerlingen": s.pupils,
            "actief": s.active, "inactief_sinds": s.inactive_since,
        }

    def _row_organisaties(self, o: Organisation) -> Row:
        return {"naam": o.name, "type": o.type, "gemeente_cbs": self._municipality.get(o.municipality_id, ""),
                "einddatum": o.ended_on}

    def _row_contactpersonen(self, c: Contact) -> Row:
        return {"organisatie": self._organisation.get(c.organisation_id, ""), "naam": c.name,
                "functie": c.role, "telefoon": c.phone, "email": c.email, "einddatum": c.ended_on}

    def _row_samenwerkingen(self, p: Partnership) -> Row:
        contact = self._contact.get(p.contact_id)
        return {
            "school": self._school.get(p.school_id, ""), "organisatie": self._organisation.get(p.organisation_id, ""),
            "rol": p.role, "contactpersoon": contact.name if contact else "",
            "startdatum": p.start_on, "einddatum": p.end_on, "afspraken": p.agreements,
        }

    def _row_tranches(self, t: Tranche) -> Row:
        return {"regio": self._region.get(t.region_id, ""), "naam": t.name,
                "startdatum": t.start_on, "capaciteit": t.capacity}

    def _row_trajecten(self, t: Trajectory) -> Row:
        tranche = self._tranche.get(t.tranche_id)
        return {"school": self._school.get(t.school_id, ""), "cyclus": t.cycle,
                "tranche_regio": self._region.get(tranche.region_id, "") if tranche else "",
                "tranche": tranche.name if tranche else ""}

    def _row_fasen(self, e: PhaseEvent) -> Row:
        trajectory = self._trajectory[e.trajectory_id]
        return {"school": self._school.get(trajectory.school_id, ""), "cyclus": trajectory.cycle,
                "fase": e.phase, "datum": e.on, "notitie": e.note,
                "vastgelegd_door": e.recorded_by, "vastgelegd_op": to_local(e.recorded_at)}
