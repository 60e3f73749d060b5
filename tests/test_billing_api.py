"""The billing API: bills, payments (one, or a file), protection status and refunds."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.billing.models import Payment
from jaring.billing.services import death_record

from .billing_world import MONTHLY, enrol, issue, make_people, make_program, pay_person


@pytest.fixture
def world(demo):
    program = make_program(demo.org("pemprov-jambi"))
    people = make_people(2)
    enrol(program, people)
    return program, people


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_issue_list_and_read_a_bill(world, demo):
    program, _people = world
    client = demo.client("jambi.operator")
    response = _post(
        client, "/api/v1/bills", {"program": program.code, "first_month": "2025-01", "months": 12}
    )
    assert response.status_code == 201, response.content
    bill = response.json()
    assert (bill["number"], bill["people"], bill["total_rupiah"], bill["payment_state"]) == (
        "TAG/BKBK-UJI-2025/2025-01/12M",
        2,
        2 * 12 * MONTHLY,
        "unpaid",
    )
    again = _post(client, "/api/v1/bills", {"program": program.code, "first_month": "2025-06", "months": 1})
    assert again.status_code == 409 and again.json()["code"] == "bill_period_taken"
    wrong = _post(client, "/api/v1/bills", {"program": program.code, "first_month": "2025-6x", "months": 1})
    assert wrong.status_code == 400 and wrong.json()["code"] == "month_invalid"
    assert [b["number"] for b in client.get("/api/v1/bills").json()["items"]] == [bill["number"]]
    lines = client.get(f"/api/v1/bills/{bill['id']}/lines?limit=1").json()
    assert len(lines["items"]) == 1 and lines["next_after"]
    assert lines["items"][0]["months"][0] == "2025-01" and lines["items"][0]["paid_months"] == []


def test_record_a_payment_and_reverse_it(world, demo):
    program, people = world
    bill = issue(program, "2025-01", 12)
    client = demo.client("desa.operator")
    body = {
        "reference": "API/1",
        "paid_on": "2025-01-20",
        "amount": 3 * MONTHLY + 5,
        "nik": people[0].nik,
        "first_month": "2025-01",
        "last_month": "2025-03",
    }
    response = _post(client, "/api/v1/payments", body)
    assert response.status_code == 201, response.content
    assert response.json()["bill"] == {
        "number": bill.number,
        "received": 3 * MONTHLY + 5,
        "allocated": 3 * MONTHLY,
        "over": 5,
        "outstanding": bill.total_rupiah - 3 * MONTHLY,
    }
    twice = _post(client, "/api/v1/payments", {**body, "amount": 1})
    assert twice.status_code == 409 and twice.json()["code"] == "reference_taken"
    assert twice.json()["field"] == "reference"  # the payload's field, not a file column
    outside = _post(client, "/api/v1/payments", {**body, "reference": "API/2", "first_month": "2026-01"})
    assert outside.json()["code"] in ("months_outside_bill", "months_reversed")
    assert outside.json()["field"] == "first_month"
    payment_id = response.json()["payment"]["id"]
    reversal = _post(client, f"/api/v1/payments/{payment_id}/reverse", {"reason": "salah"})
    assert reversal.status_code == 201 and reversal.json()["amount"] == -(3 * MONTHLY + 5)
    assert (
        demo.client("jambi.viewer")
        .post("/api/v1/payments", body, content_type="application/json")
        .status_code
        == 403
    )


def test_import_a_payment_file_all_or_nothing(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    rows = "".join(f"F/{i},10/01/2025,{MONTHLY},{p.nik},2025-01,2025-01\n" for i, p in enumerate(people))
    header = "REFERENSI,TANGGAL_BAYAR,JUMLAH,NIK,BULAN_DARI,BULAN_SAMPAI\n"
    client = demo.client("desa.operator")
    bad = client.post(
        "/api/v1/payments/import",
        {
            "file": SimpleUploadedFile(
                "x.csv", (header + rows + "F/9,1/1/2025,0,1,2025-01,2025-01\n").encode()
            )
        },
    )
    assert bad.status_code == 422
    assert {(e["row"], e["column"]) for e in bad.json()["errors"]} >= {(4, "JUMLAH"), (4, "NIK")}
    assert not Payment.objects.exists()
    good = client.post(
        "/api/v1/payments/import", {"file": SimpleUploadedFile("x.csv", (header + rows).encode())}
    )
    assert good.status_code == 200 and good.json()["created"] == 2 and good.json()["saved"] is True
    again = client.post(
        "/api/v1/payments/import", {"file": SimpleUploadedFile("x.csv", (header + rows).encode())}
    )
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)


def test_protection_status_on_a_date(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-03", 3 * MONTHLY, reference="S")
    client = demo.client("desa.operator")
    body = client.get(f"/api/v1/protection?nik={people[0].nik}&date=2025-02-10").json()
    assert body == {
        "nik": people[0].nik,
        "date": "2025-02-10",
        "status": "active",
        "paid_through": "2025-02-28",
        "covered_until": "2025-03-31",
        "membership_months": 2,
        "unpaid_months": 0,
    }
    later = client.get(f"/api/v1/protection?nik={people[0].nik}&date=2025-08-01").json()
    assert (later["status"], later["unpaid_months"]) == ("lapsed", 5)  # April to August
    assert client.get("/api/v1/protection?nik=3171011203850001").status_code == 404
    counts = client.get("/api/v1/protection/counts?date=2025-02-10").json()
    assert (counts["active"], counts["not_covered"]) == (1, 1)
    alerts = client.get("/api/v1/protection/alerts?kind=lapsed").json()["items"]
    assert [a["participant_id"] for a in alerts] == [people[0].pk]
    assert client.get("/api/v1/protection/alerts?kind=x").json()["code"] == "kind_unknown"


def test_refunds_are_listed_and_settled(world, demo):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[1], "2025-01", "2025-12", 12 * MONTHLY, reference="R")
    refund = death_record(actor=None, participant=people[1], died_on=date(2025, 10, 3), reason="akta")
    client = demo.client("jambi.operator")
    (listed,) = client.get("/api/v1/refunds?status=due").json()
    assert (listed["months"], listed["rupiah"], listed["payer"]) == (2, 2 * MONTHLY, "pemprov-jambi")
    settled = _post(
        client, f"/api/v1/refunds/{refund.pk}/settle", {"settled_on": "2025-11-01", "reference": "K/1"}
    )
    assert settled.status_code == 200 and settled.json()["status"] == "settled"
    assert (
        _post(
            client, f"/api/v1/refunds/{refund.pk}/settle", {"settled_on": "2025-11-01", "reference": "K/1"}
        ).status_code
        == 409
    )
