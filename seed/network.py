"""Fictional contact persons and school partner networks of varied completeness."""
from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from dataio.values import norm
from seed import names
from seed.bulk import Ids

DEFAULT_ROLE = {
    "gemeente": "convenantpartner", "politie": "kernteam", "halt": "advies", "ggd": "signaleringsoverleg",
    "leerplicht": "kernteam", "jongerenwerk": "kernteam", "jeugdzorg": "signaleringsoverleg",
    "veilig_thuis": "advies", "straatcoaches": "advies", "schoolveiligheidscoordinator": "kernteam",
    "handhaving": "advies", "sociaal_wijkteam": "signaleringsoverleg", "jeugdreclassering": "signaleringsoverleg",
    "verslavingszorg": "advies", "provincie": "convenantpartner", "overig": "advies",
}
AGREEMENTS = {
    "gemeente": "Convenant veiligheid in en om de school ondertekend; de gemeente voert regie en zit het "
                "overleg voor.",
    "politie": "Vaste wijk- of jeugdagent in het kernteam; aanspreekpunt bij incidenten rond de school.",
    "halt": "Halt verzorgt voorlichting in leerjaar 1 en 2 en adviseert bij incidenten.",
    "ggd": "Jeugdverpleegkundige neemt deel aan het signaleringsoverleg; uitkomsten van de gezondheidsmonitor "
           "worden besproken.",
    "leerplicht": "Maandelijks spreekuur op school; afspraken over verzuimmeldingen binnen vijf schooldagen.",
    "jongerenwerk": "Jongerenwerker is twee dagdelen per week in en rond de school aanwezig.",
    "jeugdzorg": "Korte lijn bij zorgen over leerlingen; consultatie via het zorg- en adviesteam.",
    "veilig_thuis": "Advies en consultatie bij vermoedens van huiselijk geweld (meldcode).",
    "straatcoaches": "Straatcoaches lopen rond begin- en eindtijden en in de pauzes rond de school.",
    "schoolveiligheidscoordinator": "Externe coördinator ondersteunt de werkgroep en bereidt de audit voor.",
    "handhaving": "Boa's surveilleren bij overlast rond de school en de fietsenstalling.",
    "sociaal_wijkteam": "Wijkteam sluit aan bij casusoverleg over gezinnen uit de wijk.",
    "jeugdreclassering": "Afstemming bij leerlingen met een reclasseringstoezicht.",
    "verslavingszorg": "Preventielessen over middelengebruik in de bovenbouw.",
    "provincie": "Subsidie en deelname aan de convenantgroep.",
    "overig": "Ad-hocadvies op verzoek van de school.",
}
_PROFILES = ("complete", "miss1", "miss2", "miss3", "none")
_PROFILE_WEIGHTS = (28, 34, 18, 8, 12)
# A school in a certification trajectory has at least a partial network.
_ENGAGED_WEIGHTS = (36, 40, 18, 6, 0)
_MISSING = {"complete": 0, "miss1": 1, "miss2": 2, "miss3": 3}


def make_contacts(rng: random.Random, ids: Ids, org_id: int, org_type: str, count: int) -> list[dict]:
    rows = []
    taken: set[str] = set()
    for _ in range(count):
        name = names.person_name(rng)
        while norm(name) in taken:  # one key rule (services.names): no two contacts of one name
            name = names.person_name(rng)
        taken.add(norm(name))
        rows.append({"id": ids.next(), "organisation_id": org_id, "name": name,
                     "role": rng.choice(names.ROLES_BY_TYPE[org_type]), "phone": names.mobile(rng),
                     "email": names.email(name)})
    return rows


def _random_day(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def school_partnerships(rng: random.Random, ids: Ids, school_id: int, candidates: Mapping[str, Sequence[int]],
                        contacts: Mapping[int, Sequence[int]], required: Sequence[str], optional: Sequence[str],
                        since: date, today: date, *, optional_chance: float = 0.45,
                        engaged: bool = False) -> list[dict]:
    """The partnerships of one school: required types mostly present, some gaps, some history.

    candidates: organisation ids per type that can serve this school (shared ones appear
    for many schools); since: the earliest plausible start of a partnership.
    """
    profile = rng.choices(_PROFILES, _ENGAGED_WEIGHTS if engaged else _PROFILE_WEIGHTS)[0]
    available = [t for t in required if candidates.get(t)]
    missing = set(rng.sample(available, min(len(available), _MISSING.get(profile, len(available)))))
    types = [t for t in available if t not in missing]
    if profile != "none":
        types += [t for t in optional if candidates.get(t) and rng.random() < optional_chance]
    rows: list[dict] = []

    def edge(org_id: int, org_type: str, start: date, end: date | None) -> None:
        people = contacts.get(org_id) or ()
        role = DEFAULT_ROLE[org_type]
        if rng.random() < 0.15:
            role = rng.choice(("convenantpartner", "advies", "signaleringsoverleg", "kernteam"))
        rows.append({"id": ids.next(), "school_id": school_id, "organisation_id": org_id, "role": role,
                     "contact_id": rng.choice(people) if people and rng.random() < 0.9 else None,
                     "start_on": start, "end_on": end, "agreements": AGREEMENTS[org_type]})

    latest = today - timedelta(days=45)
    for org_type in types:
        orgs = candidates[org_type]
        org = rng.choice(orgs)
        # a few partnerships are new since the last quarter
        start = today - timedelta(days=rng.randint(10, 80)) if rng.random() < 0.08 else \
            _random_day(rng, since, latest)
        if rng.random() < 0.12:
            # an earlier partner of the same type was replaced (e.g. a new police team); its last day is the
            # day before (an end date is the last day: ending on the new start would overlap, which the form
            # refuses when the same organisation stays in the same role)
            previous = rng.choice(orgs)
            edge(previous, org_type, start - timedelta(days=rng.randint(200, 700)), start - timedelta(days=1))
        edge(org, org_type, start, None)
    for org_type in sorted(missing):
        if rng.random() < 0.3:
            # was there, but ended: the as-of network of half a year ago still has it
            end = today - timedelta(days=rng.randint(20, 200))
            edge(rng.choice(candidates[org_type]), org_type, end - timedelta(days=rng.randint(300, 900)), end)
    return rows
