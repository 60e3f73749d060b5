import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.access.scoping import SYSTEM
from jaring.accounts.cli import actor_from_option
from jaring.errors import DomainError
from jaring.formats.active import number
from jaring.reports.monev import monev_report
from jaring.reports.render import monev_pdf, monev_xlsx
from jaring.reports.tables import parse_period


class Command(BaseCommand):
    help = (
        "Buat laporan monev satu wilayah untuk satu bulan: PDF A4 untuk rapat, atau XLSX dengan satu sheet "
        "per tabel (ditentukan oleh akhiran --output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Kode wilayah, mis. 15 atau 15.04.")
        parser.add_argument("--period", required=True, help="Bulan laporan, YYYY-MM.")
        parser.add_argument("--output", required=True, type=Path, help="Berkas keluaran .pdf atau .xlsx.")
        parser.add_argument("--as", dest="username", help="Buat dengan wilayah kerja pengguna ini.")

    def handle(self, *args, **options):
        output: Path = options["output"]
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("pdf", "xlsx"):
            raise CommandError("invalid_output: Akhiran --output harus .pdf atau .xlsx.")
        if not output.parent.is_dir():
            raise CommandError(f"invalid_output: Folder {output.parent} tidak ada.")
        try:
            period = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(f"invalid_period: {exc}") from exc
        actor = actor_from_option(options["username"])
        started = time.perf_counter()
        try:
            report = monev_report(
                actor or SYSTEM,
                region_code=options["region"],
                period=period,
                generated_by=actor.display_name if actor else "",
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        output.write_bytes(monev_pdf(report) if fmt == "pdf" else monev_xlsx(report))
        self.stdout.write(
            f"Laporan monev {report.region_name} {report.period_label} ditulis ke {output} "
            f"({number(output.stat().st_size)} bita, {number(time.perf_counter() - started, 1)} detik)."
        )
