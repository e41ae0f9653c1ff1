"""Personal data per person: export what is held about an email, and
erase it. Transport-agnostic: the CLI and `/lead privacy` both call these."""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from domain.operations.privacy import REPORT_ACTION, Person, scrub_text
from handlers.commands import Command
from store.operations.freed_space import forget_freed_space
from store.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)
ERASE_ACTION = "person.erased"
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True)
class Held:
    """Where a person's data sits: per workspace, their lead refs."""

    email: str
    leads: dict[str, tuple[str, ...]]  # workspace -> L-refs

    @property
    def found(self) -> bool:
        return bool(self.leads)

    def summary(self) -> str:
        if not self.found:
            return f"Nothing is held about {self.email}."
        parts = [f"{team}: {', '.join(refs) or 'a contact'}" for team, refs in self.leads.items()]
        return f"{self.email}: " + "; ".join(parts)


def _held(email: str, people: list[Person]) -> Held:
    return Held(email, {person.team_id: tuple(person.refs) for person in people})


def export_personal_data(uow: SqlUnitOfWork, email: str, workspaces: Sequence[str] = ()) -> dict[str, Any]:
    """Everything held about the person, one entry per workspace that holds any."""
    with uow:
        people = uow.personal_data.find_people(email, workspaces)
        return {"email": email.strip(), "workspaces": [uow.personal_data.export(p) for p in people]}


def find_personal_data(uow: SqlUnitOfWork, email: str, workspaces: Sequence[str] = ()) -> Held:
    """What an erasure would touch, changing nothing."""
    with uow:
        return _held(email.strip(), uow.personal_data.find_people(email, workspaces))


def erase_personal_data(
    uow: SqlUnitOfWork, email: str, actor_id: str, now: datetime, workspaces: Sequence[str] = ()
) -> Held:
    """Erase the person in one transaction, and record in each workspace's audit log that
    it happened: by whom, when, which leads, how many rows; never who the person was."""
    with uow:
        people = uow.personal_data.find_people(email, workspaces)
        erase_people(uow, people, actor_id, now)
        uow.commit()
    leave_no_trace(uow, people)
    return _held(email.strip(), people)


def erase_people(
    uow: SqlUnitOfWork, people: Sequence[Person], actor_id: str, now: datetime, cause: str | None = None
) -> None:
    """Blank each person and record it in their workspace's audit log, in the caller's
    transaction (`cause`: why, when no person asked, e.g. the retention policy)."""
    for person in people:
        changed = uow.personal_data.erase(person)
        why = {"cause": cause} if cause else {}
        uow.audit.record(
            team_id=person.team_id,
            actor_id=actor_id,
            action=ERASE_ACTION,
            entity="person",
            entity_ref=(person.refs[0] if person.refs else "contact"),
            at=now,
            after={"leads": person.refs, "contacts": len(person.contact_ids), "rows_changed": changed, **why},
        )


def leave_no_trace(uow: SqlUnitOfWork, people: Sequence[Person]) -> None:
    """After the erasure committed: the people blanked in the import reports on disk, and
    SQLite's free space and log emptied of their old rows."""
    if not people:
        return
    with uow:
        engine = uow.session.get_bind()
        reports = uow.personal_data.report_paths(sorted({person.team_id for person in people}))
    _scrub_reports(reports, {needle for p in people for needle in p.identifiers | p.names})
    forget_freed_space(engine)


def remember_report(uow: SqlUnitOfWork, team_id: str, actor_id: str, path: Path, now: datetime) -> None:
    """An import report on disk quotes rows (a rejected email, a value left out): where it is
    goes into the audit log, so an erasure can find it and blank the person in it."""
    with uow:
        uow.audit.record(
            team_id=team_id,
            actor_id=actor_id,
            action=REPORT_ACTION,
            entity="import_report",
            entity_ref=path.name[-64:],
            at=now,
            after={"path": str(path.resolve())},
        )
        uow.commit()


def _scrub_reports(paths: Sequence[str], needles: set[str]) -> None:
    """Blank the person in the import reports still on disk (moved or deleted ones are gone
    from Leadbot's reach; an unreadable one is left, and logged without its content)."""
    for name in paths:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
            scrubbed = scrub_text(text, needles)
            if scrubbed != text:
                path.write_text(scrubbed, encoding="utf-8", newline="")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeError) as error:
            log.warning(
                "could not blank an erased person in the import report %s (%s)", path, type(error).__name__
            )


class PrivacyRequest(Command):
    """`/lead privacy export|erase <email>` (admins), about the asker's workspace only."""

    action: Literal["export", "erase"]
    email: str = Field(min_length=3, max_length=320, pattern=f"^{EMAIL_SHAPE.pattern}$")
