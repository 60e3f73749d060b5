"""The audit trail in words: a sentence per event with the actor and the record, and
each change as "Label: lama → baru" with field and choice labels, regions by name and
code, money in rupiah, dates dd/mm/yyyy, and NIKs masked for roles without need."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from jaring.audit.describe import describe_events
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_record
from jaring.formats import DASH
from jaring.funds.services import allocation_set
from jaring.programs.services import enrolment_create
from jaring.registry.services import participants_upsert

from . import claims_world as w
from .factories import participant_record

pytestmark = pytest.mark.django_db
NIK = "1504011203850001"


@pytest.fixture
def person(demo):
    record = participant_record(1, full_name="Ahmad Yani", category="miskin_ekstrem")
    (found,) = participants_upsert(actor=demo.user("desa.operator"), records=[record]).participants
    return found


def _described(user, **filters):
    return describe_events(user, AuditEvent.objects.filter(**filters).select_related("actor"))


def _changes(event) -> dict[str, tuple[str | None, str]]:
    return {c.label: (c.before, c.after) for c in event.readable_changes}


def test_enrolment_reads_as_who_enrolled_whom_in_which_program(demo, person):
    program = w.program(demo.org("pemprov-jambi"), code="BKBK-JAMBI-2026")
    enrolment_create(
        actor=demo.user("jambi.operator"), program=program, participant=person, starts_on=date(2025, 2, 1)
    )
    (event,) = _described(demo.user("auditor"), action="enrolment.create")
    assert event.sentence == "Siti Aminah mendaftarkan Ahmad Yani ke program Program BKBK-JAMBI-2026"
    changes = _changes(event)
    assert changes["Program"] == (None, "Program BKBK-JAMBI-2026")
    assert changes["Mulai"] == (None, "01/02/2025")


def test_participant_creation_names_the_village_and_the_category_label(demo, person):
    (event,) = _described(demo.user("auditor"), action="participant.create")
    assert event.sentence == "Yusuf Pratama mendaftarkan Ahmad Yani di registri peserta"
    changes = _changes(event)
    assert changes["Desa/kelurahan"][1] == "Sengkati Gedang (15.04.01.2003)"
    assert changes["Kategori"][1] == "Miskin ekstrem"
    assert "miskin_ekstrem" not in repr(event.readable_changes)
    assert "village_id" not in repr(event.readable_changes)


def test_money_reads_in_rupiah_in_the_active_language(demo):
    program = w.program(demo.org("pemprov-jambi"))
    allocation_set(actor=demo.user("jambi.admin"), program=program, region_code="1504", amount=1_234_567_000)
    (event,) = _described(demo.user("auditor"), action="allocation.set")
    assert event.sentence == "Rahmat Hidayat menetapkan alokasi dana BKBK-KLAIM Kabupaten Batanghari"
    assert _changes(event)["Wilayah"] == (None, "Kabupaten Batanghari (15.04)")
    assert _changes(event)["Alokasi"] == (None, "Rp1.234.567.000")
    allocation_set(actor=demo.user("jambi.admin"), program=program, region_code="1504", amount=2_000_000_000)
    latest = _described(demo.user("auditor"), action="allocation.set")[0]
    assert _changes(latest)["Alokasi"] == ("Rp1.234.567.000", "Rp2.000.000.000")
    (created,) = _described(demo.user("auditor"), action="program.create")
    assert _changes(created)["Pagu anggaran"] == (None, "Rp50.000.000.000")
    with translation.override("en"):
        latest = _described(demo.user("auditor"), action="allocation.set")[0]
        (created,) = _described(demo.user("auditor"), action="program.create")
    assert "Rp2,000,000,000" in [c.after for c in latest.readable_changes]
    assert "Rp50,000,000,000" in [c.after for c in created.readable_changes]  # a field's money too


def test_an_unknown_action_reads_as_a_generic_sentence(demo):
    audit_record(
        actor=demo.user("jambi.admin"),
        action="ritual.perform",
        target_type="mystery",
        target_id="7",
        target_repr="Sesuatu",
        changes={
            "shape": [None, "bulat"],
            "weird": "not a pair",
            "odd": [1, 2, 3],
            "nested": [{"a": 1}, [1, 2]],
        },
        region_code="15",
    )
    (event,) = _described(demo.user("auditor"), action="ritual.perform")
    assert event.sentence == "Rahmat Hidayat mencatat ritual.perform pada Sesuatu"
    assert _changes(event)["Shape"] == (None, "bulat")
    assert _changes(event)["Weird"] == (None, "not a pair")
    assert _changes(event)["Odd"] == (None, "1, 2, 3")
    assert _changes(event)["Nested"] == ("a: 1", "1, 2")


def test_a_sentence_with_a_parameter_the_event_lacks_still_reads(demo):
    audit_record(
        actor=None,
        action="enrolment.create",
        target_type="participant",
        target_id="0",
        target_repr="X",
        changes={},
        region_code="15",
    )
    (event,) = _described(demo.user("auditor"), action="enrolment.create")
    assert event.sentence == f"Sistem mendaftarkan X ke program {DASH}"


def test_the_nik_is_masked_for_an_auditor_and_shown_to_the_platform(demo, person):
    (event,) = _described(demo.user("auditor"), action="participant.create")
    assert _changes(event)["NIK"] == (None, "1504********0001")
    assert NIK not in repr(event.readable_changes) + event.sentence
    (event,) = _described(demo.user("admin"), action="participant.create")
    assert _changes(event)["NIK"] == (None, NIK)


def test_audit_page_is_a_list_of_sentences_with_the_nik_masked(demo, person, django_assert_max_num_queries):
    client = demo.client("auditor")
    client.get("/audit/")  # warm the session and the menu
    with django_assert_max_num_queries(16):
        page = client.get("/audit/?jenis=participant")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<table" not in html[html.index('data-testid="audit-events"') :]
    assert "Yusuf Pratama mendaftarkan Ahmad Yani di registri peserta" in html
    assert "Sengkati Gedang (15.04.01.2003)" in html and "Miskin ekstrem" in html
    assert "1504********0001" in html and NIK not in html


def test_record_history_on_the_person_page_reads_as_sentences(demo, person):
    html = demo.client("desa.operator").get(f"/peserta/{person.pk}/").content.decode()
    history = html[html.index('data-testid="record-history"') :]
    assert "Yusuf Pratama mendaftarkan Ahmad Yani di registri peserta" in history
    assert "Sengkati Gedang (15.04.01.2003)" in history


def test_the_api_keeps_the_raw_changes_and_adds_the_sentence(demo, person, django_assert_max_num_queries):
    others = [participant_record(n, village="1504012002") for n in (2, 3, 4)]
    participants_upsert(actor=demo.user("desa.operator"), records=others)
    client = demo.client("auditor")
    # 7 for the session (read, saved) and the jurisdiction, 2 for the page, then one per
    # model the events name (people, villages): not one per event.
    with django_assert_max_num_queries(7 + 2 + 2):
        data = client.get("/api/v1/audit-events?target_type=participant").json()
    assert data["count"] == 4
    (item,) = [i for i in data["items"] if i["target_id"] == str(person.pk)]
    assert item["description"] == "Yusuf Pratama mendaftarkan Ahmad Yani di registri peserta"
    assert item["changes"]["nik"] == [None, "1504********0001"]  # raw, masked for the auditor
    assert item["changes"]["village_id"] == [None, "1504012003"]
