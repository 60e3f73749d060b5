"""Reads from a read replica through the real HTTP stack on PostgreSQL: Jaring served
with ``DATABASE_REPLICA_URL`` on a second database that differs from the primary by
one region's name, so each page shows which database it read. The dashboard reads the
replica, other pages the primary, and the browser that just wrote reads the primary
until ``JARING_REPLICA_STICKY_SECONDS`` have passed."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from psycopg import sql

from .live_stack import Officer, _admin_connection, _database_url, _drop_database, live_stack

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the live stack runs on PostgreSQL"),
]

STICKY = 2  # seconds
ON_REPLICA = "JAMBI DI REPLIKA"


def test_dashboards_read_the_replica_and_a_browser_that_wrote_reads_the_primary(tmp_path):
    made = []

    def replica_of(stack):
        name = f"{stack.database}_replica"
        with _admin_connection() as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(stack.database)
                )
            )
        made.append(name)
        import psycopg

        with psycopg.connect(_database_url(name)) as replica:
            replica.execute("UPDATE regions_region SET name = %s WHERE code = '15'", [ON_REPLICA])
        stack.env.update(DATABASE_REPLICA_URL=_database_url(name), JARING_REPLICA_STICKY_SECONDS=str(STICKY))

    try:
        with live_stack(tmp_path, prepare=replica_of) as stack:
            viewer = Officer(stack, "jambi.viewer")
            viewer.log_in()  # a form sent: the primary for the sticky seconds
            assert ON_REPLICA not in viewer.page("/monev/").text

            time.sleep(STICKY + 0.5)
            dashboard = viewer.page("/monev/")
            assert ON_REPLICA in dashboard.text, "the dashboard did not read the replica"
            assert ON_REPLICA not in viewer.page("/").text, "the home page must read the primary"
            export = viewer.page("/monev/cakupan.xlsx")
            assert export.headers["Content-Type"].startswith("application/vnd.openxmlformats")

            viewer.browser.cookies.clear()
            viewer.log_in()  # wrote again (last login): the next dashboard reads the primary
            assert ON_REPLICA not in viewer.page("/monev/").text
    finally:
        for name in made:
            _drop_database(name)
