"""One row of a vulnerable-worker count file (KODE_WILAYAH, TAHUN, PEKERJA_RENTAN)
into a record, or into errors naming the row, the column and the fix. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass

from jaring import codes
from jaring.formats import figures
from jaring.i18n import N_
from jaring.sheets.cells import CellProblem, text_of, whole_number
from jaring.sheets.headers import Column, Sheet
from jaring.sheets.rows import RowError, RowErrors

YEAR_MIN, YEAR_MAX = 2000, 2100


def _whole(cell: object, _column: str) -> int | None:
    """A whole number of zero or more (1,234 and 1.234 are read as thousands), or None
    when the cell is empty or holds something else: the row rule says why."""
    try:
        return whole_number(cell)
    except CellProblem:
        return None


# KODE_WILAYAH is read by the row rule (known regencies, jurisdiction).
SHEET = Sheet(
    columns=(
        Column("KODE_WILAYAH", required=True),
        Column("TAHUN", required=True, parse=_whole),
        Column("PEKERJA_RENTAN", required=True, parse=_whole),
    )
)
COLUMNS = tuple(SHEET.names)


@dataclass(frozen=True)
class CountRecord:
    row: int
    region_code: str
    year: int
    vulnerable_workers: int


def parse_count_row(
    values: dict[str, object],
    *,
    row: int,
    regency_codes: Container[str],
    in_jurisdiction: Callable[[str], bool],
) -> CountRecord | list[RowError]:
    errors = RowErrors(row)
    fail = errors.add

    raw_code = text_of(values.get("KODE_WILAYAH"))
    region = codes.try_normalize(raw_code) if raw_code else None
    if not raw_code:
        fail(
            "KODE_WILAYAH",
            "region_required",
            figures.text(N_("Kode kabupaten/kota wajib diisi, mis. 15.04.")),
        )
    elif region is None or len(region) != 4:
        fail(
            "KODE_WILAYAH",
            "region_not_regency",
            figures.text(
                N_(
                    "'%(code)s' bukan kode kabupaten/kota. Isi 4 angka atau 2 kelompok bertitik, mis. 15.04 "
                    "(format kolom sebagai Teks agar 17.10 tidak menjadi 17.1)."
                ),
                {"code": raw_code},
            ),
        )
    elif region not in regency_codes:
        fail(
            "KODE_WILAYAH",
            "region_unknown",
            figures.text(
                N_("Kabupaten/kota %(region)s tidak terdaftar. Periksa kodenya di menu Wilayah."),
                {"region": codes.dotted(region)},
            ),
        )
    elif not in_jurisdiction(region):
        fail(
            "KODE_WILAYAH",
            "region_outside_jurisdiction",
            figures.text(
                N_("Kabupaten/kota %(region)s di luar wilayah kerja Anda. Hapus baris ini."),
                {"region": codes.dotted(region)},
            ),
        )
    year = SHEET.parse("TAHUN", values.get("TAHUN"))
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        fail(
            "TAHUN",
            "year_invalid",
            figures.text(
                N_("'%(value)s' bukan tahun. Isi tahun 4 angka, mis. 2025."),
                {"value": text_of(values.get("TAHUN"))},
            ),
        )
    count = SHEET.parse("PEKERJA_RENTAN", values.get("PEKERJA_RENTAN"))
    if count is None:
        fail(
            "PEKERJA_RENTAN",
            "count_invalid",
            figures.text(
                N_(
                    "'%(value)s' bukan jumlah orang. Isi bilangan bulat 0 atau lebih tanpa desimal, "
                    "mis. 12500."
                ),
                {"value": text_of(values.get("PEKERJA_RENTAN"))},
            ),
        )
    if errors.items:
        return errors.items
    return CountRecord(row=row, region_code=region, year=year, vulnerable_workers=count)
