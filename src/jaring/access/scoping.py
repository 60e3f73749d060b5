"""Jurisdiction scoping: the one place where a query is limited to what a user may see.

Every selector that returns data about regions' people, money or claims calls
``scope_to_jurisdiction``; every page, API endpoint, export and report reads through
such a selector. A record outside the jurisdiction is simply absent from the queryset,
so a lookup by id answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from jaring import codes

_CACHE_ATTR = "_jaring_jurisdiction"


@dataclass(frozen=True)
class Jurisdiction:
    """A set of region codes (collapsed, no code inside another), or everything."""

    codes: tuple[str, ...] = ()
    unrestricted: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.unrestricted and not self.codes

    def contains(self, code: str | None) -> bool:
        if self.unrestricted:
            return True
        if not code:
            return False
        return any(code.startswith(root) for root in self.codes)

    def q(self, field: str) -> Q:
        """A filter keeping rows whose ``field`` (a region code) lies in the jurisdiction.

        Each root becomes an index-friendly range ``root <= field < upper(root)``.
        """
        if self.unrestricted:
            return Q()
        if not self.codes:
            return Q(pk__in=[])
        return reduce(or_, (region_subtree_q(field, root) for root in self.codes))

    def overlap_q(self, field: str) -> Q:
        """A filter keeping rows whose ``field`` (a region code) lies in the
        jurisdiction or contains part of it (a province program seen by a regency)."""
        if self.unrestricted:
            return Q()
        if not self.codes:
            return Q(pk__in=[])
        ancestors = {a for root in self.codes for a in codes.ancestors_of(root)}
        return self.q(field) | Q(**{f"{field}__in": sorted(ancestors)})


def region_subtree_q(field: str, code: str) -> Q:
    """Rows whose region code ``field`` is ``code`` or lies beneath it, as the
    index-friendly range ``code <= field < upper(code)``."""
    condition = Q(**{f"{field}__gte": code})
    upper = codes.prefix_upper_bound(code)
    if upper:
        condition &= Q(**{f"{field}__lt": upper})
    return condition


EVERYTHING = Jurisdiction(unrestricted=True)
NOTHING = Jurisdiction()


class _SystemReader:
    """The reader of background work that must see every region (the alert
    sweep): it sees every region, is not a platform user and may change nothing
    (``can_edit_data`` is false for it), and no person can log in as it."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    organization_id = None
    role = "viewer"
    can_audit = False

    def __str__(self) -> str:
        return "sistem"


SYSTEM = _SystemReader()


def reader_of(actor):
    """Whom a service reads as: its actor, or ``SYSTEM`` (every region) when the
    platform itself acts (``actor=None``: installation and the command line). The one
    way a service says "the platform sees everything"."""
    return SYSTEM if actor is None else actor


def jurisdiction_of(user) -> Jurisdiction:
    """The jurisdiction of a user: a platform superuser sees everything; a user of an
    active organization sees its regions; anyone else sees nothing."""
    if user is SYSTEM:
        return EVERYTHING
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        result = EVERYTHING
    elif user.organization_id is None or not user.organization.is_active:
        result = NOTHING
    else:
        region_codes = user.organization.regions.values_list("code", flat=True)
        result = Jurisdiction(codes=tuple(codes.collapse(list(region_codes))))
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_jurisdiction(user) -> None:
    """Drop the per-request cache (after a user's organization changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_to_jurisdiction(queryset: QuerySet, user, *, field: str) -> QuerySet:
    """Limit ``queryset`` to rows whose region code ``field`` lies in the user's jurisdiction."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted:
        return queryset
    if jurisdiction.is_empty:
        return queryset.none()
    return queryset.filter(jurisdiction.q(field))


def jurisdiction_roots(user) -> list[str] | None:
    """The user's jurisdiction as region roots (``None``: everywhere, ``[]``: nowhere),
    for a selector that folds it into conditions of its own (``targeting``'s editions)."""
    jurisdiction = jurisdiction_of(reader_of(user))
    return None if jurisdiction.unrestricted else list(jurisdiction.codes)


def scope_to_jurisdiction_or_own(
    queryset: QuerySet, user, *, field: str, organization_field: str
) -> QuerySet:
    """Like scope_to_jurisdiction, plus the records that belong to the user's own
    organization (e.g. its uploads), whose region may span its jurisdiction."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted or jurisdiction.is_empty or not getattr(user, "organization_id", None):
        return scope_to_jurisdiction(queryset, user, field=field)
    # One condition (not a union of two querysets): the planner keeps the region index.
    return queryset.filter(jurisdiction.q(field) | Q(**{organization_field: user.organization_id}))


def sees_region_or_own(user, region_code: str, organization_id: int | None) -> bool:
    """``scope_to_jurisdiction_or_own`` for one record held in memory (e.g. an alert
    condition computed for a past date, not read from a table)."""
    jurisdiction = jurisdiction_of(user)
    own = getattr(user, "organization_id", None)
    if jurisdiction.unrestricted or jurisdiction.is_empty or not own:
        return jurisdiction.contains(region_code)
    return jurisdiction.contains(region_code) or organization_id == own


def scope_to_overlap_or_own(
    queryset: QuerySet, user, *, field: str, organization_fields: tuple[str, ...] = ()
) -> QuerySet:
    """Rows whose region ``field`` overlaps the user's jurisdiction (lies in it or
    contains part of it), plus rows whose ``organization_fields`` name the user's
    own organization (a payer sees its programs, a BPJS office its agreements).
    ``field`` may cross a many-to-many relation; the result has no duplicates."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted:
        return queryset
    if jurisdiction.is_empty:
        return queryset.none()
    condition = jurisdiction.overlap_q(field)
    for name in organization_fields:
        if getattr(user, "organization_id", None):
            condition |= Q(**{name: user.organization_id})
    return queryset.filter(pk__in=queryset.filter(condition).values("pk"))


def get_visible_or_404(queryset: QuerySet, user, *, field: str, **lookup):
    """Fetch one record through the jurisdiction scope; outside it is a 404."""
    return get_object_or_404(scope_to_jurisdiction(queryset, user, field=field), **lookup)
