"""Reads of alerts, through the jurisdiction scope: an alert is seen inside the
jurisdiction holding its region, and by the organization responsible for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from jaring import codes
from jaring.access.scoping import region_subtree_q, scope_to_jurisdiction_or_own, sees_region_or_own
from jaring.alerts.models import SEVERITY_ORDER, Alert, AlertRefresh, Severity
from jaring.alerts.sources import SOURCES, Draft

STATUSES = {
    "terbuka": "open, not acknowledged",
    "ditanggapi": "open, acknowledged",
    "selesai": "resolved",
    "semua": "all",
}


def alerts_visible_to(user) -> QuerySet[Alert]:
    return scope_to_jurisdiction_or_own(
        Alert.objects.all(), user, field="region_code", organization_field="organization_id"
    )


def alert_get(user, pk: int) -> Alert:
    return get_object_or_404(alerts_visible_to(user), pk=pk)


def inbox(user, *, status: str = "terbuka", kind: str = "", region: str = "") -> QuerySet[Alert]:
    """Most urgent first, then the newest."""
    found = alerts_visible_to(user).select_related("acknowledged_by")
    if status == "terbuka":
        found = found.filter(resolved_at__isnull=True, acknowledged_at__isnull=True)
    elif status == "ditanggapi":
        found = found.filter(resolved_at__isnull=True, acknowledged_at__isnull=False)
    elif status == "selesai":
        found = found.filter(resolved_at__isnull=False)
    if kind:
        found = found.filter(kind=kind)
    if region:
        code = codes.try_normalize(region)
        found = found.filter(region_subtree_q("region_code", code)) if code else found.none()
    rank = Case(
        *[When(severity=s, then=Value(order)) for s, order in SEVERITY_ORDER.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    return found.annotate(rank=rank).order_by("rank", "-raised_at", "id")


@dataclass(frozen=True)
class Condition:
    """An alert condition that held on a day, computed from the records as of then."""

    kind: str
    draft: Draft

    @property
    def severity_label(self) -> str:
        return str(Severity(self.draft.severity).label)


def conditions_on(user, on: date, *, region: str = "") -> list[Condition]:
    """The alerts whose conditions held on ``on``, computed by every source from the
    records as of that day (not read from the stored alerts, which are today's), seen
    as the inbox would show them to ``user``; most urgent first."""
    code = codes.try_normalize(region) if region else ""
    found = []
    for kind, source in sorted(SOURCES.items()):
        for draft in source.collect(on, code or ""):
            if code and not draft.region_code.startswith(code):
                continue
            if sees_region_or_own(user, draft.region_code, draft.organization_id):
                found.append(Condition(kind, draft))
    found.sort(key=lambda c: (SEVERITY_ORDER.get(c.draft.severity, 9), c.kind, c.draft.key))
    return found


def open_counts(user) -> dict[str, int]:
    """Open alerts per kind (acknowledged or not), for dashboards and the menu."""
    rows = (
        alerts_visible_to(user)
        .filter(resolved_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def last_refresh() -> AlertRefresh | None:
    return AlertRefresh.objects.order_by("-finished_at").first()
