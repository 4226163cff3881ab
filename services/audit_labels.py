"""The audit log's Dutch words: what an action on an entity is called, and the names of the fields."""
from __future__ import annotations

NOUNS = {"school": "School", "board": "Bestuur", "trajectory": "Traject", "phaseevent": "Fase",
         "partnership": "Partnerschap", "samenwerking": "Partnerschap", "organisation": "Organisatie",
         "organisatie": "Organisatie", "contact": "Contactpersoon", "contactpersoon": "Contactpersoon",
         "tranche": "Tranche", "trancheplan": "Trancheplan", "trancheplanitem": "School in trancheplan",
         "app_user": "Gebruiker", "userscope": "Gebied van een gebruiker", "meeting": "Vergadering",
         "municipality": "Gemeente", "region": "Regio", "province": "Provincie", "bestand": "Bestand",
         "gemeentegrenzen": "Gemeentegrenzen"}
VERBS = {"create": "toegevoegd", "update": "gewijzigd", "end": "beëindigd", "delete": "verwijderd",
         "confirm": "bevestigd", "import": "geïmporteerd", "boundaries": "geladen"}
# Where the general "<noun> <verb>" would read oddly.
ACTIONS = {("phaseevent", "create"): "Fase vastgelegd", ("trajectory", "create"): "Traject gestart",
           ("samenwerking", "create"): "Partnerschap vastgelegd", ("partnership", "create"): "Partnerschap vastgelegd",
           ("trancheplan", "create"): "Conceptplan opgeslagen", ("trancheplan", "update"): "Conceptplan gewijzigd",
           ("trancheplan", "confirm"): "Trancheplan bevestigd", ("meeting", "create"): "Vergadering vastgelegd",
           ("userscope", "create"): "Gebied toegekend", ("userscope", "delete"): "Gebied ingetrokken",
           ("app_user", "set_password"): "Wachtwoord ingesteld", ("app_user", "login"): "Ingelogd",
           ("app_user", "logout"): "Uitgelogd", ("app_user", "login_failed"): "Inloggen mislukt",
           ("app_user", "lockout"): "Inloggen geblokkeerd",
           ("gemeentegrenzen", "boundaries"): "Gemeentegrenzen geladen"}
FIELDS = {"phase": "fase", "on": "datum", "trajectory_id": "traject", "school_id": "school", "tranche_id": "tranche",
          "cycle": "cyclus", "organisation_id": "organisatie", "contact_id": "contactpersoon", "role": "rol",
          "start_on": "start", "end_on": "einde", "ended_on": "einddatum", "agreements": "afspraken", "name": "naam",
          "type": "soort", "municipality_id": "gemeente", "phone": "telefoon", "email": "e-mail", "note": "notitie",
          "board_id": "bestuur", "active": "actief", "inactive_since": "niet actief sinds", "status": "status",
          "display_name": "naam", "username": "gebruikersnaam", "region_id": "regio", "province_id": "provincie",
          "held_on": "datum", "notes": "aantekeningen", "capacity": "capaciteit", "start_date": "start",
          "audit_capacity_per_quarter": "auditcapaciteit per kwartaal", "password_hash": "wachtwoord",
          "user": "gebruiker", "user_id": "gebruiker"}


def action_label(entity: str, action: str) -> str:
    if (entity, action) in ACTIONS:
        return ACTIONS[(entity, action)]
    noun = NOUNS.get(entity, entity.capitalize())
    return f"{noun} {VERBS.get(action, action)}"
