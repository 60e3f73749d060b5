"""The claims API: report, documents, transitions to payment, quotes and the benefits
report; errors as {code, message, field}; NIKs and accounts masked by role."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.accounts.services import api_token_create, user_create
from jaring.claims import workflow
from jaring.claims.models import Claim

from . import claims_world as w


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(demo):
    prog = w.program(demo.org("pemprov-jambi"), income=1_000_000)
    people = [w.person(n) for n in range(1, 3)]
    w.enrol(prog, people)
    w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-2025")
    user_create(
        actor=None,
        organization=demo.org("bpjstk-kanwil-sumbagsel"),
        username="bpjs.klaim",
        password="Claims-Api-2026!",
        role="operator",
    )
    return {"people": people}


def bearer(demo, username: str) -> dict:
    _token, key = api_token_create(actor=None, user=demo.user(username), name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, payload, headers):
    return client.post(url, payload, content_type="application/json", **headers)


def test_a_death_from_report_to_payment_through_the_api(world, demo, client):
    village = bearer(demo, "desa.operator")
    bpjs = bearer(demo, "bpjs.klaim")
    farmer = world["people"][0]
    created = post(
        client,
        "/api/v1/claims",
        {
            "nik": farmer.nik,
            "kind": "jkm",
            "event_date": "2025-06-14",
            "event_place": "Rumah",
            "description": "Meninggal karena sakit",
            "reported_on": "2025-06-15",
            "heirs": [
                {
                    "full_name": "Siti Aminah",
                    "relation": "spouse",
                    "nik": "1504015203870002",
                    "bank_name": "Bank Jambi",
                    "account_number": "0012345678",
                    "account_holder": "Siti Aminah",
                }
            ],
        },
        village,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    claim_id = body["id"]
    assert body["status"] == "reported" and body["nik"] == farmer.nik
    assert body["quote"] is None
    assert len(body["missing_documents"]) == 5
    for kind in workflow.REQUIRED_DOCUMENTS["jkm"]:
        uploaded = client.post(
            f"/api/v1/claims/{claim_id}/documents",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", w.PDF)},
            **village,
        )
        assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["missing_documents"] == []
    complete = post(
        client,
        f"/api/v1/claims/{claim_id}/transitions",
        {"to": "documents_complete", "on": "2025-06-16"},
        village,
    )
    assert complete.json()["status"] == "documents_complete"
    refused = post(client, f"/api/v1/claims/{claim_id}/transitions", {"to": "verified"}, village)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    verified = post(
        client, f"/api/v1/claims/{claim_id}/transitions", {"to": "verified", "on": "2025-06-18"}, bpjs
    )
    body = verified.json()
    assert body["quote"] == {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000}
    assert body["quote_total"] == 42_000_000
    assert body["refund"] == {
        "died_on": "2025-06-14",
        "months": 6,
        "rupiah": 100_800,
        "payer": "pemprov-jambi",
        "status": "due",
    }
    heir_id = body["heirs"][0]["id"]
    missing = post(
        client, f"/api/v1/claims/{claim_id}/transitions", {"to": "paid", "paid_on": "2025-06-25"}, bpjs
    )
    assert missing.status_code == 400 and missing.json()["field"] == "amount"
    paid = post(
        client,
        f"/api/v1/claims/{claim_id}/transitions",
        {
            "to": "paid",
            "paid_on": "2025-06-25",
            "amount": 42_000_000,
            "recipient_heir_id": heir_id,
            "reference": "TRF-9",
        },
        bpjs,
    )
    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert (body["status"], body["paid_rupiah"], body["days_to_payment"]) == ("paid", 42_000_000, 10)
    assert [s["to_status"] for s in body["timeline"]] == [
        "reported",
        "documents_complete",
        "verified",
        "paid",
    ]
    report = client.get("/api/v1/benefits-report?date_from=2025-06-01&date_to=2025-06-30", **bpjs).json()
    assert report["totals"] == {
        "claims": 1,
        "rupiah": 42_000_000,
        "scholarship_children": 0,
        "scholarship_rupiah": 0,
    }
    assert report["median_days_to_payment"] == 10.0
    assert report["regions"][0]["code"] == "15"  # a regional office sees its provinces
    assert report["months"] == [
        {
            "month": "2025-06",
            "claims": 1,
            "rupiah": 42_000_000,
            "scholarship_children": 0,
            "scholarship_rupiah": 0,
        }
    ]


def test_refusals_are_code_message_and_field_and_save_nothing(world, demo, client):
    village = bearer(demo, "desa.operator")
    base = {
        "nik": world["people"][1].nik,
        "kind": "jkk_partial_disability",
        "event_date": "2025-06-14",
        "event_place": "Kebun",
        "description": "Tangan terluka",
    }
    no_pct = post(client, "/api/v1/claims", base, village)
    assert no_pct.status_code == 400
    assert no_pct.json()["code"] == "disability_pct_required" and no_pct.json()["field"] == "disability_pct"
    future = post(
        client, "/api/v1/claims", {**base, "disability_pct": "10", "event_date": "2099-01-01"}, village
    )
    assert future.json()["code"] == "event_in_future"
    unknown = post(client, "/api/v1/claims", {**base, "nik": "3171011203859999"}, village)
    assert unknown.status_code == 404 and unknown.json()["code"] == "participant_unknown"
    assert not Claim.objects.exists()
    created = post(client, "/api/v1/claims", {**base, "disability_pct": "12,5"}, village).json()
    assert created["disability_pct"] == "12.50"
    bad_file = client.post(
        f"/api/v1/claims/{created['id']}/documents",
        {"kind": "medical_report", "file": SimpleUploadedFile("laporan.docx", b"PK\x03\x04word")},
        **village,
    )
    assert bad_file.status_code == 400 and bad_file.json()["code"] == "document_type"
    unknown_step = post(client, f"/api/v1/claims/{created['id']}/transitions", {"to": "approved"}, village)
    assert unknown_step.json()["code"] == "status_unknown"


def test_viewers_see_niks_and_accounts_masked(world, demo, client):
    farmer = world["people"][0]
    post(
        client,
        "/api/v1/claims",
        {
            "nik": farmer.nik,
            "kind": "jkm",
            "event_date": "2025-06-14",
            "event_place": "Rumah",
            "description": "Meninggal",
            "heirs": [
                {
                    "full_name": "Siti",
                    "relation": "spouse",
                    "nik": "1504015203870002",
                    "bank_name": "BRI",
                    "account_number": "0012345678",
                    "account_holder": "Siti",
                }
            ],
        },
        bearer(demo, "desa.operator"),
    )
    viewer = bearer(demo, "jambi.viewer")
    (item,) = client.get("/api/v1/claims", **viewer).json()["items"]
    assert item["nik"] == farmer.nik[:4] + "********" + farmer.nik[12:]
    detail = client.get(f"/api/v1/claims/{item['id']}", **viewer).json()
    assert detail["heirs"][0]["nik"] == "1504********0002"
    assert detail["heirs"][0]["account_number"] == "******5678"


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("kind=jkm&income=1000000&event_date=2025-06-14", 42_000_000),
        ("kind=jkk_death&income=1000000&event_date=2025-06-14", 70_000_000),
        ("kind=jkk_total_disability&income=1000000&event_date=2025-06-14", 56_000_000),
        ("kind=jkk_partial_disability&income=1000000&disability_pct=10&event_date=2025-06-14", 8_000_000),
        ("kind=jkk_death&income=1000000&event_date=2025-06-14&children=SD:3,BELUM", 71_500_000),
        ("kind=jkm&income=1000000&event_date=2025-06-14&children=SD:3&membership_months=36", 43_500_000),
    ],
)
def test_benefit_quote_endpoint(demo, client, query, total):
    response = client.get(f"/api/v1/benefit-quote?{query}", **bearer(demo, "jambi.viewer"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total_rupiah"] == total == sum(body["components"].values())


def test_benefit_quote_errors(demo, client):
    headers = bearer(demo, "jambi.viewer")
    assert (
        client.get("/api/v1/benefit-quote?kind=jkm&income=-5", **headers).json()["code"] == "income_invalid"
    )
    old = client.get("/api/v1/benefit-quote?kind=jkm&income=1000000&event_date=2019-01-01", **headers)
    assert old.status_code == 422 and old.json()["code"] == "benefit_rule_missing"


def test_benefit_rules_endpoint_lists_the_seeded_table(demo, client):
    body = client.get("/api/v1/benefit-rules", **bearer(demo, "jambi.viewer")).json()
    assert len(body["rules"]) == 13
    assert [lv["level"] for lv in body["scholarship_levels"]] == ["TK", "SD", "SMP", "SMA", "S1"]
