"""What a role may do. Jurisdiction (what a user may see) lives in scoping.py."""

from __future__ import annotations

from jaring.access.rules import SUBORDINATE_KINDS, OrgKind, Role
from jaring.errors import PermissionDeniedError


def is_platform(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def acts_as_platform(actor) -> bool:
    """A service's actor that may do anything: the platform itself (``actor=None``:
    installation and the command line) or a platform superuser."""
    return actor is None or is_platform(actor)


def can_edit_data(user) -> bool:
    """Operators and admins enter and change data; viewers only read."""
    if is_platform(user):
        return True
    return bool(
        user and user.is_authenticated and user.is_active and user.role in {Role.ADMIN, Role.OPERATOR}
    )


def require_editor(actor, message: str, params: dict | None = None) -> None:
    """Refuse, with ``message`` (a catalogue message, ``N_``, with its ``params``), a
    service's actor who may not enter or change data."""
    if not acts_as_platform(actor) and not can_edit_data(actor):
        raise PermissionDeniedError(message, params=params)


def author(actor):
    """The user a record names as the one who made it: the actor, or None when the
    platform itself acts (``actor=None``, or an unsaved user)."""
    return actor if actor is not None and actor.pk else None


def author_id(actor) -> int | None:
    return actor.pk if actor is not None and actor.pk else None


def can_read_audit(user) -> bool:
    if is_platform(user):
        return True
    return bool(user and user.is_authenticated and user.is_active and user.can_audit)


def can_administer(user) -> bool:
    """Admins manage their organization's users (and subordinate organizations)."""
    if is_platform(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.ADMIN
        and user.organization_id
        and user.organization.is_active
    )


def creatable_kinds(user) -> set[OrgKind]:
    """Organization kinds a user may create."""
    if is_platform(user):
        return set(OrgKind)
    if not can_administer(user):
        return set()
    return set(SUBORDINATE_KINDS.get(OrgKind(user.organization.kind), set()))


def sees_full_nik(user) -> bool:
    """The full NIK is for those who need it: operators and admins of village and
    regency governments (the people lie in their jurisdiction) and BPJS officers.
    Everyone else sees it masked (1504********0001)."""
    if is_platform(user):
        return True
    if not user or not user.is_authenticated or not user.organization_id:
        return False
    kind = user.organization.kind
    if kind in (OrgKind.BPJS_BRANCH, OrgKind.BPJS_REGIONAL):
        return True
    return kind in (OrgKind.VILLAGE, OrgKind.REGENCY) and user.role in (Role.OPERATOR, Role.ADMIN)
