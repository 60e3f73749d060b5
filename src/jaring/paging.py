"""Paging shared by every list: page numbers for short lists, keyset pages for long ones,
and the date a list or page is read as of (``date_param``).

A keyset page asks for one row more than it shows, so it knows whether a next page
exists without counting the whole set, and it starts after the last key shown
instead of skipping rows with OFFSET: a page of a million enrolments costs what a
page of a hundred does.
"""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils import timezone

from jaring import formats


def paginate(request, queryset, per_page: int = 50):
    """The page asked for by ``halaman`` (or ``page``) of a short list, counted."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("halaman") or request.GET.get("page"))


def querystring_without_page(request) -> str:
    """The request's filters, to be carried by the pager's links."""
    params = request.GET.copy()
    params.pop("halaman", None)
    params.pop("page", None)
    return params.urlencode()


def date_param(request, name: str = "tanggal") -> date:
    """The date the page is read as of (dd/mm/yyyy or YYYY-MM-DD); today when absent or unreadable."""
    raw = request.GET.get(name, "")
    try:
        return formats.parse_date(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _key_of(row, key: str):
    return row[key] if isinstance(row, dict) else getattr(row, key)


def keyset_page(
    rows: QuerySet, *, limit: int, after=None, key: str = "id", newest_first: bool = False
) -> tuple[list, object | None]:
    """One page of ``rows`` ordered by ``key`` (descending when ``newest_first``),
    starting after the key ``after``; returns the rows and the key to ask for the
    next page (None on the last page). ``rows`` may be model rows or ``values()``."""
    if after:
        rows = rows.filter(**{f"{key}__lt" if newest_first else f"{key}__gt": after})
    found = list(rows.order_by(f"-{key}" if newest_first else key)[: limit + 1])
    next_after = _key_of(found[limit - 1], key) if len(found) > limit else None
    return found[:limit], next_after
