"""Pages of the monitoring app: the coverage dashboard (ranking, map, trend), the
coverage import and the regional scorecard. Every read goes through the selectors'
jurisdiction scope; the pages stay readable without JavaScript (charts draw over
tables that are always there)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring import codes, formats
from jaring.access.permissions import can_edit_data
from jaring.access.scoping import jurisdiction_of
from jaring.errors import DomainError
from jaring.funds.selectors import funnel_report
from jaring.guards import require
from jaring.monitoring import maps, scoring, selectors, services, summaries, workbooks
from jaring.monitoring.models import ImportSource
from jaring.monitoring.panel import programs_panel
from jaring.monitoring.projection import ucj_projection_shown
from jaring.programs.selectors import programs_visible_to
from jaring.replica import from_replica
from jaring.sheets.uploads import saved_upload

EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengimpor angka cakupan.")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTS_SHOWN = 50
SORTS = {
    "cakupan": lambda line: line.figure.ratio,
    "nama": lambda line: line.name.lower(),
    "peserta": lambda line: line.figure.participants,
    "potensi": lambda line: line.figure.potential,
    "target": lambda line: Decimal(line.target_pct or -1),
    "kesenjangan": lambda line: line.gap_participants if line.gap_participants is not None else -1,
    "tanggal": lambda line: line.figure.on,
}


def _chosen_date(request) -> tuple[date, str]:
    """The date asked for (tanggal=dd/mm/yyyy or YYYY-MM-DD), today by default; an error
    message if bad."""
    raw = request.GET.get("tanggal", "").strip()
    today = timezone.localdate()
    if not raw:
        return today, ""
    try:
        chosen = formats.parse_date(raw)
    except ValueError:
        return today, _("Tanggal '%(raw)s' tidak dikenali; dipakai hari ini.") % {"raw": raw}
    return chosen, ""


def _report(request):
    on, problem = _chosen_date(request)
    region = selectors.report_region(request.user, request.GET.get("wilayah", "").strip())
    return selectors.coverage_report(request.user, region, on), problem


def _sorted(lines, key: str):
    reverse = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORTS:
        return lines, "-cakupan"
    return sorted(lines, key=SORTS[name], reverse=reverse), key


def _funnel_shares(user, report, on: date) -> tuple[dict[str, Decimal], int]:
    programs = programs_visible_to(user)
    year = selectors.money_year(programs, on.year)
    provinces = report.province_codes
    region = provinces[0] if len(provinces) == 1 else ""
    funnel = funnel_report(user, programs.filter(fiscal_year=year), region=region, until=on)
    shares = {
        code: Decimal(str(f.village_share))
        for code, _name, f in funnel.regencies
        if len(code) == 4 and f.allocated
    }
    return shares, year


@login_required
@from_replica
def coverage_dashboard(request):
    report, problem = _report(request)
    if problem:
        messages.warning(request, problem)
    mode = request.GET.get("peta", maps.COVERAGE.key)
    mode = mode if mode in maps.SCALES else maps.COVERAGE.key
    sort = request.GET.get("urut", "-cakupan")
    children, sort = _sorted(report.children, sort)
    rank = {line.region: index for index, line in enumerate(report.children, start=1)}

    def link(code: str) -> str:
        return "?" + urlencode(
            {"wilayah": codes.dotted(code), "tanggal": report.on.isoformat(), "peta": mode}
        )

    shares, money_year = ({}, None)
    if mode == maps.FUNNEL.key:
        shares, money_year = _funnel_shares(request.user, report, report.on)
    caption = (
        _("Dana program tahun anggaran %(year)s: bagian alokasi yang sudah sampai di rekening desa.")
        % {"year": money_year}
        if money_year
        else _("Angka terakhir pada atau sebelum %(day)s.") % {"day": report.on.strftime("%d/%m/%Y")}
    )
    coverage_map = selectors.coverage_map(
        request.user, report, mode=mode, link=link, funnel_shares=shares, caption=caption
    )
    trend = selectors.coverage_trend(request.user, report)
    refreshed = summaries.refresh_if_stale()
    protected_below = summaries.protected_children(
        request.user, report.region.code if report.region else None, report.on
    )
    chart = {
        "trend": {
            "labels": [p.on.strftime("%m/%Y") for p in trend],
            "coverage": [float(p.coverage_pct) if p.coverage_pct else None for p in trend],
            "target": [float(p.target_pct) if p.target_pct else None for p in trend],
        },
        "ranking": {
            "labels": [line.name for line in report.children],
            "coverage": [float(line.coverage_pct) for line in report.children],
            "target": [float(line.target_pct) if line.target_pct else None for line in report.children],
        },
    }
    # Regions above the officer's jurisdiction are named, not linked: their page is a 404.
    jurisdiction = jurisdiction_of(request.user)
    breadcrumb = [(r, jurisdiction.contains(r.code)) for r in report.breadcrumb]
    base_query = {
        "wilayah": report.region.code_dotted if report.region else "",
        "tanggal": report.on.isoformat(),
    }
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "report": report,
            "breadcrumb": breadcrumb,
            "line": report.line,
            "children": [(rank[line.region], line, protected_below.get(line.region)) for line in children],
            "panel": programs_panel(request.user, report.region, report.on, refreshed=refreshed),
            "ucj": ucj_projection_shown(request.user, report),
            "sort": sort,
            "mode": mode,
            "modes": [(s.key, _(s.title)) for s in maps.SCALES.values()],
            "map": coverage_map,
            "map_svg": mark_safe(coverage_map.svg) if coverage_map else "",  # noqa: S308 (every text escaped in maps.render_svg)
            "trend": trend,
            "chart": chart,
            "query": urlencode(base_query),
            "map_query": urlencode({**base_query, "urut": sort}),
            "sort_query": urlencode({**base_query, "peta": mode}),
            "level_name": selectors.LEVEL_NAMES.get(report.child_level or "", _("Wilayah")),
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
@from_replica
def coverage_export(request):
    report, _problem = _report(request)
    response = HttpResponse(workbooks.coverage_xlsx(report), content_type=XLSX)
    name = report.region.code if report.region else "wilayah-kerja"
    response["Content-Disposition"] = f'attachment; filename="cakupan-{name}-{report.on:%Y%m%d}.xlsx"'
    return response


@login_required
def coverage_import(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    result = None
    error = None
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is None:
            error = _("Pilih berkas XLSX atau CSV untuk diunggah.")
        else:
            with saved_upload(upload) as path:
                try:
                    result = services.coverage_import(
                        actor=request.user,
                        path=path,
                        file_name=upload.name,
                        source=ImportSource.UPLOAD,
                    )
                except DomainError as exc:
                    error = exc.message
            if result is not None and result.saved:
                messages.success(
                    request,
                    _(
                        "Disimpan: %(rows)s baris; %(created)s angka baru, %(updated)s diganti, "
                        "%(unchanged)s tidak berubah, %(targets)s target."
                    )
                    % {
                        "rows": result.rows,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "targets": result.targets,
                    },
                )
                for warning in result.warnings[:20]:
                    messages.warning(request, _("Baris %(row)s: %(message)s") % warning.as_dict())
                return redirect("coverage_import")
    return render(
        request,
        "monitoring/import.html",
        {
            "result": result,
            "error": error,
            "imports": selectors.imports_visible_to(request.user)[:IMPORTS_SHOWN],
        },
        status=400 if error or (result is not None and not result.saved) else 200,
    )


@login_required
def coverage_template(request, fmt: str):
    if fmt == "xlsx":
        response = HttpResponse(workbooks.template_xlsx(), content_type=XLSX)
    elif fmt == "csv":
        response = HttpResponse(workbooks.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="templat-cakupan.{fmt}"'
    return response


def _scorecard(request):
    on, problem = _chosen_date(request)
    year = request.GET.get("tahun", "")
    card = selectors.scorecard(
        request.user,
        province_code=request.GET.get("provinsi", "").strip() or None,
        year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        on=on,
    )
    return card, problem


@login_required
@from_replica
def scorecard_page(request):
    card, problem = _scorecard(request)
    if problem:
        messages.warning(request, problem)
    return render(
        request,
        "monitoring/scorecard.html",
        {
            "card": card,
            "weights": scoring.WEIGHTS,
            "growth_full": scoring.GROWTH_FULL_POINTS,
            "query": urlencode(
                {
                    "provinsi": card.province.code if card.province else "",
                    "tahun": card.year,
                    "tanggal": card.on.isoformat(),
                }
            ),
        },
    )


@login_required
@from_replica
def scorecard_export(request):
    card, _problem = _scorecard(request)
    response = HttpResponse(workbooks.scorecard_xlsx(card), content_type=XLSX)
    name = card.province.code if card.province else "wilayah"
    response["Content-Disposition"] = f'attachment; filename="rapor-wilayah-{name}-{card.on:%Y%m%d}.xlsx"'
    return response
