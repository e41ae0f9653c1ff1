"""Many rows inserted with one DBAPI executemany, for bulk writes (imports)."""
# https://docs.sqlalchemy.org/en/21/core/connections.html#sqlalchemy.engine.Connection.exec_driver_sql

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

Processors = tuple[tuple[int, Callable[[Any], Any], bool], ...]  # (column, converter, for dates)


def insert_many(
    connection: sa.Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert `rows` (values of `columns`, in the table's column order) in the connection's
    transaction. SQLAlchemy writes the SQL and converts the values (its own bind processors:
    dates, JSON), so what is stored is what a Core insert stores; skipped is its per-row
    parameter bookkeeping, which cost as much as SQLite's own work. Raises IntegrityError."""
    if not rows:
        return
    sql, processors = _insert_of(table, columns, connection.dialect)
    if processors:
        rows = _processed(rows, processors)
    named = not connection.dialect.positional  # psycopg takes %(name)s parameters
    params = [dict(zip(columns, row, strict=True)) for row in rows] if named else rows
    connection.exec_driver_sql(sql, params)


@lru_cache(maxsize=32)
def _insert_of(table: sa.Table, columns: tuple[str, ...], dialect: sa.Dialect) -> tuple[str, Processors]:
    """The INSERT statement in the dialect's own SQL and parameter style, and the value
    converters of the columns that have one. `columns` come in the table's order, as the
    statement lists them."""
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(columns))
    if tuple(column.name for column in table.c if column.name in columns) != columns:
        raise ValueError(f"columns not in the order of table {table.name}: {columns}")
    processors = tuple(
        (index, processor, _holds_dates(table.c[name].type))
        for index, name in enumerate(columns)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return str(compiled), processors


def _holds_dates(column_type: sa.types.TypeEngine[Any]) -> bool:
    """A date column, ours (store.types.UTCDateTime, whose python_type says object) included."""
    if isinstance(column_type, sa.TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, sa.DateTime | sa.Date)


def _processed(rows: list[tuple[Any, ...]], processors: Processors) -> list[tuple[Any, ...]]:
    """The rows with each converter applied. An import stamps every row with the same moment
    and leaves most optional columns empty: a date, and an empty value, is converted once per
    column and distinct value."""
    done: list[tuple[Any, ...]] = []
    seen: dict[tuple[int, Any], Any] = {}
    for row in rows:
        values = list(row)
        for index, processor, is_date in processors:
            value = values[index]
            if value is None or is_date:
                memo = (index, value)
                converted = seen.get(memo, seen)
                if converted is seen:
                    converted = seen[memo] = processor(value)
                values[index] = converted
            else:
                values[index] = processor(value)
        done.append(tuple(values))
    return done
