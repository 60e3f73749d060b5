import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jaring.alerts.models import Alert
from jaring.alerts.services import alerts_refresh
from jaring.alerts.sources import SOURCES


class Command(BaseCommand):
    help = (
        "Periksa semua sumber peringatan (PKS berakhir, dana mengendap, kuota/pagu, ...) dan perbarui "
        "kotak peringatan. Jalankan berkala (mis. cron tiap jam)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Tanggal pemeriksaan (YYYY-MM-DD); bawaan: hari ini.")
        parser.add_argument("--kind", action="append", choices=sorted(SOURCES), help="Hanya jenis ini.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"invalid_date: Tanggal {options['date']!r} tidak sah; tulis YYYY-MM-DD."
                ) from exc
        run = alerts_refresh(today=today, kinds=options["kind"])
        open_alerts = Alert.objects.filter(resolved_at__isnull=True).count()
        result = {
            "raised": run.raised,
            "updated": run.updated,
            "resolved": run.resolved,
            "open": open_alerts,
            "failures": run.failures,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Peringatan: {run.raised} baru, {run.updated} diperbarui, {run.resolved} selesai; "
                f"{open_alerts} terbuka."
            )
            for kind, message in run.failures:
                self.stderr.write(f"  sumber {kind} gagal: {message}")
        if run.failures:
            raise CommandError("Sebagian sumber peringatan gagal; lihat di atas.")
