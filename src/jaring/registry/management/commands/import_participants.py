from django.core.management.base import CommandError

from jaring.accounts.cli import FileImportCommand
from jaring.formats.active import number
from jaring.registry.imports import import_participants
from jaring.registry.models import ImportStatus


class Command(FileImportCommand):
    help = "Impor peserta dari berkas XLSX/CSV (templat Jaring). Baris yang salah ditolak dan dijelaskan."

    def run(self, *, actor, path, options):
        return import_participants(actor=actor, path=path, dry_run=options["dry_run"])

    def as_json(self, run):
        return {
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
            "errors": [e.as_dict() for e in run.errors.all()],
        }

    def report(self, run, options):
        errors = [e.as_dict() for e in run.errors.all()]
        mode = "Uji coba (tidak disimpan)" if run.dry_run else "Impor"
        self.stdout.write(
            f"{mode} {run.file_name}: {number(run.created)} baru, {number(run.updated)} diperbarui, "
            f"{number(run.unchanged)} tidak berubah, {number(run.rejected)} ditolak."
        )
        for error in errors[:50]:
            where = f"baris {error['row']}" + (f", kolom {error['column']}" if error["column"] else "")
            self.stdout.write(f"  {where}: {error['code']}: {error['message']}")
        if len(errors) > 50:
            self.stdout.write(f"  ... dan {number(len(errors) - 50)} kesalahan lain.")

    def refuse(self, run):
        if run.status == ImportStatus.FAILED:
            raise CommandError(f"import_failed: {run.failure}")
