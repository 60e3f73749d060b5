import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jaring.access.scoping import reader_of
from jaring.accounts.cli import actor_from_option
from jaring.billing.services import bill_issue
from jaring.errors import DomainError
from jaring.formats import active
from jaring.programs.selectors import program_by_code


class Command(BaseCommand):
    help = "Terbitkan tagihan iuran satu program untuk 1, 3, 6 atau 12 bulan mulai bulan --from (YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="Kode program, mis. BKBK-JAMBI-2025.")
        parser.add_argument("--from", dest="first", required=True, help="Bulan pertama, YYYY-MM.")
        parser.add_argument("--months", type=int, required=True, help="1, 3, 6 atau 12.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument(
            "--as", dest="username", help="Jalankan dengan hak dan wilayah kerja pengguna ini."
        )

    def handle(self, *args, **options):
        actor = actor_from_option(options["username"])
        try:
            year, month = (int(part) for part in options["first"].split("-"))
            first = date(year, month, 1)
        except ValueError as exc:
            raise CommandError(f"month_invalid: Bulan '{options['first']}' bukan YYYY-MM.") from exc
        code = options["program"].strip().upper()
        program = program_by_code(reader_of(actor), code)
        if program is None:
            raise CommandError(
                f"not_found: Program {code} tidak ditemukan (atau di luar wilayah kerja Anda)."
            )
        try:
            bill = bill_issue(actor=actor, program=program, first_month=first, months=options["months"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "number": bill.number,
                        "program": program.code,
                        "period_start": bill.period_start.isoformat(),
                        "period_end": bill.period_end.isoformat(),
                        "months": bill.months,
                        "people": bill.people,
                        "person_months": bill.person_months,
                        "total_rupiah": bill.total_rupiah,
                    }
                )
            )
            return
        self.stdout.write(
            f"Tagihan {bill.number} terbit: {active.number(bill.people)} peserta, "
            f"{active.number(bill.person_months)} orang-bulan, {active.rupiah(bill.total_rupiah)}."
        )
