from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.access.permissions import can_read_audit
from jaring.audit.describe import MODELS
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
# More kinds of record, named by their model (``describe.MODELS``).
MORE_TARGET_TYPES = ("program", "agreement", "bill", "payment", "transfer", "claim", "budget_scenario")


def _target_types() -> list[tuple[str, str]]:
    more = [(key, apps.get_model(MODELS[key])._meta.verbose_name) for key in MORE_TARGET_TYPES]
    return TARGET_TYPES + [(key, str(label)[:1].upper() + str(label)[1:]) for key, label in more]


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
            "target_types": _target_types(),
            "querystring": querystring_without_page(request),
        },
    )
