"""Audit export: the audit log, entry by entry, for an operator or an auditor."""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from store.unit_of_work import UowFactory

PAGE = 1_000  # entries a transaction reads


def export_audit(
    uow_factory: UowFactory, since: datetime | None = None, workspaces: Sequence[str] = ()
) -> Iterator[dict[str, Any]]:
    """Entries oldest first. Each page is read in a short transaction of its own: on
    SQLite a transaction holds the write lock, and an export piped to a slow reader must
    not keep Leadbot from writing meanwhile."""
    after_id = 0
    while True:
        with uow_factory() as uow:
            page = uow.audit_page(after_id, since, workspaces, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after_id = page[-1]["id"]
