"""The monev report of one region for one month: what the monitoring and evaluation
meeting looks at, read through the user's jurisdiction.

``monev_report`` gathers the figures and tables; ``render.py`` renders them (PDF and
XLSX). Each section is a function of (report, context) appended to ``SECTIONS``, so a
capability adds its part of the meeting without touching the renderers.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from jaring import codes
from jaring.access.scoping import Jurisdiction, region_subtree_q
from jaring.alerts.models import Severity
from jaring.alerts.selectors import conditions_on
from jaring.alerts.sources import kind_label
from jaring.billing.selectors import protection_counts
from jaring.claims.models import ClaimKind
from jaring.claims.selectors import benefits_paid
from jaring.errors import InvalidInput
from jaring.funds.selectors import funnel_report, idle_villages
from jaring.i18n import N_
from jaring.monitoring import projection, summaries, ucj
from jaring.monitoring.maps import COVERAGE
from jaring.monitoring.selectors import (
    CoverageReport,
    coverage_map,
    coverage_report,
    coverage_trend,
    projected_regencies,
    regency_lines,
)
from jaring.programs.models import Program
from jaring.programs.selectors import (
    active_enrolments_on,
    agreements_visible_to,
    programs_visible_to,
)
from jaring.regions.models import Region
from jaring.regions.selectors import region_in_jurisdiction
from jaring.reports import charts
from jaring.reports.tables import (
    DATE,
    INT,
    MONTHS_ID,
    PERCENT,
    PERCENT2,
    RUPIAH,
    TEXT,
    Column,
    Figure,
    MapKey,
    MonevReport,
    Table,
    date_text,
    days_text,
    percent_text,
    thousands,
)

ROWS_SHOWN = 50  # per long table (idle villages, alerts); the total is stated
TREND_MONTHS = 12  # the trend chart: the year up to the report's month


@dataclass
class Context:
    user: object
    region: str  # the region reported on
    as_of: date
    programs: list[Program]


Section = Callable[[MonevReport, Context], None]
SECTIONS: list[Section] = []


def section(function: Section) -> Section:
    SECTIONS.append(function)
    return function


def monev_report(user, *, region_code: str, period: date, generated_by: str = "") -> MonevReport:
    """The report of ``region_code`` for the month of ``period``, as of the month's
    last day (today for the current month). Refused for a region outside the user's
    jurisdiction or a month in the future."""
    place = region_in_jurisdiction(user, region_code)
    region = place.code
    today = timezone.localdate()
    period = period.replace(day=1)
    if period > today:
        raise InvalidInput(
            N_("Periode laporan belum berjalan; pilih bulan ini atau sebelumnya."), field="period"
        )
    as_of = min(today, period.replace(day=calendar.monthrange(period.year, period.month)[1]))
    report = MonevReport(
        region_code=region,
        region_name=place.name,
        period=period,
        as_of=as_of,
        generated_by=generated_by,
    )
    context = Context(user=user, region=region, as_of=as_of, programs=_programs(user, region, as_of))
    for build in SECTIONS:
        build(report, context)
    return report


def _programs(user, region: str, as_of: date) -> list[Program]:
    """Programs protecting people of the region at some time in the year up to the date
    (each once: a programme with several target regions in the region matches each)."""
    overlap = Jurisdiction(codes=(region,)).overlap_q("target_regions__code")
    return list(
        programs_visible_to(user)
        .filter(overlap, starts_on__lte=as_of, ends_on__gte=as_of - timedelta(days=365))
        .distinct()
        .order_by("code")
    )


@section
def coverage(report: MonevReport, context: Context) -> None:
    """Coverage (UCJ) against the target, its ranking one level down, its trend over the
    year up to the date, and the map of the regencies, numbered for its key."""
    place = Region.objects.get(code=context.region)
    found = coverage_report(context.user, place, context.as_of)
    line = found.line
    if line is not None:
        report.figures += [
            Figure(
                "Cakupan (UCJ)",
                _pct(line.coverage_pct),
                PERCENT2,
                f"per {date_text(line.figure.on)}",
                headline=True,
            ),
            Figure("Target cakupan", _pct(line.target_pct), PERCENT2, headline=True),
            Figure("Peserta aktif BPJS TK (semua segmen)", line.figure.participants, INT, headline=True),
            Figure("Potensi pekerja", line.figure.potential, INT, "orang", headline=True),
            Figure("Kekurangan menuju target", line.gap_participants, INT, "orang", headline=True),
            Figure("Biaya menutup kekurangan", line.gap_budget_rupiah, RUPIAH, "setahun, iuran JKK+JKM APBD"),
        ]
    else:
        report.figures.append(Figure("Cakupan (UCJ)", None, PERCENT, "belum ada data cakupan", headline=True))
    report.tables.append(
        Table(
            key="Cakupan",
            title="Cakupan kepesertaan (UCJ) dan peringkat",
            columns=[
                Column("Peringkat", INT),
                Column("Wilayah"),
                Column("Peserta aktif", INT),
                Column("Potensi pekerja", INT),
                Column("Cakupan", PERCENT2),
                Column("Target", PERCENT2),
                Column("Kekurangan", INT),
                Column("Biaya menutup kekurangan", RUPIAH),
            ],
            rows=[
                [
                    rank,
                    child.name,
                    child.figure.participants,
                    child.figure.potential,
                    _pct(child.coverage_pct),
                    _pct(child.target_pct),
                    child.gap_participants,
                    child.gap_budget_rupiah,
                ]
                for rank, child in enumerate(found.children, start=1)
            ],
            note=" ".join(found.notes),
            empty="Belum ada data cakupan wilayah di bawahnya.",
        )
    )
    report.tables.append(_trend(context, found))
    # Paper has no tooltip: each regency carries a number, the key beside the map names it.
    lines = regency_lines(context.user, found)
    shapes = sorted(projected_regencies(found.province_codes).shapes, key=lambda shape: shape.code)
    report.map_key = [
        MapKey(
            number,
            shape.code,
            shape.name,
            _pct(lines[shape.code].coverage_pct) if shape.code in lines else None,
        )
        for number, shape in enumerate(shapes, start=1)
    ]
    drawn = coverage_map(
        context.user,
        found,
        mode=COVERAGE.key,
        link=lambda code: "",
        caption="Cakupan per kabupaten/kota",
        labels={key.code: str(key.number) for key in report.map_key},
    )
    if drawn is not None:
        report.map_svg = drawn.svg
        report.map_title = "Peta cakupan per kabupaten/kota"
        report.map_legend = [(item.fill, item.label) for item in drawn.legend]
    else:
        report.map_key = []


@section
def ucj_projection(report: MonevReport, context: Context) -> None:
    """The road to the year's target (monitoring.projection): what the programs count
    toward coverage on the date and by 31 December if the bills issued are paid, the
    gap after them, and who must be funded for the months left, at what price."""
    place = Region.objects.get(code=context.region)
    try:
        found = projection.ucj_projection(context.user, place, context.as_of)
    except ucj.CountingRuleMissing as missing:
        report.figures.append(Figure("Dihitung UCJ dari program, akhir tahun", None, INT, missing.indonesian))
        return
    year_end = date_text(found.year_end)
    report.figures.append(
        Figure(
            "Dihitung UCJ dari program, akhir tahun",
            found.program_counted_year_end,
            INT,
            f"{thousands(found.program_counted_now)} per {date_text(found.on)}",
        )
    )
    if found.gap_after_programs is None:
        sentence = "Tanpa angka cakupan dan target tahun ini, kekurangan belum dapat dihitung."
    elif found.gap_after_programs == 0:
        sentence = (
            f"Target {percent_text(_pct(found.target_pct), 2)} tercapai pada {year_end} bila tagihan dibayar."
        )
    elif found.people_needed is None:
        sentence = (
            f"Target {percent_text(_pct(found.target_pct), 2)} tidak dapat dicapai tahun ini dengan menambah "
            "peserta: tidak ada bulan tersisa sampai Desember."
        )
    else:
        price = "" if found.rupiah_needed is None else f": Rp{thousands(found.rupiah_needed)}"
        sentence = (
            f"Untuk mencapai {percent_text(_pct(found.target_pct), 2)} pada {year_end}, danai "
            f"{thousands(found.people_needed)} orang lagi selama {found.months_left} bulan{price}."
        )
    full = found.full_after_months
    report.tables.append(
        Table(
            key="Proyeksi UCJ",
            title=f"Jalan menuju target cakupan {year_end}",
            columns=[Column("Ukuran"), Column("Orang", INT), Column("Rupiah", RUPIAH), Column("Keterangan")],
            rows=[
                ["Peserta aktif BPJS TK", found.participants, None, "angka cakupan yang berlaku"],
                ["Target peserta", found.target_participants, None, f"target {found.on.year}"],
                ["Orang program tahun ini", found.program_people, None, "iuran terbayar atau tertagih"],
                [
                    "Dihitung UCJ dari program, sekarang",
                    found.program_counted_now,
                    None,
                    f"penuh setelah {full} bulan iuran, di bawahnya proporsional",
                ],
                [
                    "Dihitung UCJ dari program, akhir tahun",
                    found.program_counted_year_end,
                    None,
                    "bila tagihan yang terbit dibayar",
                ],
                [
                    "Kekurangan setelah program",
                    found.gap_after_programs,
                    None,
                    "orang program sudah termasuk dalam peserta aktif",
                ],
                ["Orang yang perlu didanai", found.people_needed, None, f"selama {found.months_left} bulan"],
                ["Anggaran yang dibutuhkan", None, found.rupiah_needed, f"tarif {found.source} tiap bulan"],
            ],
            note=" ".join([sentence, *found.notes]),
        )
    )


def _trend(context: Context, found: CoverageReport) -> Table:
    """Coverage at the end of each month of the year up to the report's date, read by
    the dashboard's own selector from the figures dated on or before it."""
    points = coverage_trend(context.user, found, months=TREND_MONTHS)
    first = points[0].on if points else None
    chart = charts.line_chart(
        [
            charts.Point(
                label=(MONTHS_ID[p.on.month - 1][:3], str(p.on.year))
                if p.on.month == 1 or p.on == first
                else (MONTHS_ID[p.on.month - 1][:3],),
                value=_pct(p.coverage_pct),
                reference=_pct(p.target_pct),
            )
            for p in points
        ],
        title="Tren cakupan kepesertaan (UCJ)",
        series="Cakupan",
        reference="Target",
        value_text=lambda value: percent_text(value, 1),
        axis_text=lambda value: percent_text(value, 0),
    )
    return Table(
        key="Tren cakupan",
        title=f"Tren cakupan, {TREND_MONTHS} bulan s.d. {date_text(context.as_of)}",
        columns=[
            Column("Bulan"),
            Column("Data per", DATE),
            Column("Peserta aktif", INT),
            Column("Potensi pekerja", INT),
            Column("Cakupan", PERCENT2),
            Column("Target", PERCENT2),
        ],
        rows=[
            [
                f"{MONTHS_ID[p.on.month - 1]} {p.on.year}",
                p.on,
                p.participants,
                p.potential,
                _pct(p.coverage_pct),
                _pct(p.target_pct),
            ]
            for p in points
        ],
        note="Angka terakhir setiap bulan.",
        empty="Belum ada data cakupan dalam setahun terakhir.",
        chart_svg=chart,
    )


def _pct(text: str | None) -> float | None:
    return None if text is None else float(text)


@section
def money_trail(report: MonevReport, context: Context) -> None:
    funnel = funnel_report(context.user, context.programs, region=context.region, until=context.as_of)
    enrolled = (
        active_enrolments_on(context.as_of)
        .filter(region_subtree_q("village_id", context.region), program__in=context.programs)
        .count()
    )
    report.figures += [
        Figure("Program berjalan", len(context.programs), INT),
        Figure("Peserta aktif program", enrolled, INT, headline=True),
        Figure("Pagu/alokasi program", funnel.total.budget, RUPIAH, headline=True),
        Figure(
            "Sampai di rekening desa",
            funnel.total.to_village,
            RUPIAH,
            f"{percent_text(funnel.total.percent('to_village'))} dari pagu/alokasi",
            headline=True,
        ),
        Figure(
            "Dibayar ke BPJS",
            funnel.total.to_bpjs,
            RUPIAH,
            f"{percent_text(funnel.total.percent('to_bpjs'))} dari pagu/alokasi",
            headline=True,
        ),
    ]
    columns = [
        Column("Pagu/alokasi", RUPIAH),
        Column("Sampai di kab/kota", RUPIAH),
        Column("Sampai di desa", RUPIAH),
        Column("Dibayar ke BPJS", RUPIAH),
        Column("% di desa", PERCENT),
        Column("% ke BPJS", PERCENT),
    ]

    def cells(f) -> list:
        return [
            f.budget,
            f.to_regency,
            f.to_village,
            f.to_bpjs,
            f.percent("to_village"),
            f.percent("to_bpjs"),
        ]

    report.tables.append(
        Table(
            key="Alur dana per program",
            title="Alur dana per program",
            columns=[Column("Program"), Column("Sumber"), *columns],
            rows=[[p.code, p.source, *cells(f)] for p, f in funnel.programs],
            empty="Tidak ada program yang berjalan di wilayah ini.",
        )
    )
    report.tables.append(
        Table(
            key="Alur dana per kab-kota",
            title="Alur dana per kabupaten/kota",
            columns=[Column("Kabupaten/kota"), *columns],
            rows=[[name, *cells(f)] for _code, name, f in funnel.regencies],
            empty="Belum ada alokasi per kabupaten/kota.",
        )
    )


@section
def protection(report: MonevReport, context: Context) -> None:
    """People protected by the programs on the report's date, counted from the paid
    months as of that day (not the kept summary, which is today's)."""
    total, below = _protection_on(context)
    report.figures += [
        Figure("Dilindungi program (iuran terbayar)", total.active, INT, headline=True),
        Figure("Menunggak / berhenti", f"{thousands(total.arrears)} / {thousands(total.lapsed)}", TEXT),
    ]
    names = dict(Region.objects.filter(code__in=list(below)).values_list("code", "name"))
    report.tables.append(
        Table(
            key="Perlindungan",
            title="Peserta program menurut status perlindungan",
            columns=[
                Column("Wilayah"),
                Column("Aktif", INT),
                Column("Menunggak", INT),
                Column("Berhenti", INT),
                Column("Meninggal", INT),
                Column("Belum terlindungi", INT),
                Column("Kepesertaan program aktif", INT),
            ],
            rows=[
                [names.get(code, code), p.active, p.arrears, p.lapsed, p.deceased, p.not_covered, p.enrolled]
                for code, p in sorted(below.items(), key=lambda item: (-item[1].active, item[0]))
                if p.people or p.enrolled
            ],
            note=f"Status per {date_text(context.as_of)}.",
            empty="Belum ada peserta program di wilayah ini.",
        )
    )


def _protection_on(context: Context) -> tuple[summaries.Protected, dict[str, summaries.Protected]]:
    """The region's people per protection status on the report's date, and those of
    each region one level down, with their enrolments active then."""
    held = (
        active_enrolments_on(context.as_of)
        .filter(region_subtree_q("village_id", context.region))
        .values_list("village_id", flat=True)
    )
    children = list(Region.objects.filter(parent_id=context.region).values_list("code", flat=True))
    length = len(children[0]) if children else len(context.region)
    enrolled: dict[str, int] = {}
    for village in held:
        enrolled[village[:length]] = enrolled.get(village[:length], 0) + 1

    def counted(code: str, people_enrolled: int) -> summaries.Protected:
        counts = protection_counts(context.user, context.as_of, region=code)
        return summaries.Protected(**{s: counts[s] for s in summaries.STATUSES}, enrolled=people_enrolled)

    total = counted(context.region, sum(enrolled.values()))
    below = {code: counted(code, enrolled.get(code, 0)) for code in children} if total.people else {}
    return total, below


@section
def benefits(report: MonevReport, context: Context) -> None:
    """Benefits paid in the month reported and in the year up to it."""
    month = benefits_paid(context.region, report.period, context.as_of)
    year = benefits_paid(context.region, date(context.as_of.year, 1, 1), context.as_of)
    report.figures += [
        Figure("Manfaat dibayar bulan ini", month.totals.rupiah, RUPIAH, f"{month.totals.claims} klaim"),
        Figure(
            f"Manfaat dibayar {context.as_of.year}",
            year.totals.rupiah,
            RUPIAH,
            f"{year.totals.claims} klaim, {year.totals.scholarship_children} anak penerima beasiswa",
        ),
    ]
    labels = dict(ClaimKind.choices)
    report.tables.append(
        Table(
            key="Klaim dan manfaat",
            title=f"Klaim dan manfaat dibayar, Januari s.d. {report.period_label}",
            columns=[
                Column("Jenis klaim"),
                Column("Klaim dibayar", INT),
                Column("Manfaat", RUPIAH),
                Column("Anak penerima beasiswa", INT),
                Column("Beasiswa", RUPIAH),
            ],
            rows=[
                [
                    str(labels.get(kind, kind)),
                    totals.claims,
                    totals.rupiah,
                    totals.scholarship_children,
                    totals.scholarship_rupiah,
                ]
                for kind, totals in year.by_kind.items()
            ],
            note=(
                f"Rata-rata {days_text(year.average_days)} hari, median {days_text(year.median_days)} hari "
                "dari laporan sampai dibayar."
                if year.totals.claims
                else ""
            ),
            empty="Belum ada manfaat yang dibayar tahun ini.",
        )
    )


@section
def agreements(report: MonevReport, context: Context) -> None:
    """Agreements ending within 90 days of the date, or ended unrenewed in the last year."""
    as_of, region = context.as_of, context.region
    found = (
        agreements_visible_to(context.user)
        .filter(
            Jurisdiction(codes=(region,)).overlap_q("region_code"),
            ends_on__lte=as_of + timedelta(days=90),
            ends_on__gte=as_of - timedelta(days=365),
        )
        .filter(Q(renewed_by__isnull=True) | Q(renewed_by__starts_on__gt=as_of))
        .select_related("payer", "bpjs_office")
        .order_by("ends_on")
    )
    rows = []
    for agreement in found:
        days = (agreement.ends_on - as_of).days
        rows.append(
            [
                agreement.number,
                agreement.payer.name,
                agreement.bpjs_office.name,
                agreement.ends_on,
                days,
                "Berakhir, belum diperpanjang"
                if days < 0
                else ("Kurang dari 30 hari" if days <= 30 else "90 hari"),
            ]
        )
    report.figures.append(Figure("PKS berakhir dalam 90 hari", sum(1 for r in rows if r[4] >= 0), INT))
    report.tables.append(
        Table(
            key="PKS berakhir",
            title="Perjanjian kerja sama (PKS/MoU) yang akan atau sudah berakhir",
            columns=[
                Column("Nomor"),
                Column("Pembayar"),
                Column("Kantor BPJS"),
                Column("Berakhir", DATE),
                Column("Sisa hari", INT),
                Column("Keterangan"),
            ],
            rows=rows,
            empty="Tidak ada PKS yang berakhir dalam 90 hari.",
        )
    )


@section
def idle_money(report: MonevReport, context: Context) -> None:
    idle = idle_villages(
        context.user, context.programs, today=context.as_of, region=context.region, limit=ROWS_SHOWN
    )
    report.figures.append(Figure("Desa dengan dana mengendap", idle.total, INT))
    report.tables.append(
        Table(
            key="Dana mengendap",
            title="Desa dengan dana mengendap (diterima, belum dibayarkan ke BPJS)",
            columns=[
                Column("Desa/kelurahan"),
                Column("Kode"),
                Column("Program"),
                Column("Diterima", RUPIAH),
                Column("Dibayar", RUPIAH),
                Column("Terakhir diterima", DATE),
                Column("Hari mengendap", INT),
            ],
            rows=[
                [
                    v.village_name,
                    codes.dotted(v.village_code),
                    v.program.code,
                    v.received,
                    v.paid,
                    v.last_received_on,
                    v.idle_days,
                ]
                for v in idle.villages
            ],
            note=f"{len(idle.villages)} dari {idle.total} desa, yang paling lama mengendap."
            if idle.total > len(idle.villages)
            else "",
            empty="Tidak ada desa dengan dana mengendap.",
        )
    )


@section
def open_alerts(report: MonevReport, context: Context) -> None:
    """The alerts whose conditions held on the report's date, computed from the
    records as of then (the stored alerts are today's)."""
    found = conditions_on(context.user, context.as_of, region=context.region)
    urgent = sum(1 for c in found if c.draft.severity == Severity.DANGER)
    report.figures.append(Figure("Peringatan terbuka", len(found), INT, f"{urgent} mendesak"))
    report.tables.append(
        Table(
            key="Peringatan",
            title=f"Peringatan per {date_text(context.as_of)}",
            columns=[Column("Tingkat"), Column("Jenis"), Column("Peringatan"), Column("Wilayah")],
            rows=[
                [c.severity_label, kind_label(c.kind), c.draft.text_title, codes.dotted(c.draft.region_code)]
                for c in found[:ROWS_SHOWN]
            ],
            note=f"{ROWS_SHOWN} dari {len(found)} peringatan." if len(found) > ROWS_SHOWN else "",
            empty="Tidak ada peringatan pada tanggal ini.",
        )
    )
