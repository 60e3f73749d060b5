"""Writing the audit trail. Call ``audit_record`` inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from jaring.access.permissions import author_id
from jaring.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return (
            sorted(_plain(v) for v in value)
            if isinstance(value, set | frozenset)
            else [_plain(v) for v in value]
        )
    return str(value)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of an object as plain JSON values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value changed."""
    names = list(dict.fromkeys([*before, *after]))
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in names
        if _plain(before.get(name)) != _plain(after.get(name))
    }


def audit_values(
    *,
    actor,
    action: str,
    target_type: str,
    target_id: str | int,
    target_repr: str,
    changes: Mapping[str, list[Any]],
    region_code: str = "",
    at: datetime | None = None,
) -> dict[str, Any]:
    """The column values of one audit event, for writers that insert many rows at
    once (``jaring.bulk.bulk_insert``)."""
    return {
        "at": at or timezone.now(),
        "actor_id": author_id(actor),
        "actor_username": actor.get_username() if actor is not None else "",
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "target_repr": str(target_repr)[:255],
        "region_code": region_code or "",
        "changes": dict(changes),
    }


def audit_build(**event) -> AuditEvent:
    """An unsaved audit event (same arguments as ``audit_values``)."""
    return AuditEvent(**audit_values(**event))


@transaction.atomic
def audit_record(**event) -> AuditEvent:
    """Write one audit event (same arguments as ``audit_values``)."""
    built = audit_build(**event)
    built.save()
    return built
