"""Date arithmetic and parsing used by every definition (DOMAIN.md)."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NL = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
# Dates the product accepts anywhere (URL, files, forms): arithmetic on 0001-01-01 or 9999-12-31 overflows.
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)


def add_months(d: date, n: int) -> date:
    """Same day of month n months later; clipped to the last day of a shorter month.

    add_months(2024-02-29, 24) == 2026-02-28; add_months(2024-08-31, 6) == 2025-02-28.
    """
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def parse_date(value: object) -> date:
    """A date from ISO (2026-03-01) or Dutch (01-03-2026, dd-mm-jjjj) notation.

    Raises ValueError with a Dutch message when the value is not a valid date or lies
    outside MIN_DATE..MAX_DATE.
    """
    if isinstance(value, datetime):
        return _bounded(value.date(), str(value))
    if isinstance(value, date):
        return _bounded(value, str(value))
    text = str(value).strip()
    if " " in text:  # spreadsheets often give "2026-03-01 00:00:00"
        head, tail = text.split(" ", 1)
        if tail.strip() in ("00:00:00", "00:00"):
            text = head
    match = _ISO.match(text)
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = _NL.match(text)
        if not match:
            raise ValueError(f"'{text}' is geen datum; gebruik jjjj-mm-dd of dd-mm-jjjj")
        d, m, y = (int(g) for g in match.groups())
    try:
        parsed = date(y, m, d)
    except ValueError:
        raise ValueError(f"'{text}' is geen bestaande datum") from None
    return _bounded(parsed, text)


def _bounded(d: date, text: str) -> date:
    if not MIN_DATE <= d <= MAX_DATE:
        raise ValueError(f"'{text}' ligt buiten {format_nl(MIN_DATE)} tot en met {format_nl(MAX_DATE)}")
    return d


def format_nl(d: date | None) -> str:
    """dd-mm-jjjj, the notation Dutch users read; empty for no date."""
    return d.strftime("%d-%m-%Y") if d else ""


def quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year} K{quarter}"


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> date:
    month = 3 * quarter
    return date(year, month, calendar.monthrange(year, month)[1])


def next_quarters(d: date, count: int) -> list[tuple[int, int]]:
    """The quarter containing d and the count-1 quarters after it."""
    year, quarter = quarter_of(d)
    result = []
    for _ in range(count):
        result.append((year, quarter))
        quarter += 1
        if quarter == 5:
            year, quarter = year + 1, 1
    return result
