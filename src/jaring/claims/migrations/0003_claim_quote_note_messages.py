"""A verified claim keeps its quote's notes as catalogue messages with their figures
beside their Indonesian text (``quote_notes``), so the claim page shows them in the
officer's language. Claims verified before keep an empty list: the page shows their
text as it was frozen."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_seed_benefit_rules")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="quote_note_messages",
            field=models.JSONField(blank=True, default=list, verbose_name="catatan manfaat (pesan)"),
        ),
    ]
