"""Writing a checked batch of participants on PostgreSQL: COPY into a staging table,
then set-based statements that insert the new people, update the changed ones and
leave the rest, with their status history and audit records, in the caller's
transaction. The same outcome as ``services.participants_upsert`` (which every
other database, and every single registration, uses), row for row and audit entry
for audit entry: ``tests/test_registry_merge.py`` holds the two together.

A person known in a village outside the actor's jurisdiction is refused, as there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jaring import codes
from jaring.access.permissions import author_id
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.models import AuditEvent
from jaring.distribution import people_moved
from jaring.errors import InvalidInput
from jaring.i18n import N_
from jaring.registry.columnar import SCHEMA
from jaring.registry.models import Participant, StatusChange
from jaring.registry.services import FIELDS
from jaring.registry.vocab import Status

STAGE = "jaring_participant_stage"
_AUDIT_COLUMNS = (
    "at, actor_id, actor_username, action, target_type, target_id, target_repr, region_code, changes"
)
_SQL_TYPES = {
    pl.Int64: "bigint",
    pl.String: "text",
    pl.Date: "date",
    pl.Int16: "smallint",
    pl.Boolean: "boolean",
}


@dataclass
class MergeResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[int, InvalidInput]] = field(default_factory=list)  # (file row, why)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _given(name: str) -> str:
    """The SQL test that the row gives this model column (required ones always do)."""
    return f"s.{name}_given" if f"{name}_given" in SCHEMA else "true"


def _in_jurisdiction(actor, column: str) -> tuple[str, list[str]]:
    jurisdiction = jurisdiction_of(reader_of(actor))
    if jurisdiction.unrestricted:
        return "true", []
    if not jurisdiction.codes:
        return "false", []
    return "(" + " OR ".join(f"starts_with({column}, %s)" for _ in jurisdiction.codes) + ")", list(
        jurisdiction.codes
    )


def merge_participants(*, actor, frame: pl.DataFrame, source: str = "") -> MergeResult:
    """Write the accepted rows of ``frame`` (``columnar.SCHEMA``, one row per NIK)."""
    if frame.is_empty():
        return MergeResult()
    try:
        with transaction.atomic():  # a savepoint: a lost race is rolled back to here and retried
            return _merge(actor, frame, source)
    except IntegrityError:
        # Another session registered one of these NIKs after this one looked: they are
        # known now, and are updated or left unchanged.
        with transaction.atomic():
            return _merge(actor, frame, source)


def _stage(frame: pl.DataFrame) -> None:
    """COPY the batch, with ``pid`` (the id of the person already registered, else
    null), into the session's staging table."""
    schema = {**SCHEMA, "pid": pl.Int64}
    columns = ", ".join(f"{name} {_SQL_TYPES[dtype]}" for name, dtype in schema.items())
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ({columns}) ON COMMIT DELETE ROWS")
        cursor.execute(f"TRUNCATE {STAGE}")
    data = frame.select(list(schema)).write_csv(
        include_header=False, null_value="\\N", date_format="%Y-%m-%d"
    )
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {STAGE} FROM STDIN (FORMAT csv, NULL '\\N')") as copy,
    ):
        copy.write(data.encode())


def _known(actor, frame: pl.DataFrame, result: MergeResult) -> pl.DataFrame:
    """Lock the people of the batch already registered (by NIK, through the NIK index:
    ``= ANY`` of the batch's NIKs, never a scan of the registry), refuse those outside
    the actor's jurisdiction, and return the rest of the batch with ``pid`` set."""
    inside, inside_params = _in_jurisdiction(actor, "village_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, nik, village_id, {inside} FROM {_table(Participant)} "
            "WHERE nik = ANY(%s::text[]) ORDER BY id FOR UPDATE",
            [*inside_params, frame.get_column("nik").to_list()],
        )
        known = cursor.fetchall()
    rows_of = dict(zip(frame.get_column("nik").to_list(), frame.get_column("row").to_list(), strict=True))
    outside = set()
    for _pid, nik, village, allowed in known:
        if not allowed:
            outside.add(nik)
            refusal = InvalidInput(
                N_(
                    "NIK %(nik)s sudah terdaftar di desa %(village)s, di luar wilayah kerja Anda. "
                    "Minta operator wilayah itu memindahkan peserta."
                ),
                params={"nik": nik, "village": codes.dotted(village)},
                code="nik_registered_elsewhere",
                field="NIK",
            )
            result.refused.append((rows_of[nik], refusal))
    result.refused.sort(key=lambda refusal: refusal[0])
    ids = pl.DataFrame(
        [(nik, pid) for pid, nik, _village, allowed in known if allowed],
        schema={"nik": pl.String, "pid": pl.Int64},
        orient="row",
    )
    return frame.filter(~pl.col("nik").is_in(list(outside))).join(
        ids, on="nik", how="left", maintain_order="left"
    )


def _merge(actor, frame: pl.DataFrame, source: str) -> MergeResult:
    result = MergeResult()
    frame = _known(actor, frame, result)
    _stage(frame)
    participant, audit, history = _table(Participant), _table(AuditEvent), _table(StatusChange)
    now = timezone.now()
    actor_id = author_id(actor)
    username = actor.get_username() if actor is not None else ""
    matched = frame.get_column("pid").drop_nulls().to_list()
    columns = list(FIELDS.values())
    with connection.cursor() as cursor:
        if matched:
            differs = {name: f"({_given(name)} AND p.{name} IS DISTINCT FROM s.{name})" for name in columns}
            changed = ", ".join(
                f"'{name}', CASE WHEN {test} THEN jsonb_build_array(p.{name}, s.{name}) END"
                for name, test in differs.items()
            )
            kept = ", ".join(
                f"{name} = CASE WHEN {_given(name)} THEN s.{name} ELSE p.{name} END" for name in columns
            )
            # ``p.id = ANY`` keeps the planner on the primary key: the batch is small
            # beside the registry, and a hash join would read all of it.
            cursor.execute(
                f"SELECT p.id FROM {STAGE} s JOIN {participant} p ON p.id = s.pid WHERE p.id = ANY(%(ids)s)"
                f" AND {_given('village_id')} AND left(s.village_id, 2) <> p.province",
                {"ids": matched},
            )
            moving = [pk for (pk,) in cursor.fetchall()]
            cursor.execute(
                f"""
                WITH changes AS (
                    SELECT p.id, jsonb_strip_nulls(jsonb_build_object({changed})) AS changes
                    FROM {STAGE} s JOIN {participant} p ON p.id = s.pid
                    WHERE p.id = ANY(%(ids)s) AND ({" OR ".join(differs.values())})
                ),
                updated AS (
                    UPDATE {participant} p SET {kept}, updated_at = %(now)s
                    FROM changes c JOIN {STAGE} s ON s.pid = c.id
                    WHERE p.id = c.id
                    RETURNING p.id, p.nik, p.full_name, p.village_id, c.changes
                )
                INSERT INTO {audit} ({_AUDIT_COLUMNS})
                SELECT %(now)s, %(actor)s, %(username)s, 'participant.update', 'participant', u.id::text,
                       left(u.full_name || ' (' || left(u.nik, 4) || '…' || right(u.nik, 4) || ')', 255),
                       u.village_id, u.changes
                FROM updated u
                """,
                {"now": now, "actor": actor_id, "username": username, "ids": matched},
            )
            result.updated = cursor.rowcount
            people_moved(moving)  # their status changes and paid months go with them
        result.unchanged = len(matched) - result.updated
        if len(matched) == frame.height:
            return result

        created = ", ".join(
            f"'{name}', CASE WHEN s.{name} IS NOT NULL THEN jsonb_build_array(NULL, s.{name}) END"
            for name in columns
        )
        cursor.execute(
            f"""
            WITH fresh AS (
                SELECT s.* FROM {STAGE} s WHERE s.pid IS NULL
            ),
            inserted AS (
                INSERT INTO {participant} (nik, {", ".join(columns)}, status, created_at, updated_at)
                SELECT nik, {", ".join(columns)}, %(status)s, %(now)s, %(now)s FROM fresh ORDER BY row
                RETURNING id, nik, province
            ),
            history AS (
                INSERT INTO {history} (participant_id, province, from_status, to_status, at, actor_id, reason)
                SELECT id, province, '', %(status)s, %(now)s, %(actor)s, %(source)s FROM inserted
            )
            INSERT INTO {audit} ({_AUDIT_COLUMNS})
            SELECT %(now)s, %(actor)s, %(username)s, 'participant.create', 'participant', i.id::text,
                   left(s.full_name || ' (' || left(s.nik, 4) || '…' || right(s.nik, 4) || ')', 255),
                   s.village_id,
                   jsonb_strip_nulls(jsonb_build_object('nik', jsonb_build_array(NULL, s.nik), {created}))
            FROM inserted i JOIN fresh s ON s.nik = i.nik
            """,
            {
                "now": now,
                "actor": actor_id,
                "username": username,
                "status": Status.REGISTERED.value,
                "source": source[:255],
            },
        )
        result.created = cursor.rowcount
    return result
