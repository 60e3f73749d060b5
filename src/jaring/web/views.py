from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from jaring.access.scoping import jurisdiction_of
from jaring.monitoring import summaries
from jaring.monitoring.panel import programs_panel
from jaring.regions import selectors


@login_required
def home(request):
    """The landing page for one's jurisdiction: where am I, and what lies beneath."""
    roots = list(selectors.jurisdiction_roots(request.user))
    jurisdiction = jurisdiction_of(request.user)
    context = {"roots": roots, "breadcrumb": [], "focus": None, "children": roots}
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


def forbidden(request, exception=None):
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
