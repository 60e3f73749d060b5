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


@register.filter
def widget_value(field):
    """A bound field's value as its widget writes it into ``value="..."`` (a date input:
    ISO yyyy-mm-dd, see ``jaring.widgets.DateInput``), not as the page's language would
    show it ("3 Des. 2026", which a browser's date input drops). None: no value."""
    return field.field.widget.format_value(field.value())
