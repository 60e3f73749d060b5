"""``/healthz`` and ``/readyz``: what a load balancer and a monitoring system ask.

Both answer JSON without a login and hold no personal data: times, ages and counts
only. ``/healthz`` says the process answers. ``/readyz`` says whether this Jaring can
serve and keep itself current, and answers 503 naming what is wrong: the database is
unreachable, migrations are not applied, no task worker has finished a heartbeat for 5
minutes (the scheduler enqueues one a minute), a queued task has waited more than 30
minutes, the shared cache (REDIS_URL) does not answer, or the alert sweep or summary
rebuild is older than twice its allowed age.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jaring.alerts.models import AlertRefresh
from jaring.monitoring.models import SummaryRefresh
from jaring.ops.models import ScheduledJob
from jaring.ops.tasks import heartbeat

WORKER_SILENT = timedelta(minutes=5)
QUEUE_WAIT = timedelta(minutes=30)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _age(moment, now) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


def _latest(model):
    return model.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()


def readiness() -> tuple[bool, dict]:
    """(ready, the checks): each check's figures and, when wrong, its ``problem``."""
    now = timezone.now()
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except DatabaseError as exc:
        checks["database"] = {"ok": False, "problem": f"database unreachable: {type(exc).__name__}"}
        return False, checks
    checks["cache"] = _cache_check()
    plan = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
    checks["migrations"] = {"ok": not plan, "pending": len(plan)}
    if plan:
        checks["migrations"]["problem"] = "migrations not applied: run jaring migrate"
    beat = (
        DBTaskResult.objects.filter(task_path=heartbeat.module_path, status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    checks["worker"] = {
        "ok": beat is not None and now - beat <= WORKER_SILENT,
        "last_heartbeat_age_s": _age(beat, now),
    }
    if not checks["worker"]["ok"]:
        checks["worker"]["problem"] = (
            "no task worker finished a heartbeat in 5 minutes (worker or scheduler down)"
        )
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    checks["queue"] = {
        "ok": oldest is None or now - oldest <= QUEUE_WAIT,
        "queued": waiting.count(),
        "oldest_queued_age_s": _age(oldest, now),
    }
    if not checks["queue"]["ok"]:
        checks["queue"]["problem"] = "a queued task has waited more than 30 minutes"
    for name, model, minutes in (
        ("alert_sweep", AlertRefresh, settings.JARING_ALERTS_MAX_AGE_MINUTES),
        ("summary_rebuild", SummaryRefresh, settings.JARING_SUMMARY_MAX_AGE_MINUTES),
    ):
        last = _latest(model)
        fresh = last is not None and now - last <= timedelta(minutes=2 * minutes)
        checks[name] = {
            "ok": fresh,
            "last_finished": last.isoformat() if last else None,
            "age_s": _age(last, now),
        }
        if not fresh:
            checks[name]["problem"] = f"{name.replace('_', ' ')} older than {2 * minutes} minutes"
    checks["schedule"] = {
        "ok": True,
        "jobs": {
            job.name: {"last_started": _iso(job.last_started), "last_ok": job.last_ok}
            for job in ScheduledJob.objects.all()
        },
    }
    return all(check["ok"] for check in checks.values()), checks


def _cache_check() -> dict:
    """The shared cache (REDIS_URL) answers a write and a read; a process's own memory
    always does."""
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    probe = f"jaring:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(probe, 1, timeout=10)
        answered = cache.get(probe) == 1
        cache.delete(probe)
    except Exception as exc:  # the client's own errors (redis.ConnectionError, timeouts)
        return {"ok": False, "backend": backend, "problem": f"cache unreachable: {type(exc).__name__}"}
    if not answered:
        return {"ok": False, "backend": backend, "problem": "cache kept no value"}
    return {"ok": True, "backend": backend}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@never_cache
@require_GET
def readyz(request):
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
