import pytest

from jaring.accounts.services import api_token_create


@pytest.fixture
def token(demo):
    user = demo.user("batanghari.operator")
    return api_token_create(actor=user, user=user, name="uji")[1]


def _get(client, path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(path, **headers)


def test_openapi_and_docs_are_published(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/regions/{code}" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_bearer_token_reads_regions_of_its_jurisdiction(client, token):
    response = _get(client, "/api/v1/regions/15.04.01", token)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "code": "150401",
        "code_dotted": "15.04.01",
        "name": "Mersam",
        "level": "district",
        "kind": "",
        "parent_code": "1504",
        "district_count": 0,
        "village_count": body["village_count"],
    }
    assert body["village_count"] > 0


def test_children_are_paginated_and_complete(client, token):
    data = _get(client, "/api/v1/regions/1504/children", token).json()
    assert data["count"] == len(data["items"])
    assert all(item["parent_code"] == "1504" for item in data["items"])
    assert "150401" in {item["code"] for item in data["items"]}


def test_search_by_name_and_by_code_with_or_without_dots(client, token):
    by_name = _get(client, "/api/v1/regions?q=sengkati", token).json()
    assert {"1504012002", "1504012003", "1504012004"} <= {r["code"] for r in by_name}
    assert {r["code"] for r in _get(client, "/api/v1/regions?q=15.04.01.2003", token).json()} == {
        "1504012003"
    }
    assert {r["code"] for r in _get(client, "/api/v1/regions?q=1504012003", token).json()} == {"1504012003"}
    assert _get(client, "/api/v1/regions?q=Kota Jambi", token).json() == []  # outside Batanghari


def test_without_query_the_roots_of_the_jurisdiction(client, token):
    assert [r["code"] for r in _get(client, "/api/v1/regions", token).json()] == ["1504"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/regions/1571", 404, "not_found"),
        ("/api/v1/regions/not-a-code", 404, "not_found"),
        ("/api/v1/regions/99", 404, "not_found"),
    ],
)
def test_errors_are_json_with_a_stable_code_and_message(client, token, path, status, code):
    response = _get(client, path, token)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_bad_or_revoked_token_is_401(client, demo):
    response = _get(client, "/api/v1/me", "jrg_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_me_describes_role_and_jurisdiction(client, token):
    assert _get(client, "/api/v1/me", token).json() == {
        "username": "batanghari.operator",
        "full_name": "Dedi Kurniawan",
        "role": "operator",
        "can_audit": False,
        "is_platform": False,
        "organization": "pemkab-batanghari",
        "organization_kind": "regency",
        "jurisdiction": ["1504"],
    }


def test_bpjs_branch_sees_both_of_its_regencies(client, demo):
    user = demo.user("bpjs.tanjabbar")
    raw = api_token_create(actor=user, user=user, name="x")[1]
    assert [r["code"] for r in _get(client, "/api/v1/regions", raw).json()] == ["1506", "1507"]


def test_validation_errors_use_the_same_shape(client, token):
    response = _get(client, "/api/v1/regions/1504/children?page=zero", token)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
