"""Which rows of an exchange import a user limited to some regions (a coordinator) may change.

A row that changes nothing is always fine (re-importing an export is harmless). A row that
creates or changes something must lie in one of the user's regions:

| sheet                                  | lies in                                                      |
|----------------------------------------|--------------------------------------------------------------|
| regios, gemeenten                      | never: region settings and municipalities are the beheerder's |
| scholen                                | the region of its municipality, before and after the change  |
| samenwerkingen, trajecten, fasen       | the region of the school                                     |
| tranches                               | its region                                                   |
| organisaties                           | new: its municipality's region (or none); existing: a region |
|                                        | it works in (its municipality or a school it partners with)  |
| contactpersonen                        | the organisation, as above (or one created in this file)     |

Refused rows get a Dutch reason on the column that places them; rows referring to them are
rejected by the planner as usual.
"""
from __future__ import annotations

from collections import defaultdict

from dataio.exchange_rows import StoredRows
from dataio.values import norm


class RegionGuard:
    def __init__(self, snapshot: StoredRows, region_ids: frozenset[int]):
        self.allowed = region_ids
        self.region_names = {r.id: r.name for r in snapshot.regions}
        self.region_by_name = {norm(r.name): r.id for r in snapshot.regions}
        self.municipality_region = {norm(m.cbs_code): m.region_id for m in snapshot.municipalities}
        by_id = {m.id: m.region_id for m in snapshot.municipalities}
        self.school_region = {norm(s.code): by_id.get(s.municipality_id) for s in snapshot.schools}
        school_by_id = {s.id: by_id.get(s.municipality_id) for s in snapshot.schools}
        self.organisation_regions: dict[str, set[int | None]] = defaultdict(set)
        org_name = {o.id: norm(o.name) for o in snapshot.organisations}
        for o in snapshot.organisations:
            self.organisation_regions[norm(o.name)].add(by_id.get(o.municipality_id))
        for p in snapshot.partnerships:
            self.organisation_regions[org_name[p.organisation_id]].add(school_by_id.get(p.school_id))
        self.new_organisations: set[str] = set()

    def mine(self) -> str:
        names = sorted(self.region_names.get(r, "?") for r in self.allowed)
        return ", ".join(names) or "geen"

    def _outside(self, what: str, region_id: int | None) -> str:
        where = f"regio {self.region_names[region_id]}" if region_id in self.region_names else "geen regio"
        return f"{what} ligt in {where}; u mag alleen gegevens van uw eigen regio ({self.mine()}) wijzigen"

    def check(self, sheet: str, row, *, exists: bool) -> None:
        """Add an error to a row that would change something outside the user's regions."""
        values = row.values
        if sheet in ("regios", "gemeenten"):
            row.error(row.sheet.spec.key[0], "alleen de beheerder mag regio's en gemeenten aanmaken of wijzigen")
        elif sheet == "scholen":
            code = norm(values["brin_vestiging"])
            if exists and self.school_region.get(code) not in self.allowed:
                row.error("brin_vestiging", self._outside(f"school {values['brin_vestiging']}",
                                                          self.school_region.get(code)))
                return
            if "gemeente_cbs" in values or not exists:
                target = self.municipality_region.get(norm(values.get("gemeente_cbs", "")))
                if target not in self.allowed:
                    row.error("gemeente_cbs", self._outside(f"gemeente {values.get('gemeente_cbs') or '(leeg)'}",
                                                            target))
                    return
                self.school_region[code] = target
        elif sheet in ("samenwerkingen", "trajecten", "fasen"):
            region = self.school_region.get(norm(values["school"]))
            if region not in self.allowed:
                row.error("school", self._outside(f"school {values['school']}", region))
        elif sheet == "tranches":
            region = self.region_by_name.get(norm(values["regio"]))
            if region not in self.allowed:
                row.error("regio", self._outside(f"tranche {values['naam']}", region))
        elif sheet == "organisaties":
            self._check_organisation(row, exists)
        elif sheet == "contactpersonen":
            name = norm(values["organisatie"])
            if name not in self.new_organisations and not self.organisation_regions[name] & self.allowed:
                row.error("organisatie", f"organisatie {values['organisatie']} werkt niet in uw regio "
                                         f"({self.mine()}); u mag haar contactpersonen niet wijzigen")

    def _check_organisation(self, row, exists: bool) -> None:
        name = norm(row.values["naam"])
        if exists:
            if not self.organisation_regions[name] & self.allowed:
                row.error("naam", f"organisatie {row.values['naam']} werkt niet in uw regio ({self.mine()}); "
                                  "vraag de beheerder deze organisatie te wijzigen")
            return
        cbs = row.values.get("gemeente_cbs")
        region = self.municipality_region.get(norm(cbs)) if cbs else None
        if cbs and region not in self.allowed:
            row.error("gemeente_cbs", self._outside(f"gemeente {cbs}", region))
            return
        self.new_organisations.add(name)
