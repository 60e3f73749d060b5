"""Two officers at the same moment, on PostgreSQL: work run on real connections of
their own, which commit (the test's connection stays inside its rolled-back
transaction), and the committed rows emptied afterwards."""

from __future__ import annotations

import threading

from django.db import connection, connections

# Rows that exist before any test (loaded once per test database, or seeded by
# migrations): never emptied.
KEPT_TABLES = {
    "regions_region",
    "contributions_raterule",
    "claims_benefitrule",
    "claims_scholarshiplevel",
    "monitoring_countingrule",
}
# Referenced by a kept table (a rule's author), so deleted rather than truncated.
DELETED_LAST = ("accounts_user", "accounts_organization")


def in_own_connection(work):
    """Run ``work`` in a thread with its own, committing, database connection;
    returns its result or raises its error."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def at_once(work, count: int = 2) -> list:
    """Run ``work`` in ``count`` threads released together, each on its own
    connection; each result, or the error it raised (a DomainError is an answer, any
    other error a defect the test shows)."""
    start = threading.Barrier(count)
    results = []

    def session():
        try:
            start.wait()
            results.append(work())
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=session) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def empty_committed_tables() -> None:
    """Empty every table a committed setup may have written (the audit trail refuses
    DELETE, so everything is truncated), keeping the regions and the seeded rules."""

    def clean():
        tables = [
            name
            for name in connection.introspection.table_names()
            if name not in KEPT_TABLES
            and name not in DELETED_LAST
            and not name.startswith(("django_", "auth_"))
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} CASCADE")
            cursor.execute("DELETE FROM contributions_raterule WHERE created_by_id IS NOT NULL")
            cursor.execute("DELETE FROM claims_benefitrule WHERE created_by_id IS NOT NULL")
            cursor.execute("DELETE FROM monitoring_countingrule WHERE created_by_id IS NOT NULL")
            for table in DELETED_LAST:
                cursor.execute(f"DELETE FROM {table}")

    in_own_connection(clean)


def slowed(monkeypatch, target: str, seconds: float = 0.3) -> None:
    """Make ``target`` ("module.attribute", a step inside the service's transaction,
    after its checks) take ``seconds`` longer: both officers are then surely inside
    the critical section together unless a lock keeps the second one waiting."""
    import importlib
    import time

    module_name, attribute = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    original = getattr(module, attribute)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, attribute, slow)
