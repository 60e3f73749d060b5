"""Reads of the registry, always through the jurisdiction scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jaring import codes
from jaring.access.permissions import sees_full_nik
from jaring.access.scoping import (
    get_visible_or_404,
    region_subtree_q,
    scope_to_jurisdiction,
    scope_to_jurisdiction_or_own,
)
from jaring.paging import keyset_page
from jaring.privacy import mask_nik, mask_niks_in_text
from jaring.registry.models import ImportRun, Participant

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def participants_visible_to(user) -> QuerySet[Participant]:
    return scope_to_jurisdiction(Participant.objects.all(), user, field="village_id")


def participant_get(user, pk: int) -> Participant:
    return get_visible_or_404(Participant.objects.select_related("village"), user, field="village_id", pk=pk)


@dataclass(frozen=True)
class ParticipantFilters:
    region: str = ""
    category: str = ""
    occupation: str = ""
    status: str = ""
    q: str = ""


def participants_filtered(user, filters: ParticipantFilters) -> QuerySet[Participant]:
    people = participants_visible_to(user)
    if filters.region:
        region = codes.try_normalize(filters.region)
        if region is None:
            return people.none()
        people = people.filter(region_subtree_q("village_id", region))
    if filters.category:
        people = people.filter(category=filters.category)
    if filters.occupation:
        people = people.filter(occupation=filters.occupation)
    if filters.status:
        people = people.filter(status=filters.status)
    query = " ".join(filters.q.split())
    if query:
        compact = query.replace(" ", "").replace(".", "")
        if compact.isdigit() and len(compact) == 16:
            people = people.filter(nik=compact)
        elif compact.isdigit():
            people = people.filter(nik__startswith=compact)
        else:
            people = people.filter(full_name__icontains=query)
    return people


def participants_page(
    user, filters: ParticipantFilters, *, after: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Participant], int | None]:
    """Keyset pagination by id: no COUNT over the table, no OFFSET scan."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    people = participants_filtered(user, filters).select_related("village")
    return keyset_page(people, after=after, limit=limit)


def nik_for(user, nik: str) -> str:
    return nik if sees_full_nik(user) else mask_nik(nik)


def mask_text(user, text: str) -> str:
    """Mask every NIK inside a message for roles that see masked NIKs."""
    return text if sees_full_nik(user) else mask_niks_in_text(text)


def imports_visible_to(user) -> QuerySet[ImportRun]:
    return scope_to_jurisdiction_or_own(
        ImportRun.objects.all(), user, field="scope_code", organization_field="organization"
    )


def duplicates_visible_to(user, *, status: str = "open"):
    from jaring.registry.models import DuplicateCandidate

    pairs = DuplicateCandidate.objects.filter(status=status).select_related(
        "first__village", "second__village"
    )
    return scope_to_jurisdiction(pairs, user, field="first__village_id")


def duplicates_of(user, participant):

    return duplicates_visible_to(user).filter(Q(first=participant) | Q(second=participant))
