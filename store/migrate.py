"""Bring a database to the Alembic head, safely when several processes start at once."""

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
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "head")
        connection.commit()


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
