"""Turning one spreadsheet row into a participant record, or into precise errors.

Pure: no Django import. The caller gives the reference data (real regency and
village codes, the jurisdiction test, today and the age range).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import date

from jaring import codes
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry import nik as nik_rules
from jaring.registry.vocab import Category, Occupation, parse_category, parse_occupation
from jaring.sheets import cells
from jaring.sheets.cells import CellProblem, reject_formula, text_of
from jaring.sheets.headers import REFUSE, Column, Sheet, header_key
from jaring.sheets.rows import RowError, RowErrors

__all__ = [
    "COLUMNS", "COLUMN_OF_FIELD", "ERASE", "OPTIONAL", "REQUIRED", "SHEET", "ParticipantRecord", "RowContext",
    "RowError", "header_key", "parse_date", "parse_decile", "parse_name", "parse_sex", "parse_village",
    "text_of", "validate_row",
]  # fmt: skip

# ParticipantRecord field -> spreadsheet column (the API speaks in fields).
COLUMN_OF_FIELD = {
    "nik": "NIK",
    "full_name": "NAMA",
    "birth_date": "TANGGAL_LAHIR",
    "sex": "JENIS_KELAMIN",
    "village_code": "KODE_DESA",
    "address": "ALAMAT",
    "phone": "NO_HP",
    "occupation": "PEKERJAAN",
    "category": "KATEGORI",
    "kpj_number": "NO_KPJ",
    "dtsen_ref": "ID_DTSEN",
    "welfare_decile": "DESIL",
}
FIELD_OF_COLUMN = {column: name for name, column in COLUMN_OF_FIELD.items()}
# In an optional cell, "-" means "erase what is stored"; a blank cell means "not given"
# and keeps what is stored (a later file without the KPJ number must not erase it).
ERASE = "-"
NAME_MAX = 150
# Markup and code, never part of a name on an identity card (a name is shown on pages,
# in exports and letters): < > " ` { } [ ] \ | = ; and control characters.
_NAME_FORBIDDEN = re.compile(r'[<>"`{}\[\]\\|=;\x00-\x1f\x7f-\x9f]')


@dataclass(frozen=True)
class ParticipantRecord:
    nik: str
    full_name: str
    birth_date: date
    sex: str
    village_code: str
    address: str
    phone: str
    occupation: Occupation
    category: Category
    kpj_number: str
    dtsen_ref: str
    welfare_decile: int | None
    # Fields the row did not give (a blank optional cell, a column or key not sent):
    # a person already registered keeps the stored value of each.
    not_given: frozenset[str] = frozenset()


@dataclass
class RowContext:
    regency_codes: Container[str]
    village_codes: Container[str]
    in_jurisdiction: Callable[[str], bool]
    today: date
    age_min: int = 15
    age_max: int = 65
    kpj_length: int = 11  # UNCONFIRMED (DOMAIN.md s.3): settings.JARING_KPJ_LENGTH


def parse_date(value: object, column: str = "TANGGAL_LAHIR") -> date:
    """Dates as officers send them (``sheets.cells.parse_date``); a birth date by default."""
    return cells.parse_date(value, column)


def parse_sex(value: object, column: str = "JENIS_KELAMIN") -> str:
    reject_formula(column, value)
    key = text_of(value).upper().replace("-", "").replace(" ", "")
    mapping = {
        "L": "L",
        "LAKILAKI": "L",
        "P": "P",
        "PEREMPUAN": "P",
        "W": "P",
        "WANITA": "P",
        "PR": "P",
        "LK": "L",
    }
    if key not in mapping:
        raise CellProblem(
            N_("Jenis kelamin '%(value)s' tidak dikenal; isi L (laki-laki) atau P (perempuan)."),
            params={"value": text_of(value)},
            code="sex_invalid",
        )
    return mapping[key]


def parse_name(value: object, column: str = "NAMA") -> str:
    """A person's name as it enters Jaring from any door (file, form, API): spaces
    collapsed, at least one letter, at most 150 characters, no markup."""
    reject_formula(column, value)
    name = " ".join(text_of(value).split())
    if not name:
        raise CellProblem(N_("Kolom %(column)s wajib diisi."), params={"column": column}, code="required")
    if len(name) > NAME_MAX or not re.search(r"[^\W\d_]", name):
        raise CellProblem(
            N_("Nama '%(name)s' tidak sah: harus berisi huruf, paling panjang %(limit)s."),
            params={"name": name[:40], "limit": NAME_MAX},
            code="name_invalid",
        )
    if found := _NAME_FORBIDDEN.search(name):
        raise CellProblem(
            N_(
                "Nama '%(name)s' berisi tanda '%(mark)s' yang tidak ada pada nama di KTP. Tulis "
                "nama seperti pada KTP (huruf, spasi, titik, koma, tanda petik tunggal, tanda hubung)."
            ),
            params={"name": name[:40], "mark": found.group()},
            code="name_invalid",
        )
    return name


def _optional_digits(value: object, column: str, length: int) -> str:
    reject_formula(column, value)
    text = re.sub(r"[\s.\-]", "", text_of(value))
    if not text:
        return ""
    if not text.isdigit() or len(text) != length:
        raise CellProblem(
            N_("%(column)s '%(value)s' harus %(length)s angka (atau dikosongkan)."),
            params={"column": column, "value": text_of(value), "length": length},
            code="digits",
        )
    return text


def _phone(value: object, column: str = "NO_HP") -> str:
    reject_formula(column, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = text_of(value)
        return text if text.startswith("0") else "0" + text  # Excel dropped the leading zero
    text = re.sub(r"[\s.\-()]", "", text_of(value))
    if text and not re.fullmatch(r"\+?\d{8,15}", text):
        raise CellProblem(
            N_("Nomor HP '%(value)s' tidak sah; tulis angka saja, mis. 081234567890."),
            params={"value": text_of(value)},
            code="phone",
        )
    return text


def parse_decile(value: object, column: str = "DESIL") -> int | None:
    """A welfare decile of DTSEN, 1 (poorest) to 10; a blank cell is none."""
    reject_formula(column, value)
    text = text_of(value)
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,2}", text) or not 1 <= int(text) <= 10:
        raise CellProblem(
            N_("Desil '%(value)s' harus angka 1 sampai 10 (atau dikosongkan)."),
            params={"value": text},
            code="decile",
        )
    return int(text)


def _free_text(value: object, column: str) -> str:
    reject_formula(column, value)
    return text_of(value)


# The participant file, in the template's order. NIK, KODE_DESA and NO_KPJ are read by
# validate_row with the reference data (regencies, villages, jurisdiction, KPJ length).
# The columns the rejected-rows workbook adds (workbooks.errors_xlsx): not read, and not
# reported, when the officer uploads the fixed workbook again.
ROW_COLUMN, PROBLEM_COLUMN = "BARIS", "MASALAH DAN PERBAIKAN"
SHEET = Sheet(
    columns=(
        Column("NIK", required=True),
        Column("NAMA", required=True, parse=parse_name),
        Column("TANGGAL_LAHIR", required=True, parse=parse_date),
        Column("JENIS_KELAMIN", required=True, parse=parse_sex),
        Column("KODE_DESA", required=True),
        Column("ALAMAT", parse=_free_text),
        Column("NO_HP", parse=_phone),
        Column("PEKERJAAN", required=True, parse=lambda cell, _column: parse_occupation(text_of(cell))),
        Column("KATEGORI", required=True, parse=lambda cell, _column: parse_category(text_of(cell))),
        Column("NO_KPJ"),
        Column("ID_DTSEN", parse=_free_text),
        Column("DESIL", parse=parse_decile),
    ),
    duplicates=REFUSE,
    missing=N_("Kolom wajib %(column)s tidak ada di baris judul. Pakai templat impor."),
    ignored=(ROW_COLUMN, PROBLEM_COLUMN),
)
COLUMNS = SHEET.names  # the template's order
REQUIRED = SHEET.required
OPTIONAL = [c for c in COLUMNS if c not in REQUIRED]


def validate_row(
    values: Mapping[str, object], *, row: int, ctx: RowContext, blank_keeps: bool = True
) -> ParticipantRecord | list[RowError]:
    """Validate one row (keys are canonical column names); all its errors at once.

    An optional column missing from ``values`` is not given; so is a blank optional cell
    when ``blank_keeps`` (files: a blank cell is "not given"; the API, which sends what
    it means, erases with ""). ``-`` in an optional cell erases, wherever it comes from."""
    errors = RowErrors(row, columns=COLUMNS)
    not_given = frozenset(
        FIELD_OF_COLUMN[column]
        for column in OPTIONAL
        if column not in values
        or (blank_keeps and not isinstance(values[column], date) and not text_of(values[column]))
    )
    values = {k: ("" if k in OPTIONAL and text_of(v) == ERASE else v) for k, v in values.items()}

    missing = set()
    for column in REQUIRED:
        value = values.get(column)
        if column != "NIK" and not isinstance(value, date) and not text_of(value):
            errors.add(
                column, "required", figures.text(N_("Kolom %(column)s wajib diisi."), {"column": column})
            )
            missing.add(column)

    def cell(column: str) -> object:
        """The declared parser on a cell the row gives."""
        return (
            None
            if column in missing
            else errors.attempt(column, lambda: SHEET.parse(column, values.get(column)))
        )

    info = errors.attempt("NIK", lambda: _nik(values.get("NIK"), ctx))
    name = cell("NAMA")
    birth = cell("TANGGAL_LAHIR")
    sex = cell("JENIS_KELAMIN")
    village = None
    if "KODE_DESA" not in missing:
        village = errors.attempt("KODE_DESA", lambda: parse_village(values.get("KODE_DESA"), ctx))
    occupation = cell("PEKERJAAN")
    category = cell("KATEGORI")
    kpj = errors.attempt("NO_KPJ", lambda: _optional_digits(values.get("NO_KPJ"), "NO_KPJ", ctx.kpj_length))
    phone = cell("NO_HP")
    decile = cell("DESIL")
    address = text_of(values.get("ALAMAT"))
    dtsen = text_of(values.get("ID_DTSEN"))
    for column in ("ALAMAT", "ID_DTSEN"):
        cell(column)

    if info is not None and (birth is not None or sex is not None):
        errors.attempt(
            "TANGGAL_LAHIR",
            lambda: nik_rules.check_agrees(info, birth_date=birth, sex=sex and nik_rules.Sex(sex)),
        )
    if birth is not None:
        errors.attempt(
            "TANGGAL_LAHIR",
            lambda: nik_rules.check_age(birth, on=ctx.today, minimum=ctx.age_min, maximum=ctx.age_max),
        )

    if errors.items:
        return errors.items
    return ParticipantRecord(
        nik=info.nik,
        full_name=name,
        birth_date=birth,
        sex=sex,
        village_code=village,
        address=address[:255],
        phone=phone or "",
        occupation=occupation,
        category=category,
        kpj_number=kpj or "",
        dtsen_ref=dtsen[:40],
        welfare_decile=decile,
        not_given=not_given,
    )


def _nik(value: object, ctx: RowContext) -> nik_rules.NikInfo:
    reject_formula("NIK", value)
    return nik_rules.parse_nik(value, regency_codes=ctx.regency_codes, today=ctx.today)


def parse_village(value: object, ctx: RowContext) -> str:
    reject_formula("KODE_DESA", value)
    text = text_of(value)
    code = codes.try_normalize(text)
    if code is None or len(code) != 10:
        raise CellProblem(
            N_("Kode desa '%(code)s' harus 10 angka (boleh dengan titik), mis. 15.04.01.2003."),
            params={"code": text},
            code="village_code_invalid",
        )
    if code not in ctx.village_codes:
        raise CellProblem(
            N_("Kode desa %(code)s tidak ada dalam daftar wilayah Kemendagri. Cari kodenya di menu Wilayah."),
            params={"code": codes.dotted(code)},
            code="village_unknown",
        )
    if not ctx.in_jurisdiction(code):
        raise CellProblem(
            N_(
                "Desa %(code)s berada di luar wilayah kerja Anda; peserta desa ini didaftarkan oleh "
                "operator wilayahnya."
            ),
            params={"code": codes.dotted(code)},
            code="village_outside_jurisdiction",
        )
    return code
