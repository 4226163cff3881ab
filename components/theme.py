"""Colours and labels shared by every chart, so a status looks the same everywhere."""
from __future__ import annotations

from domain.certification import PHASES, STATUS_LABELS

STATUS_COLOURS = {
    "valid": "#2e7d32",      # green
    "expiring": "#f9a825",   # amber
    "expired": "#c62828",    # red
    "never": "#9e9e9e",      # grey
}
PHASE_COLOURS = {
    "registered": "#c6dbef",
    "intake": "#9ecae1",
    "improvement": "#6baed6",
    "audit": "#3182bd",
    "committee": "#08519c",
    "not_passed": "#8e44ad",
    "postponed": "#bdbdbd",
    "withdrawn": "#616161",
    "certified": STATUS_COLOURS["valid"],
}

# One category per school in the phase distribution (domain.overview.phase_distribution).
DISTRIBUTION_ORDER = [
    "never", "registered", "intake", "improvement", "audit", "committee", "not_passed",
    "valid", "expiring", "expired", "postponed", "withdrawn",
]
DISTRIBUTION_LABELS = {**PHASES, **STATUS_LABELS, "valid": "Gecertificeerd (geldig)",
                       "expiring": "Gecertificeerd, verloopt binnenkort", "expired": "Certificaat verlopen"}
DISTRIBUTION_COLOURS = {**PHASE_COLOURS, **STATUS_COLOURS}

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def pct(value: float | None) -> str:
    """Dutch percentage notation: 42,5%."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}%".replace(".", ",")


def signed(value: int | float | None, percent: bool = False) -> str:
    """'+3', '−2', '0'; a share as percentage points '+2,5 pp'; '–' when unknown."""
    if value is None:
        return "–"
    if percent:
        text = f"{abs(value) * 100:.1f}".replace(".", ",") + " pp"
        return ("+" if value > 0 else "−" if value < 0 else "±") + text
    return f"+{value}" if value > 0 else (f"−{abs(value)}" if value < 0 else "±0")


# ---------------------------------------------------------------- one colour per municipality

# Distinguishable line colours (Okabe-Ito first, colour-blind friendly, then darker companions).
MUNICIPALITY_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f6d00", "#6a3d9a",
                        "#1b9e77", "#a6761d", "#e7298a", "#666666")
MUNICIPALITY_DASHES = ("solid", "dash", "dot")


def _municipality_number(cbs_code: str) -> int:
    digits = "".join(ch for ch in cbs_code if ch.isdigit())
    if digits:
        return int(digits)
    return sum(ord(ch) * 31 ** i for i, ch in enumerate(cbs_code))  # any other key: still the same every time


def municipality_colour(cbs_code: str) -> str:
    """The line colour of a municipality on every page and in every area (from its CBS code alone, so
    Maastricht is the same colour on Gemeenten and Planning, in its region and in its province)."""
    return MUNICIPALITY_COLOURS[_municipality_number(cbs_code) % len(MUNICIPALITY_COLOURS)]


def municipality_dash(cbs_code: str) -> str:
    """The line style that goes with municipality_colour: two municipalities sharing a colour usually differ
    in dash."""
    return MUNICIPALITY_DASHES[_municipality_number(cbs_code) // len(MUNICIPALITY_COLOURS) % len(MUNICIPALITY_DASHES)]
