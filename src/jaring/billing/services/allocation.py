"""Allocating a posting's payments to the person-months they pay, and writing them.
The payments are allocated in order, each seeing the months the ones before it paid:
a whole bill's payment pays its owed months oldest first, a person's payment the
months it names; what is left over is credit on the bill. Nothing is written when a
request is refused."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_values
from jaring.billing import rules
from jaring.billing.models import Bill, BillLine, PaidMonths, Payment
from jaring.billing.protection import month_index, month_label
from jaring.billing.selectors import lines_of_people
from jaring.billing.services._guards import _actor_id
from jaring.billing.services.postings import BillReport, PaymentRequest, PostingResult, _refuse
from jaring.bulk import bulk_insert
from jaring.errors import Conflict
from jaring.registry.models import Participant


@dataclass
class _Lines:
    """The bill lines a posting may pay (of the locked bills), as allocation sees them."""

    by_id: dict[int, BillLine]
    by_bill: dict[int, list[BillLine]]
    by_person: dict[int, list[BillLine]]
    bill_first: dict[int, int]  # bill id -> month index of its first month
    died_month: dict[int, int]  # participant id -> month index of his death

    def states(self, lines: list[BillLine]) -> list[rules.LineState]:
        return [_line_state(line, self.died_month, self.bill_first) for line in lines]


def _allocate_and_write(
    actor, requests: list[PaymentRequest], bills: dict[int, Bill], result: PostingResult, channel: str
) -> None:
    """Allocate ``requests`` to the lines of ``bills`` (locked by the caller) and, unless a
    request is refused, write the payments, the months they paid, the new figures of
    their lines and bills, and their audit records."""
    lines = _lines_in_play(requests, bills)
    payments: list[tuple[Payment, rules.Allocation]] = []
    touched_bills: set[int] = set()
    for request in requests:
        allocated = _allocate(request, lines, bills, result)
        if allocated is None:
            continue
        allocation, credit_bill, region = allocated
        _mark_paid(allocation, lines)
        payments.append((_payment(actor, request, allocation, credit_bill, region, channel), allocation))
        _credit_bills(allocation, credit_bill, lines, bills, touched_bills, result)
    if result.errors:
        return
    _insert_payments(payments)
    _insert_paid_months(payments)
    _save_figures(payments, lines, bills, touched_bills, result)
    _insert_audit(actor, payments)
    result.created = [p for p, _a in payments]


def _lines_in_play(requests: list[PaymentRequest], bills: dict[int, Bill]) -> _Lines:
    """The lines of the bills paid whole and of the people paid for, on the locked bills,
    in bill, village and id order (the order allocation pays them in)."""
    people = {r.participant.pk for r in requests if r.participant is not None}
    whole = {r.bill.pk for r in requests if r.bill is not None}
    found: dict[int, BillLine] = {}
    for line in BillLine.objects.filter(bill_id__in=whole):
        found[line.pk] = line
    for line in lines_of_people(people).filter(bill_id__in=bills):
        found[line.pk] = line
    died_month = {
        pk: month_index(died_on)
        for pk, died_on in Participant.objects.filter(
            pk__in={line.participant_id for line in found.values()}, died_on__isnull=False
        ).values_list("pk", "died_on")
    }
    by_bill: dict[int, list[BillLine]] = defaultdict(list)
    by_person: dict[int, list[BillLine]] = defaultdict(list)
    for line in sorted(found.values(), key=lambda x: (x.bill_id, x.village_id, x.pk)):
        by_bill[line.bill_id].append(line)
        by_person[line.participant_id].append(line)
    return _Lines(
        by_id=found,
        by_bill=by_bill,
        by_person=by_person,
        bill_first={pk: month_index(b.period_start) for pk, b in bills.items()},
        died_month=died_month,
    )


def _allocate(
    request: PaymentRequest, lines: _Lines, bills: dict[int, Bill], result: PostingResult
) -> tuple[rules.Allocation, Bill, str] | None:
    """The allocation of one request, the bill credited with what is left over and the
    region of the payment; None (the refusal recorded) for a person's months that may
    not be paid."""
    if request.bill is not None:
        bill = bills[request.bill.pk]
        allocation = rules.allocate(lines.states(lines.by_bill[bill.pk]), request.amount)
        return allocation, bill, bill.region_code
    person = request.participant
    states = lines.states(lines.by_person[person.pk])
    wanted = set(range(request.first_month, request.last_month + 1))
    if not _person_months_ok(request, person, states, wanted, lines.died_month.get(person.pk), result):
        return None
    allocation = rules.allocate(states, request.amount, months=wanted)
    credit_bill = (
        _credit_bill(allocation, lines.by_id, bills) or bills[lines.by_id[states[0].line_id].bill_id]
    )
    return allocation, credit_bill, person.village_id


def _mark_paid(allocation: rules.Allocation, lines: _Lines) -> None:
    """The months paid now, on the lines in memory (the requests after this one see them)."""
    for line_id, mask in allocation.newly_paid.items():
        line = lines.by_id[line_id]
        line.paid_mask |= mask
        line.paid_rupiah += len(rules.bits(mask)) * line.monthly_rupiah


def _payment(
    actor, request: PaymentRequest, allocation: rules.Allocation, credit_bill: Bill, region: str, channel: str
) -> Payment:
    return Payment(
        reference=request.reference,
        kind=request.kind,
        paid_on=request.paid_on,
        amount=request.amount,
        bill=credit_bill,
        participant=request.participant,
        first_month=request.first_month,
        last_month=request.last_month,
        allocated_rupiah=allocation.allocated,
        unallocated_rupiah=allocation.left,
        region_code=region,
        channel=channel[:20],
        posted_by=actor if _actor_id(actor) else None,
    )


def _credit_bills(
    allocation: rules.Allocation,
    credit_bill: Bill,
    lines: _Lines,
    bills: dict[int, Bill],
    touched_bills: set[int],
    result: PostingResult,
) -> None:
    """Add the payment to its bills' figures in memory (what each bill's months received,
    the excess as credit on ``credit_bill``) and to what the posting reports of them."""
    for part in allocation.parts:
        bill = bills[lines.by_id[part.line_id].bill_id]
        bill.paid_rupiah += part.amount
        touched_bills.add(bill.pk)
        report = _report(result, bill)
        report.received += part.amount
        report.allocated += part.amount
    credit_bill.credit_rupiah += allocation.left
    touched_bills.add(credit_bill.pk)
    report = _report(result, credit_bill)
    report.received += allocation.left
    report.over += allocation.left


def _insert_payments(payments: list[tuple[Payment, rules.Allocation]]) -> None:
    try:
        with transaction.atomic():
            Payment.objects.bulk_create([p for p, _a in payments], batch_size=2000)
    except IntegrityError as exc:  # a reference recorded at the same moment by another session
        raise Conflict(
            "Sebagian referensi baru saja dicatat oleh sesi lain. Unggah berkas ini sekali lagi: "
            "pembayaran yang sudah tercatat akan dilewati.",
            code="reference_taken",
        ) from exc
    if any(p.pk is None for p, _a in payments):  # databases that do not return ids
        ids = dict(
            Payment.objects.filter(reference__in=[p.reference for p, _a in payments]).values_list(
                "reference", "pk"
            )
        )
        for payment, _a in payments:
            payment.pk = ids[payment.reference]


def _insert_paid_months(payments: list[tuple[Payment, rules.Allocation]]) -> None:
    bulk_insert(
        PaidMonths,
        [
            {
                "participant_id": part.participant_id,
                "line_id": part.line_id,
                "payment_id": payment.pk,
                "first_month": part.first,
                "last_month": part.last,
                "paid_on": payment.paid_on,
                "paid_month": month_index(payment.paid_on),
                "amount": part.amount,
                "void": False,
            }
            for payment, allocation in payments
            for part in allocation.parts
        ],
    )


def _save_figures(
    payments: list[tuple[Payment, rules.Allocation]],
    lines: _Lines,
    bills: dict[int, Bill],
    touched_bills: set[int],
    result: PostingResult,
) -> None:
    """Save the paid months of the lines and the figures of the bills the payments
    touched; report what each bill still owes."""
    changed = [lines.by_id[line_id] for _p, a in payments for line_id in a.newly_paid]
    BillLine.objects.bulk_update(
        list({line.pk: line for line in changed}.values()), ["paid_mask", "paid_rupiah"], batch_size=2000
    )
    for pk in touched_bills:
        bill = bills[pk]
        Bill.objects.filter(pk=pk).update(paid_rupiah=bill.paid_rupiah, credit_rupiah=bill.credit_rupiah)
    for number, report in result.bills.items():
        bill = next(b for b in bills.values() if b.number == number)
        report.outstanding = bill.outstanding_rupiah


def _insert_audit(actor, payments: list[tuple[Payment, rules.Allocation]]) -> None:
    bulk_insert(
        AuditEvent,
        [
            audit_values(
                actor=actor,
                action="payment.post",
                target_type="payment",
                target_id=payment.pk,
                target_repr=payment.reference,
                changes={
                    "reference": [None, payment.reference],
                    "paid_on": [None, payment.paid_on.isoformat()],
                    "amount": [None, payment.amount],
                    "bill": [None, payment.bill.number],
                    **(
                        {
                            "months": [
                                None,
                                f"{month_label(payment.first_month)}..{month_label(payment.last_month)}",
                            ]
                        }
                        if payment.first_month is not None
                        else {}
                    ),
                    "allocated": [None, payment.allocated_rupiah],
                    "unallocated": [None, payment.unallocated_rupiah],
                    "channel": [None, payment.channel],
                },
                region_code=payment.region_code,
            )
            for payment, _a in payments
        ],
    )


def _line_state(line: BillLine, died_month: dict[int, int], bill_first: dict[int, int]) -> rules.LineState:
    return rules.LineState(
        line_id=line.pk,
        participant_id=line.participant_id,
        bill_first_month=bill_first[line.bill_id],
        billed_mask=line.billed_mask,
        paid_mask=line.paid_mask,
        monthly=line.monthly_rupiah,
        payable_through=died_month.get(line.participant_id),
    )


def _report(result: PostingResult, bill: Bill) -> BillReport:
    return result.bills.setdefault(bill.number, BillReport(bill.number))


def _credit_bill(allocation: rules.Allocation, lines: dict, bills: dict) -> Bill | None:
    """The bill of the last month a person payment paid (where any excess is credited)."""
    if not allocation.parts:
        return None
    last = max(allocation.parts, key=lambda part: part.last)
    return bills[lines[last.line_id].bill_id]


def _person_months_ok(request, person, states, wanted: set[int], died: int | None, result) -> bool:
    """A person's payment must name months billed for him on a bill in force, not paid yet,
    and not after the month of his death."""
    if not states:
        _refuse(
            result,
            request,
            f"Belum ada tagihan yang memuat {person.full_name} (NIK {person.nik}). Terbitkan tagihan "
            "programnya dulu, atau periksa NIK-nya.",
            "person_not_billed",
            "nik",
        )
        return False
    billed = {s.bill_first_month + o for s in states for o in rules.bits(s.billed_mask)}
    paid = {s.bill_first_month + o for s in states for o in rules.bits(s.paid_mask)}
    outside = sorted(wanted - billed)
    if outside:
        _refuse(
            result,
            request,
            f"Bulan {', '.join(month_label(m) for m in outside)} tidak ditagihkan untuk {person.full_name}; "
            f"bulan yang ditagihkan: {_months_list(billed)}. Perbaiki BULAN_DARI/BULAN_SAMPAI.",
            "months_outside_bill",
            "first_month",
        )
        return False
    after_death = sorted(m for m in wanted if died is not None and m > died)
    if after_death:
        _refuse(
            result,
            request,
            f"{person.full_name} meninggal pada {month_label(died)}; bulan {month_label(after_death[0])} dan "
            "sesudahnya tidak ditagihkan. Perbaiki BULAN_SAMPAI.",
            "months_after_death",
            "last_month",
        )
        return False
    twice = sorted(wanted & paid)
    if twice:
        _refuse(
            result,
            request,
            f"Bulan {', '.join(month_label(m) for m in twice)} untuk {person.full_name} sudah dibayar. "
            "Hapus bulan itu dari baris ini.",
            "months_already_paid",
            "first_month",
        )
        return False
    return True


def _months_list(months: set[int]) -> str:
    ordered = sorted(months)
    if not ordered:
        return "-"
    first = ordered[0]
    mask = sum(1 << (m - first) for m in ordered)
    return rules.months_text(first, mask)
