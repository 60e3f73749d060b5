"""Programs, agreements and the money trail, for every role of every organization
kind: inside the jurisdiction a record answers, outside it is not found; viewers
may read but not change."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jaring.accounts.models import User
from jaring.accounts.services import organization_create
from jaring.funds.models import Transfer
from jaring.funds.services import transfer_post
from jaring.programs.models import Enrolment
from jaring.programs.services import agreement_create, enrolment_create, program_create
from jaring.registry.services import participants_upsert

from .access import CASES, ORGS, ROLES, client_for, matrix_user
from .factories import participant_record

EDITORS = (200, 200, 403, 403)  # admin, operator, viewer, auditor
# Which of the inside records each kind's jurisdiction holds.
TRANSFER_OF = {
    "province": "A",
    "regency": "A",
    "village": "C",
    "bpjs_branch": "B",
    "bpjs_regional": "A",
    "donor": "A",
}
ENROLMENT_OF = {
    "province": "1504012003",
    "regency": "1504012003",
    "village": "1504012003",
    "bpjs_branch": "1507012001",
    "bpjs_regional": "1504012003",
    "donor": "1571011001",
}


@pytest.fixture
def world(demo):
    """A Jambi program with its agreement, transfers and enrolments (inside every
    kind's jurisdiction), and a Jakarta one (outside all of them)."""
    dki = organization_create(
        actor=None, code="pemprov-dki", name="Pemprov DKI", kind="province", region_codes=["31"]
    )
    bpjs_dki = organization_create(
        actor=None, code="bpjstk-dki", name="BPJS TK DKI", kind="bpjs_regional", region_codes=["31"]
    )
    common = {"actor": None, "fiscal_year": 2025, "starts_on": date(2025, 1, 1), "coverage_months": 12}
    inside = program_create(
        **common,
        code="BKBK-2025",
        name="BKBK Jambi",
        source="BKBK",
        payer=demo.org("pemprov-jambi"),
        budget_ceiling=10_000_000_000,
        target_region_codes=["15"],
    )
    outside = program_create(
        **common,
        code="DKI-2025",
        name="APBD DKI",
        source="APBD_PROV",
        payer=dki,
        budget_ceiling=1_000_000_000,
        target_region_codes=["31"],
    )
    agreements = {
        "in": agreement_create(
            actor=None,
            number="PKS/JAMBI/1",
            payer=demo.org("pemprov-jambi"),
            bpjs_office=demo.org("bpjstk-kanwil-sumbagsel"),
            starts_on=date(2025, 1, 1),
            ends_on=date(2026, 12, 31),
            programs=[inside],
            document=SimpleUploadedFile("pks.pdf", b"%PDF-1.4 pks"),
        ),
        "out": agreement_create(
            actor=None,
            number="PKS/DKI/1",
            payer=dki,
            bpjs_office=bpjs_dki,
            starts_on=date(2025, 1, 1),
            ends_on=date(2026, 12, 31),
            programs=[outside],
            document=SimpleUploadedFile("pks.pdf", b"%PDF-1.4 pks dki"),
        ),
    }

    def move(program, kind, region, reference):
        return transfer_post(
            actor=None,
            program=program,
            kind=kind,
            region_code=region,
            transferred_on=date(2025, 3, 1),
            amount=1_000_000,
            reference=reference,
        )

    transfers = {
        "A": move(inside, "to_regency", "1504", "A"),
        "B": move(inside, "to_regency", "1507", "B"),
        "C": move(inside, "to_village", "1504012003", "C"),
        "out": move(outside, "to_regency", "3171", "OUT"),
    }
    enrolments = {}
    for serial, village in enumerate(sorted({*ENROLMENT_OF.values(), "3171011001"}), start=1):
        (person,) = participants_upsert(
            actor=None, records=[participant_record(serial, village=village)]
        ).participants
        program = outside if village.startswith("31") else inside
        enrolments[village] = enrolment_create(actor=None, program=program, participant=person)
    return {
        "programs": {"in": inside, "out": outside},
        "agreements": agreements,
        "transfers": transfers,
        "enrolments": enrolments,
    }


def _paths(world, kind):
    p, a, t, e = world["programs"], world["agreements"], world["transfers"], world["enrolments"]
    inside = {
        "program": p["in"].pk,
        "agreement": a["in"].pk,
        "transfer": t[TRANSFER_OF[kind]].pk,
        "enrolment": e[ENROLMENT_OF[kind]].pk,
    }
    outside = {
        "program": p["out"].pk,
        "agreement": a["out"].pk,
        "transfer": t["out"].pk,
        "enrolment": e["3171011001"].pk,
    }
    return inside, outside


READ_URLS = [
    "/program/{program}/",
    "/pks/{agreement}/",
    "/pks/{agreement}/dokumen.pdf",
    "/dana/alokasi/{program}/",
    "/api/v1/programs/{program}",
    "/api/v1/programs/{program}/funnel",
    "/api/v1/programs/{program}/enrolments",
    "/api/v1/agreements/{agreement}",
    "/api/v1/allocations?program_id={program}",
]
EDIT_URLS = [
    "/program/{program}/pilih-peserta/",
    "/kepesertaan/{enrolment}/akhiri/",
    "/kepesertaan/{enrolment}/pindahkan/",
    "/dana/transfer/{transfer}/koreksi/",
]
ROLE_URLS = {
    "/program/": (200,) * 4,
    "/program/baru/": EDITORS,
    "/program/impor-kepesertaan/": EDITORS,
    "/pks/": (200,) * 4,
    "/pks/baru/": EDITORS,
    "/dana/": (200,) * 4,
    "/dana/transfer/": (200,) * 4,
    "/dana/transfer/baru/": EDITORS,
    "/dana/transfer/ekspor.xlsx": (200,) * 4,
    "/api/v1/programs": (200,) * 4,
    "/api/v1/agreements": (200,) * 4,
    "/api/v1/transfers": (200,) * 4,
    "/api/v1/funnel": (200,) * 4,
    "/api/v1/idle-villages": (200,) * 4,
}


@pytest.fixture
def users(demo):
    return {(kind, role): matrix_user(kind, role, prefix="p") for kind in ORGS for role in ROLES}


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
    assert [p["code"] for p in client.get("/api/v1/programs").json()] == ["BKBK-2025"]
    assert [a["number"] for a in client.get("/api/v1/agreements").json()] == ["PKS/JAMBI/1"]
    references = {t["reference"] for t in client.get("/api/v1/transfers").json()["items"]}
    assert "OUT" not in references and TRANSFER_OF[kind] in references
    page = client.get("/dana/transfer/").content.decode()
    assert "OUT" not in page and "PKS/DKI/1" not in client.get("/pks/").content.decode()


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_viewers_change_nothing_through_the_api(world, users, kind, role):
    client = client_for(users[(kind, role)])
    inside, _outside = _paths(world, kind)
    transfer = world["transfers"][TRANSFER_OF[kind]]
    reversal = client.post(
        f"/api/v1/transfers/{transfer.pk}/reverse", {"reason": "uji"}, content_type="application/json"
    )
    end = client.post(
        f"/api/v1/enrolments/{inside['enrolment']}/end",
        {"ends_on": "2025-06-30", "reason": "uji"},
        content_type="application/json",
    )
    if role in ("viewer", "auditor"):
        assert (reversal.status_code, end.status_code) == (403, 403)
        assert not Transfer.objects.filter(reverses=transfer).exists()
        assert Enrolment.objects.get(pk=inside["enrolment"]).status == "active"
    else:
        assert end.status_code == 200, end.content
        assert Enrolment.objects.get(pk=inside["enrolment"]).status == "ended"


def test_platform_and_anonymous(world):
    admin = client_for(User.objects.get(username="admin"))
    inside, outside = _paths(world, "province")
    for url in READ_URLS:
        assert admin.get(url.format(**outside)).status_code == 200, url
    anonymous = Client()
    for url in [*READ_URLS, *ROLE_URLS]:
        response = anonymous.get(url.format(**inside))
        if "/api/" in url:
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url


def test_transfer_evidence_only_inside(world, demo):
    transfer = world["transfers"]["A"]
    transfer.evidence.save("bukti.pdf", SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 bukti"))
    assert demo.client("batanghari.operator").get(f"/dana/transfer/{transfer.pk}/bukti/").status_code == 200
    assert demo.client("kotajambi.operator").get(f"/dana/transfer/{transfer.pk}/bukti/").status_code == 404
    assert (
        demo.client("desa.operator").get(f"/dana/transfer/{world['transfers']['C'].pk}/bukti/").status_code
        == 404
    )
