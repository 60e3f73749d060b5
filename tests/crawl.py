"""Which links a crawl of Jaring's pages follows: one address per URL route and set of
query parameters, leaving out files, the API, the session and language switches and a
list's further pages. Shared by the phone test (``test_phone.py``) and the page-weight
bench (``bench/page_sizes.py``), so both visit the same pages.
"""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

# Not pages: files, the API, the session and language switches.
SKIPPED_PREFIXES = ("/api/", "/static/", "/media/", "/keluar/", "/masuk/", "/i18n/")
SKIPPED_SUFFIXES = (".xlsx", ".xls", ".csv", ".pdf", ".png", ".svg", ".ico", ".zip")
# Further pages of a list look like its first page.
PAGER_PARAMETERS = {"page", "halaman", "setelah", "cursor", "after", "before"}


def route_of(path: str) -> str | None:
    """The URL route ``path`` resolves to (``peserta/<int:pk>/``), None for no page."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).route
    except Resolver404:
        return None


def page_key(href: str, base: str = "") -> tuple[str, str] | None:
    """(address to visit, its route with the names of its query parameters) for a link
    worth visiting; ``href`` is absolute under ``base`` or a path."""
    href = unescape(href)
    if base:
        if not href.startswith(base):
            return None
        href = href[len(base) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name in PAGER_PARAMETERS for name, _value in query):
        return None
    route = route_of(path)
    if route is None:
        return None
    address = path + (f"?{urlencode(query)}" if query else "")
    names = ",".join(sorted({name for name, _value in query}))
    return address, route + (f"?{names}" if names else "")
