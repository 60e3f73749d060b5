from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from jaring.access.permissions import can_read_audit
from jaring.api_input import PageNumberPagination
from jaring.audit.selectors import audit_events_filtered, readable
from jaring.guards import require
from jaring.i18n import N_

router = Router(tags=["Audit"])


class DescribedPages(PageNumberPagination):
    """Pages of events read for the user in one go (``describe``): a few queries per
    page, not per event."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = readable(request.user, page[self.items_attribute])
        return page


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_username: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    region_code: str
    changes: dict
    description: str

    @staticmethod
    def resolve_changes(obj) -> dict:
        return obj.visible_changes

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.sentence


@router.get("", response=list[AuditEventOut], summary="Jejak audit (hanya pengguna berakses audit)")
@paginate(DescribedPages, page_size=50)
def list_audit_events(request, action: str = "", target_type: str = "", actor: str = "", target_id: str = ""):
    require(can_read_audit(request.user), N_("Jejak audit hanya dapat dibaca pengguna berakses audit."))
    return audit_events_filtered(
        request.user, action=action, target_type=target_type, actor=actor, target_id=target_id
    )
