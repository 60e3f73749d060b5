from django.core.management.base import CommandError

from jaring.accounts.cli import FileImportCommand
from jaring.formats.active import number
from jaring.targeting.imports import import_dtsen


class Command(FileImportCommand):
    help = (
        "Impor ekstrak DTSEN/P3KE sebagai satu edisi (YYYY-MM) wilayah kerja pengguna. Edisi disimpan utuh: "
        "satu baris salah, tidak ada yang disimpan."
    )
    offers_dry_run = False

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--edition", required=True, help="Bulan edisi DTSEN, mis. 2025-03.")

    def run(self, *, actor, path, options):
        return import_dtsen(actor=actor, path=path, edition=options["edition"])

    def report(self, result, options):
        if result.saved is not None:
            self.stdout.write(
                f"Edisi DTSEN {result.edition} disimpan: {number(result.accepted)} orang"
                f" ({number(result.saved.left_the_list)} keluar dari daftar edisi sebelumnya)."
            )
            return
        self.stdout.write(
            f"Edisi DTSEN {result.edition} tidak disimpan: {number(result.rejected)} dari "
            f"{number(result.rows)} baris ditolak. Perbaiki lalu impor lagi."
        )
        self.write_row_errors(result.errors)

    def refuse(self, result):
        if result.saved is None:
            raise CommandError(f"edition_refused: {result.rejected} baris ditolak; tidak ada yang disimpan.")
