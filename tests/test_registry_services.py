from dataclasses import replace

import pytest

from jaring.audit.models import AuditEvent
from jaring.errors import InvalidInput
from jaring.registry.models import Participant
from jaring.registry.services import participant_register, participant_set_status, participants_upsert

from .factories import participant_record

RECORD = participant_record(
    1,
    full_name="Ahmad Yani",
    address="RT 03",
    phone="081234567890",
    category="miskin_ekstrem",
    welfare_decile=1,
)


def test_register_creates_once_then_is_a_no_op_then_updates(demo):
    operator = demo.user("desa.operator")
    person, outcome = participant_register(actor=operator, record=RECORD)
    assert outcome == "created"
    assert person.status == "registered"
    assert person.status_changes.get().to_status == "registered"
    assert participant_register(actor=operator, record=RECORD)[1] == "unchanged"
    moved = replace(RECORD, address="RT 04", phone="081200000000")
    assert participant_register(actor=operator, record=moved)[1] == "updated"
    assert Participant.objects.filter(nik=RECORD.nik).count() == 1
    events = AuditEvent.objects.filter(target_type="participant", target_id=str(person.pk)).order_by("id")
    assert [e.action for e in events] == ["participant.create", "participant.update"]
    assert events[1].changes == {"address": ["RT 03", "RT 04"], "phone": ["081234567890", "081200000000"]}
    assert events[0].region_code == "1504012003"
    assert events[0].actor_username == "desa.operator"


def test_a_nik_known_in_another_jurisdiction_is_refused_not_moved(demo):
    participant_register(actor=None, record=replace(RECORD, village_code="1571011001"))  # Kota Jambi
    with pytest.raises(InvalidInput) as excinfo:
        participant_register(actor=demo.user("desa.operator"), record=RECORD)
    assert excinfo.value.code == "nik_registered_elsewhere"
    assert Participant.objects.get(nik=RECORD.nik).village_id == "1571011001"


def test_batch_reports_counts_and_refused_indexes(demo):
    other = replace(RECORD, nik="1504015203850002", sex="P", full_name="Siti")
    participant_register(actor=None, record=replace(RECORD, village_code="1571011001"))
    result = participants_upsert(actor=demo.user("batanghari.operator"), records=[RECORD, other])
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert [index for index, _exc in result.refused] == [0]


def test_one_nik_twice_in_a_batch_makes_one_person_with_the_later_values(demo):
    later = replace(RECORD, address="RT 09")
    result = participants_upsert(actor=None, records=[RECORD, RECORD, later])
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    person = Participant.objects.get(nik=RECORD.nik)
    assert person.address == "RT 09"
    assert [p.pk for p in result.participants] == [person.pk] * 3
    (created,) = AuditEvent.objects.filter(target_type="participant", target_id=str(person.pk))
    assert created.changes["address"] == [None, "RT 09"]
    assert created.changes["nik"] == [None, RECORD.nik]
    assert created.target_repr == "Ahmad Yani (1504…0001)"
    assert person.status_changes.get().to_status == "registered"


def test_status_changes_follow_the_rules_and_keep_history(demo):
    person, _ = participant_register(actor=None, record=RECORD)
    actor = demo.user("desa.operator")
    participant_set_status(actor=actor, participant=person, status="active")
    participant_set_status(actor=actor, participant=person, status="deceased", reason="Akta kematian 12/2026")
    with pytest.raises(InvalidInput, match="Meninggal ke Aktif"):
        participant_set_status(actor=actor, participant=person, status="active")
    history = [(c.from_status, c.to_status) for c in person.status_changes.all()]
    assert history == [("", "registered"), ("registered", "active"), ("active", "deceased")]
    assert Participant.objects.get(pk=person.pk).status == "deceased"
