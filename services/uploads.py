"""Imports started from the browser: decode the upload, run the importer, roll back previews.

The upload travels with each request (dcc.Upload contents), so no file is kept on the
server between the preview and the confirmation: safe with several workers.
"""
from __future__ import annotations

import base64
import binascii
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from dataio.errors import ImportRefused, ImportResult, RowError
from models.db import session_scope
from services import audit, import_history, permissions, school_facts
from services.permissions import Principal

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# Every request (app.py): a 25 MB upload travels base64-encoded (~34 MB) inside a callback's JSON body.
MAX_REQUEST_BYTES = 40 * 1024 * 1024
REQUEST_TOO_LARGE = (f"Het verzoek is te groot (meer dan {MAX_REQUEST_BYTES // (1024 * 1024)} MB); er is niets "
                     f"verwerkt. Een bestand mag hoogstens {MAX_UPLOAD_BYTES // (1024 * 1024)} MB zijn.")


@dataclass
class UploadOutcome:
    result: ImportResult | None
    errors: list[RowError]
    rejects: bytes | None = None
    rejects_name: str | None = None
    message: str = ""


def decode_upload(contents: object) -> bytes:
    """Bytes of a dcc.Upload data URL; refuses what is not base64 or too big (also crafted, non-text values)."""
    if not isinstance(contents, str) or "," not in contents:
        raise ValueError("Het bestand kon niet worden gelezen (geen geldige upload).")
    if len(contents) > MAX_UPLOAD_BYTES * 4 // 3 + 1024:  # before decoding: base64 is 4/3 of the bytes
        raise ValueError(f"Het bestand is groter dan {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    try:
        _header, data = contents.split(",", 1)
        raw = base64.b64decode(data, validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("Het bestand kon niet worden gelezen.") from None
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValueError(f"Het bestand is groter dan {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    return raw


def run_upload(kind: str, filename: str, raw: bytes, *, principal: Principal, sector: str | None = None,
               allow_partial: bool = False, dry_run: bool = True,
               confirmed_deactivations: int | None = None) -> UploadOutcome:
    """Validate (dry_run) or import an uploaded exchange workbook, CSV zip or DUO register.

    Raises PermissionDenied when the user may not import this kind of file; a coordinator's
    exchange rows outside their regions are refused row by row. An import that commits is
    audited field by field in the same transaction. confirmed_deactivations: the number of
    schools a DUO import may close, as confirmed by the user (dataio.duo's guard).
    All files of one upload together stay within dataio.tabular's limits (cell_budget).
    """
    edit_regions = permissions.import_regions(principal, kind)
    from dataio.duo import import_duo
    from dataio.exchange import import_workbook
    from dataio.tabular import cell_budget

    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="vios-upload-") as tmp:
        tmp_path = Path(tmp)
        rejects_path = None
        if kind == "duo":
            if suffix not in (".csv", ".txt"):
                raise ValueError("Een DUO-register is een CSV-bestand (.csv).")
            if sector is None:
                raise ValueError("Kies de sector van het DUO-bestand.")
            source: Path | bytes = raw
            rejects_path = tmp_path / f"afgekeurd-{Path(filename).stem}.csv"
            duo_sector = sector

            def run(s: Session) -> ImportResult:
                return import_duo(s, source, duo_sector, filename=filename, allow_partial=allow_partial,
                                  rejects_path=rejects_path if allow_partial else None, dry_run=dry_run,
                                  confirm_deactivation=confirmed_deactivations is not None,
                                  expected_deactivations=confirmed_deactivations)
        else:
            if suffix == ".zip":
                source = _unzip_csv_folder(raw, tmp_path / "csv")
                rejects_path = tmp_path / "afgekeurd"
            elif suffix == ".xlsx":
                source = raw
                rejects_path = tmp_path / "afgekeurd.xlsx"
            else:
                raise ValueError("Kies een uitwisselbestand (.xlsx) of een zip met CSV-bestanden.")
            def run(s: Session) -> ImportResult:
                return import_workbook(s, source, filename=filename, allow_partial=allow_partial,
                                       rejects_path=rejects_path if allow_partial else None, dry_run=dry_run,
                                       edit_regions=edit_regions, principal=principal)
        try:
            with cell_budget(), session_scope() as session:
                if dry_run:
                    result = run(session)
                    session.rollback()
                else:
                    result = audited_import(session, run, username=principal.username, filename=filename,
                                            kind=kind, region_ids=edit_regions)
        except ImportRefused as refused:
            return UploadOutcome(None, list(refused.errors),
                                 message=f"Niets geïmporteerd: {len(refused.errors)} fout(en) gevonden.")
        rejects, rejects_name = _read_rejects(rejects_path) if (allow_partial and not dry_run) else (None, None)
        return UploadOutcome(result, list(result.errors), rejects, rejects_name, result.summary_nl())


def audited_import(session: Session, run: Callable[[Session], ImportResult], *, username: str,
                   filename: str, kind: str = "exchange", region_ids: frozenset[int] | None = None) -> ImportResult:
    """Run an importer with every created or changed field in the audit log, plus one summary row.

    ORM writes are seen by audit.changes_recorded; bulk writers (the DUO import's new schools) read the
    user from session.info and write their audit rows themselves. A committed import also gets its row in
    the import history (services.import_history), in the same transaction; region_ids: the regions it could
    change (None: every region).
    """
    from dataio.duo import AUDIT_DETAIL, AUDIT_USER

    detail = f"import {filename}"[:2000]
    session.info[AUDIT_USER], session.info[AUDIT_DETAIL] = username, detail
    try:
        with audit.changes_recorded(session, username=username, detail=detail):
            result = run(session)
    finally:
        session.info.pop(AUDIT_USER, None)
        session.info.pop(AUDIT_DETAIL, None)
    if result.committed:
        audit.record(session, username=username, action="import", entity="bestand",
                     detail=f"{filename}: {result.summary_nl()}"[:2000])
        import_history.record(session, result, username=username, filename=filename, kind=kind,
                              region_ids=region_ids)
        school_facts.prune_change_log(session)
    return result


def _unzip_csv_folder(raw: bytes, target: Path) -> Path:
    """Only flat CSV files (never paths from inside the archive), streamed to disk under the zip caps."""
    from dataio.tabular import FileRefused, extract_csv_members

    target.mkdir(parents=True)
    try:
        extract_csv_members(raw, target)
    except FileRefused as exc:
        raise ValueError(f"{exc.reason[0].upper()}{exc.reason[1:]}.") from None
    return target


def _read_rejects(path: Path | None) -> tuple[bytes | None, str | None]:
    if path is None or not path.exists():
        return None, None
    if path.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(path.glob("*.csv")):
                archive.write(file, file.name)
        return buffer.getvalue(), "afgekeurd.zip"
    return path.read_bytes(), path.name
