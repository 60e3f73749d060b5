"""NIK (Nomor Induk Kependudukan) rules, as pure functions.

A NIK has 16 digits: 2 province + 2 regency/city + 2 district of first registration,
then the birth date as DDMMYY where women add 40 to the day (41-71), then a 4-digit
serial from 0001. The region prefix is where the person was first registered, so it
need not match where they live. (DOMAIN.md section 3, dukcapil.klaten.go.id)
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_
from jaring.privacy import NIK_LENGTH

_INSIDE_SEPARATORS = re.compile(r"[\s.\-]")


class Sex(StrEnum):
    MALE = "L"
    FEMALE = "P"


_SEX_NAMES = {Sex.MALE: N_("laki-laki (L)"), Sex.FEMALE: N_("perempuan (P)")}


class NikError(InvalidInput):
    """A NIK problem; ``code`` tells which, ``message`` says what to do."""


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: date
    sex: Sex
    serial: str


def normalize_nik(raw: object) -> str:
    """The 16 digits of a NIK as typed or as a spreadsheet gives it.

    Accepts a leading apostrophe (Excel's "text" marker) and spaces, dots or dashes
    inside. Refuses numbers: Excel keeps 15 significant digits, so a NIK stored as a
    number has already lost its last digit and cannot be repaired.
    """
    if raw is None:
        raise NikError(N_("NIK wajib diisi."), code="nik_missing", field="NIK")
    if isinstance(raw, bool):
        raise NikError(N_("NIK harus berupa 16 angka."), code="nik_invalid", field="NIK")
    if isinstance(raw, int | float | Decimal):
        raise NikError(
            N_(
                "NIK tersimpan sebagai angka sehingga digit terakhirnya hilang (Excel hanya menyimpan "
                "15 digit). Format kolom NIK sebagai Teks, ketik ulang NIK-nya, lalu unggah lagi."
            ),
            code="nik_stored_as_number",
            field="NIK",
        )
    text = str(raw).strip().lstrip("'").strip()
    if not text:
        raise NikError(N_("NIK wajib diisi."), code="nik_missing", field="NIK")
    compact = _INSIDE_SEPARATORS.sub("", text)
    if re.fullmatch(r"\d+(\.0+)?[eE]\+?\d+|\d\.\d+[eE]\+?\d+", text):
        raise NikError(
            N_(
                "NIK '%(nik)s' tertulis dalam notasi ilmiah Excel; digitnya sudah hilang. Format kolom "
                "NIK sebagai Teks, ketik ulang NIK-nya, lalu unggah lagi."
            ),
            params={"nik": text},
            code="nik_stored_as_number",
            field="NIK",
        )
    if not compact.isascii() or not compact.isdigit():
        raise NikError(
            N_("NIK '%(nik)s' hanya boleh berisi angka."),
            params={"nik": text},
            code="nik_invalid",
            field="NIK",
        )
    if len(compact) != NIK_LENGTH:
        raise NikError(
            N_("NIK '%(nik)s' berisi %(count)s angka; NIK harus 16 angka."),
            params={"nik": text, "count": len(compact)},
            code="nik_length",
            field="NIK",
        )
    return compact


def _birth_date(day: int, month: int, yy: int, today: date) -> date:
    """Two-digit years: the latest century that does not put the birth in the future."""
    year = 2000 + yy
    if year > today.year:
        year -= 100
    candidate = date(year, month, day)
    if candidate > today:
        candidate = date(year - 100, month, day)
    return candidate


def parse_nik(
    raw: object,
    *,
    regency_codes: Container[str],
    today: date,
) -> NikInfo:
    """Validate a NIK and read what it encodes.

    ``regency_codes`` is the set of real regency/city codes (no dots); the
    province is the regency's first two digits.
    """
    nik = normalize_nik(raw)
    regency = nik[:4]
    if regency not in regency_codes:
        raise NikError(
            N_(
                "NIK %(nik)s: kode wilayah %(region)s di awal NIK bukan kabupaten/kota yang "
                "terdaftar. Periksa 4 angka pertama NIK pada KTP."
            ),
            params={"nik": nik, "region": f"{nik[:2]}.{nik[2:4]}"},
            code="nik_region",
            field="NIK",
        )
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = Sex.MALE
    if day > 40:
        day -= 40
        sex = Sex.FEMALE
    try:
        birth = _birth_date(day, month, yy, today)
    except ValueError:
        raise NikError(
            N_(
                "NIK %(nik)s: angka 7-12 (%(digits)s) bukan tanggal lahir yang sah "
                "(perempuan: tanggal ditambah 40). Periksa NIK pada KTP."
            ),
            params={"nik": nik, "digits": nik[6:12]},
            code="nik_birth_date",
            field="NIK",
        ) from None
    serial = nik[12:]
    if serial == "0000":
        raise NikError(
            N_("NIK %(nik)s: nomor urut (4 angka terakhir) tidak boleh 0000."),
            params={"nik": nik},
            code="nik_serial",
            field="NIK",
        )
    return NikInfo(
        nik=nik,
        province_code=nik[:2],
        regency_code=regency,
        district_code=nik[:6],
        birth_date=birth,
        sex=sex,
        serial=serial,
    )


def check_agrees(info: NikInfo, *, birth_date: date | None, sex: Sex | None) -> None:
    """The birth date and sex given beside the NIK must be the ones it encodes."""
    if birth_date is not None and birth_date != info.birth_date:
        raise NikError(
            N_(
                "Tanggal lahir %(given)s tidak sesuai NIK %(nik)s, yang menyatakan "
                "%(encoded)s. Periksa salah satunya pada KTP."
            ),
            params={
                "given": figures.day(birth_date),
                "nik": info.nik,
                "encoded": figures.day(info.birth_date),
            },
            code="nik_birth_date_mismatch",
            field="TANGGAL_LAHIR",
        )
    if sex is not None and sex != info.sex:
        stated = figures.text(_SEX_NAMES[sex])
        encoded = figures.text(_SEX_NAMES[info.sex])
        raise NikError(
            N_(
                "Jenis kelamin %(stated)s tidak sesuai NIK %(nik)s, yang menyatakan %(encoded)s "
                "(perempuan: tanggal lahir pada NIK ditambah 40)."
            ),
            params={"stated": stated, "nik": info.nik, "encoded": encoded},
            code="nik_sex_mismatch",
            field="JENIS_KELAMIN",
        )


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_age(birth_date: date, *, on: date, minimum: int, maximum: int) -> int:
    """Age on ``on`` must lie within [minimum, maximum] inclusive."""
    age = age_on(birth_date, on)
    if not minimum <= age <= maximum:
        raise NikError(
            N_("Umur %(age)s tahun pada %(on)s di luar batas peserta (%(minimum)s-%(maximum)s tahun)."),
            params={"age": age, "on": figures.day(on), "minimum": minimum, "maximum": maximum},
            code="age_out_of_range",
            field="TANGGAL_LAHIR",
        )
    return age
