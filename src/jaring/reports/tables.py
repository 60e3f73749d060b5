"""The shape of a monev report: summary figures and tables that the PDF and the
XLSX render alike. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from jaring import formats
from jaring.formats import figures
from jaring.i18n import N_

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# Column kinds: how a value is written in the PDF and typed in the workbook.
TEXT, INT, RUPIAH, PERCENT, DATE = "text", "int", "rupiah", "percent", "date"
PERCENT2 = "percent2"  # coverage: two decimals, as BPJS publishes it (39,52%)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str  # the workbook sheet name (31 characters at most)
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""  # e.g. "50 of 812 shown"
    empty: str = "Tidak ada data."
    chart_svg: str = ""  # a chart of the rows (inline SVG) the PDF draws above them


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    kind: str = TEXT
    note: str = ""
    headline: bool = False  # also on the cover


@dataclass(frozen=True)
class MapKey:
    """One regency of the map: the number drawn on it and what the key says of it."""

    number: int
    code: str
    name: str
    coverage: float | None  # percent, PERCENT2


@dataclass
class MonevReport:
    region_code: str
    region_name: str
    period: date  # the first day of the month reported
    as_of: date  # the last day of that month, or today for the current month
    generated_by: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    map_svg: str = ""  # inline SVG of the regencies, when the region has them
    map_title: str = ""
    map_legend: list[tuple[str, str]] = field(default_factory=list)  # (fill colour, label)
    map_key: list[MapKey] = field(default_factory=list)  # the numbers drawn on the map

    @property
    def period_label(self) -> str:
        return f"{MONTHS_ID[self.period.month - 1]} {self.period.year}"


def parse_period(text: str) -> date:
    """'2025-08' -> date(2025, 8, 1); ValueError with the fix otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(
            figures.text(
                N_("Periode '%(period)s' tidak sah; tulis tahun-bulan, mis. 2025-08."), {"period": text}
            )
        ) from None


def thousands(value: int) -> str:
    """The report is Indonesian (``jaring.formats``): 1312370 -> 1.312.370."""
    return formats.number(value, formats.INDONESIAN)


def percent_text(value: float | None, decimals: int = 1) -> str:
    """39.52 -> 39,5% (half up, ``jaring.formats``); None -> an en dash."""
    return formats.percent(value, formats.INDONESIAN, decimals)


def days_text(value: float | None) -> str:
    """15.5 -> 15,5; 15.0 -> 15 (a tenth at most)."""
    return formats.number(value, formats.INDONESIAN, -1)


def percent_fraction(value: float | Decimal, decimals: int) -> float:
    """A percentage as the fraction a spreadsheet keeps under a percent format, exact to
    the digits shown: 39.52 -> 0.3952 (in floats 39.52 / 100 is 0.3952000000000001).
    The division is decimal, rounded half up to the ``decimals`` of the percentage."""
    fraction = Decimal(str(value)) / 100
    return float(fraction.quantize(Decimal(1).scaleb(-(decimals + 2)), rounding=ROUND_HALF_UP))


def date_text(value: date | None) -> str:
    return "\u2013" if value is None else f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"
