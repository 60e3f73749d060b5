"""The spreadsheet foundation every importer stands on: the header matcher, each cell
rule once, and the same rule giving the same answer whichever importer asks."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest

from jaring.billing import payment_rows
from jaring.contributions import counts
from jaring.monitoring import rows as coverage_rows
from jaring.registry import rows as participant_rows
from jaring.sheets import cells
from jaring.sheets.headers import FIRST, LAST, REFUSE, Column, Sheet, column_missing, header_key, match_header
from jaring.sheets.rows import RowError, RowErrors

SHEET = Sheet(
    columns=(Column("KODE_WILAYAH", required=True), Column("TAHUN", required=True), Column("CATATAN")),
)


# -- the header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["TANGGAL_LAHIR", "tanggal lahir", " Tanggal_Lahir ", "TANGGAL__LAHIR", "tanggallahir"]
)
def test_headers_match_ignoring_case_spaces_and_underscores(text):
    assert header_key(text) == "TANGGALLAHIR"


def test_the_header_gives_each_declared_column_its_position():
    header = match_header(["tahun", "Kode Wilayah", "catatan"], SHEET)
    assert header.index == {"TAHUN": 0, "KODE_WILAYAH": 1, "CATATAN": 2}
    assert (header.missing, header.unknown, header.repeated, header.errors) == ([], [], [], [])
    assert header.values(["2025", "15.04"]) == {"TAHUN": "2025", "KODE_WILAYAH": "15.04", "CATATAN": None}


def test_missing_required_columns_are_reported_from_the_header_alone_in_declared_order():
    header = match_header(["CATATAN", "LAIN"], SHEET)
    assert header.missing == ["KODE_WILAYAH", "TAHUN"]
    assert [(e.row, e.column, e.code) for e in header.errors] == [
        (1, "KODE_WILAYAH", "column_missing"),
        (1, "TAHUN", "column_missing"),
    ]
    assert header.errors[0].message == (
        "Kolom KODE_WILAYAH tidak ada di baris judul. Baris pertama harus berisi KODE_WILAYAH, TAHUN, "
        "CATATAN."
    )
    assert header.values(["x", "y"]) == {"CATATAN": "x"}  # a column the header lacks is no key


def test_unknown_headers_are_listed_and_blank_ones_skipped():
    header = match_header(["KODE_WILAYAH", "", None, "Keterangan", "TAHUN"], SHEET)
    assert header.unknown == [("Keterangan", 3)]
    assert header.errors == []
    # The file is read all the same; the officer is told what was not read, and where.
    assert header.notices == [
        RowError(
            1,
            "Keterangan",
            "column_unknown",
            "Kolom Keterangan (kolom ke-4) tidak dikenal dan tidak dibaca. Jika isinya diperlukan, "
            "pindahkan ke kolom templat yang sesuai: KODE_WILAYAH, TAHUN, CATATAN.",
        )
    ]


@pytest.mark.parametrize(("rule", "position", "errors"), [(FIRST, 0, 0), (LAST, 3, 0), (REFUSE, 0, 2)])
def test_a_column_named_twice_is_read_or_refused_as_the_sheet_declares(rule, position, errors):
    sheet = Sheet(columns=SHEET.columns, duplicates=rule)
    header = match_header(["TAHUN", "KODE_WILAYAH", "tahun", "Tahun"], sheet)
    assert header.index["TAHUN"] == position
    assert header.repeated == [("TAHUN", 0, 2), ("TAHUN", 0, 3)]
    assert len(header.errors) == errors
    if rule == REFUSE:  # refused: an error, no notice
        assert header.notices == []
    else:
        read = position + 1
        assert [(n.column, n.code) for n in header.notices] == [("TAHUN", "column_repeated")] * 2
        assert header.notices[0].message == (
            f"Kolom TAHUN ada dua kali di baris judul (kolom ke-1 dan ke-3); hanya kolom ke-{read} yang "
            "dibaca. Hapus kolom yang tidak dipakai agar tidak keliru."
        )
    if rule == REFUSE:
        assert header.errors[0] == RowError(
            1,
            "TAHUN",
            "column_duplicate",
            "Kolom TAHUN ada dua kali di baris judul (kolom ke-1 dan ke-3). Hapus salah satu lalu unggah "
            "lagi.",
        )


def test_one_missing_column_error_may_name_several_columns():
    sheet = Sheet(columns=SHEET.columns, missing="Kolom {column} tidak ada. Isi {columns}.")
    error = column_missing(sheet, "TAHUN", named="TAHUN, CATATAN", columns=("TAHUN", "CATATAN"))
    assert error == RowError(
        1, "TAHUN", "column_missing", "Kolom TAHUN, CATATAN tidak ada. Isi TAHUN, CATATAN."
    )


def test_every_importer_declares_its_columns_once():
    assert list(participant_rows.COLUMN_OF_FIELD.values()) == participant_rows.COLUMNS
    assert participant_rows.SHEET.duplicates == REFUSE
    assert coverage_rows.REQUIRED == ("KODE_WILAYAH", "TANGGAL", "PESERTA_AKTIF", "POTENSI_PEKERJA")
    assert counts.COLUMNS == tuple(counts.SHEET.required) == ("KODE_WILAYAH", "TAHUN", "PEKERJA_RENTAN")
    assert set(payment_rows.SHEET.names) == {*payment_rows.PERSON_COLUMNS, *payment_rows.BILL_COLUMNS}


# -- the cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("  Ahmad ", "Ahmad"),
        ("'0812", "0812"),
        (" ' 15.04", "15.04"),
        (31118.0, "31118"),
        (1.5, "1.5"),
        (7, "7"),
    ],
)
def test_text_of_trims_and_drops_excels_text_marker(cell, text):
    assert cells.text_of(cell) == text


def test_a_blank_row_and_compacted_numbers():
    assert cells.is_blank(["", None, " ", "'"])
    assert not cells.is_blank(["", 0])
    assert cells.compact("'1504 0112.0385 0001") == "1504011203850001"
    assert cells.compact(None) == ""


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("1.234", "1234"),
        ("1,234", "1234"),
        ("1.234.567", "1234567"),
        ("-1.234", "-1234"),
        ("1.23", "1.23"),
        ("12.3456", "12.3456"),
        ("1.234,5", "1.234,5"),
        ("abc", "abc"),
    ],
)
def test_thousands_separators(text, plain):
    assert cells.ungroup(text) == plain


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (12500, 12500),
        (12500.0, 12500),
        ("12.500", 12500),
        ("12,500", 12500),
        (" 1 250 ", 1250),
        ("0012", 12),
        (0, 0),
        (None, None),
        ("  ", None),
    ],
)
def test_whole_numbers(cell, number):
    assert cells.whole_number(cell) == number


@pytest.mark.parametrize(
    ("cell", "code", "reason"),
    [
        (True, "not_a_number", "bukan angka"),
        (12.5, "fraction", "ada desimal"),
        (10**10, "too_large", "terlalu besar"),
        ("12345678901", "too_large", "terlalu besar"),
        (-3, "negative", "negatif"),
        ("-1.234", "negative", "negatif"),
        ("banyak", "not_whole", "bukan bilangan bulat"),
        ("'12", "not_whole", "bukan bilangan bulat"),
        ("١٢٣", "not_whole", "bukan bilangan bulat"),
    ],
)
def test_a_cell_that_is_no_whole_number_says_why(cell, code, reason):
    with pytest.raises(cells.CellProblem) as problem:
        cells.whole_number(cell)
    assert (problem.value.code, problem.value.message) == (code, reason)


@pytest.mark.parametrize(
    ("cell", "rupiah"),
    [
        (201600, 201600),
        (201600.0, 201600),
        ("201.600", 201600),
        ("Rp 201.600", 201600),
        ("rp.201,600", 201600),
        ("-Rp16.800", -16800),
        ("'16800", 16800),
        ("0", 0),
    ],
)
def test_rupiah(cell, rupiah):
    assert cells.parse_rupiah(cell) == rupiah


@pytest.mark.parametrize(
    ("cell", "code", "message"),
    [
        (True, "amount_invalid", "NOMINAL bukan jumlah rupiah."),
        (16800.5, "amount_invalid", "NOMINAL 16800.5 bukan rupiah bulat. Tulis tanpa sen, mis. 16800."),
        (
            10**15,
            "amount_invalid",
            "NOMINAL 1000000000000000 terlalu besar untuk jumlah rupiah. Periksa isian kolomnya.",
        ),
        ("", "required", "NOMINAL '(kosong)' bukan jumlah rupiah. Isi angka bulat tanpa sen, mis. 201600."),
        (
            "enam",
            "amount_invalid",
            "NOMINAL 'enam' bukan jumlah rupiah. Isi angka bulat tanpa sen, mis. 201600.",
        ),
    ],
)
def test_a_bad_amount_names_its_column(cell, code, message):
    with pytest.raises(cells.CellProblem) as problem:
        cells.parse_rupiah(cell, "NOMINAL")
    assert (problem.value.code, problem.value.message) == (code, message)


@pytest.mark.parametrize(
    "cell",
    [
        date(2024, 12, 31),
        datetime(2024, 12, 31, 8),
        45657,
        45657.0,
        "45657",
        "31/12/2024",
        "31-12-2024",
        "31.12.2024",
        "2024-12-31",
        "2024-12-31T00:00",
        "2024-12-31 00:00:00",
    ],
)
def test_dates_in_every_form_officers_send(cell):
    assert cells.parse_date(cell, "TANGGAL") == date(2024, 12, 31)


def test_a_bad_date_names_its_column_and_the_example_asked_for():
    with pytest.raises(cells.CellProblem) as problem:
        cells.parse_date("31/02/2024", "TANGGAL", example="31/12/2024")
    assert problem.value.code == "date_invalid"
    assert (
        problem.value.message
        == "Tanggal '31/02/2024' tidak dikenali. Tulis sebagai dd/mm/yyyy, mis. 31/12/2024."
    )
    with pytest.raises(cells.CellProblem, match="TANGGAL_MULAI wajib diisi") as problem:
        cells.parse_date(" ", "TANGGAL_MULAI")
    assert problem.value.code == "required"
    with pytest.raises(cells.CellProblem) as problem:
        cells.parse_date(3_000_000, "TANGGAL")
    assert problem.value.message == "Angka 3000000 bukan tanggal Excel yang sah."


@pytest.mark.parametrize(
    ("cell", "month"),
    [("2025-03", (2025, 3)), ("2025/3", (2025, 3)), ("03/2025", (2025, 3)), (date(2025, 12, 9), (2025, 12))],
)
def test_months(cell, month):
    year, number = month
    assert cells.parse_month(cell, "BULAN_DARI") == year * 12 + number - 1


@pytest.mark.parametrize(
    ("cell", "code"), [("", "required"), ("2025-13", "month_invalid"), ("1999-01", "month_invalid")]
)
def test_a_bad_month_names_its_column(cell, code):
    with pytest.raises(cells.CellProblem) as problem:
        cells.parse_month(cell, "BULAN_SAMPAI")
    assert problem.value.code == code and "YYYY-MM" in problem.value.message


def test_a_formula_is_refused_in_any_column():
    with pytest.raises(cells.CellProblem) as problem:
        cells.reject_formula("NAMA", " =A1&B1")
    assert problem.value.code == "formula"
    assert problem.value.message.startswith("Isi kolom NAMA adalah rumus (=A1&B1), bukan nilai.")
    cells.reject_formula("NAMA", "A=1")  # not a formula


# -- one rule, one answer, whichever importer asks ----------------------------------------------


def test_a_bad_date_reads_the_same_in_the_participant_and_the_payment_file():
    participant = participant_rows.validate_row(
        {"TANGGAL_LAHIR": "31/02/1985"},
        row=3,
        ctx=participant_rows.RowContext((), (), bool, date(2026, 1, 1)),
    )
    payment = payment_rows.parse_row({"TANGGAL_BAYAR": "31/02/1985"}, row=3, layout=payment_rows.BILL)
    said = {e.column: e.message for e in [*participant, *payment] if e.code == "date_invalid"}
    assert said == {
        "TANGGAL_LAHIR": "Tanggal '31/02/1985' tidak dikenali. Tulis sebagai dd/mm/yyyy, mis. 12/03/1985.",
        "TANGGAL_BAYAR": "Tanggal '31/02/1985' tidak dikenali. Tulis sebagai dd/mm/yyyy, mis. 12/03/1985.",
    }


def test_a_formula_reads_the_same_in_the_participant_and_the_payment_file():
    participant = participant_rows.validate_row(
        {"NAMA": "=A1"}, row=3, ctx=participant_rows.RowContext((), (), bool, date(2026, 1, 1))
    )
    payment = payment_rows.parse_row({"TANGGAL_BAYAR": "=A1"}, row=3, layout=payment_rows.PERSON)
    said = {e.column: e.message for e in [*participant, *payment] if e.code == "formula"}
    assert said.keys() == {"NAMA", "TANGGAL_BAYAR"}
    assert said["NAMA"].replace("NAMA", "{}") == said["TANGGAL_BAYAR"].replace("TANGGAL_BAYAR", "{}")


def _coverage(**values):
    row = {
        "KODE_WILAYAH": "15.04",
        "TANGGAL": "12/08/2024",
        "PESERTA_AKTIF": 1,
        "POTENSI_PEKERJA": 2,
        **values,
    }
    return coverage_rows.parse_coverage_row(
        row, row=4, known_codes={"1504"}, in_jurisdiction=lambda code: True, today=date(2026, 1, 1)
    )


def _count(**values):
    row = {"KODE_WILAYAH": "15.04", "TAHUN": 2025, "PEKERJA_RENTAN": 1, **values}
    return counts.parse_count_row(row, row=4, regency_codes={"1504"}, in_jurisdiction=lambda code: True)


@pytest.mark.parametrize("cell", ["49.803", "49,803", 49803, 49803.0, " 49 803 "])
def test_people_are_counted_alike_in_coverage_and_worker_count_files(cell):
    record, errors, _warnings = _coverage(PESERTA_AKTIF=cell, POTENSI_PEKERJA=cell)
    assert errors == [] and record.participants == record.potential == 49803
    assert _count(PEKERJA_RENTAN=cell).vulnerable_workers == 49803


@pytest.mark.parametrize("cell", [-3, -3.0, "-3", "12,5", 12.5, "banyak", True, 10**10])
def test_no_count_file_takes_what_is_not_a_count_of_people(cell):
    _record, errors, _warnings = _coverage(PESERTA_AKTIF=cell)
    assert [e.code for e in errors] in (["number_negative"], ["number_invalid"])
    assert [e.code for e in _count(PEKERJA_RENTAN=cell)] == ["count_invalid"]


def test_a_negative_number_cell_is_no_count_of_vulnerable_workers():
    """It was taken as -3 and stopped by the database's CHECK (a positive column)."""
    errors = _count(PEKERJA_RENTAN=-3)
    assert [(e.column, e.code) for e in errors] == [("PEKERJA_RENTAN", "count_invalid")]
    assert (
        errors[0].message
        == "'-3' bukan jumlah orang. Isi bilangan bulat 0 atau lebih tanpa desimal, mis. 12500."
    )


def test_the_coverage_date_shows_its_own_example_and_keeps_the_officers_text():
    _record, errors, _warnings = _coverage(TANGGAL="12/03/19850")
    assert (
        errors[0].message
        == "Tanggal '12/03/19850' tidak dikenali. Tulis sebagai dd/mm/yyyy, mis. 31/12/2024."
    )


def test_missing_columns_read_alike_in_coverage_and_worker_count_files():
    coverage = match_header(["KODE_WILAYAH"], coverage_rows.SHEET).errors[0].message
    count = match_header(["KODE_WILAYAH"], counts.SHEET).errors[0].message
    assert count == (
        "Kolom TAHUN tidak ada di baris judul. Baris pertama harus berisi KODE_WILAYAH, TAHUN, "
        "PEKERJA_RENTAN."
    )
    assert coverage == (
        "Kolom TANGGAL tidak ada di baris judul. Baris pertama harus berisi KODE_WILAYAH, TANGGAL, "
        "PESERTA_AKTIF, POTENSI_PEKERJA, TARGET_PERSEN (TARGET_PERSEN boleh tidak ada)."
    )


# -- one row-error shape ---------------------------------------------------------------------


def test_a_row_error_has_one_shape_and_its_fix_is_optional():
    assert RowError(3, "NIK", "required", "Kolom NIK wajib diisi.").as_dict() == {
        "row": 3, "column": "NIK", "code": "required", "message": "Kolom NIK wajib diisi.",
    }  # fmt: skip
    assert RowError(3, "NIK", "required", "NIK kosong.", fix="Isi NIK.").as_dict()["fix"] == "Isi NIK."
    warning = coverage_rows.RowWarning(2, "PESERTA_AKTIF", "participants_over_potential", "x")
    assert warning.as_dict() == {
        "row": 2,
        "column": "PESERTA_AKTIF",
        "code": "participants_over_potential",
        "message": "x",
    }


def test_row_errors_collect_every_problem_of_a_row():
    errors = RowErrors(5, columns=("TAHUN",))
    assert errors.attempt("TANGGAL", lambda: cells.parse_date("kemarin", "TANGGAL")) is None
    assert errors.attempt("TAHUN", lambda: 2025) == 2025
    assert [(e.row, e.column, e.code) for e in errors.items] == [(5, "TANGGAL", "date_invalid")]


# -- below every app ---------------------------------------------------------------------------


def test_the_sheets_package_imports_no_jaring_app_and_its_rules_no_django():
    code = (
        "import sys, jaring.sheets.cells, jaring.sheets.headers, jaring.sheets.rows, jaring.sheets.writers; "
        "print(sorted(m for m in sys.modules if m.startswith('django'))); "
        "import jaring.sheets.readers, jaring.sheets.filecheck; "
        "print(sorted(m for m in sys.modules if m.startswith('jaring.') and 'sheets' not in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # only the foundation below it: errors, and formats, figures and i18n for its catalogue messages
    assert out.stdout.split("\n")[:2] == [
        "[]",
        "['jaring.errors', 'jaring.formats', 'jaring.formats.figures', 'jaring.i18n']",
    ]
