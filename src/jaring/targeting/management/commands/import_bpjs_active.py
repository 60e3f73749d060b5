from datetime import date

from django.core.management.base import CommandError

from jaring.accounts.cli import FileImportCommand
from jaring.formats.active import number
from jaring.targeting.imports import import_bpjs_active


class Command(FileImportCommand):
    help = (
        "Impor daftar peserta yang sudah aktif di BPJS Ketenagakerjaan (kolom NIK, TANGGAL_AKTIF): "
        "mereka tidak diusulkan lagi. Disimpan utuh: satu baris salah, tidak ada yang disimpan."
    )
    offers_dry_run = False

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", help="Tanggal daftar YYYY-MM-DD (bawaan: hari ini).")

    def run(self, *, actor, path, options):
        try:
            listed_on = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"date_invalid: Tanggal '{options['date']}' bukan YYYY-MM-DD.") from exc
        return import_bpjs_active(actor=actor, path=path, listed_on=listed_on)

    def report(self, result, options):
        if result.saved is not None:
            self.stdout.write(
                f"Daftar aktif BPJS {result.listed_on:%d/%m/%Y} disimpan: {number(result.accepted)} orang."
            )
            return
        self.stdout.write(
            f"Daftar aktif BPJS tidak disimpan: {number(result.rejected)} dari {number(result.rows)} "
            "baris ditolak."
        )
        self.write_row_errors(result.errors)

    def refuse(self, result):
        if result.saved is None:
            raise CommandError(f"list_refused: {result.rejected} baris ditolak; tidak ada yang disimpan.")
