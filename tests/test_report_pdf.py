"""`vios report --since --json` and `--pdf` (issue 14): the changes section and the meeting PDF hold
the numbers the pages compute (services.report / services.municipality_comparison)."""
from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
import vios_cli
from sqlmodel import Session

from components.theme import pct, signed
from domain.certification import PHASES
from domain.scope import Scope
from models.db import make_engine
from services.areas import find_area_key
from services.municipality_comparison import comparison
from services.report import event_json, overview_since

pytestmark = pytest.mark.db  # opens a database of its own (a real file)

AS_OF, SINCE = date(2026, 11, 23), date(2026, 8, 23)
REGION = "Maastricht-Heuvelland"


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vios_cli.run(db, *args)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("report") / "demo.db"
    result = run(db, "seed", "demo", "--today", "2026-11-23")
    assert result.returncode == 0, result.stderr
    return db


def _scope(db: Path, name: str | None) -> Scope:
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        key = find_area_key(session, name) if name else "nl"
    engine.dispose()
    region_id = int(key[1:]) if key and key[0] == "r" else None
    province_id = int(key[1:]) if key and key[0] == "p" else None
    return Scope(as_of=AS_OF, region_id=region_id, province_id=province_id)


def _pages_data(db: Path, scope: Scope):
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        _, changes = overview_since(session, scope, SINCE, None)
        data = comparison(session, scope, SINCE, None, quarters=0, with_points=False)
    engine.dispose()
    return changes, data


@pytest.mark.parametrize("area", [("--region", REGION), ("--province", "Limburg")])
def test_rep001_since_adds_the_changes_the_pages_show(demo_file, area):
    result = run(demo_file, "report", "--as-of", AS_OF.isoformat(), *area, "--since", SINCE.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    changes, data = _pages_data(demo_file, _scope(demo_file, area[1]))
    section = report["changes"]
    assert section["since"] == SINCE.isoformat()
    # the same field names as totals, now minus then (Overzicht's cards)
    assert set(section["totals"]) == set(report["totals"])
    assert section["totals"] == changes.totals
    assert section["totals"]["valid_certificates"] == data.total_changes["valid_certificates"]
    by_code = {m["cbs_code"]: m for m in section["municipalities"]}
    assert [m["cbs_code"] for m in report["municipalities"]] == list(by_code)
    for row in data.municipalities:   # Gemeenten's Δ columns
        for field in ("schools", "valid_certificates", "coverage", "in_trajectory", "expiring_soon", "expired"):
            assert by_code[row.cbs_code][field] == row.changes[field], (row.name, field)
    # the events: Gemeenten's list, field by field
    assert section["events"] == [event_json(c) for c in data.changes]
    assert section["events"] and {"kind", "date", "school_code", "school_name", "municipality", "phase_from",
                                  "phase_to"} <= set(section["events"][0])
    assert all(SINCE.isoformat() < e["date"] <= AS_OF.isoformat() for e in section["events"])
    # without --since the report stays as it was
    plain = json.loads(run(demo_file, "report", "--as-of", AS_OF.isoformat(), *area, "--json").stdout)
    assert "changes" not in plain and plain["totals"] == report["totals"]


@pytest.mark.parametrize("since", [AS_OF.isoformat(), "2027-01-01"])
def test_rep002_since_on_or_after_the_peildatum_exits_2(demo_file, since):
    result = run(demo_file, "report", "--as-of", AS_OF.isoformat(), "--since", since, "--json")
    assert result.returncode == 2
    assert "moet vóór de peildatum" in result.stderr


def _pdf_text(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), len(reader.pages)


def test_rep003_the_pdf_holds_the_numbers_of_the_json_and_the_pages(demo_file, tmp_path):
    out = tmp_path / "stuurgroep.pdf"
    result = run(demo_file, "report", "--as-of", AS_OF.isoformat(), "--region", REGION, "--since", SINCE.isoformat(),
                 "--pdf", str(out), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    text, pages = _pdf_text(out)
    assert pages >= 6 and "pagina's" in result.stderr
    # the cover
    for line in ("Gebied: Regio Maastricht-Heuvelland", "Peildatum: 23-11-2026", "Vergeleken met: 23-08-2026",
                 "Gemaakt op: 23-11-2026", "Alle sectoren"):
        assert line in text, line
    # key figures: now, then, change
    t, c = report["totals"], report["changes"]["totals"]

    def minus(s: str) -> str:
        return s.replace("\u2212", "-")

    for field, label in (("schools", "Scholen (actieve vestigingen)"), ("valid_certificates", "Geldig gecertificeerd"),
                         ("in_trajectory", "In traject"), ("expiring_soon", "Verloopt binnenkort"),
                         ("expired", "Verlopen"), ("never_certified", "Nooit gecertificeerd")):
        assert f"{label} {t[field]} {t[field] - c[field]} {minus(signed(c[field]))}" in text, field
    assert f"Dekking (geldig / alle scholen) {pct(t['coverage'])}" in text
    for phase, n in t["in_trajectory_by_phase"].items():
        assert f"waarvan {PHASES[phase].lower()} {n} " in text
    # the municipalities table: each figure with its change
    delta = {m["cbs_code"]: m for m in report["changes"]["municipalities"]}
    for m in report["municipalities"]:
        d = delta[m["cbs_code"]]
        row = " ".join(f"{m[f]} ({minus(signed(d[f]))})" for f in ("schools", "valid_certificates"))
        assert f"{m['name']} {row} {pct(m['coverage'])}" in text, m["name"]
    # the list of changes: every event, by school code and date
    events = report["changes"]["events"]
    k = {kind: sum(1 for e in events if e["kind"] == kind) for kind in ("certified", "expired", "phase")}
    assert f"{k['certified']} school(en) gecertificeerd, {k['expired']} certifica(a)t(en) verlopen" in text
    assert text.count("Andere fase") == k["phase"]
    for e in events:
        assert e["school_code"] in text
    # the status-and-phase chart's totals and the remaining sections
    matrix = report["status_by_phase"]
    assert sum(sum(row.values()) for row in matrix.values()) == t["schools"]
    for heading in ("Scholen naar certificaatstatus en trajectfase", "Dekking per gemeente", "Binnen 6 maanden",
                    "Binnen 12 maanden", "Zwakste netwerken", "Auditprognose tegenover de capaciteit"):
        assert heading in text, heading


def test_rep004_the_pdf_defaults_to_the_last_meeting(demo_file, tmp_path):
    from models import Meeting

    scope = _scope(demo_file, REGION)
    engine = make_engine(f"sqlite:///{demo_file}")
    with Session(engine) as session:
        session.add(Meeting(region_id=scope.region_id, held_on=date(2026, 9, 15), notes="", created_by="test"))
        session.commit()
    engine.dispose()
    out = tmp_path / "default.pdf"
    result = run(demo_file, "report", "--as-of", AS_OF.isoformat(), "--region", REGION, "--pdf", str(out))
    assert result.returncode == 0, result.stderr
    text, _ = _pdf_text(out)
    assert "Vergeleken met: de vergadering van 15-09-2026" in text


def test_rep010_the_change_list_csv_holds_the_json_events(demo_file):
    """The change list's CSV (Overzicht and Gemeenten) = `vios report --since --json`'s changes.events, newest
    first, in Dutch (kinds, phases, dd-mm-jjjj), for Dutch Excel (';', BOM)."""
    import csv
    import io

    from domain.changes import CHANGE_KINDS
    from domain.dates import format_nl
    from services.change_export import changes_csv

    result = run(demo_file, "report", "--as-of", AS_OF.isoformat(), "--region", REGION, "--since", SINCE.isoformat(),
                 "--json")
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["changes"]["events"]
    engine = make_engine(f"sqlite:///{demo_file}")
    with Session(engine) as session:
        name, content = changes_csv(session, _scope(demo_file, REGION), None, SINCE)
    engine.dispose()
    assert name.endswith(f"-{SINCE.isoformat()}-{AS_OF.isoformat()}.csv") and content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert header == ["Gebeurtenis", "Datum", "BRIN", "School", "Gemeente", "Van fase", "Naar fase", "Toelichting"]
    assert events and rows == [
        [CHANGE_KINDS[e["kind"]], format_nl(date.fromisoformat(e["date"])), e["school_code"], e["school_name"],
         e["municipality"], PHASES[e["phase_from"]] if e["phase_from"] else "",
         PHASES[e["phase_to"]] if e["phase_to"] else "", e["detail"]] for e in reversed(events)]
