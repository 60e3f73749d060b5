"""Writing alerts: the sweep that keeps them current, and acknowledgement."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from jaring.access.permissions import can_edit_data
from jaring.alerts.models import Alert, AlertRefresh
from jaring.alerts.sources import SOURCES, Draft
from jaring.audit.services import audit_record
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.i18n import N_

logger = logging.getLogger(__name__)

FIELDS = (
    "region_code",
    "organization_id",
    "severity",
    "title",
    "detail",
    "message",
    "url",
    "count",
    "rupiah",
)


def alerts_refresh(*, today: date | None = None, kinds: list[str] | None = None) -> AlertRefresh:
    """Run every source (or ``kinds``) and bring the stored alerts in line: a new
    condition is raised, one that still holds is updated, one that no longer holds
    is resolved, one that comes back is raised again (and needs a new
    acknowledgement). A failing source is reported and its alerts left as they were."""
    today = today or timezone.localdate()
    started = timezone.now()
    run = AlertRefresh(started_at=started, finished_at=started)
    for kind, found in sorted(SOURCES.items()):
        if kinds is not None and kind not in kinds:
            continue
        try:
            drafts = list(found.collect(today))
        except Exception as exc:  # one broken source must not hide the others' alerts
            logger.exception("alert source %s failed", kind)
            run.failures.append([kind, str(exc)[:300]])
            continue
        raised, updated, resolved = _apply(kind, drafts, now=timezone.now())
        run.raised += raised
        run.updated += updated
        run.resolved += resolved
    run.finished_at = timezone.now()
    run.save()
    return run


@transaction.atomic
def _apply(kind: str, drafts: list[Draft], *, now) -> tuple[int, int, int]:
    by_key = {d.key: d for d in drafts}
    stored = {a.key: a for a in Alert.objects.select_for_update().filter(kind=kind)}
    fresh, changed = [], []
    raised = updated = 0
    for key, draft in by_key.items():
        alert = stored.get(key)
        if alert is None:
            fresh.append(Alert(kind=kind, key=key, raised_at=now, seen_at=now, **_values(draft)))
            raised += 1
            continue
        if alert.resolved_at is not None:  # the condition is back: a new alert to act on
            alert.raised_at, alert.resolved_at = now, None
            alert.acknowledged_at, alert.acknowledged_by, alert.acknowledgement = None, None, ""
            raised += 1
        else:
            updated += 1
        for name, value in _values(draft).items():
            setattr(alert, name, value)
        alert.seen_at = now
        changed.append(alert)
    gone = [a for key, a in stored.items() if key not in by_key and a.resolved_at is None]
    for alert in gone:
        alert.resolved_at = now
    Alert.objects.bulk_create(fresh, batch_size=1000)
    Alert.objects.bulk_update(
        changed + gone,
        [
            *FIELDS,
            "seen_at",
            "raised_at",
            "resolved_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement",
        ],
        batch_size=1000,
    )
    return raised, updated, len(gone)


def _values(draft: Draft) -> dict:
    return {
        "region_code": draft.region_code,
        "organization_id": draft.organization_id,
        "severity": draft.severity,
        "title": draft.text_title[:255],
        "detail": draft.text_detail[:500],
        "message": {"title": draft.title, "detail": draft.detail, "params": dict(draft.params)},
        "url": draft.url[:255],
        "count": draft.count,
        "rupiah": draft.rupiah,
    }


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert, note: str) -> Alert:
    """An officer says the alert is seen and handled (with what was done); audited.
    The alert stays open until its condition ends."""
    if not can_edit_data(actor):
        raise PermissionDeniedError(N_("Hanya operator dan admin yang dapat menanggapi peringatan."))
    note = " ".join((note or "").split())
    if not note:
        raise InvalidInput(
            N_("Tulis tanggapan: apa yang sudah atau akan dilakukan."),
            code="required",
            field="acknowledgement",
        )
    if len(note) > 500:
        raise InvalidInput(
            N_("Tanggapan paling panjang 500 karakter."), code="too_long", field="acknowledgement"
        )
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        if alert.acknowledged_by is None:
            raise Conflict(
                N_("Peringatan ini sudah ditanggapi oleh pengguna lain."), code="already_acknowledged"
            )
        raise Conflict(
            N_("Peringatan ini sudah ditanggapi oleh %(user)s."),
            params={"user": str(alert.acknowledged_by)},
            code="already_acknowledged",
        )
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.acknowledgement = note
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    audit_record(
        actor=actor,
        action="alert.acknowledge",
        target_type="alert",
        target_id=alert.pk,
        target_repr=alert.title,
        changes={"acknowledgement": ["", note]},
        region_code=alert.region_code,
    )
    return alert
