"""What Jaring says about itself while it runs: one JSON log line per request and per
task, slow requests and queries logged, and figures for Prometheus (``/metrics``).

Log lines carry the method, the path (never its query: a search may hold a NIK), the
status, the duration, the user's id (not their name) and a request id (the
``X-Request-ID`` the proxy sent, else a new one, returned in the answer's header). A
slow query is logged with its SQL text only, never its parameters. ``/metrics`` answers
only with the bearer token ``JARING_METRICS_TOKEN`` (404 without one set): request
latency by view and status, task durations by task, the queue by status, and rows
imported. Under ``jaring serve`` (several worker processes) the figures of every
process are gathered from ``PROMETHEUS_MULTIPROC_DIR``.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from jaring.metrics import IMPORT_ROWS, IMPORT_SECONDS, REQUEST_SECONDS, TASK_SECONDS

requests_log = logging.getLogger("jaring.request")
tasks_log = logging.getLogger("jaring.task")
slow_log = logging.getLogger("jaring.slow")


def _json_line(logger: logging.Logger, level: int, **fields) -> None:
    if logger.isEnabledFor(level):  # every request passes here: no JSON for a line not kept
        logger.log(level, json.dumps(fields, ensure_ascii=False, default=str))


class RequestLogMiddleware:
    """One JSON line per request (``jaring.request``, INFO; WARNING when slower than
    ``JARING_SLOW_REQUEST_MS``), a ``jaring.slow`` line per query slower than
    ``JARING_SLOW_QUERY_MS``, and the request's latency in ``jaring_request_seconds``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        started = time.perf_counter()
        with connection.execute_wrapper(_SlowQueries(request.id)):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match and match.view_name else "unmatched"
        REQUEST_SECONDS.labels(view=view, status=f"{response.status_code // 100}xx").observe(seconds)
        user = getattr(request, "user", None)
        slow = seconds * 1000 >= settings.JARING_SLOW_REQUEST_MS
        _json_line(
            requests_log,
            logging.WARNING if slow else logging.INFO,
            event="request",
            method=request.method,
            path=request.path,
            view=view,
            status=response.status_code,
            duration_ms=round(seconds * 1000, 1),
            user_id=user.pk if user is not None and user.is_authenticated else None,
            request_id=request.id,
            slow=slow,
        )
        response["X-Request-ID"] = request.id
        return response


class _SlowQueries:
    def __init__(self, request_id: str):
        self.request_id = request_id

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            if ms >= settings.JARING_SLOW_QUERY_MS:
                _json_line(
                    slow_log,
                    logging.WARNING,
                    event="slow_query",
                    duration_ms=round(ms, 1),
                    sql=sql[:2000],  # the text only: parameters may be personal data
                    request_id=self.request_id,
                )


def task_finished(sender, task_result, **kwargs) -> None:
    """``django_tasks``' signal: a JSON line and the duration of each finished task."""
    started, finished = task_result.started_at, task_result.finished_at
    seconds = (finished - started).total_seconds() if started and finished else 0.0
    name = task_result.task.module_path
    status = str(task_result.status)
    TASK_SECONDS.labels(task=name, status=status).observe(seconds)
    _json_line(
        tasks_log,
        logging.INFO if status == "SUCCESSFUL" else logging.WARNING,
        event="task",
        task=name,
        task_id=str(task_result.id),
        status=status,
        duration_ms=round(seconds * 1000, 1),
    )


class _QueueCollector:
    """The task queue by status, read when Prometheus asks."""

    def collect(self):
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        family = GaugeMetricFamily("jaring_tasks", "Tasks in the queue table, by status.", labels=["status"])
        for status, n in DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by():
            family.add_metric([status], n)
        yield family


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in (REQUEST_SECONDS, TASK_SECONDS, IMPORT_ROWS, IMPORT_SECONDS):
            registry.register(metric)
    registry.register(_QueueCollector())
    return registry


@never_cache
@require_GET
def metrics(request):
    token = settings.JARING_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not constant_time_compare(given, token):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
