from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from jaring.access.permissions import can_administer, can_read_audit
from jaring.alerts.selectors import open_counts

# The navigation shell; later capabilities replace `url_name=None` with their pages.
MODULES = [
    ("peserta", _("Peserta"), "participant_list"),
    ("program", _("Program"), "program_list"),
    ("sasaran", _("Sasaran"), "targeting_proposal"),
    ("dana", _("Dana"), "funds_overview"),
    ("anggaran", _("Anggaran"), "budget_planning"),
    ("iuran", _("Iuran"), "bill_list"),
    ("klaim", _("Klaim"), "claim_list"),
    ("monev", _("Monev"), "coverage_dashboard"),
]


def open_alert_badge(user) -> int:
    """The menu's count of open alerts, cached for a minute per user: every page shows
    it, and a minute's delay on a count that the hourly sweep moves is harmless."""
    key = f"jaring:alerts:badge:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = sum(open_counts(user).values())
        cache.set(key, count, timeout=60)
    return count


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": MODULES}
    return {
        "nav_modules": MODULES,
        "nav_can_admin": can_administer(user),
        "nav_can_audit": can_read_audit(user),
        "nav_open_alerts": lambda: open_alert_badge(user),  # read only when shown
    }
