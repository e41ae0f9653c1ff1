"""Bring a database to the Alembic head, safely when several processes start at once."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine) -> None:
    if is_current(engine):
        return
    with engine.connect() as connection, _sqlite_foreign_keys_off(connection), connection.begin():
        # One transaction for the whole climb, begun before Alembic reads where the schema
        # stands: SQLite's BEGIN IMMEDIATE (PostgreSQL's advisory lock in env.py) makes a
        # second process starting at once wait, then read the head the first one reached.
        # Alembic commits per migration on SQLite otherwise, and the second process, having
        # read the old revision, ran the next migration again ("index already exists").
        command.upgrade(alembic_config(connection), "head")


@contextmanager
def _sqlite_foreign_keys_off(connection: sa.Connection) -> Iterator[None]:
    """SQLite alters a table by copying it and dropping the old one; with foreign
    keys on, that DROP would cascade and delete every activity of every lead.
    The pragma only takes effect outside a transaction, so it goes to the driver
    connection before SQLAlchemy begins one."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def is_current(engine: sa.Engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    return current == head


def revision(engine: sa.Engine, message: str) -> None:
    """Developer helper: autogenerate a revision against a database at head."""
    with engine.connect() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
