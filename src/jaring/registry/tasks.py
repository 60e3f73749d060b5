"""Background work of the registry (run by `jaring db_worker`)."""

from pathlib import Path

from django_tasks import task

from jaring.registry.imports import import_participants
from jaring.registry.models import ImportRun


@task()
def run_import(run_id: int) -> str:
    """Validate (dry run) or commit an uploaded participant file."""
    run = ImportRun.objects.select_related("uploaded_by__organization").get(pk=run_id)
    actor = run.uploaded_by
    run = import_participants(actor=actor, path=Path(run.stored_file.path), run=run, dry_run=run.dry_run)
    return run.status
