"""Schemathesis over the live OpenAPI schema, through Django's WSGI application.

Every operation is sent generated requests (NUL bytes and other control characters,
integers far beyond the database's range, malformed codes, wrong types) with the API
token of the demo village operator and of the platform admin, on the full demo data.
Two checks: no server error, and every response the schema declares conforms to it.
Bounded: a few examples per operation and a deadline per example, so the file runs in
a couple of minutes on two cores; it is part of the default run (marker ``fuzz``).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jaring.accounts.models import User
from jaring.accounts.services import api_token_create
from jaring.demo.seed import seed_demo

pytestmark = pytest.mark.fuzz

USERS = ["desa.operator", "admin"]


APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
schema.config.generation.update(max_examples=20, with_security_parameters=False)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The full demo data, seeded once for the module inside a transaction rolled back
    at its end; each operation's test runs in a savepoint of it (the ``db`` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(people=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def _wsgi_on_test_connection():
    """Django's WSGI handler closes "old" connections at each request's start and end,
    which inside the test's transaction would throw it away; Django's own test client
    disconnects the same signal around its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=USERS)
def auth_headers(request, demo_world, db, _wsgi_on_test_connection):
    user = User.objects.get(username=request.param)
    return {"Authorization": f"Bearer {api_token_create(actor=user, user=user, name='fuzz')[1]}"}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_answers_every_generated_request_within_its_schema(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error, response_schema_conformance])
