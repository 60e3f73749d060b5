import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jaring import codes
from jaring.accounts.cli import reader_from_option
from jaring.errors import DomainError
from jaring.formats.active import number
from jaring.programs.selectors import program_by_code
from jaring.targeting.proposals import proposal


class Command(BaseCommand):
    help = (
        "Usulan peserta sebuah program dari calon DTSEN pada suatu tanggal: kuota kosong per desa dan "
        "kategori diisi calon menurut prioritas, dalam pagu anggaran."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="Kode program, mis. BKBK-JAMBI-2025.")
        parser.add_argument(
            "--region", default="", help="Kode wilayah, mis. 15.04 (bawaan: wilayah program)."
        )
        parser.add_argument("--date", default=None, help="Tanggal YYYY-MM-DD, bawaan hari ini.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument("--as", dest="username", help="Baca dengan wilayah kerja pengguna ini.")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"date_invalid: Tanggal '{options['date']}' bukan YYYY-MM-DD.") from exc
        reader = reader_from_option(options["username"])
        program = program_by_code(reader, options["program"])
        if program is None:
            raise CommandError(
                f"program_not_found: Program {options['program']} tidak ditemukan atau tidak terlihat."
            )
        try:
            found = proposal(reader, program, on, region=options["region"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.indonesian}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(found.as_dict(), ensure_ascii=False))
            return
        out = self.stdout.write
        where = codes.dotted(found.region) if found.region else "semua wilayah"
        out(f"Usulan {program.code} di {where} per {on:%d/%m/%Y}")
        out(
            f"  Calon {number(found.candidates)}, sudah terlindungi {number(found.already_protected)}, "
            f"diusulkan {number(found.proposed)}"
            + ("" if found.free_quota is None else f" dari {number(found.free_quota)} kuota kosong")
        )
        out(f"  Biaya Rp{number(found.cost)}; sisa pagu setelahnya Rp{number(found.budget_left)}")
        for line in found.villages:
            if line.candidates or line.proposed:
                free = "" if line.free_quota is None else f" / kuota kosong {number(line.free_quota)}"
                out(
                    f"  {codes.dotted(line.village):<14} {line.name[:30]:<30} "
                    f"calon {number(line.candidates):>6}  usul {number(line.proposed):>5}{free}"
                )
