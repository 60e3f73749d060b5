"""Background work of alerts (run by `jaring db_worker`)."""

from django_tasks import task

from jaring.alerts.digests import digests_send
from jaring.alerts.services import alerts_refresh


@task()
def refresh_alerts() -> dict:
    run = alerts_refresh()
    return {"raised": run.raised, "updated": run.updated, "resolved": run.resolved, "failures": run.failures}


@task()
def send_digests() -> dict:
    """The e-mail digests due now (see ``alerts.digests``); safe to run more than once a
    day: a user gets at most one digest per day."""
    return digests_send().as_dict()
