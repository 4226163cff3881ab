"""Cytoscape partner-network graphs: elements, stylesheet and legend (no domain logic, no database).

Per school: the school in the middle, its partner organisations on a ring (coloured and shaped
by type), the required types it lacks as dashed "ontbreekt" nodes on the same ring, contact
persons on an outer ring on demand. Per scope: schools (coloured by completeness) and
organisations at server-computed positions. Always layout 'preset': positions come from the server.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import dash_cytoscape as cyto
import plotly.graph_objects as go
from dash import html

from components.charts import chart_layout
from components.safe_text import plot_texts
from components.theme import pct
from domain.dates import format_nl
from domain.network_analysis import organisation_node, ring_positions, school_node
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES, label

if TYPE_CHECKING:
    from services.network import Partner, SchoolNetwork, ScopeNetwork

# colour, cytoscape shape, legend glyph
TYPE_STYLE: dict[str, tuple[str, str, str]] = {
    "gemeente": ("#1f77b4", "round-rectangle", "■"),
    "politie": ("#0b3d91", "hexagon", "⬢"),
    "halt": ("#ff7f0e", "diamond", "◆"),
    "ggd": ("#2ca02c", "ellipse", "●"),
    "jongerenwerk": ("#9467bd", "star", "★"),
    "leerplicht": ("#d62728", "triangle", "▲"),
    "jeugdzorg": ("#17becf", "pentagon", "⬟"),
    "sociaal_wijkteam": ("#8c564b", "round-rectangle", "■"),
    "straatcoaches": ("#e377c2", "star", "★"),
    "jeugdreclassering": ("#7f7f7f", "diamond", "◆"),
    "veilig_thuis": ("#bcbd22", "ellipse", "●"),
    "handhaving": ("#393b79", "triangle", "▲"),
    "verslavingszorg": ("#637939", "pentagon", "⬟"),
    "schoolveiligheidscoordinator": ("#ad494a", "hexagon", "⬢"),
    "provincie": ("#6b6ecf", "octagon", "⬣"),
    "overig": ("#a0a0a0", "ellipse", "●"),
}
# line colour, style, width
ROLE_STYLE: dict[str, tuple[str, str, int]] = {
    "kernteam": ("#222222", "solid", 5),
    "signaleringsoverleg": ("#1565c0", "solid", 3),
    "convenantpartner": ("#2e7d32", "dotted", 3),
    "advies": ("#9e9e9e", "dashed", 2),
}
GAP_COLOUR = "#c62828"
SCHOOL_COLOUR = "#f9a825"
RING, CONTACT_RING = 230, 390


def _org_label(name: str, width: int = 22) -> str:
    return name if len(name) <= width * 2 else name[: width * 2 - 1] + "…"


def school_elements(net: SchoolNetwork, show_contacts: bool = False) -> list[dict[str, Any]]:
    """Elements of one school's network (services.network.SchoolNetwork)."""
    elements = [{"data": {"id": school_node(net.school_id), "label": net.name, "kind": "school"},
                 "position": {"x": 0, "y": 0}, "classes": "school"}]
    organisations: dict[int, Partner] = {}
    for p in sorted(net.partners, key=lambda p: (list(ORGANISATION_TYPES).index(p.type)
                                                 if p.type in ORGANISATION_TYPES else 99, p.organisation)):
        organisations.setdefault(p.organisation_id, p)
    ring: list[Partner | str] = [*organisations.values(), *net.missing]
    for item, (x, y) in zip(ring, ring_positions(len(ring), RING), strict=True):
        if isinstance(item, str):   # a missing required type
            gap_label = f"ontbreekt: {label(ORGANISATION_TYPES, item).lower()}"
            elements.append({"data": {"id": f"g-{item}", "label": gap_label, "kind": "gap", "type": item},
                             "position": {"x": x, "y": y}, "classes": "gap"})
            elements.append({"data": {"id": f"ge-{item}", "source": school_node(net.school_id),
                                      "target": f"g-{item}", "kind": "gap"}, "classes": "gap"})
            continue
        elements.append({"data": {"id": organisation_node(item.organisation_id), "label": _org_label(item.organisation),
                                  "kind": "organisation", "type": item.type,
                                  "type_label": label(ORGANISATION_TYPES, item.type)},
                         "position": {"x": x, "y": y}, "classes": f"org t-{item.type}"})
    for p in net.partners:
        elements.append({"data": {"id": f"p{p.partnership_id}", "source": school_node(net.school_id),
                                  "target": organisation_node(p.organisation_id), "kind": "partnership",
                                  "label": label(PARTNERSHIP_ROLES, p.role)}, "classes": f"role-{p.role}"})
    if show_contacts:
        elements += _contact_elements(net, organisations)
    return elements


def _contact_elements(net: SchoolNetwork, organisations: dict[int, Partner]) -> list[dict[str, Any]]:
    ring_ids: list[int | None] = [*organisations, *[None] * len(net.missing)]
    angle_pos = dict(zip(ring_ids, ring_positions(len(ring_ids), CONTACT_RING), strict=True))
    seen: set[int] = set()
    out: list[dict[str, Any]] = []
    for p in net.partners:
        if p.contact_id is None or p.contact_id in seen:
            continue
        seen.add(p.contact_id)
        x, y = angle_pos[p.organisation_id]
        offset = 30 * sum(1 for c in seen if c != p.contact_id and c in {q.contact_id for q in net.partners
                                                                           if q.organisation_id == p.organisation_id})
        text = p.contact if p.contact else (p.contact_role or "contactpersoon")
        out.append({"data": {"id": f"c{p.contact_id}", "label": _org_label(text, 18), "kind": "contact",
                             "organisation": p.organisation_id},
                    "position": {"x": x, "y": y + offset}, "classes": "contact"})
        out.append({"data": {"id": f"ce{p.contact_id}", "source": organisation_node(p.organisation_id),
                             "target": f"c{p.contact_id}", "kind": "contact"}, "classes": "contact"})
    return out


def completeness_colour(share: float | None) -> str:
    if share is None:
        return "#9e9e9e"
    if share >= 1:
        return "#2e7d32"
    if share >= 0.67:
        return "#9ccc65"
    if share >= 0.34:
        return "#f9a825"
    return "#c62828"


def completeness_shape(share: float | None) -> str:
    """The node shape of a completeness band, so the band is not told by colour alone (with its colour)."""
    if share is None:
        return "round-rectangle"
    if share >= 1:
        return "ellipse"
    if share >= 0.67:
        return "rectangle"
    if share >= 0.34:
        return "diamond"
    return "triangle"


def scope_elements(net: ScopeNetwork, positions: dict[str, tuple[float, float]]) -> list[dict[str, Any]]:
    """Elements of a scope's network (services.network.ScopeNetwork) at precomputed positions."""
    elements: list[dict[str, Any]] = []
    for sid, s in net.schools.items():
        x, y = positions.get(school_node(sid), (0, 0))
        share = net.networks[sid].share
        elements.append({"data": {"id": school_node(sid), "label": s.name, "kind": "school", "code": s.code,
                                  "colour": completeness_colour(share), "shape": completeness_shape(share),
                                  "share": pct(share)},
                         "position": {"x": x, "y": y}, "classes": "school small"})
    load: dict[int, set[int]] = {}
    for link in net.links:
        load.setdefault(link.organisation_id, set()).add(link.school_id)
    for oid, o in net.organisations.items():
        x, y = positions.get(organisation_node(oid), (0, 0))
        elements.append({"data": {"id": organisation_node(oid), "label": _org_label(o.name, 16),
                                  "kind": "organisation", "type": o.type, "load": len(load.get(oid, ()))},
                         "position": {"x": x, "y": y}, "classes": f"org small t-{o.type}"})
    seen: set[tuple[int, int]] = set()
    for link in net.links:
        key = (link.school_id, link.organisation_id)
        if key in seen:
            continue
        seen.add(key)
        elements.append({"data": {"id": f"e{link.school_id}-{link.organisation_id}",
                                  "source": school_node(link.school_id),
                                  "target": organisation_node(link.organisation_id)},
                         "classes": f"role-{link.role} thin"})
    return elements


def stylesheet() -> list[dict[str, Any]]:
    rules = [
        {"selector": "node", "style": {"label": "data(label)", "font-size": 11, "text-wrap": "wrap",
                                       "text-max-width": 130, "text-valign": "bottom", "text-margin-y": 4,
                                       "width": 34, "height": 34, "border-width": 1, "border-color": "#ffffff",
                                       "color": "#212529"}},
        {"selector": "node.school", "style": {"background-color": SCHOOL_COLOUR, "shape": "round-rectangle",
                                              "width": 60, "height": 60, "font-weight": "bold", "font-size": 13,
                                              "border-width": 3, "border-color": "#5d4037"}},
        {"selector": "node.school.small", "style": {"background-color": "data(colour)", "shape": "data(shape)",
                                                    "width": 12, "height": 12,
                                                    "font-size": 9, "border-width": 1, "font-weight": "normal",
                                                    "label": ""}},
        {"selector": "node.org.small", "style": {"width": "mapData(load, 1, 40, 16, 44)",
                                                 "height": "mapData(load, 1, 40, 16, 44)", "font-size": 9,
                                                 "text-max-width": 110, "border-color": "#333333"}},
        {"selector": "node.small:selected", "style": {"label": "data(label)", "font-size": 10}},
        {"selector": "node.gap", "style": {"background-color": "#ffffff", "border-width": 3,
                                           "border-style": "dashed", "border-color": GAP_COLOUR,
                                           "color": GAP_COLOUR, "font-weight": "bold", "shape": "ellipse"}},
        {"selector": "node.contact", "style": {"background-color": "#eceff1", "border-color": "#607d8b",
                                               "border-width": 1, "width": 20, "height": 20, "font-size": 10,
                                               "shape": "ellipse"}},
        {"selector": "edge", "style": {"curve-style": "bezier", "width": 2, "line-color": "#9e9e9e",
                                       "label": "data(label)", "font-size": 9, "color": "#555",
                                       "text-background-color": "#ffffff", "text-background-opacity": 0.8,
                                       "text-rotation": "autorotate"}},
        {"selector": "edge.gap", "style": {"line-style": "dashed", "line-color": GAP_COLOUR, "width": 2,
                                           "line-dash-pattern": [6, 4], "label": ""}},
        {"selector": "edge.contact", "style": {"line-color": "#b0bec5", "width": 1, "label": ""}},
        {"selector": "node:selected", "style": {"border-width": 4, "border-color": "#000000"}},
    ]
    for t, (colour, shape, _) in TYPE_STYLE.items():
        rules.append({"selector": f"node.t-{t}", "style": {"background-color": colour, "shape": shape}})
    for role, (colour, style, width) in ROLE_STYLE.items():
        rules.append({"selector": f"edge.role-{role}", "style": {"line-color": colour, "line-style": style,
                                                                  "width": width}})
    rules.append({"selector": "edge.thin", "style": {"width": 1, "label": "", "opacity": 0.6}})
    return rules


def graph(component_id: str, elements: list[dict[str, Any]], height: str = "560px") -> cyto.Cytoscape:
    return cyto.Cytoscape(id=component_id, elements=elements, layout={"name": "preset", "fit": True, "padding": 30},
                          stylesheet=stylesheet(), style={"width": "100%", "height": height},
                          minZoom=0.2, maxZoom=3, wheelSensitivity=0.3, boxSelectionEnabled=False,
                          autoungrabify=False, responsive=True)


def legend(types: list[str] | None = None, roles: bool = True, gaps: bool = True) -> html.Div:
    """Legend of organisation types (colour and shape), edge roles and the gap node."""
    shown = types if types is not None else list(TYPE_STYLE)
    items = [html.Span([html.Span(TYPE_STYLE[t][2], style={"color": TYPE_STYLE[t][0], "fontSize": "1.1em"}),
                        " ", label(ORGANISATION_TYPES, t)], className="me-3 text-nowrap d-inline-block")
             for t in shown if t in TYPE_STYLE]
    parts = [html.Div([html.Strong("Organisaties: ", className="me-1"), *items])]
    if roles:
        parts.append(html.Div([html.Strong("Rol: ", className="me-1"), *[
            html.Span([html.Span(style={"display": "inline-block", "width": "28px", "verticalAlign": "middle",
                                        "borderTop": f"{w}px {s} {c}"}), " ", label(PARTNERSHIP_ROLES, r)],
                      className="me-3 text-nowrap d-inline-block")
            for r, (c, s, w) in ROLE_STYLE.items()]]))
    if gaps:
        parts.append(html.Div([html.Span("◯", style={"color": GAP_COLOUR, "fontWeight": "bold"}),
                               " gestippelde rode rand: verplichte kernpartner die ontbreekt"]))
    return html.Div(parts, className="small mt-2", id="net-legend")


def completeness_figure(share: float | None, present: int, required: int) -> go.Figure:
    """Gauge of network completeness (share of the region's required partner types present)."""
    # No share (no school chosen, or the region requires no partner types): no number, not "0%".
    value = 0 if share is None else share * 100
    fig = go.Figure(go.Indicator(
        mode="gauge" if share is None else "gauge+number", value=value, number={"suffix": "%", "valueformat": ".0f"},
        gauge={"axis": {"range": [0, 100], "ticksuffix": "%"}, "bar": {"color": completeness_colour(share)},
               "steps": [{"range": [0, 50], "color": "#fdecea"}, {"range": [50, 100], "color": "#f1f8e9"}]},
    ))
    fig.update_layout(height=220, margin={"l": 25, "r": 25, "t": 60, "b": 10},
                      title={"text": "Netwerkcompleetheid: –" if share is None else
                             f"Netwerkcompleetheid: {present} van {required} kernpartners", "x": 0.02,
                             "font": {"size": 14}})
    return fig


def heatmap_figure(rows: list[str], types: list[str], matrix: list[list[float | None]], *,
                   aggregated: bool) -> go.Figure:
    """Schools (or municipalities, aggregated) x required partner types."""
    text = [["niet vereist" if v is None else (pct(v) if aggregated else ("aanwezig" if v else "ontbreekt"))
             for v in row] for row in matrix]
    fig = go.Figure(go.Heatmap(
        z=[[None if v is None else v for v in row] for row in matrix], x=[label(ORGANISATION_TYPES, t) for t in types],
        y=plot_texts(rows), zmin=0, zmax=1, colorscale=[[0, "#c62828"], [0.5, "#f9a825"], [1, "#2e7d32"]],
        text=text, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2,
        colorbar={"title": {"text": "aandeel aanwezig" if aggregated else "aanwezig"}, "tickformat": ".0%"},
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    title = ("Completeheid per gemeente en kernpartnertype (aandeel scholen met deze partner)" if aggregated
             else "Completeheid per school en kernpartnertype")
    return chart_layout(fig, title, "Kernpartnertype", "Gemeente" if aggregated else "School",
                        height=max(320, 22 * len(rows) + 160))


def _detail_rows(items: Sequence[tuple[str, object]]) -> html.Dl:
    return html.Dl([x for k, v in items for x in (
        html.Dt(k, className="col-5"), html.Dd(str(v) if v not in (None, "") else "–", className="col-7"))],
        className="row mb-1")


def node_details(net: SchoolNetwork, node_id: str) -> tuple[list[Any], list[Partner]] | None:
    """What the detail panel shows for a clicked node of a school graph (services.network.SchoolNetwork),
    and the partnerships it concerns; None for an unknown node. Personal data only as the
    service filled it in (it leaves names, phones and e-mails empty for other roles)."""
    if node_id.startswith("g-"):
        t = node_id[2:]
        if t not in net.missing:
            return None
        return [html.Div(f"Ontbreekt: {label(ORGANISATION_TYPES, t)}", className="fw-bold text-danger"),
                html.P(f"De regio {net.region} vraagt een actieve samenwerking met een partner van dit type; deze "
                       "school heeft die niet op de peildatum.", className="mb-0", id="net-detail-gap")], []
    if node_id == school_node(net.school_id):
        return [html.Div(net.name, className="fw-bold"),
                _detail_rows([("BRIN", net.code), ("Regio", net.region),
                              ("Partners", len({p.organisation_id for p in net.partners})),
                              ("Compleet", pct(net.share))])], []
    if node_id.startswith("c") and node_id[1:].isdigit():
        items = [p for p in net.partners if p.contact_id == int(node_id[1:])]
    elif node_id.startswith("o") and node_id[1:].isdigit():
        items = [p for p in net.partners if p.organisation_id == int(node_id[1:])]
    else:
        return None
    if not items:
        return None
    first = items[0]
    parts = [html.Div(first.organisation, className="fw-bold", id="net-detail-org"),
             _detail_rows([("Type", label(ORGANISATION_TYPES, first.type))])]
    for p in items:
        contact = (f"{p.contact} ({p.contact_role})" if p.contact else
                   (f"{p.contact_role or 'contactpersoon'} (naam alleen zichtbaar voor coördinator en beheerder)"
                    if p.contact_id else "–"))
        rows: list[tuple[str, object]] = [
                ("Rol in het netwerk", label(PARTNERSHIP_ROLES, p.role)), ("Sinds", format_nl(p.start_on)),
                ("Tot en met", format_nl(p.end_on) if p.end_on else "loopt"), ("Contactpersoon", contact)]
        if net.personal:
            rows += [("Telefoon", p.phone), ("E-mail", p.email)]
        rows.append(("Afspraken", p.agreements))
        parts.append(html.Div(_detail_rows(rows), className="border-top pt-1", id=f"net-detail-p{p.partnership_id}"))
    return parts, items


def partner_list(elements: list[dict[str, Any]]) -> list[Any]:
    """The school's network as text, from the same elements as the graph: its partners (organisation,
    type, role) and the required core partners it lacks. For screen readers and for anyone who reads a
    list faster than a graph."""
    nodes = {e["data"]["id"]: e["data"] for e in elements if "source" not in e["data"]}
    school = next((d for d in nodes.values() if d.get("kind") == "school"), None)
    if school is None:
        return []
    roles: dict[str, list[str]] = {}
    for e in elements:
        d = e["data"]
        if d.get("kind") == "partnership":
            roles.setdefault(d["target"], []).append(str(d.get("label", "")))
    partners = [html.Li(f"{nodes[oid]['label']} ({nodes[oid].get('type_label', '')}): {', '.join(sorted(rs))}")
                for oid, rs in roles.items() if oid in nodes]
    missing = [html.Li(label(ORGANISATION_TYPES, d["type"])) for d in nodes.values() if d.get("kind") == "gap"]
    return [
        html.H3(f"Partners van {school['label']} ({len(partners)})", className="h6 mt-2"),
        html.Ul(partners, id="net-partner-items") if partners else html.P("Geen partners.", className="small"),
        html.H3(f"Ontbrekende kernpartners ({len(missing)})", className="h6"),
        html.Ul(missing, id="net-missing-items") if missing else html.P("Geen: alle kernpartners zijn aanwezig.",
                                                                         className="small"),
    ]
