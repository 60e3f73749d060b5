"""A bill's kept totals (people, person-months, rupiah billed and paid) against its
lines."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from jaring.billing.models import Bill, BillLine
from jaring.integrity import Counter

FIELDS = ("people", "person_months", "total_rupiah", "paid_rupiah")


def _kept() -> dict[str, int]:
    return {
        f"{row['number']}/{name}": row[name]
        for row in Bill.objects.values("number", *FIELDS)
        for name in FIELDS
    }


def _expected() -> dict[str, int]:
    sums = {
        row["bill__number"]: row
        for row in BillLine.objects.values("bill__number")
        .annotate(
            people=Count("participant_id", distinct=True),
            person_months=Coalesce(Sum("months"), 0),
            total_rupiah=Coalesce(Sum("amount"), 0),
            paid_rupiah=Coalesce(Sum("paid_rupiah"), 0),
        )
        .order_by()
    }
    return {
        f"{number}/{name}": sums.get(number, {}).get(name, 0)
        for number in Bill.objects.values_list("number", flat=True)
        for name in FIELDS
    }


def _repair(expected) -> None:
    by_bill: dict[str, dict[str, int]] = {}
    for key, value in expected.items():
        number, name = key.rsplit("/", 1)
        by_bill.setdefault(number, {})[name] = value
    for number, values in by_bill.items():
        Bill.objects.filter(number=number).update(**values)


COUNTERS = [
    Counter(
        name="billing.bill_totals",
        label="Jumlah peserta, orang-bulan, tagihan dan terbayar per tagihan",
        kept=_kept,
        expected=_expected,
        repair=_repair,
    )
]
