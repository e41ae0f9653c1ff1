"""Bulk reads and writes for imports: a batch of leads is looked up in a few queries and
written with executemany statements (inserts straight to the DBAPI cursor, store.importing.executemany),
inside the caller's unit of work."""
# https://docs.sqlalchemy.org/en/21/core/connections.html#engine-insertmanyvalues

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.book.search import search_text
from domain.capture.contact import Contact
from domain.followups.activity import Activity
from domain.lead import LEAD_PREFIX, Lead
from domain.matching.dedupe import MatchRecord
from store.book.lead_tags import write_tags
from store.capture.contacts import to_contact
from store.importing.executemany import insert_many
from store.leads import LEAD_COLUMNS, MERGE_HOPS, to_lead
from store.sql import insert_ignoring_conflict
from store.tables import (
    HOLDS_IDENTITY,
    ActivityRow,
    AuditRow,
    ContactRow,
    LeadCounterRow,
    LeadMatchKeyRow,
    LeadRow,
)
from store.unit_of_work import SqlUnitOfWork

# An IN list bound at execution: the statement is compiled once, not once per list of values.
_LISTED: sa.BindParameter[Any] = sa.bindparam("listed", expanding=True)
# SQLite allows 32,766 bound parameters a statement; PostgreSQL 65,535. IN lists stay well below.
IN_CHUNK = 900
_T = TypeVar("_T")

_leads = cast(sa.Table, LeadRow.__table__)
_keys = cast(sa.Table, LeadMatchKeyRow.__table__)
_activities = cast(sa.Table, ActivityRow.__table__)
_audit = cast(sa.Table, AuditRow.__table__)
_LEAD_INSERT = tuple(column.name for column in _leads.c if column.name != "id")
_in_insert_order = itemgetter(*_LEAD_INSERT)
_KEY_OF_ROW = itemgetter(1)
# What an import writes in the audit log for a lead it created, and for one it updated.
CAPTURED, RECAPTURED = "lead.captured", "lead.recaptured"


# The leads an identifier says are this person, as LeadRepository.same_person asks: any live
# lead by its external id; by email or phone only those still holding them (a converted lead's
# person is a contact now, and comes back as a new lead). The condition is the partial unique
# indexes' own, which a query must repeat for SQLite to use them.
_LIVE_HOLDING = {
    "external_id": LeadRow.merged_into_id.is_(None),
    "email": sa.and_(HOLDS_IDENTITY),
    "phone": sa.and_(HOLDS_IDENTITY),
}


_POSTINGS = (
    sa.select(
        _keys.c.key,
        _leads.c.id,
        _leads.c.number,
        _leads.c.name,
        _leads.c.email,
        _leads.c.phone,
        _leads.c.company,
    )
    .join(_leads, _leads.c.id == _keys.c.lead_id)
    .where(_leads.c.merged_into_id.is_(None))
)


class WriteConflict(Exception):
    """Another writer got in first with a unique value (an email or an external id)."""


@dataclass(frozen=True, slots=True)
class Postings:
    """Live leads filed under blocking keys, and what matching reads of each."""

    filed: list[tuple[str, int]]  # (key, lead id)
    leads: dict[int, tuple[int, MatchRecord]]  # lead id -> (number, record)
    # Keys read only in part (`oldest`): the largest lead id read of each, live or merged. Every
    # live lead under the key up to it was read; the leads after it were not.
    cut: dict[str, int] = field(default_factory=dict)

    def add(self, more: "Postings") -> None:
        """What another read found, beside this one's (other keys)."""
        self.filed.extend(more.filed)
        self.leads.update(more.leads)
        self.cut.update(more.cut)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    lead: Lead
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class BulkLeads:
    def __init__(self, session: Session) -> None:
        self._s = session

    @classmethod
    def of(cls, uow: SqlUnitOfWork) -> "BulkLeads":
        """The bulk statements run in the unit of work's own transaction."""
        return cls(uow.session)

    # --- reads ---------------------------------------------------------------------------

    def live_with(
        self, team_id: str, *, external_ids: Iterable[str], emails: Iterable[str], phones: Iterable[str]
    ) -> list[Lead]:
        """Live leads holding any of these identifiers, in number order (the same-person rule
        prefers the oldest)."""
        found: dict[int, LeadRow] = {}
        for column, values in (("external_id", external_ids), ("email", emails), ("phone", phones)):
            # Locked until the batch commits (PostgreSQL; SQLite's write lock already is): a rep's
            # change to one of them cannot be overwritten by the import's copy.
            query = (
                sa.select(LeadRow)
                .where(
                    LeadRow.team_id == team_id, _LIVE_HOLDING[column], getattr(LeadRow, column).in_(_LISTED)
                )
                .with_for_update()
            )
            for chunk in _chunks(sorted(set(values))):
                found.update((row.id, row) for row in self._s.scalars(query, {"listed": chunk}))
        return [to_lead(row) for row in sorted(found.values(), key=lambda row: row.number)]

    def merged_external_ids(
        self, team_id: str, external_ids: Iterable[str]
    ) -> dict[str, tuple[int, Lead | None]]:
        """External ids that merged leads keep (still unique in the workspace), to the number of
        the merged lead and the live lead it was merged into (None if the merges lead nowhere
        live): a row bringing one is about that lead, as add_lead follows it."""
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(sorted(set(external_ids))):
            query = sa.select(_leads.c.external_id, _leads.c.number, _leads.c.merged_into_id).where(
                _leads.c.team_id == team_id,
                _leads.c.merged_into_id.is_not(None),
                _leads.c.external_id.in_(chunk),
            )
            for external_id, number, into in self._s.execute(query):
                found[external_id] = (number, into)
        survivors = self._survivors({into for _, into in found.values()})
        return {external_id: (number, survivors.get(into)) for external_id, (number, into) in found.items()}

    def _survivors(self, lead_ids: Iterable[int]) -> dict[int, Lead]:
        """The live lead at the end of each chain of merges, at most MERGE_HOPS on as
        LeadRepository follows one; locked, as live_with locks what it finds."""
        survivors: dict[int, Lead] = {}
        at = {lead_id: lead_id for lead_id in lead_ids}  # where each chain has got to
        for _ in range(MERGE_HOPS):
            rows: dict[int, LeadRow] = {}
            for chunk in _chunks(sorted(set(at.values()))):
                query = sa.select(LeadRow).where(LeadRow.id.in_(chunk)).with_for_update()
                rows.update((row.id, row) for row in self._s.scalars(query))
            further: dict[int, int] = {}
            for start, lead_id in at.items():
                row = rows.get(lead_id)
                if row is None:
                    continue
                if row.merged_into_id is None:
                    survivors[start] = to_lead(row)
                else:
                    further[start] = row.merged_into_id
            at = further
            if not at:
                break
        return survivors

    def contacts_with(
        self, team_id: str, *, emails: Iterable[str], phones: Iterable[str]
    ) -> list[tuple[Contact, int]]:
        """Contacts (people who bought) with any of these emails or phones, oldest first, each
        with the number of their first lead (how people know the customer: "contact of L-7")."""
        found: dict[int, tuple[ContactRow, int]] = {}
        for column, values in ((ContactRow.email, emails), (ContactRow.phone, phones)):
            query = (
                sa.select(ContactRow, LeadRow.number)
                .join(LeadRow, LeadRow.id == ContactRow.lead_id)
                .where(ContactRow.team_id == team_id, column.in_(_LISTED))
            )
            for chunk in _chunks(sorted(set(values))):
                found.update(
                    (row.id, (row, number)) for row, number in self._s.execute(query, {"listed": chunk})
                )
        return [(to_contact(row), number) for row, number in (found[i] for i in sorted(found))]

    def last_cycles(self, team_id: str, contact_ids: Iterable[int]) -> dict[int, int]:
        """The last cycle of each contact's leads: a new lead of theirs is the next one."""
        query = (
            sa.select(LeadRow.contact_id, sa.func.max(LeadRow.cycle))
            .where(LeadRow.team_id == team_id, LeadRow.contact_id.in_(_LISTED))
            .group_by(LeadRow.contact_id)
        )
        cycles: dict[int, int] = {}
        for chunk in _chunks(sorted(set(contact_ids))):
            for contact_id, cycle in self._s.execute(query, {"listed": chunk}):
                if contact_id is not None:
                    cycles[contact_id] = int(cycle)
        return cycles

    def postings(self, team_id: str, keys: Iterable[str] | None, oldest: int | None = None) -> "Postings":
        """Every live lead filed under one of these keys (None: under any key): the candidates
        of a duplicate check. With `oldest`, only the leads among the first `oldest` filed under
        each key (by id, merged ones counted): a popular key of a big workspace holds thousands,
        of which a check takes the oldest few (domain.matching.dedupe.candidates_per_key); `cut` then tells
        which keys hold more."""
        postings = Postings([], {})
        if keys is None:
            self._post(postings, _POSTINGS.where(_keys.c.team_id == team_id))
        for chunk in _chunks(sorted(set(keys or ()))):
            if oldest is None:
                query = _POSTINGS.where(_keys.c.team_id == team_id, _keys.c.key.in_(_LISTED))
                self._post(postings, query, {"listed": chunk})
            else:
                self._post_oldest(postings, team_id, chunk, oldest)
        return postings

    def _post_oldest(self, postings: "Postings", team_id: str, keys: Sequence[str], oldest: int) -> None:
        """The first `oldest` entries of each key, ranked off the key index alone; only those are
        joined to their leads."""
        rank = sa.func.row_number().over(partition_by=_keys.c.key, order_by=_keys.c.lead_id)
        ranked = (
            sa.select(_keys.c.key, _keys.c.lead_id, rank.label("rank"))
            .where(_keys.c.team_id == team_id, _keys.c.key.in_(_LISTED))
            .subquery()
        )
        query = (
            sa.select(
                ranked.c.key,
                ranked.c.lead_id,
                ranked.c.rank,
                _leads.c.merged_into_id,
                _leads.c.number,
                _leads.c.name,
                _leads.c.email,
                _leads.c.phone,
                _leads.c.company,
            )
            .join(_leads, _leads.c.id == ranked.c.lead_id)
            .where(ranked.c.rank <= oldest)
        )
        for key, id_, rank_, merged_into, number, name, email, phone, company in self._s.execute(
            query, {"listed": keys}
        ):
            if rank_ == oldest:
                postings.cut[key] = id_
            if merged_into is not None:
                continue
            postings.filed.append((key, id_))
            if id_ not in postings.leads:
                postings.leads[id_] = (number, MatchRecord(id_, name, email, phone, company))

    def _post(
        self, postings: "Postings", query: sa.Select[Any], params: dict[str, Any] | None = None
    ) -> None:
        for key, id_, number, name, email, phone, company in self._s.execute(query, params):
            postings.filed.append((key, id_))
            if id_ not in postings.leads:
                postings.leads[id_] = (number, MatchRecord(id_, name, email, phone, company))

    def filed_keys(self, team_id: str) -> int:
        """How many (key, lead) entries the workspace's index holds."""
        query = sa.select(sa.func.count()).select_from(_keys).where(_keys.c.team_id == team_id)
        return int(self._s.execute(query).scalar_one())

    def imported_by(self, team_id: str, actor_id: str, since: datetime) -> tuple[list[int], list[int]]:
        """(created, updated): the ids of the leads an actor's imports captured or updated
        since `since`, as their audit entries tell it, each once, in the order written."""
        refs = (
            sa.select(_audit.c.entity_ref, _audit.c.action)
            .where(
                _audit.c.team_id == team_id,
                _audit.c.actor_id == actor_id,
                _audit.c.entity == "lead",
                _audit.c.action.in_((CAPTURED, RECAPTURED)),
                _audit.c.at >= since,
            )
            .order_by(_audit.c.id)
        )
        numbers: dict[str, dict[int, None]] = {CAPTURED: {}, RECAPTURED: {}}
        for ref, action in self._s.execute(refs):
            number = ref.removeprefix(LEAD_PREFIX)
            if number.isdigit():
                numbers[action][int(number)] = None
        return self._ids(team_id, list(numbers[CAPTURED])), self._ids(team_id, list(numbers[RECAPTURED]))

    def _ids(self, team_id: str, numbers: list[int]) -> list[int]:
        query = sa.select(_leads.c.number, _leads.c.id).where(
            _leads.c.team_id == team_id, _leads.c.number.in_(_LISTED)
        )
        found: dict[int, int] = {}
        for chunk in _chunks(numbers):
            found.update((number, id_) for number, id_ in self._s.execute(query, {"listed": chunk}))
        return [found[number] for number in numbers if number in found]

    def last_number(self, team_id: str) -> int:
        query = sa.select(LeadCounterRow.last_number).where(LeadCounterRow.team_id == team_id)
        return int(self._s.execute(query).scalar_one_or_none() or 0)

    # --- writes --------------------------------------------------------------------------

    def reserve_numbers(self, team_id: str, count: int) -> int:
        """The first of `count` consecutive lead numbers, taken with one UPDATE ... RETURNING:
        the row lock (PostgreSQL) or write lock (SQLite) keeps concurrent captures off them."""
        self._s.execute(insert_ignoring_conflict(self._s, LeadCounterRow, team_id=team_id, last_number=0))
        bump = (
            sa.update(LeadCounterRow)
            .where(LeadCounterRow.team_id == team_id)
            .values(last_number=LeadCounterRow.last_number + count)
            .returning(LeadCounterRow.last_number)
        )
        return int(self._s.execute(bump).scalar_one()) - count + 1

    def insert(self, leads: Sequence[Lead]) -> None:
        """Insert numbered leads and give each its id. `duplicate_of` must already be a real id."""
        if not leads:
            return
        self._insert_many(_leads, _LEAD_INSERT, [_in_insert_order(_values(lead)) for lead in leads])
        team_id = leads[0].team_id
        numbers = [lead.number for lead in leads]
        query = sa.select(_leads.c.number, _leads.c.id).where(
            _leads.c.team_id == team_id, _leads.c.number.between(min(numbers), max(numbers))
        )
        ids = {number: id_ for number, id_ in self._s.execute(query)}
        for lead in leads:
            lead.id = ids[lead.number]
        write_tags(self._s, [lead for lead in leads if lead.tags], fresh=True)

    def update(self, leads: Sequence[Lead]) -> None:
        """Write back everything the lead entity holds, as LeadRepository.save does."""
        if not leads:
            return
        columns = [
            column
            for column in _values(leads[0])
            if column not in ("team_id", "number", "created_at", "created_by")
        ]
        statement = (
            sa.update(_leads)
            .where(_leads.c.id == sa.bindparam("lead_id"))
            .values({column: sa.bindparam(f"v_{column}") for column in columns})
        )
        rows = []
        for lead in leads:
            values = _values(lead)
            rows.append({"lead_id": lead.id, **{f"v_{column}": values[column] for column in columns}})
        self._write(statement, rows)
        # A capture only adds tags (domain/capture/recapture.absorb): leads without any kept none.
        write_tags(self._s, [lead for lead in leads if lead.tags], fresh=False)

    def set_duplicate_of(self, pairs: Sequence[tuple[int, int]]) -> None:
        """(lead id, id of the lead it likely duplicates) for leads flagged within one batch."""
        self._set_column("duplicate_of_id", pairs)

    def set_contact_of(self, pairs: Sequence[tuple[int, int]]) -> None:
        """(lead id, id of the contact it made) for customers the file brought."""
        self._set_column("contact_id", pairs)

    def _set_column(self, column: str, pairs: Sequence[tuple[int, int]]) -> None:
        if pairs:
            statement = sa.update(_leads).where(_leads.c.id == sa.bindparam("lead_id"))
            statement = statement.values({column: sa.bindparam("value")})
            self._write(statement, [{"lead_id": lead, "value": value} for lead, value in pairs])

    def replace_match_keys(self, keyed: Sequence[tuple[Lead, Iterable[str]]], *, fresh: bool) -> None:
        """File each lead under its blocking keys; `fresh` leads have none to delete yet."""
        if not fresh:
            for chunk in _chunks([lead.id for lead, _ in keyed]):
                self._s.execute(sa.delete(_keys).where(_keys.c.lead_id.in_(chunk)))
        rows = [(lead.id, key, lead.team_id) for lead, keys in keyed for key in set(keys)]
        # In key order the index (team, key, lead) is written page after page, not at random.
        rows.sort(key=_KEY_OF_ROW)
        self._insert_many(_keys, ("lead_id", "key", "team_id"), rows)

    def add_activities(self, entries: Sequence[tuple[Lead, Activity]]) -> None:
        columns = ("team_id", "lead_id", "kind", "body", "actor_id", "created_at")
        rows = [
            (lead.team_id, lead.id, str(activity.kind), activity.body, activity.actor_id, activity.created_at)
            for lead, activity in entries
        ]
        self._insert_many(_activities, columns, rows)

    def add_audit(self, entries: Sequence[AuditEntry], actor_id: str, at: datetime) -> None:
        columns = ("team_id", "actor_id", "action", "entity", "entity_ref", "before", "after", "at")
        rows = [
            (e.lead.team_id, actor_id, e.action, "lead", e.lead.ref, e.before, e.after, at) for e in entries
        ]
        self._insert_many(_audit, columns, rows)

    def _insert_many(self, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        try:
            insert_many(self._s.connection(), table, columns, rows)
        except IntegrityError as exc:
            raise WriteConflict(str(exc.orig)) from exc

    def _write(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        try:
            self._s.execute(statement, rows)
        except IntegrityError as exc:
            raise WriteConflict(str(exc.orig)) from exc


def _values(lead: Lead) -> dict[str, Any]:
    """The leads row of an entity, as LeadRepository writes it."""
    values: dict[str, Any] = {column: getattr(lead, column) for column in LEAD_COLUMNS}
    values.update(
        team_id=lead.team_id,
        number=lead.number,
        status=str(lead.status),
        duplicate_of_id=lead.duplicate_of,
        merged_into_id=lead.merged_into,
        enriched=dict(lead.enriched) or None,
        custom=dict(lead.custom) or None,
        tags=list(lead.tags) or None,
        search_text=search_text(lead.name, lead.company, lead.email),
        created_by=lead.created_by,
        created_at=lead.created_at,
        updated_at=lead.updated_at or lead.created_at,
    )
    return values


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]
