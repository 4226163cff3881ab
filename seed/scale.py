"""A deterministic national-size test set: 12 provinces, 342 municipalities, ~8,000 schools.

The real demo municipalities keep their names and CBS codes; the others are
"Gemeente <n> (fictief)" with codes GM9001... Everything is inserted with Core
bulk inserts and self-assigned ids (no ORM object per row, no per-row query), so a
full set loads in seconds on SQLite and works unchanged on PostgreSQL.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from domain import clock
from domain.dates import add_months
from domain.vocab import APPROACH_ELEMENTS, ORGANISATION_TYPES
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
from seed import names
from seed.bulk import connection_for, ids_for, insert_rows, merge_keyed, refuse_if_schools, sync_sequences
from seed.demo import PUPILS, TABLES, event_rows, tranche_name
from seed.geography import DEMO_MUNICIPALITIES, DEMO_REGIONS, PROVINCES, REGION_BY_NAME
from seed.history import TrancheRef, school_history
from seed.network import make_contacts, school_partnerships

RECORDED_BY = "testset"
NATIONAL_SECTORS = {"po": 6100, "vo": 1450, "mbo": 250, "so": 90, "vso": 70, "pro": 40}  # of 8,000
LOCATIONS_PER_INSTITUTION = {"po": 1.05, "vo": 2.2, "mbo": 4.0, "so": 1.2, "vso": 1.2, "pro": 1.1}
# Share of schools in a covenant region that take part (about half of all schools nationally).
PARTICIPATION = {"vo": 0.9, "mbo": 0.8, "pro": 0.8, "vso": 0.8, "po": 0.68, "so": 0.6}
# Rough relative size of the real municipalities (share of the country's schools).
REAL_WEIGHTS = {"GM0363": 45, "GM0599": 40, "GM0518": 35, "GM0772": 14, "GM0014": 14, "GM0202": 11,
                "GM0193": 9, "GM0479": 9, "GM0935": 8, "GM0546": 7, "GM0503": 6, "GM0917": 6, "GM1916": 5}
CORE = ("gemeente", "politie", "leerplicht")
EXTRA_CORE = ("halt", "ggd", "jeugdzorg", "jongerenwerk")
MUNICIPAL_TYPES = ("gemeente", "politie", "leerplicht", "jongerenwerk", "handhaving", "sociaal_wijkteam", "overig")
PROVINCIAL_TYPES = {"provincie": 1, "halt": 1, "veilig_thuis": 2, "ggd": 2, "jeugdzorg": 4, "jeugdreclassering": 2,
                    "verslavingszorg": 2, "schoolveiligheidscoordinator": 2}
ORG_PREFIX = {"politie": "Politie basisteam", "leerplicht": "Leerplicht", "jongerenwerk": "Jongerenwerk",
              "handhaving": "Handhaving", "sociaal_wijkteam": "Sociaal wijkteam", "overig": "Buurtbemiddeling",
              "straatcoaches": "Straatcoaches", "halt": "Halt", "veilig_thuis": "Veilig Thuis", "ggd": "GGD",
              "jeugdzorg": "Jeugdzorg", "jeugdreclassering": "Jeugdreclassering", "verslavingszorg": "Verslavingszorg",
              "schoolveiligheidscoordinator": "Schoolveiligheidsbureau", "provincie": "Provincie"}
_PARTS = ("Noord", "Zuid", "Oost", "West", "Midden")


@dataclass
class Place:
    id: int
    code: str
    name: str
    city: str
    province: str
    region: str | None
    lat: float
    lon: float
    postcode: int
    area: str
    weight: float


def seed_scale(session_or_engine: Session | Engine | Connection, *, schools: int = 8000, seed: int = 1,
               today: date | None = None) -> dict[str, int]:
    """Load the national test set into a database without schools; returns inserted rows per table."""
    today = today or clock.today()
    if not 0 <= schools <= 60000:  # the 4-character institution codes run out beyond this
        raise ValueError("Het aantal scholen moet tussen 0 en 60.000 liggen.")
    with connection_for(session_or_engine) as conn:
        refuse_if_schools(conn, "de landelijke testset")
        counts = _Scale(conn, random.Random(seed), today, schools).run()
        sync_sequences(conn, [table_of(t) for t in TABLES])
    return counts


def sector_counts(total: int) -> dict[str, int]:
    """The national sector mix scaled to total; rounding differences go to po."""
    counts = {s: round(n * total / 8000) for s, n in NATIONAL_SECTORS.items() if s != "po"}
    counts["po"] = max(0, total - sum(counts.values()))
    return counts


class _Scale:
    def __init__(self, conn: Connection, rng: random.Random, today: date, schools: int) -> None:
        self.conn, self.rng, self.today, self.n_schools = conn, rng, today, schools
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        self._geography()
        self._schools()
        self._organisations()
        self._certification()
        self._partnerships()
        return self.counts

    def _insert(self, model: type[SQLModel], rows: list[dict]) -> None:
        self.counts[table_of(model).name] = insert_rows(self.conn, table_of(model), rows)

    def _merge(self, model: type[SQLModel], key: str, rows: list[dict]) -> dict:
        ids, inserted = merge_keyed(self.conn, table_of(model), key, rows)
        self.counts[table_of(model).name] = inserted
        return ids

    # --- geography -------------------------------------------------------------------------
    def _geography(self) -> None:
        rng = self.rng
        self.province_ids = self._merge(Province, "name", [{"name": p.name} for p in PROVINCES])
        real_by_province: dict[str, list] = {}
        for m in DEMO_MUNICIPALITIES:
            real_by_province.setdefault(REGION_BY_NAME[m.region].province, []).append(m)
        places: list[Place] = []
        fictional: dict[str, list[Place]] = {}
        number = 0
        for p in PROVINCES:
            for m in real_by_province.get(p.name, []):
                places.append(Place(0, m.code, m.name, m.name, p.name, m.region, m.lat, m.lon, m.postcodes[0],
                                    m.phone_area, REAL_WEIGHTS.get(m.code, 2.5)))
            for _ in range(p.municipalities - len(real_by_province.get(p.name, []))):
                number += 1
                lat, lon = names.jitter(rng, p.lat, p.lon, 0.3)
                place = Place(0, f"GM9{number:03d}", f"Gemeente {number} (fictief)", f"Plaats {number}", p.name,
                              None, lat, lon, rng.choice(p.postcode_prefixes) * 100 + rng.randint(0, 90),
                              p.phone_area, round(rng.lognormvariate(0, 0.7) * 2.5, 3))
                places.append(place)
                fictional.setdefault(p.name, []).append(place)
        regions = [self._region_row(r.name, r.province, r.validity_months, r.expiring_window_months,
                                    list(r.required_partner_types), r.audit_capacity_per_quarter)
                   for r in DEMO_REGIONS]
        self.optional = {r.name: list(r.optional_partner_types) for r in DEMO_REGIONS}
        fictional_total = sum(len(v) for v in fictional.values())
        for p in PROVINCES:
            pool = fictional.get(p.name, [])
            rng.shuffle(pool)
            wanted = max(1, round(29 * len(pool) / fictional_total))
            for k in range(1, wanted + 1):
                size = rng.randint(4, 8)
                if len(pool) < 4:
                    break
                group, pool = pool[:size], pool[size:]
                name = f"Regio {p.name} {k} (fictief)"
                required = list(CORE) + rng.sample(EXTRA_CORE, rng.randint(2, 3))
                regions.append(self._region_row(name, p.name, rng.choice((24, 24, 36)), rng.choice((6, 6, 3)),
                                                required, rng.randint(4, 12)))
                self.optional[name] = [t for t in ("halt", "ggd", "jeugdzorg", "jongerenwerk", "veilig_thuis",
                                                   "sociaal_wijkteam", "handhaving") if t not in required]
                for place in group:
                    place.region = name
        self.region_rows = {r["name"]: r for r in regions}
        self.region_ids = self._merge(Region, "name", regions)
        self.places = sorted(places, key=lambda pl: pl.code)
        rows = [self._municipality_row(pl) for pl in self.places]
        ids = self._merge(Municipality, "cbs_code", rows)
        for pl in self.places:
            pl.id = ids[pl.code]

    def _region_row(self, name, province, validity, window, required, capacity) -> dict:
        return {"name": name, "province_id": self.province_ids[province], "validity_months": validity,
                "expiring_window_months": window, "required_partner_types": required, "expected_months_min": 6,
                "expected_months_max": 8, "audit_capacity_per_quarter": capacity}

    def _municipality_row(self, pl: Place) -> dict:
        real = next((m for m in DEMO_MUNICIPALITIES if m.code == pl.code), None)
        row = {"cbs_code": pl.code, "name": pl.name, "province_id": self.province_ids[pl.province],
               "region_id": self.region_ids[pl.region] if pl.region else None}
        if real:
            return {**row, "approach_model": real.model, "approach_phase": real.phase,
                    "approach_phase_since": real.since, "elements": list(real.elements), "reach": real.reach}
        rng = self.rng
        if pl.region:
            model = rng.choices(("arnhem", "amsterdam", "delft", "rotterdam", "eigen"), (3, 1, 2, 2, 4))[0]
            phase = rng.choices(("uitvoering", "plan"), (4, 1))[0]
            since: date | None = date(rng.randint(2016, 2024), rng.randint(1, 12), 1)
            elements = sorted(rng.sample(sorted(APPROACH_ELEMENTS), rng.randint(2, 6)))
            reach = rng.choice(("Alle vo-scholen en het mbo.", "Vo-scholen in aandachtswijken.",
                                "Alle scholen voor po en vo.", "Vo en mbo; po sluit aan."))
        else:
            model, phase = "geen", rng.choices(("geen", "verkenning"), (3, 1))[0]
            since = date(rng.randint(2023, 2025), rng.randint(1, 12), 1) if phase != "geen" else None
            elements, reach = [], ""
        return {**row, "approach_model": model, "approach_phase": phase, "approach_phase_since": since,
                "elements": elements, "reach": reach}

    # --- schools and boards ----------------------------------------------------------------
    def _schools(self) -> None:
        rng = self.rng
        weights = [pl.weight for pl in self.places]
        heavy = [w ** 1.3 for w in weights]  # secondary and vocational schools gather in towns
        planned: list[tuple[str, Place]] = []
        for sector, count in sector_counts(self.n_schools).items():
            chosen = rng.choices(self.places, weights if sector in ("po", "so") else heavy, k=count)
            planned += sorted(((sector, pl) for pl in chosen), key=lambda sp: sp[1].code)
        boards, _ = self._boards(planned)
        institutions = iter(rng.sample(range(names.INSTITUTION_CODES), min(len(planned), names.INSTITUTION_CODES)))
        ids = ids_for(self.conn, table_of(School))
        self.schools: list[dict] = []
        self.school_place: dict[int, Place] = {}
        previous: dict | None = None
        for sector, pl in planned:
            if previous is not None and previous["sector"] == sector and int(previous["code"][4:]) < 99 and \
                    rng.random() > 1 / LOCATIONS_PER_INSTITUTION[sector]:  # a second location of the institution
                code = previous["code"][:4] + f"{int(previous['code'][4:]) + 1:02d}"
            else:
                code = names.institution_code(next(institutions)) + "00"
            closed = rng.random() < 0.015
            lat, lon = names.jitter(rng, pl.lat, pl.lon, 0.03)
            row = {"id": ids.next(), "code": code, "name": names.school_name(rng, sector, pl.city), "sector": sector,
                   "municipality_id": pl.id, "board_id": rng.choice(boards[(pl.province, _board_group(sector))]),
                   "street": rng.choice(names.STREETS), "house_number": str(rng.randint(1, 250)),
                   "postcode": names.postcode(rng, pl.postcode + rng.randint(0, 9)), "city": pl.city,
                   "phone": names.landline(rng, pl.area), "website": "",
                   "denomination": rng.choice(names.DENOMINATIONS), "latitude": lat, "longitude": lon,
                   "pupils": rng.randint(*PUPILS[sector]), "active": not closed,
                   "inactive_since": self.today - timedelta(days=rng.randint(30, 1800)) if closed else None}
            self.schools.append(row)
            self.school_place[row["id"]] = pl
            previous = row
        self._insert(School, self.schools)

    def _boards(self, planned: list[tuple[str, Place]]) -> tuple[dict, list[dict]]:
        """Boards per province and sector group (po/so, vo/vso/pro, mbo), about 7 schools each."""
        per_group: dict[tuple[str, str], int] = {}
        for sector, pl in planned:
            key = (pl.province, _board_group(sector))
            per_group[key] = per_group.get(key, 0) + 1
        ids = ids_for(self.conn, table_of(Board))
        kind = {"po": "Primair Onderwijs", "vo": "Voortgezet Onderwijs", "mbo": "Beroepsonderwijs"}
        boards: dict[tuple[str, str], list[int]] = {}
        rows: list[dict] = []
        for (province, group), count in sorted(per_group.items()):
            for _ in range(max(1, round(count / (7 if group == "po" else 4)))):
                board_id = ids.next()
                rows.append({"id": board_id, "number": f"{80000 + board_id}",
                             "name": f"Stichting {kind[group]} {self.rng.choice(names.SCHOOL_STEMS)} {board_id} "
                                     f"(fictief)"})
                boards.setdefault((province, group), []).append(board_id)
        self.counts["board"] = insert_rows(self.conn, table_of(Board), rows)
        return boards, rows

    # --- organisations, contacts, partnerships ------------------------------------------------
    def _organisations(self) -> None:
        rng = self.rng
        ids = ids_for(self.conn, table_of(Organisation))
        rows: list[dict] = []
        self.local: dict[int, dict[str, list[int]]] = {}
        self.provincial: dict[str, dict[str, list[int]]] = {}

        def add(kind: str, name: str, municipality_id: int | None, target: dict) -> None:
            org_id = ids.next()
            rows.append({"id": org_id, "name": name, "type": kind, "municipality_id": municipality_id})
            target.setdefault(kind, []).append(org_id)

        for pl in self.places:
            local = self.local.setdefault(pl.id, {})
            town = pl.name.removeprefix("Gemeente ")
            for kind in MUNICIPAL_TYPES:
                extra = 1 + (min(4, int(pl.weight // 6)) if kind in ("politie", "sociaal_wijkteam") else 0)
                for k in range(extra):
                    suffix = f" {_PARTS[k]}" if extra > 1 else ""
                    name = f"Gemeente {town}" if kind == "gemeente" else f"{ORG_PREFIX[kind]} {town}{suffix}"
                    add(kind, name, pl.id, local)
            if pl.weight > 3.5:
                add("straatcoaches", f"Straatcoaches {town}", pl.id, local)
        for p in PROVINCES:
            target = self.provincial.setdefault(p.name, {})
            for kind, count in PROVINCIAL_TYPES.items():
                for k in range(count):
                    suffix = f" {_PARTS[k]}" if count > 1 else ""
                    add(kind, f"{ORG_PREFIX[kind]} {p.name}{suffix}", None, target)
        assert {r["type"] for r in rows} == set(ORGANISATION_TYPES)  # all types present
        self._insert(Organisation, rows)
        contact_ids = ids_for(self.conn, table_of(Contact))
        contacts: list[dict] = []
        self.people: dict[int, list[int]] = {}
        for org in rows:
            made = make_contacts(rng, contact_ids, org["id"], org["type"], rng.randint(1, 3))
            self.people[org["id"]] = [c["id"] for c in made]
            contacts += made
        self._insert(Contact, contacts)

    def _partnerships(self) -> None:
        rng, today = self.rng, self.today
        ids = ids_for(self.conn, table_of(Partnership))
        edges: list[dict] = []
        for school in self.schools:
            pl = self.school_place[school["id"]]
            candidates = {**self.provincial[pl.province], **self.local[pl.id]}
            if pl.region:
                required = self.region_rows[pl.region]["required_partner_types"]
                optional = self.optional[pl.region]
            else:  # no covenant: a thinner, informal network
                required, optional = list(CORE), ["jongerenwerk", "ggd", "halt", "sociaal_wijkteam", "handhaving"]
            rows = school_partnerships(rng, ids, school["id"], candidates, self.people, required, optional,
                                       date(2016, 1, 1), today, optional_chance=0.7,
                                       engaged=school["id"] in self.engaged)
            if school["inactive_since"]:
                rows = [{**r, "end_on": min(r["end_on"] or school["inactive_since"], school["inactive_since"])}
                        for r in rows if r["start_on"] < school["inactive_since"]]
            edges += rows
        self._insert(Partnership, edges)

    # --- tranches, trajectories, events -------------------------------------------------------
    def _certification(self) -> None:
        rng, today = self.rng, self.today
        tranche_ids = ids_for(self.conn, table_of(Tranche))
        horizon = add_months(today, 12)
        tranches: dict[str, list[TrancheRef]] = {}
        for name in self.region_rows:
            year = rng.randint(2019, 2023)
            refs: list[TrancheRef] = []
            start = date(year, rng.choice((2, 3)), 1)
            while start <= horizon:
                refs.append(TrancheRef(tranche_ids.next(), start, tranche_name(len(refs) + 1, start)))
                start = add_months(start, 6 if rng.random() < 0.8 else 12)
            tranches[name] = refs
        planned = []
        for school in self.schools:
            pl = self.school_place[school["id"]]
            if not pl.region or not school["active"] or rng.random() >= PARTICIPATION[school["sector"]]:
                continue
            refs = tranches[pl.region]
            # first tranche: one that has started or opens for registration within 3 months
            eligible = sum(1 for ref in refs if ref.start <= add_months(today, 3))
            if not eligible:
                continue
            first = rng.randrange(eligible)
            validity = self.region_rows[pl.region]["validity_months"]
            for t in school_history(rng, refs, first, validity, today):
                planned.append((school["id"], t))
        used: dict[int, int] = {}
        for _, t in planned:
            used[t.tranche_id] = used.get(t.tranche_id, 0) + 1
        self._insert(Tranche, [
            {"id": ref.id, "region_id": self.region_ids[name], "name": ref.name, "start_on": ref.start,
             "capacity": max(5, -(-used.get(ref.id, 0) // 5) * 5 + (5 if ref.start > today else 0))}
            for name, refs in tranches.items() for ref in refs])
        trajectory_ids, event_ids = ids_for(self.conn, table_of(Trajectory)), ids_for(self.conn, table_of(PhaseEvent))
        trajectories, events = [], []
        for school_id, t in planned:
            trajectory_id = trajectory_ids.next()
            trajectories.append({"id": trajectory_id, "school_id": school_id, "tranche_id": t.tranche_id,
                                 "cycle": t.cycle})
            events += event_rows(event_ids, trajectory_id, t.steps, RECORDED_BY)
        self._insert(Trajectory, trajectories)
        self._insert(PhaseEvent, events)
        self.engaged = {school_id for school_id, _ in planned}


def _board_group(sector: str) -> str:
    return {"po": "po", "so": "po", "mbo": "mbo"}.get(sector, "vo")
