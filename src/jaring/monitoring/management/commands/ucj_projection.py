import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jaring.accounts.cli import reader_from_option
from jaring.contributions.vocab import FundingSource
from jaring.errors import DomainError
from jaring.formats.active import rupiah
from jaring.monitoring.cli import people, percent
from jaring.monitoring.projection import ucj_projection
from jaring.regions.selectors import region_in_jurisdiction


class Command(BaseCommand):
    help = (
        "Proyeksi cakupan (UCJ) sebuah wilayah sampai 31 Desember: yang dihitung dari program Jaring "
        "sekarang dan pada akhir tahun bila tagihan terbit dibayar, kekurangan terhadap target, dan "
        "berapa orang selama berapa bulan dengan anggaran berapa yang menutupnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Kode wilayah, mis. 15 atau 15.04.")
        parser.add_argument("--date", default=None, help="Tanggal YYYY-MM-DD, bawaan hari ini.")
        parser.add_argument(
            "--source",
            choices=FundingSource.values,
            default=None,
            help=(
                "Sumber dana yang menghargai kekurangan (bawaan APBD_PROV untuk provinsi, APBD_KAB di "
                "bawahnya)."
            ),
        )
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument("--as", dest="username", help="Baca dengan wilayah kerja pengguna ini.")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(
                f"date_invalid: Tanggal '{options['date']}' tidak valid; tulis YYYY-MM-DD, mis. 2025-08-12."
            ) from exc
        reader = reader_from_option(options["username"])
        try:
            region = region_in_jurisdiction(reader, options["region"])
            projection = ucj_projection(reader, region, on, source=options["source"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.indonesian}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(projection.as_dict(), ensure_ascii=False))
            return
        self._print(region, projection)

    def _print(self, region, p):
        out = self.stdout.write
        year_end = f"{p.year_end:%d/%m/%Y}"
        out(f"Proyeksi cakupan {region.name} ({region.code_dotted}) per {p.on:%d/%m/%Y}")
        if p.participants is None:
            out(f"  Belum ada angka cakupan pada atau sebelum {p.on:%d/%m/%Y}.")
        else:
            out(
                f"  Peserta aktif {people(p.participants)} dari {people(p.potential)} potensi pekerja "
                f"(angka per {p.figure_on:%d/%m/%Y})"
            )
            if p.target_participants is None:
                out(f"  Target {p.on.year} belum ditetapkan.")
            else:
                out(f"  Target {percent(p.target_pct)} = {people(p.target_participants)} peserta")
        out(
            f"  Program Jaring: {people(p.program_people)} orang; dihitung UCJ "
            f"{people(p.program_counted_now)} sekarang, {people(p.program_counted_year_end)} pada "
            f"{year_end} bila tagihan yang terbit dibayar (dihitung penuh setelah {p.full_after_months} "
            "bulan iuran)"
        )
        if p.gap_after_programs is None:
            return
        out(f"  Kekurangan setelah program: {people(p.gap_after_programs)} orang")
        if p.gap_after_programs == 0:
            out(
                f"  Target {percent(p.target_pct)} tercapai pada {year_end} bila tagihan yang terbit dibayar."
            )
        elif p.people_needed is None:
            out(
                f"  Target {percent(p.target_pct)} tidak dapat dicapai tahun ini dengan menambah peserta: "
                "tidak ada bulan tersisa sampai Desember."
            )
        else:
            price = "" if p.rupiah_needed is None else f": {rupiah(p.rupiah_needed)} ({p.source})"
            out(
                f"  Untuk mencapai {percent(p.target_pct)} pada {year_end}, danai {people(p.people_needed)} "
                f"orang lagi selama {p.months_left} bulan{price}"
            )
        for note in p.notes:
            out(f"  Catatan: {note}")
