"""Scheduled work, held in the project instead of cron lines.

``SCHEDULE`` names each job, how often it runs (every so many minutes, or once a day
from a time of day) and how long a run may hold it. Any number of schedulers may run
(``jaring scheduler``): a scheduler runs a due job only after taking its lease with one
conditional ``UPDATE`` of its ``ScheduledJob`` row, which also says the job has not
started since it fell due, so two schedulers never run one job at once nor twice for
the same turn. A lease left by a scheduler that died expires and the job runs again.
Every run is recorded on the row: when it started and finished, how long it took,
whether it failed and why (``/readyz`` reads them).
"""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jaring.alerts.digests import digests_send
from jaring.alerts.services import alerts_refresh
from jaring.monitoring.summaries import summaries_refresh
from jaring.ops.models import ScheduledJob
from jaring.ops.partitions import partitions_ensure
from jaring.ops.tasks import heartbeat

log = logging.getLogger("jaring.schedule")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    every: timedelta | None = None  # or, once a day from ``at`` (local time)
    at: time | None = None
    lease: timedelta = timedelta(minutes=30)  # the longest a run may hold the job

    def turn_started(self, now: datetime) -> datetime:
        """When the job's current turn began: a run started before it is due again."""
        if self.every is not None:
            return now - self.every
        local = timezone.localtime(now)
        start = timezone.make_aware(datetime.combine(local.date(), self.at), timezone.get_current_timezone())
        return start if start <= local else start - timedelta(days=1)


def _alerts() -> dict:
    run = alerts_refresh()
    return {"raised": run.raised, "updated": run.updated, "resolved": run.resolved, "failures": run.failures}


def _summaries() -> dict:
    run = summaries_refresh()
    return {"on": run.on.isoformat(), "regions": run.regions, "seconds": run.seconds}


def _digests() -> dict:
    run = digests_send()
    return {"sent": len(run.digests), "failures": len(run.failures)}


def _partitions() -> dict:
    return {table: names for table, names in partitions_ensure().items() if names}


def _heartbeat() -> dict:
    return {"task": str(heartbeat.enqueue().id)}


SCHEDULE = (
    Job("heartbeat", _heartbeat, every=timedelta(minutes=1), lease=timedelta(minutes=1)),
    Job("alerts", _alerts, every=timedelta(minutes=15)),
    Job("summaries", _summaries, every=timedelta(minutes=15)),
    Job("digests", _digests, at=time(6, 0), lease=timedelta(hours=1)),
    Job("partitions", _partitions, at=time(1, 0)),
)


@dataclass(frozen=True)
class Ran:
    job: str
    ok: bool
    seconds: float
    result: object = None
    error: str = ""


def claim(job: Job, *, now: datetime, owner: str) -> bool:
    """Take ``job``'s lease when it is due and nobody holds it; True when taken."""
    try:
        with transaction.atomic():
            ScheduledJob.objects.get_or_create(name=job.name)
    except IntegrityError:  # another scheduler created the row a moment before
        pass
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = Q(last_started__isnull=True) | Q(last_started__lte=job.turn_started(now))
    taken = ScheduledJob.objects.filter(free & due, name=job.name).update(
        lease_until=now + job.lease, leased_by=owner, last_started=now
    )
    return taken == 1


def _finish(job: Job, owner: str, ran: Ran) -> None:
    ScheduledJob.objects.filter(name=job.name, leased_by=owner).update(
        lease_until=None,
        last_finished=timezone.now(),
        last_ok=ran.ok,
        last_error=ran.error[:2000],
        last_seconds=ran.seconds,
    )


def run_due(*, owner: str, now: datetime | None = None, jobs=SCHEDULE) -> list[Ran]:
    """Run every job of ``jobs`` that is due and whose lease this scheduler takes."""
    done = []
    for job in jobs:
        if not claim(job, now=now or timezone.now(), owner=owner):
            continue
        started = clock.perf_counter()
        try:
            result = job.run()
        except Exception as exc:  # a failed job is recorded and the others still run
            log.exception("scheduled job %s failed", job.name)
            ran = Ran(job.name, False, clock.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
        else:
            ran = Ran(job.name, True, clock.perf_counter() - started, result=result)
            log.info("scheduled job %s done in %.1f s", job.name, ran.seconds)
        _finish(job, owner, ran)
        done.append(ran)
    return done
