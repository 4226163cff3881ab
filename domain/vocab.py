"""Fixed vocabularies with their Dutch labels (code names in English)."""
from __future__ import annotations

SECTORS: dict[str, str] = {
    "po": "Primair onderwijs",
    "vo": "Voortgezet onderwijs",
    "mbo": "Middelbaar beroepsonderwijs",
    "so": "Speciaal onderwijs",
    "vso": "Voortgezet speciaal onderwijs",
    "pro": "Praktijkonderwijs",
}

ORGANISATION_TYPES: dict[str, str] = {
    "gemeente": "Gemeente",
    "politie": "Politie (wijk-/jeugdagent)",
    "halt": "Halt",
    "ggd": "GGD",
    "jongerenwerk": "Jongerenwerk",
    "leerplicht": "Leerplicht",
    "jeugdzorg": "Jeugdzorg",
    "sociaal_wijkteam": "Sociaal wijkteam",
    "straatcoaches": "Straatcoaches",
    "jeugdreclassering": "Jeugdreclassering",
    "veilig_thuis": "Veilig Thuis",
    "handhaving": "Handhaving (boa)",
    "verslavingszorg": "Verslavingszorg",
    "schoolveiligheidscoordinator": "Externe schoolveiligheidscoördinator",
    "provincie": "Provincie",
    "overig": "Overig",
}

PARTNERSHIP_ROLES: dict[str, str] = {
    "kernteam": "Kernteam",
    "signaleringsoverleg": "Signaleringsoverleg",
    "convenantpartner": "Convenantpartner",
    "advies": "Advies / ad hoc",
}

APPROACH_MODELS: dict[str, str] = {
    "geen": "Geen integrale aanpak",
    "arnhem": "Arnhemse model",
    "amsterdam": "Amsterdamse model",
    "delft": "Delftse model",
    "rotterdam": "Rotterdamse model",
    "eigen": "Eigen aanpak / mengvorm",
}

APPROACH_PHASES: dict[str, str] = {
    "geen": "Geen",
    "verkenning": "Verkenning",
    "plan": "Planfase",
    "uitvoering": "Uitvoeringsfase",
}

APPROACH_ELEMENTS: dict[str, str] = {
    "schoolveiligheidsplan": "Schoolveiligheidsplan",
    "kernteam": "Kernteam(overleg)",
    "signaleringsoverleg": "Signaleringsoverleg",
    "coordinator": "Coördinator / projectleider",
    "overkoepelend_overleg": "Overkoepelend schoolveiligheidsoverleg",
    "otsv": "Operationeel Team Schoolveiligheid",
    "convenant": "Convenant / samenwerkingsovereenkomst",
    "jongerenwerk_op_school": "Jongerenwerk op school",
    "straatcoaches": "Straatcoaches",
    "trainingen": "Trainingen",
    "audits": "Veiligheidsaudits",
}

# Default core partner types of a region's basiskader (Maastricht-Heuvelland covenant).
DEFAULT_REQUIRED_PARTNER_TYPES: list[str] = ["gemeente", "politie", "halt", "ggd", "jeugdzorg", "leerplicht"]


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """Dutch label of a code; unknown codes are shown as they are."""
    if code is None:
        return ""
    return vocabulary.get(code, code)
