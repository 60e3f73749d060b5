"""Builders for the billing tests: a program with people enrolled, bills and payments,
all made through the public services."""

from __future__ import annotations

from datetime import date

from jaring.billing.protection import month_index
from jaring.billing.services import PaymentRequest, bill_issue, payments_post
from jaring.programs.services import enrolment_create, program_create
from jaring.registry.services import participants_upsert

from .factories import participant_record

MONTHLY = 16_800  # JKK 1% of Rp1,000,000 + JKM Rp6,800 (APBD payers, no discount)


def m(text: str) -> int:
    """A month index from 'YYYY-MM'."""
    year, month = text.split("-")
    return month_index(date(int(year), int(month), 1))


def make_program(
    payer, *, code="BKBK-UJI-2025", source="BKBK", regions=("15",), year=2025, months=12, **extra
):
    return program_create(
        actor=None,
        code=code,
        name=f"Program {code}",
        source=source,
        payer=payer,
        fiscal_year=year,
        starts_on=date(year, 1, 1),
        coverage_months=months,
        budget_ceiling=10_000_000_000,
        target_region_codes=list(regions),
        **extra,
    )


def make_people(count: int, *, village: str = "1504012003", start: int = 1, **overrides):
    records = [
        participant_record(serial, village=village, **overrides) for serial in range(start, start + count)
    ]
    return participants_upsert(actor=None, records=records).participants


def enrol(program, people, starts_on: date | None = None):
    return [
        enrolment_create(actor=None, program=program, participant=p, starts_on=starts_on or program.starts_on)
        for p in people
    ]


def issue(program, first: str, months: int, actor=None):
    year, month = first.split("-")
    return bill_issue(actor=actor, program=program, first_month=date(int(year), int(month), 1), months=months)


def pay_bill(
    bill, amount: int | None = None, *, reference: str = "BPJS-1", paid_on=date(2025, 1, 10), actor=None
):
    result = payments_post(
        actor=actor,
        requests=[
            PaymentRequest(reference, paid_on, bill.total_rupiah if amount is None else amount, bill=bill)
        ],
    )
    assert not result.errors, result.errors
    return result


def pay_person(person, first: str, last: str, amount: int, *, reference: str, paid_on=date(2025, 1, 10)):
    request = PaymentRequest(
        reference, paid_on, amount, participant=person, first_month=m(first), last_month=m(last)
    )
    result = payments_post(actor=None, requests=[request])
    assert not result.errors, [e.message for _r, e in result.errors]
    return result
