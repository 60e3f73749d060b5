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

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@from_replica
def monev_download(request):
    """The monev report of a region for a month, as PDF or XLSX (a province report
    takes a few seconds: it is built while the officer waits)."""
    roots = jurisdiction_of(request.user).codes
    initial = {"region": codes.dotted(roots[0]) if roots else "15"}
    form = MonevForm(request.GET or None, initial=initial)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            report = monev_report(
                request.user,
                region_code=data["region"],
                period=data["period"],
                generated_by=request.user.display_name,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            fmt = data["fmt"]
            body = monev_pdf(report) if fmt == "pdf" else monev_xlsx(report)
            response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
            name = f"monev-{report.region_code}-{report.period:%Y-%m}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "reports/monev_form.html", {"form": form, "can_edit": can_edit_data(request.user)})
