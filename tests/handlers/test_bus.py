"""The message bus: what follows a change runs after its commit, each follow-up in a unit of
work of its own, and a follow-up's failure is logged without undoing the change."""

import inspect
import logging

import pytest
from support import ANN, NOW, context_of

from domain import events
from domain.config import CONSOLE_WORKSPACE
from domain.delivery.messages import ChannelPost, OutboxMessage
from handlers.commands import AddLead, CaptureChannel, ShowLead
from handlers.registry import EVENT_HANDLERS, dispatch

INJECTED = {"uow", "ctx", "wake_delivery"}  # what the bus gives an event handler besides the event


def event_classes() -> list[type[events.Event]]:
    return [
        cls
        for _, cls in inspect.getmembers(events, inspect.isclass)
        if issubclass(cls, events.Event) and cls is not events.Event
    ]


def test_every_event_has_a_handler_and_every_handler_can_be_called_by_the_bus():
    assert event_classes(), "domain/events.py declares events"
    for cls in event_classes():
        assert EVENT_HANDLERS.get(cls), f"{cls.__name__} has no handler in EVENT_HANDLERS"
    for handlers in EVENT_HANDLERS.values():
        for handler in handlers:
            wanted = list(inspect.signature(handler).parameters)
            assert set(wanted[1:]) <= INJECTED, f"{handler.__name__} asks for what the bus cannot give"


def test_a_follow_up_runs_after_the_commit_in_a_unit_of_work_of_its_own(uow_factory, config, monkeypatch):
    seen = []

    def look(event: events.LeadCaptured, uow, ctx) -> None:
        with uow:  # the capture is committed: another transaction sees it
            lead = uow.leads.by_id(event.team_id, event.lead_id)
            seen.append((uow, lead.name if lead else None, event.outcome))

    monkeypatch.setitem(EVENT_HANDLERS, events.LeadCaptured, [look, *EVENT_HANDLERS[events.LeadCaptured]])
    command_uow = uow_factory()

    result = dispatch(
        AddLead(name="Dana Scully", fields={"title": "VP Sales"}), command_uow, context_of(config, ANN)
    )

    [(own, name, outcome)] = seen
    assert (name, outcome) == ("Dana Scully", "created")
    assert own is not command_uow
    with uow_factory() as uow:  # and the real follow-up (scoring) ran too
        assert uow.leads.get(CONSOLE_WORKSPACE, result.lead.number).score > 0


def test_a_failing_follow_up_is_logged_and_never_undoes_the_command(uow_factory, config, monkeypatch, caplog):
    def broken(event: events.LeadCaptured) -> None:
        raise RuntimeError("the follow-up broke")

    monkeypatch.setitem(EVENT_HANDLERS, events.LeadCaptured, [broken, *EVENT_HANDLERS[events.LeadCaptured]])

    with caplog.at_level(logging.ERROR, logger="handlers.registry"):
        result = dispatch(
            AddLead(name="Dana Scully", fields={"title": "VP Sales"}), uow_factory(), context_of(config, ANN)
        )

    assert result.outcome == "created"
    assert "broken after LeadCaptured failed" in caplog.text
    with uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, result.lead.number)
        assert lead is not None and lead.score > 0  # the next handler still ran


def test_a_replayed_capture_records_nothing_to_follow(uow_factory, config, monkeypatch):
    seen: list[events.Event] = []

    def note(event: events.LeadCaptured) -> None:
        seen.append(event)

    monkeypatch.setitem(EVENT_HANDLERS, events.LeadCaptured, [note])
    ann = context_of(config, ANN)

    dispatch(AddLead(name="Dana Scully", request_key="r-1"), uow_factory(), ann)
    dispatch(AddLead(name="Dana Scully", request_key="r-1"), uow_factory(), ann)

    assert [type(event) for event in seen] == [events.LeadCaptured]


def test_events_of_a_transaction_that_rolled_back_are_forgotten(uow_factory):
    uow = uow_factory()
    with uow:
        uow.record(events.LeadReopened("T1", 1))  # never committed
    with uow:
        uow.record(events.LeadClosed("T1", 2, "lost"))
        uow.commit()

    assert uow.collect_events() == [events.LeadClosed("T1", 2, "lost")]
    assert uow.collect_events() == []


def test_messages_committed_to_the_outbox_wake_delivery_once(uow_factory, config):
    woken: list[int] = []
    form = context_of(config, "web form")

    dispatch(
        AddLead(name="Dana Scully", channel=CaptureChannel.WEBHOOK),
        uow_factory(),
        form,
        lambda: woken.append(1),
    )
    assert woken == [1]  # the team channel's announcement

    dispatch(ShowLead(number=1), uow_factory(), context_of(config, ANN), lambda: woken.append(2))
    assert woken == [1]  # nothing queued, nobody woken


def test_queued_outbox_rows_are_recorded_at_commit(uow_factory):
    uow = uow_factory()
    with uow:
        message = OutboxMessage("T1", "k-1", ChannelPost(channel="C1", text="hi"))
        uow.outbox.add(message, NOW)
        uow.commit()
        uow.commit()  # a second commit with nothing new queued records nothing

    assert uow.collect_events() == [events.MessageQueued()]


@pytest.mark.parametrize(
    ("first", "second", "merged"),
    [
        (
            events.LeadsImported("T1", (1,), ()),
            events.LeadsImported("T1", (2,), (1,)),
            events.LeadsImported("T1", (1, 2), (1,)),
        ),
        (events.LeadsImported("T1", (1,), ()), events.LeadsImported("T2", (2,), ()), None),
        (events.MessageQueued(), events.MessageQueued(), events.MessageQueued()),
        (events.LeadClosed("T1", 1, "lost"), events.LeadClosed("T1", 2, "lost"), None),
    ],
)
def test_an_imports_batches_fold_into_one_event_and_repeats_into_one(first, second, merged):
    assert first.merged(second) == merged


def test_delivery_is_woken_before_the_other_follow_ups_run(uow_factory, config):
    scores_when_woken: list[int] = []

    def wake() -> None:
        with uow_factory() as uow:
            scores_when_woken.append(uow.leads.get(CONSOLE_WORKSPACE, 1).score)

    form_lead = AddLead(name="Dana Scully", channel=CaptureChannel.WEBHOOK, fields={"title": "VP Sales"})
    dispatch(form_lead, uow_factory(), context_of(config, "web form"), wake)

    assert scores_when_woken == [0]  # the announcement goes out while scoring runs
    with uow_factory() as uow:
        assert uow.leads.get(CONSOLE_WORKSPACE, 1).score > 0
