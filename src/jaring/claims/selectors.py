"""Reads of claims and benefits, always through the jurisdiction scope
(jaring.access.scoping), and the benefit rule tables (national, readable by everyone).

``benefits_paid`` is the interface other apps (dashboards) call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.shortcuts import get_object_or_404

from jaring import codes
from jaring.access.permissions import sees_full_nik
from jaring.access.scoping import jurisdiction_of, region_subtree_q, scope_to_jurisdiction
from jaring.billing.models import Refund
from jaring.claims import benefits, workflow
from jaring.claims.models import (
    BenefitRule,
    Claim,
    ClaimDocument,
    ClaimStatus,
    DocumentKind,
    ScholarshipLevel,
)
from jaring.errors import InvalidInput
from jaring.i18n import N_
from jaring.regions.models import Region

# --- rule tables ----------------------------------------------------------------------


def as_benefit_rule(rule: BenefitRule) -> benefits.BenefitRule:
    return benefits.BenefitRule(
        id=rule.pk,
        kind=rule.kind,
        component=rule.component,
        calculation=rule.calculation,
        effective_from=rule.effective_from,
        effective_to=rule.effective_to,
        amount=rule.amount_rupiah,
        income_percent=rule.income_percent,
        minimum=rule.minimum_rupiah,
        months_from=rule.months_from,
        months_to=rule.months_to,
        min_membership_months=rule.min_membership_months,
        max_children=rule.max_children,
        basis=rule.basis,
    )


def as_scholarship_level(level: ScholarshipLevel) -> benefits.ScholarshipLevel:
    return benefits.ScholarshipLevel(
        id=level.pk,
        level=level.level,
        order=level.order,
        annual=level.annual_rupiah,
        years=level.years,
        effective_from=level.effective_from,
        effective_to=level.effective_to,
        basis=level.basis,
    )


def benefit_rules() -> QuerySet[BenefitRule]:
    """Every rule (a few dozen rows): national, readable by every user."""
    return BenefitRule.objects.order_by("kind", "component", "effective_from", "id")


def scholarship_levels() -> QuerySet[ScholarshipLevel]:
    return ScholarshipLevel.objects.order_by("effective_from", "order")


def benefit_rule_table() -> list[benefits.BenefitRule]:
    return [as_benefit_rule(r) for r in BenefitRule.objects.all()]


def scholarship_table() -> list[benefits.ScholarshipLevel]:
    return [as_scholarship_level(lv) for lv in ScholarshipLevel.objects.all()]


def benefit_quote(
    *,
    kind: str,
    income: int,
    event_date: date,
    membership_months: int = 0,
    disability_pct=None,
    incapacity_months: int | None = None,
    children: list[benefits.Child] | tuple = (),
) -> benefits.BenefitQuote:
    """A quote under the rule table in the database (the CLI, the API and claims use it)."""
    return benefits.quote_benefit(
        benefit_rule_table(),
        scholarship_table(),
        kind=kind,
        income=income,
        event_date=event_date,
        membership_months=membership_months,
        disability_pct=disability_pct,
        incapacity_months=incapacity_months,
        children=children,
    )


def benefit_rule_in_use(rule: BenefitRule, *, today: date) -> bool:
    """A rule is in use once it has been in force or has priced a claim; from then on
    it is only ended, never edited."""
    return rule.effective_from <= today or rule.claims.exists()


# --- claims -----------------------------------------------------------------------------

SORTS = {
    "lapor": ("reported_on", "id"),
    "-lapor": ("-reported_on", "-id"),
    "kejadian": ("event_date", "id"),
    "-kejadian": ("-event_date", "-id"),
    "manfaat": ("quote_total", "id"),
    "-manfaat": ("-quote_total", "-id"),
    "nama": ("participant__full_name", "id"),
    "status": ("status", "-reported_on", "-id"),
}
DEFAULT_SORT = "-lapor"


def claims_visible_to(user) -> QuerySet[Claim]:
    """Claims of people whose village (when reported) lies in the user's jurisdiction."""
    return scope_to_jurisdiction(Claim.objects.all(), user, field="village_id")


def claim_get(user, pk: int) -> Claim:
    return get_object_or_404(
        claims_visible_to(user).select_related(
            "participant", "village", "reported_by", "organization", "recipient_heir"
        ),
        pk=pk,
    )


def claim_document_get(claim: Claim, pk: int) -> ClaimDocument:
    """A document of a claim the user sees (the claim was fetched through the scope)."""
    return get_object_or_404(ClaimDocument.objects.filter(claim=claim), pk=pk)


def mask_account(number: str) -> str:
    """A bank account number with all but its last four digits hidden: ******5678."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def account_for(user, number: str) -> str:
    """Account numbers are shown in full to those who see NIKs in full."""
    return number if sees_full_nik(user) else mask_account(number)


@dataclass(frozen=True)
class ClaimFilters:
    status: str = ""
    kind: str = ""
    region: str = ""
    date_from: date | None = None  # event date
    date_to: date | None = None
    q: str = ""  # name or NIK of the participant
    participant: int | None = None
    sort: str = DEFAULT_SORT


def claims_filtered(user, filters: ClaimFilters) -> QuerySet[Claim]:
    found = claims_visible_to(user)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.region:
        region = codes.try_normalize(filters.region)
        if region is None:
            return found.none()
        found = found.filter(region_subtree_q("village_id", region))
    if filters.date_from:
        found = found.filter(event_date__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(event_date__lte=filters.date_to)
    if filters.participant:
        found = found.filter(participant_id=filters.participant)
    query = " ".join(filters.q.split())
    if query:
        compact = query.replace(" ", "").replace(".", "")
        if compact.isdigit():
            found = found.filter(participant__nik__startswith=compact)
        else:
            found = found.filter(participant__full_name__icontains=query)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return found.select_related("participant", "village").order_by(*order)


def missing_document_labels(claim: Claim, documents: list[ClaimDocument]) -> list[str]:
    """The labels of the documents still needed before the claim is complete."""
    at_school = any(c.level != "BELUM" for c in claim.children.all())
    missing = workflow.missing_documents(
        claim.kind, {d.kind for d in documents}, children_at_school=at_school
    )
    return [str(DocumentKind(kind).label) for kind in missing]


def refund_of(claim: Claim) -> Refund | None:
    """The refund of contributions paid beyond the death of a death claim (billing
    computes it when the death is recorded)."""
    if not claim.is_death:
        return None
    return Refund.objects.filter(participant_id=claim.participant_id).select_related("payer").first()


def claim_reference_lookup(user, reference: str) -> Claim | None:
    """``KLM-2025-000042`` (or just 42) -> the visible claim, if any."""
    number = reference.strip().upper().rsplit("-", 1)[-1]
    if not number.isdigit():
        return None
    return claims_visible_to(user).filter(pk=int(number)).first()


# --- benefits paid ----------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitTotals:
    claims: int = 0
    rupiah: int = 0
    scholarship_children: int = 0
    scholarship_rupiah: int = 0

    def as_dict(self) -> dict:
        return {
            "claims": self.claims,
            "rupiah": self.rupiah,
            "scholarship_children": self.scholarship_children,
            "scholarship_rupiah": self.scholarship_rupiah,
        }


@dataclass(frozen=True)
class BenefitsPaid:
    """Benefits paid within a region and a period (by payment date)."""

    totals: BenefitTotals
    by_kind: dict[str, BenefitTotals] = field(default_factory=dict)
    median_days: float | None = None  # from report to payment
    average_days: float | None = None

    def as_dict(self) -> dict:
        return {
            **self.totals.as_dict(),
            "by_kind": {kind: totals.as_dict() for kind, totals in self.by_kind.items()},
            "median_days_to_payment": self.median_days,
            "average_days_to_payment": self.average_days,
        }


_TOTALS = {
    "claims": Count("*"),
    "rupiah": Sum("paid_rupiah"),
    "scholarship_children": Sum("scholarship_children"),
    "scholarship_rupiah": Sum("scholarship_rupiah"),
}


def _totals(row: dict) -> BenefitTotals:
    return BenefitTotals(**{name: row.get(name) or 0 for name in _TOTALS})


def _paid(claims: QuerySet[Claim], date_from: date | None, date_to: date | None) -> QuerySet[Claim]:
    if date_from and date_to and date_to < date_from:
        raise InvalidInput(
            N_("Tanggal akhir periode tidak boleh sebelum tanggal awal."),
            code="period_reversed",
            field="date_to",
        )
    paid = claims.filter(status=ClaimStatus.PAID)
    if date_from:
        paid = paid.filter(paid_on__gte=date_from)
    if date_to:
        paid = paid.filter(paid_on__lte=date_to)
    return paid


def _median_days(paid: QuerySet[Claim], count: int) -> float | None:
    """The median of ``days_to_payment`` over ``count`` paid claims, read in the
    database (the middle one or two values), not by loading every claim."""
    if not count:
        return None
    ordered = (
        paid.exclude(days_to_payment=None)
        .order_by("days_to_payment")
        .values_list("days_to_payment", flat=True)
    )
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return float(sum(middle)) / len(middle)


_DAYS = {"days_sum": Sum("days_to_payment"), "days_n": Count("days_to_payment")}


def _sum_rows(rows: list[dict], key: str) -> dict:
    """Group rows of sums (claims, rupiah, scholarships, days) by ``key`` and add them up."""
    found: dict = {}
    for row in rows:
        into = found.setdefault(row[key], dict.fromkeys([*_TOTALS, *_DAYS], 0))
        for name in into:
            into[name] += row[name] or 0
    return found


def _summary(paid: QuerySet[Claim], rows: list[dict]) -> BenefitsPaid:
    """Totals per kind and overall from grouped rows (each with ``kind``), the average
    days from report to payment from their sums, the median from one query."""
    by_kind = {kind: _totals(sums) for kind, sums in sorted(_sum_rows(rows, "kind").items())}
    totals = BenefitTotals(**{name: sum(getattr(t, name) for t in by_kind.values()) for name in _TOTALS})
    counted = sum(row["days_n"] for row in rows)
    days = sum(row["days_sum"] or 0 for row in rows)
    return BenefitsPaid(
        totals=totals,
        by_kind=by_kind,
        median_days=_median_days(paid, counted),
        average_days=round(days / counted, 1) if counted else None,
    )


def benefits_paid(
    scope_region_code: str | None, date_from: date | None, date_to: date | None
) -> BenefitsPaid:
    """Benefits paid to claims of ``scope_region_code`` (any level, with or without
    dots; empty: the whole country) with a payment date in ``date_from..date_to``
    (inclusive; None: open): count, rupiah, scholarships (children and rupiah), per kind,
    and the median and average days from report to payment. Not scoped to a user:
    callers pass a region the user may see."""
    claims = Claim.objects.all()
    if scope_region_code:
        claims = claims.filter(region_subtree_q("village_id", codes.normalize(scope_region_code)))
    paid = _paid(claims, date_from, date_to)
    rows = list(paid.order_by().values("kind").annotate(**_TOTALS, **_DAYS).order_by("kind"))
    return _summary(paid, rows)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    totals: BenefitTotals
    can_drill: bool


@dataclass(frozen=True)
class BenefitsReport:
    region: Region | None
    date_from: date | None
    date_to: date | None
    summary: BenefitsPaid
    regions: list[RegionRow]
    months: list[tuple[date, BenefitTotals]]
    open_claims: dict[str, int]  # status -> claims not yet paid or rejected, in the same scope


_LENGTHS = (2, 4, 6, 10)


def _breakdown_length(user, place: Region | None) -> int:
    """The region level a report breaks down by: one level below the chosen region;
    without one, below the user's single root (a province sees its regencies) or at
    the level of its several roots (a BPJS branch sees its regencies)."""
    if place is not None:
        return next((n for n in _LENGTHS if n > len(place.code)), 10)
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted or not jurisdiction.codes:
        return 2
    if len(jurisdiction.codes) == 1:
        return next((n for n in _LENGTHS if n > len(jurisdiction.codes[0])), 10)
    return min(len(code) for code in jurisdiction.codes)


def benefits_report(
    user, *, region: str = "", date_from: date | None = None, date_to: date | None = None
) -> BenefitsReport:
    """Benefits paid in the user's jurisdiction (optionally one region of it) and a
    period: totals, one row per region one level down (drill by code), one per month."""
    claims = claims_visible_to(user)
    place = None
    if region:
        code = codes.normalize(region)
        place = get_object_or_404(scope_to_jurisdiction(Region.objects.all(), user, field="code"), code=code)
        claims = claims.filter(region_subtree_q("village_id", code))
    paid = _paid(claims, date_from, date_to)
    child_length = _breakdown_length(user, place)
    # One scan: sums per region one level down, month of payment and kind, added up here.
    rows = list(
        paid.order_by()
        .annotate(area=Substr("village_id", 1, child_length), month=TruncMonth("paid_on"))
        .values("area", "month", "kind")
        .annotate(**_TOTALS, **_DAYS)
    )
    areas = _sum_rows(rows, "area")
    names = dict(Region.objects.filter(code__in=list(areas)).values_list("code", "name"))
    regions = [
        RegionRow(code=code, name=names.get(code, code), totals=_totals(sums), can_drill=child_length < 10)
        for code, sums in sorted(areas.items())
    ]
    months = [(month, _totals(sums)) for month, sums in sorted(_sum_rows(rows, "month").items())]
    open_claims = dict(
        claims.exclude(status__in=[ClaimStatus.PAID, ClaimStatus.REJECTED])
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return BenefitsReport(
        region=place,
        date_from=date_from,
        date_to=date_to,
        summary=_summary(paid, rows),
        regions=regions,
        months=months,
        open_claims=open_claims,
    )


def claims_waiting(user) -> QuerySet[Claim]:
    """Claims not yet paid or rejected, oldest report first (the officers' queue)."""
    return (
        claims_visible_to(user)
        .filter(~Q(status__in=[ClaimStatus.PAID, ClaimStatus.REJECTED]))
        .order_by("reported_on", "id")
    )
