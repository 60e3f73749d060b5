"""Dashboard, report and export reads from a read replica, when there is one.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` database and this
router. Only code inside ``replica_reads`` (the dashboard, report and export views,
through ``from_replica``) reads there; everything else, and every write, uses the
primary. Never a read right after a write:

- within a request, once anything has been written (the router was asked where to
  write), its reads stay on the primary;
- a response to a request that wrote sets the ``jaring_wrote`` cookie for
  ``JARING_REPLICA_STICKY_SECONDS`` (the replica's lag, with room to spare): the same
  browser's reads go to the primary until it expires, so the officer who just posted
  a payment sees it on the next page.

Streamed exports read their rows while the response is sent: each chunk is read
inside the replica context too. Migrations run on the primary only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
REPLICA = "replica"
PRIMARY = "default"
WROTE_COOKIE = "jaring_wrote"

_reading = ContextVar("jaring_replica_reading", default=False)
_wrote = ContextVar("jaring_replica_wrote", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica, unless this request has written."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


@contextmanager
def request_scope() -> Iterator[None]:
    """One request's work: nothing written when it starts."""
    token = _wrote.set(False)
    try:
        yield
    finally:
        _wrote.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and not _wrote.get() and configured():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _streamed(chunks) -> Iterator[bytes]:
    iterator = iter(chunks)
    while True:
        with request_scope(), replica_reads():  # after the request's own scope ended
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def from_replica(view):
    """A GET of ``view`` reads from the replica, unless the browser wrote within the
    last ``JARING_REPLICA_STICKY_SECONDS``. The user and session are read first, from
    the primary."""

    @wraps(view)
    def reading(request, *args, **kwargs):
        if not configured() or request.method not in SAFE_METHODS or WROTE_COOKIE in request.COOKIES:
            return view(request, *args, **kwargs)
        _ = request.user.is_authenticated  # loaded from the primary
        with replica_reads():
            response = view(request, *args, **kwargs)
        if getattr(response, "streaming", False) and not _wrote.get():
            response.streaming_content = _streamed(response.streaming_content)
        return response

    return reading


class WroteMiddleware:
    """Starts each request with nothing written; marks a browser that wrote (or sent
    a form: a write through a raw cursor does not pass the router)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            response = self.get_response(request)
            if configured() and (_wrote.get() or request.method not in SAFE_METHODS):
                response.set_cookie(
                    WROTE_COOKIE,
                    "1",
                    max_age=settings.JARING_REPLICA_STICKY_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
