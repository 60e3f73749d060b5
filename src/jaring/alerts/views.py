from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.access.permissions import can_edit_data
from jaring.alerts import selectors, services
from jaring.alerts.forms import AcknowledgeForm
from jaring.alerts.sources import SOURCES, kind_label
from jaring.errors import DomainError
from jaring.paging import paginate, querystring_without_page

STATUS_CHOICES = [
    ("terbuka", _("Perlu tindakan")),
    ("ditanggapi", _("Sudah ditanggapi")),
    ("selesai", _("Selesai")),
    ("semua", _("Semua")),
]
REFRESH_QUEUED_KEY = "jaring:alerts:refresh-queued"


def refresh_if_stale() -> None:
    """Queue a sweep when the last one is older than JARING_ALERTS_MAX_AGE_MINUTES;
    at most one queued per ten minutes whoever asks."""
    last = selectors.last_refresh()
    age = timedelta(minutes=settings.JARING_ALERTS_MAX_AGE_MINUTES)
    if last is not None and timezone.now() - last.finished_at < age:
        return
    if cache.add(REFRESH_QUEUED_KEY, True, timeout=600):
        from jaring.alerts.tasks import refresh_alerts

        refresh_alerts.enqueue()


@login_required
def alert_inbox(request):
    refresh_if_stale()
    get = request.GET
    status = get.get("status", "terbuka")
    status = status if status in dict(STATUS_CHOICES) else "terbuka"
    kind = get.get("jenis", "") if get.get("jenis", "") in SOURCES else ""
    found = selectors.inbox(request.user, status=status, kind=kind, region=get.get("wilayah", "").strip())
    page = paginate(request, found)
    counts = selectors.open_counts(request.user)
    return render(
        request,
        "alerts/inbox.html",
        {
            "page": page,
            "rows": [(a, _(kind_label(a.kind))) for a in page.object_list],
            "querystring": querystring_without_page(request),
            "status": status,
            "statuses": STATUS_CHOICES,
            "kind": kind,
            "kinds": sorted(
                ((k, _(s.label), counts.get(k, 0)) for k, s in SOURCES.items()), key=lambda i: i[1]
            ),
            "region": get.get("wilayah", ""),
            "last_refresh": selectors.last_refresh(),
            "can_edit": can_edit_data(request.user),
            "form": AcknowledgeForm(),
        },
    )


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    alert = selectors.alert_get(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis tanggapan: apa yang sudah atau akan dilakukan."))
    else:
        try:
            services.alert_acknowledge(
                actor=request.user, alert=alert, note=form.cleaned_data["acknowledgement"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Tanggapan dicatat."))
    back = request.POST.get("next", "")
    # Back to the same filtered inbox page; nothing else (no open redirect).
    return redirect(back if back.startswith("/peringatan/?") else "alert_inbox")


@login_required
@require_POST
def alert_refresh(request):
    if not can_edit_data(request.user):
        messages.error(request, _("Hanya operator dan admin yang dapat memperbarui peringatan."))
        return redirect("alert_inbox")
    cache.delete(REFRESH_QUEUED_KEY)
    from jaring.alerts.tasks import refresh_alerts

    refresh_alerts.enqueue()
    messages.success(request, _("Pemeriksaan peringatan dijalankan; muat ulang halaman sebentar lagi."))
    return redirect("alert_inbox")
