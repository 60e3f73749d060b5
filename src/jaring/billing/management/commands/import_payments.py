from django.core.management.base import CommandError

from jaring.accounts.cli import FileImportCommand
from jaring.billing.imports import payments_import
from jaring.programs.rules import rupiah


class Command(FileImportCommand):
    help = (
        "Impor berkas konfirmasi pembayaran BPJS (XLSX/CSV): REFERENSI, TANGGAL_BAYAR, JUMLAH, "
        "NIK atau NO_KPJ, BULAN_DARI, BULAN_SAMPAI; atau satu baris per tagihan: REFERENSI, "
        "TANGGAL_BAYAR, JUMLAH, NOMOR_TAGIHAN. Semua atau tidak sama sekali: satu baris salah, "
        "tidak ada yang disimpan."
    )

    def run(self, *, actor, path, options):
        return payments_import(actor=actor, path=path, dry_run=options["dry_run"])

    def report(self, result, options):
        if result.errors:
            self.stdout.write(
                f"Tidak ada yang disimpan: {len(result.errors)} kesalahan di {result.rows} baris."
            )
        else:
            mode = "Uji coba (tidak disimpan)" if options["dry_run"] else "Impor"
            self.stdout.write(
                f"{mode}: {result.created} pembayaran dicatat, {result.unchanged} sudah tercatat sebelumnya."
            )
        for bill in result.bills:
            self.stdout.write(
                f"  {bill.number}: diterima {rupiah(bill.received)}, "
                f"dialokasikan {rupiah(bill.allocated)}, lebih bayar {rupiah(bill.over)}, "
                f"sisa tagihan {rupiah(bill.outstanding)}"
            )
        self.write_row_errors(result.notices + result.errors)

    def refuse(self, result):
        if result.errors:
            raise CommandError(f"rows_invalid: {len(result.errors)} baris ditolak; tidak ada yang disimpan.")
