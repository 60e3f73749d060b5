"""Background work of monitoring (run by `jaring db_worker`)."""

from django_tasks import task

from jaring.monitoring.summaries import summaries_refresh


@task()
def refresh_summaries() -> dict:
    run = summaries_refresh()
    return {"on": run.on.isoformat(), "regions": run.regions, "seconds": run.seconds}
