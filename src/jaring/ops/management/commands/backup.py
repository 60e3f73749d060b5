import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Cadangkan basis data (PostgreSQL: pg_dump format custom, satu snapshot dengan hitungan "
        "manifes), berkas unggahan, dan manifes berisi jumlah baris, total rupiah dan SHA-256 tiap berkas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Folder baru (atau kosong) untuk cadangan.")
        parser.add_argument("--json", action="store_true", help="Cetak ringkasan sebagai satu objek JSON.")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(f"backup_failed: {exc}") from exc
        summary = {
            "output": options["output"],
            "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "files": len(manifest["files"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"Cadangan di {summary['output']}: {summary['tables']} tabel, {summary['rows']} baris, "
                f"{summary['files']} berkas."
            )
