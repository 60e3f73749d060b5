"""The kept summary of people protected by Jaring programs, per region.

Counting protection statuses means reading the registry and every paid month; at
national scale that takes seconds to minutes, so dashboards never do it per request.
``summaries_refresh`` rebuilds one row per region (every village, district, regency
and province) from two grouped queries (billing.selectors.protection_counts_by_village)
and the kept enrolment counts; a background task runs it when the summary is older than
JARING_SUMMARY_MAX_AGE_MINUTES, `jaring refresh_summaries` from cron, and the demo seed.
Dashboards read a handful of rows and show when they were computed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from jaring import codes
from jaring.access.scoping import jurisdiction_of, region_subtree_q, scope_to_jurisdiction
from jaring.billing.selectors import protection_counts_by_village
from jaring.bulk import bulk_insert
from jaring.monitoring.models import ProtectionSummary, SummaryRefresh
from jaring.programs.models import VillageEnrolmentCount
from jaring.programs.selectors import active_enrolments_on

STATUSES = ("active", "arrears", "lapsed", "deceased", "exited", "not_covered")
FIELDS = (*STATUSES, "enrolled")
LEVEL_OF_LENGTH = {2: "province", 4: "regency", 6: "district", 10: "village"}
REFRESH_QUEUED_KEY = "jaring:summaries:refresh-queued"


@dataclass(frozen=True)
class Protected:
    """People of a region per protection status, as of the summary's day."""

    active: int = 0
    arrears: int = 0
    lapsed: int = 0
    deceased: int = 0
    exited: int = 0
    not_covered: int = 0
    enrolled: int = 0

    @property
    def people(self) -> int:
        return sum(getattr(self, s) for s in STATUSES)

    @property
    def protected_share(self) -> float | None:
        """Percent of the people who ever had a paid month that are active."""
        paid = self.active + self.arrears + self.lapsed
        return round(100 * self.active / paid, 1) if paid else None

    def plus(self, other: Protected) -> Protected:
        return Protected(**{f: getattr(self, f) + getattr(other, f) for f in FIELDS})


def summary_rows(on: date) -> list[dict]:
    """The summary for ``on`` as rows (region code, level, day and the counts), computed
    from the records: what ``summaries_refresh`` writes and ``check_integrity`` compares."""
    by_village = protection_counts_by_village(on)
    enrolled = dict(
        VillageEnrolmentCount.objects.filter(program__ends_on__gte=on, program__starts_on__lte=on)
        .values_list("village_id")
        .annotate(n=Sum("active"))
        .order_by()
    )
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for village in set(by_village) | set(enrolled):
        counts = {**by_village.get(village, {}), "enrolled": enrolled.get(village, 0) or 0}
        for code in (village, village[:6], village[:4], village[:2]):
            row = totals[code]
            for field in FIELDS:
                row[field] += counts.get(field, 0)
    return [
        {"region_code": code, "level": LEVEL_OF_LENGTH[len(code)], "on": on, **values}
        for code, values in sorted(totals.items())
    ]


def summaries_refresh(*, on: date | None = None) -> SummaryRefresh:
    """Rebuild the summary for ``on`` (default today) in one transaction: readers see
    the old rows or the new ones, never half."""
    on = on or timezone.localdate()
    started_at, started = timezone.now(), time.perf_counter()
    rows = summary_rows(on)
    with transaction.atomic():
        ProtectionSummary.objects.all().delete()
        bulk_insert(ProtectionSummary, rows)
        return SummaryRefresh.objects.create(
            on=on,
            started_at=started_at,
            finished_at=timezone.now(),
            regions=len(rows),
            seconds=round(time.perf_counter() - started, 2),
        )


def last_refresh() -> SummaryRefresh | None:
    return SummaryRefresh.objects.order_by("-finished_at").first()


def refresh_if_stale() -> SummaryRefresh | None:
    """Queue a rebuild when the summary is older than JARING_SUMMARY_MAX_AGE_MINUTES or
    was computed for another day (at most one queued per ten minutes); returns the
    refresh the summary now stands on."""
    last = last_refresh()
    age = timedelta(minutes=settings.JARING_SUMMARY_MAX_AGE_MINUTES)
    if last is not None and last.on == timezone.localdate() and timezone.now() - last.finished_at < age:
        return last
    if cache.add(REFRESH_QUEUED_KEY, True, timeout=600):
        from jaring.monitoring.tasks import refresh_summaries

        refresh_summaries.enqueue()
        return last_refresh()  # a new one when the task ran inline
    return last


def last_refresh_day() -> date | None:
    """The day the kept summary counts."""
    return ProtectionSummary.objects.values_list("on", flat=True).first()


def _child_level(region_code: str | None) -> str | None:
    if not region_code:
        return "province"
    below = codes.LEVEL_ORDER[codes.LEVEL_ORDER.index(codes.level_of(region_code)) + 1 :]
    return below[0].value if below else None


def _children_on(user, region_code: str | None, on: date) -> dict[str, Protected]:
    level, jurisdiction = _child_level(region_code), jurisdiction_of(user)
    if level is None:
        return {}
    # Enrolments that held people on that day (the kept counters count today's).
    enrolled: dict[str, int] = defaultdict(int)
    length = codes.LENGTH_BY_LEVEL[codes.Level(level)]
    per_village = active_enrolments_on(on).values_list("village_id").annotate(n=Count("id")).order_by()
    for village, count in per_village:
        enrolled[village[:length]] += count
    shown = {}
    for row in summary_rows(on):
        code = row["region_code"]
        if row["level"] == level and code.startswith(region_code or "") and jurisdiction.contains(code):
            shown[code] = Protected(**{f: row[f] for f in STATUSES}, enrolled=enrolled[code])
    return shown


def _visible(user):
    return scope_to_jurisdiction(ProtectionSummary.objects.all(), user, field="region_code")


def protected_in(user, region_code: str | None) -> Protected:
    """The summary of a region, or of the user's whole jurisdiction (its top regions
    added up; everything for the platform). One indexed read of a few rows."""
    if region_code:
        rows = _visible(user).filter(region_code=region_code)
    else:
        jurisdiction = jurisdiction_of(user)
        if jurisdiction.unrestricted:
            rows = ProtectionSummary.objects.filter(level="province")
        else:
            rows = _visible(user).filter(region_code__in=list(jurisdiction.codes))
    total = Protected()
    for row in rows.values(*FIELDS):
        total = total.plus(Protected(**row))
    return total


def protected_children(user, region_code: str | None, on: date | None = None) -> dict[str, Protected]:
    """The summary of each region one level below ``region_code`` (provinces for the
    whole country), keyed by code. For a day ``on`` other than the kept summary's, the
    counts of that day are computed from the records (``summary_rows``: seconds at
    national scale, so only for a page asked for a past date), never today's."""
    if on is not None and on != last_refresh_day():
        return _children_on(user, region_code, on)
    level = _child_level(region_code)
    if level is None:
        return {}
    rows = _visible(user).filter(level=level)
    if region_code:
        rows = rows.filter(region_subtree_q("region_code", region_code))
    return {row.pop("region_code"): Protected(**row) for row in rows.values("region_code", *FIELDS)}
