from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring import codes
from jaring.access.permissions import can_edit_data
from jaring.access.rules import OrgKind
from jaring.access.scoping import region_subtree_q
from jaring.errors import DomainError, add_domain_error
from jaring.formats.active import rupiah
from jaring.funds import selectors, services, workbooks
from jaring.funds.forms import AllocationForm, ReverseForm, TransferForm
from jaring.funds.models import TransferKind
from jaring.guards import require
from jaring.paging import paginate, querystring_without_page
from jaring.programs.selectors import program_get, programs_visible_to
from jaring.replica import from_replica

EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mencatat dana.")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programs(request):
    programs = programs_visible_to(request.user)
    year = request.GET.get("tahun", "")
    return (programs.filter(fiscal_year=int(year)) if year.isdigit() else programs), year


@login_required
@from_replica
def funds_overview(request):
    """The funnel of every visible program, per program and per regency, and the
    villages where money stands idle."""
    programs, year = _programs(request)
    programs = list(programs.order_by("-fiscal_year", "code"))
    region = request.GET.get("wilayah", "").replace(".", "").strip()
    report = selectors.funnel_report(request.user, programs, region=region)
    return render(
        request,
        "funds/overview.html",
        {
            "report": report,
            "year": year,
            "region": request.GET.get("wilayah", ""),
            "idle": selectors.idle_villages(request.user, programs, today=timezone.localdate(), limit=50),
            "regencies": report.regencies,
        },
    )


def _transfers(request):
    transfers = selectors.transfers_visible_to(request.user)
    get = request.GET
    if get.get("program", "").isdigit():
        transfers = transfers.filter(program_id=int(get["program"]))
    if get.get("jenis") in TransferKind.values:
        transfers = transfers.filter(kind=get["jenis"])
    if get.get("wilayah", "").strip():
        code = codes.try_normalize(get["wilayah"].strip())
        transfers = transfers.filter(region_subtree_q("region_id", code)) if code else transfers.none()
    return transfers


@login_required
def transfer_list(request):
    return render(
        request,
        "funds/transfers.html",
        {
            "page": paginate(request, _transfers(request)),
            "querystring": querystring_without_page(request),
            "programs": programs_visible_to(request.user),
            "kinds": TransferKind.choices,
            "chosen_program": request.GET.get("program", ""),
            "chosen_kind": request.GET.get("jenis", ""),
            "chosen_region": request.GET.get("wilayah", ""),
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
@from_replica
def transfer_export(request):
    response = HttpResponse(workbooks.transfers_xlsx(_transfers(request)), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="transfer-dana-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@login_required
def transfer_create(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    initial = {"program": request.GET.get("program"), "transferred_on": timezone.localdate()}
    if request.GET.get("jenis") in TransferKind.values:  # the home page's money jobs
        initial["kind"] = request.GET["jenis"]
    organization = getattr(request.user, "organization", None)
    if organization is not None and organization.kind == OrgKind.VILLAGE and organization.scope_code:
        initial["region"] = codes.dotted(organization.scope_code)  # a village records its own money
    form = TransferForm(
        request.POST or None,
        request.FILES or None,
        programs=programs_visible_to(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_post(
                actor=request.user,
                program=data["program"],
                kind=data["kind"],
                region_code=data["region"],
                transferred_on=data["transferred_on"],
                amount=data["amount"],
                reference=data["reference"],
                stage=data["stage"],
                evidence=data["evidence"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Transfer %(ref)s dicatat.") % {"ref": transfer.reference})
            return redirect(f"{reverse('transfer_list')}?program={transfer.program_id}")
    return render(
        request, "programs/form.html", {"form": form, "title": _("Catat transfer dana"), "multipart": True}
    )


@login_required
def transfer_reverse(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), pk=pk)
    form = ReverseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_reverse(actor=request.user, transfer=transfer, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Koreksi dicatat; transfer asli tetap tersimpan."))
            return redirect("transfer_list")
    return render(
        request,
        "programs/form.html",
        {"form": form, "title": _("Koreksi transfer %(ref)s") % {"ref": transfer.reference}},
    )


@login_required
def transfer_evidence(request, pk: int):
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), pk=pk)
    if not transfer.evidence:
        raise Http404
    return FileResponse(
        transfer.evidence.open("rb"), as_attachment=True, filename=transfer.evidence.name.rsplit("/", 1)[-1]
    )


@login_required
def allocation_list(request, program_pk: int):
    program = program_get(request.user, program_pk)
    form = AllocationForm(request.POST or None)
    if request.method == "POST":
        require(can_edit_data(request.user), EDITORS_ONLY)
        try:
            if "from_quota" in request.POST:
                total = services.allocations_from_quotas(actor=request.user, program=program)
                messages.success(
                    request, _("Alokasi dihitung dari kuota: %(total)s.") % {"total": rupiah(total)}
                )
                return redirect("allocation_list", program_pk=program.pk)
            if form.is_valid():
                services.allocation_set(
                    actor=request.user,
                    program=program,
                    region_code=form.cleaned_data["region"],
                    amount=form.cleaned_data["amount"],
                )
                messages.success(request, _("Alokasi disimpan."))
                return redirect("allocation_list", program_pk=program.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    allocations = selectors.allocations_visible_to(request.user).filter(program=program).order_by("region_id")
    return render(
        request,
        "funds/allocations.html",
        {
            "program": program,
            "page": paginate(request, allocations, per_page=100),
            "querystring": querystring_without_page(request),
            "form": form,
            "can_edit": can_edit_data(request.user),
        },
    )
