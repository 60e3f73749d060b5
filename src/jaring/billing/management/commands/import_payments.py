import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.cli import actor_from_option
from jaring.billing.imports import payments_import
from jaring.errors import DomainError
from jaring.programs.rules import rupiah


class Command(BaseCommand):
    help = (
        "Impor berkas konfirmasi pembayaran BPJS (XLSX/CSV): REFERENSI, TANGGAL_BAYAR, JUMLAH, "
        "NIK atau NO_KPJ, BULAN_DARI, BULAN_SAMPAI; atau satu baris per tagihan: REFERENSI, "
        "TANGGAL_BAYAR, JUMLAH, NOMOR_TAGIHAN. Semua atau tidak sama sekali: satu baris salah, "
        "tidak ada yang disimpan."
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
            result = payments_import(actor=actor, path=path, dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            if result.errors:
                self.stdout.write(
                    f"Tidak ada yang disimpan: {len(result.errors)} kesalahan di {result.rows} baris."
                )
            else:
                mode = "Uji coba (tidak disimpan)" if options["dry_run"] else "Impor"
                self.stdout.write(
                    f"{mode}: {result.created} pembayaran dicatat, "
                    f"{result.unchanged} sudah tercatat sebelumnya."
                )
            for bill in result.bills:
                self.stdout.write(
                    f"  {bill.number}: diterima {rupiah(bill.received)}, "
                    f"dialokasikan {rupiah(bill.allocated)}, lebih bayar {rupiah(bill.over)}, "
                    f"sisa tagihan {rupiah(bill.outstanding)}"
                )
            for error in result.errors[:50]:
                self.stdout.write(f"  baris {error.row}, kolom {error.column}: {error.code}: {error.message}")
        if result.errors:
            raise CommandError(f"rows_invalid: {len(result.errors)} baris ditolak; tidak ada yang disimpan.")
