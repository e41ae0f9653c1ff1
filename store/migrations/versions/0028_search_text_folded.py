"""Every lead's search text without accents

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 08:40:00

`/lead find` ranks what a rep types against each lead's search_text (name, company and
email). A rep types "Muller" for Müller and "Angstrom" for Ångström, so the search text is
now kept without the accents of Latin letters (domain.book.search.search_text), and the
query is folded the same way. Leads stored before keep their accented text until this
writes each one's again from its name, company and email. Running it again writes the same
text: it can be repeated safely.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domain.book.search import search_text

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

leads = sa.table(
    "leads",
    sa.column("id", sa.BigInteger),
    sa.column("name", sa.String),
    sa.column("company", sa.String),
    sa.column("email", sa.String),
    sa.column("search_text", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.select(leads.c.id, leads.c.name, leads.c.company, leads.c.email, leads.c.search_text)
            .where(leads.c.id > after)
            .order_by(leads.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = [
            {"lead_id": row.id, "text": text}
            for row in rows
            if (text := search_text(row.name, row.company, row.email)) != row.search_text
        ]
        if changed:
            statement = (
                leads.update()
                .where(leads.c.id == sa.bindparam("lead_id"))
                .values(search_text=sa.bindparam("text"))
            )
            bind.execute(statement, changed)
        after = rows[-1].id


def downgrade() -> None:
    """The folded text stays: the older code's search still finds a lead by its unaccented
    name, only no longer by the accented one."""
