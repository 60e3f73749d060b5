"""The tables partitioned by year on PostgreSQL (``jaring.partitioning``) and the
daily job that keeps their partitions ready."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jaring.audit.partitions import AUDIT_EVENTS
from jaring.billing.partitions import BILL_LINES, PAID_MONTHS
from jaring.partitioning import ensure

BY_YEAR = (BILL_LINES, PAID_MONTHS, AUDIT_EVENTS)


def partitions_ensure(today: date | None = None) -> dict[str, list[str]]:
    """Every year-partitioned table's partitions through ``AHEAD`` years past
    ``today``; the partitions created, by table."""
    today = today or timezone.localdate()
    return {spec.table: ensure(spec, today=today) for spec in BY_YEAR}
