"""How the claims pages write multiples of income: 4800 (percent) -> 48, 50 -> 0,5."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext

from jaring.claims import benefits
from jaring.formats import active

register = template.Library()


@register.filter
def times_income(percent) -> str:
    """A percentage of income as a multiple: 4800 -> 48, 50 -> 0,5 (English 0.5)."""
    if percent in (None, ""):
        return active.number(None)
    return active.number((Decimal(int(percent)) / 100).normalize(), decimals=None)


@register.filter
def benefit_line_label(line) -> str:
    """A quote line's label in the active language, from its component (a line is a
    ``benefits.Line`` or the dict frozen on a verified claim)."""
    component = line["component"] if isinstance(line, dict) else line.component
    if component.startswith(f"{benefits.SCHOLARSHIP}_child_"):
        return gettext(benefits.CHILD_LINE) % {
            "benefit": gettext(benefits.COMPONENT_LABELS[benefits.SCHOLARSHIP]),
            "n": component.rsplit("_", 1)[1],
        }
    label = benefits.COMPONENT_LABELS.get(component) or (
        line["label"] if isinstance(line, dict) else line.label
    )
    return gettext(label)
