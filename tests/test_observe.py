"""What Jaring says about itself (jaring.ops.observe): a JSON line per request and per
task, slow queries by their SQL text only, and /metrics behind its token."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def _lines(caplog, logger: str) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == logger]


def test_each_request_is_one_json_line_with_its_request_id(demo, caplog):
    client = demo.client("jambi.operator")
    with caplog.at_level(logging.INFO, logger="jaring.request"):
        response = client.get("/peserta/", {"q": "1504011203850001"}, HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    (line,) = [x for x in _lines(caplog, "jaring.request") if x["path"] == "/peserta/"]
    assert line["method"] == "GET" and line["status"] == 200 and line["view"] == "participant_list"
    assert line["user_id"] == demo.user("jambi.operator").pk and line["request_id"] == "abc-123"
    assert line["duration_ms"] >= 0 and line["slow"] is False
    assert "1504011203850001" not in json.dumps(line)  # the query (a NIK searched) is not logged


def test_a_request_without_an_id_gets_a_new_one(caplog):
    with caplog.at_level(logging.INFO, logger="jaring.request"):
        response = Client().get("/healthz")
    (line,) = _lines(caplog, "jaring.request")
    assert len(response["X-Request-ID"]) == 32 and line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] is None


@override_settings(JARING_SLOW_QUERY_MS=0, JARING_SLOW_REQUEST_MS=0)
def test_slow_requests_and_queries_are_logged_without_their_parameters(demo, caplog):
    client = demo.client("jambi.operator")
    with caplog.at_level(logging.INFO):
        client.get("/peserta/", {"q": "1504011203850001"})
    requests_ = [r for r in caplog.records if r.name == "jaring.request"]
    assert requests_ and all(r.levelno == logging.WARNING for r in requests_)
    queries = _lines(caplog, "jaring.slow")
    assert queries and all(q["event"] == "slow_query" and q["sql"] for q in queries)
    assert "1504011203850001" not in json.dumps(queries)


def test_metrics_are_not_found_without_the_token():
    assert Client().get("/metrics").status_code == 404
    with override_settings(JARING_METRICS_TOKEN="rahasia-prometheus"):
        assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer salah").status_code == 404


@override_settings(JARING_METRICS_TOKEN="rahasia-prometheus")
def test_metrics_give_request_latency_tasks_and_imports(demo, tmp_path):
    from jaring.targeting.imports import import_dtsen

    demo.client("jambi.operator").get("/peserta/")
    extract = tmp_path / "dtsen.csv"
    extract.write_text(
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,ID_KELUARGA,DESIL\n"
        "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,KK-0001,1\n",
        encoding="utf-8",
    )
    import_dtsen(actor=demo.user("jambi.operator"), path=extract, edition="2025-03", today=date(2025, 6, 30))
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer rahasia-prometheus")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'jaring_request_seconds_count{status="2xx",view="participant_list"}' in text
    assert 'jaring_import_rows_total{kind="dtsen"}' in text
    assert "# TYPE jaring_tasks gauge" in text


def test_a_finished_task_is_one_json_line(caplog):
    from jaring.ops.tasks import heartbeat

    with caplog.at_level(logging.INFO, logger="jaring.task"):
        heartbeat.enqueue()  # the test backend runs it at once
    lines = _lines(caplog, "jaring.task")
    assert lines and lines[-1]["task"] == heartbeat.module_path and lines[-1]["status"] == "SUCCESSFUL"
