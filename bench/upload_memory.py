"""Peak memory (RSS) of reading and importing the largest files the limits accept (issue 12 / 13).

Each case runs in a fresh Python process; ru_maxrss of that process is its peak resident memory.
Run: PYTHONPATH=. python bench/upload_memory.py [WORKDIR]
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HEADER = ["PROVINCIE", "BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "STRAATNAAM",
          "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "DENOMINATIE",
          "TELEFOONNUMMER", "INTERNETADRES"]
LIMIT = 25 * 1024 * 1024


def duo_file(path: Path, size: int = LIMIT, max_rows: int | None = None) -> int:
    """A DUO register of `size` bytes (or max_rows rows): realistic rows, as many as fit."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    rows = 0
    while buffer.tell() < size - 400 and (max_rows is None or rows < max_rows):
        code = f"{rows // 100:04d}"[-4:].replace("0", "A", 1) if rows // 100 >= 10_000 else f"{rows // 100:04d}"
        writer.writerow(["Limburg", f"{40000 + rows // 10}", code, f"{code}{rows % 100:02d}",
                         f"Openbare basisschool De Regenboog {rows}", "Burgemeester van der Heijdenstraat", "12 a",
                         "6211 AB", "Maastricht", "0935", "Maastricht", "Rooms-Katholiek", "043-1234567",
                         f"www.regenboog{rows}.nl"])
        rows += 1
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return rows


def csv_zip(path: Path, rows: int) -> int:
    """A zip of scholen.csv with short cells (the most memory per byte) just under the cell budget."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["brin_vestiging", "naam", "sector", "gemeente_cbs", "postcode", "plaats", "actief"])
    for i in range(rows):
        writer.writerow([f"{i % 10000:04d}{i // 10000 % 100:02d}", f"S{i}", "vo", "GM0935", "6211 AB", "Ms", "ja"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scholen.csv", buffer.getvalue())
    return rows


CASE = """
import resource, sys, time
from pathlib import Path
from sqlmodel import Session
from models.db import make_engine
from services.migrate import upgrade
import os
os.environ['DATABASE_URL'] = 'sqlite:///' + sys.argv[2]
upgrade()
from dataio.tabular import cell_budget
started = time.perf_counter()
engine = make_engine(os.environ['DATABASE_URL'])
kind, path, dry = sys.argv[1], Path(sys.argv[3]), sys.argv[4] == 'dry'
with cell_budget(), Session(engine) as session:
    try:
        if kind == 'duo':
            from dataio.duo import import_duo
            from services.uploads import audited_import
            run = lambda s: import_duo(s, path.read_bytes(), 'po', filename=path.name, dry_run=dry)
            result = run(session) if dry else audited_import(session, run, username='bench', filename=path.name)
        else:
            from dataio.exchange import import_workbook
            result = import_workbook(session, path.read_bytes(), filename=path.name, dry_run=True)
        outcome = result.summary_nl()[:90]
        session.commit()
    except Exception as exc:
        outcome = f'{type(exc).__name__}: {str(exc)[:200]}'.replace(chr(10), ' ')
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f'{peak:.0f}\\t{time.perf_counter() - started:.1f}\\t{outcome}')
"""


def measure(label: str, kind: str, path: Path, mode: str, work: Path) -> None:
    db = work / f"{label.replace(' ', '_')}.db"
    db.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", CASE, kind, str(db), str(path), mode], capture_output=True,
                         text=True, check=False)
    line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else f"?\t?\t{out.stderr[-300:]}"
    rss, seconds, outcome = line.split("\t", 2)
    size = path.stat().st_size / 2**20
    print(f"| {label} | {size:.1f} MB | {rss} MB | {seconds} s | {outcome} |")


def main() -> None:
    work = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vios-upload-memory")
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = duo_file(work / "duo-25mb.csv")
    from dataio.duo import MAX_ROWS

    duo_file(work / "duo-largest.csv", max_rows=MAX_ROWS)
    print(f"DUO file: {rows} rows; generated in {time.perf_counter() - started:.1f} s")
    print("| case | file | peak RSS | time | outcome |\n|---|---|---|---|---|")
    measure("DUO 25 MB (refused: rows)", "duo", work / "duo-25mb.csv", "real", work)
    measure(f"DUO {MAX_ROWS} rows preview", "duo", work / "duo-largest.csv", "dry", work)
    measure(f"DUO {MAX_ROWS} rows import + audit", "duo", work / "duo-largest.csv", "real", work)
    csv_zip(work / "scholen-zip.zip", 560_000)
    measure("CSV zip, 3.9M short cells, dry run", "exchange", work / "scholen-zip.zip", "dry", work)
    for extra in sys.argv[2:]:
        measure(f"exchange {Path(extra).name} dry run", "exchange", Path(extra), "dry", work)


if __name__ == "__main__":
    main()
