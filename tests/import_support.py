"""Builders shared by the import tests: rows, random rows that keep meeting, stored state."""

import random
from typing import Any

from bot.ids import CallbackId, ImportInput
from domain.config import CONSOLE_WORKSPACE
from handlers.importing.rows import ImportRow
from store.unit_of_work import UowFactory

OTHER_WORKSPACE = "T0OTHER"


def rows(*values: dict[str, str]) -> list[ImportRow]:
    return [ImportRow(number, row) for number, row in enumerate(values, start=2)]


def stored(uow_factory: UowFactory, workspace: str = CONSOLE_WORKSPACE) -> dict[str, Any]:
    """Every lead of a workspace by ref, with its history, as comparable plain values."""
    with uow_factory() as uow:
        leads = uow.leads.all(workspace)
        number_of = {lead.id: lead.number for lead in leads}
        state = {}
        for lead in leads:
            audit = uow.audit.entries(workspace, lead.ref)
            activities = reversed(uow.activities.latest(lead, 50))
            state[lead.ref] = {
                **lead.snapshot(),
                "enriched": lead.enriched,
                "created_by": lead.created_by,
                "duplicate_of": number_of.get(lead.duplicate_of),
                "activities": [(a.kind, a.body, a.actor_id) for a in activities],
                "audit": [(e.action, e.actor_id, e.before, e.after) for e in audit],
            }
    return state


FIRST = ["Jonathan", "Jon", "Dana", "Dan", "Fox", "Walter", "Walt", "Monica", "John", "J.", "Dna"]
LAST = ["Smithers", "Smithres", "Scully", "Mulder", "Skinner", "Reyes", "Reye"]
COMPANIES = ["Acme Corporation", "ACME Corp.", "FBI", "F.B.I.", "Initech", "Initek", "", ""]
DOMAINS = ["acme.com", "fbi.gov", "initech.com", "gmail.com"]


def random_rows(seed: int, count: int) -> list[dict[str, str]]:
    """Few names and companies, so rows keep meeting: as the same person (an address or phone
    seen before), as a likely duplicate, or as nobody known."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        mailbox = rng.choice([f"{first}.{last}", first, f"{first}{rng.randrange(99)}"]).lower().strip(".")
        row = {
            "name": f"{first} {last}" if rng.random() < 0.95 else "",
            "email": rng.choice([f"{mailbox}@{rng.choice(DOMAINS)}"] * 6 + ["bad@"] + [""] * 5),
            "phone": rng.choice(["", "", "", f"+1 202 555 01{rng.randrange(12):02d}", "202-555-0101", "12"]),
            "company": rng.choice(COMPANIES),
            "title": rng.choice(["CEO", "Agent", "", ""]),
            "external_id": rng.choice(["", "", "", "", f"crm-{rng.randrange(8)}"]),
        }
        made.append({key: value for key, value in row.items() if value})
    return made


def submit(slack, fake_slack, user, content, name="leads.csv", dry_run=False, attach=True):
    """`/lead import`'s form submitted with `content` attached (as the stand-in shares it)."""
    files = [fake_slack.share_file(name, content)] if attach else []
    checked = [{"text": {"type": "plain_text", "text": "Dry run"}, "value": "dry_run"}] if dry_run else []
    values = {
        ImportInput.FILE: {ImportInput.FILE: {"type": "file_input", "files": files}},
        ImportInput.DRY_RUN: {ImportInput.DRY_RUN: {"type": "checkboxes", "selected_options": checked}},
    }
    request = slack.signer.view_submission(
        team_id=slack.team_id, user_id=user, callback_id=CallbackId.IMPORT_FORM, values=values
    )
    return slack.send(request)
