import json
import os
import signal
import socket
import time

from django.core.management.base import BaseCommand

from jaring.ops.schedule import SCHEDULE, run_due


class Command(BaseCommand):
    help = (
        "Jalankan pekerjaan terjadwal (sapuan peringatan, ringkasan perlindungan, ringkasan surel, "
        "detak pekerja) sesuai jadwal di ops/schedule.py. Boleh berjalan lebih dari satu: "
        "tiap pekerjaan dijalankan satu penjadwal saja. Berhenti dengan rapi pada SIGTERM."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Sekali jalan, lalu keluar.")
        parser.add_argument("--tick", type=float, default=20.0, help="Detik antara pemeriksaan jadwal.")
        parser.add_argument("--json", action="store_true", help="Cetak tiap jalan sebagai satu baris JSON.")

    def handle(self, *args, **options):
        owner = f"{socket.gethostname()}:{os.getpid()}"
        stopping = []
        previous = {
            sig: signal.signal(sig, lambda *_: stopping.append(True))
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self._loop(owner, stopping, options)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _loop(self, owner, stopping, options):
        self.stdout.write(f"Penjadwal {owner}: {', '.join(job.name for job in SCHEDULE)}")
        while not stopping:
            for ran in run_due(owner=owner):
                line = {"job": ran.job, "ok": ran.ok, "seconds": round(ran.seconds, 3), "error": ran.error}
                if options["json"]:
                    self.stdout.write(json.dumps(line, ensure_ascii=False, default=str))
                else:
                    state = "selesai" if ran.ok else f"gagal: {ran.error}"
                    self.stdout.write(f"  {ran.job}: {state} ({ran.seconds:.1f} detik)")
            if options["once"]:
                return
            deadline = time.monotonic() + options["tick"]
            while not stopping and time.monotonic() < deadline:  # a stop is taken between jobs
                time.sleep(0.5)
        self.stdout.write("Penjadwal berhenti.")
