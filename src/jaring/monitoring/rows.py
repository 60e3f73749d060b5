"""One row of a coverage file (KODE_WILAYAH, TANGGAL, PESERTA_AKTIF, POTENSI_PEKERJA,
TARGET_PERSEN) into a record, or into errors naming the row, the column and the fix.
Pure: no Django. The caller gives the known region codes, the jurisdiction test and
today.

A row with both numbers empty and a TARGET_PERSEN sets only the year's target.
More participants than potential workers is accepted with a warning: BPS estimates
of small areas can be below the people registered there (people register where
they work), and the figure is BPJS's own count.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from jaring import codes
from jaring.formats import figures
from jaring.i18n import N_
from jaring.sheets.cells import CellProblem, parse_date, text_of, whole_number
from jaring.sheets.headers import Column, Sheet
from jaring.sheets.rows import RowError

FIRST_DATE = date(2014, 1, 1)  # BPJS Ketenagakerjaan began operating on 1 January 2014
PEOPLE_MAX = 400_000_000
# KODE_WILAYAH and TARGET_PERSEN are read by the row rule (known codes, jurisdiction,
# a target-only row).
SHEET = Sheet(
    columns=(
        Column("KODE_WILAYAH", required=True),
        Column("TANGGAL", required=True, parse=partial(parse_date, example="31/12/2024")),
        Column("PESERTA_AKTIF", required=True, parse=lambda cell, _column: whole_number(cell)),
        Column("POTENSI_PEKERJA", required=True, parse=lambda cell, _column: whole_number(cell)),
        Column("TARGET_PERSEN"),
    ),
    missing=N_(
        "Kolom %(column)s tidak ada di baris judul. Baris pertama harus berisi %(columns)s (TARGET_PERSEN "
        "boleh tidak ada)."
    ),
)
COLUMNS = tuple(SHEET.names)
REQUIRED = tuple(SHEET.required)


@dataclass(frozen=True)
class CoverageRecord:
    row: int
    region_code: str
    on: date
    participants: int | None  # None (with potential None) for a target-only row
    potential: int | None
    target: Decimal | None

    @property
    def has_figures(self) -> bool:
        return self.participants is not None


class RowWarning(RowError):
    """A row saved with a note (the shape of a ``RowError``)."""


def _people(values: dict[str, object], column: str) -> int | CellProblem | None:
    """A count of people; None when empty; the problem when it is not one."""
    try:
        return SHEET.parse(column, values.get(column))
    except CellProblem as problem:
        return problem


def _target(cell: object) -> Decimal | str | None:
    """A target percentage: 53, 53.5, "53,5", "53%". None when empty."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        return "bukan angka"
    text = text_of(cell).replace(" ", "").removesuffix("%").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "bukan angka"
    if not value.is_finite():
        return "bukan angka"
    return value


def parse_coverage_row(
    values: dict[str, object],
    *,
    row: int,
    known_codes: Container[str],
    in_jurisdiction: Callable[[str], bool],
    today: date,
) -> tuple[CoverageRecord | None, list[RowError], list[RowWarning]]:
    """Check one row; all its errors at once. Returns (record or None, errors, warnings)."""
    errors: list[RowError] = []
    warnings: list[RowWarning] = []

    def fail(column: str, code: str, message: str) -> None:
        errors.append(RowError(row, column, code, message))

    raw_code = text_of(values.get("KODE_WILAYAH"))
    region = codes.try_normalize(raw_code) if raw_code else None
    if not raw_code:
        fail(
            "KODE_WILAYAH",
            "region_required",
            figures.text(N_("Kode wilayah wajib diisi, mis. 15 atau 15.04.")),
        )
    elif region is None:
        fail(
            "KODE_WILAYAH",
            "region_invalid",
            figures.text(
                N_(
                    "'%(code)s' bukan kode wilayah. Isi kode provinsi (15), kabupaten/kota (15.04), "
                    "kecamatan "
                    "(15.04.01) atau desa (15.04.01.2003); format kolom sebagai Teks agar 17.10 tidak "
                    "menjadi "
                    "17.1."
                ),
                {"code": raw_code},
            ),
        )
    elif region not in known_codes:
        fail(
            "KODE_WILAYAH",
            "region_unknown",
            figures.text(
                N_("Wilayah %(region)s tidak terdaftar. Periksa kodenya di menu Wilayah."),
                {"region": codes.dotted(region)},
            ),
        )
    elif not in_jurisdiction(region):
        fail(
            "KODE_WILAYAH",
            "region_outside_jurisdiction",
            figures.text(
                N_("Wilayah %(region)s di luar wilayah kerja Anda. Hapus baris ini."),
                {"region": codes.dotted(region)},
            ),
        )

    on = None
    raw_date = values.get("TANGGAL")
    if not isinstance(raw_date, date) and not text_of(raw_date):
        fail("TANGGAL", "date_required", figures.text(N_("Tanggal data wajib diisi, mis. 31/12/2024.")))
    else:
        try:
            on = SHEET.parse("TANGGAL", raw_date)
        except CellProblem as exc:
            fail("TANGGAL", exc.code, exc.message)
        else:
            if on > today:
                fail(
                    "TANGGAL",
                    "date_future",
                    figures.text(
                        N_("Tanggal %(on)s belum terjadi. Isi tanggal posisi data, paling lambat hari ini."),
                        {"on": figures.day(on)},
                    ),
                )
                on = None
            elif on < FIRST_DATE:
                fail(
                    "TANGGAL",
                    "date_too_early",
                    figures.text(
                        N_(
                            "Tanggal %(on)s sebelum BPJS Ketenagakerjaan beroperasi (1 Januari 2014). "
                            "Periksa tahunnya."
                        ),
                        {"on": figures.day(on)},
                    ),
                )
                on = None

    participants = _people(values, "PESERTA_AKTIF")
    potential = _people(values, "POTENSI_PEKERJA")
    target = _target(values.get("TARGET_PERSEN"))
    target_only = participants is None and potential is None and isinstance(target, Decimal)
    if not target_only:
        for column, value, minimum in (("PESERTA_AKTIF", participants, 0), ("POTENSI_PEKERJA", potential, 1)):
            shown = text_of(values.get(column))
            if value is None:
                fail(
                    column,
                    "number_required",
                    figures.text(
                        N_(
                            "%(column)s wajib diisi dengan jumlah orang, mis. 49803 (kosongkan "
                            "PESERTA_AKTIF dan "
                            "POTENSI_PEKERJA bersama-sama hanya untuk baris yang mengisi TARGET_PERSEN saja)."
                        ),
                        {"column": column},
                    ),
                )
            elif isinstance(value, CellProblem):
                fail(
                    column,
                    "number_negative" if value.code == "negative" else "number_invalid",
                    figures.text(
                        N_(
                            "'%(value)s' tidak dapat dipakai (%(problem)s). Isi bilangan bulat %(minimum)s "
                            "atau "
                            "lebih tanpa desimal, mis. 49803 atau 49.803."
                        ),
                        {"value": shown, "problem": value.message, "minimum": minimum},
                    ),
                )
            elif value < minimum:
                fail(
                    column,
                    "potential_zero",
                    figures.text(
                        N_("POTENSI_PEKERJA harus lebih dari 0: cakupan dihitung sebagai peserta / potensi.")
                    ),
                )
            elif value > PEOPLE_MAX:
                fail(
                    column,
                    "number_too_large",
                    figures.text(
                        N_("'%(value)s' terlalu besar untuk jumlah orang. Periksa angkanya."),
                        {"value": shown},
                    ),
                )

    if isinstance(target, str):
        fail(
            "TARGET_PERSEN",
            "target_invalid",
            figures.text(
                N_(
                    "'%(value)s' bukan persentase. Isi angka 0-100 tanpa tanda %%, mis. 53 atau 53,5, atau "
                    "kosongkan."
                ),
                {"value": text_of(values.get("TARGET_PERSEN"))},
            ),
        )
    elif target is not None and not (1 < target <= 100):
        fail(
            "TARGET_PERSEN",
            "target_out_of_range",
            figures.text(
                N_(
                    "Target %(value)s di luar rentang. Isi persen lebih dari 1 sampai 100, mis. 53 untuk "
                    "53%% "
                    "(bila sel berformat persen 0,53, ubah menjadi angka 53)."
                ),
                {"value": text_of(values.get("TARGET_PERSEN"))},
            ),
        )
    elif target is not None and target != target.quantize(Decimal("0.01")):
        fail(
            "TARGET_PERSEN",
            "target_precision",
            figures.text(N_("Target paling banyak dua angka desimal, mis. 53,25.")),
        )

    if errors:
        return None, errors, warnings
    if not target_only and participants > potential:
        warnings.append(
            RowWarning(
                row,
                "PESERTA_AKTIF",
                "participants_over_potential",
                figures.text(
                    N_(
                        "Peserta aktif (%(participants)s) melebihi potensi pekerja (%(potential)s) di "
                        "%(region)s: cakupan di atas 100%%. Tetap disimpan; periksa angka potensi BPS."
                    ),
                    {"participants": participants, "potential": potential, "region": codes.dotted(region)},
                ),
            )
        )
    record = CoverageRecord(
        row=row,
        region_code=region,
        on=on,
        participants=None if target_only else participants,
        potential=None if target_only else potential,
        target=target,
    )
    return record, errors, warnings
