import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.cli import actor_from_option
from jaring.errors import DomainError
from jaring.registry.imports import import_participants
from jaring.registry.models import ImportStatus


class Command(BaseCommand):
    help = "Impor peserta dari berkas XLSX/CSV (templat Jaring). Baris yang salah ditolak dan dijelaskan."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja; tidak ada yang disimpan.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument(
            "--as", dest="username", help="Jalankan dengan hak dan wilayah kerja pengguna ini."
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file_missing: Berkas {path} tidak ditemukan.")
        actor = actor_from_option(options["username"])
        try:
            run = import_participants(actor=actor, path=path, dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        errors = [e.as_dict() for e in run.errors.all()]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "created": run.created,
                        "updated": run.updated,
                        "unchanged": run.unchanged,
                        "rejected": run.rejected,
                        "errors": errors,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            mode = "Uji coba (tidak disimpan)" if run.dry_run else "Impor"
            self.stdout.write(
                f"{mode} {run.file_name}: {run.created:,} baru, {run.updated:,} diperbarui, "
                f"{run.unchanged:,} tidak berubah, {run.rejected:,} ditolak."
            )
            for error in errors[:50]:
                where = f"baris {error['row']}" + (f", kolom {error['column']}" if error["column"] else "")
                self.stdout.write(f"  {where}: {error['code']}: {error['message']}")
            if len(errors) > 50:
                self.stdout.write(f"  ... dan {len(errors) - 50:,} kesalahan lain.")
        if run.status == ImportStatus.FAILED:
            raise CommandError(f"import_failed: {run.failure}")
