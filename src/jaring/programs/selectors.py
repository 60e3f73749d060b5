"""Reads of programs, enrolments and agreements, always through the jurisdiction
scope (jaring.access.scoping)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from jaring.access.scoping import region_subtree_q, scope_to_jurisdiction, scope_to_overlap_or_own
from jaring.contributions.selectors import monthly_contribution
from jaring.programs.models import Agreement, Enrolment, EnrolmentStatus, Program, VillageEnrolmentCount
from jaring.registry.models import Participant
from jaring.registry.selectors import ParticipantFilters, participants_filtered
from jaring.registry.vocab import Status

ALERT_DAYS = (90, 30)


def programs_visible_to(user) -> QuerySet[Program]:
    """Programs the user's organization pays, or whose regions overlap its jurisdiction."""
    return scope_to_overlap_or_own(
        Program.objects.select_related("payer"),
        user,
        field="target_regions__code",
        organization_fields=("payer_id",),
    )


def program_get(user, pk: int) -> Program:
    return get_object_or_404(programs_visible_to(user), pk=pk)


def program_by_code(user, code: str) -> Program | None:
    return programs_visible_to(user).filter(code=code.strip().upper()).first()


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    """Enrolments of people living in the user's jurisdiction."""
    return scope_to_jurisdiction(Enrolment.objects.all(), user, field="village_id")


def program_enrolments(user, program: Program, *, status: str = "") -> QuerySet[Enrolment]:
    found = enrolments_visible_to(user).filter(program=program).select_related("participant", "village")
    return found.filter(status=status) if status else found


def enrolment_candidates(
    user, program: Program, filters: ParticipantFilters, *, unfunded_only: bool = True
) -> QuerySet[Participant]:
    """People of the registry the user may put into ``program``: in the user's
    jurisdiction and the program's regions, alive and not exited, not merged,
    not already active in the program and (by default) not funded by another
    program. The enrolment service still checks every rule when they are chosen."""
    targets = [r.code for r in program.target_regions.all()]
    if not targets:
        return Participant.objects.none()
    in_targets = Q()
    for code in targets:
        in_targets |= region_subtree_q("village_id", code)
    active = Enrolment.objects.filter(participant=OuterRef("pk"), status=EnrolmentStatus.ACTIVE)
    people = (
        participants_filtered(user, filters)
        .filter(in_targets, merged_into__isnull=True)
        .exclude(status__in=(Status.DECEASED, Status.EXITED))
        .exclude(Exists(active.filter(program=program)))
    )
    if unfunded_only:
        people = people.exclude(Exists(active))
    return people


@dataclass(frozen=True)
class QuotaUse:
    village_code: str
    village_name: str
    category: str
    used: int
    limit: int | None


def quota_use(user, program: Program, *, region: str = "", limit: int = 200) -> list[QuotaUse]:
    """Active enrolments per village and category against the per-village quota,
    fullest first (from the kept counts, not a count of enrolments)."""
    quotas = {q.category: q.per_village for q in program.quotas.all()}
    counts = scope_to_jurisdiction(
        VillageEnrolmentCount.objects.filter(program=program, active__gt=0), user, field="village_id"
    )
    if region:
        counts = counts.filter(region_subtree_q("village_id", region))
    rows = counts.select_related("village").order_by("-active", "village_id")[:limit]
    return [
        QuotaUse(c.village_id, c.village.name, c.category, c.active, quotas.get(c.category)) for c in rows
    ]


def enrolled_in_jurisdiction(user, program: Program) -> int:
    """Active enrolments of the program in the user's jurisdiction (from the kept counts)."""
    counts = scope_to_jurisdiction(
        VillageEnrolmentCount.objects.filter(program=program), user, field="village_id"
    )
    return counts.aggregate(s=Sum("active"))["s"] or 0


def active_enrolments_on(on: date) -> QuerySet[Enrolment]:
    """Enrolments holding a person on ``on`` in a program running then: started by
    that day and not ended before it (an enrolment ended since still counts for the
    days it ran). What a page or report for a past date counts, instead of today's
    kept counters."""
    return Enrolment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        starts_on__lte=on,
        program__starts_on__lte=on,
        program__ends_on__gte=on,
    )


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """Agreements of the user's organization (as payer or BPJS office) or of a payer
    whose region overlaps the user's jurisdiction."""
    return scope_to_overlap_or_own(
        Agreement.objects.select_related("payer", "bpjs_office", "renews"),
        user,
        field="region_code",
        organization_fields=("payer_id", "bpjs_office_id"),
    )


def agreement_get(user, pk: int) -> Agreement:
    return get_object_or_404(agreements_visible_to(user).prefetch_related("programs"), pk=pk)


@dataclass(frozen=True)
class AgreementAlert:
    agreement: Agreement
    days_left: int
    level: int  # 90 or 30; 0 when it has ended without renewal

    @property
    def days_ago(self) -> int:
        return -self.days_left


def agreements_ending(user, *, today: date, within: int = ALERT_DAYS[0]) -> list[AgreementAlert]:
    """Agreements ending within ``within`` days, or ended and not renewed: the
    90- and 30-day alerts."""
    found = agreements_visible_to(user).filter(
        ends_on__lte=today + timedelta(days=within), renewed_by__isnull=True
    )
    alerts = []
    for agreement in found.order_by("ends_on"):
        days = (agreement.ends_on - today).days
        level = 0 if days < 0 else (30 if days <= 30 else 90)
        alerts.append(AgreementAlert(agreement, days, level))
    return alerts


def days_to_expiry(agreement: Agreement, today: date) -> int:
    return (agreement.ends_on - today).days


def monthly_rates(program: Program, occupations: set[str]) -> dict[str, int]:
    """Monthly contribution per occupation on the program's start (the rule table)."""
    return {
        occupation: monthly_contribution(
            on=program.starts_on,
            package=program.package,
            source=program.source,
            occupation=occupation,
            income=program.declared_income,
        ).total
        for occupation in occupations
    }
