"""The Gemeenten map with the OpenStreetMap background (`school_map`): the schools by certificate status
on MapLibre map traces, municipalities shaded by coverage. It loads basemap tiles from
tile.openstreetmap.org (the only external request the product allows); offline those tiles stay blank.
Map traces cannot show text without loading fonts from the internet, so the names are in the hover here;
the default map, with names, is components.meeting_map. A plain-dict figure (components.plain_figure): at
country scope it carries 7,876 schools, which plotly.py would validate and copy one by one.
"""
from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Any

from components.municipality_charts import NONE, TARGET_COLOUR, role_of
from components.plain_figure import Figure, figure
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
               peer_codes: Set[str] = NONE, target_name: str | None = None, peer_names: Set[str] = NONE) -> Figure:
    """The schools by status and, with boundaries (GeoJSON), the municipalities shaded by coverage
    (cbs_code -> (name, coverage)); the target's schools drawn largest, its peers' larger."""
    data: list[dict[str, Any]] = []
    if boundaries and boundaries.get("features"):
        codes = [f["id"] for f in boundaries["features"] if f["id"] in coverage]
        data.append({
            "colorbar": {"len": 0.6, "tickformat": ".0%", "title": {"text": "Dekking"}, "x": 1.0},
            "colorscale": [[0, "#fff8e1"], [0.5, "#a5d6a7"], [1, "#1b5e20"]], "featureidkey": "id",
            "geojson": boundaries, "hovertemplate": "%{text}: dekking %{z:.0%}<extra></extra>", "locations": codes,
            "marker": {"line": {"color": "#37474f", "width": [
                3 if role_of(c, target, peer_codes) in ("target", "peer") else 0.6 for c in codes]}, "opacity": 0.55},
            "name": "Dekking", "text": plot_texts(coverage[c][0] for c in codes),
            "z": [coverage[c][1] if coverage[c][1] is not None else 0 for c in codes], "zmax": 1, "zmin": 0,
            "type": "choroplethmap"})
    for status in ("valid", "expiring", "expired", "never"):
        members = [p for p in points if p.status == status]
        if not members:
            continue
        sizes = [13 if p.municipality == target_name else 11 if p.municipality in peer_names else 8
                 for p in members]
        data.append({
            "customdata": [[plot_text(p.code), plot_text(p.municipality)] for p in members],
            "hovertemplate": "%{text} (%{customdata[0]}), %{customdata[1]}: " + STATUS_LABELS[status].lower()
                             + "<extra></extra>",
            "lat": [p.lat for p in members], "lon": [p.lon for p in members],
            "marker": {"color": STATUS_COLOURS[status], "opacity": 0.9, "size": sizes}, "mode": "markers",
            "name": STATUS_LABELS[status], "text": plot_texts(p.name for p in members), "type": "scattermap"})
    centre, zoom = _view(points, boundaries)
    layout: dict[str, Any] = {
        "map": {"center": centre, "style": style if style in MAP_STYLES else "white-bg", "zoom": zoom},
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0}, "font": {"family": FONT, "size": 12},
        "title": {"font": {"size": 16}, "text": "Scholen naar certificaatstatus"
                  + (" en dekking per gemeente" if boundaries else ""), "x": 0.01},
        "legend": {"orientation": "h", "y": 0.01, "x": 0.01, "bgcolor": "rgba(255,255,255,0.8)"}, "height": 560}
    notes = []
    if target_name:
        notes.append({"bgcolor": "rgba(255,255,255,0.85)", "font": {"color": TARGET_COLOUR}, "showarrow": False,
                      "text": f"Gekozen: {plot_text(target_name)} (grotere punten; vergelijkingsgroep middelgroot)",
                      "x": 0.99, "xanchor": "right", "xref": "paper", "y": 0.99, "yref": "paper"})
    if style == "open-street-map":
        notes.append({"font": {"color": "#555", "size": 10}, "showarrow": False, "text": OSM_ATTRIBUTION, "x": 0.99,
                      "xanchor": "right", "xref": "paper", "y": 0.01, "yref": "paper"})
    if notes:
        layout["annotations"] = notes
    return figure(data, layout)
