"""Numbers, percentages, rupiah and dates as an officer reads them, in the page's language.

The one implementation every page, report and command writes figures with (plain Python:
the pure rule modules import it too). Each function takes the language explicitly;
``jaring.formats.active`` passes the active one, ``jaring.formats.filters`` are the
template filters.

- Indonesian (``id``, the default): a dot between thousands and a decimal comma:
  ``1.234.567`` people, ``50,3%``, ``Rp1.234.567``.
- English (``en``): ``1,234,567``, ``50.3%``, ``Rp1,234,567``.
- Dates read dd/mm/yyyy in both languages (``31/12/2025``): the officers are Indonesian
  and the English pages serve the same people, so a date must never read as month first.
  Date inputs accept dd/mm/yyyy first and ISO yyyy-mm-dd (links, the API, old bookmarks).

Rounding is half up, as officers round by hand (50,25 -> 50,3). No value (``None`` or
``""``) reads as an en dash. Money is whole rupiah.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

INDONESIAN = "id"
ENGLISH = "en"
DASH = "\u2013"

DATE_FORMAT = "%d/%m/%Y"
#: What a date field reads, first to last: what officers write, then ISO.
DATE_INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
#: The HTML ``pattern`` of a date input: either of the forms above.
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}"
_PLACEHOLDERS = {INDONESIAN: "hh/bb/tttt", ENGLISH: "dd/mm/yyyy"}


def base_language(language: str | None) -> str:
    """``en-us`` -> ``en``; anything but English reads as Indonesian."""
    return ENGLISH if (language or "").split("-")[0].lower() == ENGLISH else INDONESIAN


def _separators(language: str | None) -> tuple[str, str]:
    """(between thousands, before decimals)."""
    return (",", ".") if base_language(language) == ENGLISH else (".", ",")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decimal(value) -> Decimal:
    """A number as a Decimal without float noise: 50.25 -> Decimal("50.25")."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)


def _write(value: Decimal, language: str | None, decimals: int | None) -> str:
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-abs(decimals)), rounding=ROUND_HALF_UP)
        if decimals < 0:  # up to that many, trailing zeros dropped (as Django's floatformat)
            value = (
                value.normalize().quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
            )
    if value == 0:
        value = abs(value)  # never "-0,0"
    thousands, point = _separators(language)
    return f"{value:,f}".replace(",", "\0").replace(".", point).replace("\0", thousands)


def number(value, language: str | None, decimals: int | None = 0) -> str:
    """A count or measure: 1234567 -> "1.234.567" (id) / "1,234,567" (en).
    ``decimals`` rounds half up; negative: up to that many, trailing zeros dropped
    (-2: 50.50 -> "50,5", 50.00 -> "50"); ``None``: the digits the value has."""
    if _blank(value):
        return DASH
    return _write(_decimal(value), language, decimals)


def percent(value, language: str | None, decimals: int | None = 1) -> str:
    """A percentage (already times 100): 50.25 -> "50,3%" (id) / "50.3%" (en).
    ``decimals=None`` keeps the digits given: "39.52" -> "39,52%"."""
    if _blank(value):
        return DASH
    return f"{_write(_decimal(value), language, decimals)}%"


def rupiah(amount, language: str | None) -> str:
    """Whole rupiah: 1234567 -> "Rp1.234.567" (id) / "Rp1,234,567" (en); -8400 -> "-Rp8.400"."""
    if _blank(amount):
        return DASH
    whole = _decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    digits = _write(abs(whole), language, 0)
    return f"-Rp{digits}" if whole < 0 else f"Rp{digits}"


def date(day: Date | None, language: str | None = None) -> str:
    """A day as dd/mm/yyyy in either language: 31/12/2025 (a datetime: its date)."""
    if day is None or day == "":
        return DASH
    return day.strftime(DATE_FORMAT)


def date_placeholder(language: str | None) -> str:
    """What an empty date input shows: "hh/bb/tttt" (id), "dd/mm/yyyy" (en)."""
    return _PLACEHOLDERS[base_language(language)]


def parse_date(text: str) -> Date:
    """A date as an officer or a link writes it: "31/12/2025" or "2025-12-31".
    ValueError when it is neither (or no such day)."""
    cleaned = (text or "").strip()
    for form in DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
    raise ValueError(f"Tanggal {text!r} tidak dikenali; tulis hh/bb/tttt, mis. 31/12/2025.")
