"""Recording payments: a batch from a confirmation file (``payments_post``) or one
payment typed in (``payment_record``). Every request is checked first and nothing is
written when any is refused; a reference recorded before with the same content is
counted as unchanged, so the same file posted twice records each payment once."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from jaring.billing.models import Bill, BillLine, BillStatus, Payment
from jaring.billing.selectors import lines_of_people
from jaring.billing.services._guards import _editor, _permission_problem
from jaring.billing.services.allocation import _allocate_and_write
from jaring.billing.services.postings import (
    BillReport,
    PaymentRequest,
    PostingResult,
    _refuse,
    refusal_field,
)
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.programs.rules import rupiah
from jaring.registry.models import Participant


def _check_request(request: PaymentRequest, today: date, result: PostingResult) -> bool:
    before = len(result.errors)
    if not request.reference:
        _refuse(result, request, "Referensi pembayaran wajib diisi.", "required", "reference")
    if request.amount is None or request.amount <= 0:
        _refuse(
            result,
            request,
            f"Jumlah {rupiah(request.amount or 0)} tidak sah: isi jumlah yang dibayar, lebih dari nol.",
            "amount_not_positive",
            "amount",
        )
    if request.paid_on > today:
        _refuse(
            result,
            request,
            f"Tanggal bayar {request.paid_on:%d-%m-%Y} di masa depan. Isi tanggal pembayaran diterima BPJS.",
            "date_in_future",
            "paid_on",
        )
    if request.bill is None and (
        request.first_month is None or request.last_month is None or request.first_month > request.last_month
    ):
        _refuse(
            result,
            request,
            "BULAN_DARI harus sebelum atau sama dengan BULAN_SAMPAI (format YYYY-MM).",
            "months_reversed",
            "first_month",
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
                "reference",
                kind=Conflict,
            )
            continue
        seen[request.reference] = request
        refusal = _permission_problem(actor, request)
        if refusal:
            result.errors.append((request, PermissionDeniedError(refusal, field=refusal_field(request))))
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
                    "bill",
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
                    "reference",
                    kind=Conflict,
                )
        if fresh:
            _allocate_and_write(actor, fresh, bills, result, channel)  # writes nothing when a row is refused
    if result.errors:
        result.created, result.bills, result.unchanged = [], {}, 0
    return result


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
