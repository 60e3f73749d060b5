"""Who may change the contribution rate rules. Rates are national reference data:
platform superusers and the admins of province governments keep them."""

from __future__ import annotations

from jaring.access.permissions import is_platform
from jaring.access.rules import OrgKind, Role


def can_edit_rates(user) -> bool:
    if is_platform(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.ADMIN
        and user.organization_id
        and user.organization.is_active
        and user.organization.kind == OrgKind.PROVINCE
    )
