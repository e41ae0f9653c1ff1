"""The message bus: which handler carries out each command, and what follows each event.

A command runs on the unit of work it is given and returns its result. The events its
committed transactions recorded (domain/events.py) then go to their handlers in
EVENT_HANDLERS, in order, each in a unit of work of its own: a follow-up sees the change
committed, and its failure is logged and never undoes the command. Events a follow-up
records are handled in turn. Effects DESIGN.md wants in the command's own transaction
(outbox rows, routing a captured lead) stay direct calls inside the handlers."""

import inspect
import logging
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from typing import Any, TypeVar

from domain import events
from handlers.book.bulk import apply_bulk, cancel_bulk, prepare_bulk, undo_bulk
from handlers.book.history import show_history
from handlers.book.home import show_home
from handlers.book.lists import delete_list, list_leads, save_list, show_saved_lists
from handlers.book.lookup import find_leads, my_leads, show_lead
from handlers.book.tags import set_fields, tag_lead
from handlers.capture.cycles import link_to_customer
from handlers.capture.pipeline import add_lead
from handlers.closing.deal_value import set_lead_value
from handlers.closing.outcomes import convert_lead, lose_lead, reopen_lead
from handlers.commands import (
    AddLead,
    AddNote,
    ApplyBulk,
    AssignLead,
    CancelBulk,
    ClaimLead,
    Command,
    CompleteReminder,
    ConvertLead,
    DecideRouting,
    DeleteList,
    EnrollLead,
    ExplainScore,
    FindLeads,
    KeepBoth,
    LinkReturning,
    ListLeads,
    ListTasks,
    LogActivity,
    LogReminderCall,
    LoseLead,
    MergeLeads,
    MyLeads,
    OpenQualification,
    PrepareBulk,
    QualifyLead,
    RecordEngagement,
    ReopenLead,
    RouteLead,
    SaveList,
    SetAway,
    SetFields,
    SetLeadValue,
    SetProbability,
    SetReminder,
    ShowForecast,
    ShowHistory,
    ShowHome,
    ShowLead,
    ShowReport,
    ShowSavedLists,
    SnoozeReminder,
    StopNurture,
    TagLead,
    UndoBulk,
    UndoMerge,
)
from handlers.context import Context
from handlers.followups.actions import complete_reminder, log_reminder_call, snooze_reminder
from handlers.followups.activity import add_note, log_activity
from handlers.followups.remind import set_reminder
from handlers.followups.tasks import list_tasks
from handlers.importing.summary import summarise_import
from handlers.matching.merge import keep_both, merge_leads, undo_merge
from handlers.nurture.cadences import enroll_lead, stop_nurture
from handlers.reporting.forecast import show_forecast
from handlers.reporting.report import pipeline_report
from handlers.results import Result
from handlers.routing.away import set_away
from handlers.routing.decide import assign_lead, claim_lead, decide_routing
from handlers.routing.route import route_imported, route_lead
from handlers.scoring.engagement import record_engagement
from handlers.scoring.explain import explain_score
from handlers.scoring.probability import set_probability
from handlers.scoring.qualify import open_qualification, qualify_lead
from handlers.scoring.rescore import score_captured, score_imported
from handlers.scoring.training import retrain_after_close
from store.unit_of_work import SqlUnitOfWork, reading_only

log = logging.getLogger(__name__)

Handler = Callable[[Any, SqlUnitOfWork, Context], Result]
R = TypeVar("R")
Wake = Callable[[], None]


def deliver_soon(event: events.MessageQueued, wake_delivery: Wake) -> None:
    """Messages were committed to the outbox: wake whoever delivers them (the server's
    delivery job), so a rep hears within seconds rather than at the next sweep."""
    wake_delivery()


COMMAND_HANDLERS: dict[type[Command], Handler] = {
    # capture and the lead's timeline
    AddLead: add_lead,
    ShowLead: show_lead,
    FindLeads: find_leads,
    MyLeads: my_leads,
    ListLeads: list_leads,
    SaveList: save_list,
    DeleteList: delete_list,
    ShowSavedLists: show_saved_lists,
    AddNote: add_note,
    TagLead: tag_lead,
    SetFields: set_fields,
    LogActivity: log_activity,
    SetReminder: set_reminder,
    # duplicates and returning customers
    MergeLeads: merge_leads,
    KeepBoth: keep_both,
    LinkReturning: link_to_customer,
    UndoMerge: undo_merge,
    # qualify and close
    QualifyLead: qualify_lead,
    OpenQualification: open_qualification,
    ConvertLead: convert_lead,
    LoseLead: lose_lead,
    ReopenLead: reopen_lead,
    SetProbability: set_probability,
    SetLeadValue: set_lead_value,
    # follow-ups and nurture
    ListTasks: list_tasks,
    CompleteReminder: complete_reminder,
    SnoozeReminder: snooze_reminder,
    LogReminderCall: log_reminder_call,
    EnrollLead: enroll_lead,
    StopNurture: stop_nurture,
    # routing
    RouteLead: route_lead,
    DecideRouting: decide_routing,
    AssignLead: assign_lead,
    ClaimLead: claim_lead,
    SetAway: set_away,
    # scoring and reports
    RecordEngagement: record_engagement,
    ExplainScore: explain_score,
    ShowReport: pipeline_report,
    ShowForecast: show_forecast,
    # bulk actions on a list, and the audit trail
    PrepareBulk: prepare_bulk,
    ApplyBulk: apply_bulk,
    CancelBulk: cancel_bulk,
    UndoBulk: undo_bulk,
    ShowHistory: show_history,
    ShowHome: show_home,
}

# Commands that only read: their transactions take no write lock (store/engine.reading_only),
# so a person looking at a lead never waits behind an import, nor a report behind anyone.
QUERIES: frozenset[type[Command]] = frozenset(
    {
        ShowLead,
        FindLeads,
        MyLeads,
        ListLeads,
        ShowSavedLists,
        ListTasks,
        OpenQualification,
        ExplainScore,
        ShowReport,
        ShowForecast,
        ShowHistory,
        ShowHome,
    }
)

# What happens after X: read here. Handlers run in this order, each in its own unit of work.
EVENT_HANDLERS: dict[type[events.Event], list[Callable[..., None]]] = {
    # a lead that arrives as a VP has its points at once, not at the next daily run
    events.LeadCaptured: [score_captured],
    # imported leads are scored and routed as captured ones, in batches; each team channel
    # then hears once what the import brought it
    events.LeadsImported: [score_imported, route_imported],
    events.ImportRouted: [summarise_import],
    # a close moves what the predictive score learns from: small workspaces retrain at once
    events.LeadClosed: [retrain_after_close],
    events.LeadReopened: [retrain_after_close],
    events.MessageQueued: [deliver_soon],
}


def _nothing() -> None:
    """No one to wake (a job, a test, the CLI): the scheduler's sweep delivers."""


def dispatch(cmd: Command, uow: SqlUnitOfWork, ctx: Context, wake_delivery: Wake = _nothing) -> Result:
    """Carry out a command, then what follows from what it committed."""
    with reading_only() if type(cmd) in QUERIES else nullcontext():
        return run(partial(COMMAND_HANDLERS[type(cmd)], cmd), uow, ctx, wake_delivery)


def run(
    work: Callable[[SqlUnitOfWork, Context], R],
    uow: SqlUnitOfWork,
    ctx: Context,
    wake_delivery: Wake = _nothing,
) -> R:
    """Any use case on a unit of work (a command, an import), then the handlers of the events
    its committed transactions recorded, even when it failed after one of them committed."""
    try:
        return work(uow, ctx)
    finally:
        handle_events(uow.collect_events(), uow, ctx, wake_delivery)


def handle_events(pending: list[events.Event], uow: SqlUnitOfWork, ctx: Context, wake_delivery: Wake) -> None:
    """Each event to each of its handlers, in a fresh unit of work; what they record follows."""
    queue = _folded(pending)
    while queue:
        event = queue.pop(0)
        for handler in EVENT_HANDLERS[type(event)]:
            own = uow.fresh()
            _quietly(handler, event, {"uow": own, "ctx": ctx, "wake_delivery": wake_delivery})
            queue = _folded(queue + own.collect_events())


def _quietly(handler: Callable[..., None], event: events.Event, given: dict[str, Any]) -> None:
    """A follow-up never fails the command it follows (that is committed): its failure is
    logged, with the event's kind, and the scheduler's sweeps catch up where they can."""
    wanted = list(inspect.signature(handler).parameters)[1:]  # cosmicpython's injection by name
    try:
        handler(event, **{name: given[name] for name in wanted})
    except Exception:  # noqa: BLE001 - see above
        log.exception("%s after %s failed", handler.__name__, type(event).__name__)


def _folded(pending: list[events.Event]) -> list[events.Event]:
    """Events that say the same thing become one: an import's batches one import, a second
    "messages queued" nothing new."""
    folded: list[events.Event] = []
    for event in pending:
        for at, earlier in enumerate(folded):
            if (merged := earlier.merged(event)) is not None:
                folded[at] = merged
                break
        else:
            folded.append(event)
    return folded
