"""The contributions API: rate rules, the budget calculator, scenarios."""

from datetime import date

import pytest
from django.test import Client

from jaring.accounts.services import api_token_create
from jaring.contributions import services
from jaring.contributions.models import BudgetScenario, RateRule


def _scenario(code: str, *, name: str | None = None, per_village: int = 75) -> BudgetScenario:
    return services.scenario_create(
        actor=None,
        name=name or f"Skenario {code}",
        region_code=code,
        year=2025,
        kind="per_village",
        per_village=per_village,
        package="JKK_JKM",
        source="BKBK",
        months=12,
    )


def test_budget_plan_reproduces_bengkulu_2025(demo):
    body = (
        demo.client("jambi.viewer")
        .get("/api/v1/budget-plan", {"people": 80418, "months": 12, "date": "2025-06-01"})
        .json()
    )
    assert {k: body[k] for k in ("people", "months", "monthly_per_person", "total_rupiah")} == {
        "people": 80_418,
        "months": 12,
        "monthly_per_person": 16_800,
        "total_rupiah": 16_212_268_800,
    }
    assert (body["package"], body["source"], body["income"], body["date"]) == (
        "JKK_JKM",
        "APBD_KAB",
        1_000_000,
        "2025-06-01",
    )
    assert [(c["component"], c["rupiah"]) for c in body["components"]] == [("JKK", 10_000), ("JKM", 6_800)]


def test_budget_plan_with_discount_and_token(demo):
    user = demo.user("desa.operator")
    token = api_token_create(actor=user, user=user, name="uji")[1]
    response = Client().get(
        "/api/v1/budget-plan",
        {"people": 75, "months": 12, "source": "APBDES", "occupation": "petani", "date": "2026-05-01"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert response.json()["monthly_per_person"] == 8_400
    assert response.json()["total_rupiah"] == 75 * 12 * 8_400


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"people": 0, "months": 12}, 400, "people_invalid"),
        ({"people": 10, "months": 24}, 400, "months_invalid"),
        ({"people": 10, "months": 12, "package": "JHT"}, 400, "package_unknown"),
        ({"people": 10, "months": 12, "source": "APBN"}, 400, "source_unknown"),
        ({"people": 10, "months": 12, "date": "2010-01-01"}, 422, "rate_missing"),
        ({"people": 10, "months": 12, "date": "31/01/2026"}, 422, "validation_error"),
        ({"months": 12}, 422, "validation_error"),
    ],
)
def test_budget_plan_errors_are_code_and_message(demo, params, status, code):
    response = demo.client("jambi.viewer").get("/api/v1/budget-plan", params)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_rate_rules_list_the_seeded_table(demo):
    rules = demo.client("csr.viewer").get("/api/v1/rate-rules").json()
    assert len(rules) == RateRule.objects.count() == 6
    jkm = next(r for r in rules if r["component"] == "JKM")
    assert (jkm["amount_rupiah"], jkm["rate_bp"], jkm["effective_to"]) == (6_800, None, None)
    discounts = [r for r in rules if r["component"] == "DISCOUNT"]
    assert {(r["effective_from"], r["effective_to"], tuple(r["occupations"])) for r in discounts} == {
        ("2026-01-01", "2026-03-31", ("ojek_pengemudi",)),
        ("2026-04-01", "2026-12-31", ()),  # every BPU occupation, known or not
        ("2027-01-01", "2027-03-31", ("ojek_pengemudi",)),
    }
    assert all(r["sources"] == ["APBDES", "CSR"] and r["rate_bp"] == 5_000 for r in discounts)


def test_operator_creates_a_frozen_scenario(demo):
    response = demo.client("batanghari.operator").post(
        "/api/v1/scenarios",
        {
            "name": "Batanghari 2026",
            "region": "15.04",
            "year": 2026,
            "kind": "per_village",
            "per_village": 75,
            "source": "APBD_KAB",
            "rate_date": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["region_code"], body["monthly_per_person"], body["months"]) == ("1504", 16_800, 12)
    assert len(body["lines"]) == 1
    line = body["lines"][0]
    assert line["people"] == line["basis_count"] * 75
    assert body["total_rupiah"] == line["rupiah"] == line["people"] * 12 * 16_800
    assert BudgetScenario.objects.get(pk=body["id"]).created_by.username == "batanghari.operator"


@pytest.mark.parametrize(
    ("username", "payload", "status", "code"),
    [
        ("jambi.viewer", {"region": "15"}, 403, "permission_denied"),
        ("batanghari.operator", {"region": "15.71"}, 404, "region_not_found"),
        ("jambi.operator", {"region": "15", "kind": "per_person"}, 400, "scenario_kind_unknown"),
        ("jambi.operator", {"region": "15", "months": 13}, 400, "months_invalid"),
        ("jambi.operator", {"region": "15", "source": "APBN"}, 400, "source_unknown"),
        (
            "jambi.operator",
            {"region": "15", "kind": "percent_of_vulnerable", "percent": 70},
            400,
            "worker_count_missing",
        ),
    ],
)
def test_scenario_creation_errors(demo, username, payload, status, code):
    base = {"name": "x", "year": 2025, "kind": "per_village", "per_village": 75}
    response = demo.client(username).post(
        "/api/v1/scenarios", {**base, **payload}, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not BudgetScenario.objects.exists()


def test_scenario_list_and_detail_are_scoped(demo, django_assert_max_num_queries):
    inside = [_scenario("1504"), _scenario("1571"), _scenario("15")]
    outside = _scenario("17")
    client = demo.client("jambi.viewer")
    with django_assert_max_num_queries(8):  # session and user, 1 for the scenarios
        listed = client.get("/api/v1/scenarios").json()
    assert {s["id"] for s in listed} == {s.pk for s in inside}
    assert client.get("/api/v1/scenarios", {"year": 2024}).json() == []
    detail = client.get(f"/api/v1/scenarios/{inside[2].pk}").json()
    assert len(detail["lines"]) == 11  # the regencies and cities of Jambi
    assert sum(line["rupiah"] for line in detail["lines"]) == detail["total_rupiah"]
    assert [c["component"] for c in detail["components"]] == ["JKK", "JKM"]
    missing = client.get(f"/api/v1/scenarios/{outside.pk}")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_scenario_amounts_are_integers_in_json(demo):
    _scenario("15")
    body = demo.client("jambi.viewer").get("/api/v1/scenarios").json()[0]
    assert type(body["total_rupiah"]) is int and type(body["monthly_per_person"]) is int
    assert date.fromisoformat(body["rate_date"]) == date(2025, 1, 1)
