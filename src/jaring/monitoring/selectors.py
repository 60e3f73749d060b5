"""Reads of coverage figures, always through the jurisdiction scope
(jaring.access.scoping). Dashboards read the stored figures (BPJS and BPS
aggregates imported per region and date), never the participant registry, and
each read is one grouped query per table whatever the number of regions.

A region's figure on a date is the latest on or before that date: its own, or the
sum of its children's (see ``coverage.resolve``); targets are read with the
regions that contain the jurisdiction (a regency inherits its province's target).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache, reduce
from operator import or_

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jaring import codes
from jaring.access.scoping import (
    jurisdiction_of,
    region_subtree_q,
    scope_to_jurisdiction,
    scope_to_jurisdiction_or_own,
    scope_to_overlap_or_own,
)
from jaring.contributions.rates import RateMissing
from jaring.contributions.selectors import monthly_contribution
from jaring.contributions.vocab import FundingSource, Package
from jaring.i18n import N_
from jaring.monitoring import coverage, maps, scoring
from jaring.monitoring.coverage import CoverageLine, Figure
from jaring.monitoring.models import CoverageFigure, CoverageImport, CoverageTarget
from jaring.regions.boundaries import regency_boundaries
from jaring.regions.models import Region
from jaring.regions.selectors import region_breadcrumb, region_get

LEVEL_NAMES = {
    "province": _("Provinsi"),
    "regency": _("Kabupaten/kota"),
    "district": _("Kecamatan"),
    "village": _("Desa/kelurahan"),
}
TREND_MONTHS = 24


def _child_level(level: str) -> str | None:
    index = codes.LEVEL_ORDER.index(codes.Level(level))
    return codes.LEVEL_ORDER[index + 1].value if index + 1 < len(codes.LEVEL_ORDER) else None


def _figure(row) -> Figure:
    code, on, participants, potential = row
    return Figure(code=code, on=on, participants=participants, potential=potential)


def _latest_rows(user, condition: Q, on: date) -> list[Figure]:
    """Each region's latest figure on or before ``on`` among the rows ``condition``
    selects, in the user's jurisdiction: one query."""
    found = scope_to_jurisdiction(
        CoverageFigure.objects.filter(condition, on__lte=on), user, field="region_id"
    )
    columns = ("region_id", "on", "participants", "potential")
    if connection.vendor == "postgresql":
        # DISTINCT ON: one sorted pass instead of an index probe per row (tested on
        # PostgreSQL in CI; the portable form below gives the same rows).
        rows = found.order_by("region_id", "-on").distinct("region_id").values_list(*columns)
    else:
        newest = (
            CoverageFigure.objects.filter(region_id=OuterRef("region_id"), on__lte=on)
            .order_by("-on")
            .values("on")[:1]
        )
        rows = found.filter(on=Subquery(newest)).values_list(*columns).order_by()
    return [_figure(row) for row in rows]


def _levels_q(root: str, levels: Iterable[str | None]) -> Q:
    wanted = [level for level in levels if level]
    return region_subtree_q("region_id", root) & Q(level__in=wanted)


def _targets(user, region_codes: Iterable[str], years: Iterable[int]) -> dict[tuple[str, int], Decimal]:
    """Targets of the regions and of every region above them (to inherit from). A
    target is a policy figure, so a regency reads its province's target through the
    overlap scope, as it reads a province program."""
    wanted = set()
    for code in region_codes:
        wanted.add(code)
        wanted.update(codes.ancestors_of(code))
    years = sorted(set(years))
    if not wanted or not years:
        return {}
    found = scope_to_overlap_or_own(
        CoverageTarget.objects.filter(region_id__in=sorted(wanted), year__in=years), user, field="region_id"
    )
    return {(code, year): pct for code, year, pct in found.values_list("region_id", "year", "target_pct")}


class _Rates:
    """JKK+JKM per month for an APBD payer, from the rule table, once per date."""

    def __init__(self) -> None:
        self._by_date: dict[date, int | None] = {}
        self.missing: list[date] = []

    def monthly(self, on: date) -> int | None:
        if on not in self._by_date:
            try:
                quote = monthly_contribution(on=on, package=Package.JKK_JKM, source=FundingSource.APBD_PROV)
            except RateMissing:
                self._by_date[on] = None
                self.missing.append(on)
            else:
                self._by_date[on] = quote.total
        return self._by_date[on]


@dataclass
class CoverageReport:
    """Coverage of a region (or of the whole jurisdiction) and of its children on a date."""

    on: date
    region: Region | None  # None: the jurisdiction's top regions together
    label: str
    child_level: str | None
    line: CoverageLine | None
    children: list[CoverageLine]  # with data, highest coverage first
    children_without_data: list[Region]
    notes: list[str] = field(default_factory=list)
    breadcrumb: list[Region] = field(default_factory=list)
    child_count: int = 0
    fetched: dict[str, Figure] = field(default_factory=dict)  # every region's own latest figure read

    @property
    def code(self) -> str:
        return self.region.code if self.region else ""

    @property
    def province_codes(self) -> tuple[str, ...]:
        """The provinces the view touches (for its map)."""
        if self.region is not None:
            return (self.region.code[:2],)
        return tuple(
            sorted(
                {line.region[:2] for line in self.children} | {r.code[:2] for r in self.children_without_data}
            )
        )

    def as_dict(self) -> dict:
        """The JSON of ``jaring coverage --json`` and ``GET /api/v1/coverage``; "notes"
        only when there is something to say (see README)."""
        if self.line is None:
            data = {
                "region": self.code,
                "date": None,
                "participants": None,
                "potential": None,
                "coverage_pct": None,
                "target_pct": None,
                "target_participants": None,
                "gap_participants": None,
                "gap_budget_rupiah": None,
            }
        else:
            data = self.line.as_dict()
        data["children"] = [child.as_dict() for child in self.children]
        if self.notes:
            data["notes"] = list(self.notes)
        return data


def default_region(user) -> Region | None:
    """The region a user's dashboard opens on: the one region of the jurisdiction, or
    None (several regions, or all Indonesia) for the jurisdiction's top regions together."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted or len(jurisdiction.codes) != 1:
        return None
    return Region.objects.filter(code=jurisdiction.codes[0]).first()


def report_region(user, raw_code: str | None) -> Region | None:
    """The region asked for (a 404 outside the jurisdiction), or the default."""
    if raw_code:
        return region_get(user, raw_code)
    if jurisdiction_of(user).is_empty:
        raise Http404
    return default_region(user)


def _top_regions(user) -> list[Region]:
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted:
        return list(Region.objects.filter(level=codes.Level.PROVINCE).order_by("code"))
    return list(Region.objects.filter(code__in=jurisdiction.codes).order_by("code"))


def coverage_report(user, region: Region | None, on: date) -> CoverageReport:
    """Coverage of ``region`` (None: the jurisdiction's top regions together) and of
    each of its children on ``on``, with targets, gaps and notes. Four queries
    (children, figures, targets, rates) whatever the number of regions."""
    if region is not None:
        children = list(Region.objects.filter(parent=region).order_by("code"))
        child_level = _child_level(region.level)
        condition = _levels_q(
            region.code, [region.level, child_level, child_level and _child_level(child_level)]
        )
        label = f"{region.get_level_display()} {region.name}" if region.level != "province" else region.name
    else:
        children = _top_regions(user)
        levels = {r.level for r in children}
        child_level = children[0].level if len(levels) == 1 else None
        if jurisdiction_of(user).unrestricted:
            condition = Q(level__in=[codes.Level.PROVINCE.value, codes.Level.REGENCY.value])
        else:
            condition = reduce(
                or_, (_levels_q(r.code, [r.level, _child_level(r.level)]) for r in children), Q(pk__in=[])
            )
        label = N_("Seluruh Indonesia") if jurisdiction_of(user).unrestricted else N_("Wilayah kerja")
    figures = {f.code: f for f in _latest_rows(user, condition, on)}
    below: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures.values():
        parent = codes.parent_of(figure.code)
        if parent:
            below[parent].append(figure)

    notes: list[str] = []
    child_figures: dict[str, Figure] = {}
    for child in children:
        resolved = coverage.resolve(
            code=child.code,
            label=child.name,
            given=figures.get(child.code),
            children=below.get(child.code, []),
            same_day_children=[
                f
                for f in below.get(child.code, [])
                if child.code in figures and f.on == figures[child.code].on
            ],
        )
        if resolved.figure is not None:
            child_figures[child.code] = resolved.figure
        notes.extend(n for n in resolved.notes if "berbeda dari jumlah" in n)

    own = None
    if region is not None:
        resolved = coverage.resolve(
            code=region.code,
            label=region.name,
            given=figures.get(region.code),
            children=list(child_figures.values()),
            children_total=len(children),
            same_day_children=[
                f
                for f in child_figures.values()
                if region.code in figures and f.on == figures[region.code].on
            ],
        )
        own = resolved.figure
        notes = list(resolved.notes) + notes
    else:
        own = coverage.derive("", child_figures.values())

    years = {f.on.year for f in child_figures.values()} | ({own.on.year} if own else set())
    targets = _targets(user, ([region.code] if region else []) + list(child_figures), years)
    rates = _Rates()

    def line(code: str, figure: Figure, name: str) -> CoverageLine:
        target = coverage.target_for(code, figure.on.year, targets, codes.parent_of) if code else None
        return CoverageLine(
            region=code, figure=figure, target=target, monthly_per_person=rates.monthly(figure.on), name=name
        )

    names = {r.code: r.name for r in children}
    child_lines = coverage.ranked(line(code, f, names[code]) for code, f in child_figures.items())
    own_line = line(region.code if region else "", own, label) if own is not None else None
    for missing in rates.missing:
        notes.append(
            f"Belum ada tarif JKK+JKM untuk pembayar APBD pada {missing:%d/%m/%Y}: kebutuhan anggaran "
            "tidak dapat dihitung."
        )
    return CoverageReport(
        on=on,
        region=region,
        label=label,
        child_level=child_level,
        line=own_line,
        children=child_lines,
        children_without_data=[r for r in children if r.code not in child_figures],
        notes=notes,
        breadcrumb=region_breadcrumb(region) if region is not None else [],
        child_count=len(children),
        fetched=figures,
    )


# -- trend ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    on: date
    participants: int
    potential: int
    coverage_pct: str | None
    target_pct: str | None


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


def coverage_trend(user, report: CoverageReport, *, months: int = TREND_MONTHS) -> list[TrendPoint]:
    """Coverage month by month up to the report's date (the last figure of each month):
    the region's own figures, or the sum of its children's. Two queries."""
    start = _months_before(report.on, months - 1)
    if report.region is not None:
        subjects = [report.region.code]
    else:
        subjects = sorted(
            {line.region for line in report.children} | {r.code for r in report.children_without_data}
        )
    if not subjects:
        return []

    def read(condition: Q) -> None:
        rows = scope_to_jurisdiction(
            CoverageFigure.objects.filter(condition, on__gte=start, on__lte=report.on),
            user,
            field="region_id",
        ).values_list("region_id", "on", "participants", "potential")
        for row in rows.order_by("region_id", "on"):
            history[row[0]].append(_figure(row))

    # The subjects' own figures; the regions below only for subjects that have none.
    history: dict[str, list[Figure]] = defaultdict(list)
    read(Q(region_id__in=subjects))
    lacking = [code for code in subjects if code not in history]
    if lacking:
        read(
            reduce(
                or_,
                (
                    region_subtree_q("region_id", code) & Q(level=child)
                    for code in lacking
                    if (child := _child_level(codes.level_of(code).value))
                ),
                Q(pk__in=[]),
            )
        )
    if not history:
        return []
    last_of_month: dict[tuple[int, int], date] = {}
    for figure_list in history.values():
        for figure in figure_list:
            key = (figure.on.year, figure.on.month)
            last_of_month[key] = max(last_of_month.get(key, figure.on), figure.on)

    days_of = {code: [f.on for f in figures] for code, figures in history.items()}

    def latest(code: str, day: date) -> Figure | None:
        index = bisect_right(days_of.get(code, []), day)
        return history[code][index - 1] if index else None

    children_of: dict[str, list[str]] = defaultdict(list)
    for code in history:
        parent = codes.parent_of(code)
        if parent:
            children_of[parent].append(code)
    targets = _targets(user, subjects, {day.year for day in last_of_month.values()})
    points = []
    for day in sorted(last_of_month.values()):
        parts = []
        for subject in subjects:
            below = [f for c in children_of.get(subject, []) if (f := latest(c, day)) is not None]
            resolved = coverage.resolve(code=subject, label="", given=latest(subject, day), children=below)
            if resolved.figure is not None:
                parts.append(resolved.figure)
        total = coverage.derive("", parts)
        if total is None:
            continue
        target = (
            coverage.target_for(subjects[0], day.year, targets, codes.parent_of)
            if len(subjects) == 1
            else None
        )
        points.append(
            TrendPoint(
                on=day,
                participants=total.participants,
                potential=total.potential,
                coverage_pct=total.coverage_pct,
                target_pct=coverage.target_text(target),
            )
        )
    return points


# -- map -------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def projected_regencies(provinces: tuple[str, ...]) -> maps.ProjectedMap:
    """The regencies of ``provinces`` (empty: all Indonesia) projected once per process."""
    if not provinces:
        features = regency_boundaries()["features"]
    else:
        features = [f for p in provinces for f in regency_boundaries(p)["features"]]
    # A national map is thinned harder: 514 regencies in the same 640 pixels.
    return maps.project(features, min_step=2.0 if len(provinces) != 1 else 0.5)


def regency_lines(user, report: CoverageReport) -> dict[str, CoverageLine]:
    """Coverage of every regency on the report's map: the report's children when it is a
    province, otherwise the regencies' own figures (one query)."""
    if report.region is not None and report.region.level == "province":
        return {line.region: line for line in report.children}
    if report.region is None and report.child_level == "regency":
        return {line.region: line for line in report.children}
    if report.region is None and report.child_level == "province":  # regencies were read with them
        return {
            code: CoverageLine(region=code, figure=figure, target=None, monthly_per_person=None)
            for code, figure in report.fetched.items()
            if len(code) == 4
        }
    provinces = report.province_codes
    if jurisdiction_of(user).unrestricted and report.region is None:
        condition = Q(level="regency")
    else:
        condition = reduce(or_, (region_subtree_q("region_id", p) for p in provinces), Q(pk__in=[])) & Q(
            level="regency"
        )
    return {
        f.code: CoverageLine(region=f.code, figure=f, target=None, monthly_per_person=None)
        for f in _latest_rows(user, condition, report.on)
    }


@dataclass(frozen=True)
class MapLegendItem:
    css_class: str
    fill: str
    label: str


@dataclass(frozen=True)
class CoverageMap:
    svg: str
    scale: maps.Scale
    legend: list[MapLegendItem]
    caption: str


def coverage_map(
    user,
    report: CoverageReport,
    *,
    mode: str,
    link: callable,
    funnel_shares: dict[str, Decimal] | None = None,
    caption: str = "",
    labels: dict[str, str] | None = None,
) -> CoverageMap | None:
    """The regency choropleth of the report's provinces, coloured by coverage or by the
    share of program money that reached village accounts (``funnel_shares``).
    ``link(code)`` gives a regency's drill-down URL; ``labels`` (code -> text) are drawn
    on the regencies (the monev PDF numbers them for its key)."""
    jurisdiction = jurisdiction_of(user)
    provinces = () if (jurisdiction.unrestricted and report.region is None) else report.province_codes
    if not provinces and not jurisdiction.unrestricted:
        return None
    projected = projected_regencies(provinces)
    if not projected.shapes:
        return None
    scale = maps.SCALES.get(mode, maps.COVERAGE)
    lines = regency_lines(user, report) if scale is maps.COVERAGE else {}
    paints = {}
    for shape in projected.shapes:
        if not jurisdiction.contains(shape.code):
            paints[shape.code] = maps.Paint(
                maps.OUTSIDE.css_class, maps.OUTSIDE.fill, f"{shape.name}: di luar wilayah kerja Anda"
            )
            continue
        if scale is maps.COVERAGE:
            line = lines.get(shape.code)
            value = None if line is None else coverage.percent_value(line.coverage_pct)
            detail = (
                "belum ada data"
                if line is None
                else f"cakupan {line.coverage_pct.replace('.', ',')}% "
                f"({coverage.format_people(line.figure.participants)} / "
                f"{coverage.format_people(line.figure.potential)})"
            )
        else:
            value = (funnel_shares or {}).get(shape.code)
            detail = (
                "belum ada alokasi dana program"
                if value is None
                else f"{str(value).replace('.', ',')}% dana sampai di rekening desa"
            )
        chosen = scale.bin_for(value) or maps.NO_DATA
        paints[shape.code] = maps.Paint(
            chosen.css_class, chosen.fill, f"{shape.name}: {detail}", link(shape.code)
        )
    title = f"Peta {scale.title.lower()} per kabupaten/kota"
    svg = maps.render_svg(
        projected,
        paints,
        title=title,
        default=maps.Paint(maps.NO_DATA.css_class, maps.NO_DATA.fill, ""),
        highlight=report.region.code[:4]
        if report.region is not None and len(report.region.code) >= 4
        else None,
        labels=labels,
    )
    legend = [MapLegendItem(b.css_class, b.fill, b.label) for b in (*scale.bins, maps.NO_DATA)]
    if any(p.css_class == maps.OUTSIDE.css_class for p in paints.values()):
        legend.append(MapLegendItem(maps.OUTSIDE.css_class, maps.OUTSIDE.fill, maps.OUTSIDE.label))
    return CoverageMap(svg=svg, scale=scale, legend=legend, caption=caption)


# -- imports ---------------------------------------------------------------------------


def imports_visible_to(user) -> QuerySet[CoverageImport]:
    """Imports whose rows lie in the user's jurisdiction, and those of the user's organization."""
    return scope_to_jurisdiction_or_own(
        CoverageImport.objects.select_related("imported_by", "organization"),
        user,
        field="region_code",
        organization_field="organization_id",
    ).order_by("-imported_at", "-id")


def latest_figure_date(user) -> date | None:
    found = scope_to_jurisdiction(CoverageFigure.objects.all(), user, field="region_id")
    return found.order_by("-on").values_list("on", flat=True).first()


def months_ago(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


# -- scorecard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    region: Region
    rank: int
    components: scoring.Components
    agreements: list[str]  # numbers of the agreements in force covering the regency
    committed_rupiah: int
    gap_budget_rupiah: int | None
    allocated: int
    to_village: int
    to_bpjs: int
    coverage: CoverageLine | None
    growth_points: str | None
    growth_since: date | None

    @property
    def total(self) -> Decimal:
        return self.components.total

    def share(self, amount: int) -> str | None:
        return coverage.percent_text(amount, self.allocated) if self.allocated else None

    @property
    def village_share(self) -> str | None:
        return self.share(self.to_village)

    @property
    def bpjs_share(self) -> str | None:
        return self.share(self.to_bpjs)

    def as_dict(self) -> dict:
        c = self.components
        line = self.coverage
        return {
            "rank": self.rank,
            "region": self.region.code,
            "name": self.region.name,
            "total": str(self.total),
            "policy": {
                "score": str(c.policy),
                "agreements_in_force": self.agreements,
                "budget_committed_rupiah": self.committed_rupiah,
                "gap_budget_rupiah": self.gap_budget_rupiah,
            },
            "money": {
                "score": None if c.money is None else str(c.money),
                "allocated_rupiah": self.allocated,
                "to_village_rupiah": self.to_village,
                "to_bpjs_rupiah": self.to_bpjs,
                "to_village_pct": self.village_share,
                "to_bpjs_pct": self.bpjs_share,
            },
            "coverage": {
                "score": None if c.coverage is None else str(c.coverage),
                "date": line.figure.on.isoformat() if line else None,
                "coverage_pct": line.coverage_pct if line else None,
                "target_pct": line.target_pct if line else None,
            },
            "growth": {
                "score": None if c.growth is None else str(c.growth),
                "points": self.growth_points,
                "since": self.growth_since.isoformat() if self.growth_since else None,
            },
        }


@dataclass
class Scorecard:
    province: Region | None
    year: int
    on: date
    rows: list[ScoreRow]
    provinces: list[Region]  # the provinces the user may choose between

    def as_dict(self) -> dict:
        return {
            "region": self.province.code if self.province else "",
            "year": self.year,
            "date": self.on.isoformat(),
            "weights": {name: str(weight) for name, weight in scoring.WEIGHTS.items()},
            "rows": [row.as_dict() for row in self.rows],
        }


def scorecard_provinces(user) -> list[Region]:
    """Provinces a user can rank regencies in: those holding part of the jurisdiction."""
    jurisdiction = jurisdiction_of(user)
    provinces = Region.objects.filter(level=codes.Level.PROVINCE).order_by("code")
    if jurisdiction.unrestricted:
        return list(provinces)
    return list(provinces.filter(code__in={code[:2] for code in jurisdiction.codes}))


def money_year(programs: QuerySet, year: int) -> int:
    """``year`` when programs exist for it, otherwise the latest earlier fiscal year
    with programs (a monev meeting early in a year looks at last year's money)."""
    years = set(programs.values_list("fiscal_year", flat=True).distinct())
    if year in years or not years:
        return year
    earlier = [y for y in years if y < year]
    return max(earlier) if earlier else year


def _agreement_coverage(user, on: date) -> dict[int, list[str]]:
    """Program id -> numbers of agreements in force on ``on`` covering it. A renewal
    covers the programs of the agreement it renews."""
    from jaring.programs.selectors import agreements_visible_to

    agreements = {a.pk: a for a in agreements_visible_to(user).prefetch_related("programs")}
    covered: dict[int, list[str]] = defaultdict(list)
    for agreement in agreements.values():
        if not agreement.starts_on <= on <= agreement.ends_on:
            continue
        chain, seen = agreement, set()
        while chain is not None and chain.pk not in seen:
            seen.add(chain.pk)
            for program in chain.programs.all():
                covered[program.pk].append(agreement.number)
            chain = agreements.get(chain.renews_id) if chain.renews_id else None
    return covered


def _covers(target: str, regency: str) -> bool:
    return regency.startswith(target) or target.startswith(regency)


def scorecard(user, *, province_code: str | None, year: int | None, on: date) -> Scorecard:
    """Rank the regencies of a province (those in the user's jurisdiction) by policy,
    money, coverage and growth (see ``scoring``)."""
    from jaring.funds.selectors import allocations_visible_to, funnel_report
    from jaring.programs.models import Program
    from jaring.programs.selectors import programs_visible_to

    provinces = scorecard_provinces(user)
    if province_code:
        code = codes.try_normalize(province_code)
        province = next((p for p in provinces if p.code == code), None)
        if province is None:
            raise Http404
    elif jurisdiction_of(user).unrestricted:
        first = (
            CoverageFigure.objects.filter(level="regency")
            .order_by("region_id")
            .values_list("region_id", flat=True)
            .first()
        )
        province = next(
            (p for p in provinces if first and p.code == first[:2]), provinces[0] if provinces else None
        )
    else:
        province = provinces[0] if provinces else None
    visible_programs = programs_visible_to(user)
    year = money_year(visible_programs, year or on.year)
    if province is None:
        return Scorecard(None, year, on, [], provinces)
    regencies = list(
        scope_to_jurisdiction(
            Region.objects.filter(parent_id=province.code, level="regency"), user, field="code"
        ).order_by("code")
    )
    if not regencies:
        return Scorecard(province, year, on, [], provinces)

    # Coverage now, through the same resolution as the dashboard (regency figures or
    # the sum of their districts), with targets inherited from the province.
    region = province if jurisdiction_of(user).contains(province.code) else None
    report = coverage_report(user, region, on)  # region None: the jurisdiction's own regencies
    lines = {line.region: line for line in report.children}

    # Growth: each regency's own figures, 12 months before its latest (or its earliest).
    history: dict[str, list[Figure]] = defaultdict(list)
    rows = scope_to_jurisdiction(
        CoverageFigure.objects.filter(
            region_subtree_q("region_id", province.code), level="regency", on__lte=on
        ),
        user,
        field="region_id",
    ).values_list("region_id", "on", "participants", "potential")
    for row in rows.order_by("region_id", "on"):
        history[row[0]].append(_figure(row))

    # Policy: agreements in force covering the regency, budget committed this year.
    program_regions: dict[int, list[str]] = defaultdict(list)
    year_programs = list(visible_programs.filter(fiscal_year=year))
    in_force = _agreement_coverage(user, on)
    through = Program.target_regions.through.objects.filter(
        program_id__in={p.pk for p in year_programs} | set(in_force)
    ).values_list("program_id", "region_id")
    for program_id, region_code in through:
        program_regions[program_id].append(region_code)
    allocated_to: dict[tuple[int, str], int] = {
        (pid, code): amount
        for pid, code, amount in allocations_visible_to(user)
        .filter(program__in=year_programs, region_id__in=[r.code for r in regencies])
        .values_list("program_id", "region_id", "amount")
    }
    funnels = {
        code: funnel
        for code, _name, funnel in funnel_report(user, year_programs, region=province.code).regencies
    }

    built = []
    for regency in regencies:
        agreements = sorted(
            {
                number
                for pid, numbers in in_force.items()
                if any(_covers(target, regency.code) for target in program_regions.get(pid, []))
                for number in numbers
            }
        )
        committed = 0
        for program in year_programs:
            if (program.pk, regency.code) in allocated_to:
                committed += allocated_to[(program.pk, regency.code)]
            elif program_regions.get(program.pk) and all(
                t.startswith(regency.code) for t in program_regions[program.pk]
            ):
                committed += program.budget_ceiling
        line = lines.get(regency.code)
        funnel = funnels.get(regency.code)
        allocated = funnel.allocated if funnel else 0
        to_village = funnel.to_village if funnel else 0
        to_bpjs = funnel.to_bpjs if funnel else 0
        figures = history.get(regency.code, [])
        now = figures[-1] if figures else None
        before = None
        if now is not None:
            cutoff = months_ago(now.on, 12)
            earlier = [f for f in figures if f.on <= cutoff]
            before = earlier[-1] if earlier else (figures[0] if figures[0] is not now else None)
        growth = coverage.growth_points(now, before)
        components = scoring.Components(
            policy=scoring.policy_score(
                agreement_in_force=bool(agreements),
                committed=committed,
                gap_budget=line.gap_budget_rupiah if line else None,
            ),
            money=scoring.money_score(allocated=allocated, to_village=to_village, to_bpjs=to_bpjs),
            coverage=scoring.coverage_score(
                coverage_pct=line.coverage_pct if line else None, target_pct=line.target_pct if line else None
            ),
            growth=scoring.growth_score(growth),
        )
        built.append(
            (
                regency,
                components,
                agreements,
                committed,
                line,
                allocated,
                to_village,
                to_bpjs,
                growth,
                before.on if before else None,
            )
        )
    built.sort(key=lambda item: (-item[1].total, item[0].code))
    rows_out = [
        ScoreRow(
            region=regency,
            rank=rank,
            components=components,
            agreements=agreements,
            committed_rupiah=committed,
            gap_budget_rupiah=line.gap_budget_rupiah if line else None,
            allocated=allocated,
            to_village=to_village,
            to_bpjs=to_bpjs,
            coverage=line,
            growth_points=growth,
            growth_since=since,
        )
        for rank, (
            regency,
            components,
            agreements,
            committed,
            line,
            allocated,
            to_village,
            to_bpjs,
            growth,
            since,
        ) in enumerate(built, start=1)
    ]
    return Scorecard(province, year, on, rows_out, provinces)
