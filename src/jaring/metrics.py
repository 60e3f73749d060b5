"""The figures Jaring counts for Prometheus (served by ``ops.observe.metrics``).

Plain ``prometheus_client`` metrics with no Django, so any layer may count: the request
middleware and the task signal (``ops.observe``), and the importers (``imported``).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "jaring_request_seconds",
    "Time to answer a request, by view and status class.",
    ["view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60),
)
TASK_SECONDS = Histogram(
    "jaring_task_seconds",
    "Time a background task ran, by task and outcome.",
    ["task", "status"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600),
)
IMPORT_ROWS = Counter("jaring_import_rows", "Rows read by imports, by kind.", ["kind"])
IMPORT_SECONDS = Counter("jaring_import_seconds", "Seconds spent importing, by kind.", ["kind"])


def imported(kind: str, rows: int, seconds: float) -> None:
    """An import of ``rows`` rows took ``seconds`` (rows per second = their ratio)."""
    IMPORT_ROWS.labels(kind=kind).inc(rows)
    IMPORT_SECONDS.labels(kind=kind).inc(seconds)
