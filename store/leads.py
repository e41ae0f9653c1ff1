"""The lead repository: row <-> domain mapping, numbering, exact and fuzzy-match lookups.
Every query is scoped to one workspace; merged leads are hidden from lookups."""

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.book.search import search_text
from domain.lead import PROFILE_FIELDS, Lead
from domain.lifecycle import LeadStatus
from domain.matching.dedupe import MatchRecord, candidates_per_key
from store.book.lead_tags import write_tags
from store.sql import upsert
from store.tables import HOLDS_IDENTITY, LeadCounterRow, LeadMatchKeyRow, LeadRow

MERGE_HOPS = 10  # a longer chain of merges (a lead merged into one merged since...) is not followed
PHONE_HOLDERS = 50  # people behind one switchboard a capture compares itself with
PRELOAD_CHUNK = 500  # ids in one IN (...): well under every driver's limit on parameters

LEAD_COLUMNS = (
    "name",
    "email",
    "phone",
    *PROFILE_FIELDS,
    "owner_id",
    "sales_team",
    "score",
    "external_id",
    "origin_url",
    "deal_value",
    "deal_product",
    "lost_reason",
    "lost_note",
    "closed_at",
    "expected_value",
    "expected_close",
    "contact_id",
    "cycle",
    "do_not_contact_at",
)


@functools.cache
def _candidates_query(key_count: int) -> sa.Select[int, str, str | None, str | None, str | None]:
    """Live leads under any of `key_count` keys, in one round trip: each key's postings
    (the oldest few, domain.matching.dedupe.candidates_per_key, off the index), their union,
    the rows. Built once per key count: building the statement costs more than running it."""
    per_key = [
        sa.select(
            sa.select(LeadMatchKeyRow.lead_id)
            .where(
                LeadMatchKeyRow.team_id == sa.bindparam("team_id"),
                LeadMatchKeyRow.key == sa.bindparam(f"k{i}"),
            )
            .order_by(LeadMatchKeyRow.lead_id)
            .limit(sa.bindparam(f"n{i}"))
            .subquery()
        )
        for i in range(key_count)
    ]
    ids = sa.union(*per_key) if key_count > 1 else per_key[0]
    return sa.select(LeadRow.id, LeadRow.name, LeadRow.email, LeadRow.phone, LeadRow.company).where(
        LeadRow.id.in_(ids), LeadRow.id != sa.bindparam("exclude"), LeadRow.merged_into_id.is_(None)
    )


class LeadRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
        self._held: list[LeadRow] = []  # rows by_ids() read, alive for this unit of work

    def add(self, lead: Lead) -> Lead:
        """Give the lead the next number of its workspace and insert it."""
        lead.number = self._next_number(lead.team_id)
        row = LeadRow(
            team_id=lead.team_id,
            number=lead.number,
            status=str(lead.status),
            created_by=lead.created_by,
            created_at=lead.created_at,
            updated_at=lead.updated_at or lead.created_at,
        )
        self._copy_into(lead, row)
        self._s.add(row)
        self._s.flush()
        lead.id = row.id
        if lead.tags:
            write_tags(self._s, [lead], fresh=True)
        return lead

    def _next_number(self, team_id: str) -> int:
        # One upsert: the first lead of a workspace makes its counter, later ones bump
        # it. The update takes a row lock (PostgreSQL) or runs under the write lock
        # (SQLite), so concurrent captures in one workspace never share a number.
        bump = (
            upsert(self._s, LeadCounterRow, team_id=team_id, last_number=1)
            .on_conflict_do_update(
                index_elements=[LeadCounterRow.team_id],
                set_={"last_number": LeadCounterRow.last_number + 1},
            )
            .returning(LeadCounterRow.last_number)
        )
        return int(self._s.execute(bump).scalar_one())

    def save(self, lead: Lead) -> None:
        row = self._s.get_one(LeadRow, lead.id)
        retagged = list(lead.tags) != list(row.tags or ())
        self._copy_into(lead, row)
        if retagged:
            write_tags(self._s, [lead], fresh=False)
        row.status = str(lead.status)
        row.updated_at = lead.updated_at or row.updated_at
        # Flush now: the order of saves matters to the one-live-lead-per-email/phone
        # indexes (a merge retires the duplicate before its phone moves to the keeper).
        self._s.flush()

    def get(self, team_id: str, number: int) -> Lead | None:
        row = self._s.scalars(self._in(team_id).where(LeadRow.number == number)).one_or_none()
        return to_lead(row) if row else None

    def by_numbers(self, team_id: str, numbers: Sequence[int]) -> list[Lead]:
        rows = self._s.scalars(self._in(team_id).where(LeadRow.number.in_(numbers)))
        by_number = {row.number: to_lead(row) for row in rows}
        return [by_number[n] for n in numbers if n in by_number]

    def owned_by(self, team_id: str, user_id: str, statuses: Sequence[LeadStatus], limit: int) -> list[Lead]:
        query = (
            self._live(team_id)
            .where(LeadRow.owner_id == user_id, LeadRow.status.in_([str(s) for s in statuses]))
            .order_by(LeadRow.updated_at.desc(), LeadRow.number.desc())
            .limit(limit)
        )
        return [to_lead(row) for row in self._s.scalars(query)]

    def search_corpus(self, team_id: str) -> dict[int, str]:
        query = sa.select(LeadRow.number, LeadRow.search_text).where(
            LeadRow.team_id == team_id, LeadRow.merged_into_id.is_(None)
        )
        return {number: text for number, text in self._s.execute(query)}

    def same_person(
        self, team_id: str, *, external_id: str | None, email: str | None
    ) -> tuple[Lead, str] | None:
        """The live lead that is certainly this person, and which field says so: external id
        first (the sender's own key), then email. A phone may be shared (holding_phone). A
        converted lead keeps its external id but not its email: the person is a contact now,
        and their next interest is a new lead (handlers/capture/cycles.py)."""
        if external_id:
            found = self._by_external_id(team_id, external_id)
            if found is not None:
                return found, "external_id"
        if email:
            query = self._in(team_id).where(LeadRow.email == email, HOLDS_IDENTITY)
            row = self._s.scalars(query.order_by(LeadRow.number).limit(1)).first()
            if row is not None:
                return to_lead(row), "email"
        return None

    def holding_phone(self, team_id: str, phone: str, limit: int = PHONE_HOLDERS) -> list[Lead]:
        """Live leads holding this phone, oldest first: several people may share one (a
        switchboard), so which of them a new lead is, if any, is domain.matching.identity's call."""
        query = self._in(team_id).where(LeadRow.phone == phone, HOLDS_IDENTITY)
        return [to_lead(row) for row in self._s.scalars(query.order_by(LeadRow.number).limit(limit))]

    def _by_external_id(self, team_id: str, external_id: str) -> Lead | None:
        """External ids are unique even among merged leads, so a resend of a merged
        lead's id must reach the lead it was merged into."""
        row = self._s.scalars(self._in(team_id).where(LeadRow.external_id == external_id)).first()
        return self._live_end(row)

    def survivor(self, lead: Lead) -> Lead | None:
        """The live lead a merged-away one's history went to, following merges of merges."""
        return self._live_end(self._s.get(LeadRow, lead.id)) if lead.id is not None else None

    def _live_end(self, row: LeadRow | None) -> Lead | None:
        hops = 0
        while row is not None and row.merged_into_id is not None and hops < MERGE_HOPS:
            row, hops = self._s.get(LeadRow, row.merged_into_id), hops + 1
        return to_lead(row) if row is not None and row.merged_into_id is None else None

    def find_by_email(self, team_id: str, email: str) -> Lead | None:
        found = self.same_person(team_id, external_id=None, email=email)
        return found[0] if found else None

    def set_match_keys(self, lead: Lead, keys: Iterable[str], *, new: bool = False) -> None:
        """File the lead under `keys` instead of its old ones (a new lead has none)."""
        if not new:
            self._s.execute(sa.delete(LeadMatchKeyRow).where(LeadMatchKeyRow.lead_id == lead.id))
        rows = [{"lead_id": lead.id, "key": key, "team_id": lead.team_id} for key in set(keys)]
        if rows:
            self._s.execute(sa.insert(LeadMatchKeyRow), rows)

    def match_candidates(
        self, team_id: str, keys: Iterable[str], exclude: int | None = None
    ) -> list[MatchRecord]:
        """Live leads sharing a blocking key with the new one (the oldest few under each key,
        domain.matching.dedupe.candidates_per_key): the only ones worth scoring."""
        wanted = sorted(set(keys))
        if not wanted:
            return []
        params: dict[str, object] = {"team_id": team_id, "exclude": exclude or 0}
        for i, key in enumerate(wanted):
            params[f"k{i}"], params[f"n{i}"] = key, candidates_per_key(key)
        query = _candidates_query(len(wanted))
        return [
            MatchRecord(id=r.id, name=r.name, email=r.email, phone=r.phone, company=r.company)
            for r in self._s.execute(query, params)
        ]

    def preload(self, lead_ids: Iterable[int]) -> None:
        """Load these leads in one query, so `by_id` of any of them in this unit of work
        asks the database nothing (the session keeps each row it loaded)."""
        wanted = sorted(set(lead_ids))
        for start in range(0, len(wanted), PRELOAD_CHUNK):
            chunk = wanted[start : start + PRELOAD_CHUNK]
            self._s.scalars(sa.select(LeadRow).where(LeadRow.id.in_(chunk))).all()

    def by_ids(self, team_id: str, lead_ids: Iterable[int]) -> dict[int, Lead]:
        """These leads of the workspace in one query, by id. The session keeps a row only while
        something refers to it: the rows are held for this unit of work, so each lead's save()
        finds its row without asking the database again (a bulk action's batch)."""
        query = sa.select(LeadRow).where(LeadRow.team_id == team_id, LeadRow.id.in_(list(lead_ids)))
        rows = list(self._s.scalars(query))
        self._held.extend(rows)
        return {row.id: to_lead(row) for row in rows}

    def by_id(self, team_id: str, lead_id: int) -> Lead | None:
        row = self._s.get(LeadRow, lead_id)
        return to_lead(row) if row is not None and row.team_id == team_id else None

    def all(self, team_id: str | None = None) -> list[Lead]:
        query = sa.select(LeadRow).order_by(LeadRow.team_id, LeadRow.number)
        if team_id is not None:
            query = query.where(LeadRow.team_id == team_id)
        return [to_lead(row) for row in self._s.scalars(query)]

    def number_of(self, lead_id: int) -> int:
        return int(self._s.get_one(LeadRow, lead_id).number)

    @staticmethod
    def _in(team_id: str) -> sa.Select[LeadRow]:
        return sa.select(LeadRow).where(LeadRow.team_id == team_id)

    @classmethod
    def _live(cls, team_id: str) -> sa.Select[LeadRow]:
        """Leads not merged into another: a merged lead lives on only for undo."""
        return cls._in(team_id).where(LeadRow.merged_into_id.is_(None))

    @staticmethod
    def _copy_into(lead: Lead, row: LeadRow) -> None:
        for column in LEAD_COLUMNS:
            setattr(row, column, getattr(lead, column))
        row.duplicate_of_id = lead.duplicate_of
        row.merged_into_id = lead.merged_into
        row.enriched = dict(lead.enriched) or None
        row.custom = dict(lead.custom) or None
        row.tags = list(lead.tags) or None
        row.search_text = search_text(lead.name, lead.company, lead.email)


def to_lead(row: LeadRow) -> Lead:
    values: dict[str, Any] = {column: getattr(row, column) for column in LEAD_COLUMNS}
    return Lead(
        team_id=row.team_id,
        number=row.number,
        created_at=row.created_at,
        created_by=row.created_by,
        status=LeadStatus(row.status),
        updated_at=row.updated_at,
        duplicate_of=row.duplicate_of_id,
        merged_into=row.merged_into_id,
        enriched=dict(row.enriched or {}),
        custom=dict(row.custom or {}),
        tags=tuple(row.tags or ()),
        id=row.id,
        **values,
    )
