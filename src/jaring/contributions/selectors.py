"""Reads of the contributions app: rates (national, for every signed-in user) and
budget scenarios and worker counts (always through the jurisdiction scope).

``monthly_contribution`` and ``plan_total`` are the interface other apps call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from jaring.access.scoping import get_visible_or_404, scope_to_jurisdiction
from jaring.contributions import planning, rates
from jaring.contributions.models import BudgetScenario, RateRule, ScenarioLine, VulnerableWorkerCount
from jaring.errors import InvalidInput
from jaring.i18n import N_
from jaring.regions.models import Region

COMPARE_MAX = 6


def rate_rules() -> QuerySet[RateRule]:
    """Every rule (a few dozen rows): rates are national, readable by every user."""
    return RateRule.objects.order_by("component", "effective_from", "id")


def as_rate_rule(rule: RateRule) -> rates.RateRule:
    return rates.RateRule(
        id=rule.pk,
        component=rule.component,
        effective_from=rule.effective_from,
        effective_to=rule.effective_to,
        packages=frozenset(rule.packages),
        sources=frozenset(rule.sources),
        occupations=frozenset(rule.occupations),
        rate_bp=rule.rate_bp,
        amount=rule.amount_rupiah,
        basis=rule.basis,
    )


def rate_rule_in_use(rule: RateRule, *, today: date | None = None) -> bool:
    """A rule is in use once it has been in force or has priced a saved scenario;
    from then on it is only ended, never edited."""
    today = today or timezone.localdate()
    return rule.effective_from <= today or rule.scenarios.exists()


def monthly_contribution(
    *,
    on: date,
    package: str,
    source: str,
    occupation: str | None = None,
    income: int = planning.INCOME_DEFAULT,
) -> rates.Quote:
    """The monthly contribution of one person on ``on`` under the rule table.

    Raises ``rates.RateMissing`` (code ``rate_missing``) when no rule covers the date,
    ``InvalidInput`` for an unknown package or source or a non-positive income.
    """
    return rates.quote_monthly(
        rate_table(), on=on, package=package, source=source, occupation=occupation, income=income
    )


def rate_table() -> list[rates.RateRule]:
    """The whole rule table as pure rules (one query). For many quotes at once, load it
    once and call ``rates.quote_monthly(table, ...)`` for each case."""
    return [as_rate_rule(r) for r in RateRule.objects.all()]


@dataclass(frozen=True)
class BudgetPlan:
    people: int
    months: int
    quote: rates.Quote

    @property
    def monthly_per_person(self) -> int:
        return self.quote.total

    @property
    def total_rupiah(self) -> int:
        return planning.budget_rupiah(
            people=self.people, months=self.months, monthly_per_person=self.monthly_per_person
        )

    def as_dict(self) -> dict:
        return {
            "people": self.people,
            "months": self.months,
            "monthly_per_person": self.monthly_per_person,
            "total_rupiah": self.total_rupiah,
        }


def plan_total(
    *,
    people: int,
    months: int,
    on: date,
    package: str,
    source: str,
    occupation: str | None = None,
    income: int = planning.INCOME_DEFAULT,
) -> BudgetPlan:
    """people x months x the monthly contribution on ``on`` (whole rupiah)."""
    planning.check_people(people)
    planning.check_months(months)
    quote = monthly_contribution(on=on, package=package, source=source, occupation=occupation, income=income)
    return BudgetPlan(people=people, months=months, quote=quote)


def worker_counts_visible_to(user) -> QuerySet[VulnerableWorkerCount]:
    counts = VulnerableWorkerCount.objects.select_related("region", "region__parent")
    return scope_to_jurisdiction(counts, user, field="region_id")


def scenarios_visible_to(user) -> QuerySet[BudgetScenario]:
    """Scenarios whose region lies in the user's jurisdiction."""
    scenarios = BudgetScenario.objects.select_related("region", "created_by")
    return scope_to_jurisdiction(scenarios, user, field="region_id")


def scenario_get(user, pk: int) -> BudgetScenario:
    return get_visible_or_404(
        BudgetScenario.objects.select_related("region", "created_by"), user, field="region_id", pk=pk
    )


def scenario_lines(scenario: BudgetScenario) -> QuerySet[ScenarioLine]:
    return scenario.lines.select_related("region").order_by("region_id")


def regencies_of(region: Region) -> QuerySet[Region]:
    """The regencies and cities a scenario for ``region`` (province or regency) covers."""
    if region.level == "regency":
        return Region.objects.filter(code=region.code)
    return Region.objects.filter(level="regency", parent_id=region.code).order_by("code")


@dataclass(frozen=True)
class ComparisonRow:
    region: Region
    cells: list[ScenarioLine | None]  # one per scenario, None where it does not cover the regency


@dataclass(frozen=True)
class Comparison:
    scenarios: list[BudgetScenario]
    rows: list[ComparisonRow]


def scenarios_compare(user, ids: list[int]) -> Comparison:
    """Two or more visible scenarios side by side, per regency (a scenario outside the
    jurisdiction is a 404, like any lookup)."""
    ids = list(dict.fromkeys(ids))
    if not 2 <= len(ids) <= COMPARE_MAX:
        raise InvalidInput(
            N_("Pilih 2 sampai %(max)s skenario untuk dibandingkan."),
            params={"max": COMPARE_MAX},
            code="compare_count",
            field="s",
        )
    scenarios = [scenario_get(user, pk) for pk in ids]
    lines = ScenarioLine.objects.filter(scenario_id__in=ids).select_related("region")
    by_cell = {(line.scenario_id, line.region_id): line for line in lines}
    regions = {line.region_id: line.region for line in by_cell.values()}
    rows = [
        ComparisonRow(region=regions[code], cells=[by_cell.get((s.pk, code)) for s in scenarios])
        for code in sorted(regions)
    ]
    return Comparison(scenarios=scenarios, rows=rows)


def regencies_visible_to(user) -> QuerySet[Region]:
    """Regencies and cities in the user's jurisdiction (worker counts are entered for these)."""
    regions = Region.objects.filter(level="regency")
    return scope_to_jurisdiction(regions, user, field="code").order_by("code")


def scenario_regions_for(user) -> QuerySet[Region]:
    """Provinces and regencies a user may plan for (the create form's choices)."""
    regions = Region.objects.filter(Q(level="province") | Q(level="regency"))
    return scope_to_jurisdiction(regions, user, field="code").order_by("code")
