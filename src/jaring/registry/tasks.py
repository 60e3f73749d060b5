"""Background work of the registry (run by `jaring db_worker`)."""

from pathlib import Path

from django.utils import translation
from django_tasks import task

from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.registry.duplicates import duplicates_scan
from jaring.registry.imports import import_participants
from jaring.registry.models import ImportRun, ImportStatus


@task()
def run_import(run_id: int, language: str | None = None) -> str:
    """Validate (dry run) or commit an uploaded participant file; its row errors are
    written in ``language``, the uploader's (Indonesian when none is given)."""
    run = ImportRun.objects.select_related("uploaded_by__organization").get(pk=run_id)
    actor = run.uploaded_by
    with translation.override(language):
        run = import_participants(actor=actor, path=Path(run.stored_file.path), run=run, dry_run=run.dry_run)
    if run.status == ImportStatus.COMMITTED and (run.created or run.updated):
        duplicates_scan(within=jurisdiction_of(reader_of(actor)))
    return run.status
