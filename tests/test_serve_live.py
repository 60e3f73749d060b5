"""Production processes on PostgreSQL with committed data: ``jaring serve`` (gunicorn)
answers, ``jaring scheduler --once`` runs the project's schedule, a ``db_worker``
finishes the heartbeat it enqueued, ``/readyz`` turns from 503 to 200, and the server
stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import time

import pytest
import requests
from django.db import connection

from .live_stack import _free_port, _start, _stop, jaring_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the live stack runs on PostgreSQL"),
]


def _answer(url: str, deadline: float) -> requests.Response:
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_scheduler_and_worker_make_jaring_ready(tmp_path):
    with jaring_database(tmp_path, label="serve", demo_users=False) as stack:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = worker = None
        try:
            server = _start(stack, "server", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
            healthz = _answer(f"{base}/healthz", time.monotonic() + 30)
            assert healthz.status_code == 200 and healthz.json() == {"status": "ok"}, stack.log_tail("server")
            before = requests.get(f"{base}/readyz", timeout=10)
            assert before.status_code == 503
            assert not before.json()["checks"]["worker"]["ok"]
            assert before.json()["checks"]["migrations"]["ok"]

            ran = stack.jaring_ok("scheduler", "--once", "--json")
            assert {'"job": "heartbeat"', '"job": "alerts"', '"job": "summaries"'} <= {
                part.split(",")[0].strip("{ ") for part in ran.splitlines() if part.startswith("{")
            }, ran
            again = stack.jaring_ok("scheduler", "--once", "--json")
            assert '"job": "alerts"' not in again  # not due again: one run per turn

            worker = _start(stack, "worker", "db_worker", "--interval", "0.2", "--no-startup-delay")
            deadline = time.monotonic() + 60
            while (ready := requests.get(f"{base}/readyz", timeout=10)).status_code != 200:
                assert time.monotonic() < deadline, (ready.json(), stack.log_tail("worker"))
                time.sleep(0.5)
            checks = ready.json()["checks"]
            assert checks["worker"]["last_heartbeat_age_s"] < 300
            assert checks["alert_sweep"]["ok"] and checks["summary_rebuild"]["ok"]

            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=40) == 0, stack.log_tail("server")
        finally:
            _stop(server)
            _stop(worker)
