"""Drill-down from the whole country to a province, shared by the pages that show provinces instead of
hundreds of municipalities (components.municipality_charts.per_area): each province's link under the
chart, and a click on its bar, open the same page for that province (the scope in the URL, as the scope
bar sets it; the rest of the selection kept). The pages register their own click callback (area_clicked)."""
from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html
from dash.exceptions import PreventUpdate

from components.links import selection_query
from services.municipality_comparison import AreaRow
from web.request_context import Request


def drill_search(request: Request, area_key: str) -> str | None:
    """The URL query for one area (the selection otherwise kept), when the user may read it."""
    if area_key not in {o["value"] for o in request.area_options}:
        return None
    return selection_query({**request.query, "gebied": area_key})


def drill_links(request: Request, areas: Sequence[AreaRow], path: str, link_id: str) -> html.Div:
    """'Per gemeente bekijken: Drenthe · Flevoland · ...', each a link to `path` for that province (only
    those the user may read); an empty Div with the id when there are none."""
    links = [dcc.Link(a.name, href=f"{path}{search}", className="me-3 text-nowrap") for a in areas
             if (search := drill_search(request, a.area_key)) is not None]
    if not links:
        return html.Div(id=link_id)
    return html.Div([html.Span("Per gemeente bekijken (klik ook op een balk): ", className="text-muted me-2"),
                     *links], id=link_id, className="small mt-1")


def area_clicked(request: Request, click: object) -> str:
    """The URL query for the province whose bar was clicked; PreventUpdate for a municipality's bar or an
    area the user may not read."""
    try:
        bar_id = click["points"][0]["id"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        raise PreventUpdate from None
    prefix = AreaRow.ID_PREFIX
    search = drill_search(request, bar_id[len(prefix):]) if isinstance(bar_id, str) and bar_id.startswith(prefix) \
        else None
    if search is None:
        raise PreventUpdate
    return search
