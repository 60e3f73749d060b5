"""Running Jaring: the scheduled jobs' leases and runs."""

from __future__ import annotations

from django.db import models


class ScheduledJob(models.Model):
    """One job of the schedule (``ops.schedule.SCHEDULE``) as the schedulers share it.

    A scheduler runs a job only after taking its lease with one conditional ``UPDATE``
    (``ops.schedule.claim``), so two schedulers never run it at once; a lease left by
    a scheduler that died expires at ``lease_until``."""

    name = models.CharField(max_length=40, unique=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=120, blank=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_error = models.TextField(blank=True)
    last_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
