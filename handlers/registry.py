"""The command -> handler table and the one dispatch function every transport calls."""

from collections.abc import Callable
from typing import Any

from handlers.activity import add_note, log_activity
from handlers.capture import add_lead
from handlers.closing import convert_lead, lose_lead, reopen_lead
from handlers.commands import (
    AddLead,
    AddNote,
    Command,
    ConvertLead,
    ExplainScore,
    FindLeads,
    KeepBoth,
    LinkReturning,
    LogActivity,
    LoseLead,
    MergeLeads,
    MyLeads,
    OpenQualification,
    QualifyLead,
    RecordEngagement,
    ReopenLead,
    SetProbability,
    SetReminder,
    ShowLead,
    ShowReport,
    UndoMerge,
)
from handlers.context import Context
from handlers.cycles import link_to_customer
from handlers.engagement import record_engagement
from handlers.explain import explain_score
from handlers.followup_registry import FOLLOWUP_HANDLERS
from handlers.lookup import find_leads, my_leads, show_lead
from handlers.merge import keep_both, merge_leads, undo_merge
from handlers.probability import set_probability
from handlers.qualify import open_qualification, qualify_lead
from handlers.remind import set_reminder
from handlers.report import pipeline_report
from handlers.rescore import score_capture
from handlers.results import Result
from handlers.routing_registry import ROUTING_HANDLERS
from handlers.training import retrains_after
from store.unit_of_work import SqlUnitOfWork

Handler = Callable[[Any, SqlUnitOfWork, Context], Result]

COMMAND_HANDLERS: dict[type[Command], Handler] = {
    AddLead: add_lead,
    ShowLead: show_lead,
    FindLeads: find_leads,
    MyLeads: my_leads,
    AddNote: add_note,
    LogActivity: log_activity,
    SetReminder: set_reminder,
    MergeLeads: merge_leads,
    KeepBoth: keep_both,
    LinkReturning: link_to_customer,
    UndoMerge: undo_merge,
    # qualify and close
    QualifyLead: qualify_lead,
    OpenQualification: open_qualification,
    # a close changes the predictive score's history: small workspaces retrain at once
    ConvertLead: retrains_after(convert_lead),
    LoseLead: retrains_after(lose_lead),
    ReopenLead: retrains_after(reopen_lead),
    **FOLLOWUP_HANDLERS,
    # predictive score (issue 4 item 5)
    SetProbability: set_probability,
    **ROUTING_HANDLERS,
    # scoring (issue 4)
    RecordEngagement: record_engagement,
    ExplainScore: explain_score,
    ShowReport: pipeline_report,
}

# scoring (issue 4): every capture (Slack, web form, queued) is scored as soon as it is stored.
COMMAND_HANDLERS[AddLead] = score_capture


def dispatch(cmd: Command, uow: SqlUnitOfWork, ctx: Context) -> Result:
    return COMMAND_HANDLERS[type(cmd)](cmd, uow, ctx)
