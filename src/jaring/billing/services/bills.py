"""Issuing a program's bill and correcting it. A bill is frozen once issued: a correction
is a new bill for the same period from the enrolments and rates as they are now; the
original stays, marked corrected, and what was paid on it carries over."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction

from jaring.access.permissions import acts_as_platform, author, require_editor
from jaring.audit.services import audit_record
from jaring.billing import rules
from jaring.billing.bill_lines import Written, write_lines
from jaring.billing.models import Bill, BillLine, BillStatus
from jaring.billing.protection import month_end, month_index, month_label, month_start
from jaring.billing.services._guards import _payer_or_bpjs
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.programs.models import Program


def _require_issuer(actor, program: Program) -> None:
    """Bills are issued by the payer's officers or by BPJS offices (which bill payers)."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat menerbitkan tagihan."))
    if acts_as_platform(actor):
        return
    if not _payer_or_bpjs(actor, program):
        raise PermissionDeniedError(
            N_("Tagihan program %(program)s diterbitkan oleh %(payer)s atau kantor BPJS Ketenagakerjaan."),
            params={"program": program.code, "payer": program.payer.name},
        )


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
            N_("Periode %(first)s s.d. %(last)s di luar masa program %(program)s (%(start)s s.d. %(end)s)."),
            params={
                "first": month_label(start),
                "last": month_label(start + months - 1),
                "program": program.code,
                "start": figures.day(program.starts_on),
                "end": figures.day(program.ends_on),
            },
            code="period_outside_program",
            field="first_month",
        )
    clash = Bill.objects.filter(
        program=program, status=BillStatus.ISSUED, period_start__lte=period_end, period_end__gte=period_start
    ).first()
    if clash is not None:
        raise Conflict(
            N_(
                "Bulan %(first)s s.d. %(last)s program %(program)s sudah ditagih dalam %(bill)s. Untuk "
                "memperbaiki tagihan itu, terbitkan koreksinya."
            ),
            params={
                "first": month_label(start),
                "last": month_label(start + months - 1),
                "program": program.code,
                "bill": clash.number,
            },
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
        issued_by=author(actor),
    )
    written = write_lines(bill, program)
    return _finish_bill(actor, bill, written, action="bill.issue")


def _finish_bill(actor, bill: Bill, written: Written, *, action: str, extra: dict | None = None) -> Bill:
    if not written.people:
        raise InvalidInput(
            N_(
                "Tidak ada peserta program %(program)s yang terlindungi pada %(first)s s.d. %(last)s: tidak "
                "ada yang ditagih."
            ),
            params={
                "program": bill.program.code,
                "first": f"{bill.period_start:%m-%Y}",
                "last": f"{bill.period_end:%m-%Y}",
            },
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
        if successor is not None:
            raise Conflict(
                N_("Tagihan %(bill)s sudah dikoreksi oleh %(successor)s; koreksi tagihan itu."),
                params={"bill": original.number, "successor": successor.number},
                code="bill_already_corrected",
            )
        raise Conflict(
            N_("Tagihan %(bill)s sudah dikoreksi."),
            params={"bill": original.number},
            code="bill_already_corrected",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(N_("Alasan koreksi wajib diisi."), code="required", field="reason")
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
        issued_by=author(actor),
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
