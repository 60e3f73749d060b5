from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def audit_value(value):
    """Show an audited value the way an officer reads it."""
    if value is None:
        return "\u2013"  # en dash
    if value is True:
        return _("ya")
    if value is False:
        return _("tidak")
    if value == "":
        return _("(kosong)")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or _("(kosong)")
    return value
