"""Rates and components as officers read them: ``1%``, ``2,5%``, ``Diskon JKK + JKM``.

Rupiah itself is the builtin ``rupiah`` filter (``jaring.formats``), on every page."""

from decimal import Decimal

from django import template

from jaring.contributions.vocab import Component
from jaring.formats import active

register = template.Library()


@register.filter
def basis_points(value) -> str:
    """Basis points as a percentage: 100 -> 1%, 250 -> 2,5% (English 2.5%)."""
    if value is None or value == "":
        return active.percent(None)
    return active.percent((Decimal(int(value)) / 100).normalize(), decimals=None)


@register.filter
def component_label(code) -> str:
    """A contribution component code as its Indonesian label: DISCOUNT -> Diskon JKK + JKM."""
    return Component(code).label if code in Component.values else code
