"""Payment confirmation files: the pure row rules, all-or-nothing imports, and each
reference recorded once, even when two sessions import the same file at once."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import xlsxwriter
from django.db import connection

from jaring.audit.models import AuditEvent
from jaring.billing import imports, payment_rows
from jaring.billing.imports import payments_import
from jaring.billing.models import Bill, PaidMonths, Payment
from jaring.sheets.rows import RowError

from .billing_world import MONTHLY, enrol, issue, m, make_people, make_program
from .concurrency import at_once, empty_committed_tables, in_own_connection

HEADER = "REFERENSI,TANGGAL_BAYAR,JUMLAH,NIK,BULAN_DARI,BULAN_SAMPAI"


# -- pure rows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        ("2025-03", "2025-03"),
        ("2025/3", "2025-03"),
        ("03/2025", "2025-03"),
        ("3-2025", "2025-03"),
        (date(2025, 3, 17), "2025-03"),
        (datetime(2025, 12, 1, 0, 0), "2025-12"),
    ],
)
def test_months_are_read_as_files_write_them(cell, month):
    assert payment_rows.parse_month(cell, "BULAN_DARI") == m(month)


@pytest.mark.parametrize(
    ("cell", "code"), [("", "required"), ("2025-13", "month_invalid"), ("Maret", "month_invalid")]
)
def test_a_bad_month_says_how_to_write_it(cell, code):
    with pytest.raises(payment_rows.CellProblem) as problem:
        payment_rows.parse_month(cell, "BULAN_DARI")
    assert problem.value.code == code and "YYYY-MM" in problem.value.message


@pytest.mark.parametrize(
    ("cell", "rupiah"),
    [(201600, 201600), (201600.0, 201600), ("201600", 201600), ("201.600", 201600), ("Rp201.600", 201600),
     ("201,600", 201600), ("0", 0), ("-16800", -16800)],
)  # fmt: skip
def test_amounts_are_whole_rupiah(cell, rupiah):
    assert payment_rows.parse_rupiah(cell) == rupiah


@pytest.mark.parametrize("cell", ["16800.5", 16800.5, "enam belas ribu", True])
def test_an_amount_that_is_not_whole_rupiah_is_refused(cell):
    with pytest.raises(payment_rows.CellProblem):
        payment_rows.parse_rupiah(cell)


def test_the_header_decides_the_layout_and_names_missing_columns():
    assert payment_rows.layout_of({"REFERENSI", "TANGGAL_BAYAR", "JUMLAH", "NOMOR_TAGIHAN"}) == ("bill", [])
    layout, missing = payment_rows.layout_of({"REFERENSI", "JUMLAH", "BULAN_DARI", "BULAN_SAMPAI"})
    assert layout == "person" and missing == ["TANGGAL_BAYAR", "NIK atau NO_KPJ"]
    assert (
        payment_rows.layout_of(
            {"REFERENSI", "TANGGAL_BAYAR", "JUMLAH", "NO_KPJ", "BULAN_DARI", "BULAN_SAMPAI"}
        )[1]
        == []
    )


def test_a_row_lists_every_problem_with_its_column():
    values = {
        "REFERENSI": "",
        "TANGGAL_BAYAR": "31/02/2025",
        "JUMLAH": "x",
        "NIK": "123",
        "BULAN_DARI": "2025-05",
        "BULAN_SAMPAI": "2025-02",
    }
    errors = payment_rows.parse_row(values, row=7, layout="person")
    assert {(e.row, e.column, e.code) for e in errors} == {
        (7, "REFERENSI", "required"),
        (7, "TANGGAL_BAYAR", "date_invalid"),
        (7, "JUMLAH", "amount_invalid"),
        (7, "NIK", "nik_invalid"),
        (7, "BULAN_SAMPAI", "months_reversed"),
    }


# -- files -------------------------------------------------------------------------------------


@pytest.fixture
def world(demo):
    program = make_program(demo.org("pemprov-jambi"))
    people = make_people(3)
    enrol(program, people)
    bill = issue(program, "2025-01", 12)
    return program, people, bill


def _csv(tmp_path, *rows, header=HEADER, name="bayar.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _person_rows(people, *, prefix="BPJS/001", months=("2025-01", "2025-03")):
    return [
        f"{prefix}/{i},10/01/2025,{3 * MONTHLY},{p.nik},{months[0]},{months[1]}" for i, p in enumerate(people)
    ]


def test_a_person_file_records_and_allocates_each_row(world, tmp_path, demo):
    _program, people, bill = world
    result = payments_import(actor=demo.user("desa.operator"), path=_csv(tmp_path, *_person_rows(people)))
    assert (result.layout, result.rows, result.created, result.errors) == ("person", 3, 3, [])
    (report,) = result.bills
    assert (report.number, report.allocated, report.over) == (bill.number, 9 * MONTHLY, 0)
    assert report.outstanding == bill.total_rupiah - 9 * MONTHLY
    assert PaidMonths.objects.filter(first_month=m("2025-01"), last_month=m("2025-03")).count() == 3
    assert Payment.objects.get(reference="BPJS/001/0").channel == "bayar.csv"


def test_importing_the_same_file_again_records_nothing_twice(world, tmp_path):
    _program, people, bill = world
    path = _csv(tmp_path, *_person_rows(people))
    payments_import(actor=None, path=path)
    again = payments_import(actor=None, path=path)
    assert (again.created, again.unchanged, again.errors) == (0, 3, [])
    bill.refresh_from_db()
    assert bill.paid_rupiah == 9 * MONTHLY
    assert Payment.objects.count() == 3


def test_one_bad_row_saves_nothing_and_every_error_names_row_column_and_fix(world, tmp_path, demo):
    _program, people, bill = world
    rows = [
        *_person_rows(people[:1]),
        f"BPJS/002,10/01/2025,{MONTHLY},3171011203850001,2025-01,2025-01",  # unknown person
        f"BPJS/001/0,10/01/2025,{MONTHLY},{people[1].nik},2025-04,2025-04",  # reference twice in the file
        f"BPJS/003,10/01/2025,0,{people[1].nik},2025-05,2025-05",  # zero amount
        f"BPJS/004,10/01/2025,-500,{people[1].nik},2025-05,2025-05",  # negative amount
        f"BPJS/005,10/01/2025,{MONTHLY},{people[2].nik},2026-01,2026-01",  # months outside the bill
        f"BPJS/006,32/01/2025,{MONTHLY},{people[2].nik},2025-02,2025-02",  # bad date
    ]
    result = payments_import(actor=demo.user("desa.operator"), path=_csv(tmp_path, *rows))
    found = {(e.row, e.column, e.code) for e in result.errors}
    assert found == {
        (3, "NIK", "participant_unknown"),
        (4, "REFERENSI", "reference_duplicate"),
        (5, "JUMLAH", "amount_not_positive"),
        (6, "JUMLAH", "amount_not_positive"),
        (7, "BULAN_DARI", "months_outside_bill"),
        (8, "TANGGAL_BAYAR", "date_invalid"),
    }
    assert all(e.message for e in result.errors)
    assert "baris 2" in next(e.message for e in result.errors if e.code == "reference_duplicate")
    assert (result.created, result.saved) == (0, False)
    assert not Payment.objects.exists() and not PaidMonths.objects.exists()
    bill.refresh_from_db()
    assert bill.paid_rupiah == 0


def test_a_file_read_in_parts_allocates_each_part_after_the_ones_before(world, tmp_path, demo, monkeypatch):
    monkeypatch.setattr(imports, "PART_ROWS", 2)
    _program, (a, b, c), bill = world
    rows = [
        f"P/1,10/01/2025,{3 * MONTHLY},{a.nik},2025-01,2025-03",
        f"P/2,10/01/2025,{3 * MONTHLY},{b.nik},2025-01,2025-03",
        f"P/3,10/04/2025,{3 * MONTHLY},{a.nik},2025-04,2025-06",  # part 2: after part 1's months
        f"P/4,10/01/2025,{3 * MONTHLY},{c.nik},2025-01,2025-03",
        f"P/5,10/04/2025,{MONTHLY + 500},{b.nik},2025-04,2025-04",  # part 3, 500 over
    ]
    path = _csv(tmp_path, *rows)
    result = payments_import(actor=demo.user("desa.operator"), path=path)
    assert (result.rows, result.created, result.errors) == (5, 5, [])
    (report,) = result.bills
    assert (report.allocated, report.over) == (13 * MONTHLY, 500)
    assert report.outstanding == bill.total_rupiah - 13 * MONTHLY
    bill.refresh_from_db()
    assert (bill.paid_rupiah, bill.credit_rupiah) == (13 * MONTHLY, 500)
    spans = set(PaidMonths.objects.filter(participant=a).values_list("first_month", "last_month"))
    assert spans == {(m("2025-01"), m("2025-03")), (m("2025-04"), m("2025-06"))}
    assert AuditEvent.objects.filter(action="payment.post").count() == 5
    again = payments_import(actor=demo.user("desa.operator"), path=path)
    assert (again.created, again.unchanged, again.errors) == (0, 5, [])


def test_a_row_refused_in_a_later_part_keeps_nothing_of_the_parts_before(world, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "PART_ROWS", 2)
    _program, (a, b, c), bill = world
    rows = [
        f"P/1,10/01/2025,{3 * MONTHLY},{a.nik},2025-01,2025-03",
        f"P/2,10/01/2025,{3 * MONTHLY},{b.nik},2025-01,2025-03",
        f"P/3,10/01/2025,{3 * MONTHLY},{c.nik},2025-01,2025-03",
        f"P/4,10/02/2025,{MONTHLY},{a.nik},2025-02,2025-02",  # paid by row 2, two parts back
        f"P/2,10/04/2025,{MONTHLY},{c.nik},2025-04,2025-04",  # the reference of row 3
    ]
    result = payments_import(actor=None, path=_csv(tmp_path, *rows))
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (5, "BULAN_DARI", "months_already_paid"),
        (6, "REFERENSI", "reference_duplicate"),
    ]
    assert "baris 3" in result.errors[1].message
    assert (result.created, result.unchanged, result.bills, result.saved) == (0, 0, [], False)
    assert not Payment.objects.exists() and not PaidMonths.objects.exists()
    assert not AuditEvent.objects.filter(action="payment.post").exists()
    bill.refresh_from_db()
    assert (bill.paid_rupiah, bill.credit_rupiah) == (0, 0)


def test_a_person_outside_the_jurisdiction_is_unknown_to_the_importer(world, tmp_path, demo):
    _program, people, _bill = world
    result = payments_import(
        actor=demo.user("kotajambi.operator"), path=_csv(tmp_path, *_person_rows(people[:1]))
    )
    assert [(e.column, e.code) for e in result.errors] == [("NIK", "participant_unknown")]


def test_people_may_be_named_by_kpj_number(demo, tmp_path):
    program = make_program(demo.org("pemprov-jambi"))
    (person,) = make_people(1, kpj_number="12345678901")
    enrol(program, [person])
    issue(program, "2025-01", 1)
    path = _csv(
        tmp_path,
        f"K1,10/01/2025,{MONTHLY},12345678901,2025-01,2025-01",
        "K2,10/01/2025,100,99999999999,2025-01,2025-01",
        header="REFERENSI,TANGGAL_BAYAR,JUMLAH,NO_KPJ,BULAN_DARI,BULAN_SAMPAI",
    )
    result = payments_import(actor=None, path=path)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, "NO_KPJ", "participant_unknown")]


def test_a_column_the_sheet_does_not_read_is_told_not_refused(demo, tmp_path):
    program = make_program(demo.org("pemprov-jambi"))
    enrol(program, make_people(1))
    bill = issue(program, "2025-01", 1)
    path = _csv(
        tmp_path,
        f"T1,05/01/2025,{MONTHLY},{bill.number},lunas",
        header="REFERENSI,TANGGAL_BAYAR,JUMLAH,NOMOR_TAGIHAN,Keterangan",
    )
    result = payments_import(actor=demo.user("jambi.operator"), path=path)
    assert result.saved and result.created and not result.errors  # all or nothing: a notice is no error
    assert [(e.row, e.column, e.code) for e in result.notices] == [(1, "Keterangan", "column_unknown")]
    assert result.as_dict()["notices"][0]["code"] == "column_unknown"


def test_a_bill_file_pays_whole_bills_and_reports_under_and_over_payments(demo, tmp_path):
    program = make_program(demo.org("pemprov-jambi"))
    enrol(program, make_people(2))
    first, second = issue(program, "2025-01", 1), issue(program, "2025-02", 1)
    path = _csv(
        tmp_path,
        f"T1,05/01/2025,{MONTHLY},{first.number}",  # one of two people
        f"T2,05/02/2025,{2 * MONTHLY + 7000},{second.number}",  # both, and 7,000 more
        header="REFERENSI,TANGGAL_BAYAR,JUMLAH,NOMOR_TAGIHAN",
    )
    result = payments_import(actor=demo.user("jambi.operator"), path=path)
    assert result.layout == "bill" and not result.errors
    reports = {r.number: (r.allocated, r.over, r.outstanding) for r in result.bills}
    assert reports == {first.number: (MONTHLY, 0, MONTHLY), second.number: (2 * MONTHLY, 7000, 0)}
    assert Bill.objects.get(pk=second.pk).credit_rupiah == 7000


def test_an_unknown_bill_and_missing_columns_are_reported(world, tmp_path):
    path = _csv(
        tmp_path, "T1,05/01/2025,100,TAG/TIDAK-ADA", header="REFERENSI,TANGGAL_BAYAR,JUMLAH,NOMOR_TAGIHAN"
    )
    assert [e.code for e in payments_import(actor=None, path=path).errors] == ["bill_unknown"]
    headless = _csv(tmp_path, "T1,100", header="REFERENSI,JUMLAH", name="kurang.csv")
    (error,) = payments_import(actor=None, path=headless).errors
    assert error == RowError(1, "TANGGAL_BAYAR", "column_missing", error.message)
    assert "NIK atau NO_KPJ" in error.message and "BULAN_DARI" in error.message


def test_a_dry_run_checks_and_allocates_but_saves_nothing(world, tmp_path):
    _program, people, _bill = world
    result = payments_import(actor=None, path=_csv(tmp_path, *_person_rows(people)), dry_run=True)
    assert (result.created, result.errors, result.saved) == (3, [], False)
    assert result.bills[0].allocated == 9 * MONTHLY
    assert not Payment.objects.exists()


def test_an_xlsx_file_with_date_and_number_cells_is_read(world, tmp_path):
    _program, people, bill = world
    path = tmp_path / "bayar.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER.split(","))
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(1, 0, "X1")
    sheet.write_datetime(1, 1, datetime(2025, 1, 10), day)
    sheet.write_number(1, 2, 2 * MONTHLY)
    sheet.write_string(1, 3, people[0].nik)
    sheet.write_string(1, 4, "2025-01")
    sheet.write_string(1, 5, "2025-02")
    workbook.close()
    result = payments_import(actor=None, path=path)
    assert (result.created, result.errors) == (1, [])
    assert Payment.objects.get(reference="X1").paid_on == date(2025, 1, 10)
    bill.refresh_from_db()
    assert bill.paid_rupiah == 2 * MONTHLY


def test_a_file_that_is_not_a_spreadsheet_is_refused(world, tmp_path):
    path = tmp_path / "bukti.pdf"
    path.write_bytes(b"%PDF-1.4 bukti")
    (error,) = payments_import(actor=None, path=path).errors
    assert error.code == "file_not_spreadsheet"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment")
@pytest.mark.parametrize("part_rows", [imports.PART_ROWS, 7], ids=["one_part", "six_parts"])
def test_the_same_file_imported_by_two_sessions_at_once_is_recorded_once(
    db, tmp_path, monkeypatch, part_rows
):
    from jaring.accounts.services import organization_create

    monkeypatch.setattr(imports, "PART_ROWS", part_rows)

    def setup():
        payer = organization_create(
            actor=None, code="pemprov-uji", name="Pemprov uji", kind="province", region_codes=["15"]
        )
        program = make_program(payer)
        people = make_people(40)
        enrol(program, people)
        issue(program, "2025-01", 12)
        return _csv(tmp_path, *_person_rows(people))

    try:
        path = in_own_connection(setup)
        results = at_once(lambda: payments_import(actor=None, path=path))
        assert sorted((r.created, r.unchanged, len(r.errors)) for r in results) == [(0, 40, 0), (40, 0, 0)]

        def recorded():
            bill = Bill.objects.get()
            return Payment.objects.count(), PaidMonths.objects.count(), bill.paid_rupiah

        assert in_own_connection(recorded) == (40, 40, 40 * 3 * MONTHLY)
    finally:
        empty_committed_tables()
