from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jaring.access.permissions import can_edit_data, can_read_audit
from jaring.audit.selectors import record_history
from jaring.errors import DomainError
from jaring.guards import require
from jaring.registry import exports, selectors, workbooks
from jaring.registry.duplicates import duplicate_decide
from jaring.registry.imports import import_commit, import_upload
from jaring.registry.models import CATEGORY_CHOICES, OCCUPATION_CHOICES, STATUS_CHOICES, ImportStatus
from jaring.replica import from_replica

EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengimpor peserta.")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request) -> selectors.ParticipantFilters:
    get = request.GET
    return selectors.ParticipantFilters(
        region=get.get("wilayah", "").strip(),
        category=get.get("kategori", ""),
        occupation=get.get("pekerjaan", ""),
        status=get.get("status", ""),
        q=get.get("q", "").strip(),
    )


@login_required
def participant_list(request):
    filters = _filters(request)
    after = request.GET.get("setelah")
    rows, next_after = selectors.participants_page(
        request.user,
        filters,
        after=int(after) if after and after.isdigit() else None,
        limit=settings.JARING_PAGE_SIZE,
    )
    params = request.GET.copy()
    params.pop("setelah", None)
    return render(
        request,
        "registry/list.html",
        {
            "rows": [(p, selectors.nik_for(request.user, p.nik)) for p in rows],
            "next_after": next_after,
            "filters": filters,
            "query": params.urlencode(),
            "first_page": not after,
            "categories": CATEGORY_CHOICES,
            "occupations": OCCUPATION_CHOICES,
            "statuses": STATUS_CHOICES,
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def participant_detail(request, pk: int):
    person = selectors.participant_get(request.user, pk)
    return render(
        request,
        "registry/detail.html",
        {
            "person": person,
            "nik": selectors.nik_for(request.user, person.nik),
            "timeline": person.status_changes.select_related("actor").all(),
            "history": record_history(request.user, target_type="participant", target_id=person.pk),
            "duplicates": selectors.duplicates_of(request.user, person),
        },
    )


@login_required
@from_replica
def participant_export(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    filters = _filters(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(request.user, filters), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="peserta-{stamp}.csv"'
        return response
    return FileResponse(
        exports.xlsx_file(request.user, filters),
        as_attachment=True,
        filename=f"peserta-{stamp}.xlsx",
        content_type=XLSX,
    )


@login_required
def template_download(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(workbooks.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="templat-peserta-jaring.csv"'
        return response
    response = HttpResponse(workbooks.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="templat-peserta-jaring.xlsx"'
    return response


@login_required
def import_start(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is None:
            error = _("Pilih berkas XLSX atau CSV untuk diunggah.")
        else:
            try:
                run = import_upload(actor=request.user, uploaded_file=upload)
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("import_detail", pk=run.pk)
    recent = selectors.imports_visible_to(request.user).select_related("uploaded_by")[:20]
    return render(
        request,
        "registry/import_start.html",
        {"error": error, "recent": recent},
        status=400 if error else 200,
    )


def _visible_run(request, pk: int):
    require(
        can_edit_data(request.user) or can_read_audit(request.user),
        _("Impor hanya untuk operator, admin dan auditor."),
    )
    return get_object_or_404(selectors.imports_visible_to(request.user), pk=pk)


@login_required
def import_detail(request, pk: int):
    run = _visible_run(request, pk)
    errors = [
        {**e.as_dict(), "message": selectors.mask_text(request.user, e.message)}
        for e in run.errors.all()[:20]
    ]
    template = (
        "registry/_import_status.html" if request.headers.get("HX-Request") else "registry/import_detail.html"
    )
    busy = run.status in (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING)
    return render(
        request,
        template,
        {"run": run, "errors": errors, "busy": busy, "can_commit": can_edit_data(request.user)},
    )


@login_required
@require_POST
def import_save(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    run = _visible_run(request, pk)
    try:
        import_commit(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("import_detail", pk=run.pk)


@login_required
def import_errors_download(request, pk: int):
    run = _visible_run(request, pk)
    errors = [
        {**e.as_dict(), "message": selectors.mask_text(request.user, e.message)} for e in run.errors.all()
    ]
    content = workbooks.errors_xlsx(Path(run.stored_file.path), errors) if run.stored_file else b""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="baris-ditolak-impor-{run.pk}.xlsx"'
    return response


@login_required
def duplicate_list(request):
    pairs = list(selectors.duplicates_visible_to(request.user)[:100])
    rows = [
        (
            pair,
            selectors.nik_for(request.user, pair.first.nik),
            selectors.nik_for(request.user, pair.second.nik),
        )
        for pair in pairs
    ]
    return render(
        request, "registry/duplicates.html", {"rows": rows, "can_edit": can_edit_data(request.user)}
    )


@login_required
@require_POST
def duplicate_resolve(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    pair = get_object_or_404(selectors.duplicates_visible_to(request.user), pk=pk)
    decision = request.POST.get("keputusan")
    keep = None
    if decision == "sama":
        keep_id = request.POST.get("pertahankan")
        keep = (
            pair.first
            if keep_id == str(pair.first_id)
            else pair.second
            if keep_id == str(pair.second_id)
            else None
        )
    try:
        duplicate_decide(actor=request.user, candidate=pair, same=decision == "sama", keep=keep)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Keputusan disimpan."))
    return redirect("duplicate_list")
