"""One table per DTSEN edition on PostgreSQL: ``targeting_dtsenperson`` is partitioned
by edition (``PARTITION BY LIST (edition_id)``, migration 0004).

An edition is written once and never edited, which suits a partition of its own: its
people are COPYed into a bare table (no index to keep up row by row), which is then
attached to the partitioned table, PostgreSQL building its indexes in one sorted pass
each, and analysed, so the first proposal after an import is planned on its figures.
Its ``CHECK (edition_id = N)`` spares the attach a scan. It all happens in the
import's transaction: a refused extract leaves no table behind. Rows written any
other way (tests, an edition from before the partitioning) go to the default
partition. Elsewhere (SQLite) there is the one table.
"""

from __future__ import annotations

from django.db import connection

from jaring.targeting.models import DtsenEdition, DtsenPerson

INDEX_BUILD_MEMORY = "512MB"


def _partitioned() -> bool:
    return connection.vendor == "postgresql"


def people_table(edition: DtsenEdition) -> str:
    """The table the people of ``edition`` are written to."""
    if not _partitioned():
        return DtsenPerson._meta.db_table
    return f"{DtsenPerson._meta.db_table}_e{int(edition.pk)}"


def create_people_table(edition: DtsenEdition) -> str:
    """A bare table for the people of ``edition``, not attached yet; its name."""
    table = people_table(edition)
    if _partitioned():
        quote = connection.ops.quote_name
        parent = quote(DtsenPerson._meta.db_table)
        column = quote(DtsenPerson._meta.get_field("edition").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {quote(table)} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS,"
                f" CHECK ({column} = {int(edition.pk)}))"
            )
    return table


def attach_people_table(edition: DtsenEdition) -> None:
    """Attach the people of ``edition`` to the partitioned table (its indexes built) and
    analyse them."""
    if not _partitioned():
        return
    quote = connection.ops.quote_name
    table = quote(people_table(edition))
    with connection.cursor() as cursor:
        # The index builds sort millions of rows: in memory, for this transaction only.
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        cursor.execute(
            f"ALTER TABLE {quote(DtsenPerson._meta.db_table)} ATTACH PARTITION {table}"
            f" FOR VALUES IN ({int(edition.pk)})"
        )
        cursor.execute(f"ANALYZE {table}")
