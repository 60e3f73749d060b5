"""On PostgreSQL the import writes a batch with COPY and set-based statements
(``registry.merge``); everywhere else, and for one registration, it writes records
(``services.participants_upsert``). The two must leave the same registry, the same
status history and the same audit entries, and refuse the same rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction

from jaring.audit.models import AuditEvent
from jaring.registry.columnar import frame_of_records, records_of
from jaring.registry.merge import merge_participants
from jaring.registry.models import Participant, StatusChange
from jaring.registry.rows import ParticipantRecord
from jaring.registry.services import FIELDS, participants_upsert
from jaring.registry.vocab import Category, Occupation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based merge is PostgreSQL's (COPY)"
)
OPERATOR = "batanghari.operator"  # jurisdiction 15.04


def _person(serial: int, village: str = "1504012003", **changes) -> ParticipantRecord:
    values = {
        "nik": f"150401120385{serial:04d}",
        "full_name": f"Orang {serial}",
        "birth_date": date(1985, 3, 12),
        "sex": "L",
        "village_code": village,
        "address": "RT 01",
        "phone": "081234567890",
        "occupation": Occupation.PETANI,
        "category": Category.PEKERJA_RENTAN,
        "kpj_number": "",
        "dtsen_ref": "",
        "welfare_decile": 3,
    }
    values.update(changes)
    return ParticipantRecord(**values)


def _snapshot(since: int) -> dict:
    nik_of = dict(Participant.objects.values_list("id", "nik"))
    people = {
        p["nik"]: p
        for p in Participant.objects.values("nik", "status", "updated_at", *FIELDS.values()).order_by("nik")
    }
    events = sorted(
        (
            e.action,
            nik_of[int(e.target_id)],
            e.target_repr,
            e.region_code,
            e.actor_id,
            e.actor_username,
            repr(sorted(e.changes.items())),
        )
        for e in AuditEvent.objects.filter(pk__gt=since, target_type="participant")
    )
    history = sorted(
        (nik_of[s.participant_id], s.from_status, s.to_status, s.actor_id, s.reason)
        for s in StatusChange.objects.all()
    )
    for person in people.values():
        person.pop("updated_at")  # the moment of each write differs; what it wrote must not
    return {"people": people, "events": events, "history": history}


@pytest.mark.django_db
def test_the_set_based_merge_writes_what_the_record_writer_writes(demo):
    operator = demo.user(OPERATOR)
    participants_upsert(
        actor=None,
        records=[
            _person(1),  # will change name and village, keep a blank address
            _person(2),  # unchanged
            _person(3, village="1571011001"),  # Kota Jambi: outside the operator's jurisdiction
            _person(4),  # phone erased, decile changed
        ],
        source="awal",
    )
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    rows = [
        (
            2,
            _person(
                1, full_name="Orang Satu", village="1504012004", address="", not_given=frozenset({"address"})
            ),
        ),
        (3, _person(2)),
        (4, _person(3, full_name="Dipindah")),
        (5, _person(4, phone="", welfare_decile=7)),
        (6, _person(5, address="", welfare_decile=None)),  # new, with blanks
        (7, _person(6, full_name="Nur'aini", sex="P", birth_date=date(1985, 3, 12))),
    ]
    frame = frame_of_records(rows)

    with transaction.atomic():
        point = transaction.savepoint()
        merged = merge_participants(actor=operator, frame=frame, source="impor #1")
        by_merge = _snapshot(since)
        transaction.savepoint_rollback(point)
        upserted = participants_upsert(actor=operator, records=records_of(frame), source="impor #1")
        by_records = _snapshot(since)

    assert (merged.created, merged.updated, merged.unchanged) == (2, 2, 1)
    assert (upserted.created, upserted.updated, upserted.unchanged) == (2, 2, 1)
    assert [(row, e.code, e.message) for row, e in merged.refused] == [
        (rows[index][0], e.code, e.message) for index, e in upserted.refused
    ]
    assert merged.refused[0][1].code == "nik_registered_elsewhere"
    assert by_merge == by_records
    assert by_merge["people"]["1504011203850001"]["address"] == "RT 01"  # a blank cell keeps
    assert by_merge["people"]["1504011203850004"]["phone"] == ""


@pytest.mark.django_db
def test_an_unchanged_batch_writes_nothing(demo):
    people = [(n + 1, _person(n)) for n in range(1, 30)]
    participants_upsert(actor=None, records=[record for _row, record in people])
    before = (AuditEvent.objects.count(), StatusChange.objects.count())
    result = merge_participants(actor=None, frame=frame_of_records(people))
    assert (result.created, result.updated, result.unchanged, result.refused) == (0, 0, 29, [])
    assert (AuditEvent.objects.count(), StatusChange.objects.count()) == before
