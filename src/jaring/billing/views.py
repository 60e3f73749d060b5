from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring import codes
from jaring.access.permissions import can_edit_data
from jaring.audit.selectors import record_history
from jaring.billing import rules, selectors, services, workbooks
from jaring.billing.forms import (
    BillForm,
    PaymentFileForm,
    PaymentForm,
    PaymentReverseForm,
    ReasonForm,
    RefundSettleForm,
)
from jaring.billing.imports import payments_import
from jaring.billing.models import BillStatus, PaymentKind, RefundStatus
from jaring.billing.protection import STATUS_LABELS, ProtectionStatus, month_index
from jaring.errors import DomainError, add_domain_error
from jaring.formats.active import rupiah
from jaring.guards import require
from jaring.paging import date_param, paginate, querystring_without_page
from jaring.programs.selectors import programs_visible_to
from jaring.registry.selectors import mask_text, nik_for, participant_get, participants_visible_to
from jaring.replica import from_replica
from jaring.sheets.cells import compact
from jaring.sheets.uploads import saved_upload

EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengubah data iuran.")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES_PER_PAGE = 50
BILL_ORDER = {
    "periode": ("-period_start", "number"),
    "periode-lama": ("period_start", "number"),
    "nomor": ("number",),
    "total": ("-total_rupiah", "number"),
    "sisa": (F("paid_rupiah") - F("total_rupiah"), "number"),
}
PAYMENT_ORDER = {
    "tanggal": ("-paid_on", "-id"),
    "tanggal-lama": ("paid_on", "id"),
    "jumlah": ("-amount", "-id"),
    "referensi": ("reference",),
}
ALERT_KINDS = {
    "berakhir": (selectors.ENDING, gettext_lazy("Masa bayar berakhir dalam 30 hari")),
    "berhenti": (selectors.LAPSED, gettext_lazy("Kepesertaan berhenti (menunggak lebih dari 3 bulan)")),
}


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _region_param(request) -> str:
    return codes.try_normalize(request.GET.get("wilayah", "").strip()) or ""


# -- bills -------------------------------------------------------------------------------


def _bills(request):
    bills = selectors.bills_visible_to(request.user)
    get = request.GET
    if get.get("program", "").isdigit():
        bills = bills.filter(program_id=int(get["program"]))
    if get.get("tahun", "").isdigit():
        bills = bills.filter(period_start__year=int(get["tahun"]))
    if get.get("status") in BillStatus.values:
        bills = bills.filter(status=get["status"])
    state = get.get("bayar", "")
    if state == "belum":
        bills = bills.filter(paid_rupiah=0)
    elif state == "sebagian":
        bills = bills.filter(paid_rupiah__gt=0, paid_rupiah__lt=F("total_rupiah"))
    elif state == "lunas":
        bills = bills.filter(paid_rupiah__gte=F("total_rupiah"))
    return bills.order_by(*BILL_ORDER.get(get.get("urut", ""), BILL_ORDER["periode"]))


@login_required
def bill_list(request):
    return render(
        request,
        "billing/bills.html",
        {
            "page": paginate(request, _bills(request)),
            "querystring": querystring_without_page(request),
            "programs": programs_visible_to(request.user).order_by("code"),
            "statuses": BillStatus.choices,
            "chosen": request.GET,
            "orders": [
                ("periode", _("Periode terbaru")),
                ("periode-lama", _("Periode terlama")),
                ("nomor", _("Nomor")),
                ("total", _("Total terbesar")),
                ("sisa", _("Sisa terbesar")),
            ],
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def bill_create(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    programs = programs_visible_to(request.user).order_by("code")
    initial = {"program": request.GET.get("program"), "months": 1}
    form = BillForm(request.POST or None, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bill = services.bill_issue(
                actor=request.user,
                program=data["program"],
                first_month=data["first_month"],
                months=data["months"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Tagihan %(number)s diterbitkan.") % {"number": bill.number})
            return redirect("bill_detail", pk=bill.pk)
    return render(request, "billing/form.html", {"form": form, "title": _("Terbitkan tagihan iuran")})


@login_required
def bill_detail(request, pk: int):
    bill = selectors.bill_get(request.user, pk)
    lines = selectors.bill_lines(request.user, bill)
    region = _region_param(request)
    if region:
        lines = lines.filter(village_id__startswith=region)
    query = "".join(request.GET.get("q", "").split()).replace(".", "")
    if query.isdigit():
        lines = lines.filter(participant__nik__startswith=query)
    elif query:
        lines = lines.filter(participant__full_name__icontains=request.GET["q"].strip())
    if request.GET.get("bayar") == "belum":
        lines = lines.filter(paid_rupiah__lt=F("amount"))
    lines = lines.order_by("village_id", "id")
    after = request.GET.get("setelah", "")
    if after.isdigit():
        after_line = selectors.bill_lines(request.user, bill).filter(pk=int(after)).first()
        if after_line is not None:
            lines = lines.filter(village_id__gte=after_line.village_id).exclude(
                village_id=after_line.village_id, id__lte=after_line.pk
            )
    rows = list(lines[: LINES_PER_PAGE + 1])  # keyset: no count over a million lines
    next_after = rows[LINES_PER_PAGE - 1].pk if len(rows) > LINES_PER_PAGE else None
    first = month_index(bill.period_start)
    params = request.GET.copy()
    params.pop("setelah", None)
    return render(
        request,
        "billing/bill_detail.html",
        {
            "bill": bill,
            "mine": selectors.bill_totals_in_jurisdiction(request.user, bill),
            "rows": [
                (
                    line,
                    nik_for(request.user, line.participant.nik),
                    rules.months_text(first, line.billed_mask),
                    rules.months_text(first, line.paid_mask),
                )
                for line in rows[:LINES_PER_PAGE]
            ],
            "next_after": next_after,
            "first_page": not after,
            "query": params.urlencode(),
            "payments": selectors.payments_visible_to(request.user)
            .filter(bill=bill)
            .order_by("-paid_on", "-id")[:20],
            "correction": getattr(bill, "corrected_by", None),
            "can_edit": can_edit_data(request.user),
            "history": record_history(request.user, target_type="bill", target_id=bill.pk),
        },
    )


@login_required
@from_replica
def bill_export(request, pk: int):
    bill = selectors.bill_get(request.user, pk)
    lines = selectors.bill_lines(request.user, bill).order_by("village_id", "id").iterator(chunk_size=5000)
    content = workbooks.bill_xlsx(bill, lines, lambda nik: nik_for(request.user, nik))
    return _xlsx(content, f"{bill.number.replace('/', '-')}.xlsx")


@login_required
def bill_correct(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    bill = selectors.bill_get(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.bill_correct(
                actor=request.user, bill=bill, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Koreksi %(number)s diterbitkan; tagihan asal tetap tersimpan.")
                % {"number": correction.number},
            )
            return redirect("bill_detail", pk=correction.pk)
    return render(
        request,
        "billing/form.html",
        {
            "form": form,
            "title": _("Koreksi tagihan %(number)s") % {"number": bill.number},
            "intro": _(
                "Koreksi menerbitkan tagihan baru untuk periode yang sama dari kepesertaan saat ini "
                "(peserta yang meninggal atau keluar tidak ditagih lagi) dan tarif yang berlaku. Bulan yang "
                "sudah dibayar tetap terbayar."
            ),
        },
    )


# -- payments ------------------------------------------------------------------------------


def _payments(request):
    payments = selectors.payments_visible_to(request.user).select_related("bill__program")
    get = request.GET
    if get.get("program", "").isdigit():
        payments = payments.filter(bill__program_id=int(get["program"]))
    if get.get("jenis") in PaymentKind.values:
        payments = payments.filter(kind=get["jenis"])
    reference = get.get("q", "").strip()
    if reference:
        payments = payments.filter(reference__icontains=reference)
    return payments.order_by(*PAYMENT_ORDER.get(get.get("urut", ""), PAYMENT_ORDER["tanggal"]))


@login_required
def payment_list(request):
    return render(
        request,
        "billing/payments.html",
        {
            "page": paginate(request, _payments(request)),
            "querystring": querystring_without_page(request),
            "programs": programs_visible_to(request.user).order_by("code"),
            "kinds": PaymentKind.choices,
            "chosen": request.GET,
            "orders": [
                ("tanggal", _("Tanggal terbaru")),
                ("tanggal-lama", _("Tanggal terlama")),
                ("jumlah", _("Jumlah terbesar")),
                ("referensi", _("Referensi")),
            ],
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
@from_replica
def payment_export(request):
    return _xlsx(
        workbooks.payments_xlsx(_payments(request)), f"pembayaran-iuran-{timezone.localdate():%Y%m%d}.xlsx"
    )


@login_required
def payment_create(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    form = PaymentForm(
        request.POST or None,
        initial={"paid_on": timezone.localdate(), "bill_number": request.GET.get("tagihan", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bill = person = None
        if data["bill_number"]:
            bill = selectors.bill_by_number(request.user, data["bill_number"])
            if bill is None:
                form.add_error("bill_number", _("Tagihan tidak ditemukan di wilayah kerja Anda."))
        else:
            nik = compact(data["nik"])
            person = participants_visible_to(request.user).filter(nik=nik).first()
            if person is None:
                form.add_error("nik", _("NIK %(nik)s tidak ditemukan di wilayah kerja Anda.") % {"nik": nik})
        if not form.errors:
            try:
                payment, report = services.payment_record(
                    actor=request.user,
                    reference=data["reference"],
                    paid_on=data["paid_on"],
                    amount=data["amount"],
                    bill=bill,
                    participant=person,
                    first_month=month_index(data["first_month"]) if person else None,
                    last_month=month_index(data["last_month"]) if person else None,
                )
            except DomainError as exc:
                _payment_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Pembayaran %(ref)s dicatat: dialokasikan %(allocated)s, lebih bayar %(over)s, "
                        "sisa tagihan %(outstanding)s."
                    )
                    % {
                        "ref": payment.reference,
                        "allocated": rupiah(report.allocated),
                        "over": rupiah(report.over),
                        "outstanding": rupiah(report.outstanding),
                    },
                )
                return redirect("bill_detail", pk=payment.bill_id)
    return render(request, "billing/form.html", {"form": form, "title": _("Catat pembayaran iuran")})


def _payment_error(form, exc: DomainError) -> None:
    """A refusal under the form field it names (the services name the payment's fields as
    the form does, the bill as ``bill``), else above the form."""
    name = "bill_number" if exc.field == "bill" else exc.field
    form.add_error(name if name in form.fields else None, exc.message)


@login_required
def payment_import(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    form = PaymentFileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with saved_upload(upload) as path:
            result = payments_import(
                actor=request.user,
                path=path,
                dry_run=form.cleaned_data["dry_run"],
                channel=Path(upload.name).name,
            )
    shown = (result.notices + result.errors)[:500] if result else []
    errors = [(e, mask_text(request.user, e.message)) for e in shown]
    return render(request, "billing/payment_import.html", {"form": form, "result": result, "errors": errors})


@login_required
def payment_reverse(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    payment = selectors.payment_get(request.user, pk)
    form = PaymentReverseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_reverse(actor=request.user, payment=payment, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Pembayaran dibatalkan dengan entri koreksi; catatan asli tetap tersimpan.")
            )
            return redirect("payment_list")
    return render(
        request,
        "billing/form.html",
        {
            "form": form,
            "title": _("Batalkan pembayaran %(ref)s") % {"ref": payment.reference},
            "intro": _(
                "Pembayaran yang sudah dicatat tidak diubah atau dihapus. Pembatalan mencatat entri pembalik "
                "dan bulan yang dibayarnya kembali belum terbayar."
            ),
        },
    )


# -- protection ------------------------------------------------------------------------------


@login_required
def protection(request):
    """Who is protected on a date: the counts per status (when asked for), the people of
    one status, and one person by NIK."""
    on = date_param(request)
    region = _region_param(request)
    kind = request.GET.get("status", "")
    person = None
    nik = "".join(request.GET.get("nik", "").split()).replace(".", "")
    if nik:
        found = participants_visible_to(request.user).filter(nik=nik).select_related("village").first()
        person = (
            (found, nik_for(request.user, found.nik), selectors.protection_on(found, on)) if found else False
        )
    counts = selectors.protection_counts(request.user, on, region=region) if "hitung" in request.GET else None
    rows, next_after = [], None
    if kind in selectors.LISTED_STATUSES:
        after = request.GET.get("setelah", "")
        rows, next_after = selectors.protection_rows(
            request.user, on, kind, region=region, after=int(after) if after.isdigit() else None
        )
    params = request.GET.copy()
    params.pop("setelah", None)
    return render(
        request,
        "billing/protection.html",
        {
            "on": on,
            "region": request.GET.get("wilayah", ""),
            "kind": kind,
            "counts": [(s, _(STATUS_LABELS[s]), counts[s]) for s in ProtectionStatus] if counts else None,
            "total": sum(counts.values()) if counts else 0,
            "person": person,
            "nik": request.GET.get("nik", ""),
            "rows": [(r, nik_for(request.user, r.participant.nik)) for r in rows],
            "next_after": next_after,
            "query": params.urlencode(),
            "statuses": [(s, _(STATUS_LABELS[ProtectionStatus(s)])) for s in selectors.LISTED_STATUSES],
        },
    )


@login_required
def participant_protection(request, pk: int):
    person = participant_get(request.user, pk)
    today = timezone.localdate()
    timeline = selectors.protection_timeline(person, today)
    return render(
        request,
        "billing/timeline.html",
        {
            "person": person,
            "nik": nik_for(request.user, person.nik),
            "now": selectors.protection_on(person, today),
            "today": today,
            "timeline": list(reversed(timeline)),
            "payments": selectors.payments_visible_to(request.user)
            .filter(participant=person)
            .order_by("-paid_on")[:50],
            "refund": selectors.refunds_visible_to(request.user).filter(participant=person).first(),
        },
    )


def _alert_kind(request) -> tuple[str, str, str]:
    key = request.GET.get("jenis", "berakhir")
    if key not in ALERT_KINDS:
        key = "berakhir"
    kind, title = ALERT_KINDS[key]
    return key, kind, str(title)


@login_required
def alerts(request):
    key, kind, title = _alert_kind(request)
    on = timezone.localdate()
    region = _region_param(request)
    after = request.GET.get("setelah", "")
    rows, next_after = selectors.protection_rows(
        request.user, on, kind, region=region, after=int(after) if after.isdigit() else None
    )
    params = request.GET.copy()
    params.pop("setelah", None)
    return render(
        request,
        "billing/alerts.html",
        {
            "key": key,
            "title": title,
            "on": on,
            "region": request.GET.get("wilayah", ""),
            "kinds": [(k, label) for k, (_kind, label) in ALERT_KINDS.items()],
            "rows": [(r, nik_for(request.user, r.participant.nik)) for r in rows],
            "next_after": next_after,
            "first_page": not after,
            "query": params.urlencode(),
        },
    )


@login_required
@from_replica
def alerts_export(request):
    key, kind, title = _alert_kind(request)
    on = timezone.localdate()
    rows = selectors.protection_rows_all(request.user, on, kind, region=_region_param(request))
    content = workbooks.alerts_xlsx(rows, lambda nik: nik_for(request.user, nik), title=title, on=on)
    return _xlsx(content, f"peringatan-{key}-{on:%Y%m%d}.xlsx")


# -- refunds ----------------------------------------------------------------------------------


@login_required
def refund_list(request):
    refunds = selectors.refunds_visible_to(request.user)
    status = request.GET.get("status", RefundStatus.DUE)
    if status in RefundStatus.values:
        refunds = refunds.filter(status=status)
    page = paginate(request, refunds.order_by("-died_on", "-id"))
    return render(
        request,
        "billing/refunds.html",
        {
            "page": page,
            "rows": [(r, nik_for(request.user, r.participant.nik)) for r in page.object_list],
            "querystring": querystring_without_page(request),
            "statuses": RefundStatus.choices,
            "status": status,
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def refund_settle(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    refund = selectors.refund_get(request.user, pk)
    if refund.status != RefundStatus.DUE:
        messages.info(request, _("Tidak ada pengembalian yang belum diselesaikan untuk peserta ini."))
        return redirect("refund_list")
    form = RefundSettleForm(request.POST or None, initial={"settled_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.refund_settle(actor=request.user, refund=refund, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Pengembalian iuran dicatat selesai."))
            return redirect(f"{reverse('refund_list')}?status=settled")
    return render(
        request,
        "billing/form.html",
        {
            "form": form,
            "title": _("Pengembalian iuran %(name)s") % {"name": refund.participant.full_name},
            "intro": _("%(months)s bulan, %(rupiah)s, kepada %(payer)s.")
            % {
                "months": refund.months,
                "rupiah": rupiah(refund.rupiah),
                "payer": refund.payer.name if refund.payer else "-",
            },
        },
    )
