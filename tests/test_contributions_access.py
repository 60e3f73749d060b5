"""Who reaches the budget pages and endpoints: every role of every organization kind,
in and out of its jurisdiction (tests/access.py). Rates are national and readable by
everyone; only platform and province admins change them. Scenarios are seen where
their region lies in the jurisdiction (404 elsewhere) and created by operators and
admins; anonymous visitors go to the login page (web) or get 401 (API)."""

from datetime import date

import pytest
from django.test import Client

from jaring.accounts.models import User
from jaring.contributions import services
from jaring.contributions.models import BudgetScenario, RateRule, VulnerableWorkerCount

from .access import CASES, ORGS, ROLES, client_for, matrix_user

# path -> expected status per role (admin, operator, viewer, auditor); None: see RATE_EDITORS
ROLE_PAGES = {
    "/anggaran/": (200, 200, 200, 200),
    "/anggaran/tarif/": (200, 200, 200, 200),
    "/anggaran/tarif/baru/": None,
    "/anggaran/tarif/{rule}/": None,
    "/anggaran/skenario/baru/": (200, 200, 403, 403),
    "/anggaran/pekerja-rentan/": (200, 200, 200, 200),
    "/anggaran/pekerja-rentan/impor/": (200, 200, 403, 403),
    "/api/v1/rate-rules": (200, 200, 200, 200),
    "/api/v1/budget-plan?people=80418&months=12": (200, 200, 200, 200),
    "/api/v1/scenarios": (200, 200, 200, 200),
}
SCENARIO_PAGES = [
    "/anggaran/skenario/{pk}/",
    "/api/v1/scenarios/{pk}",
    "/anggaran/skenario/banding/?s={pk}&s={other}",
    "/anggaran/skenario/banding.xlsx?s={pk}&s={other}",
]


def _planning_region(code: str) -> str:
    """The province or regency a scenario is made for, from an ORGS region."""
    return code[:4] if len(code) > 4 else code


def _regency(code: str) -> str:
    return code[:4] if len(code) >= 4 else code + "01"


def _sees_inside(kind: str) -> bool:
    """A village government's jurisdiction holds no province or regency to plan for."""
    return kind != "village"


def _rate_editor(kind: str, role: str) -> bool:
    return kind == "province" and role == "admin"


def _scenario(code: str, name: str) -> BudgetScenario:
    return services.scenario_create(
        actor=None,
        name=name,
        region_code=code,
        year=2025,
        kind="per_village",
        per_village=75,
        package="JKK_JKM",
        source="BKBK",
        months=12,
    )


@pytest.fixture
def placed(demo):
    """For each organization kind: two scenarios at its inside region, one outside."""
    result = {}
    for kind, (_org, inside, outside) in ORGS.items():
        result[kind] = (
            _scenario(_planning_region(inside), f"{kind} dalam"),
            _scenario(_planning_region(inside), f"{kind} dalam 2"),
            _scenario(_planning_region(outside), f"{kind} luar"),
        )
    return result


def _fill(path: str, **ids) -> str:
    return path.format(rule=RateRule.objects.get(component="JKK").pk, **ids)


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("path", list(ROLE_PAGES))
def test_role_gated_pages(demo, kind, role, path):
    expected = ROLE_PAGES[path]
    status = expected[ROLES.index(role)] if expected else (200 if _rate_editor(kind, role) else 403)
    response = client_for(matrix_user(kind, role, prefix="c")).get(_fill(path))
    assert response.status_code == status, (kind, role, path)


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_scenarios_inside_answer_and_outside_are_not_found(placed, kind, role):
    inside, inside_2, outside = placed[kind]
    client = client_for(matrix_user(kind, role, prefix="c"))
    for path in SCENARIO_PAGES:
        found = client.get(path.format(pk=inside.pk, other=inside_2.pk))
        assert found.status_code == (200 if _sees_inside(kind) else 404), (path, kind, role)
        missing = client.get(path.format(pk=outside.pk, other=inside.pk))
        assert missing.status_code == 404, (path, kind, role)
    listed = {s["id"] for s in client.get("/api/v1/scenarios?limit=500").json()}
    assert (inside.pk in listed) == _sees_inside(kind)
    assert outside.pk not in listed
    page = client.get("/anggaran/").content.decode()
    assert f'href="/anggaran/skenario/{outside.pk}/"' not in page
    assert (f'href="/anggaran/skenario/{inside.pk}/"' in page) == _sees_inside(kind)


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_only_operators_and_admins_create_scenarios_and_only_inside(demo, kind, role):
    _org, inside, outside = ORGS[kind]
    client = client_for(matrix_user(kind, role, prefix="c"))
    payload = {"name": f"{kind} {role}", "year": 2025, "kind": "per_village", "per_village": 75}
    api_in = client.post(
        "/api/v1/scenarios", {**payload, "region": _planning_region(inside)}, content_type="application/json"
    )
    api_out = client.post(
        "/api/v1/scenarios",
        {**payload, "name": "luar", "region": _planning_region(outside)},
        content_type="application/json",
    )
    form = {
        **payload,
        "region": _planning_region(inside),
        "package": "JKK_JKM",
        "source": "BKBK",
        "months": 12,
        "income": 1_000_000,
        "name": f"form {kind} {role}",
    }
    web = client.post("/anggaran/skenario/baru/", form)
    if role in ("viewer", "auditor"):
        assert (api_in.status_code, api_out.status_code, web.status_code) == (403, 403, 403)
        assert api_in.json()["code"] == "permission_denied"
        assert not BudgetScenario.objects.exists()
        return
    assert api_out.status_code == 404
    assert api_out.json()["code"] == "region_not_found"
    if _sees_inside(kind):
        assert (api_in.status_code, web.status_code) == (201, 302)
        assert BudgetScenario.objects.filter(name__in=[payload["name"], form["name"]]).count() == 2
    else:
        assert (api_in.status_code, web.status_code) == (404, 400)  # no province or regency to plan for
        assert not BudgetScenario.objects.exists()


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_only_platform_and_province_admins_end_a_rate_rule(demo, kind, role):
    jkk = RateRule.objects.get(component="JKK")
    client = client_for(matrix_user(kind, role, prefix="c"))
    response = client.post(f"/anggaran/tarif/{jkk.pk}/", {"aksi": "akhiri", "effective_to": "2030-12-31"})
    jkk.refresh_from_db()
    if _rate_editor(kind, role):
        assert response.status_code == 302
        assert jkk.effective_to == date(2030, 12, 31)
    else:
        assert response.status_code == 403
        assert jkk.effective_to is None


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_worker_counts_are_entered_by_editors_inside_their_jurisdiction(demo, kind, role):
    _org, inside, _outside = ORGS[kind]
    client = client_for(matrix_user(kind, role, prefix="c"))
    response = client.post(
        "/anggaran/pekerja-rentan/", {"region": _regency(inside), "year": 2025, "vulnerable_workers": 10}
    )
    saved = VulnerableWorkerCount.objects.filter(region_id=_regency(inside)).exists()
    if role in ("viewer", "auditor"):
        assert (response.status_code, saved) == (403, False)
    elif _sees_inside(kind):
        assert (response.status_code, saved) == (302, True)
    else:
        assert (response.status_code, saved) == (400, False)  # no regency in a village's jurisdiction


@pytest.mark.parametrize("path", [*ROLE_PAGES, *SCENARIO_PAGES])
def test_platform_superuser_reaches_everything(placed, path):
    inside, _inside_2, outside = placed["bpjs_regional"]
    client = client_for(User.objects.get(username="admin"))
    response = client.get(_fill(path, pk=outside.pk, other=inside.pk))
    assert response.status_code == 200, path


@pytest.mark.parametrize("path", [*ROLE_PAGES, *SCENARIO_PAGES])
def test_anonymous_is_sent_to_login_or_gets_401(placed, path):
    inside, inside_2, _outside = placed["province"]
    response = Client().get(_fill(path, pk=inside.pk, other=inside_2.pk))
    if "/api/" in path:
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")
    posted = Client().post("/api/v1/scenarios", {}, content_type="application/json")
    assert posted.status_code == 401
