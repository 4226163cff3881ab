"""The fictional demo: Maastricht-Heuvelland in detail plus the 12 municipalities of the VIOS study.

Region and municipality facts are real (seeds 000 and 004); schools, people and
certification histories are invented and named "(fictief)". All dates are relative
to `today`, so the demo always shows valid, expiring, expired, in-progress,
postponed, withdrawn, not-passed and never-started schools. Same `today`, same data.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from domain import clock
from domain.dates import add_months
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
from seed import demo_data as data
from seed import names
from seed.bulk import connection_for, ids_for, insert_rows, merge_keyed, refuse_if_schools, sync_sequences
from seed.geography import DEMO_MUNICIPALITIES, DEMO_REGIONS, PROVINCES, REGION_BY_NAME, MunicipalityInfo
from seed.history import Step, TrancheRef, backward, forward, school_history, until
from seed.network import make_contacts, school_partnerships

DEMO_SEED = 935  # fixed: the demo never depends on global random state
RECORDED_BY = "demo"
PUPILS = {"po": (120, 450), "vo": (450, 1800), "mbo": (1500, 6000), "so": (60, 180), "vso": (80, 250),
          "pro": (150, 350)}
TABLES = (Province, Region, Municipality, Board, School, Organisation, Contact, Partnership, Tranche, Trajectory,
          PhaseEvent)


def seed_demo(session: Session | Engine | Connection, *, today: date | None = None) -> dict[str, int]:
    """Load the demo into an empty database (no schools); returns inserted rows per table."""
    today = today or clock.today()
    with connection_for(session) as conn:
        refuse_if_schools(conn, "de demo")
        counts = _Demo(conn, random.Random(DEMO_SEED), today).run()
        sync_sequences(conn, [table_of(t) for t in TABLES])
    return counts


def tranche_start(today: date, months: int) -> date:
    """A tranche starts on the first of a month: the first one on or after today + months."""
    d = add_months(today, months)
    return d if d.day == 1 else add_months(d.replace(day=1), 1)


def tranche_name(number: int, start: date) -> str:
    season = "voorjaar" if start.month <= 6 else "najaar"
    return f"Tranche {number} ({season} {start.year})"


class _Demo:
    def __init__(self, conn: Connection, rng: random.Random, today: date) -> None:
        self.conn, self.rng, self.today = conn, rng, today
        self.counts: dict[str, int] = {}
        self.municipalities = {m.name: m for m in DEMO_MUNICIPALITIES}
        self.by_code = {m.code: m for m in DEMO_MUNICIPALITIES}

    def run(self) -> dict[str, int]:
        self._geography()
        self._boards()
        self._schools()
        self._certification()
        self._network()
        return self.counts

    def _merge(self, model: type[SQLModel], key: str, rows: list[dict]) -> dict:
        ids, inserted = merge_keyed(self.conn, table_of(model), key, rows)
        self.counts[table_of(model).name] = inserted
        return ids

    def _insert(self, model: type[SQLModel], rows: list[dict]) -> None:
        self.counts[table_of(model).name] = insert_rows(self.conn, table_of(model), rows)

    def _geography(self) -> None:
        used = {r.province for r in DEMO_REGIONS}
        self.province_ids = self._merge(Province, "name", [{"name": p.name} for p in PROVINCES if p.name in used])
        self.region_ids = self._merge(Region, "name", [
            {"name": r.name, "province_id": self.province_ids[r.province], "validity_months": r.validity_months,
             "expiring_window_months": r.expiring_window_months,
             "required_partner_types": list(r.required_partner_types), "expected_months_min": 6,
             "expected_months_max": 8, "audit_capacity_per_quarter": r.audit_capacity_per_quarter}
            for r in DEMO_REGIONS])
        rows = [{"cbs_code": m.code, "name": m.name, "region_id": self.region_ids[m.region],
                 "province_id": self.province_ids[REGION_BY_NAME[m.region].province], "approach_model": m.model,
                 "approach_phase": m.phase, "approach_phase_since": m.since, "elements": list(m.elements),
                 "reach": m.reach} for m in DEMO_MUNICIPALITIES]
        self.municipality_ids = self._merge(Municipality, "cbs_code", rows)
        # municipalities an earlier import created without a region join their demo region
        table = table_of(Municipality)
        for row in rows:
            self.conn.execute(update(table).where(table.c.cbs_code == row["cbs_code"], table.c.region_id.is_(None))
                              .values(region_id=row["region_id"]))

    def _boards(self) -> None:
        self.board_ids = self._merge(Board, "number", [{"number": n, "name": name} for n, name, _, _ in data.BOARDS])

    def _board_for(self, sector: str, region: str) -> int:
        for number, _, sectors, regions in data.BOARDS:
            if sector in sectors and (region in regions or "*" in regions):
                return self.board_ids[number]
        raise LookupError(sector)  # every sector has a catch-all board

    def _schools(self) -> None:
        """School rows plus, per school, its region and scripted story (None: generic history)."""
        plan: list[tuple[MunicipalityInfo, str, data.Story | None, int | None]] = []
        for town, sector, script in data.MH_SCHOOLS:
            plan.append((self.municipalities[town], sector, script, None))
        for town, sector, script, months in data.MH_CLOSED:
            plan.append((self.municipalities[town], sector, script, months))
        for m in DEMO_MUNICIPALITIES:
            for sector, count in m.demo_schools.items():
                plan += [(m, sector, None, None)] * count
        for town, sector, months in data.OTHER_CLOSED:
            plan.append((self.municipalities[town], sector, [], months))

        rng, ids = self.rng, ids_for(self.conn, table_of(School))
        institutions = rng.sample(range(names.INSTITUTION_CODES), len(plan))
        self.schools: list[dict] = []
        self.stories: dict[int, list | None] = {}
        previous: dict | None = None
        for index, (m, sector, story, closed_months) in enumerate(plan):
            if previous and previous["sector"] == sector == "vo" and previous["municipality_id"] == \
                    self.municipality_ids[m.code] and rng.random() < 0.3:
                code = previous["code"][:4] + f"{int(previous['code'][4:]) + 1:02d}"  # second location
            else:
                code = names.institution_code(institutions[index]) + "00"
            town = rng.choice(data.TOWNS.get(m.name, (m.name,)))
            place = m.name if town.startswith("'s") else town  # "Den Haag" reads better in a name
            lat, lon = names.jitter(rng, m.lat, m.lon, 0.012)
            row = {
                "id": ids.next(), "code": code, "name": names.school_name(rng, sector, place),
                "sector": sector, "municipality_id": self.municipality_ids[m.code],
                "board_id": self._board_for(sector, m.region), "street": rng.choice(names.STREETS),
                "house_number": str(rng.randint(1, 180)),
                "postcode": names.postcode(rng, rng.choice(m.postcodes)),
                "city": town, "phone": names.landline(rng, m.phone_area),
                "website": "", "denomination": rng.choice(names.DENOMINATIONS), "latitude": lat, "longitude": lon,
                "pupils": rng.randint(*PUPILS[sector]), "active": closed_months is None,
                "inactive_since": add_months(self.today, -closed_months) if closed_months else None,
                "_region": m.region, "_code": m.code,
            }
            row["website"] = f"https://www.{names.slug(row['name'].split(' (')[0])}.voorbeeld.nl"
            self.schools.append(row)
            self.stories[row["id"]] = story
            previous = row
        self._insert(School, [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.schools])

    def _network(self) -> None:
        rng = self.rng
        orgs: list[tuple[str, str, tuple[str, ...], int]] = [
            ("gemeente", f"Gemeente {m.name}", (m.code,), 2) for m in DEMO_MUNICIPALITIES]
        orgs += list(data.ORGANISATIONS)
        org_ids = self._merge(Organisation, "name", [
            {"name": name, "type": kind,
             "municipality_id": self.municipality_ids[area[0]] if area[0] in self.by_code and len(area) == 1 else None}
            for kind, name, area, _ in orgs])
        contact_ids = ids_for(self.conn, table_of(Contact))
        contacts: list[dict] = []
        people: dict[int, list[int]] = {}
        for kind, name, _, count in orgs:
            rows = make_contacts(rng, contact_ids, org_ids[name], kind, count)
            people[org_ids[name]] = [r["id"] for r in rows]
            contacts += rows
        self._insert(Contact, contacts)

        partnership_ids = ids_for(self.conn, table_of(Partnership))
        edges: list[dict] = []
        for school in self.schools:
            region = REGION_BY_NAME[school["_region"]]
            candidates: dict[str, list[int]] = {}
            for kind, name, area, _ in orgs:
                if school["_code"] in area or school["_region"] in area:
                    candidates.setdefault(kind, []).append(org_ids[name])
            since = self.by_code[school["_code"]].since or date(2019, 1, 1)
            since = max(since, add_months(self.today, -60))
            rows = school_partnerships(rng, partnership_ids, school["id"], candidates, people,
                                       region.required_partner_types, region.optional_partner_types, since,
                                       self.today, engaged=school["id"] in self.engaged)
            if school["inactive_since"]:
                rows = _clip(rows, school["inactive_since"])
            edges += rows
        self._insert(Partnership, edges)

    def _certification(self) -> None:
        rng, today = self.rng, self.today
        tranche_ids = ids_for(self.conn, table_of(Tranche))
        tranches: dict[str, list[TrancheRef]] = {}
        capacity: dict[int, int] = {}
        for region in DEMO_REGIONS:
            offsets: Sequence[tuple[int, int]]
            if region.name == "Maastricht-Heuvelland":
                offsets = data.MH_TRANCHES
            else:
                offsets = [(m, 0) for m in data.REGION_TRANCHES[region.name]]
            refs = []
            for number, (months, cap) in enumerate(offsets, start=1):
                start = tranche_start(today, months)
                ref = TrancheRef(tranche_ids.next(), start, tranche_name(number, start))
                refs.append(ref)
                capacity[ref.id] = cap
            tranches[region.name] = refs

        planned: list[tuple[int, int, int, list[Step]]] = []  # school, tranche, cycle, steps
        for school in self.schools:
            region = school["_region"]
            story = self.stories[school["id"]]
            if story is not None:
                for cycle, (number, how) in enumerate(story, start=1):
                    ref = tranches[region][number - 1]
                    recert = any(h == "done" or h == "not_passed" for _, h in story[:cycle - 1])
                    if how.startswith("now:"):
                        steps = backward(rng, ref.start, how[4:], ref.name, today, recert=recert)
                    else:
                        steps = until(forward(rng, ref.start, how, ref.name, recert=recert), today)
                    planned.append((school["id"], ref.id, cycle, steps))
            elif school["active"] and rng.random() < data.PARTICIPATION[school["sector"]]:
                refs = tranches[region]
                first = rng.randrange(len(refs))
                for trajectory in school_history(rng, refs, first, REGION_BY_NAME[region].validity_months, today):
                    planned.append((school["id"], trajectory.tranche_id, trajectory.cycle, trajectory.steps))

        used: dict[int, int] = {}
        for _, tranche_id, _, _ in planned:
            used[tranche_id] = used.get(tranche_id, 0) + 1
        self._insert(Tranche, [
            {"id": ref.id, "region_id": self.region_ids[region], "name": ref.name, "start_on": ref.start,
             "capacity": capacity[ref.id] or max(6, used.get(ref.id, 0) + rng.randint(0, 3))}
            for region, refs in tranches.items() for ref in refs])

        trajectory_ids = ids_for(self.conn, table_of(Trajectory))
        event_ids = ids_for(self.conn, table_of(PhaseEvent))
        trajectories, events = [], []
        for school_id, tranche_id, cycle, steps in planned:
            trajectory_id = trajectory_ids.next()
            trajectories.append({"id": trajectory_id, "school_id": school_id, "tranche_id": tranche_id,
                                 "cycle": cycle})
            events += event_rows(event_ids, trajectory_id, steps, RECORDED_BY)
        self._insert(Trajectory, trajectories)
        self._insert(PhaseEvent, events)
        self.engaged = {school_id for school_id, *_ in planned}


def event_rows(ids, trajectory_id: int, steps: list[Step], recorded_by: str) -> list[dict]:
    """Phase event rows, recorded on the event date (aware UTC: the column type demands a timezone)."""
    return [{"id": ids.next(), "trajectory_id": trajectory_id, "phase": s.phase, "on": s.on, "note": s.note,
             "recorded_by": recorded_by, "recorded_at": datetime.combine(s.on, time(9, i), tzinfo=UTC)}
            for i, s in enumerate(steps)]


def _clip(rows: list[dict], closed_on: date) -> list[dict]:
    """A closed school's partnerships end when it closes."""
    kept = []
    for row in rows:
        if row["start_on"] >= closed_on:
            continue
        if row["end_on"] is None or row["end_on"] > closed_on:
            row = {**row, "end_on": closed_on}
        kept.append(row)
    return kept
