"""Gegevens: import (with a preview of what will change), the import history, and export of the exchange format.

The preview and the import of a file run in the background (web/request_context.page_background_callback):
a progress bar with the step, the rows done (dataio.progress) and the seconds so far, a cancel button for
the preview (it writes nothing; an import, once confirmed, runs to its end: one transaction, all or
nothing), the result when done."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components.inputs import dropdown
from dataio import progress
from dataio.errors import COUNT_KINDS, RowError
from domain import clock
from domain.vocab import SECTORS
from pages import _import_history
from services import permissions
from services.permissions import PermissionDenied, Principal
from services.uploads import UploadOutcome, decode_upload, run_upload
from web.request_context import Progress, Request, page_background_callback, page_callback, page_layout, ticking

dash.register_page(__name__, path="/gegevens", name="Gegevens", order=90,
                   title="Gegevens – Veilig in en om School")

COUNT_HEADERS = {"created": "Nieuw", "updated": "Gewijzigd", "unchanged": "Ongewijzigd",
                 "deactivated": "Inactief gemaakt"}
MAX_ERRORS_SHOWN = 200
_HIDDEN = {"display": "none"}
_SHOWN = {"display": "block"}
PREVIEW_CANCELLED = "Het voorbeeld is geannuleerd; er is niets gecontroleerd of opgeslagen. Kies het bestand opnieuw."
IMPORT_DENIED = permissions.IMPORT_DENIED
EXPORT_DENIED = ("Een schoolbestuurder kan geen uitwisselbestand downloaden: de export bevat alle scholen van "
                 "de regio's, niet alleen die van uw bestuur.")


def _denied(message: str, id_: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", id=id_)


@page_layout("Gegevens")
def layout(request: Request) -> html.Div:
    principal = request.principal
    importer = (_importer(principal) if permissions.can_import_files(principal)
                else dbc.Alert(IMPORT_DENIED, color="info", id="data-no-import"))
    exporter = _exporter(principal)
    history = (_import_history.history_card(request) if permissions.can_import_files(principal) else None)
    return html.Div([html.H2("Gegevens", className="h4 mb-3"), importer, history, exporter])


def _importer(principal: Principal) -> dbc.Card:
    kinds = [{"label": "Uitwisselbestand (.xlsx of zip met CSV-bestanden)", "value": "exchange"}]
    if permissions.is_admin(principal):
        kinds.append({"label": "DUO-register scholen (CSV)", "value": "duo"})
    limited = [] if permissions.is_admin(principal) else [dbc.Alert(
        "U kunt gegevens van uw eigen regio importeren. Rijen die iets buiten uw regio zouden wijzigen, "
        "worden met hun regelnummer geweigerd. Het DUO-register importeert de beheerder.",
        color="info", className="py-2", id="data-import-limited")]
    return dbc.Card(dbc.CardBody([
        html.H3("Importeren", className="h5"), *limited,
        dbc.RadioItems(id="data-kind", value="exchange", inline=True, className="mb-2", options=kinds),
        html.Div(dbc.Row(dbc.Col([
            dbc.Label("Sector van het DUO-bestand", html_for="data-sector"),
            dropdown("data-sector", [{"label": f"{label} ({code})", "value": code} for code, label in SECTORS.items()],
                     "vo", clearable=False),
        ], md=4)), id="data-sector-row", style={"display": "none"}, className="mb-2"),
        dbc.Checklist(id="data-partial", value=[], className="mb-2", options=[{
            "label": "Bij fouten de geldige rijen wel importeren en de afgekeurde rijen als bestand downloaden",
            "value": "partial"}]),
        dcc.Upload(id="data-upload", multiple=False, className="border border-2 rounded p-4 text-center bg-light",
                   children=html.Div(["Sleep een bestand hierheen of ", html.A("kies een bestand", href="#")])),
        html.Div([
            dbc.Progress(id="data-progress", value=0, striped=True, animated=True, label="", className="mb-2",
                         style={"height": "1.5rem"}),
            dbc.Button("Annuleren", id="data-cancel", color="secondary", outline=True, size="sm", style=_HIDDEN),
        ], id="data-busy", style=_HIDDEN, className="mt-3"),
        # Hidden while a preview runs: nothing of an earlier preview can be acted on meanwhile.
        html.Div([
            html.Div(id="data-preview", className="mt-3"),
            # Closing schools is never a side effect: the preview of a DUO file that would close many shows this.
            html.Div(dbc.Checklist(id="data-deactivate", value=[], options=[], className="fw-bold"),
                     id="data-deactivate-box", style={"display": "none"}, className="alert alert-warning py-2"),
            dbc.Button("Importeren", id="data-confirm", color="primary", disabled=True, className="mt-2"),
        ], id="data-review"),
        html.Div(id="data-result", className="mt-3"),
        dcc.Download(id="data-rejects-download"),
    ]), className="mb-4 shadow-sm")


def _exporter(principal: Principal) -> dbc.Card:
    if not permissions.can_export_exchange(principal):
        export_part: list[object] = [html.P(EXPORT_DENIED, className="text-muted", id="data-no-export")]
    else:
        personal = (dbc.Checklist(id="data-export-personal", value=[], className="mb-2", options=[
            {"label": "Zonder persoonsgegevens (contactpersonen weglaten)", "value": "without"}])
            if permissions.can_see_personal_data(principal) else
            html.Div([html.P("Contactpersonen worden weggelaten: uw rol heeft geen toegang tot persoonsgegevens.",
                             className="small text-muted"),
                      dbc.Checklist(id="data-export-personal", value=["without"], style={"display": "none"},
                                    options=[{"label": "Zonder persoonsgegevens", "value": "without"}])]))
        export_part = [
            html.P("De gegevens van de gebieden die u mag zien in het uitwisselformaat: één blad per soort gegeven, "
                   "met dezelfde kolommen als het sjabloon. Een export kan ongewijzigd weer worden geïmporteerd.",
                   className="text-muted"),
            personal,
            dbc.Button("Download uitwisselbestand (.xlsx)", id="data-export", color="primary", className="me-2"),
        ]
    return dbc.Card(dbc.CardBody([
        html.H3("Exporteren", className="h5"),
        *export_part,
        dbc.Button("Download leeg sjabloon met toelichting", id="data-template", color="secondary", outline=True),
        html.Div(id="data-export-message"),
        dcc.Download(id="data-export-download"),
        dcc.Download(id="data-template-download"),
    ]), className="shadow-sm")


@callback(Output("data-sector-row", "style"), Input("data-kind", "value"))
def show_sector(kind: object) -> dict[str, str]:
    return {"display": "block"} if kind == "duo" else {"display": "none"}


def _counts_table(counts: dict[str, dict[str, int]]) -> dbc.Table:
    header = html.Thead(html.Tr([html.Th("Blad")] + [html.Th(COUNT_HEADERS[k]) for k in COUNT_KINDS]))
    body = html.Tbody([
        html.Tr([html.Td(sheet)] + [html.Td(values.get(k, 0), className="text-end") for k in COUNT_KINDS])
        for sheet, values in counts.items()
    ])
    return dbc.Table([header, body], bordered=True, size="sm", className="w-auto", id="data-counts")


def _errors_table(errors: list[RowError]) -> html.Div:
    shown = errors[:MAX_ERRORS_SHOWN]
    rows = [html.Tr([html.Td(e.file), html.Td(e.sheet), html.Td(e.line, className="text-end"), html.Td(e.column),
                     html.Td(e.reason)]) for e in shown]
    more = f" (de eerste {MAX_ERRORS_SHOWN} getoond)" if len(errors) > MAX_ERRORS_SHOWN else ""
    return html.Div([
        html.H4(f"{len(errors)} fout(en){more}", className="h6 text-danger"),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Bestand", "Blad", "Regel", "Kolom", "Reden")])),
                   html.Tbody(rows)], bordered=True, size="sm", striped=True, id="data-errors"),
    ])


def _text(value: object, default: str = "") -> str:
    """A callback value that must be text (crafted requests may send anything)."""
    return value if isinstance(value, str) else default


def _partial(value: object) -> bool:
    return isinstance(value, list) and "partial" in value


def _confirmed(value: object) -> int | None:
    """The number of closures the user confirmed with the checkbox (its value), else None."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and value[0].isdigit():
        return int(value[0])
    return None


def _deactivation_choice(outcome: UploadOutcome) -> tuple[list[dict[str, str]], dict[str, str]]:
    count = outcome.result.deactivations_to_confirm if outcome.result is not None else 0
    if not count:
        return [], {"display": "none"}
    label = f"Ja, maak de {count} scholen die niet in het bestand staan inactief"
    return [{"label": label, "value": str(count)}], {"display": "block"}


def _outcome_view(outcome: UploadOutcome, *, preview: bool) -> list[object]:
    parts: list[object] = []
    if outcome.result is not None:
        parts.append(html.P(outcome.message, id="data-summary"))
        parts += [dbc.Alert(w, color="warning", className="py-2") for w in outcome.result.warnings]
        parts.append(_counts_table(outcome.result.counts))
        if preview and outcome.result.examples:
            parts.append(html.Ul([html.Li(x) for x in outcome.result.examples[:10]], className="small"))
    else:
        parts.append(dbc.Alert(outcome.message, color="danger", id="data-summary"))
    if outcome.errors:
        parts.append(_errors_table(outcome.errors))
    return parts


# Where each step of an import runs on the bar (percent): a preview only reads and checks.
_PREVIEW_BAR = {progress.READING: (10, 15), progress.CHECKING: (15, 95)}
_IMPORT_BAR = {progress.READING: (10, 15), progress.CHECKING: (15, 50), progress.WAITING: (50, 55),
               progress.WRITING: (55, 95)}


@contextmanager
def _import_progress(set_progress: Progress, bar: dict[str, tuple[int, int]]) -> Iterator[None]:
    """While the importer runs: its step and rows (dataio.progress) and the seconds so far on the bar,
    "Rijen controleren: 6.000 van 12.000 (50%) · 2 s"."""
    latest = [progress.State(progress.READING)]

    def shown(seconds: float) -> tuple[object, ...]:
        state = latest[0]
        low, high = bar.get(state.step, (10, 95))
        return round(low + (high - low) * state.share), f"{state.label()} · {seconds:.0f} s"
    with progress.listening(lambda state: latest.__setitem__(0, state)), ticking(set_progress, shown):
        yield


_PROGRESS = [Output("data-progress", "value"), Output("data-progress", "label")]


@page_background_callback(
    Output("data-preview", "children"), Output("data-confirm", "disabled"), Output("data-result", "children"),
    Output("data-deactivate", "options"), Output("data-deactivate", "value"), Output("data-deactivate-box", "style"),
    Input("data-upload", "contents"), Input("data-kind", "value"), Input("data-sector", "value"),
    Input("data-partial", "value"), State("data-upload", "filename"),
    progress=_PROGRESS, progress_default=[0, ""], interval=500,
    running=[(Output("data-busy", "style"), _SHOWN, _HIDDEN), (Output("data-cancel", "style"), _SHOWN, _HIDDEN),
             (Output("data-review", "style"), _HIDDEN, _SHOWN), (Output("data-upload", "disabled"), True, False)],
    cancel=[Input("data-cancel", "n_clicks")],
    on_refusal=lambda message: (_denied(message, "data-summary"), True, None, [], [], _HIDDEN),
    prevent_initial_call=True,
)
def preview_upload(request: Request, set_progress: Progress, contents: object, kind: object, sector: object,
                   partial: object, filename: object) -> tuple[object, ...]:
    """Dry run: validate the whole file and show what would change, write nothing."""
    principal = request.principal
    if not permissions.can_import_files(principal):
        return _denied(IMPORT_DENIED, "data-summary"), True, None, [], [], _HIDDEN
    if not contents:
        return no_update, True, no_update, [], [], _HIDDEN
    name = _text(filename, "bestand")
    set_progress(10, "Bestand ontvangen")
    try:
        raw = decode_upload(contents)
        with _import_progress(set_progress, _PREVIEW_BAR):
            outcome = run_upload(_text(kind, "exchange"), name, raw, principal=principal,
                                 sector=_text(sector) or None, allow_partial=_partial(partial), dry_run=True)
    except (ValueError, PermissionDenied) as exc:
        return dbc.Alert(str(exc), color="danger", id="data-summary"), True, None, [], [], _HIDDEN
    title = html.H4(f"Voorbeeld van de import van {name}: er is nog niets opgeslagen", className="h6")
    can_import = outcome.result is not None and (not outcome.errors or _partial(partial))
    options, style = _deactivation_choice(outcome)
    return [title] + _outcome_view(outcome, preview=True), not can_import, None, options, [], style


@callback(Output("data-preview", "children", allow_duplicate=True), Output("data-confirm", "disabled",
                                                                            allow_duplicate=True),
          Output("data-deactivate-box", "style", allow_duplicate=True),
          Output("data-upload", "contents", allow_duplicate=True), Input("data-cancel", "n_clicks"),
          prevent_initial_call=True)
def preview_cancelled(_n: object) -> tuple[object, bool, dict[str, str], None]:
    """A cancelled preview leaves nothing to import (no earlier preview's button or checkbox); the upload is
    emptied, so that choosing the same file again starts a new preview (dcc.Upload only reports a change)."""
    return dbc.Alert(PREVIEW_CANCELLED, color="secondary", id="data-summary"), True, _HIDDEN, None


# ... and the browser's file input forgets the file (assets/upload.js), or the same file would not count as chosen.
clientside_callback(ClientsideFunction("vios_upload", "forget_file"), Input("data-cancel", "n_clicks"),
                    prevent_initial_call=True)


@page_background_callback(
    Output("data-result", "children", allow_duplicate=True), Output("data-rejects-download", "data"),
    Output("data-confirm", "disabled", allow_duplicate=True),
    Input("data-confirm", "n_clicks"),
    State("data-upload", "contents"), State("data-upload", "filename"), State("data-kind", "value"),
    State("data-sector", "value"), State("data-partial", "value"), State("data-deactivate", "value"),
    progress=_PROGRESS, progress_default=[0, ""], interval=500,
    running=[(Output("data-busy", "style"), _SHOWN, _HIDDEN), (Output("data-upload", "disabled"), True, False)],
    on_refusal=lambda message: (_denied(message, "data-import-refused"), None, True), prevent_initial_call=True,
)
def confirm_upload(request: Request, set_progress: Progress, n_clicks: object, contents: object, filename: object,
                   kind: object, sector: object, partial: object, deactivate: object) -> tuple[object, object, object]:
    principal = request.principal
    if not permissions.can_import_files(principal):
        return _denied(IMPORT_DENIED, "data-import-refused"), None, True
    if not n_clicks or not contents:
        return no_update, no_update, no_update
    set_progress(10, "Bestand ontvangen")
    try:
        raw = decode_upload(contents)
        with _import_progress(set_progress, _IMPORT_BAR):
            outcome = run_upload(_text(kind, "exchange"), _text(filename, "bestand"), raw, principal=principal,
                                 sector=_text(sector) or None, allow_partial=_partial(partial), dry_run=False,
                                 confirmed_deactivations=_confirmed(deactivate))
    except (ValueError, PermissionDenied) as exc:
        return dbc.Alert(str(exc), color="danger", id="data-import-refused"), None, True
    colour = "success" if outcome.result is not None and outcome.result.committed else "danger"
    view = [dbc.Alert(outcome.message, color=colour, id="data-import-done")] + _outcome_view(outcome, preview=False)
    download = dcc.send_bytes(outcome.rejects, outcome.rejects_name) if outcome.rejects else None
    return view, download, True



@page_callback(Output("data-export-download", "data"), Output("data-export-message", "children"),
               Input("data-export", "n_clicks"), State("data-export-personal", "value"),
               on_refusal=lambda message: (None, _denied(message, "data-export-refused")), prevent_initial_call=True)
def download_export(request: Request, n_clicks: int | None, personal: list[str] | None) -> tuple[object, object]:
    from dataio.exchange import export_bytes

    principal = request.principal
    if not permissions.can_export_exchange(principal):
        return None, _denied(EXPORT_DENIED, "data-export-refused")
    # anything but the checklist's own list (a crafted value) counts as "without personal data"
    wants_personal = isinstance(personal, list) and "without" not in personal
    include_personal = permissions.can_see_personal_data(principal) and wants_personal
    regions = permissions.readable_region_ids(principal, permissions.region_provinces(request.session))
    content = export_bytes(request.session, include_personal=include_personal, scope_region_ids=regions)
    return dcc.send_bytes(content, f"vios-export-{clock.today().isoformat()}.xlsx"), None


@page_callback(Output("data-template-download", "data"), Input("data-template", "n_clicks"),
               prevent_initial_call=True)
def download_template(_request: Request, n_clicks: int | None) -> object:
    from dataio.exchange import template_bytes

    return dcc.send_bytes(template_bytes(examples=True), "vios-sjabloon.xlsx")
