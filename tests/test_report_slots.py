"""At most JARING_REPORT_BUILDS monev reports are built at once (jaring.reports.slots):
on PostgreSQL across every connection (two real ones here), on SQLite within the
process; a build that finds no slot in time is told to try again, with 503."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections

from jaring.reports import slots
from jaring.reports.slots import SLOT_SPACE, ReportsBusy, build_slot

from .concurrency import at_once

pytestmark = pytest.mark.django_db


@contextmanager
def _slot_held_elsewhere(slot: int = 0):
    """Slot ``slot`` taken by another database session (PostgreSQL) or another thread of
    this process (SQLite), for as long as the block runs."""
    if connection.vendor == "postgresql":
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [SLOT_SPACE, slot])
            yield
        finally:
            other.close()  # the session ends: its lock goes with it
        return
    taken, release = threading.Event(), threading.Event()

    def hold():
        with build_slot(builds=1, wait=1):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join()


def _slots_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s", [SLOT_SPACE]
        )
        return cursor.fetchone()[0]


def test_a_build_waits_for_a_slot_and_gives_up_with_a_message_to_try_again():
    with _slot_held_elsewhere():
        started = time.monotonic()
        with pytest.raises(ReportsBusy) as refused, build_slot(builds=1, wait=0.6):
            pytest.fail("no slot was free")
        assert time.monotonic() - started >= 0.5  # it waited before giving up
        assert refused.value.http_status == 503
        assert "Coba lagi sebentar lagi" in refused.value.indonesian
    with build_slot(builds=1, wait=0.6):  # given back: free again
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the slots of the database are PostgreSQL's")
def test_with_two_slots_the_second_build_runs_beside_the_first_and_each_slot_is_given_back():
    with _slot_held_elsewhere(0):
        before = _slots_held()
        with build_slot(builds=2, wait=0.3):
            assert _slots_held() == before + 1
        assert _slots_held() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections: PostgreSQL")
def test_two_builds_at_once_on_two_connections_never_overlap_with_one_slot():
    spans = []

    def build():
        with build_slot(builds=1, wait=10):
            started = time.monotonic()
            time.sleep(0.4)
            spans.append((started, time.monotonic()))
        return True

    assert at_once(build) == [True, True]
    first, second = sorted(spans)
    assert second[0] >= first[1]  # the second began only after the first ended


def test_the_report_page_answers_503_with_the_form_and_retry_after_when_no_slot_is_free(demo, settings):
    settings.JARING_REPORT_WAIT_SECONDS = 0.3
    client = demo.client("jambi.viewer")
    query = {"region": "15.04", "period": "2025-05", "fmt": "xlsx"}
    with _slot_held_elsewhere():
        busy = client.get("/monev/laporan/", query)
    assert busy.status_code == 503 and busy["Retry-After"] == "10"
    assert "Server sedang menyusun laporan lain" in busy.content.decode()
    assert 'name="region"' in busy.content.decode()  # the form again, filled in
    done = client.get("/monev/laporan/", query)
    assert done.status_code == 200 and done["Content-Disposition"].endswith('.xlsx"')


def test_on_sqlite_a_second_build_in_the_process_waits_for_the_first():
    """One process (``make demo``): a semaphore, which a thread holding it cannot take twice."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's slots are advisory locks (above)")
    with build_slot(builds=1, wait=0.1), pytest.raises(ReportsBusy), build_slot(builds=1, wait=0.1):
        pytest.fail("the one slot was taken twice")
    assert isinstance(slots._semaphores[1], threading.BoundedSemaphore)
