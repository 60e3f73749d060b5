"""The UCJ counting rule as dated data (``monitoring.CountingRule``), seeded with the
rule BPJS applies (DOMAIN.md s.4, BPJS internal manual): a government-paid person counts
fully once he has 6 months of paid contributions, pro rata below that; in force from
2020-01-01 until an admin ends it."""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seed_six_months(apps, schema_editor):
    CountingRule = apps.get_model("monitoring", "CountingRule")
    if not CountingRule.objects.exists():
        CountingRule.objects.create(
            full_after_months=6,
            effective_from=date(2020, 1, 1),
            basis="BPJS Ketenagakerjaan: iuran 6 bulan dihitung penuh, di bawahnya proporsional",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_protection_summary"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CountingRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "full_after_months",
                    models.PositiveSmallIntegerField(verbose_name="dihitung penuh setelah (bulan iuran)"),
                ),
                ("effective_from", models.DateField(verbose_name="berlaku mulai")),
                ("effective_to", models.DateField(blank=True, null=True, verbose_name="berlaku sampai")),
                ("basis", models.CharField(blank=True, max_length=200, verbose_name="dasar")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="dibuat")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "aturan penghitungan cakupan",
                "verbose_name_plural": "aturan penghitungan cakupan",
                "ordering": ["effective_from", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("full_after_months__gte", 1), ("full_after_months__lte", 12)),
                        name="counting_rule_months_1_12",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("effective_to__isnull", True),
                            ("effective_to__gte", models.F("effective_from")),
                            _connector="OR",
                        ),
                        name="counting_rule_dates_ordered",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed_six_months, migrations.RunPython.noop),
    ]
