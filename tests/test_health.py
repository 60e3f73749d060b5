"""``/healthz`` and ``/readyz`` (jaring.ops.health): open to all, no personal data, and
``readyz`` answers 503 naming what is wrong."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jaring.alerts.services import alerts_refresh
from jaring.monitoring.summaries import summaries_refresh
from jaring.ops.tasks import heartbeat

pytestmark = pytest.mark.django_db


def _beat(finished_ago: timedelta) -> None:
    """A heartbeat task a worker finished ``finished_ago``."""
    now = timezone.now()
    DBTaskResult.objects.create(
        task_path=heartbeat.module_path,
        args_kwargs={"args": [], "kwargs": {}},
        status=TaskResultStatus.SUCCESSFUL,
        run_after=now - finished_ago,
        started_at=now - finished_ago,
        finished_at=now - finished_ago,
        backend_name="default",
        queue_name="default",
        priority=0,
    )


def test_healthz_answers_without_login():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_is_ready_when_worker_sweep_and_rebuild_are_recent():
    _beat(timedelta(minutes=1))
    alerts_refresh()
    summaries_refresh()
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["worker"]["last_heartbeat_age_s"] < 120
    assert body["checks"]["queue"] == {"ok": True, "queued": 0, "oldest_queued_age_s": None}


def test_readyz_answers_503_naming_a_silent_worker_a_stale_sweep_and_a_waiting_task():
    _beat(timedelta(minutes=6))
    summaries_refresh()
    now = timezone.now()
    waiting = DBTaskResult.objects.create(
        task_path=heartbeat.module_path,
        args_kwargs={"args": [], "kwargs": {}},
        status=TaskResultStatus.READY,
        run_after=now,
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - timedelta(minutes=31))
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    checks = body["checks"]
    wrong = {name for name, check in checks.items() if not check["ok"]}
    assert wrong == {"worker", "queue", "alert_sweep"}
    assert "heartbeat" in checks["worker"]["problem"]
    assert checks["queue"]["queued"] == 1 and checks["queue"]["oldest_queued_age_s"] > 30 * 60
    assert checks["alert_sweep"]["last_finished"] is None
    assert checks["summary_rebuild"]["ok"]


def test_readyz_reveals_no_personal_data(demo):
    from jaring.registry.models import Participant

    response = Client().get("/readyz")
    text = json.dumps(response.json())
    for person in Participant.objects.all()[:50]:
        assert person.nik not in text and person.full_name not in text
    assert "@" not in text  # no user or e-mail either
