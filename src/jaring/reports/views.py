from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from jaring import codes
from jaring.access.permissions import can_edit_data
from jaring.access.scoping import jurisdiction_of
from jaring.errors import DomainError, add_domain_error
from jaring.replica import from_replica
from jaring.reports.forms import MonevForm
from jaring.reports.monev import monev_report
from jaring.reports.render import monev_pdf, monev_xlsx
from jaring.reports.slots import ReportsBusy, build_slot

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@from_replica
def monev_download(request):
    """The monev report of a region for a month, as PDF or XLSX (a province report
    takes a few seconds: it is built while the officer waits, in one of the few report
    slots, ``reports.slots``)."""
    roots = jurisdiction_of(request.user).codes
    initial = {"region": codes.dotted(roots[0]) if roots else "15"}
    form = MonevForm(request.GET or None, initial=initial)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            with build_slot():  # a few reports at once at most: the other pages stay quick
                report = monev_report(
                    request.user,
                    region_code=data["region"],
                    period=data["period"],
                    generated_by=request.user.display_name,
                )
                fmt = data["fmt"]
                body = monev_pdf(report) if fmt == "pdf" else monev_xlsx(report)
        except ReportsBusy as exc:
            add_domain_error(form, exc)
            response = _form(request, form, status=exc.http_status)
            response["Retry-After"] = "10"
            return response
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
            name = f"monev-{report.region_code}-{report.period:%Y-%m}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return _form(request, form)


def _form(request, form, *, status: int = 200):
    return render(
        request,
        "reports/monev_form.html",
        {"form": form, "can_edit": can_edit_data(request.user)},
        status=status,
    )
