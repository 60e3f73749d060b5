"""Background work of alerts (run by `jaring db_worker`)."""

from django_tasks import task

from jaring.alerts.services import alerts_refresh


@task()
def refresh_alerts() -> dict:
    run = alerts_refresh()
    return {"raised": run.raised, "updated": run.updated, "resolved": run.resolved, "failures": run.failures}
