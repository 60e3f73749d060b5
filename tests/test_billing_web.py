"""The billing pages: issue a bill, record and import payments, correct, reverse, see
who is protected, a person's timeline, alerts and refunds."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jaring.billing.models import Bill, Payment, Refund
from jaring.billing.services import death_record

from .billing_world import MONTHLY, enrol, issue, make_people, make_program, pay_person


@pytest.fixture
def world(demo):
    program = make_program(demo.org("pemprov-jambi"))
    people = make_people(3)
    enrol(program, people)
    return program, people


def test_an_operator_issues_a_bill_and_sees_its_page(world, demo):
    program, _people = world
    client = demo.client("jambi.operator")
    response = client.post(
        "/iuran/tagihan/baru/", {"program": program.pk, "first_month": "2025-01", "months": 3}
    )
    bill = Bill.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/iuran/tagihan/{bill.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert bill.number in page and "Rp151.200" in page  # 3 people x 3 months x Rp16.800
    assert 'data-testid="bill-lines"' in page
    again = client.post(
        "/iuran/tagihan/baru/", {"program": program.pk, "first_month": "2025-02", "months": 1}
    )
    assert again.status_code == 200 and "sudah ditagih" in again.content.decode()
    assert Bill.objects.count() == 1


def test_a_bad_month_is_shown_on_the_form(world, demo):
    program, _people = world
    response = demo.client("jambi.operator").post(
        "/iuran/tagihan/baru/", {"program": program.pk, "first_month": "Januari", "months": 3}
    )
    assert response.status_code == 200 and "YYYY-MM" in response.content.decode()
    assert not Bill.objects.exists()


def test_bill_list_filters_sorts_and_has_an_empty_state(world, demo):
    program, _people = world
    client = demo.client("jambi.viewer")
    assert "Belum ada tagihan iuran" in client.get("/iuran/").content.decode()
    paid, unpaid = issue(program, "2025-01", 1), issue(program, "2025-02", 1)
    for person in _people:
        pay_person(person, "2025-01", "2025-01", MONTHLY, reference=f"J{person.pk}")
    page = client.get("/iuran/?bayar=lunas").content.decode()
    assert paid.number in page and unpaid.number not in page
    assert unpaid.number in client.get("/iuran/?bayar=belum").content.decode()
    ordered = client.get("/iuran/?urut=periode-lama").content.decode()
    assert ordered.index(paid.number) < ordered.index(unpaid.number)


def test_the_bill_export_is_a_workbook_for_the_branch(world, demo, tmp_path):
    program, people = world
    bill = issue(program, "2025-01", 12)
    response = demo.client("bpjs.kanwil").get(f"/iuran/tagihan/{bill.pk}/ekspor.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "tagihan.xlsx"
    path.write_bytes(response.content)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][1] == bill.number
    top = [row[0] for row in rows].index("NIK")
    niks = {row[0] for row in rows[top + 1 :]}
    assert {p.nik for p in people} <= niks  # BPJS officers see full NIKs
    masked = demo.client("jambi.viewer").get(f"/iuran/tagihan/{bill.pk}/ekspor.xlsx")
    path.write_bytes(masked.content)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert len(rows) == top + 1 + 3 and all("*" in row[0] for row in rows[top + 1 :])


def test_recording_a_payment_by_hand_for_a_person(world, demo):
    program, people = world
    bill = issue(program, "2025-01", 12)
    client = demo.client("desa.operator")
    response = client.post(
        "/iuran/pembayaran/baru/",
        {
            "reference": "DESA/2025/01",
            "paid_on": "2025-01-15",
            "amount": 6 * MONTHLY,
            "nik": people[0].nik,
            "first_month": "2025-01",
            "last_month": "2025-06",
        },
    )
    assert response.status_code == 302, response.content.decode()
    bill.refresh_from_db()
    assert bill.paid_rupiah == 6 * MONTHLY
    whole_bill = client.post(  # a village pays for its people, not the province's whole bill
        "/iuran/pembayaran/baru/",
        {"reference": "DESA/2025/02", "paid_on": "2025-01-15", "amount": 100, "bill_number": bill.number},
    )
    assert whole_bill.status_code == 200 and "kantor BPJS Ketenagakerjaan" in whole_bill.content.decode()
    assert Payment.objects.count() == 1


def test_a_zero_payment_is_refused_on_the_amount_field(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    response = demo.client("desa.operator").post(
        "/iuran/pembayaran/baru/",
        {
            "reference": "R",
            "paid_on": "2025-01-15",
            "amount": 0,
            "nik": people[0].nik,
            "first_month": "2025-01",
            "last_month": "2025-01",
        },
    )
    assert response.status_code == 200 and "lebih dari nol" in response.content.decode()
    assert "lebih dari nol" in response.context["form"].errors["amount"][0]  # under the field
    assert not Payment.objects.exists()


def test_importing_a_payment_file_shows_the_result_per_bill(world, demo):
    program, people = world
    bill = issue(program, "2025-01", 12)
    content = "REFERENSI,TANGGAL_BAYAR,JUMLAH,NIK,BULAN_DARI,BULAN_SAMPAI\n" + "".join(
        f"B/{i},10/01/2025,{12 * MONTHLY},{p.nik},2025-01,2025-12\n" for i, p in enumerate(people)
    )
    client = demo.client("desa.operator")
    response = client.post(
        "/iuran/pembayaran/impor/", {"file": SimpleUploadedFile("bayar.csv", content.encode())}
    )
    page = response.content.decode()
    assert 'data-testid="import-bills"' in page and bill.number in page
    assert Payment.objects.count() == 3
    bad = client.post(
        "/iuran/pembayaran/impor/",
        {
            "file": SimpleUploadedFile(
                "salah.csv", (content.replace("B/0", "C/0").replace(",10/01", ",99/01")).encode()
            )
        },
    )
    body = bad.content.decode()
    assert "tidak ada yang disimpan" in body and "TANGGAL_BAYAR" in body
    assert Payment.objects.count() == 3


def test_reversing_a_payment_from_the_ledger(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-03", 3 * MONTHLY, reference="SALAH/1")
    payment = Payment.objects.get(reference="SALAH/1")
    client = demo.client("desa.operator")
    assert "SALAH/1" in client.get("/iuran/pembayaran/").content.decode()
    response = client.post(
        f"/iuran/pembayaran/{payment.pk}/batal/", {"reason": "salah orang", "on": "2025-01-20"}
    )
    assert response.status_code == 302
    assert Payment.objects.get(reverses=payment).amount == -3 * MONTHLY
    ledger = client.get("/iuran/pembayaran/").content.decode()
    assert "SALAH/1/BATAL" in ledger and "salah orang" in ledger


def test_correcting_a_bill_from_its_page(world, demo):
    program, _people = world
    bill = issue(program, "2025-01", 1)
    response = demo.client("jambi.operator").post(
        f"/iuran/tagihan/{bill.pk}/koreksi/", {"reason": "salah tarif"}
    )
    correction = Bill.objects.get(corrects=bill)
    assert response["Location"] == f"/iuran/tagihan/{correction.pk}/"
    page = demo.client("jambi.operator").get(f"/iuran/tagihan/{bill.pk}/").content.decode()
    assert "sudah dikoreksi" in page and correction.number in page


def test_protection_page_counts_lists_and_finds_a_person(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-06", 6 * MONTHLY, reference="P")
    client = demo.client("desa.operator")
    page = client.get(f"/iuran/perlindungan/?tanggal=2025-03-01&nik={people[0].nik}&hitung=1&status=active")
    body = page.content.decode()
    assert 'data-testid="protection-person"' in body and "Terlindungi" in body
    assert 'data-testid="protection-counts"' in body
    assert people[0].full_name in body.split('data-testid="protection-rows"')[1]
    unknown = client.get("/iuran/perlindungan/?nik=3171011203850001").content.decode()
    assert "tidak ditemukan" in unknown


def test_the_timeline_is_linked_from_the_participant_page(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-02", 2 * MONTHLY, reference="TL")
    client = demo.client("desa.operator")
    assert f"/iuran/peserta/{people[0].pk}/" in client.get(f"/peserta/{people[0].pk}/").content.decode()
    page = client.get(f"/iuran/peserta/{people[0].pk}/").content.decode()
    assert 'data-testid="timeline"' in page and "2025-02" in page and "TL" in page
    assert "Kepesertaan berhenti" in page  # paid for two months of 2025; today is long after


def test_alerts_list_lapsed_people_and_export_them(world, demo, tmp_path):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[1], "2025-01", "2025-02", 2 * MONTHLY, reference="A")
    client = demo.client("batanghari.operator")
    page = client.get("/iuran/peringatan/?jenis=berhenti").content.decode()
    assert people[1].full_name in page and people[0].full_name not in page
    assert "Tidak ada masa bayar" in client.get("/iuran/peringatan/").content.decode()
    export = client.get("/iuran/peringatan/ekspor.xlsx?jenis=berhenti")
    path = tmp_path / "alerts.xlsx"
    path.write_bytes(export.content)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [row[0] for row in rows[3:]] == [people[1].nik]


def test_refunds_are_listed_and_settled(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[2], "2025-01", "2025-12", 12 * MONTHLY, reference="R")
    refund = death_record(actor=None, participant=people[2], died_on=date(2025, 5, 2), reason="akta")
    client = demo.client("jambi.operator")
    listing = client.get("/iuran/pengembalian/").content.decode()
    assert people[2].full_name in listing and "Rp117.600" in listing  # June to December
    timeline = client.get(f"/iuran/peserta/{people[2].pk}/").content.decode()
    assert 'data-testid="refund"' in timeline
    response = client.post(
        f"/iuran/pengembalian/{refund.pk}/selesai/", {"settled_on": "2025-07-01", "reference": "SP2D/99"}
    )
    assert response.status_code == 302
    assert Refund.objects.get(pk=refund.pk).status == "settled"
    assert (
        client.get(f"/iuran/pengembalian/{refund.pk}/selesai/").status_code == 302
    )  # nothing left to settle


def test_the_nav_links_to_the_billing_pages(demo):
    assert 'href="/iuran/"' in demo.client("jambi.viewer").get("/").content.decode()


def test_list_pages_do_not_query_per_row(world, demo, django_assert_max_num_queries):
    program, people = world
    bill = issue(program, "2025-01", 12)
    for i, person in enumerate(people):
        pay_person(person, "2025-01", f"2025-0{i + 1}", (i + 1) * MONTHLY, reference=f"Q{i}")
    death_record(actor=None, participant=people[2], died_on=date(2025, 1, 20), reason="akta")
    client = demo.client("jambi.operator")
    shell = 1  # the menu's open-alerts badge, one count query on every page
    for path, most in [
        ("/iuran/", 10),
        ("/iuran/pembayaran/", 10),
        (f"/iuran/tagihan/{bill.pk}/", 13),
        ("/iuran/peringatan/?jenis=berhenti", 10),
        ("/iuran/pengembalian/?status=none", 8),
        (f"/iuran/peserta/{people[0].pk}/", 15),
        ("/iuran/perlindungan/?hitung=1&status=active", 10),
    ]:
        with django_assert_max_num_queries(most + shell):
            assert client.get(path).status_code == 200, path
