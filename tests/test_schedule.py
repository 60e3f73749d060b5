"""The schedule held in the project (jaring.ops.schedule): a job runs when due, once per
turn, never by two schedulers at once, and a failure is recorded."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jaring.ops import schedule
from jaring.ops.models import ScheduledJob

pytestmark = pytest.mark.django_db


def _counting(name="tick", every=timedelta(minutes=15), lease=timedelta(minutes=5)):
    calls = []
    return schedule.Job(name, lambda: calls.append(1) or len(calls), every=every, lease=lease), calls


def test_a_job_runs_when_due_and_once_per_turn():
    job, calls = _counting()
    now = timezone.now()
    assert [r.job for r in schedule.run_due(owner="a", now=now, jobs=[job])] == ["tick"]
    assert schedule.run_due(owner="b", now=now + timedelta(minutes=14), jobs=[job]) == []
    assert len(schedule.run_due(owner="b", now=now + timedelta(minutes=15), jobs=[job])) == 1
    assert len(calls) == 2
    row = ScheduledJob.objects.get(name="tick")
    assert row.last_ok is True and row.lease_until is None and row.last_seconds is not None


def test_a_held_lease_keeps_a_second_scheduler_out_until_it_expires():
    job, _calls = _counting()
    now = timezone.now()
    assert schedule.claim(job, now=now, owner="a")  # a took it and is still running
    ScheduledJob.objects.filter(name="tick").update(
        last_started=now - timedelta(hours=1)
    )  # and it is due again
    assert not schedule.claim(job, now=now + timedelta(minutes=4), owner="b")
    assert schedule.claim(job, now=now + timedelta(minutes=6), owner="b")  # a died: its lease ran out
    assert ScheduledJob.objects.get(name="tick").leased_by == "b"


def test_a_failing_job_is_recorded_and_the_next_still_runs():
    def broken():
        raise RuntimeError("server surel tidak menjawab")

    failing = schedule.Job("broken", broken, every=timedelta(minutes=1))
    job, _calls = _counting()
    ran = schedule.run_due(owner="a", jobs=[failing, job])
    assert [(r.job, r.ok) for r in ran] == [("broken", False), ("tick", True)]
    row = ScheduledJob.objects.get(name="broken")
    assert (
        row.last_ok is False and "server surel tidak menjawab" in row.last_error and row.lease_until is None
    )


def test_a_daily_job_runs_once_a_day_from_its_time():
    job, calls = _counting(name="daily", every=None)
    job = schedule.Job("daily", job.run, at=time(6, 0))
    zone = timezone.get_current_timezone()
    early = timezone.make_aware(datetime(2026, 12, 7, 5, 0), zone)
    assert len(schedule.run_due(owner="a", now=early, jobs=[job])) == 1  # never ran: runs
    assert schedule.run_due(owner="a", now=early + timedelta(minutes=30), jobs=[job]) == []
    assert len(schedule.run_due(owner="a", now=early + timedelta(hours=1, minutes=1), jobs=[job])) == 1
    assert schedule.run_due(owner="a", now=early + timedelta(hours=20), jobs=[job]) == []
    assert len(calls) == 2


def test_the_scheduler_command_runs_the_projects_schedule_once(monkeypatch):
    ran = []
    jobs = tuple(
        schedule.Job(job.name, lambda name=job.name: ran.append(name), every=job.every, at=job.at)
        for job in schedule.SCHEDULE
    )
    monkeypatch.setattr(
        "jaring.ops.management.commands.scheduler.run_due",
        lambda owner: schedule.run_due(owner=owner, jobs=jobs),
    )
    call_command("scheduler", "--once")
    assert set(ran) == {"heartbeat", "alerts", "summaries", "digests", "partitions"}


def test_the_schedule_runs_the_real_jobs():
    ran = schedule.run_due(owner="a", jobs=[j for j in schedule.SCHEDULE if j.name != "digests"])
    assert {r.job: r.ok for r in ran} == {
        "heartbeat": True,
        "alerts": True,
        "summaries": True,
        "partitions": True,
    }, ran


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment")
def test_two_schedulers_at_once_run_a_job_once_on_postgresql(db):
    from .concurrency import at_once, empty_committed_tables, in_own_connection

    calls = []
    job = schedule.Job("together", lambda: calls.append(1), every=timedelta(minutes=15))
    try:
        owners = iter(["one", "two", "three"])
        results = at_once(lambda: schedule.run_due(owner=next(owners), jobs=[job]), count=3)
        assert sorted(len(r) for r in results) == [0, 0, 1], results
        assert len(calls) == 1
        assert in_own_connection(lambda: ScheduledJob.objects.get(name="together").last_ok) is True
    finally:
        empty_committed_tables()
