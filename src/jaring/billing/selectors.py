"""Reads of bills, payments, refunds and protection, always through the jurisdiction
scope (jaring.access.scoping, through the programs' and registry's selectors).

``protection_on`` and ``insured_income_on`` are the interface the claims app calls;
``protection_counts`` and ``protection_rows`` the set-based reads dashboards reuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least
from django.shortcuts import get_object_or_404

from jaring import codes
from jaring.access.scoping import region_subtree_q, scope_to_jurisdiction, scope_to_jurisdiction_or_own
from jaring.billing import protection as rule
from jaring.billing.models import Bill, BillLine, BillStatus, PaidMonths, Payment, PaymentKind, Refund
from jaring.billing.protection import PaidSpan, Protection, ProtectionStatus, month_end, month_index
from jaring.bulk import Among
from jaring.paging import keyset_page
from jaring.programs.models import Enrolment
from jaring.programs.selectors import programs_visible_to
from jaring.registry.models import Participant
from jaring.registry.selectors import participants_visible_to
from jaring.registry.vocab import Status

ALERT_DAYS = 30
TIMELINE_MONTHS_MAX = 60

# -- bills, payments, refunds ----------------------------------------------------------


def bills_visible_to(user) -> QuerySet[Bill]:
    """Bills of the programs the user sees (programs_visible_to)."""
    return Bill.objects.filter(program_id__in=programs_visible_to(user).values("pk")).select_related(
        "program", "program__payer"
    )


def bill_get(user, pk: int) -> Bill:
    return get_object_or_404(bills_visible_to(user).select_related("corrects", "issued_by"), pk=pk)


def bill_by_number(user, number: str) -> Bill | None:
    return bills_visible_to(user).filter(number=" ".join(number.split())).first()


def bill_lines(user, bill: Bill) -> QuerySet[BillLine]:
    """The lines of people living in the user's jurisdiction."""
    lines = BillLine.objects.filter(bill=bill).select_related("participant", "village")
    return scope_to_jurisdiction(lines, user, field="village_id")


def lines_of_people(person_ids) -> QuerySet[BillLine]:
    """The bill lines of some people, found through their enrolments (program and
    village): the (bill, village) index then reads only their villages' lines."""
    person_ids = list(person_ids)
    programs, villages = set(), set()
    for program_id, village_id in Enrolment.objects.filter(Among("participant_id", person_ids)).values_list(
        "program_id", "village_id"
    ):
        programs.add(program_id)
        villages.add(village_id)
    return BillLine.objects.filter(
        Among("participant_id", person_ids), bill__program_id__in=programs, village_id__in=villages
    )


@dataclass(frozen=True)
class LineTotals:
    lines: int
    people: int
    total: int
    paid: int

    @property
    def outstanding(self) -> int:
        return max(self.total - self.paid, 0)


def bill_totals_in_jurisdiction(user, bill: Bill) -> LineTotals:
    """The bill's figures for the people in the user's jurisdiction (one aggregate)."""
    found = bill_lines(user, bill).aggregate(
        lines=Count("id"),
        people=Count("participant_id", distinct=True),
        total=Coalesce(Sum("amount"), Value(0)),
        paid=Coalesce(Sum("paid_rupiah"), Value(0)),
    )
    return LineTotals(**found)


def payments_visible_to(user) -> QuerySet[Payment]:
    """Payments for people in the user's jurisdiction, and whole-bill payments of the
    bills the user sees."""
    people = scope_to_jurisdiction(Payment.objects.filter(kind=PaymentKind.PERSON), user, field="region_code")
    whole = Payment.objects.filter(kind=PaymentKind.BILL, bill_id__in=bills_visible_to(user).values("pk"))
    return (people | whole).select_related("bill__program", "participant", "reverses", "reversed_by")


def payment_get(user, pk: int) -> Payment:
    return get_object_or_404(payments_visible_to(user), pk=pk)


def refunds_visible_to(user) -> QuerySet[Refund]:
    """Refunds of people in the user's jurisdiction, and those owed to its organization."""
    refunds = scope_to_jurisdiction_or_own(
        Refund.objects.all(), user, field="region_code", organization_field="payer"
    )
    return refunds.select_related("participant", "participant__village", "payer")


def refund_get(user, pk: int) -> Refund:
    return get_object_or_404(refunds_visible_to(user), pk=pk)


# -- one person's protection -----------------------------------------------------------


def paid_spans(participant_id: int) -> list[PaidSpan]:
    """The months paid for one person (one indexed query)."""
    rows = PaidMonths.objects.filter(participant_id=participant_id, void=False).values_list(
        "first_month", "last_month", "paid_on"
    )
    return [PaidSpan(first, last, paid_on) for first, last, paid_on in rows]


def _end_dates(status: str, died_on: date | None) -> tuple[date | None, date | None]:
    """Death and exit dates for the rule. The registry records exits (e.g. the record not
    kept when two are merged) without a date, so an exited record is exited on every date;
    a death recorded without a date likewise counts from the beginning."""
    if status == Status.DECEASED and died_on is None:
        died_on = date.min
    return died_on, (date.min if status == Status.EXITED else None)


def protection_on(participant: Participant, on: date) -> Protection:
    """The protection of one person on ``on`` (two indexed queries: the person's status
    and death date as stored now, and the months paid for him)."""
    status, died_on = Participant.objects.filter(pk=participant.pk).values_list("status", "died_on")[0]
    died_on, exited_on = _end_dates(status, died_on)
    return rule.protection_status(paid_spans(participant.pk), on, died_on=died_on, exited_on=exited_on)


def insured_income_on(participant: Participant, on: date) -> int | None:
    """The declared income of the program whose enrolment held the person on ``on``
    (None when no program covered him then)."""
    return (
        Enrolment.objects.filter(
            participant_id=participant.pk,
            starts_on__lte=on,
            program__starts_on__lte=on,
            program__ends_on__gte=on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("-starts_on", "-id")
        .values_list("program__declared_income", flat=True)
        .first()
    )


# -- everybody's protection, set-based ----------------------------------------------------


def _people(user, region: str) -> QuerySet[Participant]:
    people = Participant.objects.all() if user is None else participants_visible_to(user)
    if region:
        code = codes.try_normalize(region)
        people = people.filter(region_subtree_q("village_id", code)) if code else people.none()
    return people


def deceased_q(on: date, prefix: str = "") -> Q:
    """People dead on ``on`` (a death recorded without its date counts from always)."""
    return Q(**{f"{prefix}status": Status.DECEASED}) & (
        Q(**{f"{prefix}died_on__isnull": True}) | Q(**{f"{prefix}died_on__lte": on})
    )


def _exited_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Status.EXITED})


def _counted_spans(user, on: date, region: str, *, upto_month: int) -> QuerySet[PaidMonths]:
    """Paid months known on ``on`` of living people in scope, that count for protection
    (arrears payable 3 months back) and begin by ``upto_month``."""
    spans = PaidMonths.objects.filter(void=False, paid_on__lte=on)
    if user is not None:
        spans = scope_to_jurisdiction(spans, user, field="participant__village_id")
    if region:
        code = codes.try_normalize(region)
        spans = spans.filter(region_subtree_q("participant__village_id", code)) if code else spans.none()
    spans = spans.exclude(deceased_q(on, "participant__")).exclude(_exited_q("participant__"))
    counted_from = Greatest(F("first_month"), F("paid_month") - rule.ARREARS_PAYABLE_MONTHS)
    return spans.annotate(counted_from=counted_from).filter(counted_from__lte=upto_month)


def paid_months_covering(on: date) -> QuerySet[PaidMonths]:
    """The paid months, known on ``on``, that cover ``on``'s month (any program)."""
    month = month_index(on)
    return PaidMonths.objects.filter(
        void=False, paid_on__lte=on, first_month__lte=month, last_month__gte=month
    )


def paid_for_month_q(on: date, prefix: str = "") -> Q:
    """People with a paid month, known on ``on``, for ``on``'s month (any program)."""
    return Q(**{f"{prefix}id__in": paid_months_covering(on).values("participant_id")})


def _covers(month: int):
    return Max(
        Case(
            When(counted_from__lte=month, last_month__gte=month, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def _per_person(user, on: date, region: str) -> QuerySet:
    """One row per living person in scope with a paid month on or before ``on``'s month:
    participant_id, covered (1/0), last_paid (month index) and status."""
    month = month_index(on)
    return (
        _counted_spans(user, on, region, upto_month=month)
        .values("participant_id")
        .annotate(covered=_covers(month), last_paid=Max(Least(F("last_month"), Value(month))))
        .annotate(
            status=Case(
                When(covered=1, then=Value(ProtectionStatus.ACTIVE.value)),
                When(
                    last_paid__gte=month - rule.LAPSE_AFTER_UNPAID_MONTHS,
                    then=Value(ProtectionStatus.ARREARS.value),
                ),
                default=Value(ProtectionStatus.LAPSED.value),
            )
        )
    )


def protection_counts(user, on: date, *, region: str = "") -> dict[str, int]:
    """How many people in scope are in each protection status on ``on``: two set-based
    queries (the people by death and exit; the paid months grouped per person), never
    one query per person. ``user=None`` counts everybody."""
    people = _people(user, region).aggregate(
        total=Count("id"),
        deceased=Count("id", filter=deceased_q(on)),
        exited=Count("id", filter=_exited_q()),
    )
    counts = {status.value: 0 for status in ProtectionStatus}
    counts[ProtectionStatus.DECEASED] = people["deceased"]
    counts[ProtectionStatus.EXITED] = people["exited"]
    try:
        sql, params = _per_person(user, on, region).values("participant_id", "status").query.sql_with_params()
    except EmptyResultSet:  # nobody in scope (an empty jurisdiction, a region without people)
        sql, params = "", []
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT status, COUNT(*) FROM ({sql}) per_person GROUP BY status", params)  # noqa: S608
            for status, count in cursor.fetchall():
                counts[status] = count
    paid_statuses = (ProtectionStatus.ACTIVE, ProtectionStatus.ARREARS, ProtectionStatus.LAPSED)
    counts[ProtectionStatus.NOT_COVERED] = (
        people["total"] - people["deceased"] - people["exited"] - sum(counts[s] for s in paid_statuses)
    )
    return counts


def protection_counts_by_village(on: date, *, region: str = "") -> dict[str, dict[str, int]]:
    """``protection_counts`` of everybody (or of the ``region`` subtree), per village, in
    the same two set-based queries grouped by village: what the dashboards' kept
    summary is built from."""
    counts: dict[str, dict[str, int]] = {}
    everybody = (
        Participant.objects.filter(region_subtree_q("village_id", region)) if region else Participant.objects
    )
    people = (
        everybody.values_list("village_id")
        .annotate(
            total=Count("id"),
            deceased=Count("id", filter=deceased_q(on)),
            exited=Count("id", filter=_exited_q()),
        )
        .order_by()
    )
    for village, total, deceased, exited in people:
        row = counts[village] = {status.value: 0 for status in ProtectionStatus}
        row[ProtectionStatus.DECEASED] = deceased
        row[ProtectionStatus.EXITED] = exited
        row["total"] = total
    per_person = _per_person(None, on, region).values("participant_id", "participant__village_id", "status")
    sql, params = per_person.query.sql_with_params()
    village_column = connection.ops.quote_name("participant__village_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {village_column}, status, COUNT(*) FROM ({sql}) per_person "  # noqa: S608
            f"GROUP BY {village_column}, status",
            params,
        )
        for village, status, count in cursor.fetchall():
            counts[village][status] = count
    paid_statuses = (ProtectionStatus.ACTIVE, ProtectionStatus.ARREARS, ProtectionStatus.LAPSED)
    for row in counts.values():
        total = row.pop("total")
        row[ProtectionStatus.NOT_COVERED] = (
            total
            - row[ProtectionStatus.DECEASED]
            - row[ProtectionStatus.EXITED]
            - sum(row[s] for s in paid_statuses)
        )
    return counts


@dataclass(frozen=True)
class AlertRow:
    participant: Participant
    status: ProtectionStatus
    paid_through: date | None  # the last paid month on or before the date
    covered_until: date | None  # for "ending": the last day of the paid period
    programs: tuple[str, ...] = ()


ENDING = "ending"  # active, and the paid period ends within ALERT_DAYS
LAPSED = ProtectionStatus.LAPSED.value
LISTED_STATUSES = (ProtectionStatus.ACTIVE.value, ProtectionStatus.ARREARS.value, LAPSED)


def _ending_rows(user, on: date, region: str) -> QuerySet:
    """Active people whose paid period ends within ALERT_DAYS of ``on``."""
    month = month_index(on)
    rows = (
        _counted_spans(user, on, region, upto_month=month + 2)
        .values("participant_id")
        .annotate(now=_covers(month), next=_covers(month + 1), after=_covers(month + 2))
        .filter(now=1)
    )
    if month_end(month + 1) <= on + timedelta(days=ALERT_DAYS):
        return rows.filter(Q(next=0) | Q(after=0))
    return rows.filter(next=0)


def ending_counts_by_village(on: date, *, region: str = "") -> dict[str, int]:
    """People whose paid period ends within 30 days of ``on``, per village (everybody,
    or of the ``region`` subtree)."""
    rows = _ending_rows(None, on, region).values("participant_id", "participant__village_id")
    sql, params = rows.query.sql_with_params()
    village = connection.ops.quote_name("participant__village_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {village}, COUNT(*) FROM ({sql}) ending GROUP BY {village}", params)  # noqa: S608
        return dict(cursor.fetchall())


def deceased_billed(on: date, *, region: str = "") -> QuerySet:
    """Bill lines still standing (the bill not corrected) that bill a deceased person
    for months after the month of death, per village (of the ``region`` subtree when
    given): count of people and rupiah."""
    lines = BillLine.objects.filter(region_subtree_q("village_id", region)) if region else BillLine.objects
    return (
        lines.filter(
            bill__status=BillStatus.ISSUED,
            participant__status=Status.DECEASED,
            participant__died_on__isnull=False,
            participant__died_on__lte=on,
        )
        .annotate(
            death_month=ExtractYear("participant__died_on") * 12 + ExtractMonth("participant__died_on") - 1
        )
        .filter(last_month__gt=F("death_month"))
        .values("village_id")
        .annotate(people=Count("participant_id", distinct=True), lines=Count("id"))
        .order_by("village_id")
    )


def protection_rows(
    user, on: date, kind: str, *, region: str = "", after: int | None = None, limit: int = 50
) -> tuple[list[AlertRow], int | None]:
    """People whose paid period ends within 30 days of ``on`` (``kind="ending"``), or who
    are active, in arrears or lapsed on ``on`` (``kind`` the status), by participant id
    from ``after``: keyset pages, no count over the whole set. Returns the rows and the
    next ``after``."""
    month = month_index(on)
    if kind == ENDING:
        rows = _ending_rows(user, on, region)
    elif kind in LISTED_STATUSES:
        rows = _per_person(user, on, region).filter(status=kind)
    else:
        raise ValueError(kind)
    found, next_after = keyset_page(rows, after=after, limit=limit, key="participant_id")
    ids = [row["participant_id"] for row in found]
    people = Participant.objects.select_related("village").in_bulk(ids)
    programs = _recent_programs(ids, on)
    result = []
    for row in found:
        pid = row["participant_id"]
        if kind == ENDING:
            status, paid_through = ProtectionStatus.ACTIVE, month_end(month)
            until = month_end(month if row["next"] == 0 else month + 1)
        else:
            status, paid_through, until = ProtectionStatus(row["status"]), month_end(row["last_paid"]), None
        result.append(AlertRow(people[pid], status, paid_through, until, programs.get(pid, ())))
    return result, next_after


def _recent_programs(ids: list[int], on: date) -> dict[int, tuple[str, ...]]:
    """The codes of the programs that funded each person in the year up to ``on``."""
    found: dict[int, list[str]] = {}
    enrolments = (
        Enrolment.objects.filter(participant_id__in=ids, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on - timedelta(days=365)))
        .order_by("starts_on", "id")
        .values_list("participant_id", "program__code")
    )
    for pid, code in enrolments:
        if code not in found.setdefault(pid, []):
            found[pid].append(code)
    return {pid: tuple(codes_) for pid, codes_ in found.items()}


def protection_rows_all(
    user, on: date, kind: str, *, region: str = "", chunk: int = 2000
) -> Iterator[AlertRow]:
    """Every row of ``protection_rows``, page by page (for exports)."""
    after = None
    while True:
        rows, after = protection_rows(user, on, kind, region=region, after=after, limit=chunk)
        yield from rows
        if after is None:
            return


# -- one person's timeline -------------------------------------------------------------


@dataclass(frozen=True)
class TimelineMonth:
    month: int
    billed: tuple[tuple[int, str, int], ...]  # (bill id, bill number, rupiah)
    paid: tuple[tuple[str, date, bool], ...]  # (payment reference, paid on, counts for protection)
    protection: Protection  # at the month's end, or on ``today`` for the current month

    @property
    def label(self) -> str:
        return rule.month_label(self.month)

    @property
    def starts_on(self) -> date:
        return rule.month_start(self.month)


def protection_timeline(participant: Participant, today: date) -> list[TimelineMonth]:
    """Month by month from the first billed or paid month to the later of this month and
    the last paid one: what was billed, what was paid (and when), and the status at each
    month's end as known then (the current month: today)."""
    spans_rows = list(
        PaidMonths.objects.filter(participant_id=participant.pk, void=False)
        .select_related("payment")
        .order_by("first_month")
    )
    lines = list(
        lines_of_people([participant.pk])
        .exclude(bill__status=BillStatus.CORRECTED)
        .select_related("bill")
        .order_by("first_month")
    )
    months = [s.first_month for s in spans_rows] + [line.first_month for line in lines]
    if not months:
        return []
    current = month_index(today)
    first = min(months)
    last = max([current, *(s.last_month for s in spans_rows)])
    first = max(first, last - TIMELINE_MONTHS_MAX + 1)
    spans = [PaidSpan(s.first_month, s.last_month, s.paid_on) for s in spans_rows]
    died_on, exited_on = _end_dates(participant.status, participant.died_on)
    result = []
    for month in range(first, last + 1):
        billed = tuple(
            (line.bill_id, line.bill.number, line.monthly_rupiah)
            for line in lines
            if line.first_month <= month <= line.last_month
            and line.billed_mask >> (month - _bill_first(line)) & 1
        )
        paid = tuple(
            (
                s.payment.reference,
                s.paid_on,
                PaidSpan(s.first_month, s.last_month, s.paid_on).counted_from() <= month,
            )
            for s in spans_rows
            if s.first_month <= month <= s.last_month
        )
        on = today if month >= current else month_end(month)
        result.append(
            TimelineMonth(
                month, billed, paid, rule.protection_status(spans, on, died_on=died_on, exited_on=exited_on)
            )
        )
    return result


def _bill_first(line: BillLine) -> int:
    return month_index(line.bill.period_start)
