import json

from django.core.management.base import BaseCommand, CommandError

from jaring.integrity import counters, integrity_check

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Periksa setiap angka yang disimpan (total transfer, kuota desa, peserta aktif dan anggaran "
        "terpakai per program, total tagihan, ringkasan perlindungan, jumlah kecamatan/desa) dengan "
        "menghitung ulang dari catatannya. Dengan --repair selisih ditulis ulang (tercatat di jejak "
        "audit). Keluar dengan kode 1 bila ada selisih yang tidak diperbaiki."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Tulis ulang angka yang berselisih.")
        parser.add_argument(
            "--only", action="append", metavar="COUNTER", help="Hanya penghitung ini (boleh diulang)."
        )
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai JSON.")

    def handle(self, *args, **options):
        only = set(options["only"]) if options["only"] else None
        known = {c.name for c in counters()}
        if only and only - known:
            unknown, choices = ", ".join(sorted(only - known)), ", ".join(sorted(known))
            raise CommandError(f"counter_unknown: {unknown} tidak dikenal; pilih dari {choices}.")
        reports = integrity_check(repair=options["repair"], only=only)
        unrepaired = sum(len(r.differences) for r in reports if not r.repaired)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "differences": sum(len(r.differences) for r in reports),
                        "counters": [r.as_dict() for r in reports],
                    }
                )
            )
        else:
            for report in reports:
                if not report.differences:
                    self.stdout.write(f"OK    {report.label} ({report.checked:_} angka)".replace("_", "."))
                    continue
                state = "DIPERBAIKI" if report.repaired else "SELISIH"
                self.stdout.write(f"{state} {report.label}: {len(report.differences)} selisih")
                for d in report.differences[:SHOWN]:
                    self.stdout.write(f"      {d.key}: tersimpan {d.kept}, seharusnya {d.expected}")
                if len(report.differences) > SHOWN:
                    self.stdout.write(f"      ... dan {len(report.differences) - SHOWN} lainnya")
        if unrepaired:
            raise CommandError(
                f"integrity_differences: {unrepaired} angka berselisih; jalankan dengan --repair."
            )
