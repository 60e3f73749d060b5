"""Reversing a posted payment: the original stays, a reversing entry records the
correction, the person-months it paid are no longer paid (on its bill and on the
corrections that carried them) and the bills' figures go back."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jaring.access.permissions import author, require_editor
from jaring.audit.services import audit_record
from jaring.billing import rules
from jaring.billing.models import Bill, BillLine, PaidMonths, Payment, PaymentKind
from jaring.billing.protection import month_index
from jaring.billing.services._guards import _permission_problem
from jaring.billing.services.postings import PaymentRequest
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_


def _require_paymentrequire_editor(actor, payment: Payment) -> None:
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengoreksi pembayaran."))
    request = PaymentRequest(
        payment.reference, payment.paid_on, payment.amount, participant=payment.participant
    )
    if payment.kind == PaymentKind.BILL:
        request.bill = payment.bill
    refusal = _permission_problem(actor, request)
    if refusal:
        message, params = refusal
        raise PermissionDeniedError(message, params=params)


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
    _require_paymentrequire_editor(actor, original)
    if original.reverses_id is not None:
        raise InvalidInput(N_("Entri pembatalan tidak dapat dibatalkan lagi."), code="reversal_of_reversal")
    if Payment.objects.filter(reverses=original).exists():
        raise Conflict(
            N_("Pembayaran %(reference)s sudah dibatalkan."),
            params={"reference": original.reference},
            code="already_reversed",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(N_("Alasan koreksi wajib diisi."), code="required", field="reason")
    on = on or timezone.localdate()
    if on < original.paid_on or on > timezone.localdate():
        raise InvalidInput(
            N_("Tanggal koreksi harus antara tanggal bayar (%(paid)s) dan hari ini."),
            params={"paid": figures.day(original.paid_on)},
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
        posted_by=author(actor),
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
