"""Where an import of a file stands, saved with each batch: an import killed half way and run
again on the same file skips the rows already saved instead of reading them again as new.

Rows that carry an email, a phone or an external id would be recognised anyway (the same
person updated, not created twice); a row with a name alone would not, so the rerun is told
where the first run stopped. The mark is a request key (store RequestKeys: the file's
digest -> the last row saved), written in each batch's own transaction, so it never says more
than was committed; a finished import takes it away, and housekeeping forgets a stale one
with the other request keys."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from handlers.context import Context
from store.unit_of_work import SqlUnitOfWork

KEY_PREFIX = "import-file:"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    key: str

    @classmethod
    def of_content(cls, chunks: Iterable[bytes]) -> "Checkpoint":
        """The file is known by its bytes: the same file under another name is the same
        import, an edited file another."""
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
        return cls(KEY_PREFIX + digest.hexdigest())

    def saved(self, uow: SqlUnitOfWork, ctx: Context) -> "Stopped":
        """Where an earlier, unfinished run of this file stopped (row 0 if there was none)."""
        with uow:
            mark = uow.requests.result_of(ctx.actor.team_id, self.key)
            since = uow.requests.claimed_at(ctx.actor.team_id, self.key)
        row = int(mark) if mark and mark.isdigit() else 0
        return Stopped(row, since if row else None)

    def save(self, uow: SqlUnitOfWork, ctx: Context, last_row: int) -> None:
        """In the batch's transaction: committed with its rows, or not at all."""
        uow.requests.first(ctx.actor.team_id, self.key, ctx.now)
        uow.requests.settle(ctx.actor.team_id, self.key, str(last_row))

    def finished(self, uow: SqlUnitOfWork, ctx: Context) -> None:
        """Every row done: a later import of the same file is a new import."""
        with uow:
            uow.requests.forget(ctx.actor.team_id, self.key)
            uow.commit()


@dataclass(frozen=True, slots=True)
class Stopped:
    """The last row the earlier runs of a file saved, and when the first of them began: what
    they wrote since then is theirs (their leads' audit entries say which)."""

    row: int
    since: datetime | None
