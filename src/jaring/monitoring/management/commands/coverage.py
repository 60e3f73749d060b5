import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from jaring import codes
from jaring.accounts.cli import reader_from_option
from jaring.monitoring import selectors
from jaring.monitoring.cli import people, percent


class Command(BaseCommand):
    help = (
        "Cakupan kepesertaan (UCJ) sebuah wilayah dan wilayah di bawahnya, dari angka terakhir pada atau "
        "sebelum tanggal: peserta, potensi, target, kesenjangan orang dan anggaran."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Kode wilayah, mis. 15 atau 15.04.")
        parser.add_argument("--date", default=None, help="Tanggal YYYY-MM-DD, bawaan hari ini.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument("--as", dest="username", help="Baca dengan wilayah kerja pengguna ini.")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"date_invalid: Tanggal '{options['date']}' tidak valid; tulis YYYY-MM-DD, "
                    "mis. 2024-08-12."
                ) from exc
        else:
            on = timezone.localdate()
        if codes.try_normalize(options["region"]) is None:
            raise CommandError(
                f"invalid_region_code: Kode wilayah '{options['region']}' tidak valid (contoh 15 atau 15.04)."
            )
        reader = reader_from_option(options["username"])
        try:
            region = selectors.report_region(reader, options["region"])
        except Http404 as exc:
            raise CommandError(
                f"not_found: Wilayah {options['region']} tidak ditemukan atau di luar wilayah kerja."
            ) from exc
        report = selectors.coverage_report(reader, region, on)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self._print(report)

    def _print(self, report):
        out = self.stdout.write
        line = report.line
        if line is None:
            out(
                f"{report.label} ({report.region.code_dotted}): belum ada angka cakupan pada atau sebelum "
                f"{report.on:%d/%m/%Y}."
            )
            return
        out(f"{report.label} ({report.region.code_dotted}), angka per {line.figure.on:%d/%m/%Y}")
        out(
            f"  Cakupan {percent(line.coverage_pct)} ({people(line.figure.participants)} peserta aktif / "
            f"{people(line.figure.potential)} potensi pekerja)"
        )
        if line.target is not None:
            budget = (
                ""
                if line.gap_budget_rupiah is None
                else f", kebutuhan anggaran Rp{people(line.gap_budget_rupiah)} per tahun"
            )
            out(
                f"  Target {percent(line.target_pct)} = {people(line.target_participants)} peserta; "
                f"kurang {people(line.gap_participants)} orang{budget}"
            )
        else:
            out("  Target belum ditetapkan.")
        for note in report.notes:
            out(f"  Catatan: {note}")
        if report.children:
            out("Peringkat wilayah di bawahnya (cakupan tertinggi dahulu):")
            for rank, child in enumerate(report.children, start=1):
                out(
                    f"  {rank:>3}. {codes.dotted(child.region):<14} {child.name[:34]:<34} "
                    f"{percent(child.coverage_pct):>8}  {people(child.figure.participants):>11} / "
                    f"{people(child.figure.potential):<11} target {percent(child.target_pct)}"
                )
