"""The accessibility statement (toegankelijkheidsverklaring) at /toegankelijkheid, after the Dutch model
statement (digitoegankelijk.nl): status, what was checked, how, what does not meet the standard yet, contact.

Public, as the Besluit digitale toegankelijkheid overheid expects: a plain HTML page served by Flask (like
/login) that shows no data of the app, only this fixed text. Linked from the app's footer and the login page.
Not a Dash page (this module has no page registration): it needs no login and no callbacks.
"""
from __future__ import annotations

from datetime import date
from html import escape

import flask

from domain.dates import format_nl

PATH = "/toegankelijkheid"
AXE_VERSION = "4.14.1"
STATEMENT_DATE = date(2026, 12, 1)
PAGES = ["Inloggen", "Overzicht", "Certificering", "Netwerk", "Gemeenten", "Planning", "Gegevens", "Beheer",
         "Schoolpagina", "deze verklaring"]
CHECKED = [
    f"Automatisch: axe-core {AXE_VERSION} met alle regels van WCAG 2.0 en 2.1, niveau A en AA, in Chromium, "
    "op elke pagina en voor elke rol (beheerder, coördinator, stuurgroeplid, bestuurder), ook met een school "
    "gekozen, een formulier of venster open en een planningsvoorstel gemaakt. Dit draait bij elke wijziging "
    "van de app mee in de geautomatiseerde tests: 0 overtredingen.",
    "Toetsenbord: een volledige werkstroom van een coördinator met alleen het toetsenbord (inloggen, een fase "
    "vastleggen, een samenwerking toevoegen, een planning voorstellen en met een reden aanpassen, een bestand "
    "inlezen, uitloggen), met een zichtbare focus.",
    "Zoom en herschikken: de pagina's bij 200% zoom en bij een venster van 320 CSS-pixels breed: geen "
    "horizontaal scrollen buiten de tabellen, de bediening blijft zichtbaar.",
    "Tekstalternatieven: elke grafiek heeft de knop ‘Toon als tabel’ met dezelfde gegevens als tabel; het "
    "netwerk van een school staat ook als lijst (partners en ontbrekende kernpartners); status staat er "
    "ook als tekst bij, niet alleen als kleur.",
]
KNOWN_ISSUES = [
    "Er is nog geen volledig handmatig onderzoek door een onafhankelijke deskundige volgens de WCAG-EM-methode "
    "gedaan. Automatische controles vinden maar een deel van de mogelijke problemen.",
    "De app is nog niet getest met schermlezers (NVDA, JAWS, VoiceOver).",
    "De netwerkgrafiek en de kaart zijn met het toetsenbord niet te verkennen (inzoomen, knooppunten of punten "
    "kiezen). De gegevens staan wel als lijst of tabel naast de grafiek.",
    "De PDF-verslagen van overleggen zijn niet getoetst aan PDF/UA (toegankelijke PDF).",
    "Bij 320 pixels breed vallen lange grafieklegenda's en de tekst van een gekozen keuzelijstoptie deels weg; "
    "de tabel bij elke grafiek en de geopende keuzelijst tonen de volledige tekst.",
    "Op de kaart verschillen de scholen naar status alleen in kleur; de status staat in de tabel bij de kaart "
    "en in de tekst die verschijnt bij een punt.",
]


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def statement_html() -> str:
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Toegankelijkheidsverklaring – Veilig in en om School</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/bootstrap/bootstrap.min.css">
<style>a {{ color: #0b4ea2; }}</style></head>
<body><header class="border-bottom bg-light py-2"><div class="container" style="max-width: 48rem">
<a href="/">Veilig in en om School</a></div></header>
<main class="container py-3" style="max-width: 48rem" id="toegankelijkheid">
<h1 class="h3">Toegankelijkheidsverklaring</h1>
<p>De organisaties achter Veilig in en om School willen dat iedereen de webapplicatie kan gebruiken, ook met
een schermlezer, alleen met het toetsenbord of met een ingezoomd scherm. De eis is de Europese norm EN 301 549,
die verwijst naar WCAG 2.1 niveau A en AA (Besluit digitale toegankelijkheid overheid).</p>
<h2 class="h5">Status</h2>
<p id="status">Veilig in en om School <strong>voldoet gedeeltelijk</strong> aan de eisen: de automatische en
handmatige controles hieronder vinden geen overtredingen meer, maar een volledig onderzoek door een
onafhankelijke deskundige is nog niet gedaan. Deze verklaring is opgesteld op {format_nl(STATEMENT_DATE)}.</p>
<h2 class="h5">Wat is onderzocht</h2>
<p>De hele webapplicatie: {escape(", ".join(PAGES))}.</p>
<h2 class="h5">Hoe is het onderzocht</h2>
{_list(CHECKED)}
<h2 class="h5">Wat nog niet aan de eisen voldoet</h2>
{_list(KNOWN_ISSUES)}
<h2 class="h5">Contact</h2>
<p>Loopt u tegen een probleem aan, of wilt u informatie in een andere vorm? Neem contact op met de beheerder
van Veilig in en om School in uw organisatie. U krijgt binnen vijf werkdagen antwoord. Bent u niet tevreden
over de afhandeling, dan kunt u zich wenden tot de Nationale ombudsman.</p>
<p><a href="/">Naar Veilig in en om School</a></p>
</main></body></html>"""


def _statement() -> flask.Response:
    response = flask.Response(statement_html(), mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def install(server: flask.Flask) -> None:
    """GET /toegankelijkheid; web/login.py lets it through without login."""
    server.add_url_rule(PATH, "vios_accessibility_statement", _statement, methods=["GET"])
