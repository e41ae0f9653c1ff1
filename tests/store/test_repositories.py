"""Repositories on a real database: tenant-scoped reads, rollback unless committed, UTC times."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from domain.delivery.messages import ChannelPost, OutboxMessage
from domain.followups.activity import Activity, ActivityKind
from domain.followups.reminder import Reminder
from domain.lead import Lead
from domain.lifecycle import LeadStatus
from domain.matching.dedupe import LOOSE_KEY_CANDIDATES, candidates_per_key
from domain.scoring.rules import Stage
from store.unit_of_work import UowFactory

HOME, OTHER = "T0HOME", "T0OTHER"
ANN = "U0REP0ANN"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
KOLKATA = timezone(timedelta(hours=5, minutes=30))


def make_lead(**overrides: Any) -> Lead:
    values: dict[str, Any] = {
        "team_id": HOME,
        "name": "Dana Scully",
        "created_at": NOW,
        "updated_at": NOW,
        "created_by": ANN,
        "email": "dana@fbi.gov",
        "company": "FBI",
        "owner_id": ANN,
        "sales_team": "sales",
    }
    return Lead(**(values | overrides))


def stored(uow_factory: UowFactory, lead: Lead) -> Lead:
    with uow_factory() as uow:
        uow.leads.add(lead)
        uow.commit()
    return lead


def test_a_lead_round_trips_with_every_field(uow_factory: UowFactory) -> None:
    lead = stored(uow_factory, make_lead(phone="+12025550143", title="Agent", source="web", score=40))

    with uow_factory() as uow:
        loaded = uow.leads.get(HOME, lead.number)

    assert loaded == lead
    assert loaded is not None and loaded.id == lead.id


def test_saving_a_lead_keeps_its_new_status(uow_factory: UowFactory) -> None:
    lead = stored(uow_factory, make_lead())
    lead.move_to(LeadStatus.CONTACTED, NOW + timedelta(minutes=5))
    with uow_factory() as uow:
        uow.leads.save(lead)
        uow.commit()

    with uow_factory() as uow:
        loaded = uow.leads.get(HOME, lead.number)

    assert loaded is not None
    assert (loaded.status, loaded.updated_at) == (LeadStatus.CONTACTED, NOW + timedelta(minutes=5))


def test_each_workspace_numbers_its_leads_from_one(uow_factory: UowFactory) -> None:
    first_home = stored(uow_factory, make_lead())
    first_other = stored(uow_factory, make_lead(team_id=OTHER))
    second_home = stored(uow_factory, make_lead(name="Fox Mulder", email="fox@fbi.gov"))

    assert (first_home.ref, first_other.ref, second_home.ref) == ("L-1", "L-1", "L-2")


def test_a_lead_of_one_workspace_is_invisible_to_another(uow_factory: UowFactory) -> None:
    lead = stored(uow_factory, make_lead())

    with uow_factory() as uow:
        assert uow.leads.get(OTHER, lead.number) is None
        assert uow.leads.by_numbers(OTHER, [lead.number]) == []
        assert uow.leads.search_corpus(OTHER) == {}
        assert uow.leads.owned_by(OTHER, ANN, list(LeadStatus), 10) == []
        assert uow.leads.find_by_email(OTHER, "dana@fbi.gov") is None
        assert uow.leads.all(OTHER) == []
        # ...while the home workspace sees it everywhere.
        assert uow.leads.get(HOME, lead.number) == lead
        assert uow.leads.by_numbers(HOME, [lead.number]) == [lead]
        assert list(uow.leads.search_corpus(HOME)) == [lead.number]
        assert uow.leads.owned_by(HOME, ANN, list(LeadStatus), 10) == [lead]
        assert uow.leads.find_by_email(HOME, "dana@fbi.gov") == lead


def test_reminders_of_one_workspace_are_invisible_to_another(uow_factory: UowFactory) -> None:
    lead = stored(uow_factory, make_lead())
    with uow_factory() as uow:
        reminder = uow.reminders.add(Reminder(HOME, lead.id or 0, ANN, NOW + timedelta(hours=1), "call", NOW))
        uow.commit()

    with uow_factory() as uow:
        assert uow.reminders.get(OTHER, reminder.id or 0) is None
        assert uow.reminders.pending_for_lead(OTHER, lead.id or 0) == []
        assert uow.reminders.get(HOME, reminder.id or 0) == reminder


def test_by_numbers_keeps_the_order_asked_for_and_skips_missing(uow_factory: UowFactory) -> None:
    for n in range(3):
        stored(uow_factory, make_lead(name=f"Lead {n}", email=None))

    with uow_factory() as uow:
        leads = uow.leads.by_numbers(HOME, [3, 99, 1])

    assert [lead.number for lead in leads] == [3, 1]


def test_nothing_is_kept_unless_committed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.leads.add(make_lead())

    with uow_factory() as uow:
        assert uow.leads.all(HOME) == []
    assert stored(uow_factory, make_lead()).number == 1  # the number was rolled back too


def test_an_error_inside_the_unit_of_work_rolls_everything_back(uow_factory: UowFactory) -> None:
    with pytest.raises(RuntimeError), uow_factory() as uow:
        lead = uow.leads.add(make_lead())
        uow.activities.add(lead, Activity(ActivityKind.NOTE, "hi", ANN, NOW))
        raise RuntimeError("boom")

    with uow_factory() as uow:
        assert uow.leads.all(HOME) == []


def test_times_come_back_as_aware_utc(uow_factory: UowFactory) -> None:
    created = datetime(2026, 11, 23, 20, 30, tzinfo=KOLKATA)  # 15:00 UTC
    lead = stored(uow_factory, make_lead(created_at=created))
    with uow_factory() as uow:
        uow.activities.add(lead, Activity(ActivityKind.CALL, "rang", ANN, created))
        uow.reminders.add(Reminder(HOME, lead.id or 0, ANN, created + timedelta(days=1), "call", created))
        uow.commit()

    with uow_factory() as uow:
        loaded = uow.leads.get(HOME, lead.number)
        assert loaded is not None
        [activity] = uow.activities.latest(loaded, 5)
        [reminder] = uow.reminders.pending_for_lead(HOME, loaded.id or 0)

    moments = [
        loaded.created_at,
        loaded.updated_at,
        activity.created_at,
        reminder.due_at,
        reminder.created_at,
    ]
    assert all(moment is not None and moment.tzinfo is UTC for moment in moments)
    assert loaded.created_at == NOW
    assert reminder.due_at == NOW + timedelta(days=1)


def test_a_naive_time_is_refused(uow_factory: UowFactory) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), uow_factory() as uow:
        uow.leads.add(make_lead(created_at=datetime(2026, 11, 23, 15, 0)))


def test_the_timeline_comes_newest_first(uow_factory: UowFactory) -> None:
    lead = stored(uow_factory, make_lead())
    with uow_factory() as uow:
        for minutes, body in [(1, "first"), (3, "third"), (2, "second")]:
            uow.activities.add(lead, Activity(ActivityKind.NOTE, body, ANN, NOW + timedelta(minutes=minutes)))
        uow.commit()

    with uow_factory() as uow:
        bodies = [activity.body for activity in uow.activities.latest(lead, 2)]

    assert bodies == ["third", "second"]


def test_the_outbox_keeps_one_message_per_dedupe_key(uow_factory: UowFactory) -> None:
    message = OutboxMessage(HOME, "digest:2026-11-23", ChannelPost(channel="C1", text="hi"))
    for _ in range(2):
        with uow_factory() as uow:
            uow.outbox.add(message, NOW)
            uow.commit()

    with uow_factory() as uow:
        assert uow.outbox.status_counts() == {"pending": 1}
        _, claimed = uow.outbox.claim(NOW, 10, timedelta(minutes=1))

    assert [(m.dedupe_key, m.payload) for m in claimed] == [
        ("digest:2026-11-23", {"channel": "C1", "text": "hi"})
    ]


def test_a_request_key_is_held_once_per_workspace(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.requests.first(HOME, "slack-retry-1", NOW) is None  # this request does the work
        uow.requests.settle(HOME, "slack-retry-1", "L-1")
        uow.commit()

    with uow_factory() as uow:
        assert uow.requests.first(HOME, "slack-retry-1", NOW) == "L-1"  # a repeat gets the first result
        assert uow.requests.first(OTHER, "slack-retry-1", NOW) is None


def test_a_first_crossing_recorded_twice_keeps_one_row_and_the_furthest_stage(uow_factory: UowFactory):
    """Two replicas scoring one lead at once both see it at `lead` and both record its first
    crossing: the second goes on from the first's row instead of failing on its key."""
    lead = stored(uow_factory, make_lead())
    assert lead.id is not None
    for stage in (Stage.MQL, Stage.SQL):
        with uow_factory() as uow:
            uow.scores.reach(HOME, lead.id, Stage.LEAD, stage, NOW)
            uow.commit()

    with uow_factory() as uow:
        reached = uow.scores.reached(HOME, lead.id)

    assert reached.stage is Stage.SQL and reached.sql_at == NOW


def test_a_check_meets_the_oldest_few_under_each_key_and_the_loose_keys_fewest(
    uow_factory: UowFactory,
) -> None:
    loose, plain = "w:dan|F100", "n:D500|S400"
    with uow_factory() as uow:
        for n in range(LOOSE_KEY_CANDIDATES + 5):
            lead = uow.leads.add(make_lead(email=f"dana{n}@fbi.gov"))
            uow.leads.set_match_keys(lead, [loose, plain], new=True)
        uow.commit()

    with uow_factory() as uow:
        under_loose = [r.id for r in uow.leads.match_candidates(HOME, [loose])]
        under_both = [r.id for r in uow.leads.match_candidates(HOME, [loose, plain])]
        under_plain_elsewhere = uow.leads.match_candidates(OTHER, [plain])

    assert candidates_per_key(loose) == LOOSE_KEY_CANDIDATES < candidates_per_key(plain)
    assert len(under_loose) == LOOSE_KEY_CANDIDATES
    assert under_loose == sorted(under_both)[:LOOSE_KEY_CANDIDATES]  # the oldest
    assert len(under_both) == LOOSE_KEY_CANDIDATES + 5  # the plain key brings every one
    assert under_plain_elsewhere == []
