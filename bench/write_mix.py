"""The write mix of bench/load_timing.py (--writers N): N coordinators of one region record phases
('Certificering' > Vastleggen) and edit partnerships ('Netwerk' > Wijzigen) through the real callbacks,
on a few shared schools and partnerships so that they collide, while the other users read.

A collision must be refused (the form's version or the history it showed is stale), never lost or doubled.
After the run the database is checked: every phase event the writers were told was recorded is there
exactly once (no duplicate, none missing), no trajectory holds the same phase twice in a row from them, and
every partnership's version rose by exactly the number of saves that were confirmed (no lost update).
"""
from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from bench.live import User, location_values

PASSWORD = "Wr1t-Mx9q-Lp4z-Kv6s"
REGION = "Maastricht-Heuvelland"
ON = "2026-11-23"  # the phases are recorded on today of the benchmark (bench/load_timing.TODAY)
TARGETS = 6  # schools and partnerships shared by the writers: few, so they collide
# Schools in these phases can take next phases for ever: improvement > audit > not passed > improvement ...
LOOPING = ("registered", "intake", "improvement", "audit", "not_passed")


@dataclass
class Targets:
    region_key: str
    schools: list[str]  # codes of schools with a trajectory that can take a next phase
    partnerships: list[tuple[int, str, int]]  # (partnership id, school code, version before)


@dataclass
class WriteResults:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter[str] = field(default_factory=Counter)  # "<action> <saved|refused|error>"
    recorded: list[tuple[str, str, str]] = field(default_factory=list)  # (writer, school code, phase)
    saved_edits: Counter[int] = field(default_factory=Counter)  # partnership id -> confirmed saves
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, seconds: float, outcome: str, what: str = "") -> None:
        with self.lock:
            self.times[action].append(seconds)
            self.outcomes[f"{action} {outcome}"] += 1
            if outcome == "error" and len(self.samples) < 5:
                self.samples.append(f"{action}: {what[:200]}")


def writer_names(count: int) -> list[str]:
    return [f"load-coord-{i + 1}" for i in range(count)]


def seed_writers(url: str, count: int) -> Targets:
    """The writers (coordinators of REGION) and the schools and partnerships they will share."""
    from sqlmodel import col, select

    from models import Municipality, Partnership, PhaseEvent, Region, School, Trajectory
    from models.db import make_engine, session_scope
    from services import auth

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            region = session.exec(select(Region).where(Region.name == REGION)).one()
            assert region.id is not None
            for name in writer_names(count):
                auth.create_user(session, username=name, role="coordinator", password=PASSWORD,
                                 display_name=f"Schrijver {name}", actor="bench")
                auth.assign_scope(session, name, actor="bench", region_id=region.id)
            last: dict[str, str] = {}  # school code -> the phase of its newest event
            for code, phase in session.exec(
                    select(School.code, PhaseEvent.phase).join(Trajectory, col(Trajectory.school_id) == col(School.id))
                    .join(PhaseEvent, col(PhaseEvent.trajectory_id) == col(Trajectory.id))
                    .join(Municipality, col(Municipality.id) == col(School.municipality_id))
                    .where(col(Municipality.region_id) == region.id)
                    .order_by(col(Trajectory.cycle), col(PhaseEvent.on), col(PhaseEvent.id))).all():
                last[code] = phase
            schools = sorted(code for code, phase in last.items() if phase in LOOPING)[:TARGETS]
            rows = session.exec(select(Partnership, School.code).join(School, col(Partnership.school_id) == School.id)
                                .join(Municipality, col(Municipality.id) == col(School.municipality_id))
                                .where(col(Municipality.region_id) == region.id, col(Partnership.end_on).is_(None))
                                .order_by(col(Partnership.id)).limit(TARGETS)).all()
            partnerships = [(p.id, code, p.version) for p, code in rows if p.id is not None]
            return Targets(f"r{region.id}", schools, partnerships)
    finally:
        engine.dispose()


def _dependency(user: User, first_input: str) -> dict[str, Any]:
    return next(d for d in user.dependencies()
                if d["inputs"] and f"{d['inputs'][0]['id']}.{d['inputs'][0]['property']}" == first_input)


def _call(user: User, first_input: str, values: dict[str, Any], search: str) -> tuple[int, dict[str, Any]]:
    """Post the callback fired by `first_input` with these values (others None), as the renderer does."""
    from bench.live import output_specs

    dependency = _dependency(user, first_input)
    known = {**location_values("/", user.base_url, search), **values}

    def item(spec: dict[str, Any]) -> dict[str, Any]:
        return {"id": spec["id"], "property": spec["property"], "value": known.get(f"{spec['id']}.{spec['property']}")}

    outputs = output_specs(dependency)
    payload = {"output": dependency["output"], "outputs": outputs if dependency["output"].startswith("..")
               else outputs[0], "inputs": [item(s) for s in dependency["inputs"]],
               "state": [item(s) for s in dependency["state"]], "changedPropIds": [first_input]}
    response = user.post_callback(payload)
    if response.status_code == 204:
        return 204, {}
    body = response.json() if response.status_code == 200 else {}
    return response.status_code, body.get("response", {})


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def record_phase(user: User, name: str, targets: Targets, results: WriteResults) -> None:
    """Choose a school in the grid, take the next phase offered, press Vastleggen."""
    code = random.choice(targets.schools)
    search = f"?gebied={targets.region_key}"
    started = time.perf_counter()
    try:
        status, chosen = _call(user, "cert-grid.selectedRows", {"cert-grid.selectedRows": [{"code": code}]}, search)
        options = chosen.get("cert-action", {}).get("options") or []
        action = next((o["value"] for o in options if o["value"] == "next"), None)
        if status != 200 or action is None:
            results.add("fase vastleggen", time.perf_counter() - started, "error" if status != 200 else "refused",
                        f"{status} {_text(chosen)}")
            return
        seen = chosen.get("cert-seen", {}).get("data")
        status, form = _call(user, "cert-action.value", {"cert-action.value": action,
                                                          "cert-grid.selectedRows": [{"code": code}]}, search)
        phases = form.get("cert-phase", {}).get("options") or []
        if status != 200 or not phases:
            results.add("fase vastleggen", time.perf_counter() - started, "error" if status != 200 else "refused",
                        f"{status} {_text(form)}")
            return
        values = [o["value"] for o in phases]
        phase = "not_passed" if "not_passed" in values else values[0]  # round and round, never certified
        status, done = _call(user, "cert-record.n_clicks", {
            "cert-record.n_clicks": 1, "cert-grid.selectedRows": [{"code": code}], "cert-action.value": action,
            "cert-phase.value": phase, "cert-date.date": ON, "cert-note.value": f"belasting {name}",
            "cert-seen.data": seen}, search)
    except Exception as exc:
        results.add("fase vastleggen", time.perf_counter() - started, "error", repr(exc))
        return
    message = _text(done.get("cert-message", {}))
    seconds = time.perf_counter() - started
    if status != 200:
        results.add("fase vastleggen", seconds, "error", f"{status} {message}")
    elif "vastgelegd op" in message:
        results.add("fase vastleggen", seconds, "saved")
        with results.lock:
            results.recorded.append((name, code, phase))
    elif "cert-error" in message:
        results.add("fase vastleggen", seconds, "refused")
    else:
        results.add("fase vastleggen", seconds, "error", message)


def edit_partnership(user: User, name: str, targets: Targets, results: WriteResults, n: int) -> None:
    """Open a partnership in the editor, change its agreements, press Opslaan."""
    pid, code, _version = random.choice(targets.partnerships)
    search = f"?gebied={targets.region_key}"
    started = time.perf_counter()
    try:
        status, form = _call(user, "net-edit-partnership.value", {"net-edit-partnership.value": pid,
                                                                   "net-school.value": code}, search)
        if status != 200:
            results.add("samenwerking wijzigen", time.perf_counter() - started, "error", f"{status} {_text(form)}")
            return

        def value(component: str) -> Any:
            return form.get(component, {}).get("value")
        status, done = _call(user, "net-edit-save.n_clicks", {
            "net-edit-save.n_clicks": 1, "net-edit-partnership.value": pid, "net-edit-role.value": value(
                "net-edit-role"), "net-edit-contact.value": value("net-edit-contact"),
            "net-edit-agreements.value": f"afspraak van {name}, keer {n}", "net-changed.data": 0,
            "net-edit-versions.data": form.get("net-edit-versions", {}).get("data")}, search)
    except Exception as exc:
        results.add("samenwerking wijzigen", time.perf_counter() - started, "error", repr(exc))
        return
    message = _text(done.get("net-detail", {}))
    seconds = time.perf_counter() - started
    if status != 200:
        results.add("samenwerking wijzigen", seconds, "error", f"{status} {message}")
    elif "Wijziging opgeslagen" in message:
        results.add("samenwerking wijzigen", seconds, "saved")
        with results.lock:
            results.saved_edits[pid] += 1
    elif status == 200 and message != "{}":
        results.add("samenwerking wijzigen", seconds, "refused")
    else:
        results.add("samenwerking wijzigen", seconds, "error", message)


def writer_loop(base_url: str, name: str, deadline: float, targets: Targets, results: WriteResults,
                pause: float) -> None:
    user = User(base_url)
    try:
        user.login(name, PASSWORD)
        user.dependencies()
    except Exception as exc:
        results.add("(inloggen)", 0.0, "error", repr(exc))
        return
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if n % 2 and targets.schools:
            record_phase(user, name, targets, results)
        elif targets.partnerships:
            edit_partnership(user, name, targets, results, n)
        time.sleep(pause)


def check_database(url: str, targets: Targets, results: WriteResults, writers: list[str]) -> list[str]:
    """What the database says after the run; a list of problems (empty: no lost update, no duplicate)."""
    from sqlmodel import col, select

    from models import Partnership, PhaseEvent
    from models.db import make_engine, session_scope

    problems: list[str] = []
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            events = session.exec(select(PhaseEvent).where(col(PhaseEvent.recorded_by).in_(writers))
                                  .order_by(col(PhaseEvent.trajectory_id), col(PhaseEvent.id))).all()
            if len(events) != len(results.recorded):
                problems.append(f"{len(results.recorded)} fasen bevestigd, {len(events)} in de database")
            by_trajectory: dict[int, list[str]] = defaultdict(list)
            for event in events:
                by_trajectory[event.trajectory_id].append(event.phase)
            for trajectory_id, phases in by_trajectory.items():
                if any(a == b for a, b in zip(phases, phases[1:], strict=False)):
                    problems.append(f"traject {trajectory_id}: dezelfde fase twee keer na elkaar: {phases}")
            for pid, _code, before in targets.partnerships:
                after = session.get(Partnership, pid)
                rose = (after.version if after else before) - before
                if rose != results.saved_edits[pid]:
                    problems.append(f"samenwerking {pid}: {results.saved_edits[pid]} opslagen bevestigd, "
                                    f"versie {rose} hoger")
    finally:
        engine.dispose()
    return problems


def print_write_table(title: str, results: WriteResults, problems: list[str], events: int) -> None:
    from bench.load_timing import percentile

    print(f"\n{title}: schrijvers")
    print(f"{'handeling':<24}{'pogingen':>9}{'opgeslagen':>11}{'geweigerd':>10}{'fouten':>8}{'p50 ms':>9}"
          f"{'p95 ms':>9}")
    for action in sorted(results.times):
        values = results.times[action]
        print(f"{action:<24}{len(values):>9}{results.outcomes[f'{action} saved']:>11}"
              f"{results.outcomes[f'{action} refused']:>10}{results.outcomes[f'{action} error']:>8}"
              f"{percentile(values, 50) * 1000:>9.0f}{percentile(values, 95) * 1000:>9.0f}")
    print(f"database: {events} fase-events van de schrijvers; "
          + ("geen verloren wijziging, geen dubbel event" if not problems else "; ".join(problems)))
    for sample in results.samples:
        print(f"  fout: {sample}")
