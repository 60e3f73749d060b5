"""One row of a participant spreadsheet, as officers really send it."""

from datetime import date, datetime

import pytest

from jaring.registry.rows import ParticipantRecord, RowContext, header_key, parse_date, validate_row

TODAY = date(2026, 11, 23)
CTX = RowContext(
    regency_codes={"1504", "1571", "1701"},
    village_codes={"1504012003", "1504012002", "1701012001"},
    in_jurisdiction=lambda code: code.startswith("1504"),
    today=TODAY,
)
GOOD = {
    "NIK": "1504011203850001",
    "NAMA": "Ahmad Yani",
    "TANGGAL_LAHIR": "12/03/1985",
    "JENIS_KELAMIN": "L",
    "KODE_DESA": "15.04.01.2003",
    "ALAMAT": "RT 03 Dusun II",
    "NO_HP": "0812-3456-7890",
    "PEKERJAAN": "Petani",
    "KATEGORI": "Miskin ekstrem",
    "NO_KPJ": "",
    "ID_DTSEN": "P3KE-1504-0001",
    "DESIL": "1",
}


def _errors(**changes):
    result = validate_row({**GOOD, **changes}, row=7, ctx=CTX)
    assert isinstance(result, list), result
    return {(e.column, e.code) for e in result}, result


def test_a_good_row_becomes_a_record():
    record = validate_row(GOOD, row=2, ctx=CTX)
    assert record == ParticipantRecord(
        nik="1504011203850001",
        full_name="Ahmad Yani",
        birth_date=date(1985, 3, 12),
        sex="L",
        village_code="1504012003",
        address="RT 03 Dusun II",
        phone="081234567890",
        occupation="petani",
        category="miskin_ekstrem",
        kpj_number="",
        dtsen_ref="P3KE-1504-0001",
        welfare_decile=1,
        not_given=frozenset({"kpj_number"}),  # its blank optional cell
    )


@pytest.mark.parametrize(
    "value",
    [
        date(1985, 3, 12),
        datetime(1985, 3, 12),
        31118,
        31118.0,
        "12/03/1985",
        "12-03-1985",
        "1985-03-12",
        "12.03.1985",
    ],
)
def test_dates_in_every_form_officers_send(value):
    assert parse_date(value) == date(1985, 3, 12)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"NIK": 1504011203850001}, ("NIK", "nik_stored_as_number")),
        ({"NIK": "=A1&B1"}, ("NIK", "formula")),
        ({"TANGGAL_LAHIR": "13/03/1985"}, ("TANGGAL_LAHIR", "nik_birth_date_mismatch")),
        ({"JENIS_KELAMIN": "P"}, ("JENIS_KELAMIN", "nik_sex_mismatch")),
        ({"JENIS_KELAMIN": "X"}, ("JENIS_KELAMIN", "sex_invalid")),
        ({"TANGGAL_LAHIR": "31/02/1985"}, ("TANGGAL_LAHIR", "date_invalid")),
        ({"KODE_DESA": "15.04.01.9999"}, ("KODE_DESA", "village_unknown")),
        ({"KODE_DESA": "17.01.01.2001"}, ("KODE_DESA", "village_outside_jurisdiction")),
        ({"KODE_DESA": "15.04.01"}, ("KODE_DESA", "village_code_invalid")),
        ({"PEKERJAAN": "astronot"}, ("PEKERJAAN", "occupation_unknown")),
        ({"KATEGORI": ""}, ("KATEGORI", "required")),
        ({"NAMA": "  "}, ("NAMA", "required")),
        ({"NO_KPJ": "123"}, ("NO_KPJ", "digits")),
        ({"DESIL": "11"}, ("DESIL", "decile")),
        ({"NO_HP": "abc"}, ("NO_HP", "phone")),
        ({"ALAMAT": '=HYPERLINK("x")'}, ("ALAMAT", "formula")),
    ],
)
def test_each_problem_is_named_by_column_and_code(changes, expected):
    found, errors = _errors(**changes)
    assert expected in found
    assert all(e.row == 7 and e.message for e in errors)


def test_a_row_with_several_problems_reports_all_of_them():
    found, _ = _errors(PEKERJAAN="astronot", KATEGORI="x", DESIL="0")
    assert {c for c, _code in found} == {"PEKERJAAN", "KATEGORI", "DESIL"}


def test_age_outside_the_range_is_refused():
    # born 2015-01-01, 11 years old on the import date
    found, _errors_list = _errors(NIK="1504010101150001", TANGGAL_LAHIR="01/01/2015")
    assert ("TANGGAL_LAHIR", "age_out_of_range") in found


def test_values_match_case_insensitively_with_spaces_and_apostrophes():
    record = validate_row(
        {
            **GOOD,
            "NIK": "'1504 0112 0385 0001",
            "PEKERJAAN": "  OJEK/PENGEMUDI ",
            "KATEGORI": "pekerja rentan",
            "JENIS_KELAMIN": " l ",
            "KODE_DESA": "1504012003 ",
            "NO_HP": 81234567890,
            "DESIL": 3.0,
        },
        row=2,
        ctx=CTX,
    )
    assert isinstance(record, ParticipantRecord)
    assert (record.nik, record.occupation, record.category, record.sex) == (
        "1504011203850001",
        "ojek_pengemudi",
        "pekerja_rentan",
        "L",
    )
    assert record.phone == "081234567890"
    assert record.welfare_decile == 3


@pytest.mark.parametrize("header", ["NIK", "nik", " Tanggal Lahir ", "tanggal_lahir", "Kode_Desa", "NO HP"])
def test_headers_match_ignoring_case_spaces_and_underscores(header):
    assert header_key(header) in {"NIK", "TANGGALLAHIR", "KODEDESA", "NOHP"}


def test_kpj_length_is_configurable_because_it_is_unconfirmed():
    from dataclasses import replace

    twelve = replace(CTX, kpj_length=12)
    assert validate_row({**GOOD, "NO_KPJ": "123456789012"}, row=2, ctx=twelve).kpj_number == "123456789012"
    found = {(e.column, e.code) for e in validate_row({**GOOD, "NO_KPJ": "12345678901"}, row=2, ctx=twelve)}
    assert found == {("NO_KPJ", "digits")}
    assert validate_row({**GOOD, "NO_KPJ": "12345678901"}, row=2, ctx=CTX).kpj_number == "12345678901"
