import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.cli import actor_from_option
from jaring.errors import DomainError
from jaring.programs.imports import enrolments_import


class Command(BaseCommand):
    help = (
        "Daftarkan peserta ke program dari berkas XLSX/CSV (kolom NIK, KODE_PROGRAM, TANGGAL_MULAI). "
        "Baris yang ditolak (kuota, pagu, pembiayaan ganda...) dijelaskan."
    )

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
            result = enrolments_import(actor=actor, path=path, dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        mode = "Uji coba (tidak disimpan)" if options["dry_run"] else "Pendaftaran"
        self.stdout.write(
            f"{mode}: {result.created:,} didaftarkan, {result.unchanged:,} sudah terdaftar, "
            f"{result.rejected:,} ditolak."
        )
        for error in result.errors[:50]:
            self.stdout.write(f"  baris {error.row}, kolom {error.column}: {error.code}: {error.message}")
