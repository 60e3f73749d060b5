"""Tasks of the task worker that keep Jaring's own health visible."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def heartbeat() -> str:
    """Enqueued by the scheduler every minute; its finishing proves a worker is taking
    work from the queue (``/readyz`` reads when it last finished)."""
    return timezone.now().isoformat()
