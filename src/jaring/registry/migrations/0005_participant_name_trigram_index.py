"""PostgreSQL: a trigram index so that name search (icontains) over millions of
participants does not scan the table. Django's icontains on PostgreSQL compiles to
UPPER("full_name"::text) LIKE UPPER(%s), so the index is on that expression.

Needs the pg_trgm extension; where the database user may not create it, the index is
skipped with a notice (search still works, only slower)."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS participant_name_trgm ON registry_participant "
    'USING gin ((UPPER("full_name"::text)) gin_trgm_ops)'
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT trgm")
            except Exception as exc:  # no privilege to create extensions
                cursor.execute("ROLLBACK TO SAVEPOINT trgm")
                print(f"\n  pg_trgm unavailable ({exc.__class__.__name__}); name search stays unindexed.")
                return
        cursor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS participant_name_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_duplicate_candidates")]
    operations = [migrations.RunPython(forwards, backwards)]
