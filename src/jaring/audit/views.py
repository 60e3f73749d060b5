from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.access.permissions import can_read_audit
from jaring.audit.selectors import audit_events_filtered, readable
from jaring.guards import require
from jaring.paging import paginate, querystring_without_page

TARGET_TYPES = [
    ("", gettext_lazy("Semua")),
    ("organization", gettext_lazy("Organisasi")),
    ("user", gettext_lazy("Pengguna")),
    ("api_token", gettext_lazy("Token API")),
    ("region", gettext_lazy("Wilayah")),
    ("participant", gettext_lazy("Peserta")),
    ("participant_import", gettext_lazy("Impor peserta")),
]


@login_required
def audit_list(request):
    require(can_read_audit(request.user), _("Jejak audit hanya dapat dibaca pengguna berakses audit."))
    filters = {
        "action": request.GET.get("tindakan", "").strip(),
        "target_type": request.GET.get("jenis", "").strip(),
        "actor": request.GET.get("pelaku", "").strip(),
    }
    events = audit_events_filtered(request.user, **filters)
    page = paginate(request, events)
    page.object_list = readable(request.user, page.object_list)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "filters": filters,
            "target_types": TARGET_TYPES,
            "querystring": querystring_without_page(request),
        },
    )
