"""Fast inserts for the demo loader: COPY on PostgreSQL, bulk_create elsewhere.

bulk_create spends most of its time building one huge INSERT and binding its
parameters; COPY streams rows instead, which is what lets a million demo
cases load in minutes. Ids are taken from the table's own sequence first, so
callers get saved objects with their pk set either way, as bulk_create gives.
Values go through each field's pre_save and get_db_prep_save, exactly as an
INSERT would (auto_now timestamps, JSON adaptation).
"""

from typing import TypeVar

from django.db import connection, models

INSERT_BATCH = 1000  # rows per INSERT statement off PostgreSQL

M = TypeVar("M", bound=models.Model)


def insert(model: type[M], objs: list[M]) -> list[M]:
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=INSERT_BATCH)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = list(meta.concrete_fields)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = new_id
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        raw = cursor.cursor  # psycopg's own cursor, in Django's transaction
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    """Plain value tuples in `columns` order, for rows nobody needs the ids of (millions of
    clocks): COPY on PostgreSQL without building model objects; bulk_create elsewhere.
    Values must already be what the database stores (dates, strings, numbers)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=INSERT_BATCH
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
