"""Participants and imports through the API, for every role of every organization kind."""

import pytest

from jaring.accounts.models import Organization
from jaring.regions.models import Region
from jaring.registry.services import participants_upsert

from .access import CASES, ORGS, ROLES, client_for, matrix_user
from .factories import participant_record

# Who sees the full NIK: village and regency operators/admins, and BPJS officers.
FULL_NIK = {
    ("village", "operator"),
    ("village", "admin"),
    ("regency", "operator"),
    ("regency", "admin"),
    *{("bpjs_branch", r) for r in ROLES},
    *{("bpjs_regional", r) for r in ROLES},
}


def _village_under(code: str) -> str:
    return (
        Region.objects.filter(level="village", code__startswith=code)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


@pytest.fixture
def people(demo):
    """For each organization kind: a person inside its jurisdiction and one outside."""
    placed = {}
    serial = 1
    for kind, (_org, inside, outside) in ORGS.items():
        ids = []
        for code in (inside, outside):
            result = participants_upsert(
                actor=None, records=[participant_record(serial, village=_village_under(code))]
            )
            ids.append(result.participants[0])
            serial += 1
        placed[kind] = ids
    return placed


def _client(kind, role):
    return client_for(matrix_user(kind, role, prefix="r"))


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_participants_inside_are_readable_outside_are_not_found(people, kind, role):
    inside, outside = people[kind]
    client = _client(kind, role)
    assert client.get(f"/api/v1/participants/{inside.pk}").status_code == 200
    assert client.get(f"/api/v1/participants/{outside.pk}").status_code == 404
    listed = {item["id"] for item in client.get("/api/v1/participants?limit=500").json()["items"]}
    assert inside.pk in listed
    assert outside.pk not in listed


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_nik_is_masked_for_roles_without_need(people, kind, role):
    inside, _outside = people[kind]
    nik = _client(kind, role).get(f"/api/v1/participants/{inside.pk}").json()["nik"]
    if (kind, role) in FULL_NIK:
        assert nik == inside.nik
    else:
        assert nik == inside.nik[:4] + "********" + inside.nik[-4:]


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_only_operators_and_admins_register_and_only_inside(people, kind, role):
    client = _client(kind, role)
    village = _village_under(ORGS[kind][1])
    body = {
        "nik": f"{village[:6]}010190{9000:04d}",
        "full_name": "Baru Sekali",
        "birth_date": "1990-01-01",
        "sex": "L",
        "village_code": village,
        "occupation": "nelayan",
        "category": "pekerja rentan",
    }
    response = client.post("/api/v1/participants", body, content_type="application/json")
    if role in ("operator", "admin"):
        assert response.status_code == 201, response.content
        assert response.json()["village_code"] == village
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    outside = _village_under(ORGS[kind][2])
    refused = client.post(
        "/api/v1/participants",
        {**body, "nik": f"{outside[:6]}010190{9001:04d}", "village_code": outside},
        content_type="application/json",
    )
    assert refused.status_code in (400, 403)
    if role in ("operator", "admin"):
        assert [e["code"] for e in refused.json()["errors"]] == ["village_outside_jurisdiction"]


def test_create_reports_every_problem_with_code_and_field(demo):
    client = demo.client("desa.operator")
    response = client.post(
        "/api/v1/participants",
        {
            "nik": "1504011203850001",
            "full_name": "A",
            "birth_date": "1985-03-13",
            "sex": "L",
            "village_code": "1504012003",
            "occupation": "astronot",
            "category": "lainnya",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "participant_invalid"
    assert {(e["column"], e["code"]) for e in body["errors"]} == {
        ("TANGGAL_LAHIR", "nik_birth_date_mismatch"),
        ("PEKERJAAN", "occupation_unknown"),
    }


def test_patch_updates_one_field_and_keeps_the_rest(demo):
    client = demo.client("desa.operator")
    created = _ahmad(client).json()
    patched = client.patch(
        f"/api/v1/participants/{created['id']}", {"phone": "081234567890"}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["phone"] == "081234567890"
    assert patched.json()["category"] == "miskin_ekstrem"


def test_keyset_pagination_walks_every_person_once(demo):
    village = "1504012003"
    participants_upsert(actor=None, records=[participant_record(i, village=village) for i in range(1, 8)])
    client = demo.client("desa.operator")
    seen, after = [], None
    while True:
        page = client.get("/api/v1/participants", {"limit": 3, **({"after": after} if after else {})}).json()
        seen += [item["id"] for item in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 7


def test_list_filters_by_region_category_and_search(demo, django_assert_max_num_queries):
    participants_upsert(
        actor=None,
        records=[participant_record(1, village="1504012003"), participant_record(2, village="1504012002")],
    )
    client = demo.client("jambi.viewer")
    with django_assert_max_num_queries(8):
        page = client.get("/api/v1/participants", {"region": "15.04.01.2003"}).json()
    assert [item["village_code"] for item in page["items"]] == ["1504012003"]
    assert (
        client.get("/api/v1/participants", {"q": "peserta 2"}).json()["items"][0]["village_code"]
        == "1504012002"
    )
    assert client.get("/api/v1/participants", {"category": "miskin_ekstrem"}).json()["items"] == []


def test_import_upload_status_and_errors_over_the_api(demo, tmp_path):
    content = (
        b"NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        b"1504011203850001,Ahmad,12/03/1985,L,1504012003,petani,lainnya\n"
        b"1504011203850001,Ahmad,12/03/1985,L,1504012003,petani,lainnya\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = demo.client("desa.operator")
    response = client.post("/api/v1/imports", {"file": SimpleUploadedFile("p.csv", content, "text/csv")})
    assert response.status_code == 201, response.content
    run = response.json()
    assert (run["created"], run["rejected"], run["status"]) == (1, 1, "committed")
    assert client.get(f"/api/v1/imports/{run['id']}").json()["file_name"] == "p.csv"
    errors = client.get(f"/api/v1/imports/{run['id']}/errors").json()
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [(3, "NIK", "nik_duplicate_in_file")]
    # A province viewer can't read imports; another village's operator can't see this one.
    assert demo.client("jambi.viewer").get(f"/api/v1/imports/{run['id']}").status_code == 403
    assert demo.client("kotajambi.operator").get(f"/api/v1/imports/{run['id']}").status_code == 404
    masked = demo.client("auditor").get(f"/api/v1/imports/{run['id']}/errors").json()
    assert "1504********0001" in masked[0]["message"]


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_participant_pages_inside_answer_and_outside_are_not_found(people, kind, role):
    inside, outside = people[kind]
    client = _client(kind, role)
    assert client.get(f"/peserta/{inside.pk}/").status_code == 200
    assert client.get(f"/peserta/{outside.pk}/").status_code == 404
    listing = client.get("/peserta/").content.decode()
    assert f'href="/peserta/{inside.pk}/"' in listing
    assert f'href="/peserta/{outside.pk}/"' not in listing


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_import_pages_by_role_and_jurisdiction(demo, kind, role):
    from jaring.registry.models import ImportRun

    org = Organization.objects.get(code=ORGS[kind][0])
    inside = ImportRun.objects.create(
        file_name="a.csv",
        file_sha256="0" * 64,
        organization=org,
        scope_code=org.scope_code,
        status="committed",
    )
    outside = ImportRun.objects.create(
        file_name="b.csv", file_sha256="1" * 64, scope_code="31", status="committed"
    )
    client = _client(kind, role)
    readers = {"admin": 200, "operator": 200, "auditor": 200, "viewer": 403}
    for path in (
        "/peserta/impor/{pk}/",
        "/peserta/impor/{pk}/ditolak.xlsx",
        "/api/v1/imports/{pk}",
        "/api/v1/imports/{pk}/errors",
    ):
        assert client.get(path.format(pk=inside.pk)).status_code == readers[role], path
        assert client.get(path.format(pk=outside.pk)).status_code == (403 if role == "viewer" else 404), path
    save = client.post(f"/peserta/impor/{inside.pk}/simpan/")
    assert save.status_code == (302 if role in ("admin", "operator") else 403)
    inside.refresh_from_db()
    assert inside.status == "committed"  # a committed import cannot be saved twice


def _ahmad(client, **extra):
    return client.post(
        "/api/v1/participants",
        {
            "nik": "1504011203850001",
            "full_name": "Ahmad",
            "birth_date": "12/03/1985",
            "sex": "L",
            "village_code": "15.04.01.2003",
            "occupation": "petani",
            "category": "miskin ekstrem",
            **extra,
        },
        content_type="application/json",
    )


@pytest.mark.parametrize("name", ["<b>X</b>", "Ahmad<script>", 'Ahmad "Yani"', "Ahmad=1", "123"])
def test_patch_refuses_a_name_the_importer_refuses(demo, name):
    client = demo.client("desa.operator")
    created = _ahmad(client).json()
    patched = client.patch(
        f"/api/v1/participants/{created['id']}", {"full_name": name}, content_type="application/json"
    )
    assert patched.status_code == 400
    assert [(e["column"], e["code"]) for e in patched.json()["errors"]] == [("NAMA", "name_invalid")]


def test_a_registration_again_without_optional_fields_keeps_them_and_an_empty_one_erases(demo):
    client = demo.client("desa.operator")
    created = _ahmad(client, kpj_number="12345678901", address="RT 01").json()
    again = _ahmad(client).json()
    assert (again["kpj_number"], again["address"]) == ("12345678901", "RT 01")
    erased = client.patch(
        f"/api/v1/participants/{created['id']}", {"kpj_number": ""}, content_type="application/json"
    ).json()
    assert (erased["kpj_number"], erased["address"]) == ("", "RT 01")
