"""The areas a user can pick: provinces and regions that have municipalities."""
from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from domain.scope import Scope
from models import Board, Province, Region, School
from services.permissions import Principal, board_limited


def area_options(session: Session) -> list[dict[str, str]]:
    """Options for the area selector: the whole country, then provinces, then regions."""
    options = [{"label": "Heel Nederland", "value": "nl"}]
    for pid, name in session.execute(select(col(Province.id), col(Province.name)).order_by(col(Province.name))).all():
        options.append({"label": f"Provincie {name}", "value": f"p{pid}"})
    for rid, name in session.execute(select(col(Region.id), col(Region.name)).order_by(col(Region.name))).all():
        options.append({"label": f"Regio {name}", "value": f"r{rid}"})
    return options


def find_area_key(session: Session, name: str, kind: str | None = None) -> str | None:
    """Area key for a region or province name (case-insensitive), regions first; kind 'r' or 'p' looks
    among that kind only (a region may carry its province's name: 'Groningen')."""
    wanted = name.strip().lower()
    if kind in (None, "r"):
        for rid, rname in session.execute(select(col(Region.id), col(Region.name))).all():
            if rname.lower() == wanted:
                return f"r{rid}"
    if kind in (None, "p"):
        for pid, pname in session.execute(select(col(Province.id), col(Province.name))).all():
            if pname.lower() == wanted:
                return f"p{pid}"
    return None


def has_schools(session: Session) -> bool:
    """True when the database holds at least one school (seeds refuse a filled database)."""
    return session.execute(select(col(School.id)).limit(1)).first() is not None


def area_name(session: Session, scope: Scope) -> str:
    """Dutch name of the selected area, e.g. 'Regio Maastricht-Heuvelland'."""
    if scope.region_id is not None:
        region = session.get(Region, scope.region_id)
        return f"Regio {region.name}" if region else "Onbekende regio"
    if scope.province_id is not None:
        province = session.get(Province, scope.province_id)
        return f"Provincie {province.name}" if province else "Onbekende provincie"
    return "Heel Nederland"


def board_names(session: Session, principal: Principal) -> str:
    """'Bestuur X' or 'besturen X en Y' of a board-limited user (names, else their DUO number)."""
    boards = session.execute(select(col(Board.name), col(Board.number))
                             .where(col(Board.id).in_(sorted(principal.board_ids)))
                             .order_by(col(Board.name))).all()
    names = [name or number for name, number in boards] or ["onbekend"]
    if len(names) == 1:
        return f"bestuur {names[0]}"
    return f"besturen {', '.join(names[:-1])} en {names[-1]}"


def whose_schools(session: Session, principal: Principal) -> str:
    """'' for a region's or province's figures; ', alleen de scholen van bestuur X' when they cover a board's
    schools only, for the titles of per-municipality figures (a board's one certified school is not the
    municipality's 100%)."""
    return f", alleen de scholen van {board_names(session, principal)}" if board_limited(principal) else ""


def scope_label(session: Session, scope: Scope, principal: Principal | None = None) -> str:
    """What the figures of a page cover, e.g. 'Regio Maastricht-Heuvelland'; for a user who sees only
    the schools of their board(s): 'Scholen van bestuur X in regio Maastricht-Heuvelland' (the one place
    that says so, for every page heading and report)."""
    area = area_name(session, scope)
    if principal is None or not board_limited(principal):
        return area
    where = area[0].lower() + area[1:] if area.startswith(("Regio", "Provincie")) else area
    return f"Scholen van {board_names(session, principal)} in {where}"
