from datetime import date
from decimal import Decimal

import pytest

from jaring.privacy import mask_nik
from jaring.registry.nik import (
    NikError,
    Sex,
    age_on,
    check_age,
    check_agrees,
    normalize_nik,
    parse_nik,
)

REGENCIES = {"1501", "1504", "1571", "1701", "1771"}
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1504011203850001", "1504011203850001"),
        ("'1504011203850001", "1504011203850001"),
        (" 1504011203850001 ", "1504011203850001"),
        ("1504 0112 0385 0001", "1504011203850001"),
        ("15.04.01.120385.0001", "1504011203850001"),
        ("1504-0112-0385-0001", "1504011203850001"),
    ],
)
def test_normalize_accepts_what_officers_type(raw, expected):
    assert normalize_nik(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (1504011203850000, "nik_stored_as_number"),
        (1.50401120385e15, "nik_stored_as_number"),
        (Decimal("1504011203850001"), "nik_stored_as_number"),
        ("1.50401E+15", "nik_stored_as_number"),
        ("1504011203850000E+0", "nik_stored_as_number"),
        (None, "nik_missing"),
        ("   ", "nik_missing"),
        ("15040112038500", "nik_length"),
        ("150401120385000123", "nik_length"),
        ("15040112038500O1", "nik_invalid"),
        ("\uff11" * 16, "nik_invalid"),
    ],
)
def test_normalize_refuses_with_a_stable_code(raw, code):
    with pytest.raises(NikError) as excinfo:
        normalize_nik(raw)
    assert excinfo.value.code == code
    assert excinfo.value.field == "NIK"


def test_number_nik_message_tells_the_operator_to_format_the_column_as_text():
    with pytest.raises(NikError, match="Format kolom NIK sebagai Teks"):
        normalize_nik(1504011203850001)


@pytest.mark.parametrize(
    ("nik", "birth", "sex", "district"),
    [
        ("1504011203850001", date(1985, 3, 12), Sex.MALE, "150401"),
        ("1504015203850002", date(1985, 3, 12), Sex.FEMALE, "150401"),  # 12 + 40
        ("1571024101000003", date(2000, 1, 1), Sex.FEMALE, "157102"),
        ("1701037112610004", date(1961, 12, 31), Sex.FEMALE, "170103"),
        ("1771010102100005", date(2010, 2, 1), Sex.MALE, "177101"),
        ("1501012902960006", date(1996, 2, 29), Sex.MALE, "150101"),  # leap day
        ("1501011511260007", date(2026, 11, 15), Sex.MALE, "150101"),  # born 8 days ago
        ("1501013011260008", date(1926, 11, 30), Sex.MALE, "150101"),  # 30-11-2026 is future -> 1926
    ],
)
def test_parse_reads_birth_date_sex_and_region(nik, birth, sex, district):
    info = parse_nik(nik, regency_codes=REGENCIES, today=TODAY)
    assert (info.birth_date, info.sex, info.district_code) == (birth, sex, district)
    assert info.province_code == nik[:2]


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("9904011203850001", "nik_region"),  # no province 99
        ("1599011203850001", "nik_region"),  # no regency 15.99
        ("1504013203850001", "nik_birth_date"),  # day 32
        ("1504017203850001", "nik_birth_date"),  # day 72 (32 + 40)
        ("1504010013850001", "nik_birth_date"),  # day 00
        ("1504011213850001", "nik_birth_date"),  # month 13
        ("1504012902970001", "nik_birth_date"),  # 29 Feb 1997
        ("1504011203850000", "nik_serial"),
    ],
)
def test_parse_refuses_impossible_niks(nik, code):
    with pytest.raises(NikError) as excinfo:
        parse_nik(nik, regency_codes=REGENCIES, today=TODAY)
    assert excinfo.value.code == code


def test_birth_date_and_sex_in_the_file_must_agree_naming_both_values():
    info = parse_nik("1504015203850002", regency_codes=REGENCIES, today=TODAY)
    check_agrees(info, birth_date=date(1985, 3, 12), sex=Sex.FEMALE)
    with pytest.raises(NikError) as excinfo:
        check_agrees(info, birth_date=date(1985, 3, 13), sex=Sex.FEMALE)
    assert excinfo.value.code == "nik_birth_date_mismatch"
    assert "13/03/1985" in excinfo.value.message
    assert "12/03/1985" in excinfo.value.message
    with pytest.raises(NikError) as excinfo:
        check_agrees(info, birth_date=None, sex=Sex.MALE)
    assert excinfo.value.code == "nik_sex_mismatch"
    assert "laki-laki (L)" in excinfo.value.message
    assert "perempuan (P)" in excinfo.value.message
    assert excinfo.value.field == "JENIS_KELAMIN"


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2011, 11, 23), date(2026, 11, 23), 15),
        (date(2011, 11, 24), date(2026, 11, 23), 14),
        (date(1961, 11, 23), date(2026, 11, 23), 65),
        (date(1961, 11, 22), date(2026, 11, 23), 65),
        (date(1960, 11, 23), date(2026, 11, 23), 66),
    ],
)
def test_age_in_completed_years(birth, on, age):
    assert age_on(birth, on) == age


def test_age_range_is_inclusive_at_both_ends():
    assert check_age(date(2011, 11, 23), on=TODAY, minimum=15, maximum=65) == 15
    assert check_age(date(1960, 11, 24), on=TODAY, minimum=15, maximum=65) == 65
    with pytest.raises(NikError, match="Umur 14 tahun"):
        check_age(date(2011, 11, 24), on=TODAY, minimum=15, maximum=65)
    with pytest.raises(NikError, match="Umur 66 tahun"):
        check_age(date(1960, 11, 23), on=TODAY, minimum=15, maximum=65)


def test_mask_keeps_region_and_serial_only():
    assert mask_nik("1501234567890001") == "1501********0001"
