"""Generators for fictional names, codes, addresses and contact details.

Every function takes the caller's random.Random so the seeds stay deterministic.
Phone numbers are deliberately invalid (subscriber part starting with 0) and
e-mail addresses use the voorbeeld.nl example domain, so no real person is reached.
"""
from __future__ import annotations

import random
import re
import string

FIRST_NAMES = (
    "Anouk", "Bram", "Charlotte", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Iris", "Jeroen", "Karin", "Lars",
    "Lotte", "Maarten", "Naima", "Olaf", "Petra", "Quinten", "Rianne", "Sander", "Tessa", "Ulrike", "Vincent",
    "Wendy", "Yusuf", "Zeynep", "Ahmed", "Bart", "Chantal", "Dennis", "Esther", "Frank", "Gerda", "Hasan",
    "Ilse", "Joost", "Kim", "Linda", "Mohamed", "Nicole", "Orlando", "Priya", "Ruud", "Sanne", "Thijs",
    "Vera", "Willem", "Yvonne", "Marloes", "Niels", "Saskia", "Kees", "Fatima", "Mila", "Jorn", "Roos",
)
LAST_NAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
    "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Vermeulen", "van Dijk", "Willems", "Schouten",
    "Hoekstra", "Koster", "Prins", "Huisman", "Kuipers", "Maas", "Claessens", "Lemmens", "Frissen",
    "Vranken", "Ramakers", "Janssens", "El Amrani", "Yilmaz", "Öztürk", "Bouzid", "Sahin", "Pinas",
)
# Invented school name stems; combined with a type word they name no real school.
SCHOOL_STEMS = (
    "Zilverlinde", "Kraaienvelde", "Heuvelpoort", "Mergelrand", "Lindenhaag", "Beukenhorst", "Waterkant",
    "Sterrenwijzer", "Kompasroos", "Vlinderhof", "Regenboogpad", "Duinzicht", "Molenwiek", "Eikenlaan",
    "Bronsgroen", "Windroos", "Zonnewijzer", "Klaverveld", "Hazelaar", "Brugwachter", "Lichtboei",
    "Rivierduin", "Kastanjehof", "Wilgenrijk", "Uilenburcht", "Blauwe Reiger", "Vuurtoren", "Meander",
    "Koraal", "Parelvisser", "Tuinfluiter", "Horizon-Noord", "Spoorzicht", "Zandloper", "Ganzenveer",
)
SCHOOL_TYPES = {
    "po": ("Basisschool", "Kindcentrum", "Montessorischool", "Daltonschool", "Jenaplanschool"),
    "vo": ("College", "Lyceum", "Scholengemeenschap", "Gymnasium", "Mavo", "Vmbo"),
    "mbo": ("Vakcollege", "mbo-campus", "Beroepscollege"),
    "so": ("SO-school", "Mytylschool"),
    "vso": ("VSO-school", "Expertisecentrum"),
    "pro": ("Praktijkschool", "Praktijkcollege"),
}
STREETS = (
    "Schoolstraat", "Kerkstraat", "Stationsweg", "Dorpsstraat", "Molenweg", "Parklaan", "Julianalaan",
    "Beatrixlaan", "Industrieweg", "Sportlaan", "Wilhelminastraat", "Nieuwe Weg", "Lindelaan", "Kastanjelaan",
    "Burgemeester Smeetsweg", "Oranjeplein", "Hoofdstraat", "Europalaan", "Rijksweg", "Veldstraat",
)
DENOMINATIONS = ("Openbaar", "Rooms-Katholiek", "Protestants-Christelijk", "Algemeen bijzonder",
                 "Interconfessioneel", "Samenwerking")
# Function (role) of a contact person per organisation type.
ROLES_BY_TYPE = {
    "gemeente": ("beleidsadviseur jeugd en veiligheid", "projectleider VIOS", "accountmanager onderwijs"),
    "politie": ("wijkagent", "jeugdagent"),
    "halt": ("Halt-medewerker", "voorlichter Halt"),
    "ggd": ("jeugdverpleegkundige", "jeugdarts"),
    "jongerenwerk": ("jongerenwerker", "teamleider jongerenwerk"),
    "leerplicht": ("leerplichtambtenaar", "consulent RMC"),
    "jeugdzorg": ("jeugdconsulent", "gedragswetenschapper"),
    "sociaal_wijkteam": ("wijkteammedewerker",),
    "straatcoaches": ("straatcoach", "teamleider straatcoaches"),
    "jeugdreclassering": ("jeugdreclasseerder",),
    "veilig_thuis": ("adviseur Veilig Thuis", "aandachtsfunctionaris"),
    "handhaving": ("boa", "coördinator handhaving"),
    "verslavingszorg": ("preventiewerker",),
    "schoolveiligheidscoordinator": ("schoolveiligheidscoördinator", "auditor"),
    "provincie": ("beleidsmedewerker veiligheid",),
    "overig": ("adviseur",),
}
_BAD_POSTCODE_LETTERS = {"SA", "SD", "SS"}  # not issued in the Netherlands


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def slug(text: str) -> str:
    table = str.maketrans("äëïöüéèáàçÖ", "aeioueeaacO")
    return re.sub(r"[^a-z0-9]+", "", text.translate(table).lower())


def email(name: str) -> str:
    first, _, last = name.partition(" ")
    return f"{slug(first)}.{slug(last)}@voorbeeld.nl"


def mobile(rng: random.Random) -> str:
    return f"06-0{rng.randint(1000000, 9999999)}"


def landline(rng: random.Random, area: str) -> str:
    digits = 10 - len(area)
    return f"{area}-0{rng.randint(10 ** (digits - 2), 10 ** (digits - 1) - 1)}"


def postcode(rng: random.Random, number: int) -> str:
    while True:
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        if letters not in _BAD_POSTCODE_LETTERS:
            return f"{number} {letters}"


def school_name(rng: random.Random, sector: str, place: str) -> str:
    """A fictional school name; '(fictief)' keeps it recognisable as demo data."""
    kind = rng.choice(SCHOOL_TYPES[sector])
    stem = rng.choice(SCHOOL_STEMS)
    if sector == "po":
        return f"{kind} De {stem} {place} (fictief)"
    return f"{stem} {kind} {place} (fictief)"


def institution_code(index: int) -> str:
    """The 4-character DUO-like instellingscode of the index-th institution: 2 digits + 2 letters."""
    letters = string.ascii_uppercase
    digits, rest = index % 100, index // 100
    return f"{digits:02d}{letters[rest % 26]}{letters[(rest // 26) % 26]}"


INSTITUTION_CODES = 100 * 26 * 26


def jitter(rng: random.Random, lat: float, lon: float, spread: float) -> tuple[float, float]:
    return round(lat + rng.uniform(-spread, spread), 5), round(lon + rng.uniform(-spread, spread) * 1.6, 5)
