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


def _ready_now():
    _beat(timedelta(seconds=30))
    alerts_refresh()
    summaries_refresh()


def test_readyz_answers_503_naming_an_unreachable_shared_cache(settings):
    """With REDIS_URL pointing at a Redis that does not answer, every page's cache call
    would fail: readyz says so (a port nothing listens on)."""
    _ready_now()
    assert Client().get("/readyz").json()["checks"]["cache"] == {"ok": True, "backend": "LocMemCache"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: refused
        }
    }
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    cache_check = answer.json()["checks"]["cache"]
    assert cache_check["ok"] is False and cache_check["backend"] == "RedisCache"
    assert cache_check["problem"].startswith("cache unreachable: ")


def _redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379 (CI has one)")
def test_with_redis_url_two_processes_share_one_cache(tmp_path):
    """REDIS_URL makes every process read the same cache: what one process (a web
    worker) keeps, another (a second worker, a second server) finds; readyz is ready."""
    import os
    import secrets
    import subprocess
    import sys

    key, value = f"test:{secrets.token_hex(8)}", secrets.token_hex(8)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jaring.settings",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }

    def run(code: str) -> str:
        script = f"import django; django.setup(); from django.core.cache import cache; {code}"
        return subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    run(f"cache.set({key!r}, {value!r}, timeout=60)")
    assert run(f"print(cache.get({key!r}))") == value
    assert run("from jaring.ops.health import _cache_check; print(_cache_check())") == str(
        {"ok": True, "backend": "RedisCache"}
    )
    run(f"cache.delete({key!r})")
