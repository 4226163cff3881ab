"""Fictional certification histories that follow domain.certification.TRANSITIONS.

A history is planned forward from a tranche start (and cut at `today`, since no
event can be recorded in the future) or, for scripted demo cases, backward from
`today` so that a school is guaranteed to be in a given phase. Dates strictly
increase within a trajectory, so ties never need the recorded order.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from domain.dates import add_months

OUTCOMES = ("certified", "not_passed", "stalled", "withdrawn", "postponed")
OUTCOME_WEIGHTS = (72, 10, 7, 5, 6)

_NOTES = {
    "registered": ("Aangemeld voor {tranche}.", "Aangemeld door de directie voor {tranche}.",
                   "Aanmelding ontvangen via het bestuur; geplaatst in {tranche}."),
    "intake": ("Intake aan de hand van het basiskader; nulmeting besproken met de werkgroep.",
               "Intakegesprek gevoerd met directie en werkgroep veiligheid.",
               "Intake afgerond; sterke punten: sociale veiligheid in de klas."),
    "improvement": ("Maatwerktraject gestart; werkgroep stelt het plan van aanpak op.",
                    "Verbeterplan vastgesteld: protocollen en 'namen en rugnummers' van partners bijwerken.",
                    "Maatwerk: schoolveiligheidsplan herzien en afspraken met kernpartners vastgelegd."),
    "audit": ("Externe audit uitgevoerd op locatie.", "Audit uitgevoerd: documentenanalyse en interviews.",
              "Audit afgenomen door onafhankelijke auditoren."),
    "committee": ("Dossier voorgelegd aan de certificeringscommissie.",
                  "Auditrapport ingediend bij de certificeringscommissie."),
    "certified": ("Certificaat Veilige School toegekend door de commissie.",
                  "Certificaat uitgereikt; borging via jaarlijkse evaluatie."),
    "not_passed": ("Nog niet geslaagd: incidentregistratie en afspraken met de politie onvoldoende geborgd.",
                   "Commissie: aanvullende acties nodig op het schoolveiligheidsplan.",
                   "Audit nog niet voldoende: betrokkenheid van kernpartners ontbreekt."),
    "postponed": ("Uitgesteld naar een volgende tranche op verzoek van de school (personeelswisseling).",
                  "Uitgesteld: school zit midden in een fusie; instroom in een latere tranche.",
                  "Uitgesteld wegens verbouwing en wisseling van de werkgroep."),
    "withdrawn": ("Teruggetrokken: bestuur kiest voorlopig voor een eigen aanpak.",
                  "Teruggetrokken wegens gebrek aan capaciteit in het team.",
                  "Teruggetrokken; school sluit aan bij een ander traject."),
}


@dataclass(frozen=True)
class Step:
    phase: str
    on: date
    note: str


def _days(rng: random.Random, low: int, high: int, pace: float = 1.0) -> timedelta:
    return timedelta(days=max(1, round(rng.randint(low, high) * pace)))


def _note(rng: random.Random, phase: str, tranche: str, recert: bool) -> str:
    text = rng.choice(_NOTES[phase]).format(tranche=tranche)
    if recert and phase in ("registered", "certified"):
        text = "Hercertificering. " + text
    return text


def _certify_tail(rng: random.Random, audit_on: date, pace: float) -> list[tuple[str, date]]:
    committee = audit_on + _days(rng, 14, 35)
    return [("committee", committee), ("certified", committee + _days(rng, 5, 21))]


def forward(rng: random.Random, start: date, outcome: str, tranche: str, *, recert: bool = False) -> list[Step]:
    """The whole planned path of one trajectory from its tranche start; may run past today."""
    pace = 0.75 if recert else 1.0  # a re-audit of a certified school goes faster
    registered = start - _days(rng, 10, 40)
    intake = start + _days(rng, 5, 30)
    improvement = intake + _days(rng, 10, 30)
    audit = intake + _days(rng, 150, 185, pace)
    path: list[tuple[str, date]] = [("registered", registered), ("intake", intake), ("improvement", improvement)]
    if outcome == "stalled":
        pass  # stays in improvement: the stalled schools a coordinator must chase
    elif outcome == "postponed":
        cut = rng.randint(1, 3)
        path = path[:cut] + [("postponed", path[cut - 1][1] + _days(rng, 14, 60))]
    elif outcome == "withdrawn":
        cut = rng.randint(2, 4)
        if cut == 4:
            path.append(("audit", audit))
        path = path[:cut] + [("withdrawn", path[cut - 1][1] + _days(rng, 20, 70))]
    elif outcome == "not_passed":
        path.append(("audit", audit))
        if rng.random() < 0.5:
            failed_on = audit + _days(rng, 10, 25)
        else:
            committee = audit + _days(rng, 14, 35)
            path.append(("committee", committee))
            failed_on = committee + _days(rng, 5, 21)
        back = failed_on + _days(rng, 7, 21)
        re_audit = back + _days(rng, 60, 110)
        path += [("not_passed", failed_on), ("improvement", back), ("audit", re_audit)]
        path += _certify_tail(rng, re_audit, pace)
    else:
        path.append(("audit", audit))
        path += _certify_tail(rng, audit, pace)
    return [Step(phase, on, _note(rng, phase, tranche, recert)) for phase, on in path]


_BACKWARD_PATHS = {
    "registered": ("registered",),
    "intake": ("registered", "intake"),
    "improvement": ("registered", "intake", "improvement"),
    "audit": ("registered", "intake", "improvement", "audit"),
    "committee": ("registered", "intake", "improvement", "audit", "committee"),
    "not_passed": ("registered", "intake", "improvement", "audit", "not_passed"),
    "postponed": ("registered", "intake", "postponed"),
}


def backward(rng: random.Random, start: date, current: str, tranche: str, today: date, *,
             recert: bool = False) -> list[Step]:
    """A path that is in phase `current` at today: the last event a few days or weeks before today."""
    phases = _BACKWARD_PATHS[current]
    last = today - _days(rng, 3, 20)
    first = min(start - _days(rng, 10, 40), last - timedelta(days=10 * (len(phases) - 1)))
    if len(phases) == 1:
        dates = [last]
    else:
        span = (last - first).days
        # spread events over the span; each gap at least a week so dates strictly increase
        cuts = sorted(rng.sample(range(7, span - 7 * (len(phases) - 2) + 1), len(phases) - 2)) if len(phases) > 2 \
            else []
        dates = [first] + [first + timedelta(days=c + 7 * i) for i, c in enumerate(cuts)] + [last]
    return [Step(p, d, _note(rng, p, tranche, recert)) for p, d in zip(phases, dates, strict=False)]


def until(steps: list[Step], today: date) -> list[Step]:
    """Only what has happened by today."""
    return [s for s in steps if s.on <= today]


@dataclass(frozen=True)
class TrancheRef:
    id: int
    start: date
    name: str


@dataclass
class PlannedTrajectory:
    tranche_id: int
    cycle: int
    steps: list[Step]


def school_history(rng: random.Random, tranches: list[TrancheRef], first: int, validity_months: int,
                   today: date, *, recert_chance: float = 0.85) -> list[PlannedTrajectory]:
    """All trajectories of one school starting in tranches[first], re-certifying near each expiry.

    tranches must be sorted by start. A postponed school may return in a later tranche;
    as the unique (school, cycle) key demands, that new trajectory gets the next cycle number.
    """
    result: list[PlannedTrajectory] = []
    index: int | None = first
    cycle, recert = 1, False
    while index is not None and index < len(tranches):
        tranche = tranches[index]
        outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
        steps = until(forward(rng, tranche.start, outcome, tranche.name, recert=recert), today)
        if not steps:
            break
        result.append(PlannedTrajectory(tranche.id, cycle, steps))
        last = steps[-1]
        if last.phase == "certified":
            if rng.random() >= recert_chance:
                break
            renew_from = max(add_months(add_months(last.on, validity_months), -9), last.on + timedelta(days=90))
            index, recert = _first_from(tranches, renew_from), True
        elif last.phase == "postponed" and rng.random() < 0.6:
            index = _first_from(tranches, last.on + timedelta(days=30))
        else:
            break  # withdrawn, stalled, or still in progress at today
        cycle += 1
    return result


def _first_from(tranches: list[TrancheRef], d: date) -> int | None:
    for i, t in enumerate(tranches):
        if t.start >= d:
            return i
    return None
