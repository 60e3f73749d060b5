"""Reads of the region tree, always through the user's jurisdiction."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from jaring import codes
from jaring.access.scoping import (
    get_visible_or_404,
    jurisdiction_of,
    reader_of,
    region_subtree_q,
    scope_to_jurisdiction,
)
from jaring.errors import InvalidInput, PermissionDeniedError
from jaring.i18n import N_
from jaring.regions.models import Region

SEARCH_LIMIT = 50


def regions_visible_to(user) -> QuerySet[Region]:
    return scope_to_jurisdiction(Region.objects.all(), user, field="code")


def region_get(user, raw_code: str) -> Region:
    """One region by code (dotted or not); outside the jurisdiction it is a 404."""
    code = codes.try_normalize(raw_code)
    if code is None:
        raise Http404
    return get_visible_or_404(Region.objects.select_related("parent"), user, field="code", code=code)


def region_in_jurisdiction(user, raw_code: str) -> Region:
    """The region a report or a projection is asked for (dotted or not), refused with a
    message naming it when it is not a region code, is unknown, or lies outside the
    user's jurisdiction (``user=None``: the platform, everywhere)."""
    code = codes.try_normalize(raw_code or "")
    if code is None:
        raise InvalidInput(
            N_("Kode wilayah '%(code)s' tidak valid (contoh 15 atau 15.04)."),
            params={"code": str(raw_code)},
            code="invalid_region",
            field="region",
        )
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise InvalidInput(
            N_("Wilayah %(region)s tidak dikenal."),
            params={"region": codes.dotted(code)},
            code="unknown_region",
            field="region",
        )
    if not jurisdiction_of(reader_of(user)).contains(code):
        raise PermissionDeniedError(
            N_("%(region)s (%(code)s) di luar wilayah kerja Anda."),
            params={"region": region.name, "code": region.code_dotted},
            code="outside_jurisdiction",
            field="region",
        )
    return region


def region_children(user, region: Region) -> QuerySet[Region]:
    return regions_visible_to(user).filter(parent=region).order_by("code")


def jurisdiction_roots(user) -> QuerySet[Region]:
    """The top regions of a user's jurisdiction (the provinces for a platform user)."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction.unrestricted:
        return Region.objects.filter(level=codes.Level.PROVINCE).order_by("code")
    return Region.objects.filter(code__in=jurisdiction.codes).order_by("code")


def region_breadcrumb(region: Region) -> list[Region]:
    """Ancestors of a region from the province down (names are public reference data)."""
    ancestor_codes = codes.ancestors_of(region.code)
    by_code = {r.code: r for r in Region.objects.filter(code__in=ancestor_codes)}
    return [by_code[c] for c in ancestor_codes if c in by_code]


def regions_search(user, query: str, *, level: str | None = None, limit: int = SEARCH_LIMIT) -> list[Region]:
    """Find regions by code (with or without dots, a prefix is enough) or by name."""
    query = " ".join((query or "").split())
    if not query:
        return []
    base = regions_visible_to(user)
    if level:
        base = base.filter(level=level)
    compact = query.replace(".", "").replace(" ", "")
    if compact.isascii() and compact.isdigit():
        matches = base.filter(region_subtree_q("code", compact))
        return list(matches.select_related("parent").order_by("code")[:limit])
    matches = base.filter(name__icontains=query).select_related("parent")
    # Exact and prefix name matches first, then by level (province first), then code.
    found = list(matches.order_by("code")[: limit * 4])
    lowered = query.lower()
    found.sort(
        key=lambda r: (
            r.name.lower() != lowered,
            not r.name.lower().startswith(lowered),
            codes.LEVEL_ORDER.index(codes.Level(r.level)),
            r.code,
        )
    )
    return found[:limit]
