"""Reading the audit trail: only for users with audit rights, within their jurisdiction."""

from __future__ import annotations

from django.db.models import QuerySet

from jaring.access.permissions import can_edit_data, can_read_audit
from jaring.access.scoping import scope_to_jurisdiction
from jaring.audit.describe import changes_for, describe_events
from jaring.audit.models import AuditEvent

__all__ = ["audit_events_filtered", "audit_events_visible_to", "changes_for", "readable", "record_history"]


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
    return events.select_related("actor").order_by("-at", "-id")


def record_history(user, *, target_type: str, target_id: int | str, limit: int = 50) -> list[AuditEvent]:
    """The audit events of one record, for those who work on it or audit it, within
    the jurisdiction, with changes readable by the user (``visible_changes``)."""
    if not (can_edit_data(user) or can_read_audit(user)):
        return []
    events = scope_to_jurisdiction(AuditEvent.objects.all(), user, field="region_code")
    return readable(
        user,
        events.filter(target_type=target_type, target_id=str(target_id))
        .select_related("actor")
        .order_by("-at", "-id")[:limit],
    )


def readable(user, events) -> list[AuditEvent]:
    """Attach ``visible_changes`` (the changes as this user may read them), ``sentence``
    and ``readable_changes`` (``describe``: the event in words)."""
    return describe_events(user, events)
