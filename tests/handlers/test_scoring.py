"""Scoring handlers on a real database: events in, scores recomputed with reasons, crossings acted on."""

from datetime import timedelta

import pytest
from closing_support import audit_actions, contacted_lead, stored, timeline
from support import NOW

from domain.config import CONSOLE_WORKSPACE
from domain.errors import InvalidInput
from domain.lifecycle import LeadStatus
from domain.permissions import system_actor
from handlers.closing.outcomes import lose_lead
from handlers.commands import AddLead, LoseLead, QualifyLead, RecordEngagement
from handlers.context import Context
from handlers.registry import dispatch
from handlers.scoring.decay import decay_daily, recompute_all
from handlers.scoring.engagement import record_engagement
from handlers.scoring.qualify import qualify_lead

DANA = "dana@fbi.gov"
BANT = {"budget": "yes", "authority": "VP Sales", "need": "replace spreadsheets", "timeline": "Q1"}


def webhook(config, now=NOW) -> Context:
    return Context(system_actor(CONSOLE_WORKSPACE, "events webhook"), now, config)


def send(uow_factory, config, *events: dict, now=NOW):
    return record_engagement(RecordEngagement(events=events), uow_factory(), webhook(config, now))


def engaged(email: str = DANA, **extra) -> list[dict]:
    """A webinar and two pricing-page visits: 40 points with the default rules, MQL."""
    return [
        {"email": email, "event": "webinar_attended", "external_id": "w-1", **extra},
        {"email": email, "event": "page_visited", "url": "https://acme.com/pricing", "external_id": "p-1"},
        {"email": email, "event": "page_visited", "url": "https://acme.com/pricing", "external_id": "p-2"},
    ]


def history(uow_factory, number: int) -> list[tuple[int, int, str]]:
    lead = stored(uow_factory, number)
    with uow_factory() as uow:
        return [(c.before, c.after, c.reason) for c in uow.scores.history(lead.team_id, lead.id or 0)]


def test_events_for_a_known_email_rescore_the_lead_once_with_their_reason(uow_factory, ann, config):
    number = contacted_lead(uow_factory, ann, email=DANA)
    before = stored(uow_factory, number).score

    result = send(uow_factory, config, *engaged(email="Dana@FBI.gov"))

    assert (result.received, result.matched, result.unknown, result.duplicates) == (3, 3, 0, 0)
    assert result.leads == ("L-1",)
    assert stored(uow_factory, number).score == before + 40
    assert history(uow_factory, number)[0] == (
        before,
        before + 40,
        "event: webinar_attended, page_visited ×2",
    )


def test_a_resend_with_the_same_external_ids_changes_nothing(uow_factory, ann, config):
    number = contacted_lead(uow_factory, ann, email=DANA)
    send(uow_factory, config, *engaged())
    score, changes = stored(uow_factory, number).score, history(uow_factory, number)

    again = send(uow_factory, config, *engaged())

    assert (again.matched, again.duplicates) == (0, 3)
    assert stored(uow_factory, number).score == score and history(uow_factory, number) == changes


def test_events_for_unknown_emails_create_nothing_and_are_counted(uow_factory, ann, config):
    contacted_lead(uow_factory, ann, email=DANA)

    result = send(uow_factory, config, *engaged(), {"email": "nobody@nowhere.com", "event": "bounced"})

    assert (result.matched, result.unknown) == (3, 1)
    with uow_factory() as uow:
        assert [lead.email for lead in uow.leads.all()] == [DANA]


def test_an_event_dated_in_the_future_is_refused_and_changes_nothing(uow_factory, ann, config):
    number = contacted_lead(uow_factory, ann, email=DANA)
    before = history(uow_factory, number)
    late = (NOW + timedelta(days=2)).isoformat()

    with pytest.raises(InvalidInput, match="in the future"):
        send(uow_factory, config, engaged()[1], {"email": DANA, "event": "bounced", "at": late})

    assert history(uow_factory, number) == before


def test_a_logged_call_counts_as_engagement(uow_factory, ann):
    number = contacted_lead(uow_factory, ann, email=DANA)

    assert stored(uow_factory, number).score == 8
    assert history(uow_factory, number)[0] == (0, 8, "call logged")


def test_a_capture_is_scored_on_its_fit_at_once(uow_factory, ann):
    result = dispatch(
        AddLead(name="Dana Scully", email=DANA, fields={"title": "VP Sales"}), uow_factory(), ann
    )

    assert stored(uow_factory, result.lead.number).score == 15
    assert history(uow_factory, result.lead.number) == [(0, 15, "lead created")]


def test_crossing_mql_is_recorded_then_bant_crosses_sql_qualifies_and_announces_once(
    uow_factory, ann, config
):
    number = contacted_lead(uow_factory, ann, email=DANA, fields={"company": "FBI"})  # a call: 8
    send(uow_factory, config, *engaged())  # 48: MQL
    assert stored(uow_factory, number).status is LeadStatus.CONTACTED
    assert any(entry.startswith("Score 48 crossed MQL (40)") for entry in timeline(uow_factory, number))

    qualify_lead(QualifyLead(number=number, answers=BANT), uow_factory(), ann)  # +30: 78, SQL

    lead = stored(uow_factory, number)
    assert (lead.score, lead.status) == (78, LeadStatus.QUALIFIED)
    assert "Score 78 crossed SQL (70): ready for sales" in timeline(uow_factory, number)
    actions = [action for action, _, _ in audit_actions(uow_factory, "L-1")]
    assert "lead.mql" in actions and "lead.sql" in actions
    with uow_factory() as uow:
        assert uow.outbox.status_of(f"ready:{lead.id}:1") == "pending"
        announced = uow.outbox.status_counts()
    send(uow_factory, config, {"email": DANA, "event": "form_submitted"})  # more points: no second card
    with uow_factory() as uow:
        assert uow.outbox.status_counts() == announced


def test_the_daily_decay_runs_once_a_day_and_writes_only_changed_scores(uow_factory, ann, config):
    quiet = dispatch(AddLead(name="Quiet Person", email="quiet@acme.com"), uow_factory(), ann).lead.number
    number = dispatch(AddLead(name="Dana Scully", email=DANA), uow_factory(), ann).lead.number
    send(uow_factory, config, {"email": DANA, "event": "webinar_attended"})  # 20
    month_later = NOW + timedelta(days=30)

    report = decay_daily(month_later, uow_factory, config)

    assert (report.leads, report.changed) == (2, 1)
    assert stored(uow_factory, number).score == 10  # one half-life
    assert history(uow_factory, number)[0] == (20, 10, "daily decay")
    assert history(uow_factory, quiet) == []
    assert decay_daily(month_later + timedelta(hours=1), uow_factory, config).leads == 0  # claimed today


def test_a_lead_rescored_while_the_decay_scores_keeps_its_fresher_score(uow_factory, ann, config):
    """The decay reads and scores a batch outside the write lock, so an event may rescore one
    of its leads before it writes: that lead's fresher score stands."""
    number = dispatch(AddLead(name="Dana Scully", email=DANA), uow_factory(), ann).lead.number
    send(uow_factory, config, {"email": DANA, "event": "webinar_attended"})  # 20
    month_later = NOW + timedelta(days=30)
    units = []

    def unit_of_work():
        units.append(uow_factory())
        if len(units) == 2:  # the batch is read and scored; its write is about to begin
            send(uow_factory, config, {"email": DANA, "event": "form_submitted"}, now=month_later)
        return units[-1]

    report = recompute_all(month_later, unit_of_work, config)

    [(before, after, reason), *_] = history(uow_factory, number)
    assert reason != "daily decay" and before == 20
    assert stored(uow_factory, number).score == after
    assert report.changed == 0


def test_a_closed_lead_keeps_the_score_it_had(uow_factory, ann, config):
    number = contacted_lead(uow_factory, ann, email=DANA)
    lose_lead(LoseLead(number=number, reason="price"), uow_factory(), ann)

    send(uow_factory, config, {"email": DANA, "event": "webinar_attended"})
    decay_daily(NOW + timedelta(days=30), uow_factory, config)

    assert stored(uow_factory, number).score == 8


def test_events_of_another_workspace_never_reach_this_ones_leads(uow_factory, ann, config):
    number = contacted_lead(uow_factory, ann, email=DANA)
    other = Context(system_actor("T0OTHER", "events webhook"), NOW, config)

    result = record_engagement(RecordEngagement(events=engaged()), uow_factory(), other)

    assert result.unknown == 3 and stored(uow_factory, number).score == 8
