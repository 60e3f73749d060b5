"""Money and rates as officers read them: ``Rp16.212.268.800``, ``1%``, ``50%``."""

from django import template

from jaring.contributions.planning import format_rupiah
from jaring.contributions.vocab import Component

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Whole rupiah with dots between thousands: 16212268800 -> Rp16.212.268.800."""
    return format_rupiah(None if value in (None, "") else int(value))


@register.filter
def basis_points(value) -> str:
    """Basis points as a percentage with a decimal comma: 100 -> 1%, 250 -> 2,5%."""
    if value is None or value == "":
        return "\u2013"
    whole, rest = divmod(int(value), 100)
    return f"{whole}%" if not rest else f"{whole},{rest:02d}".rstrip("0") + "%"


@register.filter
def component_label(code) -> str:
    """A contribution component code as its Indonesian label: DISCOUNT -> Diskon JKK + JKM."""
    return Component(code).label if code in Component.values else code
