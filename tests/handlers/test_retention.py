"""The retention policy (`retention_days`): the scheduler erases the personal data of people
whose leads were all lost, or untouched, that long ago; once a day, in one process, recorded in
the audit log; report counts unchanged. On a fake clock: every step is given its `now`."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from support import ADA, ANN, context_of

from domain.config import LeadbotConfig, SalesTeam
from domain.daily import ALL_WORKSPACES
from handlers.commands import AddLead, ConvertLead, LogActivity, LoseLead, ShowReport
from handlers.operations.retention import RETENTION_ACTOR, erase_expired
from handlers.registry import dispatch
from scheduler.jobs import Jobs, run_sweep
from store.operations.privacy import ERASED
from store.tables import ActivityRow, AuditRow, LeadRow

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)
LONG_AGO = NOW - 40 * DAY  # past a 30-day retention


@pytest.fixture
def config() -> LeadbotConfig:
    team = SalesTeam(key="sales", name="Sales", members=(ANN,))
    return LeadbotConfig(teams=(team,), admins=(ADA,), retention_days=30)


@pytest.fixture
def run(uow_factory, config):
    def command(cmd, at=NOW, user=ANN):
        return dispatch(cmd, uow_factory(), context_of(config, user, now=at))

    return command


@pytest.fixture
def leads(run):
    """L-1 lost 35 days ago; L-2 untouched for 40 days; L-3 captured then, noted last week;
    L-4 converted 35 days ago (a customer); L-5 captured yesterday."""
    run(AddLead(name="Lost Larry", email="larry@lost.example", phone="+1 202 555 0101"), at=LONG_AGO)
    run(LogActivity(number=1, kind="call"), at=LONG_AGO)
    run(LoseLead(number=1, reason="price"), at=NOW - 35 * DAY)
    run(AddLead(name="Quiet Quinn", email="quinn@quiet.example"), at=LONG_AGO)
    run(AddLead(name="Busy Bea", email="bea@busy.example"), at=LONG_AGO)
    run(LogActivity(number=3, kind="note", text="still talking"), at=NOW - 7 * DAY)
    run(AddLead(name="Customer Cal", email="cal@customer.example"), at=LONG_AGO)
    run(LogActivity(number=4, kind="call"), at=LONG_AGO)
    run(ConvertLead(number=4), at=NOW - 35 * DAY)
    run(AddLead(name="New Nia", email="nia@new.example"), at=NOW - DAY)


def names(uow_factory) -> dict[int, str]:
    with uow_factory() as uow:
        return {number: name for number, name in uow.session.execute(sa.select(LeadRow.number, LeadRow.name))}


def erasures(uow_factory) -> list[tuple[str, dict]]:
    with uow_factory() as uow:
        rows = uow.session.execute(
            sa.select(AuditRow.actor_id, AuditRow.after).where(AuditRow.action == "person.erased")
        )
        return [(actor, after) for actor, after in rows]


def test_people_lost_or_untouched_past_retention_are_erased_and_the_rest_kept(uow_factory, config, leads):
    assert erase_expired(NOW, uow_factory, config) == 2

    kept = names(uow_factory)
    assert (kept[1], kept[2]) == (ERASED, ERASED)
    assert (kept[3], kept[4], kept[5]) == ("Busy Bea", "Customer Cal", "New Nia")
    with uow_factory() as uow:
        larry = uow.leads.get("T0CONSOLE", 1)
        text = " ".join(uow.session.scalars(sa.select(sa.cast(AuditRow.after, sa.Text))))
    assert (larry.email, larry.phone, larry.status, larry.lost_reason) == (None, None, "lost", "price")
    assert "larry@lost.example" not in text and "Quiet Quinn" not in text


def test_each_erasure_is_in_the_audit_log_with_its_cause_and_never_who_it_was(uow_factory, config, leads):
    erase_expired(NOW, uow_factory, config)

    entries = erasures(uow_factory)
    assert [actor for actor, _ in entries] == [RETENTION_ACTOR] * 2
    assert sorted(after["leads"][0] for _, after in entries) == ["L-1", "L-2"]
    assert {after["cause"] for _, after in entries} == {"retention"}


def test_report_counts_are_the_same_after_the_erasure(uow_factory, config, leads, run):
    before = run(ShowReport(days=60), user=ADA)

    erase_expired(NOW, uow_factory, config)

    assert run(ShowReport(days=60), user=ADA) == before


def test_it_runs_once_a_day_however_many_sweeps_and_replicas(uow_factory, config, leads, run):
    assert erase_expired(NOW, uow_factory, config) == 2
    run(AddLead(name="Old Ola", email="ola@old.example"), at=LONG_AGO)  # past retention too

    assert erase_expired(NOW + timedelta(hours=5), uow_factory, config) == 0  # the day is done
    assert names(uow_factory)[6] == "Old Ola"
    assert erase_expired(NOW + DAY, uow_factory, config) == 1  # the next day takes her
    assert len(erasures(uow_factory)) == 3


def test_a_day_another_replica_claimed_is_left_to_it(uow_factory, config, leads):
    key = f"retention:daily:{NOW.date().isoformat()}"
    with uow_factory() as uow:  # as handlers/operations/retention.py claims it, in another process
        assert uow.requests.first(ALL_WORKSPACES, key, NOW) is None
        uow.requests.settle(ALL_WORKSPACES, key, "claimed")
        uow.commit()

    assert erase_expired(NOW, uow_factory, config) == 0
    assert names(uow_factory)[1] == "Lost Larry"


def test_with_retention_off_nothing_is_erased_and_no_day_is_claimed(uow_factory, leads):
    assert erase_expired(NOW, uow_factory, LeadbotConfig(retention_days=0)) == 0
    assert names(uow_factory)[1] == "Lost Larry" and erasures(uow_factory) == []


def test_an_engagement_event_since_the_cutoff_keeps_the_lead(uow_factory, config, leads):
    with uow_factory() as uow:
        uow.engagement.add("T0CONSOLE", _lead_id(uow, 2), "email_opened", NOW - 2 * DAY, NOW - 2 * DAY)
        uow.commit()

    erase_expired(NOW, uow_factory, config)

    assert names(uow_factory)[2] == "Quiet Quinn"


def test_the_scheduler_sweep_runs_it(uow_factory, config, leads):
    counts = run_sweep(NOW, Jobs(uow_factory, deliver=lambda message: None, config=config))

    assert counts["people_erased"] == 2
    with uow_factory() as uow:  # the timeline's free text went with them
        bodies = list(uow.session.scalars(sa.select(ActivityRow.body).where(ActivityRow.body == ERASED)))
    assert bodies


def _lead_id(uow, number: int) -> int:
    return uow.leads.get("T0CONSOLE", number).id
