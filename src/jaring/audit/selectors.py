"""Reading the audit trail: only for users with audit rights, within their jurisdiction."""

from __future__ import annotations

import json

from django.db.models import QuerySet

from jaring.accounts.permissions import can_read_audit, sees_full_nik
from jaring.accounts.scoping import scope_to_jurisdiction
from jaring.audit.models import AuditEvent
from jaring.registry.nik import mask_niks_in_text


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if not can_read_audit(user):
        return AuditEvent.objects.none()
    return scope_to_jurisdiction(AuditEvent.objects.all(), user, field="region_code")


def audit_events_filtered(
    user, *, action: str = "", target_type: str = "", actor: str = "", target_id: str = ""
) -> QuerySet[AuditEvent]:
    events = audit_events_visible_to(user)
    if action:
        events = events.filter(action__startswith=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if actor:
        events = events.filter(actor_username__iexact=actor)
    if target_id:
        events = events.filter(target_id=target_id)
    return events.order_by("-at", "-id")


def changes_for(user, event: AuditEvent) -> dict:
    """An event's changes as this user may read them (NIKs masked where the role has no need)."""
    if sees_full_nik(user):
        return event.changes
    return json.loads(mask_niks_in_text(json.dumps(event.changes)))
