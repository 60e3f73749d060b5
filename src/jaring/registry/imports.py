"""Importing a participant file: read, validate every row, write valid rows in
atomic batches, record the run. Re-running the same file completes an interrupted
import without duplicates (people are upserted by NIK) and an unchanged file
reports 0 created and 0 updated."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.files.base import File
from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone, translation

from jaring.access.permissions import author, require_editor
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.services import audit_record
from jaring.bulk import bulk_insert
from jaring.errors import DomainError, InvalidInput
from jaring.formats import figures
from jaring.i18n import N_
from jaring.metrics import imported
from jaring.regions.models import Region
from jaring.registry.columnar import BatchChecker, records_of
from jaring.registry.merge import MergeResult, merge_participants
from jaring.registry.models import ImportRowError, ImportRun, ImportStatus
from jaring.registry.rows import SHEET, RowContext
from jaring.registry.services import participants_upsert
from jaring.sheets.cells import is_blank
from jaring.sheets.filecheck import inspect_xlsx
from jaring.sheets.headers import match_header
from jaring.sheets.readers import FileProblem, read_rows, sniff_kind
from jaring.sheets.rows import RowError

BATCH_SIZE = 20_000
FIRST_ERRORS = 200
# A run still validating or committing after this long was left by a killed process:
# the longest import measured (a million rows) takes under three minutes.
STALE_AFTER = timedelta(hours=6)
STALE_REASON = (
    "Impor terhenti sebelum selesai (prosesnya dihentikan). Baris yang sudah tersimpan tetap ada; "
    "jalankan berkas yang sama lagi untuk melengkapinya."
)

logger = logging.getLogger(__name__)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def estimate_rows(path: Path) -> int:
    """Data rows in a file, for the progress bar (cheap: counts lines, or the rows the
    sheets reach as the zip inspection reads them; calamine is not run here, in the web
    request, and an old .xls is counted as it is imported)."""
    try:
        kind = sniff_kind(path)
        if kind == "csv":
            lines = 0
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    lines += chunk.count(b"\n")
            return max(lines - 1, 0)
        if kind == "xlsx":
            return max(inspect_xlsx(path).rows - 1, 0)
    except FileProblem:  # reported by the import itself
        pass
    return 0


def _require_importer(actor) -> None:
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengimpor peserta."))


def _new_run(actor, *, file_name: str, sha256: str, dry_run: bool) -> ImportRun:
    """An unsaved run record; ``actor=None`` is the platform (no organization)."""
    organization = actor.organization if actor is not None and actor.organization_id else None
    return ImportRun(
        uploaded_by=author(actor),
        organization=organization,
        scope_code=organization.scope_code if organization else "",
        file_name=file_name[:255],
        file_sha256=sha256,
        dry_run=dry_run,
    )


@transaction.atomic
def import_upload(*, actor, uploaded_file) -> ImportRun:
    """Store an uploaded file and queue its validation (a dry run)."""
    from jaring.registry.tasks import run_import  # tasks imports this module

    _require_importer(actor)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    run = _new_run(
        actor, file_name=Path(uploaded_file.name or "berkas").name, sha256=digest.hexdigest(), dry_run=True
    )
    run.stored_file.save(run.file_name, File(uploaded_file), save=False)
    run.total_rows = estimate_rows(Path(run.stored_file.path))
    run.save()
    # The worker writes the row errors in the uploader's language (the page's, now).
    language = translation.get_language()
    transaction.on_commit(lambda: run_import.enqueue(run.pk, language))
    return run


@transaction.atomic
def import_commit(*, actor, run: ImportRun) -> ImportRun:
    """Save the valid rows of a validated upload (queued)."""
    from jaring.registry.tasks import run_import  # tasks imports this module

    _require_importer(actor)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportStatus.VALIDATED or not run.dry_run:
        raise InvalidInput(
            N_("Impor ini belum selesai diperiksa atau sudah disimpan."), code="import_not_validated"
        )
    run.errors.all().delete()
    run.dry_run = False
    run.status = ImportStatus.PENDING
    run.processed_rows = run.created = run.updated = run.unchanged = run.rejected = 0
    run.save()
    # The worker writes the row errors in the uploader's language (the page's, now).
    language = translation.get_language()
    transaction.on_commit(lambda: run_import.enqueue(run.pk, language))
    return run


_REFERENCE_CACHE: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _reference_codes() -> tuple[frozenset[str], frozenset[str]]:
    """Real regency and village codes, cached per process until the region list
    changes size (a new edition adds regions; renames keep their codes)."""
    marker = Region.objects.count()
    if marker not in _REFERENCE_CACHE:
        regencies, villages = set(), set()
        rows = Region.objects.filter(level__in=("regency", "village")).values_list("code", "level")
        for code, level in rows.iterator(chunk_size=20_000):
            (regencies if level == "regency" else villages).add(code)
        _REFERENCE_CACHE.clear()
        _REFERENCE_CACHE[marker] = (frozenset(regencies), frozenset(villages))
    return _REFERENCE_CACHE[marker]


def row_context(actor, *, today: date | None = None) -> RowContext:
    regencies, villages = _reference_codes()
    return RowContext(
        regency_codes=regencies,
        village_codes=villages,
        in_jurisdiction=jurisdiction_of(reader_of(actor)).contains,
        today=today or timezone.localdate(),
        age_min=getattr(settings, "JARING_AGE_MIN", 15),
        age_max=getattr(settings, "JARING_AGE_MAX", 65),
        kpj_length=getattr(settings, "JARING_KPJ_LENGTH", 11),
    )


@transaction.atomic
def import_runs_close_stale(*, run: ImportRun, now=None) -> int:
    """Close as failed the runs a killed process left validating or committing: the
    earlier runs of the same file (same SHA-256, same organization) when it is run
    again, and any run started more than ``STALE_AFTER`` ago. A run closed here while
    its process was in fact still working gets its real outcome when it finishes
    (it saves its own status last). Returns how many were closed."""
    now = now or timezone.now()
    same_file = Q(file_sha256=run.file_sha256, organization_id=run.organization_id, pk__lt=run.pk)
    stale = list(
        ImportRun.objects.select_for_update()
        .filter(status__in=(ImportStatus.VALIDATING, ImportStatus.COMMITTING))
        .filter(same_file | Q(started_at__lt=now - STALE_AFTER))
        .exclude(pk=run.pk)
        .order_by("pk")
    )
    for old in stale:
        before = old.status
        old.status, old.failure, old.finished_at = ImportStatus.FAILED, STALE_REASON, now
        old.save(update_fields=["status", "failure", "finished_at"])
        if not old.dry_run:
            audit_record(
                actor=None,
                action="participant_import.closed_stale",
                target_type="participant_import",
                target_id=old.pk,
                target_repr=f"{old.file_name} (sha256 {old.file_sha256[:12]})",
                changes={"status": [before, old.status]},
                region_code=old.scope_code,
            )
    return len(stale)


def import_participants(
    *,
    actor,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = False,
    run: ImportRun | None = None,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Import one file; returns the recorded run (its counts and errors). A file that
    cannot be read, or a failure of any kind, ends the run ``failed`` with the reason;
    an unexpected exception is logged and raised again after that."""
    _require_importer(actor)
    path = Path(path)
    if run is None:
        run = _new_run(actor, file_name=file_name or path.name, sha256=file_sha256(path), dry_run=dry_run)
        run.save()
    import_runs_close_stale(run=run)
    run.status = ImportStatus.VALIDATING if dry_run else ImportStatus.COMMITTING
    run.save(update_fields=["status"])
    try:
        _run(actor, path, run, dry_run=dry_run, today=today, batch_size=batch_size, progress=progress)
    except FileProblem as exc:
        _record_errors(run, [RowError(0, "", exc.code, exc.message)])
        run.status, run.failure = ImportStatus.FAILED, exc.message
    except DomainError as exc:
        run.status, run.failure = ImportStatus.FAILED, exc.message
    except BaseException as exc:  # recorded, then raised again: the caller still sees it
        logger.exception("Impor peserta #%s gagal", run.pk)
        interrupted = isinstance(exc, KeyboardInterrupt | SystemExit)
        run.status = ImportStatus.FAILED
        run.failure = (
            STALE_REASON
            if interrupted
            else f"Kesalahan tak terduga ({exc.__class__.__name__}); sudah dicatat untuk tim teknis. "
            "Baris yang sudah tersimpan tetap ada; jalankan berkas yang sama lagi nanti."
        )
        _finish(actor, run, dry_run=dry_run)
        raise
    else:
        run.status = ImportStatus.VALIDATED if dry_run else ImportStatus.COMMITTED
    _finish(actor, run, dry_run=dry_run)
    return run


def _finish(actor, run: ImportRun, *, dry_run: bool) -> None:
    limit = ImportRun._meta.get_field("failure").max_length
    if len(run.failure) > limit:  # the whole reason is in the log; the run keeps its start
        run.failure = run.failure[: limit - 1] + "…"
    run.finished_at = timezone.now()
    run.save()
    if run.started_at:
        imported("participants", run.processed_rows, (run.finished_at - run.started_at).total_seconds())
    if not dry_run:
        audit_record(
            actor=actor,
            action="participant_import.run",
            target_type="participant_import",
            target_id=run.pk,
            target_repr=f"{run.file_name} (sha256 {run.file_sha256[:12]})",
            changes={
                name: [None, getattr(run, name)]
                for name in ("created", "updated", "unchanged", "rejected", "status")
            },
            region_code=run.scope_code,
        )


def _record_errors(run: ImportRun, errors: list[RowError]) -> None:
    bulk_insert(
        ImportRowError,
        [
            {"run_id": run.pk, "row": e.row, "column": e.column, "code": e.code, "message": e.message[:500]}
            for e in errors
        ],
    )


def _run(actor, path, run, *, dry_run, today, batch_size, progress) -> None:
    rows = read_rows(path)
    header = next(rows, None)
    if header is None:
        raise FileProblem(N_("Berkas kosong: tidak ada baris judul maupun data."), code="file_empty")
    columns = match_header(header[1], SHEET)
    header_errors = columns.errors
    if header_errors:
        _record_errors(run, header_errors)
        run.rejected = 0
        # Each column once, however often it repeats (COLUMNS is short: the reason fits).
        duplicated = list(dict.fromkeys(e.column for e in header_errors if e.code == "column_duplicate"))
        if duplicated:
            raise DomainError(
                N_("Kolom ganda di baris judul: %(columns)s. Tidak ada baris yang dibaca."),
                params={"columns": ", ".join(duplicated)},
                code="columns_duplicate",
            )
        raise DomainError(
            N_("Kolom wajib tidak lengkap: %(columns)s. Tidak ada baris yang dibaca."),
            params={"columns": ", ".join(e.column for e in header_errors)},
            code="columns_missing",
        )
    checker = BatchChecker(row_context(actor, today=today))
    seen: dict[int, int] = {}  # NIK (as a number: smaller) -> the row it was first accepted on
    batch: list[tuple[int, list[object]]] = []
    for number, cells in rows:
        if is_blank(cells):
            continue
        batch.append((number, cells))
        if len(batch) >= batch_size:
            _import_batch(actor, run, batch, header=columns, checker=checker, seen=seen, dry_run=dry_run)
            if progress:
                progress(run)
            batch = []
    _import_batch(actor, run, batch, header=columns, checker=checker, seen=seen, dry_run=dry_run)
    if progress:
        progress(run)
    run.total_rows = run.processed_rows
    if run.processed_rows:
        _record_errors(run, columns.notices)  # headers not read: told, the rows read all the same
    else:
        raise FileProblem(
            N_(
                "Berkas hanya berisi baris judul: tidak ada baris data. Isi data peserta di bawah baris "
                "judul "
                "lalu unggah lagi."
            ),
            code="file_no_rows",
        )


def _import_batch(
    actor, run: ImportRun, batch, *, header, checker: BatchChecker, seen: dict[int, int], dry_run: bool
) -> None:
    """Check a batch as columns, refuse the NIKs seen earlier in the file, write the rest
    in one transaction (rolled back on a dry run), record the errors and the counts."""
    reset_queries()  # with DEBUG on, Django keeps every query's SQL: not for a million rows
    run.processed_rows += len(batch)
    checked = checker.check(batch, header=header)
    errors = checked.errors
    run.rejected += checked.rejected
    accepted = checked.accepted
    keep = []
    for nik, number in zip(accepted.get_column("nik"), accepted.get_column("row"), strict=True):
        first = seen.setdefault(int(nik), number)
        keep.append(first == number)
        if first != number:
            errors.append(
                RowError(
                    number,
                    "NIK",
                    "nik_duplicate_in_file",
                    figures.text(
                        N_("NIK %(nik)s sudah ada di baris %(row)s berkas ini; baris ini tidak diimpor."),
                        {"nik": str(nik), "row": str(first)},
                    ),
                )
            )
            run.rejected += 1
    accepted = accepted.filter(pl.Series(keep, dtype=pl.Boolean))
    if not accepted.is_empty():
        with transaction.atomic():
            result = _write(actor, accepted, source=f"impor #{run.pk}")
            if dry_run:
                transaction.set_rollback(True)
        errors += [RowError(row, exc.field or "NIK", exc.code, exc.message) for row, exc in result.refused]
        run.created += result.created
        run.updated += result.updated
        run.unchanged += result.unchanged
        run.rejected += len(result.refused)
    if errors:
        _record_errors(run, sorted(errors, key=lambda e: e.row))
    ImportRun.objects.filter(pk=run.pk).update(
        processed_rows=run.processed_rows,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        rejected=run.rejected,
    )


def _write(actor, accepted: pl.DataFrame, *, source: str) -> MergeResult:
    """The accepted rows written: set-based on PostgreSQL, as records elsewhere."""
    if connection.vendor == "postgresql":
        return merge_participants(actor=actor, frame=accepted, source=source)
    rows = accepted.get_column("row").to_list()
    result = participants_upsert(actor=actor, records=records_of(accepted), source=source)
    return MergeResult(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        refused=[(rows[index], exc) for index, exc in result.refused],
    )
