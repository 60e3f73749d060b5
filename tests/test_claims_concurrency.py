"""Two officers at the same moment (PostgreSQL, two real connections): one death is
claimed once, and one verified claim is paid once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from jaring.claims import services
from jaring.claims.models import Claim
from jaring.errors import DomainError

from . import claims_world as w

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment"),
]

# What the committed setup wrote, emptied afterwards in this order (the audit trail
# refuses DELETE, so it is truncated: nothing else was committed to it).
COMMITTED_TABLES = [
    "claims_claimtransition",
    "claims_claimdocument",
    "claims_claimchild",
    "claims_claim_quote_rules",
    "claims_claimheir",
    "claims_claim",
    "billing_refund",
    "billing_paidmonths",
    "billing_payment",
    "billing_billline",
    "billing_bill",
    "programs_enrolment",
    "programs_villageenrolmentcount",
    "programs_coverageperiod",
    "programs_program_target_regions",
    "programs_program",
    "registry_statuschange",
    "registry_participant",
    "accounts_organization_regions",
    "accounts_organization",
]


def _in_own_connection(work):
    """Run ``work`` in a thread with its own, committing, database connection."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _at_once(work, count: int = 2) -> list:
    """Run ``work`` in ``count`` threads released together; each result or error."""
    start = threading.Barrier(count)
    results = []

    def session():
        try:
            start.wait()
            results.append(work())
        except DomainError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=session) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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
        yield _in_own_connection(setup)
    finally:

        def clean():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE claims_claim SET recipient_heir_id = NULL")
                for table in COMMITTED_TABLES:
                    cursor.execute(f"DELETE FROM {table}")
                cursor.execute("TRUNCATE audit_auditevent")

        _in_own_connection(clean)


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
    results = _at_once(lambda: _report(committed))
    claims = [r for r in results if isinstance(r, Claim)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(claims) == 1, results
    assert [r.code for r in refusals] == ["duplicate_death_claim"]
    assert _in_own_connection(lambda: Claim.objects.count()) == 1


def test_a_claim_paid_by_two_officers_at_once_is_paid_once(committed):
    def prepare():
        claim = _report(committed)
        services.claim_documents_complete(actor=None, claim=claim, on=date(2025, 6, 16))
        return services.claim_verify(actor=None, claim=claim, on=date(2025, 6, 17))

    claim = _in_own_connection(prepare)
    heir = _in_own_connection(lambda: claim.heirs.get())
    results = _at_once(
        lambda: services.claim_pay(
            actor=None, claim=claim, paid_on=date(2025, 6, 20), amount=42_000_000, recipient_heir=heir
        )
    )
    assert sorted(type(r).__name__ for r in results) == ["Claim", "TransitionRefused"]
    steps = _in_own_connection(lambda: list(claim.transitions.values_list("to_status", flat=True)))
    assert steps.count("paid") == 1
