"""One row of a DTSEN (or P3KE) extract: a person of the national socio-economic dataset
with a welfare decile, or every error of the row at once.

Pure: no Django import. The participant registry's rules are reused as they are (NIK,
name, birth date, sex, village in the jurisdiction, occupation, decile); an extract
lists whole families, children and the elderly included, so no age range applies here
(the candidate rule applies the registry's on the day it looks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry import nik as nik_rules
from jaring.registry.rows import RowContext, parse_date, parse_decile, parse_name, parse_sex, parse_village
from jaring.registry.vocab import parse_occupation
from jaring.sheets.cells import CellProblem, reject_formula, text_of
from jaring.sheets.headers import REFUSE, Column, Sheet
from jaring.sheets.rows import RowError, RowErrors

FAMILY_MAX = 40
WORKING = {"BEKERJA": True, "TIDAKBEKERJA": False}


@dataclass(frozen=True)
class DtsenRecord:
    nik: str
    full_name: str
    birth_date: date
    sex: str
    village_code: str
    family_id: str
    decile: int
    occupation: str  # the registry's occupation code, "" when the extract gives none
    working: bool | None  # STATUS_BEKERJA; None when not given


def parse_family(value: object, column: str = "ID_KELUARGA") -> str:
    reject_formula(column, value)
    text = text_of(value)
    if len(text) > FAMILY_MAX:
        raise CellProblem(
            N_("ID keluarga '%(value)s' terlalu panjang: paling banyak %(limit)s karakter."),
            params={"value": text[:60], "limit": FAMILY_MAX},
            code="family_id_too_long",
        )
    return text


def parse_working(value: object, column: str = "STATUS_BEKERJA") -> bool | None:
    reject_formula(column, value)
    text = text_of(value)
    if not text:
        return None
    key = text.upper().replace(" ", "").replace("_", "").replace("-", "")
    if key not in WORKING:
        raise CellProblem(
            N_(
                "Status bekerja '%(value)s' tidak dikenal; isi 'bekerja' atau 'tidak bekerja' "
                "(atau kosongkan)."
            ),
            params={"value": text[:60]},
            code="working_status_unknown",
        )
    return WORKING[key]


def _occupation(value: object, column: str = "PEKERJAAN") -> str:
    reject_formula(column, value)
    text = text_of(value)
    return parse_occupation(text) if text else ""


SHEET = Sheet(
    columns=(
        Column("NIK", required=True),
        Column("NAMA", required=True, parse=parse_name),
        Column("TANGGAL_LAHIR", required=True, parse=parse_date),
        Column("JENIS_KELAMIN", required=True, parse=parse_sex),
        Column("KODE_DESA", required=True),
        Column("ID_KELUARGA", required=True, parse=parse_family),
        Column("DESIL", required=True, parse=parse_decile),
        Column("PEKERJAAN", parse=_occupation),
        Column("STATUS_BEKERJA", parse=parse_working),
    ),
    duplicates=REFUSE,
    missing=N_("Kolom wajib %(column)s tidak ada di baris judul ekstrak DTSEN."),
)
COLUMNS = SHEET.names


def validate_row(values: Mapping[str, object], *, row: int, ctx: RowContext) -> DtsenRecord | list[RowError]:
    """One extract row (keys are the canonical column names): a record, or its errors."""
    errors = RowErrors(row, columns=COLUMNS)
    blank = set()
    for column in SHEET.required:
        value = values.get(column)
        if not isinstance(value, date) and not text_of(value):
            errors.add(
                column, "required", figures.text(N_("Kolom %(column)s wajib diisi."), {"column": column})
            )
            blank.add(column)

    def cell(column: str):
        if column in blank:
            return None
        return errors.attempt(column, lambda: SHEET.parse(column, values.get(column)))

    info = None
    if "NIK" not in blank:
        info = errors.attempt("NIK", lambda: _nik(values.get("NIK"), ctx))
    name, birth, sex = cell("NAMA"), cell("TANGGAL_LAHIR"), cell("JENIS_KELAMIN")
    village = None
    if "KODE_DESA" not in blank:
        village = errors.attempt("KODE_DESA", lambda: parse_village(values.get("KODE_DESA"), ctx))
    family, decile = cell("ID_KELUARGA"), cell("DESIL")
    occupation, working = cell("PEKERJAAN"), cell("STATUS_BEKERJA")
    if info is not None and (birth is not None or sex is not None):
        errors.attempt(
            "TANGGAL_LAHIR",
            lambda: nik_rules.check_agrees(info, birth_date=birth, sex=sex and nik_rules.Sex(sex)),
        )
    if birth is not None and birth > ctx.today:
        errors.add(
            "TANGGAL_LAHIR",
            "birth_date_future",
            figures.text(N_("Tanggal lahir %(date)s di masa depan."), {"date": figures.day(birth)}),
        )
    if errors.items:
        return errors.items
    return DtsenRecord(
        nik=info.nik,
        full_name=name,
        birth_date=birth,
        sex=sex,
        village_code=village,
        family_id=family,
        decile=decile,
        occupation=occupation or "",
        working=working,
    )


def _nik(value: object, ctx: RowContext) -> nik_rules.NikInfo:
    reject_formula("NIK", value)
    return nik_rules.parse_nik(value, regency_codes=ctx.regency_codes, today=ctx.today)


@dataclass(frozen=True)
class ActiveRecord:
    nik: str
    active_on: date


ACTIVE_SHEET = Sheet(
    columns=(
        Column("NIK", required=True),
        Column("TANGGAL_AKTIF", required=True, parse=lambda cell, column: parse_date(cell, column)),
    ),
    duplicates=REFUSE,
    missing=N_("Kolom wajib %(column)s tidak ada di baris judul daftar aktif BPJS."),
)


def validate_active_row(
    values: Mapping[str, object], *, row: int, ctx: RowContext, listed_on: date
) -> ActiveRecord | list[RowError]:
    """One row of BPJS's active list: a NIK and the date BPJS shows the person active
    (not after the list's own date)."""
    errors = RowErrors(row, columns=ACTIVE_SHEET.names)
    info = errors.attempt("NIK", lambda: _nik(values.get("NIK"), ctx))
    active_on = None
    if not isinstance(values.get("TANGGAL_AKTIF"), date) and not text_of(values.get("TANGGAL_AKTIF")):
        errors.add(
            "TANGGAL_AKTIF",
            "required",
            figures.text(N_("Kolom %(column)s wajib diisi."), {"column": "TANGGAL_AKTIF"}),
        )
    else:
        active_on = errors.attempt(
            "TANGGAL_AKTIF", lambda: ACTIVE_SHEET.parse("TANGGAL_AKTIF", values.get("TANGGAL_AKTIF"))
        )
    if active_on is not None and active_on > listed_on:
        errors.add(
            "TANGGAL_AKTIF",
            "active_after_list",
            figures.text(
                N_("Tanggal aktif %(date)s sesudah tanggal daftar %(listed)s; periksa tanggalnya."),
                {"date": figures.day(active_on), "listed": figures.day(listed_on)},
            ),
        )
    if errors.items:
        return errors.items
    return ActiveRecord(nik=info.nik, active_on=active_on)
