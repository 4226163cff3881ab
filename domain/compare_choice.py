"""The compare date ("Vergelijk met") of Overzicht, Gemeenten and the meeting report.

Default: the latest steering-group meeting before the peildatum, else three months before it. It is
never on or after the peildatum: such a value in the URL (left there when the peildatum moved back)
is refused with a Dutch warning and the default is used, so the compare date follows the peildatum.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from domain.changes import default_compare_date
from domain.dates import format_nl, parse_date


@dataclass(frozen=True)
class CompareChoice:
    on: date
    meeting: bool                  # the date is a meeting of the area's steering group
    explicit: bool                 # chosen in the URL (?vergelijk=) and accepted
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'de vergadering van 12-09-2026' or '23-08-2026'."""
        return f"de vergadering van {format_nl(self.on)}" if self.meeting else format_nl(self.on)


def default_choice(as_of: date, meetings: Iterable[date]) -> CompareChoice:
    before = [m for m in meetings if m < as_of]
    if before:
        return CompareChoice(max(before), meeting=True, explicit=False)
    return CompareChoice(default_compare_date(as_of), meeting=False, explicit=False)


def _fallback_text(default: CompareChoice) -> str:
    return (f"de laatste vergadering ervoor ({format_nl(default.on)})" if default.meeting
            else f"drie maanden eerder ({format_nl(default.on)})")


def choose_compare_date(value: str | None, as_of: date, meetings: Iterable[date]) -> CompareChoice:
    """The compare date from the URL's value (never trusted) and the area's meeting dates."""
    meetings = sorted(set(meetings))
    default = default_choice(as_of, meetings)
    if not value:
        return default
    try:
        chosen = parse_date(value)
    except ValueError as exc:
        return CompareChoice(default.on, default.meeting, False,
                             [f"Vergelijkdatum: {exc}; vergeleken met {_fallback_text(default)}."])
    if chosen >= as_of:
        return CompareChoice(default.on, default.meeting, False, [
            f"De vergelijkdatum {format_nl(chosen)} ligt niet vóór de peildatum {format_nl(as_of)}; "
            f"vergeleken met {_fallback_text(default)}."])
    return CompareChoice(chosen, meeting=chosen in meetings, explicit=True)
