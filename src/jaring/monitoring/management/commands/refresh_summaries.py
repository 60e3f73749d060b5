import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jaring.formats import active
from jaring.monitoring.summaries import summaries_refresh


class Command(BaseCommand):
    help = (
        "Hitung ulang ringkasan perlindungan per wilayah (aktif, menunggak, berhenti, ...) yang dibaca "
        "dasbor. Jalankan berkala (mis. cron tiap jam) dan setelah impor pembayaran besar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Status pada tanggal ini (YYYY-MM-DD); bawaan: hari ini.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"invalid_date: Tanggal {options['date']!r} tidak sah; tulis YYYY-MM-DD."
                ) from exc
        run = summaries_refresh(on=on)
        result = {"on": run.on.isoformat(), "regions": run.regions, "seconds": run.seconds}
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Ringkasan perlindungan {active.date(run.on)}: {active.number(run.regions)} wilayah, "
                f"{active.number(run.seconds, -2)} detik."
            )
