"""The DTSEN editions and BPJS's active lists on the web: the list of what was received,
the upload (the same whole-or-nothing import as ``jaring import_dtsen`` and ``jaring
import_bpjs_active``, run while the officer waits) with its refused rows by row, column
and fix, and an edition's people who left the list.

Everyone reads the editions of their jurisdiction (an edition kept for a province is
seen by its regencies and villages, a regency's by its province); only operators and
admins upload, for their own jurisdiction (``targeting.imports``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring import codes
from jaring.access.permissions import can_edit_data
from jaring.access.scoping import scope_to_jurisdiction, scope_to_overlap_or_own
from jaring.errors import DomainError, add_domain_error
from jaring.formats import active
from jaring.guards import require
from jaring.paging import paginate, querystring_without_page
from jaring.regions.models import Region
from jaring.registry.selectors import mask_text, nik_for
from jaring.sheets.uploads import saved_upload
from jaring.targeting.imports import import_bpjs_active, import_dtsen
from jaring.targeting.models import BpjsActiveList, DtsenEdition, DtsenLeaver
from jaring.targeting.rows import ACTIVE_SHEET, COLUMNS
from jaring.widgets import DateInput

DTSEN_EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengunggah ekstrak DTSEN.")
BPJS_EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengunggah daftar aktif BPJS.")
ERRORS_SHOWN = 200
LEAVERS_PER_PAGE = 50


class EditionFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas ekstrak DTSEN (XLSX/CSV)"))
    edition = forms.CharField(
        label=gettext_lazy("Bulan edisi (TTTT-BB)"),
        max_length=7,
        help_text=gettext_lazy("Bulan terbit edisi DTSEN, mis. 2025-03."),
    )


class ActiveFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas daftar aktif BPJS (XLSX/CSV)"))
    date = forms.DateField(
        label=gettext_lazy("Tanggal daftar"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Tanggal data BPJS; kosongkan bila hari ini."),
    )


# Reads: the one jurisdiction filter (``access.scoping``), an edition or list kept for a
# region inside the user's jurisdiction or containing part of it, or the user's own.


def editions_visible_to(user) -> QuerySet[DtsenEdition]:
    return scope_to_overlap_or_own(
        DtsenEdition.objects.all(), user, field="scope_code", organization_fields=("organization_id",)
    )


def active_lists_visible_to(user) -> QuerySet[BpjsActiveList]:
    return scope_to_overlap_or_own(
        BpjsActiveList.objects.all(), user, field="scope_code", organization_fields=("organization_id",)
    )


def _scope_names(scope_codes) -> dict[str, str]:
    """Each scope's name (one query for a page), "" the nation."""
    wanted = {code for code in scope_codes if code}
    names = dict(Region.objects.filter(code__in=sorted(wanted)).values_list("code", "name"))
    return {
        code: (f"{codes.dotted(code)} {names.get(code, '')}".strip() if code else _("Nasional"))
        for code in {*wanted, ""}
    }


def _with_scope_names(records) -> list[tuple]:
    names = _scope_names(record.scope_code for record in records)
    return [(record, names[record.scope_code]) for record in records]


def _shown_errors(user, errors) -> list[dict]:
    """The first refused rows, their NIKs masked for roles that see NIKs masked."""
    return [
        {
            "row": e.row,
            "column": e.column,
            "message": mask_text(user, e.message),
            "fix": mask_text(user, e.fix),
        }
        for e in errors[:ERRORS_SHOWN]
    ]


def _import_page(request, form, run, *, template: str, columns, saved):
    """An upload page: on a valid post, ``run(path, file_name)`` on the uploaded file; once
    the import saved its file, ``saved(result)`` answers (a message and a redirect). A
    refused file is shown again with its refused rows, nothing saved (400)."""
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with saved_upload(upload) as path:
                result = run(path, upload.name)
        except DomainError as exc:
            add_domain_error(form, exc)
        if result is not None and result.saved is not None:
            return saved(result)
    return render(
        request,
        template,
        {
            "form": form,
            "result": result,
            "errors": _shown_errors(request.user, result.errors) if result else [],
            "columns": columns,
        },
        status=400 if form.errors or result is not None else 200,
    )


@login_required
def edition_list(request):
    page = paginate(request, editions_visible_to(request.user).select_related("imported_by", "previous"))
    return render(
        request,
        "targeting/edition_list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
            "rows": _with_scope_names(page.object_list),
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def edition_import(request):
    require(can_edit_data(request.user), DTSEN_EDITORS_ONLY)
    form = EditionFileForm(request.POST or None, request.FILES or None)

    def saved(result):
        messages.success(
            request,
            _("Edisi DTSEN %(edition)s disimpan: %(people)s orang, %(left)s keluar dari daftar.")
            % {
                "edition": result.edition,
                "people": active.number(result.accepted),
                "left": active.number(result.saved.left_the_list),
            },
        )
        return redirect("targeting_edition_detail", pk=result.saved.pk)

    return _import_page(
        request,
        form,
        lambda path, name: import_dtsen(
            actor=request.user, path=path, edition=form.cleaned_data["edition"], file_name=name
        ),
        template="targeting/edition_import.html",
        columns=COLUMNS,
        saved=saved,
    )


@login_required
def edition_detail(request, pk: int):
    edition = get_object_or_404(
        editions_visible_to(request.user).select_related("imported_by", "previous"), pk=pk
    )
    leavers = scope_to_jurisdiction(
        DtsenLeaver.objects.filter(edition=edition).select_related("village"),
        request.user,
        field="village_id",
    )
    page = paginate(request, leavers, per_page=LEAVERS_PER_PAGE)
    return render(
        request,
        "targeting/edition_detail.html",
        {
            "edition": edition,
            "scope": _scope_names([edition.scope_code])[edition.scope_code],
            "page": page,
            "querystring": querystring_without_page(request),
            "rows": [(leaver, nik_for(request.user, leaver.nik)) for leaver in page.object_list],
        },
    )


@login_required
def active_list(request):
    page = paginate(request, active_lists_visible_to(request.user).select_related("imported_by"))
    return render(
        request,
        "targeting/active_list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
            "rows": _with_scope_names(page.object_list),
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def active_import(request):
    require(can_edit_data(request.user), BPJS_EDITORS_ONLY)
    form = ActiveFileForm(request.POST or None, request.FILES or None)

    def saved(result):
        messages.success(
            request,
            _("Daftar aktif BPJS %(date)s disimpan: %(people)s orang.")
            % {"date": active.date(result.listed_on), "people": active.number(result.accepted)},
        )
        return redirect("targeting_active_list")

    return _import_page(
        request,
        form,
        lambda path, name: import_bpjs_active(
            actor=request.user, path=path, listed_on=form.cleaned_data["date"], file_name=name
        ),
        template="targeting/active_import.html",
        columns=ACTIVE_SHEET.names,
        saved=saved,
    )
