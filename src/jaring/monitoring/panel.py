"""The Jaring-programs panel of the dashboard: people protected by the programs (from
the kept summary), the programs' money, benefits paid and open alerts, for the region
shown or the user's whole jurisdiction. A few grouped reads of small tables; never a
scan of the registry or the paid months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from jaring.access.scoping import jurisdiction_of
from jaring.alerts.models import Severity
from jaring.alerts.selectors import inbox
from jaring.claims.selectors import BenefitTotals, benefits_paid
from jaring.funds.selectors import Funnel, funnel_report
from jaring.monitoring import summaries
from jaring.monitoring.models import SummaryRefresh
from jaring.monitoring.selectors import money_year
from jaring.programs.selectors import programs_visible_to
from jaring.regions.models import Region


@dataclass(frozen=True)
class ProgramsPanel:
    protected: summaries.Protected
    refreshed: SummaryRefresh | None
    funnel: Funnel
    money_year: int
    benefits: BenefitTotals
    benefits_year: int
    alerts_open: int
    alerts_urgent: int


def programs_panel(
    user, region: Region | None, on: date, *, refreshed: SummaryRefresh | None
) -> ProgramsPanel:
    code = region.code if region is not None else ""
    programs = programs_visible_to(user)
    year = money_year(programs, on.year)
    funnel = funnel_report(user, programs.filter(fiscal_year=year), region=code, until=on).total
    roots = (
        [code]
        if code
        else ([""] if jurisdiction_of(user).unrestricted else list(jurisdiction_of(user).codes))
    )
    benefits = BenefitTotals()
    for root in roots:
        paid = benefits_paid(root, date(on.year, 1, 1), on).totals
        benefits = BenefitTotals(
            **{name: getattr(benefits, name) + getattr(paid, name) for name in benefits.as_dict()}
        )
    alerts = (
        inbox(user, status="semua", region=code)
        .filter(resolved_at__isnull=True)
        .aggregate(open=Count("id"), urgent=Count("id", filter=Q(severity=Severity.DANGER)))
    )
    return ProgramsPanel(
        protected=summaries.protected_in(user, code or None),
        refreshed=refreshed,
        funnel=funnel,
        money_year=year,
        benefits=benefits,
        benefits_year=on.year,
        alerts_open=alerts["open"],
        alerts_urgent=alerts["urgent"],
    )
