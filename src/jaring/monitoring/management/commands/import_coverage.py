from django.core.management.base import CommandError

from jaring.accounts.cli import FileImportCommand
from jaring.monitoring.cli import people
from jaring.monitoring.models import ImportSource
from jaring.monitoring.services import coverage_import


class Command(FileImportCommand):
    help = (
        "Impor angka cakupan (UCJ) dari berkas XLSX/CSV: kolom KODE_WILAYAH, TANGGAL, PESERTA_AKTIF, "
        "POTENSI_PEKERJA dan TARGET_PERSEN (opsional). Bila ada baris yang salah, tidak ada yang disimpan."
    )

    offers_dry_run = False

    def run(self, *, actor, path, options):
        return coverage_import(actor=actor, path=path, file_name=path.name, source=ImportSource.CLI)

    def report(self, result, options):
        if result.saved:
            self.stdout.write(
                f"Disimpan (impor #{result.import_id}): {people(result.rows)} baris; "
                f"{people(result.created)} angka baru, {people(result.updated)} diganti, "
                f"{people(result.unchanged)} tidak berubah, {people(result.targets)} target."
            )
        else:
            self.stdout.write(f"Tidak ada yang disimpan: {len(result.errors)} kesalahan.")
        self.write_row_errors(result.errors, limit=100)
        for warning in result.warnings[:100]:
            self.stdout.write(
                f"  peringatan baris {warning.row}, kolom {warning.column}: {warning.code}: {warning.message}"
            )

    def refuse(self, result):
        if result.errors:
            raise CommandError(f"import_refused: {len(result.errors)} baris salah; tidak ada yang disimpan.")
