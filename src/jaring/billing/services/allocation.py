"""Allocating a posting's payments to the person-months they pay, and writing them.
The payments are allocated in order, each seeing the months the ones before it paid:
a whole bill's payment pays its owed months oldest first, a person's payment the
months it names; what is left over is credit on the bill. A posting that has a refused
request undoes what was written (``payments.posting``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from jaring.access.permissions import author_id
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_values
from jaring.billing import rules
from jaring.billing.models import Bill, BillLine, PaidMonths, Payment
from jaring.billing.protection import month_index, month_label
from jaring.billing.selectors import lines_of_people
from jaring.billing.services.postings import BillReport, PaymentRequest, PostingResult, _refuse
from jaring.bulk import Among, bulk_insert, bulk_set
from jaring.errors import Conflict
from jaring.i18n import N_
from jaring.registry.models import Participant


@dataclass(slots=True)
class _Line:
    """A bill line as allocation reads and changes it (the fields it needs, not a model)."""

    pk: int
    bill_id: int
    village_id: str
    participant_id: int
    billed_mask: int
    paid_mask: int
    paid_rupiah: int
    monthly_rupiah: int


LINE_FIELDS = (
    "pk", "bill_id", "village_id", "participant_id",
    "billed_mask", "paid_mask", "paid_rupiah", "monthly_rupiah",
)  # fmt: skip


@dataclass(slots=True)
class _Posted:
    """A payment allocated and about to be written: its columns by attname (``id`` once
    inserted), its allocation and the number of the bill it is credited to."""

    row: dict
    allocation: rules.Allocation
    bill_number: str


@dataclass
class _Lines:
    """The bill lines a posting may pay (of the locked bills), as allocation sees them."""

    by_id: dict[int, _Line]
    by_bill: dict[int, list[_Line]]
    by_person: dict[int, list[_Line]]
    bill_first: dict[int, int]  # bill id -> month index of its first month
    died_month: dict[int, int]  # participant id -> month index of his death
    province: dict[int, str]  # participant id -> province (paid months carry it: jaring.distribution)

    def states(self, lines: list[_Line]) -> list[rules.LineState]:
        return [_line_state(line, self.died_month, self.bill_first) for line in lines]


def _allocate_and_write(
    actor,
    requests: list[PaymentRequest],
    bills: dict[int, Bill],
    result: PostingResult,
    channel: str,
    touched_bills: set[int],
) -> list[int]:
    """Allocate ``requests`` to the lines of ``bills`` (locked by the caller) and write
    the payments, the months they paid, the new figures of their lines and their audit
    records; the bills' new figures are added up in ``bills`` (``touched_bills`` names
    them) for ``_save_bills``. A refused request is reported and skipped; the caller's
    posting undoes everything when any was. Returns the ids of the payments written."""
    lines = _lines_in_play(requests, bills)
    payments: list[_Posted] = []
    posted_at = timezone.now()
    for request in requests:
        allocated = _allocate(request, lines, bills, result)
        if allocated is None:
            continue
        allocation, credit_bill, region = allocated
        _mark_paid(allocation, lines)
        row = _payment(actor, request, allocation, credit_bill, region, channel, posted_at)
        payments.append(_Posted(row, allocation, credit_bill.number))
        _credit_bills(allocation, credit_bill, lines, bills, touched_bills, result)
    _insert_payments(payments)
    _insert_paid_months(payments, lines.province)
    changed = {line_id: lines.by_id[line_id] for p in payments for line_id in p.allocation.newly_paid}
    bulk_set(BillLine, list(changed.values()), ["paid_mask", "paid_rupiah"])
    _insert_audit(actor, payments)
    return [p.row["id"] for p in payments]


def _lines_in_play(requests: list[PaymentRequest], bills: dict[int, Bill]) -> _Lines:
    """The lines of the bills paid whole and of the people paid for, on the locked bills,
    in bill, village and id order (the order allocation pays them in)."""
    people = {r.participant.pk for r in requests if r.participant is not None}
    whole = {r.bill.pk for r in requests if r.bill is not None}
    found: dict[int, _Line] = {}
    # Unordered (sorted below): the models' ordering would join the bills and the regions.
    for values in BillLine.objects.filter(bill_id__in=whole).order_by().values_list(*LINE_FIELDS):
        found[values[0]] = _Line(*values)
    if people:
        mine = lines_of_people(people).filter(bill_id__in=list(bills)).order_by()
        for values in mine.values_list(*LINE_FIELDS):
            found[values[0]] = _Line(*values)
    died_month, province = {}, {}
    for pk, died_on, home in Participant.objects.filter(
        Among("pk", {line.participant_id for line in found.values()})
    ).values_list("pk", "died_on", "province"):
        province[pk] = home
        if died_on is not None:
            died_month[pk] = month_index(died_on)
    by_bill: dict[int, list[_Line]] = defaultdict(list)
    by_person: dict[int, list[_Line]] = defaultdict(list)
    for line in sorted(found.values(), key=lambda x: (x.bill_id, x.village_id, x.pk)):
        by_bill[line.bill_id].append(line)
        by_person[line.participant_id].append(line)
    return _Lines(
        by_id=found,
        by_bill=by_bill,
        by_person=by_person,
        bill_first={pk: month_index(b.period_start) for pk, b in bills.items()},
        died_month=died_month,
        province=province,
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
    actor,
    request: PaymentRequest,
    allocation: rules.Allocation,
    credit_bill: Bill,
    region: str,
    channel: str,
    posted_at,
) -> dict:
    """The columns of the payment (by attname), as ``bulk_insert`` writes them."""
    return {
        "reference": request.reference,
        "kind": request.kind,
        "paid_on": request.paid_on,
        "amount": request.amount,
        "bill_id": credit_bill.pk,
        "participant_id": request.participant.pk if request.participant is not None else None,
        "first_month": request.first_month,
        "last_month": request.last_month,
        "allocated_rupiah": allocation.allocated,
        "unallocated_rupiah": allocation.left,
        "region_code": region,
        "channel": channel[:20],
        "reverses_id": None,
        "reason": "",
        "posted_by_id": author_id(actor),
        "posted_at": posted_at,
    }


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


def _insert_payments(payments: list[_Posted]) -> None:
    """Write the payments (COPY on PostgreSQL) and give each its id, read back by its
    reference."""
    if not payments:
        return
    try:
        with transaction.atomic():
            bulk_insert(Payment, [p.row for p in payments])
    except IntegrityError as exc:  # a reference recorded at the same moment by another session
        raise Conflict(
            N_(
                "Sebagian referensi baru saja dicatat oleh sesi lain. Unggah berkas ini sekali lagi: "
                "pembayaran yang sudah tercatat akan dilewati."
            ),
            code="reference_taken",
        ) from exc
    ids = dict(
        Payment.objects.filter(Among("reference", [p.row["reference"] for p in payments])).values_list(
            "reference", "pk"
        )
    )
    for payment in payments:
        payment.row["id"] = ids[payment.row["reference"]]


def _insert_paid_months(payments: list[_Posted], province: dict[int, str]) -> None:
    bulk_insert(
        PaidMonths,
        [
            {
                "participant_id": part.participant_id,
                "province": province[part.participant_id],
                "line_id": part.line_id,
                "payment_id": payment.row["id"],
                "first_month": part.first,
                "last_month": part.last,
                "paid_on": payment.row["paid_on"],
                "paid_month": month_index(payment.row["paid_on"]),
                "amount": part.amount,
                "void": False,
            }
            for payment in payments
            for part in payment.allocation.parts
        ],
    )


def _save_bills(bills: dict[int, Bill], touched_bills: set[int], result: PostingResult) -> None:
    """Save the figures of the bills a posting touched; report what each still owes."""
    for pk in sorted(touched_bills):
        bill = bills[pk]
        Bill.objects.filter(pk=pk).update(paid_rupiah=bill.paid_rupiah, credit_rupiah=bill.credit_rupiah)
    by_number = {bill.number: bill for bill in bills.values()}
    for number, report in result.bills.items():
        report.outstanding = by_number[number].outstanding_rupiah


def _insert_audit(actor, payments: list[_Posted]) -> None:
    bulk_insert(
        AuditEvent,
        [
            audit_values(
                actor=actor,
                action="payment.post",
                target_type="payment",
                target_id=row["id"],
                target_repr=row["reference"],
                changes={
                    "reference": [None, row["reference"]],
                    "paid_on": [None, row["paid_on"].isoformat()],
                    "amount": [None, row["amount"]],
                    "bill": [None, payment.bill_number],
                    **(
                        {
                            "months": [
                                None,
                                f"{month_label(row['first_month'])}..{month_label(row['last_month'])}",
                            ]
                        }
                        if row["first_month"] is not None
                        else {}
                    ),
                    "allocated": [None, row["allocated_rupiah"]],
                    "unallocated": [None, row["unallocated_rupiah"]],
                    "channel": [None, row["channel"]],
                },
                region_code=row["region_code"],
            )
            for payment in payments
            for row in (payment.row,)
        ],
    )


def _line_state(line: _Line, died_month: dict[int, int], bill_first: dict[int, int]) -> rules.LineState:
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
            N_(
                "Belum ada tagihan yang memuat %(name)s (NIK %(nik)s). Terbitkan tagihan programnya dulu, "
                "atau periksa NIK-nya."
            ),
            "person_not_billed",
            "nik",
            params={"name": person.full_name, "nik": str(person.nik)},
        )
        return False
    billed = {s.bill_first_month + o for s in states for o in rules.bits(s.billed_mask)}
    paid = {s.bill_first_month + o for s in states for o in rules.bits(s.paid_mask)}
    outside = sorted(wanted - billed)
    if outside:
        _refuse(
            result,
            request,
            N_(
                "Bulan %(months)s tidak ditagihkan untuk %(name)s; bulan yang ditagihkan: %(billed)s. "
                "Perbaiki BULAN_DARI/BULAN_SAMPAI."
            ),
            "months_outside_bill",
            "first_month",
            params={
                "months": ", ".join(month_label(m) for m in outside),
                "name": person.full_name,
                "billed": _months_list(billed),
            },
        )
        return False
    after_death = sorted(m for m in wanted if died is not None and m > died)
    if after_death:
        _refuse(
            result,
            request,
            N_(
                "%(name)s meninggal pada %(died)s; bulan %(month)s dan sesudahnya tidak ditagihkan. "
                "Perbaiki BULAN_SAMPAI."
            ),
            "months_after_death",
            "last_month",
            params={
                "name": person.full_name,
                "died": month_label(died),
                "month": month_label(after_death[0]),
            },
        )
        return False
    twice = sorted(wanted & paid)
    if twice:
        _refuse(
            result,
            request,
            N_("Bulan %(months)s untuk %(name)s sudah dibayar. Hapus bulan itu dari baris ini."),
            "months_already_paid",
            "first_month",
            params={"months": ", ".join(month_label(m) for m in twice), "name": person.full_name},
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
