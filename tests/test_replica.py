"""Which database a read goes to (``jaring.replica``): the replica only inside the
dashboard, report and export views, never for a write, never after the request or the
browser wrote. The router is asked here as Django asks it; tests/test_replica_live.py
serves Jaring on a real primary and replica with different figures."""

from __future__ import annotations

import pytest
from django.db import router
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from jaring import replica
from jaring.regions.models import Region
from jaring.replica import WROTE_COOKIE, WroteMiddleware, from_replica, replica_reads, request_scope


@pytest.fixture
def with_replica(monkeypatch, settings):
    monkeypatch.setattr(replica, "configured", lambda: True)
    settings.JARING_REPLICA_STICKY_SECONDS = 30


def _reads_from() -> str:
    return router.db_for_read(Region)


def test_without_a_replica_everything_reads_the_primary():
    with request_scope(), replica_reads():
        assert _reads_from() == "default"
        assert router.db_for_write(Region) == "default"


def test_reads_go_to_the_replica_only_inside_replica_reads_and_until_a_write(with_replica):
    assert _reads_from() == "default"
    with request_scope():
        with replica_reads():
            assert _reads_from() == "replica"
            assert router.db_for_write(Region) == "default"
            assert _reads_from() == "default"  # right after a write: the primary
        assert _reads_from() == "default"


def _view(seen):
    @from_replica
    def view(request):
        seen.append(_reads_from())
        return HttpResponse("ok")

    return view


def _get(path="/monev/", **cookies):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    return request


def test_a_dashboard_get_reads_the_replica_but_not_after_the_browser_wrote(with_replica):
    seen = []
    middleware = WroteMiddleware(_view(seen))
    middleware(_get())
    middleware(_get(**{WROTE_COOKIE: "1"}))
    post = RequestFactory().post("/monev/")
    post.user = _get().user
    middleware(post)
    assert seen == ["replica", "default", "default"]


def test_a_view_not_marked_reads_the_primary(with_replica):
    seen = []

    def view(request):
        seen.append(_reads_from())
        return HttpResponse("ok")

    WroteMiddleware(view)(_get("/peserta/"))
    assert seen == ["default"]


def test_a_streamed_export_reads_each_chunk_from_the_replica(with_replica):
    seen = []

    def chunks():
        for n in range(3):
            seen.append(_reads_from())
            yield f"{n}\n".encode()

    @from_replica
    def export(request):
        return StreamingHttpResponse(chunks())

    response = WroteMiddleware(export)(_get("/peserta/ekspor.csv"))
    assert b"".join(response.streaming_content) == b"0\n1\n2\n"
    assert seen == ["replica"] * 3
    assert _reads_from() == "default"  # and nothing after


def test_a_write_or_a_form_marks_the_browser_for_the_sticky_seconds(with_replica):
    def writes(request):
        router.db_for_write(Region)
        return HttpResponse("saved")

    answer = WroteMiddleware(writes)(_get("/lang/"))
    assert answer.cookies[WROTE_COOKIE]["max-age"] == 30
    assert answer.cookies[WROTE_COOKIE]["httponly"]

    post = RequestFactory().post("/pembayaran/baru/")
    assert WROTE_COOKIE in WroteMiddleware(lambda request: HttpResponse())(post).cookies

    read = WroteMiddleware(lambda request: HttpResponse())(_get())
    assert WROTE_COOKIE not in read.cookies
    # The next request on the same thread starts with nothing written.
    seen = []
    WroteMiddleware(_view(seen))(_get())
    assert seen == ["replica"]


def test_no_cookie_is_set_without_a_replica():
    def writes(request):
        router.db_for_write(Region)
        return HttpResponse("saved")

    assert WROTE_COOKIE not in WroteMiddleware(writes)(RequestFactory().post("/x/")).cookies


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "billing")
    assert not router.allow_migrate("replica", "billing")


def test_a_streamed_export_of_a_request_that_wrote_reads_the_primary(with_replica):
    seen = []

    def chunks():
        seen.append(_reads_from())
        yield b"x"

    @from_replica
    def export(request):
        router.db_for_write(Region)  # say, a record of the export
        return StreamingHttpResponse(chunks())

    response = WroteMiddleware(export)(_get("/peserta/ekspor.csv"))
    assert b"".join(response.streaming_content) == b"x"
    assert seen == ["default"]
