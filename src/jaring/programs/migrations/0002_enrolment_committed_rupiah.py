"""Each enrolment keeps the budget it committed, so ending it gives back exactly that
(before, the amount was recomputed from the person's occupation at the time of
ending, which drifted when the occupation had changed)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from jaring.contributions import rates

    RateRule = apps.get_model("contributions", "RateRule")
    Enrolment = apps.get_model("programs", "Enrolment")
    table = [
        rates.RateRule(
            id=r.pk,
            component=r.component,
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            packages=frozenset(r.packages),
            sources=frozenset(r.sources),
            occupations=frozenset(r.occupations),
            rate_bp=r.rate_bp,
            amount=r.amount_rupiah,
            basis=r.basis,
        )
        for r in RateRule.objects.all()
    ]
    quotes: dict[tuple, int] = {}
    changed = []
    rows = Enrolment.objects.select_related("program", "participant").iterator(chunk_size=2000)
    for enrolment in rows:
        program, occupation = enrolment.program, enrolment.participant.occupation
        key = (program.pk, occupation)
        if key not in quotes:
            try:
                monthly = rates.quote_monthly(
                    table,
                    on=program.starts_on,
                    package=program.package,
                    source=program.source,
                    occupation=occupation,
                    income=program.declared_income,
                ).total
            except rates.RateMissing:
                monthly = 0
            quotes[key] = program.coverage_months * monthly
        enrolment.committed_rupiah = quotes[key]
        changed.append(enrolment)
        if len(changed) >= 2000:
            Enrolment.objects.bulk_update(changed, ["committed_rupiah"])
            changed = []
    Enrolment.objects.bulk_update(changed, ["committed_rupiah"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_programs_enrolments_agreements"),
        ("contributions", "0002_seed_bpu_contribution_rates"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="committed_rupiah",
            field=models.PositiveBigIntegerField(
                default=0, db_default=0, verbose_name="anggaran dicadangkan (Rp)"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
