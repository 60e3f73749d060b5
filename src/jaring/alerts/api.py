"""API of the alert inbox."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from jaring.alerts import selectors, services
from jaring.alerts.sources import kind_label
from jaring.api_input import Id, Limit, Offset, RegionFilter

router = Router(tags=["Peringatan"])


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    severity: str
    region_code: str
    title: str
    detail: str
    url: str
    count: int | None
    rupiah: int | None
    raised_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledgement: str


class AlertPage(Schema):
    items: list[AlertOut]
    total: int


class AcknowledgeIn(Schema):
    acknowledgement: str


def _out(alert) -> dict:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": kind_label(alert.kind),
        "severity": alert.severity,
        "region_code": alert.region_code,
        "title": alert.title,
        "detail": alert.detail,
        "url": alert.url,
        "count": alert.count,
        "rupiah": alert.rupiah,
        "raised_at": alert.raised_at,
        "resolved_at": alert.resolved_at,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": alert.acknowledged_by.get_username() if alert.acknowledged_by else None,
        "acknowledgement": alert.acknowledgement,
    }


@router.get("/alerts", response=AlertPage, summary="Kotak peringatan wilayah kerja")
def alert_list(
    request,
    status: str = "terbuka",
    kind: str = "",
    region: RegionFilter = "",
    offset: Offset = 0,
    limit: Limit = 100,
):
    """status: terbuka (perlu tindakan), ditanggapi, selesai, semua."""
    found = selectors.inbox(request.user, status=status, kind=kind, region=region)
    return {
        "items": [_out(a) for a in found[offset : offset + limit]],
        "total": found.count(),
    }


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Tanggapi peringatan")
def alert_acknowledge(request, alert_id: Id, payload: AcknowledgeIn):
    alert = selectors.alert_get(request.user, alert_id)
    return _out(services.alert_acknowledge(actor=request.user, alert=alert, note=payload.acknowledgement))
