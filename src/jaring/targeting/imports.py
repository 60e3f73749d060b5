"""Importing a DTSEN (or P3KE) extract as a dated edition of one's jurisdiction.

The edition is kept whole: every row is checked (the registry's NIK, date, village and
jurisdiction rules, a decile of 1 to 10, one row per NIK) and the edition is saved only
when none is refused; otherwise nothing changes and every refused row is reported with
its column and its fix. A newer edition of the same jurisdiction replaces the one before
for targeting, and the people of the one before who are missing from it are recorded as
having left the list (``DtsenLeaver``), never silently dropped. BPJS's list of people already active
(``import_bpjs_active``) is kept the same way.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from jaring.access.permissions import author, require_editor
from jaring.audit.services import audit_record
from jaring.bulk import bulk_insert
from jaring.errors import Conflict, DomainError, InvalidInput
from jaring.formats import figures
from jaring.i18n import N_
from jaring.metrics import imported
from jaring.regions.models import Region
from jaring.registry.imports import file_sha256, row_context
from jaring.sheets.cells import is_blank
from jaring.sheets.headers import match_header
from jaring.sheets.readers import FileProblem, read_rows
from jaring.sheets.rows import RowError
from jaring.targeting.columnar import (
    SCHEMA,
    ExtractChecker,
    NotPlain,
    frame_of_records,
    read_batches,
    twice_error,
)
from jaring.targeting.models import BpjsActiveList, BpjsActivePerson, DtsenEdition, DtsenLeaver, DtsenPerson
from jaring.targeting.partitions import attach_people_table, create_people_table
from jaring.targeting.rows import ACTIVE_SHEET, SHEET, validate_active_row, validate_row

BATCH = 5_000  # rows written at once when read row by row
ERRORS_KEPT = 1_000  # every refused row is counted; the first ones are listed


@dataclass
class DtsenImport:
    edition: str  # YYYY-MM
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    saved: DtsenEdition | None = None

    def as_dict(self) -> dict:
        return {
            "edition": self.edition,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
            "saved": self.saved is not None,
            "left_the_list": self.saved.left_the_list if self.saved else 0,
        }


def parse_edition(text: str, today: date) -> date:
    """``YYYY-MM`` -> the first day of that month; not a month still to come."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise InvalidInput(
            N_("Edisi '%(value)s' tidak sah; tulis tahun dan bulan edisi DTSEN, mis. 2025-03."),
            params={"value": str(text)[:20]},
            code="edition_invalid",
            field="edition",
        )
    edition = date(int(match[1]), int(match[2]), 1)
    if edition > today:
        raise InvalidInput(
            N_("Edisi %(edition)s belum terbit; isi bulan edisi yang diterima."),
            params={"edition": f"{edition:%Y-%m}"},
            code="edition_future",
            field="edition",
        )
    return edition


def import_dtsen(*, actor, path: Path, edition: str, file_name: str | None = None, today: date | None = None):
    """Check the extract at ``path`` and save it as edition ``edition`` of the actor's
    jurisdiction when every row is good; returns what was read, refused and saved."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengimpor ekstrak DTSEN."))
    today = today or timezone.localdate()
    on = parse_edition(edition, today)
    organization, scope = _importer(actor)
    path = Path(path)
    result = DtsenImport(edition=f"{on:%Y-%m}")
    started = time.perf_counter()
    with transaction.atomic():
        _lock_scope(scope)  # two imports for one jurisdiction: one after the other
        latest = DtsenEdition.objects.filter(scope_code=scope).order_by("-edition").first()
        if latest is not None and latest.edition >= on:
            raise Conflict(
                N_(
                    "Edisi %(latest)s sudah tersimpan untuk wilayah ini; edisi disimpan utuh dan tidak "
                    "diganti. Impor edisi yang lebih baru dari %(latest)s."
                ),
                params={"latest": latest.label},
                code="edition_not_newer",
                field="edition",
            )
        saved = DtsenEdition.objects.create(
            edition=on,
            scope_code=scope,
            organization=organization,
            imported_by=author(actor),
            file_name=(file_name or path.name)[:255],
            file_sha256=file_sha256(path),
        )
        ctx = row_context(actor, today=today)
        table = create_people_table(saved)  # a table of its own, attached once written
        load_checked(
            path,
            SHEET,
            lambda values, number: validate_row(values, row=number, ctx=ctx),
            result,
            lambda batch: _write_people(saved, table, frame_of_records(batch)),
            lambda number, record: (number, record),
            columnar=lambda path, header, result: _load_columns(saved, table, ctx, path, header, result),
        )
        if result.rejected or not result.accepted:
            transaction.set_rollback(True)  # kept whole: nothing of a refused extract stays
            return result
        attach_people_table(saved)
        saved.people = result.accepted
        saved.previous = latest
        saved.left_the_list = _record_leavers(saved, latest)
        saved.save(update_fields=["people", "previous", "left_the_list"])
        audit_record(
            actor=actor,
            action="dtsen.import",
            target_type="dtsen_edition",
            target_id=saved.pk,
            target_repr=str(saved),
            changes={"people": [None, saved.people], "left_the_list": [None, saved.left_the_list]},
            region_code=scope,
        )
    result.saved = saved
    imported("dtsen", result.rows, time.perf_counter() - started)
    return result


def _importer(actor):
    """The importing organization and the jurisdiction an edition or a list is kept
    for (``""``: the platform, nationally)."""
    organization = actor.organization if actor is not None and actor.organization_id else None
    return organization, organization.scope_code if organization else ""


def _lock_scope(scope: str) -> None:
    """Hold the jurisdiction's region row until the transaction ends, so the second of
    two imports for one jurisdiction reads the edition the first saved. The national
    scope (``""``) holds the first province's row: one at a time all the same."""
    regions = Region.objects.select_for_update().order_by("code")
    list((regions.filter(code=scope) if scope else regions.filter(level="province")).values_list("code")[:1])


def load_checked(path: Path, sheet, check, result, write, row_of, *, columnar=None) -> None:
    """Read ``path`` against ``sheet`` and write each good row (``row_of(number,
    record)``) in batches (``write(batch)``), while no row has been refused: ``check(values,
    number)`` gives a record with a ``nik`` or the row's errors, and a NIK twice is
    refused naming the row it was first on. ``result`` counts rows, accepted and
    rejected and keeps the first errors. The caller rolls back when any was rejected.

    ``columnar(path, header, result)``, when given, does the same as columns (the rule's
    fast path, ``targeting.columnar``) or raises ``NotPlain`` for a file it does not
    read, which is then read here row by row from the start."""
    rows = read_rows(path)
    header = next(rows, None)
    if header is None:
        raise FileProblem(N_("Berkas kosong: tidak ada baris judul maupun data."), code="file_empty")
    columns = match_header(header[1], sheet)
    if columns.errors:
        raise DomainError(
            N_("Baris judul tidak sesuai: %(problems)s Tidak ada baris yang dibaca."),
            params={"problems": " ".join(e.message for e in columns.errors)},
            code="columns_invalid",
        )
    if columnar is not None:
        try:
            with transaction.atomic():  # a savepoint: what a file read the other way wrote goes
                columnar(path, columns, result)
        except NotPlain:
            result.rows = result.accepted = result.rejected = 0
            result.errors = []
        else:
            rows.close()
            if not result.rows:
                raise FileProblem(
                    N_("Berkas hanya berisi baris judul: tidak ada baris data."), code="file_no_rows"
                )
            return
    seen: dict[str, int] = {}
    batch: list[dict] = []
    for number, cells in rows:
        if is_blank(cells):
            continue
        result.rows += 1
        record = check(columns.values(cells), number)
        if not isinstance(record, list) and record.nik in seen:
            record = [twice_error(number, record.nik, seen[record.nik])]
        if isinstance(record, list):
            result.rejected += 1
            room = ERRORS_KEPT - len(result.errors)
            result.errors += record[: max(room, 0)]
            continue
        seen[record.nik] = number
        result.accepted += 1
        if not result.rejected:  # once a row is refused nothing will be saved: stop writing
            batch.append(row_of(number, record))
            if len(batch) >= BATCH:
                write(batch)
                batch = []
    if not result.rejected and batch:
        write(batch)
    if not result.rows:
        raise FileProblem(N_("Berkas hanya berisi baris judul: tidak ada baris data."), code="file_no_rows")


def _load_columns(saved: DtsenEdition, table: str, ctx, path: Path, header, result: DtsenImport) -> None:
    """The extract checked as columns (``targeting.columnar``), batch by batch, each
    batch's good rows written while no row has been refused, through one COPY for the
    whole file."""
    checker = ExtractChecker(ctx, header)
    with _people_writer(saved, table, queued=True) as write:
        for frame, cells_of in read_batches(path, header):
            checked = checker.check(frame, cells_of)
            result.rows += checked.rows
            result.accepted += len(checked.accepted)
            result.rejected += len(checked.errors)
            for errors in checked.errors:
                room = ERRORS_KEPT - len(result.errors)
                result.errors += errors[: max(room, 0)]
            if not result.rejected:
                write(checked.accepted)


def _write_people(saved: DtsenEdition, table: str, frame: pl.DataFrame) -> None:
    """One batch of checked rows (``columnar.SCHEMA``) into the edition's ``table``."""
    with _people_writer(saved, table) as write:
        write(frame)


@contextmanager
def _people_writer(saved: DtsenEdition, table: str, *, queued: bool = False):
    """``write(frame)``: checked rows (``columnar.SCHEMA``) into the edition's ``table``.
    On PostgreSQL one COPY, each frame written as CSV by polars (no Python object per
    cell); ``queued``: sent by psycopg's writer thread, so the server stores a batch
    while the next one is checked (nothing else may use the connection meanwhile).
    ``bulk_insert`` elsewhere."""

    def rows(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.lit(saved.pk, dtype=pl.Int64).alias("edition_id"),
            "row",
            "nik",
            "full_name",
            "birth_date",
            "sex",
            pl.col("village_id").str.slice(0, 2).alias("province_code"),
            "village_id",
            "family_id",
            "decile",
            "occupation",
            "working",
        )

    if connection.vendor != "postgresql":
        yield lambda frame: bulk_insert(DtsenPerson, rows(frame).to_dicts())
        return
    quote = connection.ops.quote_name
    names = rows(pl.DataFrame(schema=SCHEMA)).columns
    columns = ", ".join(quote(DtsenPerson._meta.get_field(name).column) for name in names)
    sql = f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT csv)"
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        writer = QueuedLibpqWriter(cursor) if queued else None
        with cursor.copy(sql, writer=writer) as copy:
            # "" quoted, null bare: polars tells an empty text from a missing one
            yield lambda frame: copy.write(
                rows(frame).write_csv(include_header=False, date_format="%Y-%m-%d")
            )


def _record_leavers(saved: DtsenEdition, previous: DtsenEdition | None) -> int:
    """The people of ``previous`` missing from ``saved``, kept as having left the list:
    one ``INSERT ... SELECT`` (the NIK unique per edition answers ``NOT EXISTS``)."""
    if previous is None:
        return 0
    quote = connection.ops.quote_name

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    kept = ("nik", "full_name", "province_code", "village", "decile")
    person, leaver = quote(DtsenPerson._meta.db_table), quote(DtsenLeaver._meta.db_table)
    edition, nik = column(DtsenPerson, "edition"), column(DtsenPerson, "nik")
    sql = (
        f"INSERT INTO {leaver} ({column(DtsenLeaver, 'edition')}, "  # noqa: S608 (names from the models)
        f"{', '.join(column(DtsenLeaver, name) for name in kept)}) "
        f"SELECT %s, {', '.join('p.' + column(DtsenPerson, name) for name in kept)} FROM {person} p "
        f"WHERE p.{edition} = %s AND NOT EXISTS "
        f"(SELECT 1 FROM {person} n WHERE n.{edition} = %s AND n.{nik} = p.{nik})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [saved.pk, previous.pk, saved.pk])
        return cursor.rowcount


@dataclass
class ActiveListImport:
    listed_on: date
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    saved: BpjsActiveList | None = None

    def as_dict(self) -> dict:
        return {
            "date": self.listed_on.isoformat(),
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
            "saved": self.saved is not None,
        }


def import_bpjs_active(
    *,
    actor,
    path: Path,
    listed_on: date | None = None,
    file_name: str | None = None,
    today: date | None = None,
) -> ActiveListImport:
    """Save BPJS's list of people already active (NIK, TANGGAL_AKTIF) as of
    ``listed_on`` for the actor's jurisdiction, whole or not at all, like an edition."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengimpor daftar aktif BPJS."))
    today = today or timezone.localdate()
    listed_on = listed_on or today
    if listed_on > today:
        raise InvalidInput(
            N_("Tanggal daftar %(date)s di masa depan."),
            params={"date": figures.day(listed_on)},
            code="date_in_future",
            field="date",
        )
    organization, scope = _importer(actor)
    path = Path(path)
    result = ActiveListImport(listed_on=listed_on)
    with transaction.atomic():
        _lock_scope(scope)
        saved = BpjsActiveList.objects.create(
            listed_on=listed_on,
            scope_code=scope,
            organization=organization,
            imported_by=author(actor),
            file_name=(file_name or path.name)[:255],
            file_sha256=file_sha256(path),
        )
        ctx = row_context(actor, today=today)
        load_checked(
            path,
            ACTIVE_SHEET,
            lambda values, number: validate_active_row(values, row=number, ctx=ctx, listed_on=listed_on),
            result,
            lambda batch: bulk_insert(BpjsActivePerson, batch),
            lambda _number, record: {
                "active_list_id": saved.pk,
                "nik": record.nik,
                "active_on": record.active_on,
                "province_code": record.nik[:2],
            },
        )
        if result.rejected or not result.accepted:
            transaction.set_rollback(True)
            return result
        saved.people = result.accepted
        saved.save(update_fields=["people"])
        audit_record(
            actor=actor,
            action="bpjs_active.import",
            target_type="bpjs_active_list",
            target_id=saved.pk,
            target_repr=str(saved),
            changes={"people": [None, saved.people]},
            region_code=scope,
        )
    result.saved = saved
    return result
