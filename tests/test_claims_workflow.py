"""The pure claim workflow: transitions, required documents, and who may claim what on
the event date (no database)."""

from dataclasses import replace
from datetime import date

import pytest

from jaring.claims import benefits, workflow
from jaring.claims.workflow import EventFacts, check_event
from jaring.errors import DomainError

STATUSES = list(workflow.STATUS_LABELS)
ALLOWED = {
    ("reported", "documents_complete"),
    ("reported", "rejected"),
    ("documents_complete", "verified"),
    ("documents_complete", "rejected"),
    ("documents_complete", "reported"),
    ("verified", "paid"),
    ("verified", "rejected"),
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("new", STATUSES)
def test_only_the_workflow_transitions_are_allowed(current, new):
    if (current, new) in ALLOWED:
        workflow.check_transition(current, new)
    else:
        with pytest.raises(workflow.TransitionRefused) as refused:
            workflow.check_transition(current, new)
        assert refused.value.code == "transition_not_allowed"
        assert workflow.STATUS_LABELS[current] in refused.value.message


def test_every_kind_has_its_required_documents():
    assert set(workflow.REQUIRED_DOCUMENTS) == set(benefits.KINDS)
    # DOMAIN.md s.5: JKM needs death certificate, family card, heir statement, ID cards, bank book
    assert workflow.missing_documents("jkm", set()) == [
        "death_certificate",
        "family_card",
        "heir_statement",
        "id_card",
        "bank_book",
    ]
    assert workflow.missing_documents("jkm", {"death_certificate", "family_card", "id_card"}) == [
        "heir_statement",
        "bank_book",
    ]
    assert "accident_report" in workflow.missing_documents("jkk_death", set())
    assert workflow.missing_documents("jkk_injury", set(workflow.DOCUMENT_LABELS)) == []


TODAY = date(2025, 11, 20)
FACTS = EventFacts(
    kind="jkm",
    event_date=date(2025, 6, 14),
    today=TODAY,
    first_enrolment=date(2025, 1, 1),
    protection="active",
    paid_through=date(2025, 6, 30),
    cover_arrears=False,
)


def refusal(**changes) -> DomainError:
    with pytest.raises(DomainError) as refused:
        check_event(replace(FACTS, **changes))
    return refused.value


def test_an_active_member_may_claim():
    check_event(FACTS)
    check_event(replace(FACTS, event_date=TODAY))  # today is not the future
    check_event(replace(FACTS, event_date=date(2025, 1, 1)))  # the day of enrolment


def test_event_in_the_future_is_refused():
    error = refusal(event_date=date(2025, 11, 21))
    assert error.code == "event_in_future"
    assert "21/11/2025" in error.message


def test_event_before_first_enrolment_is_refused():
    error = refusal(event_date=date(2024, 12, 31))
    assert error.code == "event_before_enrolment"
    assert "01/01/2025" in error.message
    assert refusal(first_enrolment=None).code == "not_enrolled"


@pytest.mark.parametrize("status", ["lapsed", "not_covered", "exited", "deceased"])
def test_not_protected_on_the_event_date_is_refused(status):
    error = refusal(protection=status)
    assert error.code == "not_protected"
    assert "14/06/2025" in error.message


def test_arrears_are_covered_only_when_configured():
    error = refusal(protection="arrears", paid_through=date(2025, 4, 30))
    assert error.code == "not_protected"
    assert "30/04/2025" in error.message and "tunggakan" in error.message
    check_event(replace(FACTS, protection="arrears", cover_arrears=True))


def test_a_deceased_person_cannot_die_again():
    error = refusal(died_on=date(2025, 3, 2), event_date=date(2025, 6, 14))
    assert error.code == "participant_deceased"
    error = refusal(kind="jkk_death", died_on=date(2025, 6, 14), open_death_claim="KLM-2025-000001")
    assert error.code == "participant_deceased"
    assert "KLM-2025-000001" in error.message


def test_a_death_recorded_before_its_claim_may_still_be_claimed_once():
    check_event(replace(FACTS, died_on=FACTS.event_date))


def test_no_event_after_death():
    error = refusal(kind="jkk_injury", died_on=date(2025, 6, 1))
    assert error.code == "event_after_death"
    check_event(replace(FACTS, kind="jkk_injury", died_on=date(2025, 7, 1)))


def test_one_death_one_claim():
    error = refusal(kind="jkk_death", open_death_claim="KLM-2025-000007")
    assert error.code == "duplicate_death_claim"
    assert "KLM-2025-000007" in error.message


def test_the_same_event_twice_is_refused():
    error = refusal(kind="jkk_injury", same_event_claim="KLM-2025-000003")
    assert error.code == "duplicate_claim"


def test_jkk_claims_expire_five_years_after_the_accident():
    accident = date(2020, 11, 20)
    old = replace(FACTS, kind="jkk_injury", event_date=accident, first_enrolment=date(2020, 1, 1))
    check_event(old)  # exactly five years later: still in time
    with pytest.raises(DomainError) as expired:
        check_event(replace(old, today=date(2025, 11, 21)))
    assert expired.value.code == "claim_expired"
    check_event(replace(old, kind="jkm", today=date(2025, 11, 21)))  # JKM has no such limit here
