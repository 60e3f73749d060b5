import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan `jaring backup` ke basis data kosong dan folder media kosong, lalu periksa "
        "setiap tabel, total rupiah dan berkas terhadap manifesnya; gagal dengan menyebut bedanya."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Folder cadangan.")
        parser.add_argument("--json", action="store_true", help="Cetak ringkasan sebagai satu objek JSON.")

    def handle(self, *args, **options):
        try:
            checked = restore(Path(options["source"]))
        except BackupError as exc:
            raise CommandError(f"restore_failed: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(checked))
        else:
            self.stdout.write(
                f"Dipulihkan dan cocok dengan manifes: {checked['tables']} tabel, {checked['rows']} baris, "
                f"{checked['files']} berkas."
            )
