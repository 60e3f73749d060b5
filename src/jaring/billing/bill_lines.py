"""Writing a bill's lines inside the database.

A bill's lines are a function of rows already in the database (enrolments, people's
occupations) and of a handful of figures computed here (the month ends of the period,
the monthly rate per occupation). So they are written with one ``INSERT ... SELECT``
per run of months with constant rates: no row travels to Python and back, and a
million-line monthly bill is one statement. The SELECT is built with the ORM, and
reproduces ``rules.covered_mask`` (a test holds them equal): a month is billed when the
enrolment holds the person on the month's last day.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from jaring.billing import rules
from jaring.billing.models import Bill, BillLine
from jaring.billing.protection import month_end, month_index, month_start
from jaring.bulk import Among, bulk_set
from jaring.contributions import rates
from jaring.contributions.selectors import rate_table
from jaring.programs.models import Enrolment, Program
from jaring.registry.vocab import Occupation, Status

COLUMNS = (
    "bill_id",
    "enrolment_id",
    "participant_id",
    "village_id",
    "first_month",
    "last_month",
    "billed_mask",
    "months",
    "monthly_rupiah",
    "amount",
    "paid_mask",
    "paid_rupiah",
)
OCCUPATIONS = [None, *(o.value for o in Occupation)]  # None: no occupation-specific rule


@dataclass(frozen=True)
class Written:
    people: int
    person_months: int
    total: int
    paid: int  # carried from the bill a correction replaces


def _integer(value: int) -> Value:
    return Value(value, output_field=IntegerField())


def _sum(expressions):
    return reduce(operator.add, expressions)


def _segment_select(bill: Bill, program: Program, first_month: int, offsets: list[int], monthly: dict):
    """The SELECT of one run of months: one row per enrolment holding someone on at
    least one of the months' last days."""
    holds = {
        offset: Q(starts_on__lte=month_end(first_month + offset))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=month_end(first_month + offset)))
        for offset in offsets
    }

    mask = _sum(Case(When(holds[o], then=_integer(1 << o)), default=_integer(0)) for o in offsets)
    count = _sum(Case(When(holds[o], then=_integer(1)), default=_integer(0)) for o in offsets)
    first = Case(
        *[When(holds[o], then=_integer(first_month + o)) for o in offsets], output_field=IntegerField()
    )
    last = Case(
        *[When(holds[o], then=_integer(first_month + o)) for o in reversed(offsets)],
        output_field=IntegerField(),
    )
    rate = Case(
        *[When(participant__occupation=o, then=_integer(monthly[o])) for o in OCCUPATIONS if o],
        default=_integer(monthly[None]),
    )
    first_end, last_end = month_end(first_month + offsets[0]), month_end(first_month + offsets[-1])
    enrolments = (
        Enrolment.objects.filter(program=program, starts_on__lte=last_end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first_end))
        .exclude(participant__status__in=[Status.DECEASED, Status.EXITED])
        .annotate(
            c_bill=_integer(bill.pk),
            c_enrolment=F("id"),
            c_participant=F("participant_id"),
            c_village=F("village_id"),
            c_first=first,
            c_last=last,
            c_mask=mask,
            c_months=count,
            c_rate=rate,
            c_amount=count * rate,
            c_paid_mask=_integer(0),
            c_paid=_integer(0),
        )
        .filter(c_months__gt=0)
        .order_by()
    )
    names = [
        "c_bill",
        "c_enrolment",
        "c_participant",
        "c_village",
        "c_first",
        "c_last",
        "c_mask",
        "c_months",
        "c_rate",
        "c_amount",
        "c_paid_mask",
        "c_paid",
    ]
    return enrolments.values_list(*names)


def write_lines(bill: Bill, program: Program, *, carried: dict[int, dict[int, int]] | None = None) -> Written:
    """Write the lines of ``bill`` from the program's enrolments; ``carried`` maps an
    enrolment to the months (index -> rupiah) already paid on the bill this one corrects."""
    first_month = month_index(bill.period_start)
    table = rate_table()
    quotes: dict[tuple[int, str | None], int] = {}

    def quote(offset: int, occupation: str | None) -> int:
        key = (offset, occupation)
        if key not in quotes:
            quotes[key] = rates.quote_monthly(
                table,
                on=month_start(first_month + offset),
                package=program.package,
                source=program.source,
                occupation=occupation,
                income=program.declared_income,
            ).total
        return quotes[key]

    periods = [(p.starts_on, p.ends_on) for p in program.periods.all()]
    segments = rules.rate_segments(
        first_month=first_month,
        months=bill.months,
        periods=periods,
        rate_of=lambda offset: tuple(quote(offset, o) for o in OCCUPATIONS),
    )
    table_name = connection.ops.quote_name(BillLine._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    for offsets in segments:
        monthly = {o: quote(offsets[0], o) for o in OCCUPATIONS}
        sql, params = _segment_select(bill, program, first_month, offsets, monthly).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table_name} ({columns}) {sql}", params)
    paid = _carry(bill, carried) if carried else 0
    totals = BillLine.objects.filter(bill=bill).aggregate(
        people=Count("participant_id", distinct=True),
        person_months=Coalesce(Sum("months"), 0),
        total=Coalesce(Sum("amount"), 0),
    )
    return Written(totals["people"], totals["person_months"], totals["total"], paid)


def _carry(bill: Bill, carried: dict[int, dict[int, int]]) -> int:
    """Mark as paid on the correction's lines the months paid on the corrected bill."""
    first_month = month_index(bill.period_start)
    changed = []
    paid = 0
    by_enrolment = defaultdict(list)
    for line in BillLine.objects.filter(Among("enrolment_id", list(carried)), bill=bill):
        by_enrolment[line.enrolment_id].append(line)
    for enrolment_id, lines in by_enrolment.items():
        for line in lines:
            offsets = [o for o in rules.bits(line.billed_mask) if first_month + o in carried[enrolment_id]]
            if offsets:
                line.paid_mask = sum(1 << o for o in offsets)
                line.paid_rupiah = sum(carried[enrolment_id][first_month + o] for o in offsets)
                paid += line.paid_rupiah
                changed.append(line)
    bulk_set(BillLine, changed, ["paid_mask", "paid_rupiah"])
    return paid
