"""Two officers at the same moment (PostgreSQL, two real connections): one death is
claimed once, and one verified claim is paid once."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from jaring.claims import services
from jaring.claims.models import Claim
from jaring.errors import DomainError

from . import claims_world as w
from .concurrency import at_once, empty_committed_tables, in_own_connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment"),
]


@pytest.fixture
def committed(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def setup():
        from jaring.accounts.services import organization_create

        payer = organization_create(
            actor=None, code="pemprov-uji", name="Pemprov uji", kind="province", region_codes=["15"]
        )
        prog = w.program(payer)
        farmer = w.person(1)
        w.enrol(prog, [farmer])
        w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-UJI")
        return farmer

    try:
        yield in_own_connection(setup)
    finally:
        empty_committed_tables()


def _report(farmer):
    return services.claim_report(
        actor=None,
        participant=farmer,
        kind="jkm",
        event_date=date(2025, 6, 14),
        event_place="Rumah",
        description="Meninggal",
        heirs=[w.heir()],
        documents=w.required_documents("jkm"),
        reported_on=date(2025, 6, 15),
    )


def test_one_death_reported_by_two_officers_at_once_is_claimed_once(committed):
    results = at_once(lambda: _report(committed))
    claims = [r for r in results if isinstance(r, Claim)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(claims) == 1, results
    assert [r.code for r in refusals] == ["duplicate_death_claim"]
    assert in_own_connection(lambda: Claim.objects.count()) == 1


def test_a_claim_paid_by_two_officers_at_once_is_paid_once(committed):
    def prepare():
        claim = _report(committed)
        services.claim_documents_complete(actor=None, claim=claim, on=date(2025, 6, 16))
        return services.claim_verify(actor=None, claim=claim, on=date(2025, 6, 17))

    claim = in_own_connection(prepare)
    heir = in_own_connection(lambda: claim.heirs.get())
    results = at_once(
        lambda: services.claim_pay(
            actor=None, claim=claim, paid_on=date(2025, 6, 20), amount=42_000_000, recipient_heir=heir
        )
    )
    assert sorted(type(r).__name__ for r in results) == ["Claim", "TransitionRefused"]
    steps = in_own_connection(lambda: list(claim.transitions.values_list("to_status", flat=True)))
    assert steps.count("paid") == 1
