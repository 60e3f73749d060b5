"""On PostgreSQL, audit events partitioned by the year they were recorded
(``jaring.partitioning``), keeping their rows, indexes and the append-only trigger,
which PostgreSQL puts on every partition. The model does not change. Not reversible."""

from django.db import migrations
from django.utils import timezone

from jaring.audit.partitions import AUDIT_EVENTS
from jaring.partitioning import partition_table


def partition(apps, schema_editor):
    partition_table(schema_editor, AUDIT_EVENTS, today=timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_indexes_without_like")]

    operations = [migrations.RunPython(partition, elidable=False)]
