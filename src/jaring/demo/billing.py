"""Demo bills and payments, following the money trail of demo/programs.py:

- Jambi BKBK 2025: one bill for the year; the villages whose accounts paid BPJS (the
  ``to_bpjs`` transfers) paid for each of their people, on the transfer's date, so their
  people were protected in 2025 (from three months before the payment: arrears are
  payable three months back) and have lapsed since, as no 2026 money came.
- Kota Jambi RT heads: quarterly bills; January-May 2025 paid in January, June-December
  after the MoU was renewed (the second transfer). The renewed MoU runs to May 2027, so
  the program continues with a 2026 coverage period, billed quarterly up to today: most
  RT heads are paid to the end of this quarter, a few only to the end of this month
  (their paid period ends within 30 days), some two months behind (arrears) and a few
  six months behind (lapsed). 2026 payments are BPJS confirmations only: the program's
  money trail belongs to fiscal year 2025.
- Bengkulu 2024: one bill for the year, paid whole in February 2024 (lapsed since).

Relative to today where it must be (the 2026 payments), so the alerts always show
something. Created through the services (so audited). Idempotent: skipped when the
Jambi BKBK bill exists.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from jaring.billing.models import Bill, BillLine
from jaring.billing.protection import month_index, month_start
from jaring.billing.services import PaymentRequest, bill_issue, payments_post
from jaring.funds.models import Transfer, TransferKind
from jaring.funds.services import transfer_post
from jaring.programs.models import Enrolment, Program
from jaring.programs.services import coverage_period_start

MONTHLY = 16_800  # JKK + JKM on Rp1,000,000 for APBD payers (the rule table's figure)


def _post(requests: list[PaymentRequest], channel: str) -> None:
    result = payments_post(actor=None, requests=requests, channel=channel)
    if result.errors:  # demo data must be right: say which row is not
        request, error = result.errors[0]
        raise error.__class__(f"{request.reference}: {error.message}", code=error.code)


def pay_from_village_transfers(program: Program, bill: Bill) -> None:
    """BPJS confirms, person by person, what each village's transfer to BPJS paid of
    ``bill``: its lines for the village's people, on the transfer's day."""
    lines_by_village = defaultdict(list)
    for line in BillLine.objects.filter(bill=bill).select_related("participant").order_by("id"):
        lines_by_village[line.village_id].append(line)
    paid = Transfer.objects.filter(
        program=program, kind=TransferKind.TO_BPJS, region_id__in=list(lines_by_village)
    )
    for transfer in paid.order_by("region_id"):
        _post(
            [
                PaymentRequest(
                    reference=f"{transfer.reference}/{n:03d}",
                    paid_on=transfer.transferred_on,
                    amount=line.amount,
                    participant=line.participant,
                    first_month=line.first_month,
                    last_month=line.last_month,
                )
                for n, line in enumerate(lines_by_village[transfer.region_id], start=1)
            ],
            channel=f"BPJS {transfer.region_id}",
        )


def _bkbk_jambi() -> None:
    program = Program.objects.get(code="BKBK-JAMBI-2025")
    bill = bill_issue(actor=None, program=program, first_month=date(2025, 1, 1), months=12)
    pay_from_village_transfers(program, bill)


def _quarters(first: int, last: int) -> list[int]:
    return list(range(first, last + 1, 3))


def _kota_jambi(today: date) -> None:
    program = Program.objects.get(code="KOTA-JAMBI-RT-2025")
    this_month = month_index(today)
    start_2026 = month_index(date(2026, 1, 1))
    # The renewed MoU (to May 2027) lets the program go on: a 2026 period reaching past today.
    months = min(max(12, this_month - start_2026 + 4), 60)
    coverage_period_start(actor=None, program=program, starts_on=date(2026, 1, 1), months=months)
    for quarter in _quarters(month_index(date(2025, 1, 1)), this_month):
        if quarter + 2 <= start_2026 + months - 1:
            bill_issue(actor=None, program=program, first_month=month_start(quarter), months=3)
    people = [
        e.participant
        for e in Enrolment.objects.filter(program=program)
        .select_related("participant")
        .order_by("participant_id")
    ]
    # 2025: January-May paid with the first transfer, June-December with the second.
    first = Transfer.objects.get(program=program, reference="IURAN/KOTA-JMB/RT/2025-1")
    second = transfer_post(
        actor=None,
        program=program,
        kind=TransferKind.TO_BPJS,
        region_code="1571",
        transferred_on=date(2025, 6, 16),
        amount=len(people) * 7 * MONTHLY,
        reference="IURAN/KOTA-JMB/RT/2025-2",
        stage=2,
    )
    for transfer, months_paid in [(first, (1, 5)), (second, (6, 12))]:
        _post(
            [
                PaymentRequest(
                    reference=f"{transfer.reference}/{n:02d}",
                    paid_on=transfer.transferred_on,
                    amount=(months_paid[1] - months_paid[0] + 1) * MONTHLY,
                    participant=person,
                    first_month=month_index(date(2025, months_paid[0], 1)),
                    last_month=month_index(date(2025, months_paid[1], 1)),
                )
                for n, person in enumerate(people, start=1)
            ],
            channel="BPJS Kota Jambi",
        )
    # 2026: each RT head paid quarter by quarter up to his own last paid month.
    quarter_end = this_month + 2 - (this_month - start_2026) % 3
    requests = []
    for n, person in enumerate(people):
        if n % 16 == 3:
            last_paid = this_month - 6  # lapsed: more than 3 months unpaid
        elif n % 16 in (5, 11):
            last_paid = this_month - 2  # in arrears: last month and this one unpaid
        elif n % 12 == 1:
            last_paid = this_month  # the paid period ends this month
        else:
            last_paid = quarter_end
        for quarter in _quarters(start_2026, last_paid):
            until = min(quarter + 2, last_paid)
            paid_on = min(date(month_start(quarter).year, month_start(quarter).month, 10), today)
            requests.append(
                PaymentRequest(
                    reference=f"BPJS/KOTA-JMB/RT/{month_start(quarter):%Y-%m}/{n + 1:02d}",
                    paid_on=paid_on,
                    amount=(until - quarter + 1) * MONTHLY,
                    participant=person,
                    first_month=quarter,
                    last_month=until,
                )
            )
    _post(requests, channel="BPJS Kota Jambi")


def _bengkulu() -> None:
    program = Program.objects.get(code="APBD-BENGKULU-2024")
    bill = bill_issue(actor=None, program=program, first_month=date(2024, 1, 1), months=12)
    _post(
        [
            PaymentRequest(
                reference="BPJS/BKL/2024/KONFIRMASI",
                paid_on=date(2024, 2, 5),
                amount=bill.total_rupiah,
                bill=bill,
            )
        ],
        channel="BPJS Bengkulu",
    )


def seed_billing(today: date | None = None) -> list[Bill]:
    """Bills and payments of the demo programs (after demo/programs.py)."""
    if Bill.objects.filter(program__code="BKBK-JAMBI-2025").exists():
        return list(Bill.objects.all())
    if not Program.objects.filter(code="BKBK-JAMBI-2025").exists():
        return []
    today = today or timezone.localdate()
    _bkbk_jambi()
    _kota_jambi(today)
    _bengkulu()
    return list(Bill.objects.all())
