"""One spreadsheet cell into a value, one rule each, for every importer.

Pure: no Django import. A parser returns the value or raises ``CellProblem`` (a
``DomainError``: a stable code and an Indonesian message); where importers name the
same rule differently, the wording that differs (the column, the example) is a
parameter, so two importers give the same message for the same cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from jaring.errors import DomainError
from jaring.formats import figures
from jaring.i18n import N_

EXCEL_EPOCH = date(1899, 12, 30)
COUNT_LIMIT = 10**10  # more people than live on earth: a typing or column error
RUPIAH_LIMIT = 10**15  # a thousand trillion: above any public budget, inside every integer column
_DATE_TEXT = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")
_MONTH_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_LOCAL = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_GROUPED = re.compile(r"-?[0-9]{1,3}([.,][0-9]{3})+")


class CellProblem(DomainError):
    code = "invalid_value"


def text_of(value: object) -> str:
    """A cell as trimmed text; a leading apostrophe (Excel's text marker) is dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


def is_blank(cells: Iterable[object]) -> bool:
    """A row with nothing in it (officers leave empty rows between the data)."""
    return all(text_of(cell) == "" for cell in cells)


def compact(value: object) -> str:
    """A NIK or KPJ number as text, without the dots and spaces people group it with."""
    return text_of(value).replace(".", "").replace(" ", "")


def reject_formula(column: str, value: object) -> None:
    """A formula kept as text (``=A1&B1``) is not a value: it is refused, never stored."""
    if isinstance(value, str) and value.strip().startswith("="):
        raise CellProblem(
            N_(
                "Isi kolom %(column)s adalah rumus (%(formula)s), bukan nilai. Salin lalu tempel "
                "sebagai nilai (Paste Special > Values) dan unggah lagi."
            ),
            params={"column": column, "formula": value.strip()[:30]},
            code="formula",
        )


def ungroup(text: str) -> str:
    """Thousands separators removed: 1.234, 1,234 and 1.234.567 are whole numbers (no
    Indonesian file writes a decimal fraction of people or rupiah)."""
    if _GROUPED.fullmatch(text):
        return text.replace(".", "").replace(",", "")
    return text


def whole_number(cell: object, *, limit: int = COUNT_LIMIT) -> int | None:
    """A whole number of zero or more (a count of people, a year): None when the cell is
    empty. Otherwise raises ``CellProblem`` whose message is the short reason (to quote
    in the importer's own sentence) and whose code is ``not_a_number``, ``fraction``,
    ``too_large``, ``negative`` or ``not_whole``."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise CellProblem(N_("bukan angka"), code="not_a_number")
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not cell.is_integer():
            raise CellProblem(N_("ada desimal"), code="fraction")
        if abs(cell) >= limit:
            raise CellProblem(N_("terlalu besar"), code="too_large")
        if cell < 0:
            raise CellProblem(N_("negatif"), code="negative")
        return int(cell)
    text = str(cell).strip().replace(" ", "")
    if text.startswith("-") and text[1:].replace(".", "").replace(",", "").isdigit():
        raise CellProblem(N_("negatif"), code="negative")
    text = ungroup(text)
    if text.isdigit() and text.isascii():
        if len(text) < len(str(limit)):
            return int(text)
        raise CellProblem(N_("terlalu besar"), code="too_large")
    raise CellProblem(N_("bukan bilangan bulat"), code="not_whole")


def parse_rupiah(value: object, column: str = "JUMLAH") -> int:
    """Whole rupiah: 16800, 16.800, 16,800, Rp16.800 (zero and negatives are returned:
    the caller's rules refuse them with their own message)."""
    if isinstance(value, bool):
        raise CellProblem(
            N_("%(column)s bukan jumlah rupiah."), params={"column": column}, code="amount_invalid"
        )
    if isinstance(value, int | float) and abs(value) >= RUPIAH_LIMIT:
        raise CellProblem(
            N_("%(column)s %(value)s terlalu besar untuk jumlah rupiah. Periksa isian kolomnya."),
            params={"column": column, "value": f"{value:.0f}"},
            code="amount_invalid",
        )
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellProblem(
            N_("%(column)s %(value)s bukan rupiah bulat. Tulis tanpa sen, mis. 16800."),
            params={"column": column, "value": str(value)},
            code="amount_invalid",
        )
    text = text_of(value).replace(" ", "")
    text = ungroup(re.sub(r"^(-?)Rp\.?", r"\1", text, flags=re.IGNORECASE))
    if not re.fullmatch(r"-?[0-9]{1,15}", text):  # at most 999 trillion rupiah
        shown = text_of(value) or figures.text(N_("(kosong)"))
        raise CellProblem(
            N_("%(column)s '%(value)s' bukan jumlah rupiah. Isi angka bulat tanpa sen, mis. 201600."),
            params={"column": column, "value": shown},
            code="amount_invalid" if text else "required",
        )
    return int(text)


def parse_date(value: object, column: str, *, example: str = "12/03/1985") -> date:
    """Dates as officers send them: date cells, Excel serial numbers, dd/mm/yyyy,
    dd-mm-yyyy and ISO text. ``example`` is the date the message shows."""
    reject_formula(column, value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellProblem(
            N_("Angka %(value)s bukan tanggal Excel yang sah."),
            params={"value": str(value)},
            code="date_invalid",
        )
    text = text_of(value)
    if not text:
        raise CellProblem(
            N_("%(column)s wajib diisi (format dd/mm/yyyy)."), params={"column": column}, code="required"
        )
    try:
        if match := _DATE_TEXT.match(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if match := _ISO_TEXT.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        if text.isdigit() and 4 <= len(text) <= 6:  # a serial number stored as text
            return EXCEL_EPOCH + timedelta(days=int(text))
    except ValueError:
        pass
    raise CellProblem(
        N_("Tanggal '%(text)s' tidak dikenali. Tulis sebagai dd/mm/yyyy, mis. %(example)s."),
        params={"text": text, "example": example},
        code="date_invalid",
    )


def parse_month(value: object, column: str) -> int:
    """A month as files write it: 2025-03, 2025/03, 03/2025, or a date cell (its month).
    Returned as one integer, year * 12 + month - 1 (``billing.protection.month_index``)."""
    if isinstance(value, datetime | date):
        return value.year * 12 + value.month - 1
    text = text_of(value)
    if not text:
        raise CellProblem(
            N_("%(column)s wajib diisi, format YYYY-MM (mis. 2025-01)."),
            params={"column": column},
            code="required",
        )
    match = _MONTH_ISO.match(text)
    year, month = (int(match[1]), int(match[2])) if match else (None, None)
    if match is None and (local := _MONTH_LOCAL.match(text)):
        year, month = int(local[2]), int(local[1])
    if year is None or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise CellProblem(
            N_(
                "Bulan '%(text)s' tidak dikenali. Tulis sebagai YYYY-MM, mis. 2025-01 (format kolom sebagai "
                "Teks)."
            ),
            params={"text": text},
            code="month_invalid",
        )
    return year * 12 + month - 1
