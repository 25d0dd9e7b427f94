"""Writing many new rows of one table at once, inside the caller's transaction.

psycopg sends an ``executemany`` as one pipelined INSERT per row, about 60 µs each: the sweep's
busiest run writes some 9,000 events, notifications, deliveries and deadline keys at 100,000
topics, which took 1.6 s of its 3.5 s that way. PostgreSQL's COPY takes the same rows in one stream. The
rows are what an ORM bulk INSERT would be given (attribute names as keys); a column a row leaves
out gets its Python default, as the INSERT would give it. SQLite keeps the executemany, which
its driver runs in-process. Nothing is flushed first: the rows they point at must be written already.
"""
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Column, Insert, Table, exc, insert
from sqlalchemy.orm import Session

COPY_FROM = 10  # rows: a COPY is a stream to open and close, worth it for a batch, not for a notice's one or two


def insert_rows(session: Session, model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` into ``model``'s table in the session's transaction (COPY on PostgreSQL)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_FROM:
        connection.execute(_insert_into(model.__table__), rows)  # Core: the ORM's bulk path costs more than a few rows
        return
    columns: dict[str, Column[Any]] = {key: model.__mapper__.columns[key] for row in rows for key in row}
    taken = {column.name for column in columns.values()}
    columns.update((f"default:{column.name}", column) for column in model.__table__.columns
                   if column.default is not None and column.name not in taken)
    dialect = connection.dialect
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns.values()]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns.values())
    table = dialect.identifier_preparer.format_table(model.__table__)
    statement = f"COPY {table} ({names}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                values = (row[key] if key in row else default_of(column) for key, column in columns.items())
                copy.write_row([process(v) if process and v is not None else v
                                for process, v in zip(processors, values, strict=True)])
    except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy's own statements raise it: IntegrityError, …
        raise exc.DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error


@cache
def _insert_into(table: Table) -> Insert:
    """Return the table's INSERT, built once: a statement made anew costs its construction and cache key each time."""
    return insert(table)


def default_of(column: Column[Any]) -> Any:
    """Return the value an INSERT would give a column left out: its Python default, else NULL."""
    default = column.default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    return arg(None) if callable(arg) else arg
