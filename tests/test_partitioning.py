"""Bill lines, paid months and audit events, one partition per year on PostgreSQL
(``jaring.partitioning``): made by the migrations, written to by the real services,
extended by the scheduler's daily job, and the audit trail still append-only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from jaring import partitioning
from jaring.audit.models import AuditEvent
from jaring.audit.partitions import AUDIT_EVENTS
from jaring.billing.models import BillLine, PaidMonths
from jaring.billing.partitions import BILL_LINES, PAID_MONTHS
from jaring.ops.partitions import BY_YEAR, partitions_ensure
from jaring.partitioning import AHEAD, FIRST_YEAR, ByYear, ensure, partition_table, partitions

from .billing_world import enrol, issue, make_people, make_program, pay_bill

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only"),
]


def _stored_in(model, pk) -> str:
    """The partition a row of ``model`` is stored in."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def test_the_migrations_partition_the_three_tables_by_year_through_two_years_ahead():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, p.partstrat, a.attname FROM pg_partitioned_table p"
            " JOIN pg_class c ON c.oid = p.partrelid"
            " JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE c.relname = ANY(%s)",
            [[spec.table for spec in BY_YEAR]],
        )
        found = {name: (strategy, column) for name, strategy, column in cursor.fetchall()}
    assert found == {
        "billing_billline": ("r", "first_month"),
        "billing_paidmonths": ("r", "first_month"),
        "audit_auditevent": ("r", "at"),
    }
    this_year = date.today().year
    for spec in BY_YEAR:
        names = set(partitions(spec))
        assert spec.default in names
        assert {spec.partition(y) for y in range(FIRST_YEAR, this_year + AHEAD + 1)} <= names


def test_a_bill_its_payment_and_their_audit_events_are_stored_in_their_years(demo):
    program = make_program(demo.org("pemprov-jambi"))
    enrol(program, make_people(3))
    bill = issue(program, "2025-12", 1)
    pay_bill(bill, paid_on=date(2026, 1, 5))

    lines = list(BillLine.objects.filter(bill=bill))
    assert len(lines) == 3
    assert {_stored_in(BillLine, line.pk) for line in lines} == {"billing_billline_y2025"}
    spans = list(PaidMonths.objects.filter(line__bill=bill))
    assert len(spans) == 3
    assert {_stored_in(PaidMonths, span.pk) for span in spans} == {"billing_paidmonths_y2025"}
    event = AuditEvent.objects.filter(action="bill.issue").latest("id")
    assert _stored_in(AuditEvent, event.pk) == AUDIT_EVENTS.partition(event.at.year)
    # Nothing went to the default partitions.
    for spec in BY_YEAR:
        assert partitions(spec)[spec.default] == 0


def test_the_daily_job_adds_the_year_that_comes_into_reach_and_nothing_twice():
    later = date(date.today().year + 1, 1, 1)
    created = partitions_ensure(today=later)
    new_year = later.year + AHEAD
    assert created == {spec.table: [spec.partition(new_year)] for spec in BY_YEAR}
    assert partitions_ensure(today=later) == {spec.table: [] for spec in BY_YEAR}


def test_a_row_of_a_year_without_partition_is_kept_and_moved_into_its_own_year(demo):
    far = datetime(2040, 3, 1, 8, 0, tzinfo=UTC)
    event = AuditEvent.objects.create(
        action="test.far", target_type="x", target_id="1", target_repr="x", at=far
    )
    assert _stored_in(AuditEvent, event.pk) == AUDIT_EVENTS.default
    with connection.cursor() as cursor:  # its reference checked now, as a committed row's was
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    created = ensure(AUDIT_EVENTS, today=date.today())
    assert AUDIT_EVENTS.partition(2040) in created
    assert _stored_in(AuditEvent, event.pk) == "audit_auditevent_y2040"
    assert AuditEvent.objects.get(pk=event.pk).action == "test.far"
    assert partitions(AUDIT_EVENTS)[AUDIT_EVENTS.default] == 0
    # The append-only trigger guards the default partition again, and the new year.
    AuditEvent.objects.create(
        action="test.farther", target_type="x", target_id="2", target_repr="x", at=far.replace(year=2050)
    )
    for sql in (
        "UPDATE audit_auditevent SET action = 'tampered'",
        "UPDATE audit_auditevent_y2040 SET action = 'tampered'",
        "UPDATE audit_auditevent_default SET action = 'tampered'",
        "DELETE FROM audit_auditevent_y2040",
        "DELETE FROM audit_auditevent_default",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.far"


SCRATCH = ByYear("test_scratch_spans", "first_month", months=True)


def _scratch_table(cursor, *, unique: bool = False) -> None:
    cursor.execute(
        "CREATE TABLE test_scratch_spans (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        " first_month integer NOT NULL CHECK (first_month > 0), person_id bigint NOT NULL"
        " REFERENCES accounts_user(id), note text DEFAULT 'n')"
    )
    cursor.execute("CREATE INDEX test_scratch_person ON test_scratch_spans (person_id, first_month)")
    if unique:
        cursor.execute("ALTER TABLE test_scratch_spans ADD CONSTRAINT test_scratch_one UNIQUE (person_id)")


def test_converting_a_table_keeps_its_rows_ids_indexes_checks_and_references(demo):
    user = demo.user("jambi.admin")
    with connection.cursor() as cursor:
        _scratch_table(cursor)
        cursor.execute(
            "INSERT INTO test_scratch_spans (first_month, person_id) VALUES (%s, %s), (%s, %s), (%s, %s)",
            [2019 * 12 + 3, user.pk, 2025 * 12, user.pk, 2031 * 12 + 11, user.pk],
        )
        with connection.schema_editor(atomic=False) as editor:
            partition_table(editor, SCRATCH, today=date(2026, 6, 1))
        cursor.execute("SELECT id, first_month, tableoid::regclass::text FROM test_scratch_spans ORDER BY id")
        rows = cursor.fetchall()
        assert [(r[1], r[2]) for r in rows] == [
            (2019 * 12 + 3, "test_scratch_spans_y2019"),  # a year of its rows before FIRST_YEAR
            (2025 * 12, "test_scratch_spans_y2025"),
            (2031 * 12 + 11, "test_scratch_spans_y2031"),  # and after the years ahead
        ]
        assert set(partitions(SCRATCH)) == {
            "test_scratch_spans_default",
            *(SCRATCH.partition(y) for y in [2019, *range(FIRST_YEAR, 2029), 2031]),
        }
        cursor.execute(
            "INSERT INTO test_scratch_spans (first_month, person_id) VALUES (%s, %s) RETURNING id, note",
            [2026 * 12, user.pk],
        )
        new_id, note = cursor.fetchone()
        assert new_id > max(r[0] for r in rows) and note == "n"
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'test_scratch_spans'")
        assert {name for (name,) in cursor.fetchall()} == {"test_scratch_spans_pkey", "test_scratch_person"}
        for bad in ([0, user.pk], [2026 * 12, 10**9]):  # the check, then the reference
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute("INSERT INTO test_scratch_spans (first_month, person_id) VALUES (%s, %s)", bad)
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_table_with_a_unique_constraint_is_not_converted():
    with connection.cursor() as cursor:
        _scratch_table(cursor, unique=True)
        with (
            pytest.raises(RuntimeError, match="test_scratch_one"),
            connection.schema_editor(atomic=False) as editor,
        ):
            partition_table(editor, SCRATCH, today=date(2026, 6, 1))


def test_the_command_lists_the_partitions_and_their_rows(capsys):
    call_command("partitions", "--json")
    import json

    report = json.loads(capsys.readouterr().out)
    assert set(report["tables"]) == {spec.table for spec in BY_YEAR}
    assert report["tables"]["billing_billline"]["billing_billline_default"] == 0


def test_two_schedulers_adding_partitions_at_once_add_each_once():
    from .concurrency import at_once, in_own_connection

    later = date(date.today().year + 5, 1, 1)
    years = range(later.year, later.year + AHEAD + 1)
    try:
        results = at_once(lambda: partitions_ensure(today=later), count=2)
        assert not [r for r in results if isinstance(r, Exception)], results
        for spec in BY_YEAR:
            made = sorted(name for result in results for name in result[spec.table])
            assert made == [spec.partition(y) for y in years]
    finally:

        def drop():
            with connection.cursor() as cursor:
                for spec in BY_YEAR:
                    for year in years:
                        cursor.execute(f"DROP TABLE IF EXISTS {spec.partition(year)}")

        in_own_connection(drop)


def test_partitioning_does_nothing_elsewhere(monkeypatch):
    monkeypatch.setattr(partitioning, "active", lambda: False)
    assert ensure(BILL_LINES, today=date.today()) == []
    assert PAID_MONTHS.bounds(2025) == ("24300", "24312")
    assert AUDIT_EVENTS.bounds(2025) == ("'2025-01-01 00:00:00+00'", "'2026-01-01 00:00:00+00'")
