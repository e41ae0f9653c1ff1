"""What is held about one person, found by email, and its erasure, under data-protection law.

A person is every lead with their email, the contacts (buyers) with it, the other buying
cycles of those contacts, and the leads merged with any of these: one closure. Rows tied
to those leads by `lead_id` are theirs outright. Rows that are not (the outbox, the audit
log, queued commands) are theirs where they name them: their email or phone anywhere in
the workspace, their name in audit entries about their leads and in messages to Slack.

Erasure keeps the rows and blanks what identifies the person, so report counts still add
up: status, source, campaign, country, product, owner, team, score, dates and deal values
stay; name, email, phone, company, title, website, origin URL, external id, lost note and
enrichment go, as do free text on the timeline, reminders and BANT answers, the blocking
keys derived from them, and the person in message payloads and audit snapshots.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.lead import lead_ref
from domain.operations.privacy import ERASED, REPORT_ACTION, Person, replace_all, variants
from store.tables import (
    ActivityRow,
    AssignmentRow,
    AuditRow,
    BulkItemRow,
    CadenceEnrollmentRow,
    ContactRow,
    DeferredCommandRow,
    EngagementEventRow,
    LeadMatchKeyRow,
    LeadProbabilityRow,
    LeadRow,
    LeadScoreRow,
    MergeRow,
    OutboxRow,
    QualificationRow,
    ReminderRow,
    ScoreChangeRow,
)

MAX_HOPS = 10  # merges and cycles of one person: a handful at most
MIN_NAME_LENGTH = 3  # a shorter "name" would blank unrelated words in messages

# Rows tied to a lead, as the export names them.
LINKED: tuple[tuple[str, Any], ...] = (
    ("timeline", ActivityRow),
    ("reminders", ReminderRow),
    ("engagement_events", EngagementEventRow),
    ("score_history", ScoreChangeRow),
    ("score_stages", LeadScoreRow),
    ("qualifications", QualificationRow),
    ("assignments", AssignmentRow),
    ("cadences", CadenceEnrollmentRow),
    ("probabilities", LeadProbabilityRow),
)
LEAD_BLANKS: dict[str, Any] = {
    "name": ERASED,
    "email": None,
    "phone": None,
    "company": None,
    "title": None,
    "website": None,
    "origin_url": None,
    "external_id": None,
    "lost_note": None,
    "enriched": None,
    "search_text": "",
    "custom": None,  # a workspace's own fields may hold anything about the person
}
# An audit snapshot (domain/lead.Lead.snapshot) names custom fields "fields".
SNAPSHOT_BLANKS: dict[str, Any] = {**LEAD_BLANKS, "fields": None}
CONTACT_BLANKS: dict[str, Any] = {"name": ERASED, "email": None, "phone": None, "company": None}


def find_people(session: Session, email: str, workspaces: Sequence[str] = ()) -> list[Person]:
    """One Person per workspace holding anything under this email (none: an empty list)."""
    address = email.strip().lower()
    spellings = {email.strip(), address}  # stored as normalised (lower case); by index
    leads = sa.select(LeadRow.team_id, LeadRow.id).where(LeadRow.email.in_(spellings))
    contacts = sa.select(ContactRow.team_id, ContactRow.id).where(ContactRow.email.in_(spellings))
    if workspaces:
        leads = leads.where(LeadRow.team_id.in_(list(workspaces)))
        contacts = contacts.where(ContactRow.team_id.in_(list(workspaces)))
    people: dict[str, Person] = {}
    for team_id, lead_id in session.execute(leads):
        people.setdefault(team_id, Person(team_id)).lead_ids.add(lead_id)
    for team_id, contact_id in session.execute(contacts):
        people.setdefault(team_id, Person(team_id)).contact_ids.add(contact_id)
    for person in people.values():
        _close_over(session, person)
        person.identifiers.add(address)
    return [people[team] for team in sorted(people)]


# --- retention: people past the configured time ------------------------------------------


def expired_leads(session: Session, cutoff: datetime, after_id: int, limit: int) -> list[tuple[str, int]]:
    """(workspace, lead id) of live leads past retention at `cutoff` and not erased yet, in
    id order after `after_id`: the scheduler's retention sweep pages through them."""
    query = (
        sa.select(LeadRow.team_id, LeadRow.id)
        .where(
            LeadRow.id > after_id,
            LeadRow.name != ERASED,
            LeadRow.merged_into_id.is_(None),
            _past_retention(cutoff),
        )
        .order_by(LeadRow.id)
        .limit(limit)
    )
    return [(team_id, lead_id) for team_id, lead_id in session.execute(query)]


def person_of_lead(session: Session, team_id: str, lead_id: int) -> Person:
    """The person a lead belongs to: the lead, its contact's other cycles, its merges."""
    person = Person(team_id, lead_ids={lead_id})
    _close_over(session, person)
    return person


def all_past_retention(session: Session, person: Person, cutoff: datetime) -> bool:
    """True when none of the person's live leads is still in use at `cutoff` (erased ones
    count as past): one lead still worked on keeps the whole person."""
    in_use = sa.select(sa.func.count()).where(
        LeadRow.id.in_(person.lead_ids),
        LeadRow.merged_into_id.is_(None),
        LeadRow.name != ERASED,
        sa.not_(_past_retention(cutoff)),
    )
    return not session.scalar(in_use)


def _past_retention(cutoff: datetime) -> Any:
    """Lost before `cutoff`, or untouched since: no change to the lead, no timeline entry and
    no engagement event after it. A converted lead is a customer's, kept under the contract."""
    lost_before = sa.and_(LeadRow.status == "lost", LeadRow.closed_at <= cutoff)
    touched = sa.or_(
        sa.exists().where(ActivityRow.lead_id == LeadRow.id, ActivityRow.created_at > cutoff),
        sa.exists().where(EngagementEventRow.lead_id == LeadRow.id, EngagementEventRow.occurred_at > cutoff),
    )
    untouched = sa.and_(LeadRow.updated_at <= cutoff, sa.not_(touched))
    return sa.and_(LeadRow.status != "converted", sa.or_(lost_before, untouched))


def _close_over(session: Session, person: Person) -> None:
    """Add the leads linked to the person's (cycles of their contacts, merges either way)
    until nothing new comes, then what names them."""
    for _ in range(MAX_HOPS):
        linked = sa.select(LeadRow.id, LeadRow.contact_id, LeadRow.merged_into_id).where(
            LeadRow.team_id == person.team_id,
            sa.or_(
                LeadRow.id.in_(person.lead_ids),
                LeadRow.merged_into_id.in_(person.lead_ids),
                LeadRow.contact_id.in_(person.contact_ids),
            ),
        )
        before = (len(person.lead_ids), len(person.contact_ids))
        for lead_id, contact_id, merged_into in session.execute(linked):
            person.lead_ids.add(lead_id)
            person.lead_ids.update(i for i in (merged_into,) if i is not None)
            person.contact_ids.update(i for i in (contact_id,) if i is not None)
        person.contact_ids.update(
            session.scalars(sa.select(ContactRow.id).where(ContactRow.lead_id.in_(person.lead_ids)))
        )
        if (len(person.lead_ids), len(person.contact_ids)) == before:
            break
    for row in _rows(session, LeadRow, LeadRow.id.in_(person.lead_ids)):
        person.refs.append(lead_ref(row.number))
        _names_of(person, row.name, row.email, row.phone)
    for row in _rows(session, ContactRow, ContactRow.id.in_(person.contact_ids)):
        _names_of(person, row.name, row.email, row.phone)
    person.refs.sort(key=lambda ref: int(ref[2:]))


def _names_of(person: Person, name: str, email: str | None, phone: str | None) -> None:
    if name and name != ERASED and len(name.strip()) >= MIN_NAME_LENGTH:
        person.names.add(name.strip())
    person.identifiers.update(value for value in (email, phone) if value)


def _rows(session: Session, table: Any, *where: Any) -> list[Any]:
    return list(session.scalars(sa.select(table).where(*where).order_by(*table.__table__.primary_key)))


# --- import reports on disk -------------------------------------------------------------


def report_paths(session: Session, team_ids: Iterable[str]) -> list[str]:
    """Where `leadbot import` wrote its reports for these workspaces (the audit log says)."""
    query = sa.select(AuditRow.after).where(
        AuditRow.team_id.in_(list(team_ids)), AuditRow.action == REPORT_ACTION
    )
    return sorted({str(after["path"]) for after in session.scalars(query) if after and after.get("path")})


# --- export -----------------------------------------------------------------------------


def export_person(session: Session, person: Person) -> dict[str, Any]:
    """Every row held about the person in their workspace, as plain JSON values."""
    lead_ids = person.lead_ids
    held: dict[str, Any] = {"workspace": person.team_id}
    held["leads"] = [
        {"ref": lead_ref(row.number), **_plain(row)}
        for row in _rows(session, LeadRow, LeadRow.id.in_(lead_ids))
    ]
    held["contacts"] = [
        _plain(row) for row in _rows(session, ContactRow, ContactRow.id.in_(person.contact_ids))
    ]
    for name, table in LINKED:
        held[name] = [_plain(row) for row in _rows(session, table, table.lead_id.in_(lead_ids))]
    held["merges"] = [
        _plain(row)
        for row in _rows(
            session, MergeRow, sa.or_(MergeRow.source_id.in_(lead_ids), MergeRow.target_id.in_(lead_ids))
        )
    ]
    held["audit"] = [_plain(row) for row in _rows(session, AuditRow, _audit_about(person))]
    held["messages"] = [
        _plain(row)
        for row in _rows(
            session, OutboxRow, OutboxRow.team_id == person.team_id, _naming(OutboxRow.payload, person)
        )
    ]
    return held


def _plain(row: Any) -> dict[str, Any]:
    return {column.key: _json_value(getattr(row, column.key)) for column in row.__table__.columns}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- erasure ----------------------------------------------------------------------------


def erase_person(session: Session, person: Person) -> dict[str, int]:
    """Blank the person everywhere in their workspace; returns rows changed per table."""
    lead_ids, team = person.lead_ids, person.team_id
    changed = {
        "leads": _update(session, LeadRow, LeadRow.id.in_(lead_ids), LEAD_BLANKS),
        "contacts": _update(session, ContactRow, ContactRow.id.in_(person.contact_ids), CONTACT_BLANKS),
        "timeline": _update(session, ActivityRow, ActivityRow.lead_id.in_(lead_ids), {"body": ERASED}),
        "reminders": _update(session, ReminderRow, ReminderRow.lead_id.in_(lead_ids), {"text": ERASED}),
        "engagement_events": _update(
            session,
            EngagementEventRow,
            EngagementEventRow.lead_id.in_(lead_ids),
            {"url": None, "external_id": None},
        ),
        "merges": _update(
            session,
            MergeRow,
            sa.or_(MergeRow.source_id.in_(lead_ids), MergeRow.target_id.in_(lead_ids)),
            {"filled": {}},
        ),
        "qualifications": _blank_answers(session, lead_ids),
        "match_keys": _delete(session, LeadMatchKeyRow, LeadMatchKeyRow.lead_id.in_(lead_ids)),
    }
    # Free text and JSON that may quote the person: scrubbed where they are named.
    scrubs: tuple[tuple[str, Any, Any, Any], ...] = (
        ("audit", AuditRow, AuditRow.before, _audit_about(person)),
        ("audit", AuditRow, AuditRow.after, _audit_about(person)),
        ("messages", OutboxRow, OutboxRow.payload, OutboxRow.team_id == team),
        ("messages", OutboxRow, OutboxRow.last_error, OutboxRow.team_id == team),
        (
            "queued_commands",
            DeferredCommandRow,
            DeferredCommandRow.command,
            DeferredCommandRow.team_id == team,
        ),
        ("assignments", AssignmentRow, AssignmentRow.reasons, AssignmentRow.lead_id.in_(lead_ids)),
        ("score_history", ScoreChangeRow, ScoreChangeRow.reason, ScoreChangeRow.lead_id.in_(lead_ids)),
        # A bulk loss's note, kept for its undo.
        ("bulk_actions", BulkItemRow, BulkItemRow.before, BulkItemRow.lead_id.in_(lead_ids)),
        ("bulk_actions", BulkItemRow, BulkItemRow.after, BulkItemRow.lead_id.in_(lead_ids)),
    )
    changed["audit"] = _blank_snapshots(session, person)
    needles = person.identifiers | person.names
    for name, table, column, scope in scrubs:
        changed[name] = changed.get(name, 0) + _scrub(session, table, column, scope, needles)
    return changed


def _blank_snapshots(session: Session, person: Person) -> int:
    """Audit entries about their leads lose the identifying fields of their snapshots
    (company and title too, which no needle finds); status, owner, score and the rest stay."""
    rows = _rows(session, AuditRow, AuditRow.team_id == person.team_id, _entries_about(person))
    for row in rows:
        row.before = _blanked(row.before)
        row.after = _blanked(row.after)
    session.flush()
    return len(rows)


def _blanked(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {
        key: (SNAPSHOT_BLANKS[key] if key in SNAPSHOT_BLANKS and value is not None else value)
        for key, value in snapshot.items()
    }


def _audit_about(person: Person) -> Any:
    """The person's audit entries: about their leads, or quoting their email or phone."""
    return sa.and_(
        AuditRow.team_id == person.team_id,
        sa.or_(
            _entries_about(person),
            _naming(AuditRow.before, person, names=False),
            _naming(AuditRow.after, person, names=False),
        ),
    )


def _entries_about(person: Person) -> Any:
    return sa.or_(
        sa.and_(AuditRow.entity == "lead", AuditRow.entity_ref.in_(person.refs)),
        sa.and_(AuditRow.entity == "contact", AuditRow.entity_ref.in_(contact_refs(person))),
    )


def contact_refs(person: Person) -> list[str]:
    """How the audit log names a contact (handlers.closing.outcomes)."""
    return [f"contact:{contact_id}" for contact_id in sorted(person.contact_ids)]


def _update(session: Session, table: Any, where: Any, values: dict[str, Any]) -> int:
    done = session.execute(sa.update(table).where(where).values(**values))
    return int(done.rowcount)  # type: ignore[attr-defined]


def _delete(session: Session, table: Any, where: Any) -> int:
    done = session.execute(sa.delete(table).where(where))
    return int(done.rowcount)  # type: ignore[attr-defined]


def _blank_answers(session: Session, lead_ids: Iterable[int]) -> int:
    """BANT answers are free text: each given one becomes ERASED (a lead stays as qualified
    as it was; what was said is gone)."""
    rows = _rows(session, QualificationRow, QualificationRow.lead_id.in_(list(lead_ids)))
    for row in rows:
        for answer in ("budget", "authority", "need", "timeline"):
            if getattr(row, answer) is not None:
                setattr(row, answer, ERASED)
    session.flush()
    return len(rows)


def _naming(column: Any, person: Person, names: bool = True) -> Any:
    needles = person.identifiers | (person.names if names else set())
    text = sa.cast(column, sa.Text)
    tests = [text.contains(form, autoescape=True) for needle in needles for form in variants(needle)]
    return sa.or_(*tests) if tests else sa.false()


def _scrub(session: Session, table: Any, column: Any, scope: Any, needles: set[str]) -> int:
    """Replace every needle in the column's text (or in the strings inside its JSON)."""
    forms = sorted({form for needle in needles for form in variants(needle)}, key=len, reverse=True)
    if not forms:
        return 0
    text = sa.cast(column, sa.Text)
    query = sa.select(table).where(scope, sa.or_(*(text.contains(form, autoescape=True) for form in forms)))
    rows = list(session.scalars(query))
    for row in rows:
        setattr(row, column.key, _replaced(getattr(row, column.key), lambda s: replace_all(s, forms)))
    session.flush()
    return len(rows)


def _replaced(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of a JSON value (or a string) with `change` applied to every string in it,
    keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_replaced(item, change) for item in value]
    if isinstance(value, dict):
        return {change(key): _replaced(item, change) for key, item in value.items()}
    return value


class PersonalData:
    """One person's records in this unit of work's transaction, for `leadbot privacy` and
    the retention policy."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def find_people(self, email: str, workspaces: Sequence[str] = ()) -> list[Person]:
        return find_people(self._s, email, workspaces)

    def export(self, person: Person) -> dict[str, Any]:
        return export_person(self._s, person)

    def erase(self, person: Person) -> dict[str, int]:
        return erase_person(self._s, person)

    def report_paths(self, team_ids: Iterable[str]) -> list[str]:
        return report_paths(self._s, team_ids)

    def expired_leads(self, cutoff: datetime, after_id: int, limit: int) -> list[tuple[str, int]]:
        return expired_leads(self._s, cutoff, after_id, limit)

    def person_of_lead(self, team_id: str, lead_id: int) -> Person:
        return person_of_lead(self._s, team_id, lead_id)

    def all_past_retention(self, person: Person, cutoff: datetime) -> bool:
        return all_past_retention(self._s, person, cutoff)
