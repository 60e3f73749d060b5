"""API of bills, payments, protection status and refunds (through the jurisdiction
selectors of jaring.billing.selectors). Money is integer rupiah; months are YYYY-MM."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jaring.access.permissions import can_edit_data
from jaring.api_input import (
    FIRST_YEAR,
    LAST_YEAR,
    Cursor,
    Date,
    ErrorOut,
    Id,
    Limit,
    Months,
    RegionFilter,
    Rupiah,
    Year,
)
from jaring.billing import selectors, services
from jaring.billing.imports import payments_import
from jaring.billing.models import BillStatus, PaymentKind, RefundStatus
from jaring.billing.protection import month_index, month_label
from jaring.errors import InvalidInput, NotFound
from jaring.guards import require
from jaring.i18n import N_
from jaring.paging import keyset_page
from jaring.programs.selectors import program_by_code
from jaring.registry.selectors import mask_text, nik_for, participants_visible_to
from jaring.sheets.cells import compact
from jaring.sheets.uploads import saved_upload

EDITORS_ONLY = N_("Hanya operator dan admin yang dapat mengubah data iuran.")

router = Router(tags=["Iuran dan perlindungan"])


class BillOut(Schema):
    id: int
    number: str
    program: str
    period_start: date
    period_end: date
    months: int
    status: str
    corrects: str | None
    people: int
    person_months: int
    total_rupiah: int
    paid_rupiah: int
    outstanding_rupiah: int
    credit_rupiah: int
    payment_state: str


class BillIn(Schema):
    program: str  # program code
    first_month: str  # YYYY-MM
    months: Months


class ReasonIn(Schema):
    reason: str


class BillLineOut(Schema):
    id: int
    participant_id: int
    nik: str
    village_code: str
    months: list[str]
    monthly_rupiah: int
    amount: int
    paid_months: list[str]
    paid_rupiah: int


class PaymentOut(Schema):
    id: int
    reference: str
    kind: str
    paid_on: date
    amount: int
    bill: str | None
    participant_id: int | None
    first_month: str | None
    last_month: str | None
    allocated_rupiah: int
    unallocated_rupiah: int
    reverses: str | None
    reason: str


class PaymentIn(Schema):
    reference: str
    paid_on: Date
    amount: Rupiah
    bill: str | None = None  # bill number, to pay a whole bill
    nik: str | None = None  # or one person's months
    first_month: str | None = None  # YYYY-MM
    last_month: str | None = None


class BillReportOut(Schema):
    number: str
    received: int
    allocated: int
    over: int
    outstanding: int


class PaymentPosted(Schema):
    payment: PaymentOut
    bill: BillReportOut


class PaymentRowErrorOut(Schema):
    row: int
    column: str
    code: str
    message: str


class PaymentImportOut(Schema):
    layout: str
    rows: int
    created: int
    unchanged: int
    dry_run: bool
    saved: bool
    bills: list[BillReportOut]
    errors: list[PaymentRowErrorOut]
    notices: list[PaymentRowErrorOut]  # headers not read (column_unknown, column_repeated)


class PaymentReverseIn(Schema):
    reason: str
    on: Date | None = None


class ProtectionOut(Schema):
    nik: str
    date: date
    status: str
    paid_through: date | None
    covered_until: date | None
    membership_months: int
    unpaid_months: int


class ProtectionAlertOut(Schema):
    participant_id: int
    nik: str
    full_name: str
    village_code: str
    status: str
    paid_through: date | None
    covered_until: date | None
    programs: list[str]


class RefundOut(Schema):
    id: int
    participant_id: int
    nik: str
    payer: str | None
    died_on: date
    months: int
    rupiah: int
    status: str
    details: list[dict]
    settled_on: date | None
    settled_reference: str


class RefundSettleIn(Schema):
    settled_on: Date
    reference: str


def _month(text: str | None, field: str) -> int:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise InvalidInput(
            N_("Bulan '%(text)s' bukan YYYY-MM antara %(first)s dan %(last)s, mis. 2025-01."),
            params={"text": text or "", "first": str(FIRST_YEAR), "last": str(LAST_YEAR)},
            code="month_invalid",
            field=field,
        )
    return int(match[1]) * 12 + int(match[2]) - 1


def _bill_out(bill) -> dict:
    return {
        "id": bill.pk,
        "number": bill.number,
        "program": bill.program.code,
        "period_start": bill.period_start,
        "period_end": bill.period_end,
        "months": bill.months,
        "status": bill.status,
        "corrects": bill.corrects.number if bill.corrects_id else None,
        "people": bill.people,
        "person_months": bill.person_months,
        "total_rupiah": bill.total_rupiah,
        "paid_rupiah": bill.paid_rupiah,
        "outstanding_rupiah": bill.outstanding_rupiah,
        "credit_rupiah": bill.credit_rupiah,
        "payment_state": bill.payment_state,
    }


def _payment_out(p) -> dict:
    return {
        "id": p.pk,
        "reference": p.reference,
        "kind": p.kind,
        "paid_on": p.paid_on,
        "amount": p.amount,
        "bill": p.bill.number if p.bill_id else None,
        "participant_id": p.participant_id,
        "first_month": month_label(p.first_month) if p.first_month is not None else None,
        "last_month": month_label(p.last_month) if p.last_month is not None else None,
        "allocated_rupiah": p.allocated_rupiah,
        "unallocated_rupiah": p.unallocated_rupiah,
        "reverses": p.reverses.reference if p.reverses_id else None,
        "reason": p.reason,
    }


@router.get("/bills", response=dict[str, list[BillOut] | int | None], summary="Tagihan iuran yang terlihat")
def bill_list(
    request,
    program_id: Id | None = None,
    status: str = "",
    year: Year | None = None,
    after: Cursor | None = None,
    limit: Limit = 100,
):
    """Newest first; ``after`` (a bill id) pages on."""
    bills = selectors.bills_visible_to(request.user).select_related("corrects")
    if program_id:
        bills = bills.filter(program_id=program_id)
    if status in BillStatus.values:
        bills = bills.filter(status=status)
    if year:
        bills = bills.filter(period_start__year=year)
    rows, next_after = keyset_page(bills, after=after, limit=limit, newest_first=True)
    return {"items": [_bill_out(b) for b in rows], "next_after": next_after}


@router.post("/bills", response={201: BillOut}, summary="Terbitkan tagihan (1, 3, 6 atau 12 bulan)")
def bill_issue(request, payload: BillIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = program_by_code(request.user, payload.program)
    if program is None:
        raise NotFound(
            N_("Program %(program)s tidak ditemukan."),
            params={"program": payload.program},
            code="program_unknown",
            field="program",
        )
    first = _month(payload.first_month, "first_month")
    bill = services.bill_issue(
        actor=request.user,
        program=program,
        first_month=date(first // 12, first % 12 + 1, 1),
        months=payload.months,
    )
    return Status(201, _bill_out(bill))


@router.get("/bills/{bill_id}", response=BillOut, summary="Satu tagihan")
def bill_get(request, bill_id: Id):
    return _bill_out(selectors.bill_get(request.user, bill_id))


@router.get("/bills/{bill_id}/lines", response=dict[str, list[BillLineOut] | int | None])
def bill_lines(request, bill_id: Id, after: Cursor | None = None, limit: Limit = 100):
    """The people of the bill in the user's jurisdiction, by line id."""
    bill = selectors.bill_get(request.user, bill_id)
    rows, next_after = keyset_page(selectors.bill_lines(request.user, bill), after=after, limit=limit)
    first = month_index(bill.period_start)

    def months(mask: int) -> list[str]:
        return [month_label(first + o) for o in range(mask.bit_length()) if mask >> o & 1]

    return {
        "items": [
            {
                "id": line.pk,
                "participant_id": line.participant_id,
                "nik": nik_for(request.user, line.participant.nik),
                "village_code": line.village_id,
                "months": months(line.billed_mask),
                "monthly_rupiah": line.monthly_rupiah,
                "amount": line.amount,
                "paid_months": months(line.paid_mask),
                "paid_rupiah": line.paid_rupiah,
            }
            for line in rows
        ],
        "next_after": next_after,
    }


@router.post("/bills/{bill_id}/correct", response={201: BillOut}, summary="Koreksi tagihan (dokumen baru)")
def bill_correct(request, bill_id: Id, payload: ReasonIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    bill = selectors.bill_get(request.user, bill_id)
    return Status(201, _bill_out(services.bill_correct(actor=request.user, bill=bill, reason=payload.reason)))


@router.get("/payments", response=dict[str, list[PaymentOut] | int | None], summary="Buku pembayaran iuran")
def payment_list(
    request, bill_id: Id | None = None, kind: str = "", after: Cursor | None = None, limit: Limit = 100
):
    payments = selectors.payments_visible_to(request.user)
    if bill_id:
        payments = payments.filter(bill_id=bill_id)
    if kind in PaymentKind.values:
        payments = payments.filter(kind=kind)
    rows, next_after = keyset_page(payments, after=after, limit=limit, newest_first=True)
    return {"items": [_payment_out(p) for p in rows], "next_after": next_after}


@router.post("/payments", response={201: PaymentPosted}, summary="Catat satu pembayaran")
def payment_record(request, payload: PaymentIn):
    """A whole bill (``bill``: its number) or one person's months (``nik``,
    ``first_month``, ``last_month``)."""
    require(can_edit_data(request.user), EDITORS_ONLY)
    bill = person = None
    first = last = None
    if payload.bill:
        bill = selectors.bill_by_number(request.user, payload.bill)
        if bill is None:
            raise NotFound(
                N_("Tagihan %(bill)s tidak ditemukan."),
                params={"bill": payload.bill},
                code="bill_unknown",
                field="bill",
            )
    if payload.nik:
        nik = compact(payload.nik)
        person = participants_visible_to(request.user).filter(nik=nik).first()
        if person is None:
            raise NotFound(
                N_("NIK %(nik)s tidak ditemukan di wilayah kerja Anda."),
                params={"nik": str(nik)},
                code="participant_unknown",
                field="nik",
            )
        first, last = _month(payload.first_month, "first_month"), _month(payload.last_month, "last_month")
    payment, report = services.payment_record(
        actor=request.user,
        reference=payload.reference,
        paid_on=payload.paid_on,
        amount=payload.amount,
        bill=bill,
        participant=person,
        first_month=first,
        last_month=last,
        channel="api",
    )
    return Status(201, {"payment": _payment_out(payment), "bill": report.as_dict()})


@router.post("/payments/import", response={200: PaymentImportOut, 422: PaymentImportOut | ErrorOut})
def payment_import(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    """A BPJS payment confirmation file (XLSX/CSV). All or nothing: 422 with every row
    error when any row is wrong (nothing saved)."""
    require(can_edit_data(request.user), EDITORS_ONLY)
    with saved_upload(file) as path:
        result = payments_import(
            actor=request.user, path=path, dry_run=dry_run, channel=(file.name or "api")[:20]
        )
    body = result.as_dict()
    body["errors"] = [{**e, "message": mask_text(request.user, e["message"])} for e in body["errors"]]
    return Status(422 if result.errors else 200, body)


@router.post(
    "/payments/{payment_id}/reverse", response={201: PaymentOut}, summary="Batalkan (entri pembalik)"
)
def payment_reverse(request, payment_id: Id, payload: PaymentReverseIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    payment = selectors.payment_get(request.user, payment_id)
    reversal = services.payment_reverse(
        actor=request.user, payment=payment, reason=payload.reason, on=payload.on
    )
    return Status(201, _payment_out(reversal))


@router.get(
    "/protection", response=ProtectionOut, summary="Status perlindungan satu peserta pada satu tanggal"
)
def protection(request, nik: str, date: Date | None = None):
    on = date or timezone.localdate()
    person = participants_visible_to(request.user).filter(nik=compact(nik)).first()
    if person is None:
        raise NotFound(
            N_("NIK tidak ditemukan di wilayah kerja Anda."), code="participant_unknown", field="nik"
        )
    result = selectors.protection_on(person, on)
    return {
        "nik": nik_for(request.user, person.nik),
        "date": on,
        "status": result.status.value,
        "paid_through": result.paid_through,
        "covered_until": result.covered_until,
        "membership_months": result.membership_months,
        "unpaid_months": result.unpaid_months,
    }


@router.get(
    "/protection/counts", response=dict[str, int], summary="Jumlah peserta per status pada satu tanggal"
)
def protection_counts(request, date: Date | None = None, region: RegionFilter = ""):
    return selectors.protection_counts(request.user, date or timezone.localdate(), region=region)


@router.get("/protection/alerts", response=dict[str, list[ProtectionAlertOut] | int | None])
def protection_alerts(
    request, kind: str = "ending", region: RegionFilter = "", after: Cursor | None = None, limit: Limit = 100
):
    """``kind``: ending (paid period ends within 30 days), active, arrears or lapsed; today."""
    if kind != selectors.ENDING and kind not in selectors.LISTED_STATUSES:
        raise InvalidInput(
            N_("kind harus ending, active, arrears atau lapsed."), code="kind_unknown", field="kind"
        )
    rows, next_after = selectors.protection_rows(
        request.user, timezone.localdate(), kind, region=region, after=after, limit=limit
    )
    return {
        "items": [
            {
                "participant_id": r.participant.pk,
                "nik": nik_for(request.user, r.participant.nik),
                "full_name": r.participant.full_name,
                "village_code": r.participant.village_id,
                "status": r.status.value,
                "paid_through": r.paid_through,
                "covered_until": r.covered_until,
                "programs": list(r.programs),
            }
            for r in rows
        ],
        "next_after": next_after,
    }


def _refund_out(user, refund) -> dict:
    return {
        "id": refund.pk,
        "participant_id": refund.participant_id,
        "nik": nik_for(user, refund.participant.nik),
        "payer": refund.payer.code if refund.payer_id else None,
        "died_on": refund.died_on,
        "months": refund.months,
        "rupiah": refund.rupiah,
        "status": refund.status,
        "details": refund.details,
        "settled_on": refund.settled_on,
        "settled_reference": refund.settled_reference,
    }


@router.get("/refunds", response=list[RefundOut], summary="Pengembalian iuran setelah kematian")
def refund_list(request, status: str = ""):
    refunds = selectors.refunds_visible_to(request.user).order_by("-died_on", "-id")
    if status in RefundStatus.values:
        refunds = refunds.filter(status=status)
    return [_refund_out(request.user, r) for r in refunds[:1000]]


@router.post("/refunds/{refund_id}/settle", response=RefundOut, summary="Catat pengembalian selesai")
def refund_settle(request, refund_id: Id, payload: RefundSettleIn):
    require(can_edit_data(request.user), EDITORS_ONLY)
    refund = selectors.refund_get(request.user, refund_id)
    settled = services.refund_settle(
        actor=request.user, refund=refund, settled_on=payload.settled_on, reference=payload.reference
    )
    return _refund_out(request.user, settled)
