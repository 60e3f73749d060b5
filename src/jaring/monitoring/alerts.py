"""Alert sources of coverage monitoring (see jaring.alerts.sources)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from jaring import codes
from jaring.access.scoping import region_subtree_q
from jaring.alerts.models import Severity
from jaring.alerts.sources import Draft, source
from jaring.billing.alerts import list_url, names_of
from jaring.billing.selectors import protection_counts_by_village
from jaring.formats import figures
from jaring.i18n import N_
from jaring.monitoring.coverage import Figure, percent_text, target_for, trajectory_pct
from jaring.monitoring.models import CoverageFigure, CoverageTarget, ProtectionSummary
from jaring.monitoring.summaries import last_refresh
from jaring.regions.models import Region

URGENT_POINTS = Decimal(5)  # behind the path by this many percentage points or more


@source("coverage_behind", N_("Cakupan di bawah lintasan target"))
def coverage_behind(today: date, region: str = "") -> Iterator[Draft]:
    """Provinces and regencies whose latest coverage lies below the straight path
    from the year's baseline to the year's target (own or inherited)."""
    history: dict[str, list[Figure]] = defaultdict(list)
    rows = (
        CoverageFigure.objects.filter(level__in=("province", "regency"), on__lte=today)
        .filter(region_subtree_q("region_id", region) if region else Q())
        .order_by("region_id", "on")
        .values_list("region_id", "on", "participants", "potential")
    )
    for code, on, participants, potential in rows:
        history[code].append(Figure(code=code, on=on, participants=participants, potential=potential))
    targets = {
        (code, year): pct
        for code, year, pct in CoverageTarget.objects.values_list("region_id", "year", "target_pct")
    }
    names = dict(Region.objects.filter(code__in=list(history)).values_list("code", "name"))
    for code, series in history.items():
        latest = series[-1]
        year = latest.on.year
        target = target_for(code, year, targets, codes.parent_of)
        if target is None:
            continue
        before = [f for f in series if f.on.year < year]
        baseline = before[-1] if before else series[0]
        expected = trajectory_pct(baseline=baseline, target=target, on=latest.on)
        actual = Decimal(percent_text(latest.participants, latest.potential))
        if actual >= expected:
            continue
        behind = expected - actual
        name = names.get(code, code)
        yield Draft(
            key=f"coverage_behind:{code}",
            region_code=code,
            severity=Severity.DANGER if behind >= URGENT_POINTS else Severity.WARNING,
            title=N_("Cakupan %(region)s %(actual)s di bawah lintasan target (%(expected)s)"),
            detail=N_("Per %(on)s; target %(target)s pada akhir %(year)s, tertinggal %(behind)s poin."),
            params={
                "region": name,
                "actual": figures.percent(actual),
                "expected": figures.percent(expected),
                "on": figures.day(latest.on),
                "target": figures.percent(target),
                "year": str(year),
                "behind": figures.decimal(behind),
            },
            url=reverse("coverage_dashboard")
            + "?"
            + urlencode({"wilayah": codes.dotted(code), "tanggal": latest.on.isoformat()}),
            count=None,
        )


@source("protection_lapsed", N_("Perlindungan berhenti"))
def protection_lapsed(today: date, region: str = "") -> Iterator[Draft]:
    """Villages with people whose membership lapsed (more than 3 months unpaid), from
    the kept protection summary when it was computed for that day (rebuilt by its own
    background task), else counted from the paid months as of the day."""
    last = last_refresh()
    if last is not None and last.on == today:
        rows = list(
            ProtectionSummary.objects.filter(level="village", lapsed__gt=0)
            .filter(region_subtree_q("region_code", region) if region else Q())
            .values_list("region_code", "lapsed")
        )
    else:
        rows = sorted(
            (village, counts["lapsed"])
            for village, counts in protection_counts_by_village(today, region=region).items()
            if counts.get("lapsed")
        )
    names = names_of(code for code, _n in rows)
    for village, people in rows:
        yield Draft(
            key=f"protection_lapsed:{village}",
            region_code=village,
            severity=Severity.WARNING,
            title=N_("%(people)s peserta di %(village)s berhenti terlindungi"),
            detail=N_(
                "Iuran lebih dari 3 bulan tidak dibayar: kepesertaan berakhir. Daftarkan dan bayar kembali."
            ),
            url=list_url("berhenti", village),
            count=people,
            params={"people": people, "village": names.get(village, village)},
        )
