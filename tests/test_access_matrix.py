"""Role x organization kind x endpoint: who can reach what, in and out of jurisdiction.

Every page and API endpoint that exists is listed here; a new one must be added
(test_every_url_is_in_the_matrix fails otherwise). Outside one's jurisdiction a
record answers 404, as if it did not exist; a role that may not use a page at all
gets 403; an anonymous visitor is sent to the login page (web) or gets 401 (API).
"""

from __future__ import annotations

import pytest
from django.test import Client

from jaring.accounts.models import Organization, User

from .access import CASES, FOREIGN_ORG, ORGS, ROLES, all_routes, client_for, matrix_user

REGION_URLS = [
    "/wilayah/{code}/",
    "/api/v1/regions/{code}",
    "/api/v1/regions/{code}/children",
]

# path -> expected status per role (admin, operator, viewer, auditor)
ROLE_URLS = {
    "/": (200, 200, 200, 200),
    "/akun/": (200, 200, 200, 200),
    "/wilayah/?q=Jambi": (200, 200, 200, 200),
    "/api/v1/me": (200, 200, 200, 200),
    "/api/v1/regions?q=Jambi": (200, 200, 200, 200),
    "/organisasi/": (200, 403, 403, 403),
    "/organisasi/baru/": None,  # depends on the kind, see CREATE_ORG
    "/organisasi/{own}/": (200, 403, 403, 403),
    "/organisasi/{own}/pengguna/baru/": (200, 403, 403, 403),
    "/organisasi/{foreign}/": (404, 403, 403, 403),
    "/organisasi/{foreign}/pengguna/baru/": (404, 403, 403, 403),
    "/pengguna/{own_user}/": (200, 403, 403, 403),
    "/pengguna/{foreign_user}/": (404, 403, 403, 403),
    "/audit/": (403, 403, 403, 200),
    "/peserta/": (200, 200, 200, 200),
    "/peserta/ekspor.csv": (200, 200, 200, 200),
    "/peserta/ekspor.xlsx": (200, 200, 200, 200),
    "/peserta/templat.xlsx": (200, 200, 200, 200),
    "/peserta/templat.csv": (200, 200, 200, 200),
    "/peserta/impor/": (200, 200, 403, 403),
    "/peserta/duplikat/": (200, 200, 200, 200),
    # DTSEN editions and BPJS active lists (tests/test_targeting_pages.py): everyone reads
    # those of their jurisdiction, operators and admins upload.
    "/sasaran/dtsen/": (200, 200, 200, 200),
    "/sasaran/dtsen/impor/": (200, 200, 403, 403),
    "/sasaran/aktif-bpjs/": (200, 200, 200, 200),
    "/sasaran/aktif-bpjs/impor/": (200, 200, 403, 403),
    "/api/v1/audit-events": (403, 403, 403, 200),
}
# Only province and regency governments set up subordinate organizations.
CREATE_ORG = {
    "province": 200,
    "regency": 200,
    "village": 403,
    "bpjs_branch": 403,
    "bpjs_regional": 403,
    "donor": 403,
}


@pytest.fixture
def matrix(demo):
    return {(kind, role): matrix_user(kind, role) for kind in ORGS for role in ROLES}


_client = client_for


def _fill(path: str, kind: str, matrix) -> str:
    own_org = Organization.objects.get(code=ORGS[kind][0])
    foreign_org = Organization.objects.get(code=FOREIGN_ORG)
    return path.format(
        own=own_org.pk,
        foreign=foreign_org.pk,
        own_user=matrix[(kind, "operator")].pk,
        foreign_user=User.objects.get(username="bengkulu.admin").pk,
    )


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("url", REGION_URLS)
def test_regions_inside_answer_and_outside_are_not_found(matrix, kind, role, url):
    _org, inside, outside = ORGS[kind]
    client = _client(matrix[(kind, role)])
    assert client.get(url.format(code=inside)).status_code == 200
    assert client.get(url.format(code=outside)).status_code == 404


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_search_never_returns_a_region_outside(matrix, kind, role):
    _org, inside, outside = ORGS[kind]
    client = _client(matrix[(kind, role)])
    found_in = {r["code"] for r in client.get(f"/api/v1/regions?q={inside}").json()}
    found_out = client.get(f"/api/v1/regions?q={outside}").json()
    assert inside in found_in
    assert found_out == []
    page = client.get(f"/wilayah/?q={outside}")
    assert page.status_code == 200
    assert f'href="/wilayah/{outside}/"' not in page.content.decode()


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("path", list(ROLE_URLS))
def test_role_gated_pages(matrix, kind, role, path):
    expected = ROLE_URLS[path]
    status = CREATE_ORG[kind] if role == "admin" else 403
    if expected is not None:
        status = expected[ROLES.index(role)]
    response = _client(matrix[(kind, role)]).get(_fill(path, kind, matrix))
    assert response.status_code == status, (kind, role, path)


@pytest.mark.parametrize("path", [*REGION_URLS, *ROLE_URLS])
def test_platform_superuser_reaches_everything(matrix, path):
    admin = User.objects.get(username="admin")
    response = _client(admin).get(_fill(path.replace("{code}", "31"), "province", matrix))
    assert response.status_code == 200, path


@pytest.mark.parametrize("path", [*REGION_URLS, *ROLE_URLS])
def test_anonymous_is_sent_to_login_or_gets_401(matrix, path):
    response = Client().get(_fill(path.replace("{code}", "15"), "province", matrix))
    if "/api/" in path:
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_only_admins_create_users_and_only_in_organizations_they_manage(matrix, kind, role):
    client = _client(matrix[(kind, role)])
    form = {
        "username": f"new.{kind}.{role}",
        "role": "operator",
        "password1": "Another-Secret-2026",
        "password2": "Another-Secret-2026",
    }
    own = client.post(_fill("/organisasi/{own}/pengguna/baru/", kind, matrix), form)
    foreign = client.post(
        _fill("/organisasi/{foreign}/pengguna/baru/", kind, matrix),
        {**form, "username": "x" + form["username"]},
    )
    if role == "admin":
        assert own.status_code == 302
        assert User.objects.filter(username=form["username"]).exists()
        assert foreign.status_code == 404
    else:
        assert own.status_code == 403
        assert foreign.status_code == 403
        assert not User.objects.filter(username=form["username"]).exists()
    assert not User.objects.filter(username="x" + form["username"]).exists()


def test_every_url_is_in_the_matrix():
    """A new page or endpoint must be added to this matrix."""
    covered = {
        "",
        "favicon.ico",
        "healthz",  # open to all, no personal data: tests/test_health.py
        "readyz",
        "metrics",  # only with the metrics token: tests/test_observe.py
        "masuk/",
        "keluar/",
        "i18n/setlang/",
        "wilayah/",
        "wilayah/<str:code>/",
        "organisasi/",
        "organisasi/baru/",
        "organisasi/<int:pk>/",
        "organisasi/<int:org_pk>/pengguna/baru/",
        "pengguna/<int:pk>/",
        "pengguna/<int:pk>/kata-sandi/",
        "akun/",
        "akun/token/<int:pk>/cabut/",
        "audit/",
        "api/v1/",
        # participant and import pages: here and in tests/test_registry_api.py
        "peserta/",
        "peserta/<int:pk>/",
        "peserta/ekspor.<str:fmt>",
        "peserta/templat.<str:fmt>",
        "peserta/duplikat/",
        "peserta/duplikat/<int:pk>/",
        "peserta/impor/",
        "peserta/impor/<int:pk>/",
        "peserta/impor/<int:pk>/simpan/",
        "peserta/impor/<int:pk>/ditolak.xlsx",
        # programs, agreements and the money trail: tests/test_programs_access.py
        "program/",
        "program/baru/",
        "program/impor-kepesertaan/",
        "program/<int:pk>/",
        "program/<int:pk>/daftarkan/",
        "program/<int:pk>/pilih-peserta/",
        "program/<int:pk>/periode/",
        "kepesertaan/<int:pk>/akhiri/",
        "kepesertaan/<int:pk>/pindahkan/",
        "pks/",
        "pks/baru/",
        "pks/<int:pk>/",
        "pks/<int:pk>/dokumen.pdf",
        "dana/",
        "dana/transfer/",
        "dana/transfer/baru/",
        "dana/transfer/ekspor.xlsx",
        "dana/transfer/<int:pk>/koreksi/",
        "dana/transfer/<int:pk>/bukti/",
        "dana/alokasi/<int:program_pk>/",
        # contributions: tests/test_contributions_access.py
        "anggaran/",
        "anggaran/skenario/baru/",
        "anggaran/skenario/<int:pk>/",
        "anggaran/skenario/banding/",
        "anggaran/skenario/banding.xlsx",
        "anggaran/tarif/",
        "anggaran/tarif/baru/",
        "anggaran/tarif/<int:pk>/",
        "anggaran/pekerja-rentan/",
        "anggaran/pekerja-rentan/impor/",
        # alerts: tests/test_alerts.py
        "peringatan/",
        "peringatan/perbarui/",
        "peringatan/<int:pk>/tanggapi/",
        # monev report: tests/test_reports.py
        "monev/laporan/",
        # monitoring (coverage, scorecard): tests/test_monitoring_access.py
        "monev/",
        "monev/cakupan.xlsx",
        "monev/impor/",
        "monev/impor/templat.<str:fmt>",
        "monev/skor/",
        "monev/skor.xlsx",
        # bills, payments, protection and refunds: tests/test_billing_access.py
        "iuran/",
        "iuran/tagihan/baru/",
        "iuran/tagihan/<int:pk>/",
        "iuran/tagihan/<int:pk>/ekspor.xlsx",
        "iuran/tagihan/<int:pk>/koreksi/",
        "iuran/pembayaran/",
        "iuran/pembayaran/baru/",
        "iuran/pembayaran/impor/",
        "iuran/pembayaran/ekspor.xlsx",
        "iuran/pembayaran/<int:pk>/batal/",
        "iuran/perlindungan/",
        "iuran/peserta/<int:pk>/",
        "iuran/peringatan/",
        "iuran/peringatan/ekspor.xlsx",
        "iuran/pengembalian/",
        "iuran/pengembalian/<int:pk>/selesai/",
        # targeting, the proposal pages: tests/test_targeting_access.py
        "sasaran/usulan/",
        "sasaran/usulan/<int:pk>/daftarkan/",
        "sasaran/usulan/<int:pk>/berkas.xlsx",
        # DTSEN editions and BPJS active lists: here and in tests/test_targeting_pages.py
        "sasaran/dtsen/",
        "sasaran/dtsen/impor/",
        "sasaran/dtsen/<int:pk>/",
        "sasaran/aktif-bpjs/",
        "sasaran/aktif-bpjs/impor/",
        # claims and benefits: tests/test_claims_access.py
        "klaim/",
        "klaim/ekspor.xlsx",
        "klaim/baru/",
        "klaim/<int:pk>/",
        "klaim/<int:pk>/ahli-waris/",
        "klaim/<int:pk>/ahli-waris/<int:heir_pk>/hapus/",
        "klaim/<int:pk>/anak/",
        "klaim/<int:pk>/anak/<int:child_pk>/hapus/",
        "klaim/<int:pk>/dokumen/",
        "klaim/<int:pk>/dokumen/<int:document_pk>/",
        "klaim/<int:pk>/lengkap/",
        "klaim/<int:pk>/kembalikan/",
        "klaim/<int:pk>/verifikasi/",
        "klaim/<int:pk>/bayar/",
        "klaim/<int:pk>/tolak/",
        "klaim/laporan/",
        "klaim/laporan.xlsx",
        "klaim/aturan/",
        "klaim/aturan/baru/",
        "klaim/aturan/<int:pk>/akhiri/",
    }
    api_paths = {
        "/regions",
        "/regions/{code}",
        "/regions/{code}/children",
        "/me",
        "/audit-events",
        # covered by tests/test_registry_api.py
        "/participants",
        "/participants/{participant_id}",
        "/imports",
        "/imports/{import_id}",
        "/imports/{import_id}/errors",
        # tests/test_programs_access.py
        "/programs",
        "/programs/{program_id}",
        "/programs/{program_id}/funnel",
        "/programs/{program_id}/enrolments",
        "/enrolments/{enrolment_id}/end",
        "/enrolments/{enrolment_id}/transfer",
        "/agreements",
        "/agreements/{agreement_id}",
        "/allocations",
        "/transfers",
        "/transfers/{transfer_id}/reverse",
        "/funnel",
        "/idle-villages",
        # contributions: tests/test_contributions_access.py
        "/rate-rules",
        "/budget-plan",
        "/scenarios",
        "/scenarios/{scenario_id}",
        # alerts: tests/test_alerts.py
        "/alerts",
        "/alerts/{alert_id}/acknowledge",
        # monitoring: tests/test_monitoring_access.py
        "/coverage",
        "/coverage/import",
        "/scorecard",
        # billing: tests/test_billing_access.py
        "/bills",
        "/bills/{bill_id}",
        "/bills/{bill_id}/lines",
        "/bills/{bill_id}/correct",
        "/payments",
        "/payments/import",
        "/payments/{payment_id}/reverse",
        "/protection",
        "/protection/counts",
        "/protection/alerts",
        "/refunds",
        "/refunds/{refund_id}/settle",
        # claims and benefits: tests/test_claims_access.py
        "/claims",
        "/claims/{claim_id}",
        "/claims/{claim_id}/heirs",
        "/claims/{claim_id}/children",
        "/claims/{claim_id}/documents",
        "/claims/{claim_id}/transitions",
        "/benefit-quote",
        "/benefits-report",
        "/benefit-rules",
    }
    assert all_routes() == covered
    from jaring.api import api

    schema_paths = {p.removeprefix("/api/v1") for p in api.get_openapi_schema()["paths"]}
    assert schema_paths == api_paths
