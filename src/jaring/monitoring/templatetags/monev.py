"""How coverage reads on the pages: 39,52%, 1.312.370, 15.04, sortable headers."""

from django import template
from django.utils.html import format_html

from jaring import codes

register = template.Library()


@register.filter
def pct(value) -> str:
    """A percentage string "39.52" as officers write it: 39,52%."""
    if value is None or value == "":
        return "\u2013"
    return f"{str(value).replace('.', ',')}%"


@register.filter
def people(value) -> str:
    """A count of people with dots between thousands: 1312370 -> 1.312.370."""
    if value is None or value == "":
        return "\u2013"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def dotted(code) -> str:
    return codes.dotted(str(code)) if code else ""


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str) -> str:
    """A column header that sorts the table by ``key`` (again: the other way round)."""
    current = context.get("sort", "")
    descending = current == f"-{key}"
    ascending = current == key
    target = key if descending else f"-{key}"
    arrow = " \u25bc" if descending else (" \u25b2" if ascending else "")
    query = context.get("sort_query", "")
    return format_html(
        '<a class="link-dark text-decoration-none" href="?{}&urut={}">{}{}</a>', query, target, label, arrow
    )
