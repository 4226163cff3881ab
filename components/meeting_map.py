"""The meeting-room map of Gemeenten (the default, "zonder achtergrondkaart"), also for print: drawn as a
plain (SVG) figure, so it needs no external request at all and can carry names (MapLibre map traces would
load fonts from the internet for text). Without loaded boundaries every municipality is a bubble at the
centre of its schools (size: number of schools, colour: coverage class); with boundaries the
municipalities are shaded by the same coverage classes. Names are drawn over both, as many as fit without
covering one another (the others on hover). The school map on
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
# A name that would cover one already on the map is left to the hover (Zuid-Limburg's names ran together):
# placed by priority (the chosen ones, then by number of schools) as boxes of plotly's font at size 11 (about
# 6.5 px per character, 14 px high), on a plot assumed no wider than MIN_PLOT_WIDTH_PX (narrower than a page
# at 1280 px gives it: a wider plot only spreads the names further apart).
NAME_CHAR_PX, NAME_HEIGHT_PX, MIN_PLOT_WIDTH_PX = 6.5, 14.0, 900.0
HEIGHT, MARGIN = 560, {"l": 10, "r": 10, "t": 40, "b": 10}


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


@dataclass(frozen=True)
class Label:
    """A municipality's name on the map: over its point (x: longitude, y: latitude), `lift` px above it (a
    bubble's radius; 0: centred on it, an area's name)."""
    code: str
    name: str
    x: float
    y: float
    lift: float
    schools: int


def _candidates(labels: Sequence[Label], target: str | None,
                peer_codes: Set[str]) -> tuple[list[Label], list[Label]]:
    """(the chosen ones, the others the map may name, by schools: the order of placing): all where the charts
    show every municipality, else (the country) the NAMED_LARGEST largest."""
    chosen = [lb for lb in labels if role_of(lb.code, target, peer_codes) in ("target", "peer")]
    others = sorted((lb for lb in labels if lb not in chosen), key=lambda lb: (-lb.schools, lb.name))
    return chosen, others[:NAMED_LARGEST] if shows_areas(len(labels)) else others


Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _placed(chosen: Sequence[Label], others: Sequence[Label], x_range: Sequence[float],
            y_range: Sequence[float], y_ratio: float) -> list[Label]:
    """The chosen labels, and those of others (in their order) whose name covers none placed before it. x_range,
    y_range and y_ratio (px per y unit over px per x unit) are the plot's axes."""
    height = HEIGHT - MARGIN["t"] - MARGIN["b"]
    px = min(MIN_PLOT_WIDTH_PX / (x_range[1] - x_range[0]), height / ((y_range[1] - y_range[0]) * y_ratio))
    placed: list[Label] = []
    boxes: list[Box] = []
    for index, lb in enumerate([*chosen, *others]):
        x, y = lb.x * px, lb.y * px * y_ratio
        bottom = y + lb.lift if lb.lift else y - NAME_HEIGHT_PX / 2
        half = len(lb.name) * NAME_CHAR_PX / 2
        box = (x - half, bottom, x + half, bottom + NAME_HEIGHT_PX)
        if index < len(chosen) or not any(_overlaps(box, other) for other in boxes):
            placed.append(lb)
            boxes.append(box)
    return placed


def _names_trace(labels: Sequence[Label], target: str | None) -> dict[str, Any]:
    """The names over everything else (a later bubble would cover an earlier trace's text), bold for the
    chosen one; invisible markers of the bubbles' size put each name just above its bubble; no hover of its
    own (the bubbles and areas have theirs)."""
    return {"customdata": [[lb.code] for lb in labels], "hoverinfo": "skip", "meta": "namen",
            "marker": {"opacity": 0, "size": [2 * lb.lift for lb in labels]}, "mode": "markers+text",
            "showlegend": False, "text": [f"<b>{plot_text(lb.name)}</b>" if lb.code == target else plot_text(lb.name)
                                          for lb in labels],
            "textfont": {"color": "#263238", "size": 11, "shadow": "auto"},   # a light halo: readable on a bubble
            "textposition": ["top center" if lb.lift else "middle center" for lb in labels],
            "x": [lb.x for lb in labels], "y": [lb.y for lb in labels], "type": "scatter"}


def _details(code: str, coverage: float | None, schools: int, name: str) -> list[object]:
    return [code, coverage, pct(coverage), schools, plot_text(name)]


HOVER = "%{customdata[4]}: %{customdata[3]} scholen, dekking %{customdata[2]}<extra></extra>"


def _bubble_traces(data: list[dict[str, Any]], items: Sequence[Bubble], target: str | None,
                   peer_codes: Set[str]) -> list[Label]:
    """The bubbles, one trace per coverage class; their names' labels."""
    largest = max((b.schools for b in items), default=1) or 1
    sizes = {b.code: 14 + 36 * math.sqrt(b.schools / largest) for b in items}
    for label, colour in [*((c[1], c[2]) for c in COVERAGE_CLASSES), NO_SCHOOLS]:
        members = [b for b in items if coverage_class(b.coverage)[0] == label]
        if not members:
            continue
        outlines = [_outline(b.code, target, peer_codes) for b in members]
        data.append({
            "customdata": [_details(b.code, b.coverage, b.schools, b.name) for b in members], "hovertemplate": HOVER,
            "marker": {"color": colour, "line": {"color": [o[0] for o in outlines], "width": [o[1] for o in outlines]},
                       "opacity": 0.9, "size": [sizes[b.code] for b in members]},
            "meta": "gemeente", "mode": "markers", "name": f"Dekking {label}",
            "x": [b.lon for b in members], "y": [b.lat for b in members], "type": "scatter"})
    return [Label(b.code, b.name, b.lon, b.lat, sizes[b.code] / 2, b.schools) for b in items]


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
                   peer_codes: Set[str]) -> list[Label]:
    """The areas shaded by coverage class, the chosen ones outlined, an invisible point per area for its
    hover; their names' labels."""
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
    data.append({
        "customdata": [_details(f["id"], coverage[f["id"]][1], schools.get(f["id"], 0), coverage[f["id"]][0])
                       for f in features],
        "hovertemplate": HOVER, "marker": {"opacity": 0, "size": 1}, "meta": "gemeente", "mode": "markers",
        "showlegend": False, "x": [s[0] for s in spots], "y": [s[1] for s in spots], "type": "scatter"})
    return [Label(f["id"], coverage[f["id"]][0], x, y, 0, schools.get(f["id"], 0))
            for f, (x, y) in zip(features, spots, strict=True)]


def meeting_map(centres: Mapping[str, Centre], boundaries: dict[str, Any] | None,
                coverage: Mapping[str, tuple[str, float | None]], schools: Mapping[str, int],
                target: str | None = None, peer_codes: Set[str] = NONE) -> Figure:
    """The municipalities by coverage, with their names: shaded areas with boundaries (GeoJSON with
    feature ids = CBS codes), else bubbles at their schools' centres sized by schools. The chosen
    municipality is outlined dark blue, its peers orange."""
    data: list[dict[str, Any]] = []
    shaded = bool(boundaries and boundaries.get("features"))
    if boundaries and shaded:
        labels = _shaded_traces(data, boundaries, coverage, schools, target, peer_codes)
    else:
        labels = _bubble_traces(data, bubbles(centres, coverage, schools), target, peer_codes)
    lats = [y for t in data for y in (t["y"] or ()) if y is not None]
    lons = [x for t in data for x in (t["x"] or ()) if x is not None]
    mid = (max(lats) + min(lats)) / 2 if lats else NETHERLANDS_CENTRE["lat"]
    pad_x = max((max(lons) - min(lons)) * 0.1, 0.04) if lons else 1.0   # room for the bubbles and names
    pad_y = max((max(lats) - min(lats)) * 0.15, 0.03) if lats else 1.0
    axis = {"visible": False, "fixedrange": False}
    y_ratio = 1 / math.cos(math.radians(mid))
    y_axis: dict[str, Any] = {**axis, "scaleanchor": "x", "scaleratio": y_ratio}
    x_axis: dict[str, Any] = dict(axis)
    if lats and lons:   # (plotly leaves out a range of None)
        x_axis["range"] = [min(lons) - pad_x, max(lons) + pad_x]
        y_axis["range"] = [min(lats) - pad_y, max(lats) + pad_y]
        named = _placed(*_candidates(labels, target, peer_codes), x_axis["range"], y_axis["range"], y_ratio)
        data.append(_names_trace(named, target))
    layout = {
        "xaxis": x_axis, "yaxis": y_axis,
        "height": HEIGHT, "margin": MARGIN, "font": {"family": FONT, "size": 12},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "hovermode": "closest",
        "title": {"font": {"size": 16}, "text": "Dekking per gemeente" + (
            "" if shaded else " (bol op het midden van de scholen; grootte: aantal scholen)"), "x": 0.01},
        "legend": {"title": {"text": "Dekking"}, "itemsizing": "constant", "bgcolor": "rgba(255,255,255,0.85)",
                   "orientation": "v", "x": 1.0, "xanchor": "right", "y": 1.0},
    }
    return figure(data, layout)
