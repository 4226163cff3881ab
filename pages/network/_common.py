"""Helpers of the Netwerk page: alerts, form values, the per-request school network, saving with a confirmation."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html, no_update

from domain.dates import format_nl, parse_date
from models import School
from services import network
from services.partnerships import FormError
from services.schools import SCHOOL_CODE, readable_school
from services.transactions import StaleVersion
from web.request_context import Request

from . import _ids as ids

STALE = "net-stale"   # the refusal of a save built from an older version
INTRO = "Klik op een organisatie, contactpersoon of ontbrekende partner in het netwerk."


def alert(message: Any, colour: str = "danger", id_: str | None = None) -> dbc.Alert:
    kwargs = {"id": id_} if id_ else {}
    return dbc.Alert(message, color=colour, className="py-1 my-1", **kwargs)


def refused(message: str) -> dbc.Alert:
    return alert(message, id_=ids.DENIED)


def form_errors(exc: FormError) -> dbc.Alert:
    return dbc.Alert([html.Div("Niet opgeslagen:"), html.Ul([html.Li(f"{k}: {v}") for k, v in exc.errors.items()])],
                     color="danger", className="py-1 my-1", id=ids.FORM_ERROR)


def date_input(component_id: str, value: date, label_text: str) -> list[Any]:
    return [dbc.Label(label_text, html_for=component_id, className="small mb-0"),
            dbc.Input(id=component_id, value=format_nl(value), placeholder="dd-mm-jjjj", size="sm", maxLength=10)]


def as_int(value: object) -> int | None:
    """An id from the browser: only a real int counts."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_text(value: object, limit: int | None = None) -> str:
    """A text from the browser (the services check lengths; agreements are cut at their maximum)."""
    return str(value or "")[:limit]


def form_version(versions: object, kind: str, row_id: int | None) -> int:
    """The version of `kind` ('partnership', 'organisation', 'contact') the form was built from, when
    the form was built for this row; -1 otherwise (a form out of step with the row: refused as stale)."""
    if not isinstance(versions, dict) or row_id is None or as_int(versions.get(f"{kind}_id")) != row_id:
        return -1
    return as_int(versions.get(kind)) or -1


def form_date(value: object, field: str) -> date | None:
    text = str(value or "").strip()[:20]
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise FormError({field: str(exc)}) from None


# ---------------------------------------------------------------- read once per request

def school(request: Request, code: object) -> School:
    """The school chosen on the page, looked up and permission-checked once per request."""
    text = str(code or "")[:6]
    return request.once(f"net-school:{text}", lambda: readable_school(request.session, request.principal, text))


def school_network(request: Request, code: object) -> network.SchoolNetwork:
    """The chosen school's network at the page's peildatum, read once per request."""
    found = school(request, code)
    return request.once(f"net-network:{found.code}",
                 lambda: network.network_of(request.session, request.principal, found, request.scope.as_of))


# ---------------------------------------------------------------- saving

@dataclass(frozen=True)
class Saved:
    """What a write reports: the Dutch confirmation, and the day the change shows in the network."""
    text: str
    shows_from: date | None = None     # a new partnership's start; the day after an end date


def day_after(last_day: date) -> date:
    return last_day + timedelta(days=1)


def _view_at_link(request: Request, code: object, when: date) -> dcc.Link:
    """One click to the network at `when`: the same area, sector and (validated) school."""
    scope = request.scope
    school_code = str(code or "")
    params = {"gebied": scope.area_key, **({"sector": scope.sector} if scope.sector else {}),
              "peildatum": when.isoformat(), **({"school": school_code} if SCHOOL_CODE.match(school_code) else {})}
    text = f"Bekijk het netwerk op vandaag ({format_nl(when)})" if when == request.today else \
        f"Bekijk het netwerk op {format_nl(when)}"
    return dcc.Link(text, href="/netwerk?" + urlencode(params), id=ids.SHOW_TODAY, className="alert-link")


def confirmation(request: Request, saved: Saved, code: object) -> dbc.Alert:
    """The success message; when the change shows only after the page's peildatum, it says so and
    offers the network at today (or at the change's day, when that is later still)."""
    as_of = request.scope.as_of
    parts: list[Any] = [html.Div(saved.text)]
    if saved.shows_from is not None and saved.shows_from > as_of:
        parts.append(html.Div([
            f"Let op: de wijziging gaat in op {format_nl(saved.shows_from)}, na de peildatum {format_nl(as_of)}; "
            "bij deze peildatum ziet u haar nog niet. ",
            _view_at_link(request, code, max(request.today, saved.shows_from)),
        ], id="net-after-as-of", className="mt-1"))
    return alert(parts, "success", ids.SAVED)


def save(request: Request, write: Callable[[], Saved], changed: object, code: object = None) -> tuple[Any, Any]:
    """Run one write in the request's transaction and answer (message, new change counter).

    Invalid input rolls back and lists the errors; a refusal (PermissionDenied, NotFound) leaves
    this function, rolls the transaction back and is answered by the callback's on_refusal."""
    try:
        saved = write()
    except FormError as exc:
        request.session.rollback()
        return form_errors(exc), no_update
    except StaleVersion as exc:
        request.session.rollback()
        return alert(str(exc), "warning", STALE), no_update
    return confirmation(request, saved, code), (as_int(changed) or 0) + 1


def refused_write(message: str) -> tuple[Any, Any]:
    return refused(message), no_update
