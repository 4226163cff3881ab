"""The Actielijst's sections: plain components from services.worklist.Worklist."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.inputs import dropdown
from components.theme import pct
from domain import clock
from domain.dates import format_nl
from pages.worklist import _ids as ids
from pages.worklist import _links as links
from services.worklist import Worklist


def _link(text: str, href: str | None, class_name: str) -> Any:
    return dcc.Link(text, href=href, className=f"{class_name} me-3") if href else ""


def _item(kind: str, key: str | int, body: list[Any], actions: list[Any]) -> html.Li:
    return html.Li([html.Div(body), html.Div(actions, className="small")],
                   id={"type": ids.ITEM, "kind": kind, "key": str(key)}, className="list-group-item")


def _section(title: str, section_id: str, items: list[Any], empty: str) -> html.Div:
    content: Any = html.Ul(items, className="list-group mb-2") if items else html.P(empty, className="text-muted")
    return html.Div([html.H3(f"{title} ({len(items)})", className="h5 mt-4"), content], id=section_id)


def summary(w: Worklist) -> html.P:
    def n(count: int, one: str, more: str) -> str:
        return f"{count} {one if count == 1 else more}"
    return html.P(
        f"{n(w.total, 'punt', 'punten')} voor regio {w.region}: "
        f"{n(len(w.expiring), 'certificaat verloopt', 'certificaten verlopen')} binnenkort zonder nieuw traject, "
        f"{n(len(w.stalled), 'traject', 'trajecten')} vastgelopen, "
        f"{n(len(w.missing), 'school mist', 'scholen missen')} kernpartners, "
        f"{n(len(w.orphaned), 'samenwerking', 'samenwerkingen')} zonder contact, "
        f"{n(len(w.over_capacity), 'tranche', 'tranches')} boven capaciteit.",
        id=ids.SUMMARY, className="fw-semibold")


def expiring(w: Worklist) -> html.Div:
    title = f"Certificaten die binnen {w.window_months} maanden verlopen, zonder nieuw traject"
    if not w.expiring:
        return _section(title, ids.EXPIRING, [], "Geen: voor elk certificaat dat binnenkort verloopt loopt of "
                                                 "staat een nieuw traject.")
    options = [{"label": html.Span([
        f" {r.name} ({r.code}), {r.municipality}: verloopt {format_nl(r.expires_on)} (nog {r.days_left} dagen) ",
        _link("schoolpagina", links.school_page(r.code, w.as_of), "wl-school-link")]), "value": r.school_id}
        for r in w.expiring]
    tranche_options = [{"label": f"{t.name} (start {format_nl(t.start_on)}, {t.taken}/{t.capacity} plaatsen)",
                        "value": t.tranche_id} for t in w.tranches]
    future = [t.tranche_id for t in w.tranches if t.start_on >= w.as_of]
    return html.Div([
        html.H3(f"{title} ({len(w.expiring)})", className="h5 mt-4"),
        dcc.Checklist(id=ids.PICK, options=options, value=[], className="mb-2",
                      labelClassName="d-block list-group-item",
                      inputStyle={"marginRight": ".5rem", "width": "1.1rem", "height": "1.1rem",
                                  "verticalAlign": "middle"}),
        dbc.Row([
            dbc.Col([dbc.Label("Tranche", html_for=ids.TRANCHE),
                     dropdown(ids.TRANCHE, tranche_options, future[0] if future else None, clearable=False)], md=6),
            dbc.Col(dbc.Button("Hercertificering starten voor de gekozen scholen", id=ids.START, color="primary"),
                    md="auto", className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div(f"De scholen worden aangemeld per vandaag ({format_nl(clock.today())}).",
                 className="small text-muted mt-1"),
    ], id=ids.EXPIRING)


def stalled(w: Worklist) -> html.Div:
    items = [_item(ids.STALLED, r.code, [
        html.Strong(f"{r.name} ({r.code})"), f" — {r.phase_label} in {r.tranche or 'geen tranche'}: ",
        "; ".join(r.stall_reasons)], [
        _link("Fase vastleggen (Certificering)", links.certification(w.region_id, w.as_of, r.code), "wl-record-link"),
        _link("schoolpagina", links.school_page(r.code, w.as_of), "wl-school-link")]) for r in w.stalled]
    return _section(f"Vastgelopen trajecten (fasegrens {w.phase_limit_months} maanden)", ids.STALLED, items,
                    "Geen vastgelopen trajecten.")


def missing(w: Worklist) -> html.Div:
    items = [_item(ids.MISSING, m.code, [
        html.Strong(f"{m.name} ({m.code})"), f", {m.municipality} — netwerk {pct(m.share)}; ontbreekt: ",
        ", ".join(m.missing)], [
        _link("Netwerk bewerken", links.network_editor(m.code, w.region_id, w.as_of), "wl-network-link"),
        _link("schoolpagina", links.school_page(m.code, w.as_of), "wl-school-link")]) for m in w.missing]
    return _section("Scholen zonder alle verplichte kernpartners", ids.MISSING, items,
                    "Alle scholen hebben de verplichte kernpartners.")


def orphaned(w: Worklist) -> html.Div:
    items = [_item(ids.ORPHANED, o.partnership_id, [
        html.Strong(f"{o.name} ({o.code})"), f" — {o.organisation} ({o.organisation_type}): {o.reason}"], [
        _link("Netwerk bewerken", links.network_editor(o.code, w.region_id, w.as_of), "wl-network-link")])
        for o in w.orphaned]
    return _section("Samenwerkingen zonder contact", ids.ORPHANED, items,
                    "Geen samenwerkingen die hun contact kwijt zijn.")


def over_capacity(w: Worklist) -> html.Div:
    items = [_item(ids.OVER_CAPACITY, t.tranche_id, [
        html.Strong(t.name), f" (start {format_nl(t.start_on)}): {t.taken} lopende trajecten, "
                             f"capaciteit {t.capacity}"], [
        _link("Naar de planning", links.planning(w.region_id, w.as_of), "wl-planning-link")])
        for t in w.over_capacity]
    return _section("Tranches boven capaciteit", ids.OVER_CAPACITY, items, "Geen tranche boven capaciteit.")


def content(w: Worklist) -> list[Any]:
    return [summary(w), expiring(w),
            dcc.Store(id=ids.SEEN, data={str(k): list(v) for k, v in w.seen.items()}),
            stalled(w), missing(w), orphaned(w), over_capacity(w)]
