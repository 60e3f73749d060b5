from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.access.permissions import can_edit_data
from jaring.access.rules import OrgKind
from jaring.access.scoping import jurisdiction_of
from jaring.funds.models import TransferKind
from jaring.monitoring import summaries
from jaring.monitoring.panel import programs_panel
from jaring.regions import selectors


def daily_tasks(user) -> list[dict]:
    """A village operator's daily jobs, each one tap from the home page (its pages answer
    the rest): register people, see whose protection ends, record money received and
    contributions paid (the form opens on that kind and the village), report a death."""
    organization = getattr(user, "organization", None)
    if organization is None or organization.kind != OrgKind.VILLAGE or not can_edit_data(user):
        return []
    return [
        {
            "key": "register",
            "icon": "person-plus",
            "label": _("Daftarkan warga"),
            "hint": _("Unggah daftar warga (XLSX atau CSV)"),
            "url": reverse("import_start"),
        },
        {
            "key": "lapsing",
            "icon": "hourglass-split",
            "label": _("Yang berakhir bulan ini"),
            "hint": _("Masa bayar berakhir dalam 30 hari"),
            "url": reverse("protection_alerts") + "?jenis=berakhir",
        },
        {
            "key": "received",
            "icon": "cash-coin",
            "label": _("Catat dana masuk"),
            "hint": _("Dana diterima di rekening desa"),
            "url": reverse("transfer_create") + f"?jenis={TransferKind.TO_VILLAGE}",
        },
        {
            "key": "paid",
            "icon": "send-check",
            "label": _("Catat bayar iuran"),
            "hint": _("Iuran dibayar desa ke BPJS Ketenagakerjaan"),
            "url": reverse("transfer_create") + f"?jenis={TransferKind.TO_BPJS}",
        },
        {
            "key": "death",
            "icon": "journal-x",
            "label": _("Laporkan kematian"),
            "hint": _("Ajukan klaim jaminan kematian"),
            "url": reverse("claim_report"),
        },
    ]


@login_required
def home(request):
    """The landing page for one's jurisdiction: where am I, and what lies beneath."""
    roots = list(selectors.jurisdiction_roots(request.user))
    jurisdiction = jurisdiction_of(request.user)
    context = {
        "roots": roots,
        "breadcrumb": [],
        "focus": None,
        "children": roots,
        "tasks": daily_tasks(request.user),
    }
    if len(roots) == 1 and not jurisdiction.unrestricted:
        focus = roots[0]
        context.update(
            focus=focus,
            breadcrumb=selectors.region_breadcrumb(focus),
            children=list(selectors.region_children(request.user, focus)),
        )
    context["panel"] = programs_panel(
        request.user, context["focus"], timezone.localdate(), refreshed=summaries.refresh_if_stale()
    )
    return render(request, "web/home.html", context)


def favicon(request):
    """``/favicon.ico``, which browsers and bookmarks ask for before reading the page: the SVG
    icon under its hashed, long-cached name."""
    return redirect(static("jaring/favicon.svg"), permanent=True)


def forbidden(request, exception=None):
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
