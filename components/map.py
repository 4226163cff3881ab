"""The Gemeenten map with the OpenStreetMap background (`school_map`): the schools by certificate status
on MapLibre map traces, municipalities shaded by coverage. It loads basemap tiles from
tile.openstreetmap.org (the only external request the product allows); offline those tiles stay blank.
Map traces cannot show text without loading fonts from the internet, so the names are in the hover here;
the default map, with names, is components.meeting_map.
"""
from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Any

import plotly.graph_objects as go

from components.municipality_charts import NONE, TARGET_COLOUR, role_of
from components.safe_text import plot_text, plot_texts
from components.theme import FONT, STATUS_COLOURS
from domain.certification import STATUS_LABELS
from services.municipality_comparison import SchoolPoint

MAP_STYLES = {"white-bg": "Gemeenten met namen, zonder achtergrondkaart (werkt offline)",
              "open-street-map": "Scholen op OpenStreetMap (internet nodig)"}
OSM_ATTRIBUTION = "© OpenStreetMap-bijdragers"
NETHERLANDS_CENTRE = {"lat": 52.2, "lon": 5.3}


def _view(points: Sequence[SchoolPoint], boundaries: dict[str, Any] | None) -> tuple[dict[str, float], float]:
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    if boundaries:
        for feature in boundaries["features"]:
            geometry = feature["geometry"]
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            for polygon in polygons:
                lons += [c[0] for c in polygon[0]]
                lats += [c[1] for c in polygon[0]]
    if not lats:
        return NETHERLANDS_CENTRE, 6.0
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.6, 0.02)
    zoom = 11 if span < 0.1 else 10 if span < 0.25 else 9 if span < 0.5 else 8 if span < 1 else 6.5
    return {"lat": (max(lats) + min(lats)) / 2, "lon": (max(lons) + min(lons)) / 2}, zoom


def school_map(points: Sequence[SchoolPoint], boundaries: dict[str, Any] | None,
               coverage: dict[str, tuple[str, float | None]], style: str = "white-bg", target: str | None = None,
               peer_codes: Set[str] = NONE, target_name: str | None = None, peer_names: Set[str] = NONE) -> go.Figure:
    """The schools by status and, with boundaries (GeoJSON), the municipalities shaded by coverage
    (cbs_code -> (name, coverage)); the target's schools drawn largest, its peers' larger."""
    fig = go.Figure()
    if boundaries and boundaries.get("features"):
        codes = [f["id"] for f in boundaries["features"] if f["id"] in coverage]
        fig.add_trace(go.Choroplethmap(
            geojson=boundaries, locations=codes, featureidkey="id",
            z=[coverage[c][1] if coverage[c][1] is not None else 0 for c in codes],
            text=plot_texts(coverage[c][0] for c in codes), zmin=0, zmax=1,
            colorscale=[[0, "#fff8e1"], [0.5, "#a5d6a7"], [1, "#1b5e20"]], marker_opacity=0.55,
            marker_line_width=[3 if role_of(c, target, peer_codes) in ("target", "peer") else 0.6 for c in codes],
            marker_line_color="#37474f",
            colorbar={"title": {"text": "Dekking"}, "tickformat": ".0%", "len": 0.6, "x": 1.0},
            hovertemplate="%{text}: dekking %{z:.0%}<extra></extra>", name="Dekking",
        ))
    for status in ("valid", "expiring", "expired", "never"):
        members = [p for p in points if p.status == status]
        if not members:
            continue
        sizes = [13 if p.municipality == target_name else 11 if p.municipality in peer_names else 8
                 for p in members]
        fig.add_trace(go.Scattermap(
            lat=[p.lat for p in members], lon=[p.lon for p in members], mode="markers",
            name=STATUS_LABELS[status], marker={"size": sizes, "color": STATUS_COLOURS[status], "opacity": 0.9},
            customdata=[[plot_text(p.code), plot_text(p.municipality)] for p in members],
            text=plot_texts(p.name for p in members),
            hovertemplate="%{text} (%{customdata[0]}), %{customdata[1]}: " + STATUS_LABELS[status].lower()
                          + "<extra></extra>",
        ))
    centre, zoom = _view(points, boundaries)
    fig.update_layout(
        map={"style": style if style in MAP_STYLES else "white-bg", "center": centre, "zoom": zoom},
        height=560, margin={"l": 0, "r": 0, "t": 40, "b": 0}, font={"family": FONT, "size": 12},
        title={"text": "Scholen naar certificaatstatus" + (" en dekking per gemeente" if boundaries else ""),
               "x": 0.01, "font": {"size": 16}},
        legend={"orientation": "h", "y": 0.01, "x": 0.01, "bgcolor": "rgba(255,255,255,0.8)"},
    )
    if target_name:
        fig.add_annotation(text=f"Gekozen: {plot_text(target_name)} (grotere punten; vergelijkingsgroep middelgroot)",
                           showarrow=False, x=0.99, y=0.99, xref="paper", yref="paper", xanchor="right",
                           bgcolor="rgba(255,255,255,0.85)", font={"color": TARGET_COLOUR})
    if style == "open-street-map":
        fig.add_annotation(text=OSM_ATTRIBUTION, showarrow=False, x=0.99, y=0.01, xref="paper", yref="paper",
                           xanchor="right", font={"size": 10, "color": "#555"})
    return fig
