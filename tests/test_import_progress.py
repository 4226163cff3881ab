"""Row progress of the importers (dataio.progress): the step, the rows done and the total, as the Gegevens
page shows them while a long import runs in the background."""
from __future__ import annotations

from sqlmodel import Session
from test_duo_import import duo_bytes, school_row
from test_exchange import make_demo, write_book

from dataio import progress
from dataio.duo import import_duo
from dataio.exchange import import_workbook

ROWS = 450


def _listen() -> tuple[list[progress.State], progress.Listener]:
    seen: list[progress.State] = []
    return seen, seen.append


def _of(seen: list[progress.State], step: str) -> list[progress.State]:
    return [s for s in seen if s.step == step]


def _organisations(n: int) -> dict[str, list[list[object]]]:
    return {"organisaties": [["naam", "type", "gemeente_cbs"],
                             *[[f"Voortgang {i} (fictief)", "jongerenwerk", "GM0935"] for i in range(n)]]}


def test_an_exchange_import_reports_reading_checking_waiting_and_writing_its_rows(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", _organisations(ROWS))
    seen, listener = _listen()
    with Session(engine) as s, progress.listening(listener):
        result = import_workbook(s, book)
        s.commit()
    assert result.count("organisaties", "created") == ROWS
    steps = [state.step for state in seen]
    assert steps.index(progress.READING) < steps.index(progress.CHECKING) < steps.index(progress.WAITING) \
        < steps.index(progress.WRITING)
    for step in (progress.CHECKING, progress.WRITING):
        states = _of(seen, step)
        assert {s.total for s in states} == {ROWS}
        done = [s.done for s in states]
        assert done == sorted(done) and done[0] == 0 and done[-1] == ROWS
        assert len(done) <= 1 / progress.STEP_SHARE + 2  # throttled: not one report per row
    assert _of(seen, progress.WRITING)[-1].label() == f"Opslaan: {ROWS} van {ROWS} (100%)"


def test_a_dry_run_reports_its_check_and_never_a_write(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", _organisations(20))
    seen, listener = _listen()
    with Session(engine) as s, progress.listening(listener):
        import_workbook(s, book, dry_run=True)
    assert _of(seen, progress.CHECKING)[-1] == progress.State(progress.CHECKING, 20, 20)
    assert not _of(seen, progress.WRITING) and not _of(seen, progress.WAITING)


def test_a_duo_import_reports_its_rows(engine):
    rows = [school_row("02QZ", f"{n:02d}", name=f"Voortgangschool {n}") for n in range(60)]
    seen, listener = _listen()
    with Session(engine) as s, progress.listening(listener):
        import_duo(s, duo_bytes(rows), "po", filename="po.csv")
        s.commit()
    assert _of(seen, progress.CHECKING)[-1] == progress.State(progress.CHECKING, 60, 60)
    assert _of(seen, progress.WRITING)[-1] == progress.State(progress.WRITING, 60, 60)


def test_without_a_listener_nothing_is_counted_and_labels_read_as_dutch(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:  # the CLI: no listener, the import works as before
        assert import_workbook(s, write_book(tmp_path / "a.xlsx", _organisations(3))).count(
            "organisaties", "created") == 3
    assert progress.State(progress.CHECKING, 6000, 12000).label() == "Rijen controleren: 6.000 van 12.000 (50%)"
    assert progress.State(progress.READING).label() == "Bestand lezen"
    assert progress.State(progress.READING, 6000).label() == "Bestand lezen: 6.000 rijen"
