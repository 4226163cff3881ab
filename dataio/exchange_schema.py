"""Sheets and columns of the exchange workbook, with the Dutch explanations of the 'toelichting' sheet.

Sheets are listed in dependency order: a sheet only refers to sheets above it.
Rows refer to each other by natural keys (school code, CBS code, names), never by
database ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from domain.certification import PHASES
from domain.vocab import (
    APPROACH_ELEMENTS,
    APPROACH_MODELS,
    APPROACH_PHASES,
    ORGANISATION_TYPES,
    PARTNERSHIP_ROLES,
    SECTORS,
)

# Column kinds: text, int, float, date, datetime, bool, vocab, vocab_list, email, school, cbs, board, postcode.


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = "text"
    required: bool = False
    help: str = ""
    vocab: dict[str, str] | None = None
    max_len: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    # An empty cell keeps the current value (or the default for a new row) instead of clearing it.
    keep_if_empty: bool = False
    personal: bool = False


@dataclass(frozen=True)
class Ref:
    """Columns of a row that must match the key of a row in another sheet (or the database)."""
    columns: tuple[str, ...]
    sheet: str
    error_column: str


@dataclass(frozen=True)
class SheetSpec:
    name: str
    help: str
    key: tuple[str, ...]
    cols: tuple[Col, ...]
    refs: tuple[Ref, ...] = ()

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.cols]

    @cached_property
    def _by_name(self) -> dict[str, Col]:
        return {c.name: c for c in self.cols}

    def col(self, name: str) -> Col:
        return self._by_name[name]


def _codes(vocab: dict[str, str]) -> str:
    return ", ".join(f"{code} ({label})" for code, label in vocab.items())


DATE_HELP = "datum als jjjj-mm-dd of dd-mm-jjjj"

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "regios", "Regio's (convenantgroepen) met hun eigen regels voor certificering.", ("naam",),
        (
            Col("naam", required=True, max_len=150, help="naam van de regio; sleutel"),
            Col("provincie", max_len=100, help="naam van de provincie; wordt aangemaakt als die nog niet bestaat"),
            Col("geldigheid_maanden", "int", minimum=1, keep_if_empty=True,
                help="geldigheid van een certificaat in maanden (leeg: 24 of huidige waarde)"),
            Col("binnenkort_verlopen_maanden", "int", minimum=0, keep_if_empty=True,
                help="venster voor 'verloopt binnenkort' in maanden (leeg: 6 of huidige waarde)"),
            Col("verplichte_partnertypen", "vocab_list", vocab=ORGANISATION_TYPES,
                help="kernpartners van het basiskader, gescheiden door komma's; leeg = geen"),
            Col("doorlooptijd_min_maanden", "int", minimum=1, keep_if_empty=True,
                help="gebruikelijke doorlooptijd intake - certificaat, minimum (leeg: 6)"),
            Col("doorlooptijd_max_maanden", "int", minimum=1, keep_if_empty=True,
                help="idem, maximum; niet kleiner dan het minimum (leeg: 8)"),
            Col("auditcapaciteit_per_kwartaal", "int", minimum=1, help="aantal audits per kwartaal; leeg = onbekend"),
            Col("fase_max_maanden", "int", minimum=1, keep_if_empty=True,
                help="langer dan dit in één fase geldt als vastgelopen (leeg: 4)"),
        ),
    ),
    SheetSpec(
        "gemeenten", "Gemeenten met hun aanpak van schoolveiligheid.", ("cbs_code",),
        (
            Col("cbs_code", "cbs", required=True, help="CBS-code zoals GM0935 (0935 of 935 mag ook); sleutel"),
            Col("naam", required=True, max_len=150, help="naam van de gemeente"),
            Col("provincie", max_len=100, help="naam van de provincie"),
            Col("regio", max_len=150, help="naam van een regio uit blad 'regios' of uit de database; leeg = geen"),
            Col("aanpakmodel", "vocab", vocab=APPROACH_MODELS, keep_if_empty=True, help="aanpakmodel (leeg: geen)"),
            Col("aanpakfase", "vocab", vocab=APPROACH_PHASES, keep_if_empty=True,
                help="fase van de aanpak (leeg: geen)"),
            Col("aanpakfase_sinds", "date", help=f"sinds wanneer de gemeente in deze fase is; {DATE_HELP}"),
            Col("elementen", "vocab_list", vocab=APPROACH_ELEMENTS,
                help="elementen van de aanpak, gescheiden door komma's"),
            Col("bereik", max_len=500, help="welke scholen meedoen (vrije tekst)"),
        ),
        (Ref(("regio",), "regios", "regio"),),
    ),
    SheetSpec(
        "scholen", "Schoolvestigingen (DUO-codes). Scholen worden nooit verwijderd, alleen inactief gemaakt.",
        ("brin_vestiging",),
        (
            Col("brin_vestiging", "school", required=True,
                help="6 tekens: instellingscode + vestigingsnummer, bijv. 02QZ00; sleutel"),
            Col("naam", required=True, max_len=200, help="naam van de vestiging"),
            Col("sector", "vocab", required=True, vocab=SECTORS, help="onderwijssector"),
            Col("gemeente_cbs", "cbs", required=True, help="CBS-code van de gemeente (blad 'gemeenten' of database)"),
            Col("bestuur_nummer", "board", help="nummer van het bevoegd gezag (DUO); leeg = geen bestuur"),
            Col("bestuur_naam", max_len=200, keep_if_empty=True,
                help="naam van het bestuur; leeg laat de bekende naam staan"),
            Col("straat", max_len=200, help="straatnaam"),
            Col("huisnummer", max_len=20, help="huisnummer met toevoeging"),
            Col("postcode", "postcode", help="postcode, bijv. 6211 AB"),
            Col("plaats", max_len=100, help="plaatsnaam"),
            Col("telefoon", max_len=30, help="telefoonnummer van de school"),
            Col("website", max_len=200, help="website van de school"),
            Col("denominatie", max_len=100, help="denominatie (bijv. Rooms-Katholiek, Openbaar)"),
            Col("breedtegraad", "float", minimum=-90, maximum=90, help="breedtegraad (WGS84), bijv. 50,8514"),
            Col("lengtegraad", "float", minimum=-180, maximum=180, help="lengtegraad (WGS84), bijv. 5,6910"),
            Col("leerlingen", "int", minimum=0, help="aantal leerlingen"),
            Col("actief", "bool", keep_if_empty=True, help="ja of nee (leeg: ja voor een nieuwe school)"),
            Col("inactief_sinds", "date", help=f"alleen als actief 'nee' is; {DATE_HELP}"),
        ),
        (Ref(("gemeente_cbs",), "gemeenten", "gemeente_cbs"),),
    ),
    SheetSpec(
        "organisaties", "Partnerorganisaties.", ("naam",),
        (
            Col("naam", required=True, max_len=200, help="naam van de organisatie; sleutel"),
            Col("type", "vocab", required=True, vocab=ORGANISATION_TYPES, help="soort organisatie"),
            Col("gemeente_cbs", "cbs", help="CBS-code van de gemeente waar de organisatie werkt; leeg = geen"),
            Col("einddatum", "date", help="laatste dag dat de organisatie met scholen werkt; leeg = actief. "
                                          + DATE_HELP),
        ),
        (Ref(("gemeente_cbs",), "gemeenten", "gemeente_cbs"),),
    ),
    SheetSpec(
        "contactpersonen", "Contactpersonen bij organisaties ('namen en rugnummers'). Persoonsgegevens!",
        ("organisatie", "naam"),
        (
            Col("organisatie", required=True, max_len=200,
                help="naam van de organisatie (blad 'organisaties' of database)"),
            Col("naam", required=True, max_len=150, personal=True,
                help="naam van de persoon; sleutel samen met organisatie"),
            Col("functie", max_len=150, help="functie of rol, bijv. wijkagent"),
            Col("telefoon", max_len=30, personal=True, help="telefoonnummer"),
            Col("email", "email", max_len=200, personal=True, help="e-mailadres"),
            Col("einddatum", "date", help="laatste dag als contactpersoon; leeg = actief. " + DATE_HELP),
        ),
        (Ref(("organisatie",), "organisaties", "organisatie"),),
    ),
    SheetSpec(
        "samenwerkingen", "Samenwerkingen tussen een school en een organisatie. Beëindigen met een einddatum.",
        ("school", "organisatie", "rol", "startdatum"),
        (
            Col("school", "school", required=True, help="DUO-code van de school (blad 'scholen' of database)"),
            Col("organisatie", required=True, max_len=200, help="naam van de organisatie"),
            Col("rol", "vocab", required=True, vocab=PARTNERSHIP_ROLES, help="rol van de samenwerking"),
            Col("contactpersoon", max_len=150, personal=True,
                help="naam van een contactpersoon van deze organisatie (blad 'contactpersonen' of database)"),
            Col("startdatum", "date", required=True, help=DATE_HELP),
            Col("einddatum", "date", help=f"leeg = loopt nog; niet vóór de startdatum; {DATE_HELP}"),
            Col("afspraken", max_len=2000, help="gemaakte afspraken (vrije tekst)"),
        ),
        (
            Ref(("school",), "scholen", "school"),
            Ref(("organisatie",), "organisaties", "organisatie"),
            Ref(("organisatie", "contactpersoon"), "contactpersonen", "contactpersoon"),
        ),
    ),
    SheetSpec(
        "tranches", "Tranches: groepen scholen die samen het certificeringstraject starten.", ("regio", "naam"),
        (
            Col("regio", required=True, max_len=150, help="naam van de regio"),
            Col("naam", required=True, max_len=100, help="naam van de tranche, uniek binnen de regio"),
            Col("startdatum", "date", required=True, help=DATE_HELP),
            Col("capaciteit", "int", required=True, minimum=1, help="maximaal aantal scholen (positief geheel getal)"),
        ),
        (Ref(("regio",), "regios", "regio"),),
    ),
    SheetSpec(
        "trajecten", "Certificeringstrajecten: cyclus 1 is de eerste certificering, 2 de eerste hercertificering, enz.",
        ("school", "cyclus"),
        (
            Col("school", "school", required=True, help="DUO-code van de school"),
            Col("cyclus", "int", required=True, minimum=1, help="1, 2, 3, ..."),
            Col("tranche_regio", max_len=150, help="regio van de tranche; samen met 'tranche' invullen of beide leeg"),
            Col("tranche", max_len=100, help="naam van de tranche (blad 'tranches' of database)"),
        ),
        (
            Ref(("school",), "scholen", "school"),
            Ref(("tranche_regio", "tranche"), "tranches", "tranche"),
        ),
    ),
    SheetSpec(
        "fasen",
        "Fasewisselingen van een traject. Alleen toevoegen: een fase die al bestaat (zelfde school, cyclus, "
        "fase, datum en notitie) wordt overgeslagen; fasen worden nooit gewijzigd of verwijderd. Een nieuwe fase "
        "moet een toegestane overgang zijn vanaf de vorige fase van het traject (op datumvolgorde), of een "
        "correctie terug naar de fase daarvoor; een correctie is een nieuwe regel.",
        ("school", "cyclus", "fase", "datum", "notitie"),
        (
            Col("school", "school", required=True, help="DUO-code van de school"),
            Col("cyclus", "int", required=True, minimum=1,
                help="cyclus van het traject (blad 'trajecten' of database)"),
            Col("fase", "vocab", required=True, vocab=PHASES, help="fase"),
            Col("datum", "date", required=True, help=DATE_HELP),
            Col("notitie", max_len=2000, help="toelichting bij de fase"),
            Col("vastgelegd_door", max_len=100, personal=True, help="wie de fase vastlegde"),
            Col("vastgelegd_op", "datetime",
                help="wanneer vastgelegd, Nederlandse tijd (jjjj-mm-dd uu:mm:ss); leeg = moment van import"),
        ),
        (
            Ref(("school",), "scholen", "school"),
            Ref(("school", "cyclus"), "trajecten", "cyclus"),
        ),
    ),
)
SHEETS_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}
INFO_SHEET = "toelichting"
ERROR_COLUMN = "fout"

_KIND_VALUES = {
    "int": "geheel getal", "float": "getal (komma of punt)", "date": DATE_HELP, "datetime": "datum en tijd",
    "bool": "ja of nee", "email": "e-mailadres", "school": "6 tekens, bijv. 02QZ00", "cbs": "GM + 4 cijfers",
    "board": "cijfers/letters, maximaal 10", "postcode": "1234 AB",
}

GENERAL_HELP: tuple[str, ...] = (
    "Uitwisselbestand Veilig in en om School",
    "Elk blad bevat één soort gegevens; de eerste regel bevat de kolomnamen. Dit blad 'toelichting' wordt bij "
    "het inlezen overgeslagen.",
    "Rijen verwijzen naar elkaar met namen en codes (schoolcode, CBS-code, naam van regio of organisatie), "
    "niet met nummers uit de database. Een verwijzing moet bestaan in dit bestand of al in de database.",
    "Ontbrekende bladen worden overgeslagen; onbekende kolommen worden genegeerd (en bij het inlezen genoemd). "
    "Ontbreekt een niet-verplichte kolom, dan blijft die waarde in de database ongewijzigd.",
    "Bestaande rijen (zelfde sleutel) worden bijgewerkt, nieuwe toegevoegd; er wordt nooit iets verwijderd.",
    "Keuzelijsten: de code of de Nederlandse omschrijving mag (hoofdletters maken niet uit).",
    "Datums: jjjj-mm-dd of dd-mm-jjjj, of een datumcel in Excel.",
    "Bevat het bestand een fout, dan wordt niets ingelezen en krijgt u een lijst met blad, regel en kolom "
    "van elke fout.",
)
INFO_HEADER = ["blad", "kolom", "verplicht", "uitleg", "toegestane waarden"]
INFO_WIDTHS = [18, 30, 10, 80, 80]


def info_table() -> tuple[list[str], list[list[str]]]:
    """Header and rows of the 'toelichting' sheet: general rules, then one row per sheet and column."""
    rows: list[list[str]] = [[line] for line in GENERAL_HELP[1:]] + [[], INFO_HEADER]
    for sheet in SHEETS:
        rows.append([sheet.name, "", "", f"{sheet.help} Sleutel: {', '.join(sheet.key)}.", ""])
        for col in sheet.cols:
            allowed = _codes(col.vocab) if col.vocab else _KIND_VALUES.get(col.kind, "tekst")
            if col.max_len and col.kind == "text":
                allowed += f", maximaal {col.max_len} tekens"
            rows.append([sheet.name, col.name, "ja" if col.required else "nee", col.help, allowed])
    return [GENERAL_HELP[0]], rows
