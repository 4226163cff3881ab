"""The quarterly meeting report as a multi-page Dutch PDF (reportlab: pure Python, draws its own charts,
no browser or system library needed), from services.meeting_report.MeetingReport.

Pages: cover; key figures with their changes and the status-and-phase chart; coverage per
municipality; the municipalities table with changes; the list of changes; certificates expiring in
6 and 12 months; the weakest networks; the audit forecast against capacity. Texts use the standard
PDF fonts (Windows-1252), so a few signs are written in plain characters (a minus as '-').
"""
from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from components.theme import PHASE_COLOURS, STATUS_COLOURS, pct, signed
from domain import clock
from domain.certification import PHASES
from domain.changes import CHANGE_KINDS, Change
from domain.dates import format_nl
from domain.status_phase import NO_TRAJECTORY, PHASE_KEY_LABELS, PHASE_KEYS, STATUS_BAR_LABELS, STATUS_ORDER
from domain.vocab import SECTORS
from services.certification_reads import ExpiryRow
from services.meeting_report import MeetingReport

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 1.6 * cm
WIDTH = PAGE_WIDTH - 2 * MARGIN
COVERAGE_CHUNK = 40
# Long lists in print: the most recent events and the soonest expiries; the complete lists are on the
# pages (Gemeenten, Certificering) and in `vios report --since --json`.
MAX_EVENTS = 300
MAX_EXPIRIES = 150
STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=9.5, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#555555"))
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontSize=18, spaceAfter=8)
H2 = ParagraphStyle("h2", parent=STYLES["Heading2"], fontSize=13, spaceBefore=6, spaceAfter=6)
GRID = TableStyle([
    ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
])


def text(value: object) -> str:
    """A value as PDF text in the standard fonts' character set (minus and arrow written plainly)."""
    s = str(value).replace("\u2212", "-").replace("\u2192", "->")
    return s.encode("cp1252", "replace").decode("cp1252")


def change(value: float | int | None, percent: bool = False) -> str:
    return text(signed(value, percent=percent))


def with_change(now: Any, delta: Any, percent: bool = False) -> str:
    shown = pct(now) if percent else str(now)
    return f"{text(shown)} ({change(delta, percent)})"


def para(value: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text(value)), style)


CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.5, leading=9)


def cell(value: object) -> Paragraph:
    """A table cell that wraps (names, descriptions)."""
    return Paragraph(escape(text(value)), CELL)


def _table(rows: list[list[Any]], widths: Sequence[float], style: TableStyle = GRID) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    table.setStyle(style)
    return table


def _cut(value: str, length: int) -> str:
    return value if len(value) <= length else value[:length - 1] + "."


# ---------------------------------------------------------------- charts

def status_phase_drawing(matrix: dict[str, dict[str, int]]) -> Drawing:
    """The pages' status-and-phase chart: a bar per certificate status, split by trajectory phase."""
    keys = [k for k in PHASE_KEYS if k == NO_TRAJECTORY or any(matrix[s][k] for s in STATUS_ORDER)]
    drawing = Drawing(WIDTH, 250)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 45, WIDTH - 190, 180
    chart.data = [[matrix[s][k] for s in STATUS_ORDER] for k in keys]
    chart.categoryAxis.categoryNames = [text(STATUS_BAR_LABELS[s]).replace(" (", "\n(").replace(", ", ",\n")
                                        for s in STATUS_ORDER]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    totals = [sum(matrix[s].values()) for s in STATUS_ORDER]
    chart.valueAxis.valueMax = max(totals + [1]) * 1.15
    chart.valueAxis.labels.fontSize = 7
    for i, k in enumerate(keys):
        chart.bars[i].fillColor = colors.HexColor(PHASE_COLOURS.get(k, "#9e9e9e"))
        chart.bars[i].strokeColor = colors.white
        if k == NO_TRAJECTORY:
            for j, s in enumerate(STATUS_ORDER):
                chart.bars[(i, j)].fillColor = colors.HexColor(STATUS_COLOURS[s])
    drawing.add(chart)
    step = chart.width / len(STATUS_ORDER)
    for j, total in enumerate(totals):
        y = chart.y + chart.height * total / chart.valueAxis.valueMax + 3
        drawing.add(String(chart.x + step * (j + 0.5), y, str(total), fontSize=8, textAnchor="middle"))
    legend = Legend()
    legend.x, legend.y = chart.x + chart.width + 15, 225
    legend.fontSize, legend.dx, legend.dy, legend.deltay = 7, 7, 7, 10
    legend.columnMaximum, legend.alignment = 12, "right"
    legend.colorNamePairs = [(colors.HexColor(PHASE_COLOURS[k]) if k != NO_TRAJECTORY else colors.HexColor("#9e9e9e"),
                              text(PHASE_KEY_LABELS[k] + (" (kleur van de status)" if k == NO_TRAJECTORY else "")))
                             for k in keys]
    drawing.add(legend)
    return drawing


def coverage_drawings(rows: Sequence[tuple[str, float]]) -> list[Drawing]:
    """Coverage per municipality (name, share), lowest first, in charts of COVERAGE_CHUNK bars."""
    drawings = []
    ordered = sorted(rows, key=lambda r: (r[1], r[0]))
    for start in range(0, len(ordered), COVERAGE_CHUNK):
        chunk = list(reversed(ordered[start:start + COVERAGE_CHUNK]))
        height = 13 * len(chunk) + 40
        drawing = Drawing(WIDTH, height)
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 130, 25, WIDTH - 175, height - 35
        chart.data = [[round(share * 100, 1) for _, share in chunk]]
        chart.categoryAxis.categoryNames = [text(_cut(name, 28)) for name, _ in chunk]
        chart.categoryAxis.labels.fontSize = 7
        chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.labelTextFormat = "%d%%"
        chart.bars[0].fillColor = colors.HexColor("#2e7d32")
        chart.barLabelFormat = "%.0f%%"
        chart.barLabels.fontSize = 6.5
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        drawing.add(chart)
        drawings.append(drawing)
    return drawings


# ---------------------------------------------------------------- sections

FIGURES = (("schools", "Scholen (actieve vestigingen)", False), ("valid_certificates", "Geldig gecertificeerd", False),
           ("coverage", "Dekking (geldig / alle scholen)", True), ("in_trajectory", "In traject", False),
           ("expiring_soon", "Verloopt binnenkort", False), ("expired", "Verlopen", False),
           ("never_certified", "Nooit gecertificeerd", False))


def _cover(r: MeetingReport) -> list[Flowable]:
    sector = f"Sector: {SECTORS[r.scope.sector]}" if r.scope.sector else "Alle sectoren"
    parts: list[Flowable] = [Spacer(1, 4 * cm), para("Veilig in en om School", H2),
                             para("Stuurgroepvergadering: stand van zaken", H1), Spacer(1, 0.6 * cm)]
    made = r.generated_at.astimezone(clock.TIMEZONE)  # Dutch time: past midnight it is the next day already
    for line in (f"Gebied: {r.area}", sector, f"Peildatum: {format_nl(r.scope.as_of)}",
                 f"Vergeleken met: {r.choice.label}", f"Gemaakt op: {made:%d-%m-%Y %H:%M}"):
        parts.append(para(line, ParagraphStyle("cover", parent=BODY, fontSize=12, leading=18)))
    parts += [Spacer(1, 1 * cm), para(
        "Inhoud: kerncijfers met veranderingen; scholen naar certificaatstatus en trajectfase; dekking per "
        "gemeente; de gemeenten met veranderingen; de lijst van veranderingen; certificaten die binnen 6 en 12 "
        "maanden verlopen; de zwakste netwerken; de auditprognose tegenover de capaciteit.", SMALL),
        para("Dekking = scholen met een geldig certificaat / alle actieve schoolvestigingen in het DUO-register. "
             "Alle cijfers zijn berekend zoals op de pagina's Overzicht en Gemeenten.", SMALL), PageBreak()]
    return parts


def _key_figures(r: MeetingReport) -> list[Flowable]:
    d = r.data
    rows: list[list[Any]] = [["Kerncijfer", f"Nu ({format_nl(d.as_of)})", f"Toen ({format_nl(d.compare_with)})",
                              "Verandering"]]
    for field, name, percent in FIGURES:
        now, then = d.totals[field], d.totals_then[field]  # type: ignore[literal-required]
        rows.append([name, text(pct(now)) if percent else str(now), text(pct(then)) if percent else str(then),
                     change(d.total_changes[field], percent)])
    rows.append(["Deelnemend (in traject of geldig)", str(d.taking_part), str(d.taking_part -
                                                                               (d.total_changes["taking_part"] or 0)),
                 change(d.total_changes["taking_part"])])
    for phase, n in d.totals["in_trajectory_by_phase"].items():
        rows.append([f"  waarvan {PHASES[phase].lower()}", str(n), str(d.totals_then["in_trajectory_by_phase"][phase]),
                     change(d.total_changes["in_trajectory_by_phase"][phase])])
    return [para("Kerncijfers", H2), _table(rows, [WIDTH * 0.4, WIDTH * 0.2, WIDTH * 0.2, WIDTH * 0.2]),
            Spacer(1, 0.4 * cm), para("Scholen naar certificaatstatus en trajectfase", H2),
            para("Elke school staat één keer in een balk (zijn certificaatstatus); de kleur is zijn lopende "
                 "trajectfase. Een school die hercertificeert met een nog geldig certificaat telt dus als geldig "
                 "én als in traject. De balken tellen op tot de scholen; 'geldig' + 'verloopt binnenkort' tot de "
                 "geldige certificaten; de blauwe delen tot de scholen in traject.", SMALL),
            status_phase_drawing(d.status_phase), PageBreak()]


def _coverage(r: MeetingReport) -> list[Flowable]:
    rows = [(m.name, m.figures["coverage"]) for m in r.data.municipalities if m.figures["coverage"] is not None]
    empty = [m.name for m in r.data.municipalities if m.figures["coverage"] is None]
    parts: list[Flowable] = [para("Dekking per gemeente", H2),
                             para("Geldige certificaten / alle actieve scholen, laagste eerst.", SMALL)]
    parts += coverage_drawings(rows)
    if empty:
        parts.append(para("Zonder scholen in deze selectie: " + ", ".join(empty) + ".", SMALL))
    return [*parts, PageBreak()]


def _municipalities(r: MeetingReport) -> list[Flowable]:
    header = ["Gemeente", "Scholen", "Geldig", "Dekking", "In traject", "Binnenkort", "Verlopen", "Nooit"]
    rows: list[list[Any]] = [header]
    for m in r.data.municipalities:
        f, c = m.figures, m.changes
        rows.append([cell(m.name), with_change(f["schools"], c["schools"]),
                     with_change(f["valid_certificates"], c["valid_certificates"]),
                     with_change(f["coverage"], c["coverage"], percent=True) if f["coverage"] is not None else "-",
                     with_change(f["in_trajectory"], c["in_trajectory"]),
                     with_change(f["expiring_soon"], c["expiring_soon"]), with_change(f["expired"], c["expired"]),
                     with_change(f["never_certified"], c["never_certified"])])
    t = r.data.totals
    tc = r.data.total_changes
    rows.append(["Totaal", with_change(t["schools"], tc["schools"]),
                 with_change(t["valid_certificates"], tc["valid_certificates"]),
                 with_change(t["coverage"], tc["coverage"], percent=True) if t["coverage"] is not None else "-",
                 with_change(t["in_trajectory"], tc["in_trajectory"]),
                 with_change(t["expiring_soon"], tc["expiring_soon"]),
                 with_change(t["expired"], tc["expired"]), with_change(t["never_certified"], tc["never_certified"])])
    first = WIDTH * 0.23
    table = _table(rows, [first] + [(WIDTH - first) / 7] * 7)
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7.5)]))
    return [para("Gemeenten", H2),
            para(f"Tussen haakjes: de verandering sinds {r.choice.label} (dekking in procentpunten).", SMALL),
            table, PageBreak()]


def change_what(c: Change) -> str:
    if c.kind in ("phase", "certified"):
        before = PHASES.get(c.phase_from, c.phase_from) if c.phase_from else "-"
        return f"{before} -> {PHASES.get(c.phase_to or '', c.phase_to)}"
    return c.detail


def _changes(r: MeetingReport) -> list[Flowable]:
    k = r.data.change_summary.kinds
    summary = (f"{k['certified']} school(en) gecertificeerd, {k['expired']} certifica(a)t(en) verlopen zonder "
               f"vernieuwing, {k['phase']} faseovergang(en), {k['partnership_started']} samenwerking(en) gestart, "
               f"{k['partnership_ended']} beëindigd.")
    rows: list[list[Any]] = [["Datum", "Gebeurtenis", "BRIN", "School", "Gemeente", "Wat"]]
    shown = r.data.changes[-MAX_EVENTS:]
    for c in shown:
        rows.append([format_nl(c.on), CHANGE_KINDS[c.kind], c.school_code, cell(c.school_name),
                     cell(c.municipality_name), cell(change_what(c))])
    widths = [0.1, 0.15, 0.07, 0.27, 0.14, 0.27]
    parts: list[Flowable] = [para(f"Veranderingen sinds {r.choice.label}", H2), para(summary)]
    if len(shown) < len(r.data.changes):
        parts.append(para(f"De lijst toont de {len(shown)} meest recente van {len(r.data.changes)} gebeurtenissen "
                          "(oudste eerst); de volledige lijst staat op Gemeenten en in `vios report --since --json`.",
                          SMALL))
    if len(rows) > 1:
        parts.append(_table(rows, [WIDTH * w for w in widths]))
    else:
        parts.append(para("Geen veranderingen in deze periode.", SMALL))
    return [*parts, PageBreak()]


def _expiry_table(rows: list[ExpiryRow]) -> list[Flowable]:
    if not rows:
        return [para("Geen.", SMALL)]
    data: list[list[Any]] = [["Verloopt op", "BRIN", "School", "Gemeente", "Heraudit gepland"]]
    data += [[format_nl(e.expires_on), e.code, cell(e.name), cell(e.municipality), cell(e.planned_in or "nee")]
             for e in rows[:MAX_EXPIRIES]]
    table = _table(data, [WIDTH * w for w in (0.12, 0.08, 0.34, 0.18, 0.28)])
    if len(rows) <= MAX_EXPIRIES:
        return [table]
    return [table, para(f"... en nog {len(rows) - MAX_EXPIRIES} (de volledige lijst staat op Certificering).",
                        SMALL)]


def _expiring(r: MeetingReport) -> list[Flowable]:
    return [para("Certificaten die verlopen", H2),
            para(f"Binnen 6 maanden ({len(r.expiring_6)})", STYLES["Heading3"]), *_expiry_table(r.expiring_6),
            para(f"Binnen 12 maanden ({len(r.expiring_12)})", STYLES["Heading3"]), *_expiry_table(r.expiring_12),
            PageBreak()]


def _weak(r: MeetingReport) -> list[Flowable]:
    parts: list[Flowable] = [para("Zwakste netwerken", H2), para(
        f"Scholen zonder samenwerking of met minder dan de helft van de vereiste partnertypes: {r.weak_total}; "
        f"de {len(r.weak)} zwakste.", SMALL)]
    if r.weak:
        rows: list[list[Any]] = [["School", "BRIN", "Gemeente", "Partners", "Compleet", "Ontbreekt"]]
        rows += [[cell(w.school), w.code, cell(w.municipality), str(w.partners), text(pct(w.share)), cell(w.missing)]
                 for w in r.weak]
        parts.append(_table(rows, [WIDTH * w for w in (0.28, 0.08, 0.15, 0.08, 0.09, 0.32)]))
    return parts


def _forecast(r: MeetingReport) -> list[Flowable]:
    parts: list[Flowable] = [Spacer(1, 0.5 * cm), para("Auditprognose tegenover de capaciteit", H2), para(
        f"Verwachte audits per kwartaal: hercertificering van verlopende certificaten en de geplande tranches "
        f"({r.forecast_regions} regio('s)); capaciteit = de ingestelde auditcapaciteit per kwartaal.", SMALL)]
    if not r.forecast:
        return [*parts, para("Geen regio in dit gebied.", SMALL)]
    rows: list[list[Any]] = [["Kwartaal", "Verlopende certificaten", "Tranches", "Totaal", "Capaciteit",
                              "Boven capaciteit"]]
    rows += [[q.label, str(q.from_expiries), str(q.from_tranches), str(q.total),
              "onbekend" if q.capacity is None else str(q.capacity), "ja" if q.over_capacity else "nee"]
             for q in r.forecast]
    return [*parts, _table(rows, [WIDTH / 6] * 6)]


def build_pdf(r: MeetingReport) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    buffer = BytesIO()
    pages = [0]

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        pages[0] = doc.page
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, 0.9 * cm, text(f"Veilig in en om School - {r.area} - peildatum "
                                                 f"{format_nl(r.scope.as_of)} - vergeleken met {r.choice.label}"))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 0.9 * cm, f"pagina {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN,
                            title=text(f"Stuurgroepvergadering {r.area} {format_nl(r.scope.as_of)}"),
                            author="Veilig in en om School")
    story = [*_cover(r), *_key_figures(r), *_coverage(r), *_municipalities(r), *_changes(r), *_expiring(r),
             *_weak(r), *_forecast(r)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), pages[0]
