from django.utils.translation import gettext_lazy as _

from jaring.accounts.permissions import can_administer, can_read_audit
from jaring.alerts.selectors import open_counts

# The navigation shell; later capabilities replace `url_name=None` with their pages.
MODULES = [
    ("peserta", _("Peserta"), "participant_list"),
    ("program", _("Program"), "program_list"),
    ("dana", _("Dana"), "funds_overview"),
    ("anggaran", _("Anggaran"), "budget_planning"),
    ("iuran", _("Iuran"), "bill_list"),
    ("klaim", _("Klaim"), "claim_list"),
    ("monev", _("Monev"), "coverage_dashboard"),
]


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": MODULES}
    return {
        "nav_modules": MODULES,
        "nav_can_admin": can_administer(user),
        "nav_can_audit": can_read_audit(user),
        "nav_open_alerts": lambda: sum(open_counts(user).values()),  # read only when shown
    }
