"""Small helpers shared by the web views."""

from __future__ import annotations

from django.core.paginator import Paginator

from jaring.errors import DomainError


def add_domain_error(form, exc: DomainError) -> None:
    """Show a domain error on the form field it names (or on the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def paginate(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("halaman") or request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("halaman", None)
    params.pop("page", None)
    return params.urlencode()
