"""Alembic environment: migrate the connection handed over by store.migrate."""
# https://alembic.sqlalchemy.org/en/latest/cookbook.html#sharing-a-connection-across-one-or-more-programmatic-migration-commands

import sqlalchemy as sa
from alembic import context

from store.tables import Base

# Any constant works: it only has to be the same in every Leadbot process.
MIGRATION_LOCK_ID = 0x1EAD_B07


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several processes may start at once; one migrates, the others wait
            # here and then find the schema already at head.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


run_migrations_online()
