"""One row of a vulnerable-worker count file (KODE_WILAYAH, TAHUN, PEKERJA_RENTAN)
into a record, or into errors naming the row, the column and the fix. Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass

from jaring.regions import codes
from jaring.registry.rows import RowError, header_key, text_of  # the participant import's own

COLUMNS = ("KODE_WILAYAH", "TAHUN", "PEKERJA_RENTAN")
YEAR_MIN, YEAR_MAX = 2000, 2100


COLUMN_BY_KEY = {header_key(c): c for c in COLUMNS}


@dataclass(frozen=True)
class CountRecord:
    row: int
    region_code: str
    year: int
    vulnerable_workers: int


COUNT_LIMIT = 10**10  # more people than live on earth: a typing or column error


def whole_number(cell: object) -> int | None:
    """A whole number from a cell (1,234 and 1.234 are read as thousands), or None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float) and abs(cell) >= COUNT_LIMIT:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    text = str(cell or "").strip().replace(" ", "")
    if re.fullmatch(r"[0-9]{1,3}([.,][0-9]{3})+", text):
        text = text.replace(".", "").replace(",", "")
    return int(text) if re.fullmatch(r"[0-9]{1,10}", text) else None


def parse_count_row(
    values: dict[str, object],
    *,
    row: int,
    regency_codes: Container[str],
    in_jurisdiction: Callable[[str], bool],
) -> CountRecord | list[RowError]:
    errors: list[RowError] = []

    def fail(column: str, code: str, message: str) -> None:
        errors.append(RowError(row, column, code, message))

    raw_code = text_of(values.get("KODE_WILAYAH"))
    region = codes.try_normalize(raw_code) if raw_code else None
    if not raw_code:
        fail("KODE_WILAYAH", "region_required", "Kode kabupaten/kota wajib diisi, mis. 15.04.")
    elif region is None or len(region) != 4:
        fail(
            "KODE_WILAYAH",
            "region_not_regency",
            f"'{raw_code}' bukan kode kabupaten/kota. Isi 4 angka atau 2 kelompok bertitik, mis. 15.04 "
            "(format kolom sebagai Teks agar 17.10 tidak menjadi 17.1).",
        )
    elif region not in regency_codes:
        fail(
            "KODE_WILAYAH",
            "region_unknown",
            f"Kabupaten/kota {codes.dotted(region)} tidak terdaftar. Periksa kodenya di menu Wilayah.",
        )
    elif not in_jurisdiction(region):
        fail(
            "KODE_WILAYAH",
            "region_outside_jurisdiction",
            f"Kabupaten/kota {codes.dotted(region)} di luar wilayah kerja Anda. Hapus baris ini.",
        )
    year = whole_number(values.get("TAHUN"))
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        fail(
            "TAHUN",
            "year_invalid",
            f"'{text_of(values.get('TAHUN'))}' bukan tahun. Isi tahun 4 angka, mis. 2025.",
        )
    count = whole_number(values.get("PEKERJA_RENTAN"))
    if count is None:
        fail(
            "PEKERJA_RENTAN",
            "count_invalid",
            f"'{text_of(values.get('PEKERJA_RENTAN'))}' bukan jumlah orang. Isi bilangan bulat 0 atau "
            "lebih tanpa desimal, mis. 12500.",
        )
    if errors:
        return errors
    return CountRecord(row=row, region_code=region, year=year, vulnerable_workers=count)
