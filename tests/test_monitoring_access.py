"""Coverage pages, exports and API for every role of every organization kind: inside
the jurisdiction a region answers, outside it is not found and its figures appear
nowhere; only operators and admins import."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jaring.accounts.models import User
from jaring.monitoring.models import CoverageFigure

from .access import CASES, ORGS, ROLES, client_for, matrix_user
from .coverage_files import load

EDITORS = (200, 200, 403, 403)  # admin, operator, viewer, auditor
# A figure for every region the matrix uses; participants unique so a page can be searched.
FIGURES = {
    "15": (518_632, 1_312_370),
    "1504": (49_803, 98_206),
    "1505": (57_712, 152_597),
    "1507": (30_197, 86_888),
    "1571": (93_004, 197_799),
    "150401": (8_839, 14_577),
    "1504012002": (504, 810),
    "1504012003": (574, 877),
    "17": (261_814, 625_750),
    "31": (1_234_567, 3_456_789),
}
REGION_URLS = [
    "/monev/?wilayah={code}",
    "/monev/cakupan.xlsx?wilayah={code}",
    "/api/v1/coverage?region={code}",
]
ROLE_URLS = {
    "/monev/": (200,) * 4,
    "/monev/cakupan.xlsx": (200,) * 4,
    "/monev/skor/": (200,) * 4,
    "/monev/skor.xlsx": (200,) * 4,
    "/monev/impor/": EDITORS,
    "/monev/impor/templat.xlsx": (200,) * 4,
    "/monev/impor/templat.csv": (200,) * 4,
    "/api/v1/scorecard": (200,) * 4,
}


def _people(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.fixture
def world(demo, tmp_path):
    load(tmp_path, [[code, "2024-08-12", p, q, ""] for code, (p, q) in FIGURES.items()])


@pytest.fixture
def users(demo):
    return {(kind, role): matrix_user(kind, role, prefix="mon") for kind in ORGS for role in ROLES}


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_regions_inside_answer_and_outside_are_not_found(world, users, kind, role):
    _org, inside, outside = ORGS[kind]
    client = client_for(users[(kind, role)])
    for url in REGION_URLS:
        assert client.get(url.format(code=inside)).status_code == 200, (url, "inside")
        assert client.get(url.format(code=outside)).status_code == 404, (url, "outside")
    data = client.get(f"/api/v1/coverage?region={inside}&date=2024-08-12").json()
    assert data["participants"] == FIGURES[inside][0]


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("path", list(ROLE_URLS))
def test_role_gated_pages(world, users, kind, role, path):
    response = client_for(users[(kind, role)]).get(path)
    assert response.status_code == ROLE_URLS[path][ROLES.index(role)], (kind, role, path)


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_figures_outside_appear_nowhere(world, users, kind, role):
    user = users[(kind, role)]
    client = client_for(user)
    from jaring.access.scoping import jurisdiction_of

    jurisdiction = jurisdiction_of(user)
    outside = [code for code in FIGURES if not jurisdiction.contains(code)]
    assert outside
    pages = [
        client.get("/monev/?tanggal=2024-08-12").content.decode(),
        client.get("/monev/skor/?tanggal=2024-08-12").content.decode(),
        client.get("/api/v1/scorecard?date=2024-08-12").content.decode(),
    ]
    for code in outside:
        shown = _people(FIGURES[code][0])
        for page in pages:
            assert f">{shown}<" not in page and f'"participants": {FIGURES[code][0]}' not in page, (
                code,
                kind,
            )
    html = pages[0]
    if "<svg" in html:
        for code in ("1505", "1504", "1571", "1507"):
            if not jurisdiction.contains(code):
                painted = re.search(
                    rf'<(a href="[^"]*"><path|path) class="region ([\w-]+)[^"]*" data-code="{code}"', html
                )
                assert painted is None or painted.groups() == ("path", "outside"), (code, kind)


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_only_editors_import_and_only_inside(world, users, kind, role):
    _org, inside, outside = ORGS[kind]
    client = client_for(users[(kind, role)])
    body = (
        "KODE_WILAYAH,TANGGAL,PESERTA_AKTIF,POTENSI_PEKERJA\n"
        f"{inside},31/12/2024,1,2\n{outside},31/12/2024,1,2\n"
    )
    response = client.post("/api/v1/coverage/import", {"file": SimpleUploadedFile("c.csv", body.encode())})
    if role in ("viewer", "auditor"):
        assert response.status_code == 403
    else:
        assert response.status_code == 400
        assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [
            (3, "region_outside_jurisdiction")
        ]
    assert not CoverageFigure.objects.filter(on="2024-12-31").exists()


def test_platform_sees_everything_and_anonymous_nothing(world):
    admin = client_for(User.objects.get(username="admin"))
    for url in REGION_URLS:
        assert admin.get(url.format(code="31")).status_code == 200, url
    national = admin.get("/monev/?tanggal=2024-08-12").content.decode()
    assert "Jakarta" in national and national.count("<path") == 514
    anonymous = Client()
    for url in [*ROLE_URLS, "/api/v1/coverage?region=15"]:
        response = anonymous.get(url)
        if "/api/" in url:
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url
