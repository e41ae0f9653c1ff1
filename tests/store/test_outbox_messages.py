"""Every outbox kind has its own model, and a message reads back from its row as it went in:
rows written before the models (payload JSON as the handlers wrote it) included."""

import typing
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from domain.delivery.messages import MessageBody, MessageKind, OutboxMessage, message_body
from store.tables import OutboxRow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LEAD = {
    "ref": "L-7",
    "name": "Dana <Scully>",
    "email": "d@fbi.gov",
    "company": "FBI",
    "source": "web",
    "status": "new",
}
NOTES = [{"user_id": "U0ANN", "skipped": False, "detail": "has 4 of 10 open"}]
ROUTED = {
    "assignment_id": 3,
    "lead": {**LEAD, "country": "DE", "product": None},
    "team": "EMEA",
    "rule": None,
}

# Each kind's payload exactly as the handlers wrote it before the models (no data migration).
STORED: dict[MessageKind, dict[str, typing.Any]] = {
    MessageKind.REMINDER_DUE: {
        "user": "U0ANN",
        "text": "call back",
        "due_at": "2026-11-23T12:00:00+00:00",
        "reminder_id": 4,
        "tz": "Europe/Berlin",
        "nudge": 1,
        "lead": {"ref": "L-7", "name": "Dana", "company": None, "status": "new"},
    },
    MessageKind.CHANNEL_POST: {"channel": "C0SALES", "text": "5 leads: 5 new"},
    MessageKind.LEAD_ANNOUNCED: {"channel": "C0SALES", "via": "web form", "lead": LEAD},
    MessageKind.MENTION_REPLY: {"channel": "C0SALES", "thread_ts": "1.2", "user": "U0ANN"},
    MessageKind.COMMAND_REPLY: {
        "user": "U0ANN",
        "response_url": "https://hooks.slack.test/1",
        "message": {"text": "done", "blocks": [{"type": "divider"}], "response_type": "ephemeral"},
    },
    MessageKind.ROUTING_PROPOSAL: {"channel": "C0EMEA", **ROUTED, "rep": "U0ANN", "notes": NOTES},
    MessageKind.ROUTING_DECIDED: {
        "channel": "C0EMEA",
        "ts": "1.5",
        "decision": "approve",
        "by": "U0MGR",
        **ROUTED,
        "rep": "U0ANN",
        "notes": NOTES,
    },
    MessageKind.LEAD_ASSIGNED_DM: {"user": "U0ANN", "lead": LEAD, "by": "U0MGR"},
    MessageKind.LEAD_TAKEN_DM: {"user": "U0BEN", "lead": LEAD, "rep": "U0ANN", "by": "U0MGR"},
    MessageKind.BULK_OWNERS_DM: {
        "user": "U0BEN",
        "by": "U0MGR",
        "action": 9,
        "count": 3,
        "gained": False,
        "undone": False,
        "filter": "owner:@ben",
        "to": None,
    },
    MessageKind.SLA_BREACHED: {
        "channel": "C0EMEA",
        "thread_ts": None,
        "lead": LEAD,
        "rep": "U0ANN",
        "minutes": 60,
        "managers": ["U0MGR"],
        "reroute": True,
        "rerouted_to": "U0BEN",
        "team": "EMEA",
    },
    MessageKind.TEAM_DIGEST: {"channel": "C0SALES", "digest": {"team_name": "Sales", "hot": []}},
    MessageKind.WEEKLY_CHART: {
        "channel": "C0SALES",
        "chart": {"title": "Sales", "stages": [["new", 4]]},
        "filename": "sales-2026-11-23.png",
    },
    MessageKind.AWAY_SUMMARY: {
        "user": "U0ANN",
        "reminders": [
            {
                "reminder_id": 4,
                "text": "call",
                "due_at": "2026-11-22T09:00:00+00:00",
                "lead": {"ref": "L-7", "name": "Dana", "company": None},
            }
        ],
    },
    MessageKind.QUIET_LEADS: {
        "user": "U0ANN",
        "days": 14,
        "total": 1,
        "leads": [{"ref": "L-7", "name": "Dana", "company": "FBI", "score": 40}],
    },
    MessageKind.READY_FOR_SALES: {"channel": "C0SALES", "lead": LEAD, "owner": None, "score": 72, "sql": 70},
    MessageKind.ADMIN_ALERT: {
        "user": "U0ADM",
        "channel_id": "C0GONE",
        "error": "channel_not_found",
        "count": 2,
        "kinds": ["team_digest"],
        "leads": ["L-7"],
    },
    MessageKind.HOME_REFRESH: {"viewer": "U0ANN"},
}


def models() -> list[type]:
    union, _ = typing.get_args(MessageBody)
    return list(typing.get_args(union))


def test_every_kind_has_exactly_one_model():
    kinds = [model.model_fields["kind"].default for model in models()]
    assert sorted(kinds) == sorted(MessageKind)


def test_the_stored_shapes_cover_every_kind():
    assert set(STORED) == set(MessageKind)


def read_back(uow_factory, key: str):
    with uow_factory() as uow:
        _, [message] = uow.outbox.claim(NOW, 10, timedelta(minutes=1))
        uow.commit()
    assert message.dedupe_key == key
    return message


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_message_reads_back_from_its_row_as_it_went_in(uow_factory, kind):
    body = message_body(kind, STORED[kind])
    with uow_factory() as uow:
        uow.outbox.add(OutboxMessage("T1", f"k-{kind}", body), NOW)
        uow.commit()

    message = read_back(uow_factory, f"k-{kind}")

    assert (message.kind, message.body) == (kind, body)
    assert type(message.body).__name__ == type(body).__name__


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_row_written_before_the_models_reads_as_its_kinds_model_unchanged(database, uow_factory, kind):
    engine, _ = database
    with engine.begin() as connection:
        row = {"team_id": "T1", "dedupe_key": "old", "kind": str(kind), "payload": STORED[kind]}
        connection.execute(
            sa.insert(OutboxRow).values(
                **row, status="pending", attempts=0, next_attempt_at=NOW, created_at=NOW
            )
        )

    message = read_back(uow_factory, "old")

    assert message.body.kind == kind
    assert message.payload == STORED[kind]  # the same JSON again: nothing to migrate
