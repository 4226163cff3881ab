"""Parsing and normalising single cell values. Every parser raises ValueError with a Dutch reason."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.dates import parse_date

if TYPE_CHECKING:
    from sqlmodel import SQLModel

# Timestamps are stored in UTC; files show Dutch local time (Excel has no time zones).
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
_CBS = re.compile(r"^(?:GM)?([0-9]{1,4})$", re.IGNORECASE)
_INSTITUTION = re.compile(r"^[0-9A-Z]{4}$")
_SCHOOL = re.compile(r"^[0-9A-Z]{4}[0-9]{2}$")
_BOARD = re.compile(r"^[0-9A-Z]{1,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DATETIME = re.compile(r"^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$")
_TRUE = {"ja", "j", "yes", "y", "true", "waar", "1"}
_FALSE = {"nee", "n", "no", "false", "onwaar", "0"}


def cell_text(value: object) -> str:
    """A cell as trimmed text; spreadsheets turn codes like 935 into numbers and dates into datetimes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def norm(text: object) -> str:
    """Case- and whitespace-insensitive form of a name, used to match natural keys."""
    return " ".join(str(text).split()).casefold()


def parse_postcode(text: str) -> str:
    """Dutch postcode as '1234 AB'; empty stays empty."""
    if not text:
        return ""
    match = _POSTCODE.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is geen geldige postcode")
    return f"{match.group(1)} {match.group(2).upper()}"


def parse_cbs_code(text: str) -> str:
    """'935', '0935' or 'GM0935' -> 'GM0935'."""
    match = _CBS.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' is geen geldig gemeentenummer (bijvoorbeeld 0935 of GM0935)")
    return f"GM{int(match.group(1)):04d}"


def parse_institution_code(text: str) -> str:
    code = text.strip().upper()
    if not _INSTITUTION.match(code):
        raise ValueError(f"'{text}' is geen geldige instellingscode (4 letters of cijfers)")
    return code


def parse_location_number(text: str) -> str:
    """The 2-digit vestigingscode, zero-padded ('0' -> '00')."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) > 2:
        raise ValueError(f"'{text}' is geen geldige vestigingscode (2 cijfers)")
    return digits.zfill(2)


def parse_school_code(text: str) -> str:
    code = text.strip().upper()
    if not _SCHOOL.match(code):
        raise ValueError(f"'{text}' is geen geldige schoolcode "
                         "(4 tekens instelling + 2 cijfers vestiging, bijv. 02QZ00)")
    return code


def parse_board_number(text: str) -> str:
    number = text.strip().upper()
    if not _BOARD.match(number):
        raise ValueError(f"'{text}' is geen geldig bestuursnummer")
    return number


def parse_int(value: object, *, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is geen geheel getal")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value)
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"'{text}' is geen geheel getal")
        number = int(text)
    if minimum is not None and number < minimum:
        if minimum == 1:
            raise ValueError(f"'{number}' moet een positief geheel getal zijn")
        raise ValueError(f"'{number}' moet minstens {minimum} zijn")
    return number


def parse_float(value: object, *, minimum: float | None = None, maximum: float | None = None) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = cell_text(value)
        try:
            number = float(text.replace(",", "."))  # Dutch spreadsheets write a decimal comma
        except ValueError:
            raise ValueError(f"'{text}' is geen getal") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError(f"'{cell_text(value)}' ligt niet tussen {minimum:g} en {maximum:g}")
    return number


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{cell_text(value)}' is geen geldige waarde; vul 'ja' of 'nee' in")


def parse_cell_date(value: object) -> date:
    """A date cell (xlsx) or text in ISO or dd-mm-jjjj notation."""
    return parse_date(value if isinstance(value, (date, datetime)) else cell_text(value))


def parse_datetime(value: object) -> datetime:
    """A date-time cell, or text 'jjjj-mm-dd uu:mm[:ss]' / 'dd-mm-jjjj uu:mm[:ss]', or a bare date."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = cell_text(value)
    match = _DATETIME.match(text)
    if not match:
        return datetime.combine(parse_date(text), datetime.min.time())
    day = parse_date(match.group(1))
    hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        raise ValueError(f"'{text}' is geen geldig tijdstip") from None


def to_local(moment: datetime | None) -> datetime | None:
    """A stored timestamp as naive Dutch local time, whole seconds (what a spreadsheet cell holds)."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # a naive value is taken as UTC, as the database stores it
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def from_local(moment: datetime) -> datetime:
    """A naive Dutch local time from a file as an aware UTC timestamp."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def parse_vocab(text: str, vocabulary: dict[str, str]) -> str:
    """A vocabulary code, given as the code or its Dutch label (case-insensitive)."""
    wanted = norm(text)
    for code, label in vocabulary.items():
        if wanted in (norm(code), norm(label)):
            return code
    raise ValueError(f"'{text}' is geen geldige waarde; kies uit: {', '.join(vocabulary)}")


def parse_vocab_list(text: str, vocabulary: dict[str, str]) -> list[str]:
    """Comma (or semicolon) separated vocabulary values -> codes, without duplicates, in given order."""
    codes: list[str] = []
    for part in re.split(r"[,;]", text):
        if part.strip():
            code = parse_vocab(part, vocabulary)
            if code not in codes:
                codes.append(code)
    return codes


def parse_email(text: str) -> str:
    email = text.strip()
    if email and not _EMAIL.match(email):
        raise ValueError(f"'{text}' is geen geldig e-mailadres")
    return email


def max_length(model: type[SQLModel], attr: str) -> int | None:
    """The column length of a model's string field (PostgreSQL enforces it, SQLite does not)."""
    from models import table_of

    length = getattr(table_of(model).c[attr].type, "length", None)
    return length if isinstance(length, int) else None


def check_length(text: str, max_len: int | None) -> str:
    if max_len is not None and len(text) > max_len:
        raise ValueError(f"tekst is te lang ({len(text)} tekens, maximaal {max_len})")
    return text
