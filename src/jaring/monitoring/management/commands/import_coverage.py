import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.cli import actor_from_option
from jaring.errors import DomainError
from jaring.monitoring.cli import people
from jaring.monitoring.models import ImportSource
from jaring.monitoring.services import coverage_import


class Command(BaseCommand):
    help = (
        "Impor angka cakupan (UCJ) dari berkas XLSX/CSV: kolom KODE_WILAYAH, TANGGAL, PESERTA_AKTIF, "
        "POTENSI_PEKERJA dan TARGET_PERSEN (opsional). Bila ada baris yang salah, tidak ada yang disimpan."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
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
            result = coverage_import(actor=actor, path=path, file_name=path.name, source=ImportSource.CLI)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        elif result.saved:
            self.stdout.write(
                f"Disimpan (impor #{result.import_id}): {people(result.rows)} baris; "
                f"{people(result.created)} angka baru, {people(result.updated)} diganti, "
                f"{people(result.unchanged)} tidak berubah, {people(result.targets)} target."
            )
        else:
            self.stdout.write(f"Tidak ada yang disimpan: {len(result.errors)} kesalahan.")
        if not options["json"]:
            for error in result.errors[:100]:
                self.stdout.write(f"  baris {error.row}, kolom {error.column}: {error.code}: {error.message}")
            for warning in result.warnings[:100]:
                self.stdout.write(
                    f"  peringatan baris {warning.row}, kolom {warning.column}: "
                    f"{warning.code}: {warning.message}"
                )
        if result.errors:
            raise CommandError(f"import_refused: {len(result.errors)} baris salah; tidak ada yang disimpan.")
