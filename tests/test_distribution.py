"""The schema keeps what a distributed PostgreSQL (Citus) needs (jaring.distribution):
every table is classed once; every distributed table stores its row's province; no
foreign key at the database joins rows that may lie in two provinces or crosses from a
class Citus refuses; and in the data the real services write, the co-located pairs hold,
also after a person moves to another province."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from jaring import distribution
from jaring.billing.models import PaidMonths
from jaring.demo.seed import seed_demo
from jaring.regions.models import Region
from jaring.registry.columnar import frame_of_records
from jaring.registry.merge import merge_participants
from jaring.registry.models import Participant, StatusChange
from jaring.registry.rows import ParticipantRecord
from jaring.registry.services import participants_upsert


def _models():
    return [m for m in apps.get_models() if m.__module__.startswith("jaring.") and not m._meta.proxy]


def _class_of(model) -> str:
    label = model._meta.label
    return (
        "distributed"
        if label in distribution.DISTRIBUTED
        else "reference"
        if label in distribution.REFERENCE
        else "local"
        if label in distribution.LOCAL
        else "unclassed"
    )


def _constrained_foreign_keys():
    for model in _models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.db_constraint:
                yield model, field


def test_every_table_is_classed_once():
    classes = [distribution.DISTRIBUTED.keys(), distribution.REFERENCE, distribution.LOCAL]
    labels = {m._meta.label for m in _models()}
    assert [m._meta.label for m in _models() if _class_of(m) == "unclassed"] == []
    named = [label for group in classes for label in group]
    assert sorted(set(named) - labels) == []  # no stale name
    assert len(named) == len(set(named))  # none in two classes


def test_every_distributed_table_stores_its_province():
    for label, column in distribution.DISTRIBUTED.items():
        field = apps.get_model(label)._meta.get_field(column)
        if isinstance(field, models.GeneratedField):
            assert field.db_persist, f"{label}.{column} is computed on read, not stored"
            assert field.output_field.max_length == 2, label
        else:
            assert field.concrete and not field.null and field.max_length == 2, label
    for label in distribution.COPIED_FROM_PERSON:
        field = apps.get_model(label)._meta.get_field(distribution.PROVINCE)
        assert not isinstance(field, models.GeneratedField)
        assert apps.get_model(label)._meta.get_field("participant").related_model is Participant


def test_no_foreign_key_citus_would_refuse():
    refused = []
    for model, field in _constrained_foreign_keys():
        source, target = _class_of(model), _class_of(field.related_model)
        name = f"{model._meta.label}.{field.name}"
        if source == "distributed" and target == "distributed":
            allowed = name in distribution.CO_LOCATED
        elif source == "reference":
            allowed = target == "reference"
        elif target == "distributed" or target == "local":
            allowed = source == "local" and target == "local"
        else:  # to a reference table, or to Django's own tables from a local one
            allowed = target in ("reference", "unclassed") and source in ("distributed", "local")
        if not allowed:
            refused.append(f"{name}: {source} -> {target}")
    assert refused == []


def test_every_co_located_pair_is_a_constrained_key_between_distributed_tables():
    kept = {f"{m._meta.label}.{f.name}" for m, f in _constrained_foreign_keys()}
    for name in distribution.CO_LOCATED:
        label, field_name = name.rsplit(".", 1)
        field = apps.get_model(label)._meta.get_field(field_name)
        assert name in kept
        assert _class_of(field.related_model) == "distributed"


def test_a_plain_id_is_no_constraint_at_the_database(db):
    """``db_constraint=False`` leaves no foreign key in the catalogue (what Citus reads)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a"
                " ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)"
                " WHERE c.contype = 'f' AND c.conrelid = 'programs_enrolment'::regclass"
            )
            referenced = {name for (name,) in cursor.fetchall()}
        else:  # Django's SQLite introspection cannot read a generated column's definition
            cursor.execute("PRAGMA foreign_key_list(programs_enrolment)")
            referenced = {row[3] for row in cursor.fetchall()}
    assert "participant_id" not in referenced and "transferred_to_id" not in referenced
    assert "program_id" in referenced  # to a reference table: kept


def _mismatches() -> dict[str, int]:
    """Rows whose province differs from the row it must lie beside."""
    found = {}
    for label in distribution.COPIED_FROM_PERSON:
        model = apps.get_model(label)
        found[label] = (
            model.objects.exclude(province=models.F("participant__province")).count()
            + model.objects.filter(province="").count()
        )
    for name in distribution.CO_LOCATED:
        label, field_name = name.rsplit(".", 1)
        model = apps.get_model(label)
        found[name] = (
            model.objects.filter(**{f"{field_name}__isnull": False})
            .exclude(province=models.F(f"{field_name}__province"))
            .count()
        )
    return found


def _record(person: Participant, village: str) -> ParticipantRecord:
    return ParticipantRecord(
        nik=person.nik,
        full_name=person.full_name,
        birth_date=person.birth_date,
        sex=person.sex,
        village_code=village,
        address=person.address,
        phone=person.phone,
        occupation=person.occupation,
        category=person.category,
        kpj_number=person.kpj_number,
        dtsen_ref=person.dtsen_ref,
        welfare_decile=person.welfare_decile,
    )


def _paid_in_jambi(count: int) -> list[Participant]:
    paid = PaidMonths.objects.filter(province="15").values("participant_id")
    people = list(Participant.objects.filter(pk__in=paid, province="15").order_by("pk")[:count])
    assert len(people) == count
    return people


def test_the_services_keep_rows_beside_their_person_and_a_move_takes_them_along(db):
    seed_demo()  # people, status changes, bills, payments and their months, reversals, transfers
    assert PaidMonths.objects.exists() and StatusChange.objects.exists()
    assert all(count == 0 for count in _mismatches().values()), _mismatches()
    assert set(Participant.objects.values_list("province", flat=True)) <= {"15", "17"}

    from jaring.accounts.models import User

    admin = User.objects.get(username="admin")  # the platform: the only one who may move across
    bengkulu = Region.objects.filter(level="village", code__startswith="17").order_by("code").first()
    movers = _paid_in_jambi(2 if connection.vendor == "postgresql" else 1)
    kept_months = {p.pk: PaidMonths.objects.filter(participant=p).count() for p in movers}

    result = participants_upsert(actor=admin, records=[_record(movers[0], bengkulu.code)], source="pindah")
    assert result.updated == 1
    if connection.vendor == "postgresql":  # the import's set-based path moves the second
        frame = frame_of_records([(1, _record(movers[1], bengkulu.code))])
        assert merge_participants(actor=admin, frame=frame, source="pindah").updated == 1

    for person in movers:
        person.refresh_from_db()
        assert person.province == "17"
        assert set(StatusChange.objects.filter(participant=person).values_list("province", flat=True)) == {
            "17"
        }
        months = PaidMonths.objects.filter(participant=person)
        assert months.count() == kept_months[person.pk]  # none lost, none doubled
        assert set(months.values_list("province", flat=True)) == {"17"}
    assert all(count == 0 for count in _mismatches().values()), _mismatches()


def test_a_move_inside_the_province_touches_no_other_row(db):
    seed_demo()
    from jaring.accounts.models import User

    person = _paid_in_jambi(1)[0]
    other = (
        Region.objects.filter(level="village", code__startswith="15").exclude(code=person.village_id).first()
    )
    assert distribution.people_moved([]) == 0
    participants_upsert(actor=User.objects.get(username="admin"), records=[_record(person, other.code)])
    person.refresh_from_db()
    assert (person.village_id, person.province) == (other.code, "15")
    assert distribution.people_moved([person.pk]) == 0  # nothing left to carry


@pytest.mark.parametrize("label", distribution.COPIED_FROM_PERSON)
def test_a_row_without_its_province_is_refused(db, label):
    """A write path that forgets the person's province fails loudly, on both databases."""
    from datetime import date

    from django.db import IntegrityError, transaction

    person = Participant.objects.create(
        nik="1504014107850001",
        full_name="Uji",
        birth_date=date(1985, 7, 1),
        sex="P",
        village=Region.objects.filter(level="village", code__startswith="15").order_by("code").first(),
        occupation="petani",
        category="pekerja_rentan",
    )
    assert person.province == "15"
    row = (
        StatusChange(participant=person, to_status="registered")
        if label == "registry.StatusChange"
        else PaidMonths(
            participant=person,
            line_id=1,  # plain ids: no row needed for this check
            payment_id=1,
            first_month=24300,
            last_month=24300,
            paid_on=date(2025, 1, 10),
            paid_month=24300,
            amount=16_800,
        )
    )
    with pytest.raises(IntegrityError, match="province_given"), transaction.atomic():
        row.save()
    row.province = person.province
    row.save()
    assert apps.get_model(label).objects.filter(participant=person, province="15").count() == 1


@pytest.fixture
def committed(db, settings, tmp_path):
    from jaring.demo.seed import seed_demo

    from .concurrency import empty_committed_tables, in_own_connection

    settings.MEDIA_ROOT = tmp_path
    try:
        in_own_connection(lambda: seed_demo(people=False))
        yield in_own_connection
    finally:
        empty_committed_tables()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="committed data on real connections")
def test_a_committed_move_carries_the_rows_along_on_both_registry_paths(committed):
    """The moves commit on connections of their own (as a request or an import does):
    the province of the person, the status history and the paid months change together."""
    from datetime import date

    from .factories import participant_record

    run = committed
    jambi, bengkulu = "1504012003", Region.objects.filter(level="village", code__startswith="17").first().code

    def register():
        records = [participant_record(serial, village=jambi) for serial in (1, 2)]
        participants_upsert(actor=None, records=records, source="uji")
        people = list(Participant.objects.filter(nik__in=[r.nik for r in records]).order_by("nik"))
        for person in people:
            PaidMonths.objects.create(
                participant=person,
                province=person.province,
                line_id=1,  # plain ids: no row needed here
                payment_id=1,
                first_month=24300,
                last_month=24311,
                paid_on=date(2025, 1, 10),
                paid_month=24300,
                amount=12 * 16_800,
            )
        return [(p.nik, p.province) for p in people]

    (first, was), (second, _was) = run(register)
    assert was == "15"

    run(
        lambda: participants_upsert(
            actor=None, records=[participant_record(1, village=bengkulu, nik=first)], source="pindah"
        )
    )
    run(
        lambda: merge_participants(
            actor=None,
            frame=frame_of_records([(1, participant_record(2, village=bengkulu, nik=second))]),
            source="pindah",
        )
    )

    def provinces():
        return {
            nik: (
                Participant.objects.get(nik=nik).province,
                set(StatusChange.objects.filter(participant__nik=nik).values_list("province", flat=True)),
                set(PaidMonths.objects.filter(participant__nik=nik).values_list("province", flat=True)),
            )
            for nik in (first, second)
        }

    assert run(provinces) == {first: ("17", {"17"}, {"17"}), second: ("17", {"17"}, {"17"})}
