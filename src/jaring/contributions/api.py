"""Contribution rates, the budget calculator and budget scenarios (mounted at the API root)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from jaring.access.permissions import can_edit_data
from jaring.api_input import Count, Date, Id, Income, Limit, Months, Percent, Year
from jaring.contributions import selectors, services
from jaring.contributions.planning import INCOME_DEFAULT
from jaring.contributions.vocab import FundingSource, Package
from jaring.guards import require
from jaring.i18n import N_

router = Router(tags=["Tarif iuran dan anggaran"])


class RateRuleOut(Schema):
    id: int
    component: str
    packages: list[str]
    sources: list[str]
    occupations: list[str]
    rate_bp: int | None
    amount_rupiah: int | None
    effective_from: datetime.date
    effective_to: datetime.date | None
    basis: str


class QuoteLineOut(Schema):
    component: str
    rupiah: int
    rule_id: int | None
    basis: str


class BudgetPlanQuery(Schema):
    people: Count
    months: Months
    package: str = Package.JKK_JKM.value
    income: Income = INCOME_DEFAULT
    source: str = FundingSource.APBD_KAB.value
    occupation: str | None = None
    date: Date | None = None


class BudgetPlanOut(Schema):
    people: int
    months: int
    monthly_per_person: int
    total_rupiah: int
    date: datetime.date
    package: str
    source: str
    occupation: str | None
    income: int
    components: list[QuoteLineOut]


class ScenarioIn(Schema):
    name: str
    region: str
    year: Year
    kind: str
    percent: Percent | None = None
    per_village: Count | None = None
    package: str = Package.JKK_JKM.value
    source: str = FundingSource.APBD_KAB.value
    months: Months = 12
    rate_date: Date | None = None
    income: Income = INCOME_DEFAULT


class ScenarioOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    year: int
    kind: str
    percent: int | None
    per_village: int | None
    package: str
    source: str
    months: int
    rate_date: datetime.date
    income: int
    monthly_per_person: int
    total_people: int
    total_rupiah: int
    created_at: datetime.datetime


class ScenarioLineOut(Schema):
    region_code: str
    region_name: str
    basis_count: int
    people: int
    monthly_per_person: int
    rupiah: int


class ScenarioDetailOut(ScenarioOut):
    components: list[QuoteLineOut]
    lines: list[ScenarioLineOut]


def _scenario(scenario, *, lines: bool = False) -> dict:
    data = {
        "id": scenario.pk,
        "name": scenario.name,
        "region_code": scenario.region_id,
        "region_name": scenario.region.name,
        "year": scenario.year,
        "kind": scenario.kind,
        "percent": scenario.percent,
        "per_village": scenario.per_village,
        "package": scenario.package,
        "source": scenario.source,
        "months": scenario.months,
        "rate_date": scenario.rate_date,
        "income": scenario.income,
        "monthly_per_person": scenario.monthly_per_person,
        "total_people": scenario.total_people,
        "total_rupiah": scenario.total_rupiah,
        "created_at": scenario.created_at,
    }
    if lines:
        data["components"] = scenario.rate_lines
        data["lines"] = [
            {
                "region_code": line.region_id,
                "region_name": line.region.name,
                "basis_count": line.basis_count,
                "people": line.people,
                "monthly_per_person": line.monthly_per_person,
                "rupiah": line.rupiah,
            }
            for line in selectors.scenario_lines(scenario)
        ]
    return data


@router.get("/rate-rules", response=list[RateRuleOut], summary="Aturan tarif iuran BPU (nasional)")
def list_rate_rules(request):
    return list(selectors.rate_rules())


@router.get(
    "/budget-plan",
    response=BudgetPlanOut,
    summary="Kalkulator anggaran: orang x bulan x iuran per orang per bulan",
)
def budget_plan(request, query: Query[BudgetPlanQuery]):
    on = query.date or timezone.localdate()
    plan = selectors.plan_total(
        people=query.people,
        months=query.months,
        on=on,
        package=query.package,
        source=query.source,
        occupation=query.occupation or None,
        income=query.income,
    )
    return {
        **plan.as_dict(),
        "date": on,
        "package": plan.quote.package,
        "source": plan.quote.source,
        "occupation": plan.quote.occupation,
        "income": plan.quote.income,
        "components": [
            {"component": ln.component, "rupiah": ln.rupiah, "rule_id": ln.rule_id, "basis": ln.basis}
            for ln in plan.quote.lines
        ],
    }


@router.get("/scenarios", response=list[ScenarioOut], summary="Skenario anggaran di wilayah kerja Anda")
def list_scenarios(request, year: Year | None = None, limit: Limit = 100):
    scenarios = selectors.scenarios_visible_to(request.user)
    if year is not None:
        scenarios = scenarios.filter(year=year)
    return [_scenario(s) for s in scenarios[:limit]]


@router.post("/scenarios", response={201: ScenarioDetailOut}, summary="Simpan skenario anggaran (dibekukan)")
def create_scenario(request, payload: ScenarioIn):
    require(can_edit_data(request.user), N_("Hanya operator dan admin yang dapat membuat skenario anggaran."))
    scenario = services.scenario_create(
        actor=request.user,
        name=payload.name,
        region_code=payload.region,
        year=payload.year,
        kind=payload.kind,
        percent=payload.percent,
        per_village=payload.per_village,
        package=payload.package,
        source=payload.source,
        months=payload.months,
        rate_date=payload.rate_date,
        income=payload.income,
    )
    return Status(201, _scenario(selectors.scenario_get(request.user, scenario.pk), lines=True))


@router.get("/scenarios/{int:scenario_id}", response=ScenarioDetailOut, summary="Satu skenario dan barisnya")
def get_scenario(request, scenario_id: Id):
    return _scenario(selectors.scenario_get(request.user, scenario_id), lines=True)
