"""Contacts: people who bought, found again by email or phone when they show new interest."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.capture.contact import Contact
from store.tables import ContactRow, LeadRow

CONTACT_COLUMNS = ("team_id", "name", "email", "phone", "company", "lead_id", "created_by", "created_at")


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, contact: Contact) -> Contact:
        row = ContactRow(**{column: getattr(contact, column) for column in CONTACT_COLUMNS})
        self._s.add(row)
        self._s.flush()
        contact.id = row.id
        return contact

    def get(self, team_id: str, contact_id: int) -> Contact | None:
        row = self._s.get(ContactRow, contact_id)
        return to_contact(row) if row is not None and row.team_id == team_id else None

    def matching(self, team_id: str, *, email: str | None, phone: str | None) -> Contact | None:
        """The oldest contact with this (normalised) email, else with this phone."""
        for column, value in ((ContactRow.email, email), (ContactRow.phone, phone)):
            if value:
                query = sa.select(ContactRow).where(ContactRow.team_id == team_id, column == value)
                row = self._s.scalars(query.order_by(ContactRow.id).limit(1)).first()
                if row is not None:
                    return to_contact(row)
        return None

    def last_cycle(self, team_id: str, contact_id: int) -> int:
        """The highest cycle among the contact's leads (0 if none yet)."""
        query = sa.select(sa.func.max(LeadRow.cycle)).where(
            LeadRow.team_id == team_id, LeadRow.contact_id == contact_id
        )
        return int(self._s.execute(query).scalar_one_or_none() or 0)


def to_contact(row: ContactRow) -> Contact:
    values = {column: getattr(row, column) for column in CONTACT_COLUMNS}
    return Contact(id=row.id, **values)
