"""Links to a school page that keep the page's selection (area, sector, peildatum, compare date).

The grids use the cell renderer SchoolLink (assets/school_links.js, components.grid.school_column);
lists and plain tables use `school_link` here. Only a valid DUO code goes into an address.
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from dash import dcc

from domain.scope import COMPARE_PARAM
from services.schools import SCHOOL_CODE

# the selection's URL parameters (web.request_context.SELECTION_PARAMS, which components do not import)
KEPT = ("gebied", "sector", "peildatum", COMPARE_PARAM)


def selection_query(query: Mapping[str, str]) -> str:
    """'?gebied=r1&peildatum=2026-11-23' of a URL query: only the selection's parameters, in order."""
    kept = {k: query[k] for k in KEPT if query.get(k)}
    return "?" + urlencode(kept) if kept else ""


def school_href(code: str, query: Mapping[str, str]) -> str:
    return f"/school/{code}{selection_query(query)}"


def school_link(code: str, text: str, query: Mapping[str, str]) -> dcc.Link | str:
    """The school's name (or any text) as a link to its school page; plain text for an invalid code."""
    return dcc.Link(text, href=school_href(code, query), className="school-link") if SCHOOL_CODE.match(code) else text
