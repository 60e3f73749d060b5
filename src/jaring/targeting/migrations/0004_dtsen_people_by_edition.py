"""On PostgreSQL, the DTSEN people table partitioned by edition (``targeting.partitions``):
each edition already saved gets its own partition, and a default partition takes rows
of an edition that has none. The model does not change. Not reversible."""

from django.db import migrations

TABLE = "targeting_dtsenperson"
OLD = "targeting_dtsenperson_single"
SEQUENCE = "targeting_dtsenperson_people_id_seq"


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {TABLE}_pkey TO {OLD}_pkey")
        cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT dtsen_person_nik_unique TO {OLD}_nik")
        cursor.execute(f"ALTER INDEX dtsen_person_village RENAME TO {OLD}_village")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            " PARTITION BY LIST (edition_id)"
        )
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
        cursor.execute(f"SELECT setval('{SEQUENCE}', coalesce(max(id), 0) + 1, false) FROM {OLD}")  # noqa: S608 (constant names)
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, edition_id)")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT dtsen_person_nik_unique UNIQUE (edition_id, nik)")
        cursor.execute(f"CREATE INDEX dtsen_person_village ON {TABLE} (edition_id, village_id, decile)")
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute("SELECT id FROM targeting_dtsenedition ORDER BY id")
        for (edition,) in cursor.fetchall():
            cursor.execute(
                f"CREATE TABLE {TABLE}_e{int(edition)} PARTITION OF {TABLE} FOR VALUES IN ({int(edition)})"
            )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608 (constant names)
        cursor.execute(f"DROP TABLE {OLD}")


class Migration(migrations.Migration):
    dependencies = [("targeting", "0003_dtsen_person_copy_friendly")]

    operations = [migrations.RunPython(partition, elidable=False)]
