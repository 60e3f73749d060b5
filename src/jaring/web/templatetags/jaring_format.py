"""How values read on every page (a builtin library, see settings ``TEMPLATES``: no
``{% load %}`` needed).

Figures go through ``jaring.formats`` in the page's language: ``{{ n|number }}``
1.234.567, ``{{ share|percent }}`` 50,3% (``|percent:2`` two decimals, ``|percent:"keep"``
the digits given), ``{{ amount|rupiah }}`` Rp1.234.567, ``{{ day|day }}`` 31/12/2025;
``{% date_input %}`` is a date field outside a Django form (a GET filter).
"""

from django import template
from django.forms.utils import flatatt

from jaring.formats import active
from jaring.widgets import DateInput

register = template.Library()


def _decimals(decimals):
    return None if decimals == "keep" else int(decimals)


def _or_as_given(write, value, *args):
    """A filter fails quietly (Django's rule): what is not a number is shown as it is."""
    try:
        return write(value, *args)
    except (ArithmeticError, TypeError, ValueError):
        return value


@register.filter
def number(value, decimals=0):
    return _or_as_given(active.number, value, _decimals(decimals))


@register.filter
def percent(value, decimals=1):
    return _or_as_given(active.percent, value, _decimals(decimals))


@register.filter
def rupiah(value):
    return _or_as_given(active.rupiah, value)


@register.filter
def day(value):
    return active.date(value)


@register.filter
def date_attrs(field):
    """The placeholder, keypad and pattern of a date field (``jaring.widgets.DateInput``)
    for a template that writes its own ``<input>``; nothing for other fields."""
    widget = field.field.widget
    return (
        flatatt({key: str(val) for key, val in widget.attrs.items()}) if isinstance(widget, DateInput) else ""
    )


@register.simple_tag
def date_input(name, value=None, **attrs):
    """``<input>`` for a date a GET filter reads with ``formats.parse_date``: the value as
    dd/mm/yyyy, an ``hh/bb/tttt`` placeholder; ``aria_label=`` writes ``aria-label``."""
    attrs = {key.replace("_", "-"): val for key, val in attrs.items()}
    return DateInput().render(name, value or None, attrs=attrs)


@register.filter
def widget_value(field):
    """A bound field's value as its widget writes it into ``value="..."`` (a date input:
    dd/mm/yyyy, see ``jaring.widgets.DateInput``), not as Django's locale would show it
    ("3 Des. 2026", which the field would not read back). None: no value."""
    return field.field.widget.format_value(field.value())
