"""Reading the DTSEN editions: which edition is in force where, and who is a candidate
(``targeting.rules``) on a date, set-based."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from jaring import codes
from jaring.access.scoping import jurisdiction_roots, region_subtree_q
from jaring.billing.selectors import deceased_q, paid_months_covering
from jaring.programs.selectors import active_enrolments_on
from jaring.registry.models import Participant
from jaring.registry.vocab import VULNERABLE_OCCUPATIONS
from jaring.targeting import rules
from jaring.targeting.models import BpjsActiveList, BpjsActivePerson, DtsenEdition, DtsenPerson


def editions_in_force(on: date | None = None) -> list[DtsenEdition]:
    """The latest edition of each jurisdiction that had one by ``on``, newest first."""
    found = DtsenEdition.objects.all()
    if on is not None:
        found = found.filter(edition__lte=on)
    latest: dict[str, DtsenEdition] = {}
    for edition in found.order_by("-edition", "-id"):
        latest.setdefault(edition.scope_code, edition)
    return list(latest.values())


def within_q(field: str, region_codes: list[str]) -> Q:
    """Rows whose region ``field`` lies in one of ``region_codes`` (a program's targets)."""
    condition = Q(pk__in=[])
    for code in region_codes:
        condition |= region_subtree_q(field, code)
    return condition


def _in_force_q(editions: list[DtsenEdition], roots: list[str] | None) -> Q:
    """Each village's people from the newest of the editions whose jurisdiction holds it
    (a regency's own edition newer than its province's is the one in force there), within
    the region ``roots`` (``None``: everywhere). Each village range is written once, so
    the planner estimates a province's extract as the whole table it is and scans it."""
    condition = Q(pk__in=[])
    newer: list[str] = []
    for edition in editions:  # newest first
        inside = codes.intersect([edition.scope_code] if edition.scope_code else None, roots)
        if inside != []:
            here = Q(edition=edition) & (within_q("village_id", inside) if inside is not None else Q())
            for scope in newer:
                here &= ~region_subtree_q("village_id", scope) if scope else Q(pk__in=[])
            condition |= here
        newer.append(edition.scope_code)
    return condition


def listed_on(user, on: date, *, region: str = "", targets: list[str] | None = None) -> QuerySet[DtsenPerson]:
    """The people of the editions in force on ``on`` in the user's jurisdiction
    (``user=None``: everywhere), within ``region`` and the region codes ``targets`` when given."""
    roots = None if user is None else jurisdiction_roots(user)
    if region:
        code = codes.try_normalize(region)
        roots = codes.intersect(roots, [code] if code else [])
    roots = codes.intersect(roots, targets)
    return DtsenPerson.objects.filter(_in_force_q(editions_in_force(on), roots))


def _eligible(user, on: date, region: str, targets: list[str] | None = None) -> QuerySet[DtsenPerson]:
    born_after, born_by = rules.birth_dates_of_age(
        on, getattr(settings, "JARING_AGE_MIN", 15), getattr(settings, "JARING_AGE_MAX", 65)
    )
    dead = Participant.objects.filter(deceased_q(on), nik=OuterRef("nik"))
    return (
        listed_on(user, on, region=region, targets=targets)
        .filter(decile__in=rules.CANDIDATE_DECILES, birth_date__gt=born_after, birth_date__lte=born_by)
        .exclude(Exists(dead))
    )


def active_lists_in_force(on: date) -> list[int]:
    """The latest BPJS active list of each jurisdiction dated by ``on`` (their ids)."""
    latest: dict[str, int] = {}
    for scope, pk in (
        BpjsActiveList.objects.filter(listed_on__lte=on)
        .order_by("-listed_on", "-id")
        .values_list("scope_code", "pk")
    ):
        latest.setdefault(scope, pk)
    return list(latest.values())


def _protection(on: date, nik) -> tuple[QuerySet, QuerySet]:
    """Who of ``nik`` is protected on ``on``: a paid month for that month or an enrolment
    running in a covering program (Jaring's own), or active at BPJS by the list in force."""
    enrolled = active_enrolments_on(on).filter(participant_id=OuterRef("pk"))
    paid = paid_months_covering(on).filter(participant_id=OuterRef("pk"))
    jaring = Participant.objects.filter(nik=nik).filter(Q(Exists(paid)) | Q(Exists(enrolled)))
    bpjs = BpjsActivePerson.objects.filter(
        nik=nik, active_list_id__in=active_lists_in_force(on), active_on__lte=on
    )
    return jaring, bpjs


def _protected(on: date) -> Q:
    """The row's person (``OuterRef("nik")``) is protected on ``on``. Correlated
    ``EXISTS``, which PostgreSQL runs as (anti-)joins on the NIK indexes however many
    people are protected (a ``NOT IN`` over a list larger than ``work_mem`` is scanned
    again for every row: minutes on a province's extract)."""
    jaring, bpjs = _protection(on, OuterRef("nik"))
    return Q(Exists(jaring)) | Q(Exists(bpjs))


def is_protected(nik: str, on: date) -> bool:
    """Whether the person of ``nik`` is protected on ``on`` (by Jaring or at BPJS)."""
    return any(found.exists() for found in _protection(on, nik))


# The candidates' priority order (``targeting.rules``), over ``candidates``' annotations.
PRIORITY = ("decile", "working_first", "first_listed", "row", "nik")


def prioritized(people: QuerySet[DtsenPerson], on: date) -> QuerySet[DtsenPerson]:
    """``people`` with the annotations of the priority order (``PRIORITY``)."""
    dated = list(DtsenEdition.objects.filter(edition__lte=on).values_list("edition", flat=True)[:2])
    if len(dated) == 1:  # one edition so far: everyone was first listed in it
        first_listed = Value(dated[0], output_field=DateField())
    else:
        first_listed = Subquery(
            DtsenPerson.objects.filter(nik=OuterRef("nik"), edition__edition__lte=on)
            .order_by("edition__edition")
            .values("edition__edition")[:1]
        )
    working_vulnerable = Case(
        When(working=True, occupation__in=sorted(VULNERABLE_OCCUPATIONS), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return people.annotate(working_first=working_vulnerable, first_listed=first_listed)


def candidates(
    user, on: date, *, region: str = "", targets: list[str] | None = None
) -> QuerySet[DtsenPerson]:
    """Who should be protected on ``on`` and is not, in priority order
    (``targeting.rules``); within the region codes ``targets`` when given (a program's)."""
    eligible = _eligible(user, on, region, targets).exclude(_protected(on))
    return prioritized(eligible, on).order_by(*PRIORITY)


def eligible_flagged(
    user, on: date, *, region: str = "", targets: list[str] | None = None
) -> QuerySet[DtsenPerson]:
    """Everyone who should be protected on ``on``, with ``protected`` (whether they are)
    and the priority annotations: one pass over an extract answers both who the
    candidates are and how many are protected (the test is run once per row, where
    ``PostgreSQL`` hashes it)."""
    flagged = _eligible(user, on, region, targets).annotate(
        protected=ExpressionWrapper(_protected(on), output_field=BooleanField())
    )
    return prioritized(flagged, on)


@dataclass(frozen=True)
class TargetingCounts:
    candidates: int
    already_protected: int


def targeting_counts(
    user, on: date, *, region: str = "", targets: list[str] | None = None
) -> TargetingCounts:
    """How many of the people who should be protected on ``on`` are not (candidates)
    and are (already protected): two counts over the same eligible people, each with the
    protection test in its ``WHERE`` (PostgreSQL turns it into an (anti-)join there; as an
    aggregate's ``FILTER`` it would run once per row)."""
    eligible, protected = _eligible(user, on, region, targets), _protected(on)
    return TargetingCounts(
        candidates=eligible.exclude(protected).count(), already_protected=eligible.filter(protected).count()
    )


def counts_by_village(
    user, on: date, *, region: str = "", targets: list[str] | None = None
) -> dict[str, TargetingCounts]:
    """``targeting_counts`` per village."""
    waiting = _per_village(_eligible(user, on, region, targets).exclude(_protected(on)))
    covered = protected_by_village(user, on, region=region, targets=targets)
    return {
        village: TargetingCounts(
            candidates=waiting.get(village, 0), already_protected=covered.get(village, 0)
        )
        for village in waiting.keys() | covered.keys()
    }


def protected_by_village(
    user, on: date, *, region: str = "", targets: list[str] | None = None
) -> dict[str, int]:
    """The people who should be protected on ``on`` and are, per village."""
    return _per_village(_eligible(user, on, region, targets).filter(_protected(on)))


def _per_village(people: QuerySet) -> dict[str, int]:
    return dict(people.order_by().values_list("village_id").annotate(n=Count("id")))
