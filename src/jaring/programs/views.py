from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jaring.access.permissions import can_edit_data, is_platform
from jaring.accounts.models import Organization
from jaring.audit.selectors import record_history
from jaring.contributions.vocab import FundingSource
from jaring.errors import DomainError, add_domain_error
from jaring.guards import require
from jaring.paging import keyset_page, paginate, querystring_without_page
from jaring.programs import selectors, services
from jaring.programs.forms import (
    AgreementForm,
    EndEnrolmentForm,
    EnrolForm,
    EnrolmentFileForm,
    PeriodForm,
    ProgramForm,
    SelectionForm,
    TransferEnrolmentForm,
)
from jaring.programs.imports import enrolments_import
from jaring.programs.panels import panels_for
from jaring.registry.models import CATEGORY_CHOICES, OCCUPATION_CHOICES
from jaring.registry.selectors import ParticipantFilters, nik_for, participants_visible_to
from jaring.sheets.cells import compact
from jaring.sheets.uploads import saved_upload

EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengubah data program.")

ENROLMENTS_PER_PAGE = 50


def _payers(user):
    """Organizations a user may set programs and agreements up for."""
    if is_platform(user):
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(pk=user.organization_id, is_active=True)


@login_required
def program_list(request):
    programs = selectors.programs_visible_to(request.user).prefetch_related("target_regions")
    year = request.GET.get("tahun", "")
    if year.isdigit():
        programs = programs.filter(fiscal_year=int(year))
    source = request.GET.get("sumber", "")
    if source:
        programs = programs.filter(source=source)
    page = paginate(request, programs.order_by("-fiscal_year", "code"))
    return render(
        request,
        "programs/list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
            "year": year,
            "source": source,
            "sources": FundingSource.choices,
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def program_create(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    form = ProgramForm(
        request.POST or None, payers=_payers(request.user), initial={"payer": request.user.organization_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.program_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                source=data["source"],
                payer=data["payer"],
                fiscal_year=data["fiscal_year"],
                starts_on=data["starts_on"],
                coverage_months=data["coverage_months"],
                budget_ceiling=data["budget_ceiling"],
                target_region_codes=form.region_codes(),
                package=data["package"],
                declared_income=data["declared_income"],
                quota_total=data["quota_total"],
                quotas=form.quotas(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Program %(code)s dibuat.") % {"code": program.code})
            return redirect("program_detail", pk=program.pk)
    return render(request, "programs/form.html", {"form": form, "title": _("Program baru")})


@login_required
def program_detail(request, pk: int):
    program = selectors.program_get(request.user, pk)
    after = request.GET.get("setelah", "")
    enrolments, next_after = keyset_page(  # no count over a million rows
        selectors.program_enrolments(request.user, program),
        after=int(after) if after.isdigit() else None,
        limit=ENROLMENTS_PER_PAGE,
        newest_first=True,
    )
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "panels": panels_for(request.user, program),
            "quota_use": selectors.quota_use(request.user, program),
            "quotas": list(program.quotas.all()),
            "enrolled_here": selectors.enrolled_in_jurisdiction(request.user, program),
            "next_after": next_after,
            "first_page": not after,
            "rows": [(e, nik_for(request.user, e.participant.nik)) for e in enrolments],
            "agreements": program.agreements.order_by("-ends_on"),
            "periods": program.periods.all(),
            "enrol_form": EnrolForm(),
            "period_form": PeriodForm(),
            "can_edit": can_edit_data(request.user),
            "history": record_history(request.user, target_type="program", target_id=program.pk),
        },
    )


@login_required
@require_POST
def program_enrol(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = selectors.program_get(request.user, pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        nik = compact(form.cleaned_data["nik"])
        person = participants_visible_to(request.user).filter(nik=nik).first()
        if person is None:
            messages.error(request, _("NIK %(nik)s tidak ditemukan di wilayah kerja Anda.") % {"nik": nik})
        else:
            try:
                services.enrolment_create(
                    actor=request.user,
                    program=program,
                    participant=person,
                    starts_on=form.cleaned_data["starts_on"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(name)s didaftarkan ke program.") % {"name": person.full_name})
    else:
        messages.error(request, _("Isi NIK peserta."))
    return redirect("program_detail", pk=program.pk)


SELECTION_PAGE_SIZES = (50, 100, 200, 500)


@login_required
def program_select(request, pk: int):
    """Enrol people chosen from the registry: a filtered, paginated list of the
    people who may still join the program, with a checkbox each."""
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = selectors.program_get(request.user, pk)
    get = request.GET
    filters = ParticipantFilters(
        region=get.get("wilayah", "").strip(),
        category=get.get("kategori", ""),
        occupation=get.get("pekerjaan", ""),
        q=get.get("q", "").strip(),
    )
    unfunded_only = get.get("semua") != "1"
    result = None
    form = SelectionForm(
        request.POST if request.method == "POST" else None,
        candidates=selectors.enrolment_candidates(
            request.user, program, ParticipantFilters(), unfunded_only=False
        ),
    )
    if request.method == "POST" and form.is_valid():
        result = services.enrolments_create(
            actor=request.user,
            program=program,
            requests=[
                services.EnrolmentRequest(participant=p, starts_on=form.cleaned_data["starts_on"])
                for p in form.cleaned_data["participants"]
            ],
        )
        if result.created:
            messages.success(
                request,
                _("%(n)s peserta didaftarkan ke %(code)s.") % {"n": result.created, "code": program.code},
            )
        program.refresh_from_db()
    size = (
        int(get["per"]) if get.get("per", "").isdigit() and int(get["per"]) in SELECTION_PAGE_SIZES else 100
    )
    people = (
        selectors.enrolment_candidates(request.user, program, filters, unfunded_only=unfunded_only)
        .select_related("village")
        .order_by("id")
    )
    after = get.get("setelah", "")
    if after.isdigit():
        people = people.filter(id__gt=int(after))
    rows = list(people[: size + 1])  # keyset: no count over the registry
    next_after = rows[size - 1].pk if len(rows) > size else None
    rows = rows[:size]
    params = get.copy()
    params.pop("setelah", None)
    return render(
        request,
        "programs/select.html",
        {
            "program": program,
            "form": form,
            "result": result,
            "refused": [
                (r.participant, nik_for(request.user, r.participant.nik), e.message)
                for r, e in (result.refused if result else [])
            ],
            "rows": [(p, nik_for(request.user, p.nik)) for p in rows],
            "next_after": next_after,
            "first_page": not after,
            "query": params.urlencode(),
            "filters": filters,
            "unfunded_only": unfunded_only,
            "size": size,
            "sizes": SELECTION_PAGE_SIZES,
            "categories": CATEGORY_CHOICES,
            "occupations": OCCUPATION_CHOICES,
        },
    )


@login_required
@require_POST
def program_period_start(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = selectors.program_get(request.user, pk)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            services.coverage_period_start(
                actor=request.user,
                program=program,
                starts_on=form.cleaned_data["starts_on"],
                months=form.cleaned_data["months"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Periode perlindungan baru dimulai."))
    else:
        messages.error(request, _("Isi tanggal mulai dan lama periode."))
    return redirect("program_detail", pk=program.pk)


def _enrolment(request, pk: int):
    return get_object_or_404(
        selectors.enrolments_visible_to(request.user).select_related("program", "participant"), pk=pk
    )


@login_required
def enrolment_end(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    enrolment = _enrolment(request, pk)
    form = EndEnrolmentForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_end(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Kepesertaan diakhiri; riwayatnya tetap tersimpan."))
            return redirect("program_detail", pk=enrolment.program_id)
    return render(
        request, "programs/form.html", {"form": form, "title": _("Akhiri kepesertaan"), "subject": enrolment}
    )


@login_required
def enrolment_transfer(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    enrolment = _enrolment(request, pk)
    programs = selectors.programs_visible_to(request.user).exclude(pk=enrolment.program_id)
    form = TransferEnrolmentForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.enrolment_transfer(
                actor=request.user,
                enrolment=enrolment,
                to_program=form.cleaned_data["to_program"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Kepesertaan dipindahkan ke %(code)s.") % {"code": new.program.code})
            return redirect("program_detail", pk=new.program_id)
    return render(
        request,
        "programs/form.html",
        {"form": form, "title": _("Pindahkan ke program lain"), "subject": enrolment},
    )


@login_required
def enrolment_import(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    form = EnrolmentFileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with saved_upload(upload) as path:
            try:
                result = enrolments_import(
                    actor=request.user, path=path, dry_run=form.cleaned_data["dry_run"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(request, "programs/enrolment_import.html", {"form": form, "result": result})


@login_required
def agreement_list(request):
    today = timezone.localdate()
    page = paginate(request, selectors.agreements_visible_to(request.user).order_by("ends_on"))
    return render(
        request,
        "programs/agreements.html",
        {
            "page": page,
            "rows": [(a, selectors.days_to_expiry(a, today)) for a in page.object_list],
            "alerts": selectors.agreements_ending(request.user, today=today),
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def agreement_create(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    renews = None
    renews_id = request.GET.get("perbarui") or request.POST.get("renews")
    if renews_id and str(renews_id).isdigit():
        renews = selectors.agreement_get(request.user, int(renews_id))
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        payers=_payers(request.user),
        programs=selectors.programs_visible_to(request.user),
        initial={
            "payer": renews.payer_id if renews else request.user.organization_id,
            "bpjs_office": renews.bpjs_office_id if renews else None,
            "renews": renews.pk if renews else None,
            "programs": list(renews.programs.values_list("pk", flat=True)) if renews else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_create(
                actor=request.user,
                number=data["number"],
                title=data["title"],
                payer=data["payer"],
                bpjs_office=data["bpjs_office"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                programs=list(data["programs"]),
                renews=renews,
                document=data["document"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("PKS %(number)s dicatat.") % {"number": agreement.number})
            return redirect("agreement_detail", pk=agreement.pk)
    title = _("Perbarui PKS %(number)s") % {"number": renews.number} if renews else _("PKS/MoU baru")
    return render(request, "programs/form.html", {"form": form, "title": title, "multipart": True})


@login_required
def agreement_detail(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "programs/agreement_detail.html",
        {
            "agreement": agreement,
            "days_left": selectors.days_to_expiry(agreement, today),
            "renewal": getattr(agreement, "renewed_by", None),
            "can_edit": can_edit_data(request.user),
            "history": record_history(request.user, target_type="agreement", target_id=agreement.pk),
        },
    )


@login_required
def agreement_document(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    if not agreement.document:
        raise Http404
    return FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=f"{agreement.number.replace('/', '-')}.pdf",
    )
