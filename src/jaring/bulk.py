"""Writing and finding many rows at once.

On PostgreSQL rows go in with COPY (psycopg 3), several times faster than
``bulk_create``'s multi-row INSERTs for the tens of thousands of rows an import
writes per batch, and without building a model instance per row; elsewhere
``bulk_create``. Either way the rows join the caller's transaction, so a batch is
still fully in or fully out. Changing a few fields of many rows is one
``UPDATE ... FROM unnest(...)`` on PostgreSQL (``bulk_update``'s ``CASE WHEN`` per
row grows with the square of the batch); elsewhere ``bulk_update``. Finding rows by
tens of thousands of keys is ``Among``: one array parameter (``= ANY(%s)``) on
PostgreSQL, where ``__in`` writes and parses one placeholder per key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import BooleanField, Expression, F


def _column_value(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return getattr(value, "value", value)  # enum members as their stored value


def bulk_insert(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows``: dicts keyed by field attname (``actor_id``, not ``actor``),
    all with the same keys. On PostgreSQL columns not given are left NULL, so give
    every NOT NULL one, ``auto_now`` timestamps included. Ids are not returned:
    callers that need them read them back by a unique key."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    names = list(rows[0])
    model_fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    pairs = list(zip(names, model_fields, strict=True))
    connection.ensure_connection()
    # Errors as Django's (IntegrityError...), like every other query's, so callers
    # catch one kind whichever way the rows went in.
    with connection.wrap_database_errors, connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([_column_value(f, row[name]) for name, f in pairs])


def bulk_set(model: type[models.Model], objs: Sequence[Any], fields: Sequence[str]) -> None:
    """Save ``fields`` (attnames) of the rows ``objs`` stand for: instances of ``model``
    or any objects with its ``pk`` and those attributes."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        instances = [model(pk=obj.pk, **{name: getattr(obj, name) for name in fields}) for obj in objs]
        model.objects.bulk_update(instances, list(fields), batch_size=500)
        return
    quote = connection.ops.quote_name
    pk = model._meta.pk
    model_fields = [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(f.column) for f in model_fields)
    arrays = ", ".join(
        [f"%s::{pk.rel_db_type(connection)}[]", *(f"%s::{f.db_type(connection)}[]" for f in model_fields)]
    )
    # Identifiers from the model, quoted; every value is a parameter.
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in model_fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments}"  # noqa: S608
        f" FROM unnest({arrays}) AS v(pk, {names}) WHERE t.{quote(pk.column)} = v.pk"
    )
    params = [[obj.pk for obj in objs]] + [
        [_column_value(f, getattr(obj, f.attname)) for obj in objs] for f in model_fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class Among(Expression):
    """``filter(Among("nik", niks))``: the field's value is one of ``values``."""

    output_field = BooleanField()

    def __init__(self, field: str, values) -> None:
        super().__init__()
        self.target, self.values = F(field), list(values)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.target = self.target.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.target)
        if not self.values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # The array of the column's own type: PostgreSQL hashes a long ANY list only
            # when both sides hash alike (bigint = ANY(integer[]) is read element by element).
            kind = self.target.output_field.db_type(connection)
            return f"{column} = ANY(%s::{kind}[])", [*params, self.values]
        return f"{column} IN ({', '.join(['%s'] * len(self.values))})", [*params, *self.values]
