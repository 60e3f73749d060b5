"""Turning one spreadsheet row into a participant record, or into precise errors.

Pure: no Django import. The caller gives the reference data (real regency and
village codes, the jurisdiction test, today and the age range).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from jaring.errors import DomainError
from jaring.regions import codes
from jaring.registry import nik as nik_rules
from jaring.registry.vocab import Category, Occupation, parse_category, parse_occupation

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
COLUMNS = list(COLUMN_OF_FIELD.values())  # the template's order
REQUIRED = ["NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "KODE_DESA", "PEKERJAAN", "KATEGORI"]
OPTIONAL = [c for c in COLUMNS if c not in REQUIRED]
FIELD_OF_COLUMN = {column: name for name, column in COLUMN_OF_FIELD.items()}
# In an optional cell, "-" means "erase what is stored"; a blank cell means "not given"
# and keeps what is stored (a later file without the KPJ number must not erase it).
ERASE = "-"
NAME_MAX = 150
# Markup and code, never part of a name on an identity card (a name is shown on pages,
# in exports and letters): < > " ` { } [ ] \ | = ; and control characters.
_NAME_FORBIDDEN = re.compile(r'[<>"`{}\[\]\\|=;\x00-\x1f\x7f-\x9f]')
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")


def header_key(text: object) -> str:
    """Headers match case-insensitively, ignoring spaces and underscores."""
    return re.sub(r"[\s_]+", "", str(text or "")).upper()


COLUMN_BY_KEY = {header_key(c): c for c in COLUMNS}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


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


@dataclass
class _Errors:
    row: int
    items: list[RowError] = field(default_factory=list)

    def add(self, column: str, code: str, message: str) -> None:
        self.items.append(RowError(self.row, column, code, message))


class ValueProblem(DomainError):
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


def _reject_formula(column: str, value: object) -> None:
    if isinstance(value, str) and value.strip().startswith("="):
        raise ValueProblem(
            f"Isi kolom {column} adalah rumus ({value.strip()[:30]}), bukan nilai. Salin lalu tempel "
            "sebagai nilai (Paste Special > Values) dan unggah lagi.",
            code="formula",
        )


def parse_date(value: object, column: str = "TANGGAL_LAHIR") -> date:
    """Dates as officers send them: date cells, Excel serial numbers, dd/mm/yyyy,
    dd-mm-yyyy and ISO text."""
    _reject_formula(column, value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueProblem(f"Angka {value} bukan tanggal Excel yang sah.", code="date_invalid")
    text = text_of(value)
    if not text:
        raise ValueProblem(f"{column} wajib diisi (format dd/mm/yyyy).", code="required")
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
    raise ValueProblem(
        f"Tanggal '{text}' tidak dikenali. Tulis sebagai dd/mm/yyyy, mis. 12/03/1985.", code="date_invalid"
    )


def parse_sex(value: object) -> str:
    _reject_formula("JENIS_KELAMIN", value)
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
        raise ValueProblem(
            f"Jenis kelamin '{text_of(value)}' tidak dikenal; isi L (laki-laki) atau P (perempuan).",
            code="sex_invalid",
        )
    return mapping[key]


def parse_name(value: object) -> str:
    """A person's name as it enters Jaring from any door (file, form, API): spaces
    collapsed, at least one letter, at most 150 characters, no markup."""
    _reject_formula("NAMA", value)
    name = " ".join(text_of(value).split())
    if not name:
        raise ValueProblem("Kolom NAMA wajib diisi.", code="required")
    if len(name) > NAME_MAX or not re.search(r"[^\W\d_]", name):
        raise ValueProblem(
            f"Nama '{name[:40]}' tidak sah: harus berisi huruf, paling panjang {NAME_MAX}.",
            code="name_invalid",
        )
    if found := _NAME_FORBIDDEN.search(name):
        raise ValueProblem(
            f"Nama '{name[:40]}' berisi tanda '{found.group()}' yang tidak ada pada nama di KTP. Tulis "
            "nama seperti pada KTP (huruf, spasi, titik, koma, tanda petik tunggal, tanda hubung).",
            code="name_invalid",
        )
    return name


def _optional_digits(value: object, column: str, length: int) -> str:
    _reject_formula(column, value)
    text = re.sub(r"[\s.\-]", "", text_of(value))
    if not text:
        return ""
    if not text.isdigit() or len(text) != length:
        raise ValueProblem(
            f"{column} '{text_of(value)}' harus {length} angka (atau dikosongkan).", code="digits"
        )
    return text


def _phone(value: object) -> str:
    _reject_formula("NO_HP", value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = text_of(value)
        return text if text.startswith("0") else "0" + text  # Excel dropped the leading zero
    text = re.sub(r"[\s.\-()]", "", text_of(value))
    if text and not re.fullmatch(r"\+?\d{8,15}", text):
        raise ValueProblem(
            f"Nomor HP '{text_of(value)}' tidak sah; tulis angka saja, mis. 081234567890.", code="phone"
        )
    return text


def _decile(value: object) -> int | None:
    _reject_formula("DESIL", value)
    text = text_of(value)
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,2}", text) or not 1 <= int(text) <= 10:
        raise ValueProblem(f"Desil '{text}' harus angka 1 sampai 10 (atau dikosongkan).", code="decile")
    return int(text)


def validate_row(
    values: Mapping[str, object], *, row: int, ctx: RowContext, blank_keeps: bool = True
) -> ParticipantRecord | list[RowError]:
    """Validate one row (keys are canonical column names); all its errors at once.

    An optional column missing from ``values`` is not given; so is a blank optional cell
    when ``blank_keeps`` (files: a blank cell is "not given"; the API, which sends what
    it means, erases with ""). ``-`` in an optional cell erases, wherever it comes from."""
    errors = _Errors(row)
    not_given = frozenset(
        FIELD_OF_COLUMN[column]
        for column in OPTIONAL
        if column not in values
        or (blank_keeps and not isinstance(values[column], date) and not text_of(values[column]))
    )
    values = {k: ("" if k in OPTIONAL and text_of(v) == ERASE else v) for k, v in values.items()}

    def attempt(column: str, parse: Callable[[], object]) -> object:
        try:
            return parse()
        except DomainError as exc:
            errors.add(exc.field if exc.field in COLUMNS else column, exc.code, exc.message)
            return None

    missing = set()
    for column in REQUIRED:
        value = values.get(column)
        if column != "NIK" and not isinstance(value, date) and not text_of(value):
            errors.add(column, "required", f"Kolom {column} wajib diisi.")
            missing.add(column)

    info = attempt("NIK", lambda: _nik(values.get("NIK"), ctx))
    name = None if "NAMA" in missing else attempt("NAMA", lambda: parse_name(values.get("NAMA")))
    birth = (
        None
        if "TANGGAL_LAHIR" in missing
        else attempt("TANGGAL_LAHIR", lambda: parse_date(values.get("TANGGAL_LAHIR")))
    )
    sex = (
        None
        if "JENIS_KELAMIN" in missing
        else attempt("JENIS_KELAMIN", lambda: parse_sex(values.get("JENIS_KELAMIN")))
    )
    village = None
    if "KODE_DESA" not in missing:
        village = attempt("KODE_DESA", lambda: _village(values.get("KODE_DESA"), ctx))
    occupation = (
        None
        if "PEKERJAAN" in missing
        else attempt("PEKERJAAN", lambda: parse_occupation(text_of(values.get("PEKERJAAN"))))
    )
    category = (
        None
        if "KATEGORI" in missing
        else attempt("KATEGORI", lambda: parse_category(text_of(values.get("KATEGORI"))))
    )
    kpj = attempt("NO_KPJ", lambda: _optional_digits(values.get("NO_KPJ"), "NO_KPJ", ctx.kpj_length))
    phone = attempt("NO_HP", lambda: _phone(values.get("NO_HP")))
    decile = attempt("DESIL", lambda: _decile(values.get("DESIL")))
    address = text_of(values.get("ALAMAT"))
    dtsen = text_of(values.get("ID_DTSEN"))
    for column in ("ALAMAT", "ID_DTSEN"):
        attempt(column, lambda c=column: _reject_formula(c, values.get(c)))

    if info is not None and (birth is not None or sex is not None):
        attempt(
            "TANGGAL_LAHIR",
            lambda: nik_rules.check_agrees(info, birth_date=birth, sex=sex and nik_rules.Sex(sex)),
        )
    if birth is not None:
        attempt(
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
    _reject_formula("NIK", value)
    return nik_rules.parse_nik(value, regency_codes=ctx.regency_codes, today=ctx.today)


def _village(value: object, ctx: RowContext) -> str:
    _reject_formula("KODE_DESA", value)
    text = text_of(value)
    code = codes.try_normalize(text)
    if code is None or len(code) != 10:
        raise ValueProblem(
            f"Kode desa '{text}' harus 10 angka (boleh dengan titik), mis. 15.04.01.2003.",
            code="village_code_invalid",
        )
    if code not in ctx.village_codes:
        raise ValueProblem(
            f"Kode desa {codes.dotted(code)} tidak ada dalam daftar wilayah Kemendagri. "
            "Cari kodenya di menu Wilayah.",
            code="village_unknown",
        )
    if not ctx.in_jurisdiction(code):
        raise ValueProblem(
            f"Desa {codes.dotted(code)} berada di luar wilayah kerja Anda; peserta desa ini didaftarkan oleh "
            "operator wilayahnya.",
            code="village_outside_jurisdiction",
        )
    return code
