"""Which rows of an exchange import a user who is not the beheerder (a coordinator) may change.

The rules are the forms' rules, taken from services.permissions (the one access module):

- regios, gemeenten: never changed or created (the beheerder's).
- scholen: in the region of its municipality, before and after the change; never a board
  (number or name) change: can_change_boards.
- samenwerkingen, trajecten, fasen: in the region of the school; a new partnership only with an
  organisation the form offers the school (can_link_organisation). (A trajectory's tranche must lie
  in the school's region for every user: the planner checks services.trajectories.tranche_region_error.)
- tranches: in its region (can_edit_plans, as the planning page).
- organisaties: can_edit_organisation_at (its municipality, or all the schools it works with);
  a new or moved organisation needs a municipality in the user's regions: can_place_organisation.
- contactpersonen: as their organisation (or one created in the same file).

No oracle: a row about a network or history the user may not read (organisations, contacts,
partnerships, tranches, trajectories and phase events of other regions) is refused whatever its
content ("buiten uw regio"), so the answer never depends on data the user cannot see. Rows of the
public registers (regions, CBS municipalities, DUO schools) and rows the user may read but not
change are fine when they change nothing (re-importing an export is harmless) and refused otherwise.
Refused rows get a Dutch reason on the column that places them;
rows referring to them are rejected by the planner as usual.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from dataio.exchange_rows import StoredRows
from dataio.values import norm
from services.partnerships import not_yours_reason
from services.permissions import (
    Principal,
    can_change_boards,
    can_edit_organisation_at,
    can_edit_plans,
    can_edit_region,
    can_link_organisation,
    can_place_organisation,
    can_read_region,
)

OUTSIDE = "buiten uw regio"


@dataclass
class _Org:
    has_municipality: bool
    region: int | None
    served: set[int | None] = field(default_factory=set)


class RegionGuard:
    def __init__(self, snapshot: StoredRows, principal: Principal):
        self.principal = principal
        self.region_names = {r.id: r.name for r in snapshot.regions}
        self.region_province = {r.id: r.province_id for r in snapshot.regions}
        self.region_by_name = {norm(r.name): r.id for r in snapshot.regions}
        self.municipality_region = {norm(m.cbs_code): m.region_id for m in snapshot.municipalities}
        by_id = {m.id: m.region_id for m in snapshot.municipalities}
        self.school_region = {norm(s.code): by_id.get(s.municipality_id) for s in snapshot.schools}
        boards = {b.id: b for b in snapshot.boards}
        self.school_board = {norm(s.code): (boards[s.board_id].number if s.board_id in boards else "")
                             for s in snapshot.schools}
        self.board_name = {b.number: b.name for b in snapshot.boards}
        school_by_id = {s.id: by_id.get(s.municipality_id) for s in snapshot.schools}
        self.organisations: dict[str, _Org] = {}
        org_name = {o.id: norm(o.name) for o in snapshot.organisations}
        for o in snapshot.organisations:
            self.organisations[norm(o.name)] = _Org(o.municipality_id is not None, by_id.get(o.municipality_id))
        for p in snapshot.partnerships:
            self.organisations[org_name[p.organisation_id]].served.add(school_by_id.get(p.school_id))
        self.new_organisations: dict[str, _Org] = {}
        self.running_schools: dict[str, list[int | None]] = defaultdict(list)

    # ------------------------------------------------------------ rules

    def mine(self) -> str:
        names = sorted(self.region_names.get(r, "?") for r in self.principal.region_ids)
        return ", ".join(names) or "geen"

    def may_read(self, region_id: int | None) -> bool:
        return can_read_region(self.principal, region_id, self.region_province.get(region_id)) \
            if region_id is not None else False

    def may_edit(self, region_id: int | None) -> bool:
        return can_edit_region(self.principal, region_id)

    def _outside(self, what: str, region_id: int | None) -> str:
        where = f"regio {self.region_names[region_id]}" if region_id in self.region_names else "geen regio"
        return f"{what} ligt in {where}; u mag alleen gegevens van uw eigen regio ({self.mine()}) wijzigen"

    def _unreadable(self, what: str) -> str:
        return f"{what}: {OUTSIDE} ({self.mine()}); deze regel is niet ingelezen"

    def _organisation_readable(self, org: _Org) -> bool:
        return (org.has_municipality and self.may_read(org.region)) or any(self.may_read(r) for r in org.served)

    def organisation_editable(self, name: str) -> bool:
        key = norm(name)
        if key in self.new_organisations:
            return True
        org = self.organisations.get(key)
        return org is not None and can_edit_organisation_at(self.principal, org.region, org.has_municipality,
                                                            org.served)

    # ------------------------------------------------------------ per row

    def check(self, sheet: str, row, *, exists: bool, changed: bool) -> None:
        """Add an error to a row the user may not import (see the module docstring)."""
        values = row.values
        if sheet in ("regios", "gemeenten"):
            self._check_area(sheet, row, exists=exists, changed=changed)
        elif sheet == "scholen":
            self._check_school(row, exists=exists, changed=changed)
        elif sheet in ("samenwerkingen", "trajecten", "fasen"):
            region = self.school_region.get(norm(values["school"]))
            if not self.may_edit(region):
                row.error("school", self._unreadable(f"school {values['school']}"))
            elif sheet == "samenwerkingen" and not exists:
                self._check_link(row, region)
        elif sheet == "tranches":
            region = self.region_by_name.get(norm(values["regio"]))
            if not can_edit_plans(self.principal, region):  # the planning's rule (services.planning.access)
                row.error("regio", self._unreadable(f"tranche {values['naam']} van regio {values['regio']}"))
        elif sheet == "organisaties":
            self._check_organisation(row, exists=exists, changed=changed)
        elif sheet == "contactpersonen":
            self._check_contact(row, exists=exists, changed=changed)

    @staticmethod
    def _check_area(sheet: str, row, *, exists: bool, changed: bool) -> None:
        column = row.sheet.spec.key[0]
        if changed or not exists:
            row.error(column, "alleen de beheerder mag regio's en gemeenten aanmaken of wijzigen")

    def _check_school(self, row, *, exists: bool, changed: bool) -> None:
        values = row.values
        code = norm(values["brin_vestiging"])
        if exists and not changed:
            return  # public register data: an unchanged row reveals nothing
        if exists and not self.may_edit(self.school_region.get(code)):
            row.error("brin_vestiging", self._outside(f"school {values['brin_vestiging']}",
                                                      self.school_region.get(code)))
            return
        if "gemeente_cbs" in values or not exists:
            target = self.municipality_region.get(norm(values.get("gemeente_cbs", "")))
            if not self.may_edit(target):
                row.error("gemeente_cbs", self._outside(f"gemeente {values.get('gemeente_cbs') or '(leeg)'}", target))
                return
            self.school_region[code] = target
        if can_change_boards(self.principal):
            return
        number = values.get("bestuur_nummer", self.school_board.get(code, ""))
        if number != (self.school_board.get(code, "") if exists else ""):
            row.error("bestuur_nummer", "alleen de beheerder koppelt een school aan een (ander) bestuur")
        elif values.get("bestuur_naam") and number and norm(values["bestuur_naam"]) != norm(
                self.board_name.get(number, "")):
            row.error("bestuur_naam", "alleen de beheerder wijzigt de naam van een bestuur")

    def _check_link(self, row, school_region: int | None) -> None:
        name = norm(row.values["organisatie"])
        org = self.new_organisations.get(name) or self.organisations.get(name)
        if org is not None and not can_link_organisation(self.principal, school_region, org.region,
                                                         org.has_municipality, org.served):
            row.error("organisatie", f"organisatie {row.values['organisatie']} kan niet aan school "
                                     f"{row.values['school']} worden gekoppeld: kies een organisatie uit de regio van "
                                     "de school (het formulier biedt dezelfde keuze)")

    def _check_organisation(self, row, *, exists: bool, changed: bool) -> None:
        values = row.values
        name = norm(values["naam"])
        cbs = values.get("gemeente_cbs")
        region = self.municipality_region.get(norm(cbs)) if cbs else None
        if exists:
            org = self.organisations[name]
            if not self._organisation_readable(org):
                row.error("naam", self._unreadable(f"organisatie {values['naam']}"))
            elif changed and not self.organisation_editable(values["naam"]):
                row.error("naam", self._not_yours(values["naam"], org))
            elif changed and "gemeente_cbs" in values and (bool(cbs), region) != (org.has_municipality, org.region) \
                    and not can_place_organisation(self.principal, region, bool(cbs)):
                row.error("gemeente_cbs", "kies een gemeente in uw regio")
            return
        if not can_place_organisation(self.principal, region, bool(cbs)):
            row.error("gemeente_cbs", "kies een gemeente in uw regio" if not cbs
                      else self._outside(f"gemeente {cbs}", region))
            return
        self.new_organisations[name] = _Org(bool(cbs), region)

    def _check_contact(self, row, *, exists: bool, changed: bool) -> None:
        name = norm(row.values["organisatie"])
        if name in self.new_organisations:
            return
        org = self.organisations.get(name)
        if org is None:
            return  # the planner reports the unknown organisation
        if not self._organisation_readable(org):
            row.error("organisatie", self._unreadable(f"organisatie {row.values['organisatie']}"))
        elif (changed or not exists) and not self.organisation_editable(row.values["organisatie"]):
            row.error("organisatie", self._not_yours(row.values["organisatie"], org))

    def _not_yours(self, name: str, org: _Org) -> str:
        """The forms' refusal (services.partnerships.not_yours_reason) for an organisation the user may read."""
        return not_yours_reason(name, self.region_names.get(org.region) if org.has_municipality else None)
