"""Claims for every role of every organization kind: inside the jurisdiction a claim
answers, outside it is not found; only the parties of the claim's jurisdiction (its
governments and BPJS offices, not donors) read its documents; government and BPJS
officers report, BPJS officers decide, viewers change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from jaring.accounts.models import User
from jaring.claims.models import Claim, ClaimStatus

from . import claims_world as w
from .access import CASES, ORGS, ROLES, client_for, matrix_user

EDITORS = {"admin", "operator"}
REPORTER_KINDS = {"province", "regency", "village", "bpjs_branch", "bpjs_regional"}
BPJS_KINDS = {"bpjs_branch", "bpjs_regional"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(demo):
    return w.claims_everywhere(demo)


@pytest.fixture
def users(demo):
    return {(kind, role): matrix_user(kind, role, prefix="k") for kind in ORGS for role in ROLES}


def _ids(world, kind):
    inside = world[w.CLAIM_VILLAGE_OF[kind]]
    outside = world[w.OUTSIDE_VILLAGE]
    return inside, outside


READ_URLS = [
    "/klaim/{pk}/",
    "/api/v1/claims/{pk}",
]
ROLE_PAGES = [
    "/klaim/",
    "/klaim/?status=reported&jenis=jkm&wilayah=15&urut=-kejadian",
    "/klaim/ekspor.xlsx",
    "/klaim/laporan/",
    "/klaim/laporan/?wilayah={village}",
    "/api/v1/benefits-report?region={village}&date_from=2025-01-01&date_to=2025-12-31",
    "/klaim/laporan.xlsx",
    "/klaim/aturan/",
    "/api/v1/claims",
    "/api/v1/benefits-report",
    "/api/v1/benefit-rules",
    "/api/v1/benefit-quote?kind=jkm&income=1000000&event_date=2025-06-14",
]


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_claims_inside_answer_and_outside_are_not_found(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, outside = _ids(world, kind)
    for url in READ_URLS:
        assert client.get(url.format(pk=inside.pk)).status_code == 200, (url, "inside")
        assert client.get(url.format(pk=outside.pk)).status_code == 404, (url, "outside")
    for url in ROLE_PAGES:
        assert client.get(url.format(village=w.CLAIM_VILLAGE_OF[kind])).status_code == 200, url
    assert client.get("/klaim/aturan/baru/").status_code == 403
    assert client.get(f"/klaim/aturan/{1}/akhiri/").status_code == 403


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_documents_only_for_the_parties_of_the_claims_jurisdiction(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, outside = _ids(world, kind)
    document = inside.documents.get()
    foreign = outside.documents.get()
    response = client.get(f"/klaim/{inside.pk}/dokumen/{document.pk}/")
    if kind == "donor":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
    assert client.get(f"/klaim/{outside.pk}/dokumen/{foreign.pk}/").status_code == 404
    assert client.get(f"/klaim/{inside.pk}/dokumen/{foreign.pk}/").status_code in (403, 404)
    detail = client.get(f"/api/v1/claims/{inside.pk}").json()
    assert (detail["documents"] == []) == (kind == "donor")


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_who_reports_and_who_decides(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, outside = _ids(world, kind)
    reporter = role in EDITORS and kind in REPORTER_KINDS
    decider = role in EDITORS and kind in BPJS_KINDS
    assert client.get("/klaim/baru/").status_code == (200 if reporter else 403)
    for step in ("verifikasi", "bayar", "tolak", "kembalikan"):
        assert client.get(f"/klaim/{inside.pk}/{step}/").status_code == (200 if decider else 403), step
        assert client.get(f"/klaim/{outside.pk}/{step}/").status_code == (404 if decider else 403), step


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_lists_and_reports_never_show_a_claim_outside(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, outside = _ids(world, kind)
    listed = {c["id"] for c in client.get("/api/v1/claims").json()["items"]}
    assert inside.pk in listed and outside.pk not in listed
    page = client.get("/klaim/").content.decode()
    assert inside.reference in page and outside.reference not in page
    assert client.get("/klaim/laporan/?wilayah=31").status_code == 404
    assert client.get("/api/v1/benefits-report?region=31").status_code == 404


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_viewers_and_donors_change_nothing(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, _outside = _ids(world, kind)
    added = client.post(
        f"/api/v1/claims/{inside.pk}/heirs",
        {
            "full_name": "Budi",
            "relation": "child",
            "nik": "1504011203050001",
            "bank_name": "BRI",
            "account_number": "123456789",
            "account_holder": "Budi",
        },
        content_type="application/json",
    )
    rejected = client.post(
        f"/api/v1/claims/{inside.pk}/transitions",
        {"to": "rejected", "reason": "uji akses"},
        content_type="application/json",
    )
    reporter = role in EDITORS and kind in REPORTER_KINDS
    decider = role in EDITORS and kind in BPJS_KINDS
    assert added.status_code == (201 if reporter else 403), added.content
    assert rejected.status_code == (200 if decider else 403), rejected.content
    status = Claim.objects.get(pk=inside.pk).status
    assert status == (ClaimStatus.REJECTED if decider else ClaimStatus.REPORTED)
    assert Claim.objects.get(pk=inside.pk).heirs.count() == (2 if reporter else 1)


def test_platform_and_anonymous(world):
    admin = client_for(User.objects.get(username="admin"))
    outside = world[w.OUTSIDE_VILLAGE]
    for url in READ_URLS:
        assert admin.get(url.format(pk=outside.pk)).status_code == 200, url
    assert admin.get(f"/klaim/{outside.pk}/dokumen/{outside.documents.get().pk}/").status_code == 200
    assert admin.get("/klaim/aturan/baru/").status_code == 200
    anonymous = Client()
    for url in [*READ_URLS, *ROLE_PAGES]:
        response = anonymous.get(url.format(pk=outside.pk, village="15"))
        if "/api/" in url:
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_web_posts_follow_the_same_rules(world, users, kind, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users[(kind, role)])
    inside, outside = _ids(world, kind)
    reporter = role in EDITORS and kind in REPORTER_KINDS
    heir = {
        "heir_full_name": "Budi",
        "heir_relation": "child",
        "heir_nik": "1504011203050001",
        "heir_bank_name": "BRI",
        "heir_account_number": "123456789",
        "heir_account_holder": "Budi",
    }
    for claim, expected in [(inside, 302 if reporter else 403), (outside, 404 if reporter else 403)]:
        posts = [
            client.post(f"/klaim/{claim.pk}/ahli-waris/", heir),
            client.post(
                f"/klaim/{claim.pk}/dokumen/",
                {"document_kind": "family_card", "document": SimpleUploadedFile("kk.pdf", w.PDF)},
            ),
            client.post(f"/klaim/{claim.pk}/lengkap/"),
            client.post(f"/klaim/{claim.pk}/ahli-waris/{claim.heirs.first().pk}/hapus/"),
        ]
        assert [r.status_code for r in posts] == [expected] * 4, (claim.village_id, kind, role)
    assert inside.documents.count() == (2 if reporter else 1)
    assert outside.documents.count() == 1 and outside.heirs.count() == 1
