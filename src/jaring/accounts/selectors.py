"""Reads of organizations, users and tokens, through the jurisdiction scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jaring.access.permissions import can_administer, creatable_kinds, is_platform
from jaring.access.rules import normalize_organization_code
from jaring.access.scoping import scope_to_jurisdiction
from jaring.accounts.models import ApiToken, Organization, User


def organization_by_code(code: str, *, active_only: bool = False) -> Organization | None:
    """The organization a code names, whatever its case or surrounding spaces (the one
    lookup by code: CLI options, API fields and filters all come through here)."""
    organizations = Organization.objects.filter(code=normalize_organization_code(code))
    return (organizations.filter(is_active=True) if active_only else organizations).first()


def organizations_managed_by(user) -> QuerySet[Organization]:
    """Organizations whose users (and settings) a user may manage.

    A platform superuser manages all; an admin manages their own organization and,
    for province and regency governments, the subordinate government organizations
    within their jurisdiction.
    """
    base = Organization.objects.all()
    if is_platform(user):
        return base
    if not can_administer(user):
        return base.none()
    kinds = creatable_kinds(user)
    subordinate = scope_to_jurisdiction(base.filter(kind__in=kinds), user, field="scope_code")
    return base.filter(Q(pk=user.organization_id) | Q(pk__in=subordinate.values("pk")))


def organizations_for_list(user) -> QuerySet[Organization]:
    return (
        organizations_managed_by(user)
        .annotate(user_count=Count("users", distinct=True))
        .prefetch_related("regions")
        .order_by("kind", "name")
    )


def users_managed_by(user) -> QuerySet[User]:
    if is_platform(user):
        return User.objects.select_related("organization")
    return User.objects.filter(organization__in=organizations_managed_by(user)).select_related("organization")


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
