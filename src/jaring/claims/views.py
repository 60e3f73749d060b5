from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jaring import formats
from jaring.audit.selectors import record_history
from jaring.claims import permissions, selectors, services, workbooks
from jaring.claims.forms import (
    BenefitRuleForm,
    ChildForm,
    ClaimReportForm,
    CloseRuleForm,
    DocumentForm,
    HeirForm,
    PayForm,
    RejectForm,
    ReturnForm,
    StepForm,
    VerifyForm,
)
from jaring.claims.models import BenefitRule, ClaimChild, ClaimHeir, ClaimKind, ClaimStatus
from jaring.claims.workflow import PROTECTION_LABELS
from jaring.errors import DomainError, add_domain_error
from jaring.guards import require
from jaring.paging import paginate, querystring_without_page
from jaring.registry.selectors import nik_for, participants_visible_to
from jaring.replica import from_replica
from jaring.sheets.cells import compact

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SORT_CHOICES = [
    ("-lapor", gettext_lazy("Terbaru dilaporkan")),
    ("lapor", gettext_lazy("Terlama dilaporkan")),
    ("-kejadian", gettext_lazy("Kejadian terbaru")),
    ("kejadian", gettext_lazy("Kejadian terlama")),
    ("-manfaat", gettext_lazy("Manfaat terbesar")),
    ("nama", gettext_lazy("Nama peserta")),
    ("status", gettext_lazy("Status")),
]


def _date(raw: str) -> date | None:
    try:
        return formats.parse_date(raw) if raw else None
    except ValueError:
        return None


def _filters(request) -> selectors.ClaimFilters:
    get = request.GET
    participant = get.get("peserta", "")
    return selectors.ClaimFilters(
        status=get.get("status", "") if get.get("status", "") in ClaimStatus.values else "",
        kind=get.get("jenis", "") if get.get("jenis", "") in ClaimKind.values else "",
        region=get.get("wilayah", "").strip(),
        date_from=_date(get.get("dari", "")),
        date_to=_date(get.get("sampai", "")),
        q=get.get("q", "").strip(),
        participant=int(participant) if participant.isdigit() else None,
        sort=get.get("urut", selectors.DEFAULT_SORT),
    )


@login_required
def claim_list(request):
    filters = _filters(request)
    page = paginate(request, selectors.claims_filtered(request.user, filters))
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "rows": [(c, nik_for(request.user, c.participant.nik)) for c in page.object_list],
            "filters": filters,
            "querystring": querystring_without_page(request),
            "export_query": request.GET.urlencode(),
            "statuses": ClaimStatus.choices,
            "kinds": ClaimKind.choices,
            "sorts": SORT_CHOICES,
            "can_report": permissions.can_report(request.user),
        },
    )


@login_required
@from_replica
def claim_export(request):
    claims = selectors.claims_filtered(request.user, _filters(request))
    content = workbooks.claims_xlsx(claims, nik_for=lambda nik: nik_for(request.user, nik))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="klaim-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


REPORTERS = gettext_lazy(
    "Hanya operator dan admin pemerintah daerah atau kantor BPJS yang dapat mencatat klaim."
)
DECIDERS = gettext_lazy("Hanya operator dan admin kantor BPJS Ketenagakerjaan yang dapat memutuskan klaim.")
RULE_EDITORS = gettext_lazy("Hanya admin platform yang dapat mengubah aturan manfaat.")


@login_required
def claim_report(request):
    require(permissions.can_report(request.user), REPORTERS)
    initial = {}
    participant_id = request.GET.get("peserta", "")
    if participant_id.isdigit():
        person = participants_visible_to(request.user).filter(pk=int(participant_id)).first()
        if person is not None:
            initial["nik"] = person.nik
    form = ClaimReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nik = compact(data["nik"])
        person = participants_visible_to(request.user).filter(nik=nik).first()
        if person is None:
            form.add_error("nik", _("NIK %(nik)s tidak ditemukan di wilayah kerja Anda.") % {"nik": nik})
        else:
            try:
                claim = services.claim_report(
                    actor=request.user,
                    participant=person,
                    kind=data["kind"],
                    event_date=data["event_date"],
                    event_place=data["event_place"],
                    description=data["description"],
                    disability_pct=data["disability_pct"] or None,
                    heirs=form.heirs(),
                    children=form.children(),
                    documents=form.documents(),
                    reported_on=data["reported_on"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Klaim %(ref)s dicatat.") % {"ref": claim.reference})
                return redirect("claim_detail", pk=claim.pk)
    return render(request, "claims/report.html", {"form": form}, status=400 if form.errors else 200)


def _claim_context(request, claim) -> dict:
    user = request.user
    quote, quote_error = None, None
    if claim.quote_total is None and claim.status != ClaimStatus.REJECTED:
        try:
            quote = services.claim_quote(claim)
        except DomainError as exc:
            quote_error = exc.message
    documents = list(claim.documents.select_related("uploaded_by"))
    return {
        "claim": claim,
        "nik": nik_for(user, claim.participant.nik),
        "heirs": [
            (h, nik_for(user, h.nik), selectors.account_for(user, h.account_number))
            for h in claim.heirs.all()
        ],
        "children": list(claim.children.all()),
        "documents": documents,
        "missing_documents": selectors.missing_document_labels(claim, documents),
        "transitions": claim.transitions.select_related("actor"),
        "quote": quote,
        "quote_error": quote_error,
        "refund": selectors.refund_of(claim),
        "recipient_account": selectors.account_for(user, claim.recipient_account),
        "protection_label": _(PROTECTION_LABELS.get(claim.protection_status, claim.protection_status)),
        "can_edit": permissions.can_report(user) and claim.is_open,
        "can_decide": permissions.can_decide(user),
        "can_read_documents": permissions.can_read_documents(user),
        "heir_form": HeirForm(),
        "child_form": ChildForm(),
        "document_form": DocumentForm(),
        "step_form": StepForm(),
        "history": record_history(user, target_type="claim", target_id=claim.pk),
    }


@login_required
def claim_detail(request, pk: int):
    claim = selectors.claim_get(request.user, pk)
    return render(request, "claims/detail.html", _claim_context(request, claim))


def _posted(request, pk: int, form, action, success: str):
    """Run ``action(claim, form)`` for a valid posted form; show the outcome on the claim."""
    require(permissions.can_report(request.user), REPORTERS)
    claim = selectors.claim_get(request.user, pk)
    if form.is_valid():
        try:
            action(claim, form)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("claim_detail", pk=claim.pk)


@login_required
@require_POST
def claim_heir_add(request, pk: int):
    return _posted(
        request,
        pk,
        HeirForm(request.POST),
        lambda claim, form: services.claim_heir_add(actor=request.user, claim=claim, heir=form.heir()),
        _("Ahli waris dicatat."),
    )


@login_required
@require_POST
def claim_heir_remove(request, pk: int, heir_pk: int):
    require(permissions.can_report(request.user), REPORTERS)
    claim = selectors.claim_get(request.user, pk)
    heir = get_object_or_404(ClaimHeir, claim=claim, pk=heir_pk)
    try:
        services.claim_heir_remove(actor=request.user, claim=claim, heir=heir)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ahli waris dihapus dari klaim."))
    return redirect("claim_detail", pk=claim.pk)


@login_required
@require_POST
def claim_child_add(request, pk: int):
    return _posted(
        request,
        pk,
        ChildForm(request.POST),
        lambda claim, form: services.claim_child_add(actor=request.user, claim=claim, child=form.child()),
        _("Anak penerima beasiswa dicatat."),
    )


@login_required
@require_POST
def claim_child_remove(request, pk: int, child_pk: int):
    require(permissions.can_report(request.user), REPORTERS)
    claim = selectors.claim_get(request.user, pk)
    child = get_object_or_404(ClaimChild, claim=claim, pk=child_pk)
    try:
        services.claim_child_remove(actor=request.user, claim=claim, child=child)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Data anak dihapus dari klaim."))
    return redirect("claim_detail", pk=claim.pk)


@login_required
@require_POST
def claim_document_add(request, pk: int):
    return _posted(
        request,
        pk,
        DocumentForm(request.POST, request.FILES),
        lambda claim, form: services.claim_document_add(
            actor=request.user, claim=claim, document=form.upload()
        ),
        _("Dokumen diunggah."),
    )


@login_required
def claim_document(request, pk: int, document_pk: int):
    """A claim's document, only for the parties of the claim's jurisdiction: the claim
    is fetched through the scope (404 outside), donors are refused (403)."""
    claim = selectors.claim_get(request.user, pk)
    require(
        permissions.can_read_documents(request.user),
        _("Dokumen klaim hanya untuk pemerintah daerah dan BPJS Ketenagakerjaan di wilayahnya."),
    )
    document = selectors.claim_document_get(claim, document_pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def claim_documents_complete(request, pk: int):
    return _posted(
        request,
        pk,
        StepForm(request.POST),
        lambda claim, form: services.claim_documents_complete(
            actor=request.user, claim=claim, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
        ),
        _("Dokumen dinyatakan lengkap; klaim menunggu verifikasi BPJS Ketenagakerjaan."),
    )


def _decision(request, pk: int, *, form_class, title: str, run, success: str, needs_claim=False):
    require(permissions.can_decide(request.user), DECIDERS)
    claim = selectors.claim_get(request.user, pk)
    extra = {"claim": claim} if needs_claim else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            run(claim, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("claim_detail", pk=claim.pk)
    context = _claim_context(request, claim)
    context.update({"form": form, "title": title})
    return render(request, "claims/decision.html", context, status=400 if form.errors else 200)


@login_required
def claim_verify(request, pk: int):
    return _decision(
        request,
        pk,
        form_class=VerifyForm,
        needs_claim=True,
        title=_("Verifikasi klaim"),
        run=lambda claim, data: services.claim_verify(
            actor=request.user,
            claim=claim,
            on=data["on"],
            incapacity_months=data.get("incapacity_months"),
            disability_pct=data.get("disability_pct") or None,
            note=data["note"],
        ),
        success=_("Klaim diverifikasi; manfaat ditetapkan."),
    )


@login_required
def claim_pay(request, pk: int):
    return _decision(
        request,
        pk,
        form_class=PayForm,
        needs_claim=True,
        title=_("Catat pembayaran manfaat"),
        run=lambda claim, data: services.claim_pay(
            actor=request.user,
            claim=claim,
            paid_on=data["paid_on"],
            amount=data["amount"],
            recipient_heir=data.get("recipient_heir"),
            recipient_name=data.get("recipient_name", ""),
            recipient_bank=data.get("recipient_bank", ""),
            recipient_account=data.get("recipient_account", ""),
            reference=data["reference"],
        ),
        success=_("Pembayaran manfaat dicatat."),
    )


@login_required
def claim_reject(request, pk: int):
    return _decision(
        request,
        pk,
        form_class=RejectForm,
        title=_("Tolak klaim"),
        run=lambda claim, data: services.claim_reject(
            actor=request.user, claim=claim, reason=data["reason"], on=data["on"]
        ),
        success=_("Klaim ditolak; alasannya tercatat."),
    )


@login_required
def claim_return(request, pk: int):
    return _decision(
        request,
        pk,
        form_class=ReturnForm,
        title=_("Kembalikan untuk kelengkapan dokumen"),
        run=lambda claim, data: services.claim_return(
            actor=request.user, claim=claim, note=data["note"], on=data["on"]
        ),
        success=_("Klaim dikembalikan ke pelapor untuk kelengkapan dokumen."),
    )


# --- benefits report and rules ------------------------------------------------------------


def _report(request) -> selectors.BenefitsReport:
    return selectors.benefits_report(
        request.user,
        region=request.GET.get("wilayah", "").strip(),
        date_from=_date(request.GET.get("dari", "")),
        date_to=_date(request.GET.get("sampai", "")),
    )


@login_required
@from_replica
def benefits_report(request):
    error = None
    try:
        report = _report(request)
    except DomainError as exc:
        error, report = exc.message, None
    return render(
        request,
        "claims/report_benefits.html",
        {
            "report": report,
            "error": error,
            "region": request.GET.get("wilayah", ""),
            "date_from": request.GET.get("dari", ""),
            "date_to": request.GET.get("sampai", ""),
            "query": request.GET.urlencode(),
            "open_rows": [
                (status, ClaimStatus(status).label, report.open_claims[status])
                for status in ClaimStatus.values
                if report and status in report.open_claims
            ],
            "kind_rows": [(ClaimKind(k).label, t) for k, t in report.summary.by_kind.items()]
            if report
            else [],
        },
        status=400 if error else 200,
    )


@login_required
@from_replica
def benefits_report_export(request):
    try:
        report = _report(request)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    content = workbooks.benefits_report_xlsx(report, kind_labels={k: str(v) for k, v in ClaimKind.choices})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="manfaat-dibayar-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@login_required
def benefit_rules(request):
    today = timezone.localdate()
    return render(
        request,
        "claims/rules.html",
        {
            "rules": selectors.benefit_rules().select_related("created_by"),
            "levels": selectors.scholarship_levels(),
            "today": today,
            "can_edit": permissions.can_edit_rules(request.user),
        },
    )


@login_required
def benefit_rule_create(request):
    require(permissions.can_edit_rules(request.user), RULE_EDITORS)
    form = BenefitRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.benefit_rule_create(
                actor=request.user, **{**data, "min_membership_months": data["min_membership_months"] or 0}
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Aturan manfaat ditambahkan."))
            return redirect("benefit_rules")
    return render(request, "claims/form.html", {"form": form, "title": _("Aturan manfaat baru")})


@login_required
def benefit_rule_close(request, pk: int):
    require(permissions.can_edit_rules(request.user), RULE_EDITORS)
    rule = get_object_or_404(BenefitRule, pk=pk)
    form = CloseRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.benefit_rule_close(
                actor=request.user, rule=rule, effective_to=form.cleaned_data["effective_to"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Aturan manfaat diakhiri."))
            return redirect("benefit_rules")
    return render(
        request,
        "claims/form.html",
        {"form": form, "title": _("Akhiri aturan manfaat"), "subject": rule},
    )
