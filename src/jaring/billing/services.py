"""Writes to bills, payments and refunds. Each use case is one transaction with its
audit records; a refusal changes nothing. Posted bills and payments are never edited:
a bill is corrected by a new bill, a payment by a reversing entry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jaring.accounts.models import OrgKind
from jaring.accounts.permissions import can_edit_data, is_platform
from jaring.accounts.scoping import jurisdiction_of
from jaring.audit.models import AuditEvent
from jaring.audit.services import audit_record, audit_values
from jaring.billing import rules
from jaring.billing.bill_lines import Written, write_lines
from jaring.billing.models import (
    Bill,
    BillLine,
    BillStatus,
    PaidMonths,
    Payment,
    PaymentKind,
    Refund,
    RefundStatus,
)
from jaring.billing.protection import month_end, month_index, month_label, month_start
from jaring.billing.selectors import lines_of_people
from jaring.bulk import bulk_insert
from jaring.errors import Conflict, DomainError, InvalidInput, PermissionDeniedError
from jaring.programs.models import Enrolment, EnrolmentStatus, Program
from jaring.programs.rules import rupiah
from jaring.programs.services import enrolment_end
from jaring.registry.models import Participant
from jaring.registry.services import participant_set_status
from jaring.registry.vocab import Status

BPJS_KINDS = (OrgKind.BPJS_BRANCH, OrgKind.BPJS_REGIONAL)


def _editor(actor, message: str) -> None:
    if actor is None or is_platform(actor):
        return
    if not can_edit_data(actor):
        raise PermissionDeniedError(message)


def _require_issuer(actor, program: Program) -> None:
    """Bills are issued by the payer's officers or by BPJS offices (which bill payers)."""
    _editor(actor, "Hanya operator dan admin yang dapat menerbitkan tagihan.")
    if actor is None or is_platform(actor):
        return
    if not _payer_or_bpjs(actor, program):
        raise PermissionDeniedError(
            f"Tagihan program {program.code} diterbitkan oleh {program.payer.name} atau kantor BPJS "
            "Ketenagakerjaan."
        )


def _payer_or_bpjs(actor, program: Program) -> bool:
    if actor.organization_id is None:
        return False
    return actor.organization_id == program.payer_id or actor.organization.kind in BPJS_KINDS


def _require_person_editor(actor, person: Participant, message: str) -> None:
    _editor(actor, message)
    if (
        actor is not None
        and not is_platform(actor)
        and not jurisdiction_of(actor).contains(person.village_id)
    ):
        raise PermissionDeniedError("Peserta ini di luar wilayah kerja Anda.")


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None and actor.pk else None


# -- bills -------------------------------------------------------------------------------


def _audit_bill(actor, action: str, bill: Bill, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="bill",
        target_id=bill.pk,
        target_repr=bill.number,
        changes=changes,
        region_code=bill.region_code,
    )


@transaction.atomic
def bill_issue(*, actor, program: Program, first_month: date, months: int) -> Bill:
    """Issue the bill of ``program`` for ``months`` months from the month of
    ``first_month``: every person an enrolment holds on a month's end in the period
    (deceased and exited people excluded), priced by the rate table of each month.
    Refused when a bill of the program already covers any month of the period."""
    rules.check_bill_months(months)
    program = Program.objects.select_for_update().select_related("payer").get(pk=program.pk)
    _require_issuer(actor, program)
    start = month_index(first_month)
    period_start, period_end = month_start(start), month_end(start + months - 1)
    if period_end < program.starts_on or period_start > program.ends_on:
        raise InvalidInput(
            f"Periode {month_label(start)} s.d. {month_label(start + months - 1)} di luar masa program "
            f"{program.code} ({program.starts_on:%d-%m-%Y} s.d. {program.ends_on:%d-%m-%Y}).",
            code="period_outside_program",
            field="first_month",
        )
    clash = Bill.objects.filter(
        program=program, status=BillStatus.ISSUED, period_start__lte=period_end, period_end__gte=period_start
    ).first()
    if clash is not None:
        raise Conflict(
            f"Bulan {month_label(start)} s.d. {month_label(start + months - 1)} program {program.code} "
            f"sudah ditagih dalam {clash.number}. Untuk memperbaiki tagihan itu, terbitkan koreksinya.",
            code="bill_period_taken",
            field="first_month",
        )
    bill = Bill.objects.create(
        number=rules.bill_number(program.code, start, months),
        program=program,
        period_start=period_start,
        period_end=period_end,
        months=months,
        region_code=program.region_code,
        issued_by=actor if _actor_id(actor) else None,
    )
    written = write_lines(bill, program)
    return _finish_bill(actor, bill, written, action="bill.issue")


def _finish_bill(actor, bill: Bill, written: Written, *, action: str, extra: dict | None = None) -> Bill:
    if not written.people:
        raise InvalidInput(
            f"Tidak ada peserta program {bill.program.code} yang terlindungi pada "
            f"{bill.period_start:%m-%Y} s.d. {bill.period_end:%m-%Y}: tidak ada yang ditagih.",
            code="bill_empty",
            field="first_month",
        )
    bill.people, bill.person_months, bill.total_rupiah = written.people, written.person_months, written.total
    bill.save(update_fields=["people", "person_months", "total_rupiah", "paid_rupiah", "credit_rupiah"])
    _audit_bill(
        actor,
        action,
        bill,
        {
            "number": [None, bill.number],
            "program": [None, bill.program.code],
            "period": [None, f"{bill.period_start.isoformat()}..{bill.period_end.isoformat()}"],
            "people": [None, bill.people],
            "person_months": [None, bill.person_months],
            "total_rupiah": [None, bill.total_rupiah],
            **(extra or {}),
        },
    )
    return bill


@transaction.atomic
def bill_correct(*, actor, bill: Bill, reason: str) -> Bill:
    """Replace a bill by a correction: a new bill for the same program and period from
    the enrolments as they are now (a death or a late enrolment is reflected) and the
    rate table as it is now. The original stays, marked corrected; the months already
    paid on it stay paid on the correction, and money paid beyond them is kept as credit."""
    program = Program.objects.select_for_update().select_related("payer").get(pk=bill.program_id)
    original = Bill.objects.select_for_update().get(pk=bill.pk)
    _require_issuer(actor, program)
    if original.status != BillStatus.ISSUED:
        successor = Bill.objects.filter(corrects=original).first()
        raise Conflict(
            f"Tagihan {original.number} sudah dikoreksi"
            + (f" oleh {successor.number}; koreksi tagihan itu." if successor else "."),
            code="bill_already_corrected",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Alasan koreksi wajib diisi.", code="required", field="reason")
    original.status = BillStatus.CORRECTED
    original.save(update_fields=["status"])
    depth, cursor = 1, original
    while cursor.corrects_id:
        depth, cursor = depth + 1, cursor.corrects
    correction = Bill.objects.create(
        number=rules.bill_number(program.code, month_index(original.period_start), original.months, depth),
        program=program,
        period_start=original.period_start,
        period_end=original.period_end,
        months=original.months,
        corrects=original,
        reason=reason,
        region_code=original.region_code,
        issued_by=actor if _actor_id(actor) else None,
    )
    carried: dict[int, dict[int, int]] = defaultdict(dict)
    for line in BillLine.objects.filter(bill=original, paid_mask__gt=0).only(
        "enrolment_id", "first_month", "paid_mask", "monthly_rupiah", "bill_id"
    ):
        for offset in rules.bits(line.paid_mask):
            carried[line.enrolment_id][month_index(original.period_start) + offset] = line.monthly_rupiah
    written = write_lines(correction, program, carried=carried)
    received = original.paid_rupiah + original.credit_rupiah
    correction.paid_rupiah, correction.credit_rupiah = written.paid, max(received - written.paid, 0)
    _finish_bill(
        actor,
        correction,
        written,
        action="bill.correct",
        extra={"corrects": [None, original.number], "reason": [None, reason]},
    )
    _audit_bill(actor, "bill.corrected", original, {"status": [BillStatus.ISSUED, BillStatus.CORRECTED]})
    return correction


# -- payments ------------------------------------------------------------------------------


@dataclass
class PaymentRequest:
    """One payment to record: a whole bill (``bill``) or one person's months
    (``participant``, ``first_month``..``last_month`` as month indexes)."""

    reference: str
    paid_on: date
    amount: int
    bill: Bill | None = None
    participant: Participant | None = None
    first_month: int | None = None
    last_month: int | None = None
    row: int | None = None  # the file row, for reporting

    @property
    def kind(self) -> str:
        return PaymentKind.BILL if self.bill is not None else PaymentKind.PERSON


@dataclass
class BillReport:
    """What a posting did to one bill: received, allocated to person-months, left over
    (an over-payment, kept as credit) and what the bill still owes (an under-payment)."""

    number: str
    received: int = 0
    allocated: int = 0
    over: int = 0
    outstanding: int = 0

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "received": self.received,
            "allocated": self.allocated,
            "over": self.over,
            "outstanding": self.outstanding,
        }


@dataclass
class PostingResult:
    created: list[Payment] = field(default_factory=list)
    unchanged: int = 0  # the same payment recorded before (same reference and content)
    bills: dict[str, BillReport] = field(default_factory=dict)
    errors: list[tuple[PaymentRequest, DomainError]] = field(default_factory=list)


def _refuse(
    result: PostingResult, request: PaymentRequest, message: str, code: str, column: str, *, kind=InvalidInput
) -> None:
    result.errors.append((request, kind(message, code=code, field=column)))


def _check_request(request: PaymentRequest, today: date, result: PostingResult) -> bool:
    before = len(result.errors)
    if not request.reference:
        _refuse(result, request, "Referensi pembayaran wajib diisi.", "required", "REFERENSI")
    if request.amount is None or request.amount <= 0:
        _refuse(
            result,
            request,
            f"Jumlah {rupiah(request.amount or 0)} tidak sah: isi jumlah yang dibayar, lebih dari nol.",
            "amount_not_positive",
            "JUMLAH",
        )
    if request.paid_on > today:
        _refuse(
            result,
            request,
            f"Tanggal bayar {request.paid_on:%d-%m-%Y} di masa depan. Isi tanggal pembayaran diterima BPJS.",
            "date_in_future",
            "TANGGAL_BAYAR",
        )
    if request.bill is None and (
        request.first_month is None or request.last_month is None or request.first_month > request.last_month
    ):
        _refuse(
            result,
            request,
            "BULAN_DARI harus sebelum atau sama dengan BULAN_SAMPAI (format YYYY-MM).",
            "months_reversed",
            "BULAN_DARI",
        )
    return len(result.errors) == before


def _same_payment(existing: Payment, request: PaymentRequest) -> bool:
    return (
        existing.amount == request.amount
        and existing.paid_on == request.paid_on
        and existing.bill_id == (request.bill.pk if request.bill else existing.bill_id)
        and existing.participant_id == (request.participant.pk if request.participant else None)
        and existing.first_month == request.first_month
        and existing.last_month == request.last_month
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


def _person_lines(person: Participant) -> list[BillLine]:
    return list(
        lines_of_people([person.pk]).filter(bill__status=BillStatus.ISSUED).order_by("first_month", "id")
    )


@transaction.atomic
def payments_post(*, actor, requests: list[PaymentRequest], channel: str = "manual") -> PostingResult:
    """Record payments and allocate them to person-months, in one transaction. Every
    request is checked first; if any is refused nothing is written (the errors are
    returned). A reference recorded before with the same content is counted as
    unchanged, so posting the same payments again (even from two sessions at once)
    records each one once; with different content it is refused."""
    result = PostingResult()
    today = timezone.localdate()
    _editor(actor, "Hanya operator dan admin yang dapat mencatat pembayaran iuran.")
    seen: dict[str, PaymentRequest] = {}
    valid: list[PaymentRequest] = []
    for request in requests:
        request.reference = " ".join((request.reference or "").split())
        if not _check_request(request, today, result):
            continue
        if request.reference in seen:
            _refuse(
                result,
                request,
                f"Referensi {request.reference} muncul dua kali"
                + (f" (juga di baris {seen[request.reference].row})" if seen[request.reference].row else "")
                + ". Satu referensi untuk satu pembayaran: hapus baris ganda.",
                "reference_duplicate",
                "REFERENSI",
                kind=Conflict,
            )
            continue
        seen[request.reference] = request
        refusal = _permission_problem(actor, request)
        if refusal:
            result.errors.append((request, PermissionDeniedError(refusal, field=refusal_column(request))))
            continue
        valid.append(request)
    # The rows that passed are checked further (so that every error is reported at once);
    # nothing is written unless no row at all was refused.
    with transaction.atomic():
        # Lock every bill the payments may touch (in id order): concurrent postings to the
        # same bills take turns, and each sees what the other recorded.
        bill_ids = {r.bill.pk for r in valid if r.bill is not None}
        person_lines = {r.participant.pk: _person_lines(r.participant) for r in valid if r.bill is None}
        bill_ids |= {line.bill_id for lines in person_lines.values() for line in lines}
        bills = {b.pk: b for b in Bill.objects.select_for_update().filter(pk__in=bill_ids).order_by("pk")}
        existing = {
            p.reference: p for p in Payment.objects.filter(reference__in=[r.reference for r in valid])
        }
        fresh = []
        for request in valid:
            known = existing.get(request.reference)
            if request.bill is not None:
                request.bill = bills[request.bill.pk]  # as locked: it may have been corrected meanwhile
            if known is None and request.bill is not None and request.bill.status != BillStatus.ISSUED:
                successor = Bill.objects.filter(corrects=request.bill).first()
                _refuse(
                    result,
                    request,
                    f"Tagihan {request.bill.number} sudah dikoreksi"
                    + (f"; bayarkan ke {successor.number}." if successor else "."),
                    "bill_corrected",
                    "NOMOR_TAGIHAN",
                )
            elif known is None:
                fresh.append(request)
            elif _same_payment(known, request):
                result.unchanged += 1
            else:
                _refuse(
                    result,
                    request,
                    f"Referensi {request.reference} sudah tercatat untuk pembayaran lain "
                    f"({rupiah(known.amount)}, {known.paid_on:%d-%m-%Y}). Periksa referensinya.",
                    "reference_taken",
                    "REFERENSI",
                    kind=Conflict,
                )
        if fresh:
            _allocate_and_write(actor, fresh, bills, result, channel)  # writes nothing when a row is refused
    if result.errors:
        result.created, result.bills, result.unchanged = [], {}, 0
    return result


def refusal_column(request: PaymentRequest) -> str:
    return "NOMOR_TAGIHAN" if request.bill is not None else "NIK"


def _permission_problem(actor, request: PaymentRequest) -> str | None:
    """Why ``actor`` may not record this payment, or None. A whole bill is paid by its
    payer or recorded by a BPJS office; a person's months by the officers of his region."""
    if actor is None or is_platform(actor):
        return None
    if request.bill is not None:
        program = request.bill.program
        if not _payer_or_bpjs(actor, program):
            return (
                f"Pembayaran satu tagihan dicatat oleh {program.payer.name} atau kantor BPJS "
                "Ketenagakerjaan; catat pembayaran per peserta untuk warga wilayah Anda."
            )
        return None
    if not jurisdiction_of(actor).contains(request.participant.village_id):
        return "Peserta ini di luar wilayah kerja Anda."
    return None


def _require_payment_editor(actor, payment: Payment) -> None:
    _editor(actor, "Hanya operator dan admin yang dapat mengoreksi pembayaran.")
    request = PaymentRequest(
        payment.reference, payment.paid_on, payment.amount, participant=payment.participant
    )
    if payment.kind == PaymentKind.BILL:
        request.bill = payment.bill
    refusal = _permission_problem(actor, request)
    if refusal:
        raise PermissionDeniedError(refusal)


def _allocate_and_write(
    actor, requests: list[PaymentRequest], bills: dict, result: PostingResult, channel: str
):
    bill_first = {pk: month_index(b.period_start) for pk, b in bills.items()}
    people = {r.participant.pk for r in requests if r.participant is not None}
    whole = {r.bill.pk for r in requests if r.bill is not None}
    lines: dict[int, BillLine] = {}
    for line in BillLine.objects.filter(bill_id__in=whole):
        lines[line.pk] = line
    for line in lines_of_people(people).filter(bill_id__in=bills):
        lines[line.pk] = line
    died_month = {
        pk: month_index(died_on)
        for pk, died_on in Participant.objects.filter(
            pk__in={line.participant_id for line in lines.values()}, died_on__isnull=False
        ).values_list("pk", "died_on")
    }
    by_bill: dict[int, list[BillLine]] = defaultdict(list)
    by_person: dict[int, list[BillLine]] = defaultdict(list)
    for line in sorted(lines.values(), key=lambda x: (x.bill_id, x.village_id, x.pk)):
        by_bill[line.bill_id].append(line)
        by_person[line.participant_id].append(line)
    payments: list[tuple[Payment, rules.Allocation]] = []
    touched_bills: set[int] = set()
    for request in requests:
        if request.bill is not None:
            bill = bills[request.bill.pk]
            states = [_line_state(line, died_month, bill_first) for line in by_bill[bill.pk]]
            allocation = rules.allocate(states, request.amount)
            credit_bill, region = bill, bill.region_code
        else:
            person = request.participant
            states = [_line_state(line, died_month, bill_first) for line in by_person[person.pk]]
            wanted = set(range(request.first_month, request.last_month + 1))
            if not _person_months_ok(request, person, states, wanted, died_month.get(person.pk), result):
                continue
            allocation = rules.allocate(states, request.amount, months=wanted)
            credit_bill = _credit_bill(allocation, lines, bills) or bills[lines[states[0].line_id].bill_id]
            region = person.village_id
        for line_id, mask in allocation.newly_paid.items():
            line = lines[line_id]
            line.paid_mask |= mask
            line.paid_rupiah += len(rules.bits(mask)) * line.monthly_rupiah
        payment = Payment(
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
        payments.append((payment, allocation))
        for part in allocation.parts:
            bills[lines[part.line_id].bill_id].paid_rupiah += part.amount
            touched_bills.add(lines[part.line_id].bill_id)
        credit_bill.credit_rupiah += allocation.left
        touched_bills.add(credit_bill.pk)
        # What each bill received: the months it was paid for, and the excess on the credited one.
        for part in allocation.parts:
            report = _report(result, bills[lines[part.line_id].bill_id])
            report.received += part.amount
            report.allocated += part.amount
        report = _report(result, credit_bill)
        report.received += allocation.left
        report.over += allocation.left
    if result.errors:
        return
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
    changed = [lines[line_id] for _p, a in payments for line_id in a.newly_paid]
    BillLine.objects.bulk_update(
        list({line.pk: line for line in changed}.values()), ["paid_mask", "paid_rupiah"], batch_size=2000
    )
    for pk in touched_bills:
        bill = bills[pk]
        Bill.objects.filter(pk=pk).update(paid_rupiah=bill.paid_rupiah, credit_rupiah=bill.credit_rupiah)
    for number, report in result.bills.items():
        bill = next(b for b in bills.values() if b.number == number)
        report.outstanding = bill.outstanding_rupiah
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
    result.created = [p for p, _a in payments]


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
            "NIK",
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
            "BULAN_DARI",
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
            "BULAN_SAMPAI",
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
            "BULAN_DARI",
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


@transaction.atomic
def payment_record(
    *,
    actor,
    reference: str,
    paid_on: date,
    amount: int,
    bill: Bill | None = None,
    participant: Participant | None = None,
    first_month: int | None = None,
    last_month: int | None = None,
    channel: str = "manual",
) -> tuple[Payment, BillReport]:
    """Record one payment (for a whole bill, or for one person's months); a refusal
    raises its reason. Returns the payment and what it did to its bill."""
    if (bill is None) == (participant is None):
        raise InvalidInput(
            "Isi nomor tagihan (bayar satu tagihan) atau NIK peserta dengan bulannya, salah satu.",
            code="payment_target",
            field="bill",
        )
    request = PaymentRequest(reference, paid_on, amount, bill, participant, first_month, last_month)
    result = payments_post(actor=actor, requests=[request], channel=channel)
    if result.errors:
        raise result.errors[0][1]
    if not result.created:
        raise Conflict(f"Pembayaran {request.reference} sudah tercatat.", code="payment_already_recorded")
    payment = result.created[0]
    return payment, result.bills[payment.bill.number]


@transaction.atomic
def payment_reverse(*, actor, payment: Payment, reason: str, on: date | None = None) -> Payment:
    """Correct a posted payment with a reversing entry: the original stays, the
    person-months it paid are no longer paid (their months void), and its bill's
    figures go back."""
    original = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("bill__program__payer", "participant")
        .get(pk=payment.pk)
    )
    _require_payment_editor(actor, original)
    if original.reverses_id is not None:
        raise InvalidInput("Entri pembatalan tidak dapat dibatalkan lagi.", code="reversal_of_reversal")
    if Payment.objects.filter(reverses=original).exists():
        raise Conflict(f"Pembayaran {original.reference} sudah dibatalkan.", code="already_reversed")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Alasan koreksi wajib diisi.", code="required", field="reason")
    on = on or timezone.localdate()
    if on < original.paid_on or on > timezone.localdate():
        raise InvalidInput(
            f"Tanggal koreksi harus antara tanggal bayar ({original.paid_on:%d-%m-%Y}) dan hari ini.",
            code="date_invalid",
            field="on",
        )
    spans = list(PaidMonths.objects.filter(payment=original, void=False).select_related("line"))
    holding = [(span, line) for span in spans for line in _lines_holding(span)]
    bill_ids = {original.bill_id} | {line.bill_id for _span, line in holding}
    bills = {b.pk: b for b in Bill.objects.select_for_update().filter(pk__in=bill_ids).order_by("pk")}
    for span, line in holding:
        first = month_index(bills[line.bill_id].period_start)
        mask = sum(1 << (m - first) for m in range(span.first_month, span.last_month + 1)) & line.paid_mask
        rupiah_back = len(rules.bits(mask)) * line.monthly_rupiah
        BillLine.objects.filter(pk=line.pk).update(
            paid_mask=F("paid_mask") - mask, paid_rupiah=F("paid_rupiah") - rupiah_back
        )
        Bill.objects.filter(pk=line.bill_id).update(paid_rupiah=F("paid_rupiah") - rupiah_back)
    PaidMonths.objects.filter(payment=original).update(void=True)
    Bill.objects.filter(pk=original.bill_id).update(
        credit_rupiah=F("credit_rupiah") - original.unallocated_rupiah
    )
    reversal = Payment.objects.create(
        reference=f"{original.reference}/BATAL"[:100],
        kind=original.kind,
        paid_on=on,
        amount=-original.amount,
        bill=original.bill,
        participant=original.participant,
        first_month=original.first_month,
        last_month=original.last_month,
        allocated_rupiah=-original.allocated_rupiah,
        unallocated_rupiah=-original.unallocated_rupiah,
        region_code=original.region_code,
        channel="koreksi",
        reverses=original,
        reason=reason,
        posted_by=actor if _actor_id(actor) else None,
    )
    audit_record(
        actor=actor,
        action="payment.reverse",
        target_type="payment",
        target_id=original.pk,
        target_repr=original.reference,
        changes={
            "reversed_by": [None, reversal.reference],
            "amount": [original.amount, 0],
            "months_voided": [None, sum(s.last_month - s.first_month + 1 for s in spans)],
            "reason": [None, reason],
        },
        region_code=original.region_code,
    )
    return reversal


def _lines_holding(span: PaidMonths) -> list[BillLine]:
    """The line a span paid and, when its bill was corrected, the lines of the corrections
    that carried those months as paid."""
    found = [span.line]
    bill_id = span.line.bill_id
    while True:
        successor = Bill.objects.filter(corrects_id=bill_id).values_list("pk", flat=True).first()
        if successor is None:
            return found
        found += list(
            BillLine.objects.filter(
                bill_id=successor,
                enrolment_id=span.line.enrolment_id,
                first_month__lte=span.last_month,
                last_month__gte=span.first_month,
            )
        )
        bill_id = successor


# -- deaths and refunds ----------------------------------------------------------------------


@transaction.atomic
def death_record(*, actor, participant: Participant, died_on: date, reason: str) -> Refund:
    """Record a person's death: the person becomes deceased (through the registry's status
    service) from ``died_on``, the enrolments holding him end on that day (history kept),
    no later bill includes him, and the months paid beyond the month of death are owed
    back to the payer: the returned Refund (months 0 and status "none" when nothing was
    paid ahead). Refused for a date in the future or before the person's birth."""
    person = Participant.objects.select_for_update().get(pk=participant.pk)
    _require_person_editor(actor, person, "Hanya operator dan admin yang dapat mencatat kematian peserta.")
    if died_on > timezone.localdate():
        raise InvalidInput(
            f"Tanggal meninggal {died_on:%d-%m-%Y} di masa depan.", code="date_in_future", field="died_on"
        )
    if died_on < person.birth_date:
        raise InvalidInput(
            f"Tanggal meninggal {died_on:%d-%m-%Y} sebelum tanggal lahir ({person.birth_date:%d-%m-%Y}).",
            code="date_before_birth",
            field="died_on",
        )
    if person.status == Status.DECEASED:
        raise Conflict(f"{person.full_name} sudah tercatat meninggal.", code="already_deceased")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            "Keterangan wajib diisi (mis. nomor akta kematian).", code="required", field="reason"
        )
    participant_set_status(actor=actor, participant=person, status=Status.DECEASED, reason=reason)
    Participant.objects.filter(pk=person.pk).update(died_on=died_on)
    ended = []
    for enrolment in Enrolment.objects.filter(
        participant=person, status=EnrolmentStatus.ACTIVE
    ).select_related("program"):
        enrolment_end(
            actor=actor,
            enrolment=enrolment,
            ends_on=max(died_on, enrolment.starts_on),
            reason=f"Meninggal dunia {died_on:%d-%m-%Y}",
        )
        ended.append(enrolment.program.code)
    refund = _refund_for(person, died_on)
    audit_record(
        actor=actor,
        action="participant.death",
        target_type="participant",
        target_id=person.pk,
        target_repr=str(person),
        changes={
            "died_on": [None, died_on.isoformat()],
            "enrolments_ended": [None, ended],
            "refund_months": [None, refund.months],
            "refund_rupiah": [None, refund.rupiah],
            "reason": [None, reason],
        },
        region_code=person.village_id,
    )
    participant.status, participant.died_on = Status.DECEASED, died_on
    return refund


def _refund_for(person: Participant, died_on: date) -> Refund:
    """The months paid after the month of death, per line, owed to the payer of the most."""
    spans = (
        PaidMonths.objects.filter(participant=person, void=False)
        .select_related("line__bill__program__payer")
        .order_by("first_month")
    )
    spans = list(spans)
    lines = {s.line_id: s.line for s in spans}
    parts = rules.refund_parts(
        [(s.line_id, s.first_month, s.last_month, s.line.monthly_rupiah) for s in spans], month_index(died_on)
    )
    by_payer: dict[int, int] = defaultdict(int)
    for part in parts:
        by_payer[lines[part.line_id].bill.program.payer_id] += part.rupiah
    payer_id = max(by_payer, key=by_payer.get) if by_payer else _last_payer(person)
    return Refund.objects.create(
        participant=person,
        payer_id=payer_id,
        died_on=died_on,
        months=sum(len(p.months) for p in parts),
        rupiah=sum(p.rupiah for p in parts),
        status=RefundStatus.DUE if parts else RefundStatus.NONE,
        details=[
            {
                "bill": lines[p.line_id].bill.number,
                "program": lines[p.line_id].bill.program.code,
                "payer": lines[p.line_id].bill.program.payer.code,
                "months": [month_label(m) for m in p.months],
                "rupiah": p.rupiah,
            }
            for p in parts
        ],
        region_code=person.village_id,
    )


def _last_payer(person: Participant) -> int | None:
    return (
        Enrolment.objects.filter(participant=person)
        .order_by("-starts_on", "-id")
        .values_list("program__payer_id", flat=True)
        .first()
    )


@transaction.atomic
def refund_settle(*, actor, refund: Refund, settled_on: date, reference: str) -> Refund:
    """Record that a refund was paid back to the payer."""
    refund = (
        Refund.objects.select_for_update(of=("self",))
        .select_related("participant", "payer")
        .get(pk=refund.pk)
    )
    _editor(actor, "Hanya operator dan admin yang dapat mencatat pengembalian iuran.")
    if actor is not None and not is_platform(actor):
        own = actor.organization_id == refund.payer_id
        bpjs = actor.organization.kind in BPJS_KINDS and jurisdiction_of(actor).contains(refund.region_code)
        if not (own or bpjs):
            raise PermissionDeniedError(
                "Pengembalian iuran dicatat oleh pemberi dana atau kantor BPJS Ketenagakerjaan wilayahnya."
            )
    if refund.status != RefundStatus.DUE:
        raise Conflict(
            "Tidak ada pengembalian yang belum diselesaikan untuk peserta ini.", code="refund_not_due"
        )
    reference = " ".join((reference or "").split())
    if not reference:
        raise InvalidInput("Referensi pengembalian wajib diisi.", code="required", field="reference")
    if settled_on > timezone.localdate() or settled_on < refund.died_on:
        raise InvalidInput(
            f"Tanggal pengembalian harus antara tanggal meninggal ({refund.died_on:%d-%m-%Y}) dan hari ini.",
            code="date_invalid",
            field="settled_on",
        )
    refund.status, refund.settled_on, refund.settled_reference = RefundStatus.SETTLED, settled_on, reference
    refund.settled_by = actor if _actor_id(actor) else None
    refund.save(update_fields=["status", "settled_on", "settled_reference", "settled_by"])
    audit_record(
        actor=actor,
        action="refund.settle",
        target_type="participant",
        target_id=refund.participant_id,
        target_repr=str(refund.participant),
        changes={
            "refund_status": [RefundStatus.DUE, RefundStatus.SETTLED],
            "settled_on": [None, settled_on.isoformat()],
            "reference": [None, reference],
            "rupiah": [None, refund.rupiah],
        },
        region_code=refund.region_code,
    )
    return refund
