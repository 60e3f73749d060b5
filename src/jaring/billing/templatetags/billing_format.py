"""How protection and months read on the billing pages."""

from django import template
from django.utils.translation import gettext

from jaring.billing.protection import STATUS_LABELS, ProtectionStatus, month_label

register = template.Library()

BADGES = {
    ProtectionStatus.ACTIVE: "text-bg-success",
    ProtectionStatus.ARREARS: "text-bg-warning",
    ProtectionStatus.LAPSED: "text-bg-danger",
    ProtectionStatus.DECEASED: "text-bg-dark",
    ProtectionStatus.EXITED: "text-bg-secondary",
    ProtectionStatus.NOT_COVERED: "text-bg-light border",
}


@register.filter
def protection_badge(status) -> str:
    """The badge class of a protection status: active is green, lapsed red."""
    return BADGES.get(ProtectionStatus(status), "text-bg-secondary") if status else "text-bg-secondary"


@register.filter
def protection_label(status) -> str:
    """The status in the active language (labels are marked in ``protection``)."""
    return gettext(STATUS_LABELS[ProtectionStatus(status)]) if status else "\u2013"


@register.filter
def month(index) -> str:
    """A month index as YYYY-MM."""
    return "\u2013" if index in (None, "") else month_label(int(index))
