"""How the claims pages write multiples of income: 4800 (percent) -> 48, 50 -> 0,5."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def times_income(percent) -> str:
    """A percentage of income as a multiple with a decimal comma: 4800 -> 48, 50 -> 0,5."""
    if percent in (None, ""):
        return "\u2013"
    value = Decimal(int(percent)) / 100
    return f"{value.normalize():f}".replace(".", ",")
