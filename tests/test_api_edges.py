"""Hostile and malformed input at the API's edge (issue 11): each request a fuzzer
found answering 500, or a response breaking its own schema, pinned as a regression.
Every refusal is a 4xx with the API's ``{"code", "message"}``."""

from __future__ import annotations

from collections import Counter
from datetime import date

import jsonschema_rs
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from ninja import Schema

from jaring.accounts.services import api_token_create
from jaring.alerts.models import Alert
from jaring.contributions import services as contributions
from jaring.funds.services import transfer_post

from .billing_world import enrol, make_people, make_program


def _client(demo, username: str) -> Client:
    user = demo.user(username)
    token = api_token_create(actor=user, user=user, name="uji")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def operator(demo):
    return _client(demo, "desa.operator")


@pytest.fixture
def admin(demo):
    return _client(demo, "admin")


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"]
    return body


def _conforms(client, path: str, method: str, status: int, body) -> None:
    """``body`` is valid against the response schema the OpenAPI document declares."""
    document = client.get("/api/v1/openapi.json").json()
    declared = document["paths"][path][method]["responses"][str(status)]
    schema = {**declared["content"]["application/json"]["schema"], "components": document["components"]}
    errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(body)]
    assert errors == [], errors


# -- control characters (PostgreSQL refuses NUL in text: a 500 before) --------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/regions?q=%00abc",
        "/api/v1/participants?occupation=%00x",
        "/api/v1/claims?q=ab%01c",
        "/api/v1/audit-events?%00action=x",
    ],
)
def test_control_characters_in_the_query_string_are_refused(operator, path):
    _refused(operator.get(path), 400, "control_character")


def test_control_characters_in_a_json_body_are_refused_with_the_field(demo, operator):
    response = operator.post(
        "/api/v1/transfers",
        {
            "program_id": 1,
            "kind": "to_bpjs",
            "region_code": "1504012003",
            "transferred_on": "2025-02-01",
            "amount": 1000,
            "reference": "SP2D\u0000/1",
        },
        content_type="application/json",
    )
    assert _refused(response, 400, "control_character")["field"] == "reference"


def test_control_characters_in_a_form_field_are_refused(operator):
    """(Django's multipart parser already drops control characters from file names.)"""
    upload = SimpleUploadedFile("peserta.csv", b"NIK,NAMA\n")
    response = operator.post("/api/v1/imports", {"file": upload, "dry_run": "tr\x00ue"})
    assert _refused(response, 400, "control_character")["field"] == "dry_run"


def test_lone_surrogates_in_json_are_refused(operator):
    response = operator.post(
        "/api/v1/alerts/1/acknowledge", b'{"acknowledgement": "ok \\ud800"}', content_type="application/json"
    )
    _refused(response, 400, "control_character")


def test_tabs_and_line_breaks_stay_allowed_in_text(operator):
    assert operator.get("/api/v1/regions?q=seng%09kati%0A").status_code == 200


# -- integers and dates beyond what the database or Python's date holds -------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bills?year=10000000000000",
        "/api/v1/bills?year=250000",
        "/api/v1/agreements?ending_within=-122207859732508560",
        "/api/v1/agreements?ending_within=34652293",
        "/api/v1/idle-villages?days=-566372785472",
        "/api/v1/idle-villages?days=34652293",
        "/api/v1/regions/15/children?page=5087919292918794068248612057382912",
        "/api/v1/alerts?offset=99999999999999999999999",
        "/api/v1/participants?after=99999999999999999999999",
        "/api/v1/participants?limit=0",
        "/api/v1/funnel?year=-1",
        "/api/v1/scorecard?year=100000",
        "/api/v1/coverage?date=0001-01-01",
    ],
)
def test_integers_and_dates_out_of_range_are_validation_errors(admin, path):
    _refused(admin.get(path), 422, "validation_error")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", 10**20),
        ("amount", -(10**20)),
        ("stage", 70_000),
        ("program_id", 2**64),
        ("transferred_on", "0001-01-01"),
    ],
)
def test_transfer_body_out_of_range_is_a_validation_error(demo, operator, field, value):
    body = {
        "program_id": 1,
        "kind": "to_bpjs",
        "region_code": "1504012003",
        "transferred_on": "2025-02-01",
        "amount": 1000,
        "reference": "SP2D/1",
        field: value,
    }
    _refused(
        operator.post("/api/v1/transfers", body, content_type="application/json"), 422, "validation_error"
    )


def test_agreement_dates_out_of_range_are_validation_errors(demo, operator):
    body = {
        "number": "PKS/1",
        "payer": "pemkab-batanghari",
        "bpjs_office": "bpjstk-kc-tanjabbar",
        "starts_on": "0001-01-01",
        "ends_on": "9999-12-31",
    }
    response = operator.post("/api/v1/agreements", body, content_type="application/json")
    _refused(response, 422, "validation_error")


def test_enrolment_transfer_on_a_date_out_of_range_is_a_validation_error(demo):
    program = make_program(demo.org("pemprov-jambi"))
    enrolment = enrol(program, make_people(1))[0]
    make_program(demo.org("pemprov-jambi"), code="BKBK-UJI-2025B")
    response = demo.client("jambi.operator").post(
        f"/api/v1/enrolments/{enrolment.pk}/transfer",
        {"to_program": "BKBK-UJI-2025B", "on": "0001-01-01", "reason": "pindah"},
        content_type="application/json",
    )
    _refused(response, 422, "validation_error")


def test_bill_month_outside_the_calendar_is_refused(demo):
    make_program(demo.org("pemprov-jambi"))
    response = demo.client("jambi.operator").post(
        "/api/v1/bills",
        {"program": "BKBK-UJI-2025", "first_month": "0000-01", "months": 12},
        content_type="application/json",
    )
    _refused(response, 400, "month_invalid")


# -- region codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/funnel?region=15%2B",
        "/api/v1/funnel?region=KATEGORI",
        "/api/v1/protection/counts?region=%C3%A9",
        "/api/v1/programs/1/funnel?region=15x",
        "/api/v1/alerts?region=1",
        "/api/v1/claims?region=15.0",
    ],
)
def test_malformed_region_codes_are_validation_errors_with_the_reason(admin, path):
    body = _refused(admin.get(path), 422, "validation_error")
    assert body["detail"][0]["type"] == "invalid_region_code"
    assert "Kode wilayah" in body["detail"][0]["msg"]


def test_region_codes_are_accepted_dotted_or_not(admin):
    dotted = admin.get("/api/v1/funnel?region=15.04").json()
    assert admin.get("/api/v1/funnel?region=1504").json() == dotted
    assert admin.get("/api/v1/protection/counts?region=").status_code == 200


def test_protection_counts_of_an_empty_jurisdiction_are_zero(demo):
    """The grouped query of nobody (an empty scope) used to raise EmptyResultSet."""
    user = demo.user("desa.operator")
    user.organization.regions.clear()
    counts = _client(demo, "desa.operator").get("/api/v1/protection/counts").json()
    assert set(counts.values()) == {0}


def test_region_search_with_digits_other_than_ascii_finds_nothing(admin):
    assert admin.get("/api/v1/regions?q=%D9%A1%D9%A5").json() == []  # Arabic-Indic 15


# -- uploads the CSV reader cannot decode ------------------------------------------------------


def test_coverage_file_with_bytes_cp1252_leaves_undefined_is_a_file_error(operator):
    """0x81, 0x8d, 0x8f, 0x90 and 0x9d are not Windows-1252: reading used to raise."""
    upload = SimpleUploadedFile("cakupan.csv", b"KODE_WILAYAH,TANGGAL\n\x81\x8d\x90,\x9d\n")
    response = operator.post("/api/v1/coverage/import", {"file": upload})
    assert response.status_code == 400
    assert response.json()["saved"] is False and response.json()["errors"]


# -- responses true to their schema ------------------------------------------------------------


def test_schema_names_are_unique_so_no_response_borrows_another_schema():
    """Django Ninja names an OpenAPI component after its class: two classes of one name
    (billing's and the inbox's AlertOut) made /alerts promise a participant_id."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = Counter(c.__name__ for c in set(subclasses(Schema)) if c.__module__.startswith("jaring."))
    assert [name for name, count in names.items() if count > 1] == []


def test_alert_inbox_items_conform_to_their_schema(demo, operator):
    now = timezone.now()
    Alert.objects.create(
        kind="idle_money",
        key="idle_money:1:1504012003",
        region_code="1504012003",
        severity="danger",
        title="Dana mengendap",
        raised_at=now,
        seen_at=now,
    )
    body = operator.get("/api/v1/alerts").json()
    assert len(body["items"]) == 1
    _conforms(operator, "/api/v1/alerts", "get", 200, body)


def test_scenario_detail_conforms_to_its_schema(demo):
    scenario = contributions.scenario_create(
        actor=None,
        name="Skenario",
        region_code="1504",
        year=2025,
        kind="per_village",
        per_village=75,
        package="JKK_JKM",
        source="BKBK",
        months=12,
    )
    client = demo.client("batanghari.operator")
    body = client.get(f"/api/v1/scenarios/{scenario.pk}").json()
    assert body["components"]
    _conforms(client, "/api/v1/scenarios/{scenario_id}", "get", 200, body)


def test_payment_import_without_a_file_answers_its_declared_422(operator):
    response = operator.post("/api/v1/payments/import", {})
    body = _refused(response, 422, "validation_error")
    _conforms(operator, "/api/v1/payments/import", "post", 422, body)


def test_transfer_ledger_after_a_transfer_still_pages(demo):
    program = make_program(demo.org("pemkab-batanghari"), regions=("1504",))
    transfer_post(
        actor=None,
        program=program,
        kind="to_regency",
        region_code="1504",
        transferred_on=date(2025, 2, 1),
        amount=1_000,
        reference="SP2D/1",
    )
    body = demo.client("batanghari.operator").get("/api/v1/transfers?limit=1&after=0").json()
    assert [t["reference"] for t in body["items"]] == ["SP2D/1"]
