"""At most ``JARING_REPORT_BUILDS`` monev reports built at once, across every web server
of one database.

A report holds a core for a second or several (the figures, then WeasyPrint's layout),
and a handful built at once starve every other page: under bench/load.py's hundred
officers the other pages' p95 was 106 ms without report downloads and about 900 ms with
them. A build therefore takes a slot first: on PostgreSQL one of the session advisory
locks ``(SLOT_SPACE, 0..builds-1)`` on the primary (shared by every process and server
on the database; a dead process's connection gives its slot back), on SQLite (one
process: ``make demo``) a semaphore of the process. An officer whose build finds no
slot within ``JARING_REPORT_WAIT_SECONDS`` is told to try again in a moment.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

from jaring.errors import DomainError
from jaring.i18n import N_

SLOT_SPACE = 0x4A524E47  # "JRNG": the advisory lock space of the report slots
POLL_SECONDS = 0.25

_semaphores: dict[int, threading.BoundedSemaphore] = {}
_semaphores_lock = threading.Lock()


class ReportsBusy(DomainError):
    code = "reports_busy"
    http_status = 503


def _busy() -> ReportsBusy:
    return ReportsBusy(
        N_("Server sedang menyusun laporan lain. Coba lagi sebentar lagi; halaman lain tetap dapat dibuka.")
    )


@contextmanager
def build_slot(*, builds: int | None = None, wait: float | None = None):
    """Hold one of the ``builds`` report slots while the block runs; ReportsBusy when
    none is free within ``wait`` seconds."""
    builds = max(1, settings.JARING_REPORT_BUILDS if builds is None else builds)
    wait = settings.JARING_REPORT_WAIT_SECONDS if wait is None else wait
    primary = connections["default"]
    if primary.vendor != "postgresql":
        with _semaphores_lock:
            semaphore = _semaphores.setdefault(builds, threading.BoundedSemaphore(builds))
        if not semaphore.acquire(timeout=wait):
            raise _busy()
        try:
            yield
        finally:
            semaphore.release()
        return
    slot = _take(primary, builds, time.monotonic() + wait)
    try:
        yield
    finally:
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [SLOT_SPACE, slot])


def _take(primary, builds: int, deadline: float) -> int:
    while True:
        with primary.cursor() as cursor:
            for slot in range(builds):
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [SLOT_SPACE, slot])
                if cursor.fetchone()[0]:
                    return slot
        if time.monotonic() >= deadline:
            raise _busy()
        time.sleep(POLL_SECONDS)
