"""How coverage reads on the pages: 39,52%, 1.312.370, 15.04, sortable headers."""

from django import template
from django.utils.html import format_html

from jaring import codes
from jaring.formats import active

register = template.Library()


@register.filter
def pct(value) -> str:
    """A coverage percentage string "39.52" with its own digits: 39,52% (English 39.52%)."""
    return active.percent(value, decimals=None)


@register.filter
def people(value) -> str:
    """A count of people: 1312370 -> 1.312.370 (English 1,312,370)."""
    return active.number(value)


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
