"""Bills, payments, protection and refunds for every role of every organization kind:
inside the jurisdiction a record answers, outside it is not found; viewers read but
change nothing; NIKs are masked for roles without need."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from jaring.accounts.models import User
from jaring.accounts.services import organization_create
from jaring.billing.models import Bill, Payment
from jaring.billing.services import death_record
from jaring.privacy import mask_nik

from .access import CASES, ORGS, ROLES, client_for, matrix_user
from .billing_world import MONTHLY, enrol, issue, make_people, make_program, pay_bill, pay_person

EDITORS = (200, 200, 403, 403)  # admin, operator, viewer, auditor
VILLAGE_OF = {  # a village inside each kind's jurisdiction
    "province": "1504012003",
    "regency": "1504012003",
    "village": "1504012003",
    "bpjs_branch": "1507012001",
    "bpjs_regional": "1504012003",
    "donor": "1571011001",
}
OUTSIDE = "3171011001"


@pytest.fixture
def world(demo):
    """A Jambi BKBK bill with one person in each kind's village (each paid for the year
    and then deceased: a refund is due) and one living unpaid person, and a Jakarta bill
    outside every jurisdiction."""
    dki = organization_create(
        actor=None, code="pemprov-dki", name="Pemprov DKI", kind="province", region_codes=["31"]
    )
    inside = make_program(demo.org("pemprov-jambi"))
    outside = make_program(dki, code="DKI-2025", source="APBD_PROV", regions=("31",))
    people = {}
    for serial, village in enumerate(sorted({*VILLAGE_OF.values(), OUTSIDE}), start=1):
        (person,) = make_people(1, village=village, start=serial)
        enrol(outside if village == OUTSIDE else inside, [person])
        people[village] = person
    (living,) = make_people(1, village="1504012003", start=90)  # keeps the Jambi bill correctable
    enrol(inside, [living])
    bills = {"in": issue(inside, "2025-01", 12), "out": issue(outside, "2025-01", 12)}
    payments = {}
    for village, person in people.items():
        if village != OUTSIDE:
            pay_person(person, "2025-01", "2025-12", 12 * MONTHLY, reference=f"IN/{village}")
            payments[village] = Payment.objects.get(reference=f"IN/{village}")
    pay_bill(bills["out"], reference="OUT/DKI")
    payments[OUTSIDE] = Payment.objects.get(reference="OUT/DKI")
    refunds = {
        village: death_record(actor=None, participant=person, died_on=date(2025, 3, 15), reason="akta")
        for village, person in people.items()
    }
    return {"bills": bills, "people": people, "payments": payments, "refunds": refunds}


@pytest.fixture
def users(demo):
    return {(kind, role): matrix_user(kind, role, prefix="b") for kind in ORGS for role in ROLES}


def _paths(world, kind):
    village = VILLAGE_OF[kind]
    inside = {
        "bill": world["bills"]["in"].pk,
        "person": world["people"][village].pk,
        "nik": world["people"][village].nik,
        "payment": world["payments"][village].pk,
        "refund": world["refunds"][village].pk,
    }
    outside = {
        "bill": world["bills"]["out"].pk,
        "person": world["people"][OUTSIDE].pk,
        "nik": world["people"][OUTSIDE].nik,
        "payment": world["payments"][OUTSIDE].pk,
        "refund": world["refunds"][OUTSIDE].pk,
    }
    return inside, outside


READ_URLS = [
    "/iuran/tagihan/{bill}/",
    "/iuran/tagihan/{bill}/ekspor.xlsx",
    "/iuran/peserta/{person}/",
    "/api/v1/bills/{bill}",
    "/api/v1/bills/{bill}/lines",
    "/api/v1/protection?nik={nik}&date=2025-02-01",
]
EDIT_URLS = [
    "/iuran/tagihan/{bill}/koreksi/",
    "/iuran/pembayaran/{payment}/batal/",
    "/iuran/pengembalian/{refund}/selesai/",
]
ROLE_URLS = {
    "/iuran/": (200,) * 4,
    "/iuran/?bayar=lunas&urut=total": (200,) * 4,
    "/iuran/tagihan/baru/": EDITORS,
    "/iuran/pembayaran/": (200,) * 4,
    "/iuran/pembayaran/baru/": EDITORS,
    "/iuran/pembayaran/impor/": EDITORS,
    "/iuran/pembayaran/ekspor.xlsx": (200,) * 4,
    "/iuran/perlindungan/?tanggal=2025-02-01&hitung=1&status=active": (200,) * 4,
    "/iuran/peringatan/": (200,) * 4,
    "/iuran/peringatan/?jenis=berhenti": (200,) * 4,
    "/iuran/peringatan/ekspor.xlsx?jenis=berhenti": (200,) * 4,
    "/iuran/pengembalian/": (200,) * 4,
    "/api/v1/bills": (200,) * 4,
    "/api/v1/payments": (200,) * 4,
    "/api/v1/protection/counts?date=2025-02-01": (200,) * 4,
    "/api/v1/protection/alerts?kind=lapsed": (200,) * 4,
    "/api/v1/refunds": (200,) * 4,
}


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_records_inside_answer_and_outside_are_not_found(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, outside = _paths(world, kind)
    for url in READ_URLS:
        assert client.get(url.format(**inside)).status_code == 200, (url, "inside")
        assert client.get(url.format(**outside)).status_code == 404, (url, "outside")
    editor = role in ("admin", "operator")
    for url in EDIT_URLS:
        assert client.get(url.format(**inside)).status_code == (200 if editor else 403), (url, "inside")
        assert client.get(url.format(**outside)).status_code == (404 if editor else 403), (url, "outside")


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("path", list(ROLE_URLS))
def test_role_gated_pages(world, users, kind, role, path):
    response = client_for(users[(kind, role)]).get(path)
    assert response.status_code == ROLE_URLS[path][ROLES.index(role)], (kind, role, path)


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_lists_never_show_a_record_outside(world, users, kind, role):
    client = client_for(users[(kind, role)])
    village = VILLAGE_OF[kind]
    assert [b["number"] for b in client.get("/api/v1/bills").json()["items"]] == [world["bills"]["in"].number]
    references = {p["reference"] for p in client.get("/api/v1/payments").json()["items"]}
    assert f"IN/{village}" in references and "OUT/DKI" not in references
    refunds = {r["participant_id"] for r in client.get("/api/v1/refunds").json()}
    assert world["people"][village].pk in refunds and world["people"][OUTSIDE].pk not in refunds
    lines = client.get(f"/api/v1/bills/{world['bills']['in'].pk}/lines").json()["items"]
    assert world["people"][village].pk in {line["participant_id"] for line in lines}
    counts = client.get("/api/v1/protection/counts?date=2025-02-01").json()
    # only the people in the jurisdiction are counted: those whose months were paid are active
    assert counts["active"] == sum(1 for line in lines if line["paid_months"])
    for page in ("/iuran/", "/iuran/pembayaran/", "/iuran/pengembalian/"):
        body = client.get(page).content.decode()
        assert "DKI-2025" not in body and "OUT/DKI" not in body, page


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_viewers_change_nothing_through_the_api(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, _outside = _paths(world, kind)
    reverse = client.post(
        f"/api/v1/payments/{inside['payment']}/reverse", {"reason": "uji"}, content_type="application/json"
    )
    correct = client.post(
        f"/api/v1/bills/{inside['bill']}/correct", {"reason": "uji"}, content_type="application/json"
    )
    if role in ("viewer", "auditor"):
        assert (reverse.status_code, correct.status_code) == (403, 403)
        assert not Payment.objects.filter(reverses_id=inside["payment"]).exists()
        assert Bill.objects.get(pk=inside["bill"]).status == "issued"
    else:
        assert reverse.status_code == 201, reverse.content
        # Only the payer's officers and BPJS offices correct a bill.
        payer_or_bpjs = kind in ("bpjs_branch", "bpjs_regional") or (kind == "province")
        assert correct.status_code == (201 if payer_or_bpjs else 403), correct.content


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_nik_is_masked_for_roles_without_need(world, users, kind, role):
    client = client_for(users[(kind, role)])
    person = world["people"][VILLAGE_OF[kind]]
    shown = client.get(f"/api/v1/protection?nik={person.nik}&date=2025-02-01").json()["nik"]
    full = kind in ("bpjs_branch", "bpjs_regional") or (
        kind in ("village", "regency") and role in ("admin", "operator")
    )
    assert shown == (person.nik if full else mask_nik(person.nik))
    page = client.get(f"/iuran/peserta/{person.pk}/").content.decode()
    assert (person.nik in page) == full


def test_platform_and_anonymous(world):
    admin = client_for(User.objects.get(username="admin"))
    _inside, outside = _paths(world, "province")
    for url in READ_URLS:
        assert admin.get(url.format(**outside)).status_code == 200, url
    anonymous = Client()
    for url in [*READ_URLS, *ROLE_URLS]:
        response = anonymous.get(url.format(**outside))
        if "/api/" in url:
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url
