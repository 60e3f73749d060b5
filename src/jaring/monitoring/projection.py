"""The road to the coverage target (UCJ projection): what the Jaring programs add to a
region's coverage on a date, what they will add by 31 December if the bills issued are
paid, and what it would take to reach the year's target after them. The rule and the
arithmetic are ``monitoring.ucj`` (pure); this module gathers the figures.

Definitions (a region, a date ``on``, the year Y of ``on``):

- ``participants``, ``potential``: the region's coverage figure in force on ``on``, as
  the dashboard reads it (``selectors.coverage_report``: the latest figure on or before
  the date, its own or the sum of its children's). ``target_pct`` is the region's target
  for Y (inherited from the province as the dashboard does) and ``target_participants``
  potential x target, rounded down (``coverage.target_participants``).
- The months of a person that count are the months of Y paid by the date (``paid_on``
  on or before ``on``; a span voided by a reversal dated after ``on`` still counts) and
  paid in time (a month paid more than 3 months after it does not count, as for
  protection: ``billing.protection.ARREARS_PAYABLE_MONTHS``), for people alive on ``on``
  and not exited. A month belongs to the region of the village of the bill line that
  billed it (where the person lived when billed; the (bill, village) index finds a
  region's lines), inside the reader's jurisdiction. Distinct months: a month paid or
  billed twice counts once.
- ``program_counted_now``: people counted now under the counting rule in force on
  ``on`` (``monitoring.CountingRule``): floor(sum of min(months of Y up to the date's
  month, threshold) / threshold).
- ``program_counted_year_end``: the same over all of Y once every bill in force on
  ``on`` is paid: issued by the end of that day and not corrected by then (its
  correction, issued by then, stands instead). Its unpaid months are taken as paid on
  the date, so a billed month more than 3 months before the date's month no longer
  counts (it could no longer be paid).
- ``program_people``: people of the region with at least one month of Y that counts
  by year end (paid, or billed and still payable).
- ``months_left``, ``people_needed``, ``rupiah_needed``: see ``monitoring.ucj``; each month
  left is priced by the rate table on its first day (as bills are) for the JKK + JKM
  package at the default declared income, for the region's government payer: the
  province's budget (APBD_PROV) for a province, the regency's (APBD_KAB) below, unless a
  source is given.

A figure is true as of its date: a later payment, bill, correction, reversal or coverage
figure does not change the projection of an earlier date. The paid months and bill
lines are read in one grouped query (one row per person inside the database, never in
Python), the rule and the rates in one small query each: three queries. That read costs
time in proportion to the region's people (index range scans of the region's bill lines
and their paid months: bench/dashboard.py), so the dashboard's panel keeps the counts of
a region, day and rule in the cache as long as the protection summary is kept; the
command and the monev report always read them afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from jaring import codes
from jaring.access.scoping import jurisdiction_of, region_subtree_q, scope_to_jurisdiction
from jaring.billing.models import Bill, BillLine, PaidMonths, Payment
from jaring.billing.protection import ARREARS_PAYABLE_MONTHS, month_index, month_start
from jaring.billing.selectors import deceased_q
from jaring.contributions import rates
from jaring.contributions.planning import INCOME_DEFAULT
from jaring.contributions.selectors import rate_table
from jaring.contributions.vocab import FundingSource, Package
from jaring.monitoring import coverage, selectors, ucj
from jaring.monitoring.coverage import CoverageLine
from jaring.monitoring.models import CountingRule
from jaring.regions.models import Region
from jaring.regions.selectors import region_in_jurisdiction
from jaring.registry.vocab import Status

MONTHS = range(ucj.MONTHS_PER_YEAR)


def counting_rules() -> list[ucj.CountingRule]:
    """Every counting rule as a pure rule (a handful of rows, one query)."""
    return [
        ucj.CountingRule(
            full_after_months=r.full_after_months,
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            basis=r.basis,
            id=r.pk,
        )
        for r in CountingRule.objects.order_by("effective_from", "id")
    ]


@dataclass(frozen=True)
class ProgramCounts:
    people: int
    months_now: int  # everybody's counted months up to the date's month (each capped)
    months_year_end: int  # the same over the year, once the bills in force are paid
    full_after: int

    @property
    def counted_now(self) -> int:
        return ucj.counted_people(self.months_now, self.full_after)

    @property
    def counted_year_end(self) -> int:
        return ucj.counted_people(self.months_year_end, self.full_after)


def _flag(condition: Q | None) -> Case | Value:
    if condition is None:
        return Value(0, output_field=IntegerField())
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _gone_q(on: date) -> Q:
    """People dead on ``on`` or exited: not counted."""
    return deceased_q(on, "participant__") | Q(participant__status=Status.EXITED)


def _bills_of_year(year: int) -> QuerySet[Bill]:
    return Bill.objects.filter(period_start__lte=date(year, 12, 31), period_end__gte=date(year, 1, 1))


def bills_in_force(on: date, year: int) -> QuerySet[Bill]:
    """The bills for months of ``year`` standing at the end of ``on``: issued by then and
    not yet corrected by then (a correction issued later does not count yet). Bills are
    few (one per program and period): read as a subquery of the grouped read."""
    cutoff = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))
    return _bills_of_year(year).filter(issued_at__lt=cutoff).exclude(corrected_by__issued_at__lt=cutoff)


def _paid_part(user, region_code: str, on: date):
    year_first = on.year * 12
    upto = month_index(on)
    reversed_later = Payment.objects.filter(reverses__isnull=False, paid_on__gt=on).values("reverses_id")
    # Through the lines they paid, of the bills of the year: the (bill, village) index
    # finds the region's lines, the paid months are found by line.
    spans = PaidMonths.objects.filter(
        region_subtree_q("line__village_id", region_code),
        line__bill_id__in=_bills_of_year(on.year).values("pk"),
        paid_on__lte=on,
        first_month__lte=year_first + 11,
        last_month__gte=year_first,
    ).filter(Q(void=False) | Q(payment_id__in=reversed_later))
    spans = scope_to_jurisdiction(spans, user, field="line__village_id").exclude(_gone_q(on))
    spans = spans.annotate(u_from=Greatest(F("first_month"), F("paid_month") - ARREARS_PAYABLE_MONTHS))

    def paid(month: int) -> Q:
        return Q(u_from__lte=month, last_month__gte=month)

    flags = {f"n{k}": _flag(paid(year_first + k) if year_first + k <= upto else None) for k in MONTHS}
    flags |= {f"e{k}": _flag(paid(year_first + k)) for k in MONTHS}
    return spans.annotate(**flags).values("participant_id", *flags).order_by()


def _billed_part(user, region_code: str, on: date):
    year_first = on.year * 12
    payable_from = max(year_first, month_index(on) - ARREARS_PAYABLE_MONTHS)
    lines = BillLine.objects.filter(
        region_subtree_q("village_id", region_code),
        bill_id__in=bills_in_force(on, on.year).values("pk"),
        first_month__lte=year_first + 11,
        last_month__gte=payable_from,
    )
    lines = scope_to_jurisdiction(lines, user, field="village_id").exclude(_gone_q(on))

    def billed(month: int) -> Q | None:
        return Q(first_month__lte=month, last_month__gte=month) if month >= payable_from else None

    flags = {f"n{k}": _flag(None) for k in MONTHS}
    flags |= {f"e{k}": _flag(billed(year_first + k)) for k in MONTHS}
    return lines.annotate(**flags).values("participant_id", *flags).order_by()


def program_counts_kept(user, region_code: str, on: date, *, full_after: int, seconds: int) -> ProgramCounts:
    """``program_counts`` kept in the cache for ``seconds`` (the dashboard's panel: the
    grouped read costs time in proportion to the region's people, so a page reads it at
    most once per region, day and rule in that time, like the kept protection summary).
    The region lies inside the reader's jurisdiction (``regions.selectors.region_in_jurisdiction``), so the
    figures are the same for every reader who may ask for them."""
    key = f"jaring:ucj:{region_code}:{on.isoformat()}:{full_after}"
    found = cache.get(key)
    if found is None:
        found = program_counts(user, region_code, on, full_after=full_after)
        cache.set(key, found, timeout=seconds)
    return found


def program_counts(user, region_code: str, on: date, *, full_after: int) -> ProgramCounts:
    """The people of the region's Jaring programs and their counted months on ``on``:
    one grouped query over the paid months and the lines of the bills in force."""
    parts = []
    for part in (
        _paid_part(user, region_code, on),
        _billed_part(user, region_code, on),
    ):
        try:
            parts.append(part.query.sql_with_params())
        except EmptyResultSet:  # nobody in scope
            continue
    if not parts:
        return ProgramCounts(0, 0, 0, full_after)
    q = connection.ops.quote_name
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) p{i}"  # noqa: S608 (the ORM's SQL, its parameters bound)
        for i, (sql, _params) in enumerate(parts)
    )
    params = [param for _sql, part_params in parts for param in part_params]

    def months(prefix: str) -> str:
        return " + ".join(f"MAX({q(prefix + str(k))})" for k in MONTHS)

    def capped(column: str) -> str:
        return f"CASE WHEN {column} > {int(full_after)} THEN {int(full_after)} ELSE {column} END"

    sql = (
        f"SELECT COUNT(*), COALESCE(SUM({capped('now_m')}), 0), COALESCE(SUM({capped('end_m')}), 0) "  # noqa: S608
        f"FROM (SELECT {q('participant_id')} AS pid, {months('n')} AS now_m, {months('e')} AS end_m "
        f"FROM ({union}) u GROUP BY {q('participant_id')}) per_person WHERE end_m > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        people, now_total, end_total = cursor.fetchone()
    return ProgramCounts(int(people), int(now_total), int(end_total), full_after)


def default_source(region: Region) -> str:
    """The government budget that would fund more people of ``region``."""
    return FundingSource.APBD_PROV if region.level == codes.Level.PROVINCE else FundingSource.APBD_KAB


def months_left_rupiah(on: date, source: str, table: list[rates.RateRule] | None = None) -> tuple[int, ...]:
    """The monthly contribution of each month after the date's month to December, each
    priced on its first day (raises ``rates.RateMissing`` when a month has no rate)."""
    table = rate_table() if table is None else table
    first = month_index(on) + 1
    return tuple(
        rates.quote_monthly(
            table,
            on=month_start(first + k),
            package=Package.JKK_JKM,
            source=source,
            occupation=None,
            income=INCOME_DEFAULT,
        ).total
        for k in range(ucj.months_left(on))
    )


def _line_for_year(user, line: CoverageLine, code: str, year: int) -> CoverageLine:
    """The coverage line with the target of ``year`` (the line carries its figure's
    year's target: a January date may still read December's figure)."""
    if line.figure.on.year == year:
        return line
    targets = selectors._targets(user, [code], [year])  # the dashboard's target lookup
    target = coverage.target_for(code, year, targets, codes.parent_of)
    return CoverageLine(
        region=code, figure=line.figure, target=target, monthly_per_person=None, name=line.name
    )


def ucj_projection(
    user,
    region: Region,
    on: date,
    *,
    line: CoverageLine | None = None,
    source: str | None = None,
    kept_seconds: int = 0,
) -> ucj.Projection:
    """The projection of ``region`` (inside the user's jurisdiction:
    ``regions.selectors.region_in_jurisdiction``) on ``on``. ``line``: the region's
    coverage line when the caller has read it already (the dashboard), otherwise read
    here through ``selectors.coverage_report``; ``kept_seconds``: how long the programs'
    counts may be kept (``program_counts_kept``)."""
    if not jurisdiction_of(user).contains(region.code):
        region_in_jurisdiction(user, region.code)  # refuses, naming the region
    if line is None:
        line = selectors.coverage_report(user, region, on).line
    rule = ucj.rule_on(counting_rules(), on)
    if kept_seconds:
        counts = program_counts_kept(
            user, region.code, on, full_after=rule.full_after_months, seconds=kept_seconds
        )
    else:
        counts = program_counts(user, region.code, on, full_after=rule.full_after_months)
    notes: list[str] = []
    participants = potential = target_participants = None
    target_pct = None
    if line is not None:
        line = _line_for_year(user, line, region.code, on.year)
        participants, potential = line.figure.participants, line.figure.potential
        target_pct, target_participants = line.target_pct, line.target_participants
    source = source or default_source(region)
    left = ucj.months_left(on)
    gap = ucj.gap_after_programs(
        target_participants=target_participants,
        participants=participants,
        counted_now=counts.counted_now,
        counted_year_end=counts.counted_year_end,
    )
    needed = ucj.people_needed(gap, left, rule.full_after_months)
    monthly: tuple[int, ...] = ()
    rupiah = None
    if needed is not None:
        try:
            monthly = months_left_rupiah(on, source)
        except rates.RateMissing as missing:
            notes.append(missing.message)
        else:
            rupiah = ucj.rupiah_needed(needed, monthly)
    return ucj.Projection(
        region=region.code,
        on=on,
        participants=participants,
        potential=potential,
        target_pct=target_pct,
        target_participants=target_participants,
        program_people=counts.people,
        program_counted_now=counts.counted_now,
        program_counted_year_end=counts.counted_year_end,
        months_left=left,
        people_needed=needed,
        rupiah_needed=rupiah,
        full_after_months=rule.full_after_months,
        source=source,
        monthly_rupiah=monthly,
        figure_on=line.figure.on if line is not None else None,
        notes=tuple(notes),
    )


def ucj_projection_shown(user, report: selectors.CoverageReport) -> ucj.Projection | None:
    """The dashboard's projection panel: for the one region shown, from the coverage line
    the page has read already (the jurisdiction's regions together have no single target,
    so no panel); none while no counting rule is in force on the date. The programs'
    counts are kept as long as the protection summary is (JARING_SUMMARY_MAX_AGE_MINUTES)."""
    if report.region is None:
        return None
    seconds = settings.JARING_SUMMARY_MAX_AGE_MINUTES * 60
    try:
        return ucj_projection(user, report.region, report.on, line=report.line, kept_seconds=seconds)
    except ucj.CountingRuleMissing:
        return None
