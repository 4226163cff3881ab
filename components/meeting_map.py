"""The meeting-room map of Gemeenten (the default, "zonder achtergrondkaart"), also for print: drawn as a
plain (SVG) figure, so it needs no external request at all and can carry names (MapLibre map traces would
load fonts from the internet for text). Without loaded boundaries every municipality is a bubble at the
centre of its schools (size: number of schools, colour: coverage class), with its name; with boundaries
the municipalities are shaded by the same coverage classes, with their names. The school map on
OpenStreetMap tiles is components.map. A plain-dict figure (components.plain_figure: the same JSON as
go.Figure, without plotly.py's validation of 342 municipalities).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from components.map import NETHERLANDS_CENTRE
from components.municipality_charts import NONE, PEER_COLOUR, TARGET_COLOUR, role_of, shows_areas
from components.plain_figure import Figure, figure
from components.safe_text import plot_text
from components.theme import FONT, pct
from services.municipality_comparison import Centre

# Coverage classes (upper bound, exclusive; the last includes 100%), the same on bubbles and shaded areas.
COVERAGE_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.2, "minder dan 20%", "#ffe0b2"),
    (0.4, "20 tot 40%", "#f0f4c3"),
    (0.6, "40 tot 60%", "#c5e1a5"),
    (0.8, "60 tot 80%", "#81c784"),
    (math.inf, "80% of meer", "#2e7d32"),
)
NO_SCHOOLS = ("geen scholen", "#eceff1")
OUTLINE = "#546e7a"
# Where the charts show provinces (shows_areas: the whole country), only the largest and the chosen
# municipalities carry their name on the map, the others only on hover (hundreds of names are unreadable).
NAMED_LARGEST = 20


@dataclass(frozen=True)
class Bubble:
    """A municipality on the map without boundaries: at the centre of its schools."""
    code: str
    name: str
    lat: float
    lon: float
    schools: int
    coverage: float | None


def coverage_class(coverage: float | None) -> tuple[str, str]:
    """(label, colour) of a coverage: 'geen scholen' when unknown."""
    if coverage is None:
        return NO_SCHOOLS
    return next((label, colour) for bound, label, colour in COVERAGE_CLASSES if coverage < bound)


def bubbles(centres: Mapping[str, Centre], coverage: Mapping[str, tuple[str, float | None]],
            schools: Mapping[str, int]) -> list[Bubble]:
    """One bubble per municipality of `coverage` with schools on the map, at their centre
    (services.municipality_comparison.centres_of); its size is the municipality's number of schools
    (schools, else its points), largest first."""
    out = [Bubble(code, coverage[code][0], c.lat, c.lon, schools.get(code) or c.points, coverage[code][1])
           for code, c in centres.items() if code in coverage]
    return sorted(out, key=lambda b: (-b.schools, b.name))


def _outline(code: str, target: str | None, peer_codes: Set[str]) -> tuple[str, float]:
    role = role_of(code, target, peer_codes)
    return {"target": (TARGET_COLOUR, 4.0), "peer": (PEER_COLOUR, 3.0)}.get(role, (OUTLINE, 1.0))


def _name(name: str, code: str, target: str | None, named: Set[str] | None = None) -> str:
    """The name on the map (bold for the chosen one); '' when only the `named` codes carry one."""
    if named is not None and code not in named:
        return ""
    return f"<b>{plot_text(name)}</b>" if code == target else plot_text(name)


def _named(by_size: Sequence[tuple[str, int]], target: str | None, peer_codes: Set[str]) -> set[str] | None:
    """The codes whose name the map shows: all (None) where the charts show every municipality, else the
    NAMED_LARGEST largest and the chosen ones (by_size: code and schools)."""
    if not shows_areas(len(by_size)):
        return None
    largest = sorted(by_size, key=lambda c: -c[1])[:NAMED_LARGEST]
    return {c for c, _ in largest} | {c for c, _ in by_size if role_of(c, target, peer_codes) in ("target", "peer")}


def _details(code: str, coverage: float | None, schools: int, name: str) -> list[object]:
    return [code, coverage, pct(coverage), schools, plot_text(name)]


HOVER = "%{customdata[4]}: %{customdata[3]} scholen, dekking %{customdata[2]}<extra></extra>"


def _bubble_traces(data: list[dict[str, Any]], items: Sequence[Bubble], target: str | None,
                   peer_codes: Set[str]) -> None:
    largest = max((b.schools for b in items), default=1) or 1
    named = _named([(b.code, b.schools) for b in items], target, peer_codes)
    for label, colour in [*((c[1], c[2]) for c in COVERAGE_CLASSES), NO_SCHOOLS]:
        members = [b for b in items if coverage_class(b.coverage)[0] == label]
        if not members:
            continue
        outlines = [_outline(b.code, target, peer_codes) for b in members]
        data.append({
            "customdata": [_details(b.code, b.coverage, b.schools, b.name) for b in members], "hovertemplate": HOVER,
            "marker": {"color": colour, "line": {"color": [o[0] for o in outlines], "width": [o[1] for o in outlines]},
                       "opacity": 0.9, "size": [14 + 36 * math.sqrt(b.schools / largest) for b in members]},
            "meta": "gemeente", "mode": "markers+text", "name": f"Dekking {label}",
            "text": [_name(b.name, b.code, target, named) for b in members],
            "textfont": {"color": "#263238", "size": 11},
            "textposition": "top center", "x": [b.lon for b in members], "y": [b.lat for b in members],
            "type": "scatter"})


def _rings(feature: dict[str, Any]) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons if polygon]


def _label_at(rings: list[list[list[float]]]) -> tuple[float, float]:
    """(lon, lat) for a name: the centre of the largest ring's bounding box."""
    def box(ring: list[list[float]]) -> tuple[float, float, float, float]:
        xs, ys = [c[0] for c in ring], [c[1] for c in ring]
        return min(xs), min(ys), max(xs), max(ys)
    x0, y0, x1, y1 = max((box(r) for r in rings), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    return (x0 + x1) / 2, (y0 + y1) / 2


def _xy(rings: Sequence[list[list[float]]]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        xs += [c[0] for c in ring] + [None]
        ys += [c[1] for c in ring] + [None]
    return xs, ys


def _shaded_traces(data: list[dict[str, Any]], boundaries: dict[str, Any],
                   coverage: Mapping[str, tuple[str, float | None]], schools: Mapping[str, int], target: str | None,
                   peer_codes: Set[str]) -> None:
    features = [f for f in boundaries["features"] if f["id"] in coverage and _rings(f)]
    for label, colour in [*((c[1], c[2]) for c in COVERAGE_CLASSES), NO_SCHOOLS]:
        members = [f for f in features if coverage_class(coverage[f["id"]][1])[0] == label]
        if members:
            xs, ys = _xy([r for f in members for r in _rings(f)])
            data.append({"fill": "toself", "fillcolor": colour, "hoverinfo": "skip",
                         "line": {"color": OUTLINE, "width": 0.8}, "meta": "gebied", "mode": "lines",
                         "name": f"Dekking {label}", "x": xs, "y": ys, "type": "scatter"})
    for f in features:
        colour, width = _outline(f["id"], target, peer_codes)
        if width > 1:
            xs, ys = _xy(_rings(f))
            data.append({"hoverinfo": "skip", "line": {"color": colour, "width": width}, "mode": "lines",
                         "showlegend": False, "x": xs, "y": ys, "type": "scatter"})
    spots = [_label_at(_rings(f)) for f in features]
    named = _named([(f["id"], schools.get(f["id"], 0)) for f in features], target, peer_codes)
    data.append({
        "customdata": [_details(f["id"], coverage[f["id"]][1], schools.get(f["id"], 0), coverage[f["id"]][0])
                       for f in features],
        "hovertemplate": HOVER, "marker": {"opacity": 0, "size": 1}, "meta": "gemeente", "mode": "markers+text",
        "showlegend": False, "text": [_name(coverage[f["id"]][0], f["id"], target, named) for f in features],
        "textfont": {"color": "#263238", "size": 11}, "textposition": "middle center",
        "x": [s[0] for s in spots], "y": [s[1] for s in spots], "type": "scatter"})


def meeting_map(centres: Mapping[str, Centre], boundaries: dict[str, Any] | None,
                coverage: Mapping[str, tuple[str, float | None]], schools: Mapping[str, int],
                target: str | None = None, peer_codes: Set[str] = NONE) -> Figure:
    """The municipalities by coverage, with their names: shaded areas with boundaries (GeoJSON with
    feature ids = CBS codes), else bubbles at their schools' centres sized by schools. The chosen
    municipality is outlined dark blue, its peers orange."""
    data: list[dict[str, Any]] = []
    shaded = bool(boundaries and boundaries.get("features"))
    if boundaries and shaded:
        _shaded_traces(data, boundaries, coverage, schools, target, peer_codes)
    else:
        _bubble_traces(data, bubbles(centres, coverage, schools), target, peer_codes)
    lats = [y for t in data for y in (t["y"] or ()) if y is not None]
    lons = [x for t in data for x in (t["x"] or ()) if x is not None]
    mid = (max(lats) + min(lats)) / 2 if lats else NETHERLANDS_CENTRE["lat"]
    pad_x = max((max(lons) - min(lons)) * 0.1, 0.04) if lons else 1.0   # room for the bubbles and names
    pad_y = max((max(lats) - min(lats)) * 0.15, 0.03) if lats else 1.0
    axis = {"visible": False, "fixedrange": False}
    y_axis: dict[str, Any] = {**axis, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid))}
    if lats:   # (plotly leaves out a range of None)
        y_axis["range"] = [min(lats) - pad_y, max(lats) + pad_y]
    layout = {
        "xaxis": {**axis, "range": [min(lons) - pad_x, max(lons) + pad_x]} if lons else axis, "yaxis": y_axis,
        "height": 560, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "font": {"family": FONT, "size": 12},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "hovermode": "closest",
        "title": {"font": {"size": 16}, "text": "Dekking per gemeente" + (
            "" if shaded else " (bol op het midden van de scholen; grootte: aantal scholen)"), "x": 0.01},
        "legend": {"title": {"text": "Dekking"}, "itemsizing": "constant", "bgcolor": "rgba(255,255,255,0.85)",
                   "orientation": "v", "x": 1.0, "xanchor": "right", "y": 1.0},
    }
    return figure(data, layout)
