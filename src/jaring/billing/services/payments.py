"""Recording payments: a batch (``payments_post``), a confirmation file read in parts
(``posting``) or one payment typed in (``payment_record``). Nothing is kept when any
request is refused; a reference recorded before with the same content is
counted as unchanged, so the same file posted twice records each payment once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import transaction
from django.utils import timezone

from jaring.access.permissions import require_editor
from jaring.access.scoping import reader_of
from jaring.billing.models import Bill, BillStatus, Payment
from jaring.billing.selectors import bills_visible_to, lines_of_people
from jaring.billing.services._guards import _permission_problem
from jaring.billing.services.allocation import _allocate_and_write, _save_bills
from jaring.billing.services.postings import (
    BillReport,
    PaymentRequest,
    PostingResult,
    _refuse,
    refusal_field,
)
from jaring.bulk import Among
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.models import Participant


def _check_request(request: PaymentRequest, today: date, result: PostingResult) -> bool:
    before = len(result.errors)
    if not request.reference:
        _refuse(result, request, N_("Referensi pembayaran wajib diisi."), "required", "reference")
    if request.amount is None or request.amount <= 0:
        _refuse(
            result,
            request,
            N_("Jumlah %(amount)s tidak sah: isi jumlah yang dibayar, lebih dari nol."),
            "amount_not_positive",
            "amount",
            params={"amount": figures.money(request.amount or 0)},
        )
    if request.paid_on > today:
        _refuse(
            result,
            request,
            N_("Tanggal bayar %(paid)s di masa depan. Isi tanggal pembayaran diterima BPJS."),
            "date_in_future",
            "paid_on",
            params={"paid": figures.day(request.paid_on)},
        )
    if request.bill is None and (
        request.first_month is None or request.last_month is None or request.first_month > request.last_month
    ):
        _refuse(
            result,
            request,
            N_("BULAN_DARI harus sebelum atau sama dengan BULAN_SAMPAI (format YYYY-MM)."),
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


class _Undo(Exception):
    """Rolls back a posting that was refused, or that was only a trial."""


class Posting:
    """Payments posted in parts (a file read a chunk at a time) in one transaction. Each
    part is checked, allocated (seeing what the parts before it paid) and written; when
    any request of any part is refused, the caller refuses (``refuse``), or the posting
    is a trial, nothing of it stays. Opened by ``posting``."""

    def __init__(self, actor, channel: str, *, many: bool):
        self.actor, self.channel, self.many = actor, channel, many
        self.result = PostingResult()
        self.today = timezone.localdate()
        self.seen: dict[str, int | None] = {}  # reference -> the row it came from
        self.bills: dict[int, Bill] = {}
        self.touched: set[int] = set()
        self.parts = 0
        self.refused = False

    def refuse(self) -> None:
        """The caller found something wrong (a row of its file): write nothing."""
        self.refused = True

    def add(self, requests: list[PaymentRequest]) -> None:
        if self.parts and not self.many:
            raise RuntimeError("A posting opened with many=False takes one part.")
        self.parts += 1
        valid = self._checked(requests)
        self._lock(valid)
        fresh = self._fresh(valid)
        if fresh:
            created = _allocate_and_write(
                self.actor, fresh, self.bills, self.result, self.channel, self.touched
            )
            self.result.created_count += len(created)
            if not self.many:
                written = Payment.objects.select_related("bill", "participant").filter(pk__in=created)
                self.result.created.extend(written.order_by("pk"))

    def _checked(self, requests: list[PaymentRequest]) -> list[PaymentRequest]:
        """The requests that pass the checks of their own (every refusal reported)."""
        result, valid = self.result, []
        for request in requests:
            request.reference = " ".join((request.reference or "").split())
            if not _check_request(request, self.today, result):
                continue
            if request.reference in self.seen:
                row = self.seen[request.reference]
                if row:
                    _refuse(
                        result,
                        request,
                        N_(
                            "Referensi %(reference)s muncul dua kali (juga di baris %(row)s). Satu referensi "
                            "untuk satu pembayaran: hapus baris ganda."
                        ),
                        "reference_duplicate",
                        "reference",
                        params={"reference": request.reference, "row": str(row)},
                        kind=Conflict,
                    )
                else:
                    _refuse(
                        result,
                        request,
                        N_(
                            "Referensi %(reference)s muncul dua kali. Satu referensi untuk satu pembayaran: "
                            "hapus baris ganda."
                        ),
                        "reference_duplicate",
                        "reference",
                        params={"reference": request.reference},
                        kind=Conflict,
                    )
                continue
            self.seen[request.reference] = request.row
            refusal = _permission_problem(self.actor, request)
            if refusal:
                message, params = refusal
                result.errors.append(
                    (request, PermissionDeniedError(message, params=params, field=refusal_field(request)))
                )
                continue
            valid.append(request)
        return valid

    def _lock(self, valid: list[PaymentRequest]) -> None:
        """Lock the bills the payments may touch, in id order, so that concurrent postings
        to the same bills take turns and each sees what the other recorded. A posting in
        one part locks exactly those; one in many parts locks, before its first part,
        every bill in force of the programs the actor sees (where all its people's bills
        are), so that it never takes a lock after another and cannot deadlock."""
        wanted = {r.bill.pk for r in valid if r.bill is not None}
        if self.many and self.parts == 1:
            in_force = bills_visible_to(reader_of(self.actor)).filter(status=BillStatus.ISSUED)
            wanted |= set(in_force.values_list("pk", flat=True))
        elif not self.many:
            people = [r.participant.pk for r in valid if r.bill is None]
            if people:
                wanted |= set(
                    lines_of_people(people)
                    .filter(bill__status=BillStatus.ISSUED)
                    .order_by()  # the lines' ordering would join bills and regions and undo DISTINCT
                    .values_list("bill_id", flat=True)
                    .distinct()
                )
        missing = sorted(wanted - set(self.bills))
        if missing:
            locked = Bill.objects.select_for_update().filter(pk__in=missing).order_by("pk")
            self.bills.update((b.pk, b) for b in locked)

    def _fresh(self, valid: list[PaymentRequest]) -> list[PaymentRequest]:
        """The payments not recorded before; one recorded with the same content is counted
        as unchanged, with other content refused."""
        result, fresh = self.result, []
        existing = {
            p.reference: p for p in Payment.objects.filter(Among("reference", [r.reference for r in valid]))
        }
        for request in valid:
            known = existing.get(request.reference)
            if request.bill is not None:
                request.bill = self.bills[request.bill.pk]  # as locked: it may have been corrected meanwhile
            if known is None and request.bill is not None and request.bill.status != BillStatus.ISSUED:
                successor = Bill.objects.filter(corrects=request.bill).first()
                if successor is not None:
                    _refuse(
                        result,
                        request,
                        N_("Tagihan %(bill)s sudah dikoreksi; bayarkan ke %(successor)s."),
                        "bill_corrected",
                        "bill",
                        params={"bill": request.bill.number, "successor": successor.number},
                    )
                else:
                    _refuse(
                        result,
                        request,
                        N_("Tagihan %(bill)s sudah dikoreksi."),
                        "bill_corrected",
                        "bill",
                        params={"bill": request.bill.number},
                    )
            elif known is None:
                fresh.append(request)
            elif _same_payment(known, request):
                result.unchanged += 1
            else:
                _refuse(
                    result,
                    request,
                    N_(
                        "Referensi %(reference)s sudah tercatat untuk pembayaran lain (%(amount)s, "
                        "%(paid)s). Periksa referensinya."
                    ),
                    "reference_taken",
                    "reference",
                    params={
                        "reference": request.reference,
                        "amount": figures.money(known.amount),
                        "paid": figures.day(known.paid_on),
                    },
                    kind=Conflict,
                )
        return fresh

    def _finish(self) -> None:
        _save_bills(self.bills, self.touched, self.result)


@contextmanager
def posting(
    *, actor, channel: str = "manual", many: bool = False, dry_run: bool = False
) -> Iterator[Posting]:
    """Open a posting of payments: ``add`` its parts, then leave the block. It is kept
    only when no request was refused, the caller did not ``refuse`` and it is not a
    ``dry_run`` (which still reports what it would have done). ``many`` for a posting in
    more than one part."""
    with transaction.atomic():
        require_editor(actor, N_("Hanya operator dan admin yang dapat mencatat pembayaran iuran."))
        post = Posting(actor, channel, many=many)
        try:
            with transaction.atomic():  # the savepoint a refused posting rolls back to
                yield post
                post._finish()
                if post.result.errors or post.refused or dry_run:
                    raise _Undo
        except _Undo:
            pass
        if post.result.errors or post.refused:
            result = post.result
            result.created, result.created_count, result.bills, result.unchanged = [], 0, {}, 0


@transaction.atomic
def payments_post(*, actor, requests: list[PaymentRequest], channel: str = "manual") -> PostingResult:
    """Record payments and allocate them to person-months, in one transaction. Every
    request is checked; if any is refused nothing is written (the errors are returned).
    A reference recorded before with the same content is counted as unchanged, so
    posting the same payments again (even from two sessions at once) records each one
    once; with different content it is refused."""
    with posting(actor=actor, channel=channel) as post:
        post.add(requests)
    return post.result


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
            N_("Isi nomor tagihan (bayar satu tagihan) atau NIK peserta dengan bulannya, salah satu."),
            code="payment_target",
            field="bill",
        )
    request = PaymentRequest(reference, paid_on, amount, bill, participant, first_month, last_month)
    result = payments_post(actor=actor, requests=[request], channel=channel)
    if result.errors:
        raise result.errors[0][1]
    if not result.created:
        raise Conflict(
            N_("Pembayaran %(reference)s sudah tercatat."),
            params={"reference": request.reference},
            code="payment_already_recorded",
        )
    payment = result.created[0]
    return payment, result.bills[payment.bill.number]
