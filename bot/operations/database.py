"""Opening the database, apart from the composition root: the CLI's database commands (db
upgrade, import, export) need no Slack app, and importing one cost them most of a second."""

import sqlalchemy as sa

from store.engine import make_engine, make_session_factory
from store.migrate import upgrade
from store.unit_of_work import SqlUnitOfWork, UowFactory


def open_database(url: str) -> tuple[sa.Engine, UowFactory]:
    """Every command that touches the database migrates it to head first."""
    engine = make_engine(url)
    upgrade(engine)
    session_factory = make_session_factory(engine)
    return engine, lambda: SqlUnitOfWork(session_factory)
