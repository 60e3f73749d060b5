"""``jaring serve``: Jaring's production web server (gunicorn, ARCHITECTURE.md says why)."""

import multiprocessing
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication

from jaring.wsgi import application

# Seconds: a request may run as long as a province's proposal page or a large export
# (nginx is set to the same), a worker is given as long again to finish its requests on
# SIGTERM, and an idle kept-alive connection from nginx is closed after this.
TIMEOUT, GRACEFUL_TIMEOUT, KEEPALIVE = 60, 30, 5


def _alive(pid: str) -> bool:
    """Whether the process of a metrics file (``counter_1234.db``) still runs."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def _child_exit(server, worker) -> None:
    """A worker process ended: its live figures leave /metrics (its counters stay)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


class JaringServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


class Command(BaseCommand):
    help = (
        "Jalankan server web produksi (gunicorn): beberapa proses pekerja, batas waktu permintaan, "
        "berhenti dengan rapi pada SIGTERM. Berkas statis dilayani WhiteNoise (jalankan collectstatic dulu)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Alamat:port (bawaan 127.0.0.1:8000).")
        parser.add_argument(
            "--workers", type=int, default=None, help="Jumlah proses pekerja (bawaan: 2 x inti + 1)."
        )
        parser.add_argument("--threads", type=int, default=4, help="Utas per pekerja (bawaan 4).")

    def handle(self, *args, **options):
        workers = options["workers"] or 2 * multiprocessing.cpu_count() + 1
        if workers < 1 or options["threads"] < 1:
            raise CommandError("workers_invalid: --workers dan --threads paling sedikit 1.")
        if settings.DEBUG:
            self.stderr.write("Peringatan: DEBUG aktif; untuk produksi setel JARING_ENV=production.")
        metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if metrics_dir:  # shared with the task workers: only dead processes' files go
            Path(metrics_dir).mkdir(parents=True, exist_ok=True)
            for stale in Path(metrics_dir).glob("*.db"):
                if not _alive(stale.stem.rsplit("_", 1)[-1]):
                    stale.unlink(missing_ok=True)
        elif workers > 1:
            self.stderr.write(
                "Peringatan: PROMETHEUS_MULTIPROC_DIR kosong; /metrics hanya memuat angka satu pekerja."
            )
        JaringServer(
            {
                "bind": options["bind"],
                "workers": workers,
                "threads": options["threads"],
                "worker_class": "gthread",
                "timeout": TIMEOUT,
                "graceful_timeout": GRACEFUL_TIMEOUT,
                "keepalive": KEEPALIVE,
                "max_requests": 2000,  # a worker is replaced now and then: no slow leak grows for ever
                "max_requests_jitter": 200,
                "forwarded_allow_ips": "127.0.0.1,::1",  # nginx on the same machine
                "accesslog": None,  # one JSON line per request comes from jaring.ops.observe
                "errorlog": "-",
                "child_exit": _child_exit,
            }
        ).run()
