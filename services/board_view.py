"""Mijn scholen: one school board's schools across every region, as far as the user may read them.

Nothing is computed here that another page computes differently: certificate status, expiry, phase
and days in phase come from services.certification_reads.CertificationReads (services.school_facts +
domain.overview), network completeness and the missing core partners from
services.network.scope_network (domain.network.completeness). The reads run per area the board's
schools lie in (each region, or the province for a municipality outside any region) with the
user's permission filter, and keep the board's schools.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from domain.certification import ACTIVE_PHASES, STATUS_LABELS
from domain.lifecycle import months_between
from domain.scope import Scope
from domain.vocab import ORGANISATION_TYPES, label
from models import Board, Municipality, Region, School
from services import network
from services.certification_reads import CertificationReads
from services.errors import NotFound
from services.permissions import PermissionDenied, Principal, can_view_board, school_filter_for
from services.school_facts import school_filters


@dataclass(frozen=True)
class SchoolTile:
    school_id: int
    code: str
    name: str
    sector: str
    municipality: str
    region: str
    status: str
    status_label: str
    issued_on: date | None
    expires_on: date | None
    months_left: int | None          # whole months from as_of to expiry (None without a valid certificate)
    phase: str | None
    phase_label: str
    phase_since: date | None
    share: float | None              # network completeness
    missing: tuple[str, ...]         # the missing core partner types (codes)
    missing_labels: tuple[str, ...]


@dataclass(frozen=True)
class BoardView:
    board_id: int
    board: str
    as_of: date
    tiles: list[SchoolTile]

    @property
    def regions(self) -> list[str]:
        return sorted({t.region or "geen regio" for t in self.tiles})

    @property
    def status_counts(self) -> dict[str, int]:
        """Schools per certificate status, every status listed (zeros included)."""
        counts = Counter(t.status for t in self.tiles)
        return {status: counts.get(status, 0) for status in STATUS_LABELS}

    @property
    def in_trajectory(self) -> int:
        return sum(1 for t in self.tiles if t.phase in ACTIVE_PHASES)

    @property
    def incomplete_networks(self) -> int:
        return sum(1 for t in self.tiles if t.missing)


def board_choices(session: Session, principal: Principal) -> list[dict[str, str | int]]:
    """The boards the user may open on Mijn scholen: a bestuurder their own; others the boards with a
    school they may read. {'label': name (number), 'value': id}."""
    stmt = select(col(Board.id), col(Board.name), col(Board.number)).order_by(col(Board.name), col(Board.number))
    if principal.role == "bestuurder":
        stmt = stmt.where(col(Board.id).in_(sorted(principal.board_ids)))
    else:
        stmt = stmt.where(col(Board.id).in_(select(col(School.board_id)).where(*school_filter_for(principal))))
    return [{"label": f"{name or 'Bestuur'} ({number})", "value": bid}
            for bid, name, number in session.execute(stmt).all()
            if bid is not None and can_view_board(principal, bid)]


def board_view(session: Session, principal: Principal, board_id: int, as_of: date) -> BoardView:
    """The board's schools active at as_of that the user may read, one tile each (by name).
    NotFound for an unknown board, PermissionDenied for one the user may not open."""
    if not can_view_board(principal, board_id):
        raise PermissionDenied("Geen toegang: u mag de scholen van dit bestuur niet bekijken.")
    board = session.get(Board, board_id)
    if board is None:
        raise NotFound("Dit bestuur")
    areas = session.execute(
        select(col(Municipality.region_id), col(Municipality.province_id)).distinct()
        .join(School, col(School.municipality_id) == col(Municipality.id))
        .where(col(School.board_id) == board_id, *school_filters(Scope(as_of)), *school_filter_for(principal))).all()
    region_names = dict(session.execute(select(col(Region.id), col(Region.name))).tuples().all())
    scopes = {Scope(as_of, region_id=r) if r is not None else Scope(as_of, province_id=p) for r, p in areas}
    board_school_ids = set(session.scalars(select(col(School.id)).where(col(School.board_id) == board_id)))
    tiles: list[SchoolTile] = []
    for scope in sorted(scopes, key=lambda s: (s.region_id or 0, s.province_id or 0)):
        reads = CertificationReads(session, scope, principal)
        rows = [r for r in reads.rows if r.school_id in board_school_ids]
        if not rows:
            continue
        net = network.scope_network(session, principal, scope)
        region = region_names.get(scope.region_id, "") if scope.region_id is not None else ""
        for row in rows:
            links = net.networks.get(row.school_id)
            valid = row.status in ("valid", "expiring")
            missing = links.missing if links else ()
            tiles.append(SchoolTile(
                school_id=row.school_id, code=row.code, name=row.name, sector=row.sector,
                municipality=row.municipality, region=region, status=row.status, status_label=row.status_label,
                issued_on=row.issued_on, expires_on=row.expires_on,
                months_left=months_between(as_of, row.expires_on) if valid and row.expires_on else None,
                phase=row.phase, phase_label=row.phase_label,
                phase_since=as_of - timedelta(days=row.days_in_phase) if row.days_in_phase is not None else None,
                share=links.share if links else None, missing=missing,
                missing_labels=tuple(label(ORGANISATION_TYPES, t) for t in missing)))
    tiles.sort(key=lambda t: (t.name, t.code))
    return BoardView(board_id, board.name or board.number, as_of, tiles)
