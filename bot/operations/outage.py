"""A database that does not answer is an outage, not a bug: the person is told plainly that
nothing changed and to try again, and the log gets one line, not a stack trace."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import sqlalchemy as sa

from bot.blocks.text import SlackMessage

# Database work in its block must be done within the time a waiting sender allows
# (store/deadline.answering, handed in by the composition root).
Budget = Callable[[], AbstractContextManager[None]]

DATABASE_DOWN = SlackMessage(
    text="😞 Leadbot's database is not answering right now, so nothing was changed. "
    "Please try again in a minute."
)


def database_unavailable(error: BaseException) -> bool:
    """Refused or dropped connections, a pool with none free, a server gone mid-statement
    (store/deadline.py cuts one that does not answer in time), SQLite busy past its timeout.
    Not a missing table or a bad statement: those are bugs, answered with an apology."""
    if isinstance(error, sa.exc.TimeoutError):
        return True
    if not isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", "")  # psycopg's; None when no server said anything
    if state is None or state.startswith(CONNECTION_EXCEPTION) or state in SERVER_GOING_AWAY:
        return True
    return SQLITE_BUSY in str(error.orig)


def lock_not_had(error: BaseException) -> bool:
    """Another transaction kept a lock past a brief wait (store.engine.brief_lock_wait):
    SQLite's write lock (another process's, or this process's turn), a PostgreSQL row lock."""
    if isinstance(error, sa.exc.TimeoutError):
        return "write lock" in str(error)  # store/sqlite_turns.py, not an exhausted pool
    if not isinstance(error, sa.exc.OperationalError):
        return False
    return getattr(error.orig, "sqlstate", "") == LOCK_NOT_AVAILABLE or SQLITE_BUSY in str(error.orig)


CONNECTION_EXCEPTION = "08"  # PostgreSQL's SQLSTATE class for a connection that failed
SERVER_GOING_AWAY = ("57P01", "57P02", "57P03")  # admin shutdown, crash shutdown, cannot connect now
SQLITE_BUSY = "database is locked"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout passed
