"""Tables that grow with time, one partition per year on PostgreSQL.

Bill lines, paid months and audit events grow every month and are read by period, so
on PostgreSQL each is ``PARTITION BY RANGE`` of its period column, a partition per
calendar year (``<table>_y2026``) and a default partition (``<table>_default``) so a
row of a year that has no partition yet is still written, never refused. The
migrations convert the tables (``partition_table``) with partitions from
``FIRST_YEAR`` to ``AHEAD`` years past the day they run; the scheduler's daily
``partitions`` job (``ensure``) keeps ``AHEAD`` years ready and gives a year that has
rows in the default partition a partition of its own, moving those rows into it.

The primary key becomes ``(id, period)``, as PostgreSQL requires of a partitioned
table; ids still come from one sequence, so they stay unique, and Django keeps
addressing rows by ``id``. No foreign key may point at a partitioned table (none
does: ``PaidMonths.line`` does not check its bill line at the database). SQLite keeps
plain tables: nothing here runs there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

FIRST_YEAR = 2020  # the first year of contributions from public budgets (DOMAIN.md)
AHEAD = 2  # years of partitions kept ready past today


@dataclass(frozen=True)
class ByYear:
    """``table`` partitioned by the calendar year of ``column``: a month index
    (``year * 12 + month - 1``) when ``months``, else a timestamp with time zone
    (years counted in UTC: the bound is only where a row is stored)."""

    table: str
    column: str
    months: bool

    def bounds(self, year: int) -> tuple[str, str]:
        """The SQL literals of ``year``'s partition bounds, from (inclusive) and to."""
        if self.months:
            return str(year * 12), str((year + 1) * 12)
        return f"'{year:04d}-01-01 00:00:00+00'", f"'{year + 1:04d}-01-01 00:00:00+00'"

    def year_of(self, column: str) -> str:
        """The SQL expression of the year a value of ``column`` is stored under."""
        if self.months:
            return f"({column} / 12)"  # integer division
        return f"extract(year from {column} AT TIME ZONE 'UTC')::int"

    def partition(self, year: int) -> str:
        return f"{self.table}_y{year:04d}"

    @property
    def default(self) -> str:
        return f"{self.table}_default"


def active() -> bool:
    return connection.vendor == "postgresql"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _years_until(today: date) -> range:
    return range(FIRST_YEAR, today.year + AHEAD + 1)


def partition_table(schema_editor, spec: ByYear, *, today: date) -> None:
    """Convert ``spec.table`` into a table partitioned by year, keeping its rows, its
    indexes (by name), its check constraints, its foreign keys and its triggers. Run by
    a migration, inside its transaction. Refuses a table with unique constraints other
    than the primary key (they would have to include the period) or one that a
    foreign key points at."""
    if schema_editor.connection.vendor != "postgresql":
        return
    table, old = spec.table, f"{spec.table}_unpartitioned"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        unique = [name for name, kind, _ in constraints if kind == "u"]
        cursor.execute("SELECT conname FROM pg_constraint WHERE confrelid = %s::regclass", [table])
        referenced = [name for (name,) in cursor.fetchall()]
        if unique or referenced:
            raise RuntimeError(
                f"{table} cannot be partitioned by year: {unique + referenced} stand in the way"
            )
        foreign = [(name, definition) for name, kind, definition in constraints if kind == "f"]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = %s AND indexname <> %s",
            [table, f"{table}_pkey"],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        triggers = [definition for (definition,) in cursor.fetchall()]

        cursor.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote(old)}")
        pkey, old_pkey = _quote(f"{table}_pkey"), _quote(f"{old}_pkey")
        cursor.execute(f"ALTER TABLE {_quote(old)} RENAME CONSTRAINT {pkey} TO {old_pkey}")
        for number, (name, _) in enumerate(indexes):
            cursor.execute(f"ALTER INDEX {_quote(name)} RENAME TO {_quote(f'{old}_index{number}')}")
        cursor.execute(
            f"CREATE TABLE {_quote(table)} (LIKE {_quote(old)} {_INCLUDING})"
            f" PARTITION BY RANGE ({_quote(spec.column)})"
        )
        # PostgreSQL 15 has no identity columns on partitioned tables: a sequence of
        # its own, started past the rows kept.
        sequence = _quote(f"{table}_rows_id_seq")
        cursor.execute(f"CREATE SEQUENCE {sequence} OWNED BY {_quote(table)}.id")
        cursor.execute(f"SELECT setval('{sequence}', coalesce(max(id), 0) + 1, false) FROM {_quote(old)}")  # noqa: S608
        cursor.execute(f"ALTER TABLE {_quote(table)} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
        cursor.execute(
            f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(table + '_pkey')}"
            f" PRIMARY KEY (id, {_quote(spec.column)})"
        )
        cursor.execute(f"CREATE TABLE {_quote(spec.default)} PARTITION OF {_quote(table)} DEFAULT")
        cursor.execute(f"SELECT DISTINCT {spec.year_of(_quote(spec.column))} FROM {_quote(old)}")  # noqa: S608
        kept = {year for (year,) in cursor.fetchall() if year is not None}
        for year in sorted(set(_years_until(today)) | kept):
            low, high = spec.bounds(year)
            cursor.execute(
                f"CREATE TABLE {_quote(spec.partition(year))} PARTITION OF {_quote(table)}"
                f" FOR VALUES FROM ({low}) TO ({high})"
            )
        columns = _written_columns(cursor, old)
        cursor.execute(f"INSERT INTO {_quote(table)} ({columns}) SELECT {columns} FROM {_quote(old)}")  # noqa: S608
        cursor.execute(f"DROP TABLE {_quote(old)}")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign:
            cursor.execute(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
        for definition in triggers:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {_quote(table)}")


def partition_names(spec: ByYear) -> list[str]:
    """The partitions of ``spec.table``, from the catalogue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = inhrelid"
            " WHERE inhparent = %s::regclass ORDER BY child.relname",
            [spec.table],
        )
        return [name for (name,) in cursor.fetchall()]


def partitions(spec: ByYear) -> dict[str, int]:
    """The partitions of ``spec.table`` and the rows each holds (counted: for the
    command, not the daily job), by name."""
    counts = {}
    with connection.cursor() as cursor:
        for name in partition_names(spec):
            cursor.execute(f"SELECT count(*) FROM {_quote(name)}")  # noqa: S608 (a partition's name)
            counts[name] = cursor.fetchone()[0]
    return counts


def ensure(spec: ByYear, *, today: date) -> list[str]:
    """Give every year up to ``AHEAD`` past ``today``, and every year with rows in the
    default partition, a partition of its own; the names created. The rows of such a
    year move out of the default partition in the same transaction, with its triggers
    (an append-only guard) held off for that move only."""
    if not active():
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [spec.table])
        existing = set(partition_names(spec))
        cursor.execute(
            f"SELECT DISTINCT {spec.year_of(_quote(spec.column))} FROM {_quote(spec.default)}"  # noqa: S608
        )
        stranded = {year for (year,) in cursor.fetchall() if year is not None}
        wanted = set(range(today.year, today.year + AHEAD + 1)) | stranded
        for year in sorted(wanted):
            name = spec.partition(year)
            if name in existing:
                continue
            _add_partition(cursor, spec, year, move=year in stranded)
            created.append(name)
    return created


# A partition is like its table: defaults, checks, and the stored generated columns (the
# province, jaring.distribution), which PostgreSQL computes again as the rows go in.
_INCLUDING = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED"


def _written_columns(cursor, table: str) -> str:
    """The columns of ``table`` a row is written with (not the generated ones), quoted."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
        " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    return ", ".join(_quote(name) for (name,) in cursor.fetchall())


def _add_partition(cursor, spec: ByYear, year: int, *, move: bool) -> None:
    table, name, default = _quote(spec.table), _quote(spec.partition(year)), _quote(spec.default)
    low, high = spec.bounds(year)
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} {_INCLUDING})")
    if move:
        column, columns = _quote(spec.column), _written_columns(cursor, spec.table)
        cursor.execute(f"ALTER TABLE {default} DISABLE TRIGGER USER")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {default} WHERE {column} >= {low} AND {column} < {high}"  # noqa: S608
            f" RETURNING {columns}) INSERT INTO {name} ({columns}) SELECT {columns} FROM moved"
        )
        cursor.execute(f"ALTER TABLE {default} ENABLE TRIGGER USER")
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})")
