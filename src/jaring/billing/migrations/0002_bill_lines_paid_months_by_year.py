"""On PostgreSQL, bill lines and paid months partitioned by the year of their first
month (``jaring.partitioning``), keeping their rows; a paid-months row no longer
checks its bill line at the database (no foreign key may point at a partitioned
table). The models do not change otherwise. Not reversible."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from jaring.billing.partitions import BILL_LINES, PAID_MONTHS
from jaring.partitioning import partition_table


def partition(apps, schema_editor):
    for spec in (BILL_LINES, PAID_MONTHS):
        partition_table(schema_editor, spec, today=timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_bills_payments_paid_months_refunds")]

    operations = [
        migrations.AlterField(
            model_name="paidmonths",
            name="line",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="paid_months",
                to="billing.billline",
            ),
        ),
        migrations.RunPython(partition, elidable=False),
    ]
