"""Writing and finding many rows at once (``jaring.bulk``), on the database the suite
runs on: PostgreSQL's one-statement paths and the fallbacks elsewhere give the same
rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from jaring.bulk import Among, bulk_insert, bulk_set
from jaring.registry.models import Participant
from jaring.registry.services import participant_register

from .factories import participant_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return [
        participant_register(actor=None, record=participant_record(n, full_name=f"Warga {n}"))[0]
        for n in range(1, 6)
    ]


def test_among_finds_the_rows_whose_field_is_one_of_the_values(people):
    niks = [people[1].nik, people[3].nik, "9999999999999999"]
    assert sorted(Participant.objects.filter(Among("nik", niks)).values_list("nik", flat=True)) == sorted(
        niks[:2]
    )
    assert set(Participant.objects.filter(Among("pk", {people[0].pk}))) == {people[0]}
    assert not Participant.objects.filter(Among("nik", [])).exists()
    # Combined with other conditions, and negated.
    assert Participant.objects.filter(Among("nik", niks), full_name="Warga 2").get() == people[1]
    assert Participant.objects.exclude(Among("nik", niks)).count() == 3


@dataclass
class _Row:
    pk: int
    full_name: str
    phone: str


def test_bulk_set_saves_only_the_fields_named_of_the_rows_given(people):
    bulk_set(
        Participant,
        [_Row(people[0].pk, "Nama Baru", "0812"), _Row(people[2].pk, "Lain Lagi", "0813")],
        ["full_name", "phone"],
    )
    after = {p.pk: p for p in Participant.objects.all()}
    assert (after[people[0].pk].full_name, after[people[0].pk].phone) == ("Nama Baru", "0812")
    assert (after[people[2].pk].full_name, after[people[2].pk].phone) == ("Lain Lagi", "0813")
    assert after[people[1].pk].full_name == "Warga 2"  # not named: untouched
    assert after[people[0].pk].nik == people[0].nik and after[people[0].pk].birth_date == people[0].birth_date
    bulk_set(Participant, [], ["full_name"])  # nothing to do


def test_bulk_insert_writes_every_row_given(people):
    from jaring.audit.models import AuditEvent
    from jaring.audit.services import audit_values

    bulk_insert(
        AuditEvent,
        [
            audit_values(
                actor=None,
                action="bench.test",
                target_type="participant",
                target_id=p.pk,
                target_repr=p.nik,
                changes={"paid_on": [None, date(2025, 1, 2).isoformat()]},
                region_code="1504",
            )
            for p in people
        ],
    )
    written = AuditEvent.objects.filter(action="bench.test")
    assert sorted(written.values_list("target_id", flat=True)) == sorted(str(p.pk) for p in people)
    assert written.first().changes == {"paid_on": [None, "2025-01-02"]}
