"""Figures of the Gemeenten page (municipalities compared). The chosen municipality and its peers are
highlighted in each.

The figures are plain dicts (components.plain_figure): the same JSON as go.Figure, without plotly.py's
validation of 342 municipalities' bars and lines.

Highlight rule everywhere: the chosen municipality dark blue, its peers orange, the others
muted; names of highlighted municipalities in bold.
"""
from __future__ import annotations

from collections.abc import Sequence, Set
from typing import Any, Protocol, TypeVar

from components.plain_figure import Figure, cell, chart_layout, figure, merge, subplots, update_axes
from components.safe_text import plot_text, template_text
from components.theme import FONT, PHASE_COLOURS, STATUS_COLOURS, municipality_colour, municipality_dash, signed
from domain.municipality_comparison import CoverageSeries, MunicipalityInfo, approach_matrix, group_series
from domain.overview import Figures
from domain.status_phase import (
    NO_TRAJECTORY,
    PHASE_KEY_LABELS,
    PHASE_KEYS,
    STATUS_BAR_LABELS,
    STATUS_ORDER,
    status_phase_from_figures,
)
from domain.vocab import APPROACH_ELEMENTS
from services.municipality_comparison import AreaRow

NONE: frozenset[str] = frozenset()

TARGET_COLOUR = "#0d47a1"
PEER_COLOUR = "#ef6c00"
BASE_COLOUR = "#2e7d32"
MUTED_COLOUR = "#b0bec5"


class Figured(Protocol):
    """A municipality with its row of `vios report` (services' MunicipalityRow, or the figures a page sent),
    or a province with its figures (services' AreaRow)."""
    @property
    def figures(self) -> Figures: ...
    @property
    def cbs_code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def schools(self) -> int: ...


class Bar(Figured, Protocol):
    """A bar of the coverage chart: its figures and its coverage's change since the compare date."""
    @property
    def coverage_change(self) -> float | None: ...


class Named(Protocol):
    """A municipality by its code and name (a Figured or a MunicipalityInfo)."""
    @property
    def cbs_code(self) -> str: ...
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)
B = TypeVar("B", bound=Bar)

# More municipalities than this (the whole country): the charts show one bar, row or line per province
# (services' AreaRow) with the chosen municipality and its peers among them, and a province is a click away
# (drill-down to its scope). Hundreds of bars in every chart took the browser seconds to draw and nobody
# could read them.
PER_AREA_ABOVE = 60


def shows_areas(municipalities: int) -> bool:
    """Whether the charts show provinces instead of `municipalities` municipalities."""
    return municipalities > PER_AREA_ABOVE


def per_area(municipalities: int, areas: Sequence[AreaRow]) -> list[AreaRow]:
    """The areas the charts show instead of `municipalities` municipalities (none: per municipality)."""
    return list(areas) if shows_areas(municipalities) else []


def role_of(code: str, target: str | None, peer_codes: Set[str]) -> str:
    if target is None:
        return "all"
    if code == target:
        return "target"
    return "peer" if code in peer_codes else "other"


def _colour(role: str) -> str:
    return {"target": TARGET_COLOUR, "peer": PEER_COLOUR, "other": MUTED_COLOUR}.get(role, BASE_COLOUR)


def _label(name: str, role: str) -> str:
    name = plot_text(name)
    return f"<b>{name}</b>" if role in ("target", "peer") else name


def area_label(area: AreaRow) -> str:
    """A province's name in the charts: 'Provincie Groningen', never the same as a municipality's."""
    return plot_text(f"Provincie {area.name}" if area.area_key else "Zonder provincie")


def chosen_of(rows: Sequence[N], target: str | None, peer_codes: Set[str]) -> list[N]:
    """The chosen municipality and its peers among `rows`, by name."""
    return sorted((m for m in rows if role_of(m.cbs_code, target, peer_codes) in ("target", "peer")),
                  key=lambda m: m.name)


def bar_order(rows: Sequence[B]) -> list[B]:
    """The coverage chart's bars: the municipalities (or areas) with schools, lowest coverage first."""
    return sorted((m for m in rows if m.schools), key=lambda m: (m.figures["coverage"] or 0, m.name))


def _bar_roles(shown: Sequence[Bar], target: str | None, peer_codes: Set[str]) -> tuple[list[str], list[str]]:
    roles = [role_of(m.cbs_code, target, peer_codes) for m in shown]
    labels = [area_label(m) if isinstance(m, AreaRow) else _label(m.name, r) for m, r in zip(shown, roles, strict=True)]
    return [_colour(r) for r in roles], labels


def bar_highlight(rows: Sequence[Bar], target: str | None, peer_codes: Set[str]) -> tuple[list[str], list[str]]:
    """The coverage chart's bar colours and names (in bar_order) with `target` and its peers highlighted."""
    return _bar_roles(bar_order(rows), target, peer_codes)


def heatmap_order(infos: Sequence[MunicipalityInfo]) -> list[MunicipalityInfo]:
    """The approach chart's rows, top to bottom: alphabetical."""
    return sorted(infos, key=lambda m: m.name, reverse=True)


def heatmap_names(infos: Sequence[MunicipalityInfo], target: str | None, peer_codes: Set[str]) -> list[str]:
    """The approach chart's names (in heatmap_order), highlighted ones in bold."""
    return [_label(m.name, role_of(m.cbs_code, target, peer_codes)) for m in heatmap_order(infos)]


def coverage_bars(rows: Sequence[Bar], target: str | None = None, peer_codes: Set[str] = NONE,
                  areas: Sequence[AreaRow] = (), whose: str = "") -> Figure:
    """The overview's coverage chart (components.charts.coverage_chart), with each change since the compare
    date and the highlight (bar_highlight gives the highlight alone). With `areas` (per_area): one bar per
    province, and the chosen municipality and its peers among them."""
    shown = bar_order([*areas, *chosen_of(rows, target, peer_codes)] if areas else rows)
    colours, labels = _bar_roles(shown, target, peer_codes)
    bars = {
        "cliponaxis": False, "customdata": [[m.figures["valid_certificates"], m.schools] for m in shown],
        "hovertemplate": "%{y}: %{customdata[0]} van %{customdata[1]} scholen geldig gecertificeerd<extra></extra>",
        "ids": [m.cbs_code for m in shown],  # the bars' ids are the CBS codes (a province's: AreaRow.cbs_code)
        "marker": {"color": colours}, "orientation": "h",
        "text": [_bar_text(m) for m in shown], "textposition": "outside",
        "x": [m.figures["coverage"] for m in shown],
        "y": labels,
        "type": "bar"}
    layout: dict[str, Any] = {"xaxis": {"tickformat": ".0%", "range": [0, 1.2], "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1]}}
    what = ("Dekking per provincie" + (", met de gekozen gemeenten" if target else "")) if areas \
        else "Dekking per gemeente"
    chart_layout(layout, f"{what}{whose} (tussen haakjes: verandering sinds de vergelijkdatum)", "Dekking", "",
                 height=max(320, 26 * len(shown) + 90))
    return figure([bars], layout)


def _bar_text(m: Bar) -> str:
    """'42%' or, with its change since the compare date, '42% (+2,5 pp)' (only rows with schools: a coverage)."""
    change = m.coverage_change
    shown = f"{(m.figures['coverage'] or 0) * 100:.0f}%"
    return shown + (f" ({signed(change, percent=True)})" if change is not None else "")


def phase_bars(rows: Sequence[Figured], percent: bool = False, target: str | None = None,
               peer_codes: Set[str] = NONE, areas: Sequence[AreaRow] = ()) -> Figure:
    """Two facts per municipality, side by side (domain.status_phase): left its schools by certificate
    status, right the same schools by trajectory phase. Each panel's bar adds up to the municipality's
    schools; left 'geldig' + 'verloopt binnenkort' = its valid certificates, right the blue segments =
    its schools in trajectory (the table's columns). Absolute or in percent of the schools. With `areas`
    (per_area): one bar per province, the chosen municipality and its peers above them."""
    shown: list[Figured | AreaRow]
    if areas:
        shown = [*sorted(areas, key=lambda a: a.name, reverse=True),
                 *reversed(chosen_of(rows, target, peer_codes))]
    else:
        shown = list(sorted(rows, key=lambda m: m.name, reverse=True))
    roles = [role_of(m.cbs_code, target, peer_codes) for m in shown]
    names = [area_label(m) if isinstance(m, AreaRow) else _label(m.name, r) for m, r in zip(shown, roles, strict=True)]
    opacity = [0.35 if r == "other" else 1.0 for r in roles]
    margins = [status_phase_from_figures(m.figures) for m in shown]
    layout = subplots(1, 2, ("Certificaatstatus", "Trajectfase"), 0.3, 0.04)
    panels: list[tuple[int, str, Sequence[str], dict[str, str], dict[str, str]]] = [
        (1, "status", STATUS_ORDER, STATUS_BAR_LABELS, STATUS_COLOURS),
        (2, "phase", PHASE_KEYS, PHASE_KEY_LABELS, {**PHASE_COLOURS, NO_TRAJECTORY: "#e0e0e0"})]
    data: list[dict[str, Any]] = []
    for col, dimension, keys, labels, colours in panels:
        for key in keys:
            counts = [(by_status if dimension == "status" else by_phase).get(key, 0) for by_status, by_phase in margins]
            if not any(counts):
                continue
            values = ([c / m.schools if m.schools else 0 for c, m in zip(counts, shown, strict=True)] if percent
                      else counts)
            data.append({
                "customdata": [[c, m.cbs_code] for c, m in zip(counts, shown, strict=True)],
                "hovertemplate": "%{y}: %{customdata[0]} scholen " + labels[key].lower() + "<extra></extra>",
                "legendgroup": dimension,
                "legendgrouptitle": {"text": "Certificaatstatus" if dimension == "status" else "Trajectfase"},
                "marker": {"color": colours[key], "opacity": opacity}, "meta": f"{dimension}:{key}",
                "name": labels[key], "orientation": "h", "x": values, "y": names, "type": "bar", **cell(1, col, 2)})
    merge(layout, {"barmode": "stack", "legend": {"traceorder": "grouped"}})
    if percent:
        update_axes(layout, "xaxis", {"tickformat": ".0%", "range": [0, 1]})
    what = "Scholen per provincie" + (", met de gekozen gemeenten" if target else "") if areas \
        else "Scholen per gemeente"
    chart_layout(layout, f"{what}: certificaatstatus en trajectfase, elke school één keer per kant"
                 + (" (in procenten)" if percent else " (aantallen)"),
                 "Aandeel van de scholen" if percent else "Aantal scholen", "",
                 height=max(380, 24 * len(shown) + 180))
    update_axes(layout, "xaxis", {"title": {"text": "Aandeel van de scholen" if percent else "Aantal scholen"}})
    return figure(data, layout)


def approach_heatmap(infos: Sequence[MunicipalityInfo], target: str | None = None,
                     peer_codes: Set[str] = NONE, areas: Sequence[AreaRow] = ()) -> Figure:
    """Municipalities x approach elements in use. With `areas` (per_area): per province the share of its
    municipalities using each element (shade and percentage), the chosen municipality and its peers above."""
    elements = list(APPROACH_ELEMENTS)
    heat: dict[str, Any]
    if areas:
        ordered = sorted(areas, key=lambda a: a.name, reverse=True)
        chosen = list(reversed(chosen_of(infos, target, peer_codes)))
        shares = [[a.elements_in_use.get(e, 0) / a.municipalities if a.municipalities else 0 for e in elements]
                  for a in ordered]
        heat = {
            "customdata": [[f"{a.elements_in_use.get(e, 0)} van {a.municipalities} gemeenten" for e in elements]
                           for a in ordered] + [["ja" if e in m.elements else "nee" for e in elements] for m in chosen],
            "text": [[f"{v * 100:.0f}%" for v in row] for row in shares] + [["" for _ in elements] for _ in chosen],
            "texttemplate": "%{text}", "textfont": {"size": 11},
            "y": [area_label(a) for a in ordered]
            + [_label(m.name, role_of(m.cbs_code, target, peer_codes)) for m in chosen],
            "z": shares + approach_matrix(chosen, elements)}
        title = "Aanpak per provincie: aandeel van de gemeenten dat een onderdeel gebruikt" \
            + (" (de gekozen gemeenten: blauw = in gebruik)" if chosen else "")
        rows = len(ordered) + len(chosen)
    else:
        z = approach_matrix(heatmap_order(infos), elements)
        heat = {"customdata": [["ja" if v else "nee" for v in row] for row in z],
                "y": heatmap_names(infos, target, peer_codes), "z": z}
        title = "Aanpak: onderdelen in gebruik per gemeente (blauw = in gebruik)"
        rows = len(infos)
    heat.update({
        "colorscale": [[0, "#f5f5f5"], [1, "#1565c0"]],
        "hovertemplate": "%{y} – %{x}: %{customdata}<extra></extra>", "showscale": False,
        "x": [APPROACH_ELEMENTS[e] for e in elements], "xgap": 2, "ygap": 2, "zmax": 1, "zmin": 0,
        "type": "heatmap"})
    layout: dict[str, Any] = {"xaxis": {"side": "top", "tickangle": -35, "showgrid": False},
                              "yaxis": {"showgrid": False}}
    chart_layout(layout, title, "", "", height=max(320, 22 * rows + 205))
    merge(layout, {"margin": {"t": 175}, "title": {"y": 0.99, "yanchor": "top"}})
    return figure([heat], layout)


def coverage_lines(series: dict[str, CoverageSeries], groups: dict[str, str] | None = None, target: str | None = None,
                   peer_codes: Set[str] = NONE, single_limit: int = 10) -> Figure:
    """Coverage per quarter, one line per municipality in its own colour (components.theme.municipality_colour,
    the same on every page; with a municipality chosen: the highlight colours). Many municipalities: small
    multiples, one panel per group (region or province, from `groups`: cbs_code -> group name), and the
    legend lists each panel's municipalities under the panel's name. More than PER_AREA_ABOVE: one line
    per group (its own coverage, group_series), with the chosen municipality and its peers over them."""
    codes = sorted(series, key=lambda c: series[c].name)
    if groups and len(codes) > PER_AREA_ABOVE:
        return _group_lines(series, groups, target, peer_codes)
    panels: dict[str, list[str]] = {}
    if len(codes) <= single_limit or not groups:
        panels["Alle gemeenten"] = codes
    else:
        for code in codes:
            panels.setdefault(groups.get(code) or "Overig", []).append(code)
    names = sorted(panels)
    cols = min(len(names), 3)
    rows = -(-len(names) // cols)
    layout = subplots(rows, cols, tuple(plot_text(n) for n in names) if len(names) > 1 else None,
                      min(0.3 / max(rows, 1) + 0.04, 0.15), 0.05)
    data: list[dict[str, Any]] = []
    # highlighted lines last, so they are drawn on top
    for index, name in enumerate(names):
        row, col = index // cols + 1, index % cols + 1
        members = sorted(panels[name], key=lambda c: role_of(c, target, peer_codes) in ("target", "peer"))
        for code in members:
            role = role_of(code, target, peer_codes)
            trace = {**_series_trace(series[code], _colour(role) if role != "all" else municipality_colour(code),
                                     3 if role == "target" else 2 if role == "peer" else 1.5, code,
                                     municipality_dash(code) if role == "all" else "solid"),
                     "legendgroup": f"panel-{index}", "mode": "lines+markers" if role != "other" else "lines",
                     **cell(row, col, cols)}
            if len(names) > 1:
                trace["legendgrouptitle"] = {"text": plot_text(name)}
            data.append(trace)
    update_axes(layout, "yaxis", {"tickformat": ".0%", "rangemode": "tozero"})
    # tall enough for the legend (each line listed under its panel's name), within reason
    height = max(380 if rows == 1 else 230 * rows + 80, min(900, 19 * len(codes) + 28 * len(names) + 110))
    chart_layout(layout, "Dekking per kwartaal (stand op de laatste dag van elk kwartaal)", "", "Dekking",
                 height=height)
    merge(layout, {"font": {"family": FONT, "size": 11},
                   "legend": {"groupclick": "toggleitem", "tracegroupgap": 8, "font": {"size": 11}}})
    return figure(data, layout)


def _series_trace(entry: CoverageSeries, colour: str, width: float, meta: str, dash: str = "solid") -> dict[str, Any]:
    """One coverage line (meta: the municipality's code or the group), its hover with the counts."""
    return {"customdata": [[p[2], p[3]] for p in entry.points],
            "hovertemplate": template_text(entry.name)
            + " %{x}: %{y:.0%} (%{customdata[0]} van %{customdata[1]})<extra></extra>",
            "line": {"color": colour, "dash": dash, "width": width}, "meta": meta, "mode": "lines+markers",
            "name": plot_text(entry.name), "x": [p[0] for p in entry.points], "y": [p[1] for p in entry.points],
            "type": "scatter"}


def _group_lines(series: dict[str, CoverageSeries], groups: dict[str, str], target: str | None,
                 peer_codes: Set[str]) -> Figure:
    """One line per group (meta 'groep:<name>'), the chosen municipality and its peers drawn over them (the
    groups' lines then muted, so only the chosen ones carry the highlight colours); the legend in two parts."""
    chosen = sorted((c for c in series if role_of(c, target, peer_codes) in ("target", "peer")),
                    key=lambda c: role_of(c, target, peer_codes) == "target")
    data = [{**_series_trace(entry, MUTED_COLOUR if chosen else municipality_colour(name), 1.5, f"groep:{name}",
                             municipality_dash(name)),
             "legendgroup": "groups", "legendgrouptitle": {"text": "Gebieden"}}
            for name, entry in group_series(series, groups).items()]
    data += [{**_series_trace(series[c], _colour(role_of(c, target, peer_codes)),
                              3 if role_of(c, target, peer_codes) == "target" else 2, c),
              "legendgroup": "chosen", "legendgrouptitle": {"text": "Gekozen gemeenten"}} for c in chosen]
    layout: dict[str, Any] = {}
    update_axes(layout, "yaxis", {"tickformat": ".0%", "rangemode": "tozero"})
    chart_layout(layout, "Dekking per kwartaal, één lijn per gebied (stand op de laatste dag van elk kwartaal)", "",
                 "Dekking", height=460)
    merge(layout, {"font": {"family": FONT, "size": 11},
                   "legend": {"font": {"size": 11}, "groupclick": "toggleitem", "tracegroupgap": 8}})
    return figure(data, layout)
