"""The import history (issue 15): who imported which file when, with its counts.

`record` is called by services.uploads.audited_import, the one path of every committed import (the
Gegevens page and `vios import` / `vios import-duo`), in the import's own transaction. `visible_runs`
lists them newest first: the beheerder sees all, a coordinator the imports that could change their regions.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from dataio.errors import ImportResult
from models.imports import ImportRun
from services import permissions
from services.permissions import Principal

SHOWN = 50


@dataclass(frozen=True)
class ImportRunRow:
    at: datetime
    username: str
    kind: str
    filename: str
    created: int
    updated: int
    unchanged: int
    deactivated: int
    rejected: int


def _regions_text(region_ids: Iterable[int] | None) -> str:
    return "" if region_ids is None else "," + ",".join(str(r) for r in sorted(region_ids)) + ","


def record(session: Session, result: ImportResult, *, username: str, filename: str, kind: str,
           region_ids: Iterable[int] | None = None) -> ImportRun:
    """One row for a committed import (the caller's transaction); region_ids None = every region."""
    run = ImportRun(username=username[:100], kind=kind[:20], filename=filename[:255],
                    regions=_regions_text(region_ids), created=result.total("created"),
                    updated=result.total("updated"), unchanged=result.total("unchanged"),
                    deactivated=result.total("deactivated"), rejected=result.rejected_count,
                    counts=json.dumps(result.counts, sort_keys=True))
    session.add(run)
    session.flush()
    return run


def visible_runs(session: Session, principal: Principal, limit: int = SHOWN) -> list[ImportRunRow]:
    """Newest first; only for the roles that may import (others get PermissionDenied)."""
    if not permissions.can_import_files(principal):
        raise permissions.PermissionDenied(permissions.IMPORT_DENIED)
    query = select(ImportRun).order_by(col(ImportRun.at).desc(), col(ImportRun.id).desc()).limit(limit)
    if not permissions.is_admin(principal):
        query = query.where(or_(*[col(ImportRun.regions).contains(f",{r},") for r in sorted(principal.region_ids)]))
    return [ImportRunRow(r.at, r.username, r.kind, r.filename, r.created, r.updated, r.unchanged, r.deactivated,
                         r.rejected) for r in session.exec(query)]
