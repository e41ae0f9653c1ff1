"""render(result) -> SlackMessage: one renderer per handler result type."""

from functools import singledispatch

from bot.blocks.bulk import confirm_message, done_message
from bot.blocks.capture import (
    captured_message,
    dismissed_message,
    linked_message,
    merged_message,
    queued_message,
    undone_message,
)
from bot.blocks.closing import closed_message, qualified_message
from bot.blocks.deal_value import value_message
from bot.blocks.followups import local_when
from bot.blocks.forecast import forecast_message
from bot.blocks.history import history_message
from bot.blocks.lead_card import card_blocks, headline, timeline_blocks
from bot.blocks.lead_pages import deleted_message, page_message, saved_lists_message, saved_message
from bot.blocks.lists import list_blocks
from bot.blocks.merges import confirm_merge_message, merged_away_message
from bot.blocks.nurture import nurture_message
from bot.blocks.probability import probability_message
from bot.blocks.report import report_message
from bot.blocks.routing import away_message, decided_answer, plan_message
from bot.blocks.score import score_message
from bot.blocks.tags import fields_message, tagged_message
from bot.blocks.tasks import changed_message, tasks_message
from bot.blocks.text import SlackMessage, escape, safe, section, sentence, with_article
from domain.errors import DomainError
from domain.reporting.forecast import Forecast
from domain.reporting.report import PipelineReport
from handlers.results import (
    ActivityAdded,
    AddQueued,
    AuditPage,
    AwayChanged,
    BulkDone,
    BulkToConfirm,
    DuplicateDismissed,
    FieldsSet,
    LeadCaptured,
    LeadClosed,
    LeadDetails,
    LeadList,
    LeadMergedAway,
    LeadPage,
    LeadQualified,
    LeadsMerged,
    LeadTagged,
    ListDeleted,
    ListSaved,
    MergeToConfirm,
    MergeUndone,
    NurtureChanged,
    ProbabilitySet,
    ReminderChanged,
    ReminderSet,
    ReturningLinked,
    RoutePlan,
    RoutingDecided,
    SavedListsShown,
    ScoreExplained,
    TaskList,
    ValueSet,
)


@singledispatch
def render(result: object) -> SlackMessage:
    raise TypeError(f"no renderer for {type(result).__name__}")


render.register(LeadCaptured, captured_message)
render.register(AddQueued, queued_message)
render.register(LeadsMerged, merged_message)
render.register(DuplicateDismissed, dismissed_message)
render.register(ReturningLinked, linked_message)
render.register(MergeUndone, undone_message)
render.register(MergeToConfirm, confirm_merge_message)
render.register(LeadMergedAway, merged_away_message)
render.register(LeadQualified, qualified_message)
render.register(LeadClosed, closed_message)
render.register(PipelineReport, report_message)
render.register(Forecast, forecast_message)
render.register(ValueSet, value_message)
render.register(LeadPage, page_message)
render.register(ListSaved, saved_message)
render.register(ListDeleted, deleted_message)
render.register(SavedListsShown, saved_lists_message)
render.register(BulkToConfirm, confirm_message)
render.register(BulkDone, done_message)
render.register(AuditPage, history_message)
render.register(LeadTagged, tagged_message)
render.register(FieldsSet, fields_message)


@render.register
def _(result: LeadDetails) -> SlackMessage:
    card = card_blocks(result.lead, result.qualification, result.contact, result.chance, result.speed)
    blocks = card + timeline_blocks(result.activities, result.reminders)
    return SlackMessage(text=f"{result.lead.ref} {escape(result.lead.name)}", blocks=blocks)


@render.register
def _(result: LeadList) -> SlackMessage:
    found = f"{len(result.leads)} of {len(result.leads) + result.more}" if result.more else len(result.leads)
    text = f"{escape(result.title)}: {found} found"
    return SlackMessage(text=text, blocks=list_blocks(result))


@render.register
def _(result: ActivityAdded) -> SlackMessage:
    kind = result.activity.kind
    text = sentence(
        f"Logged {with_article(kind)} on {headline(result.lead)}"
        if kind != "note"
        else f"Noted on {headline(result.lead)}"
    )
    if result.already_recorded:
        text = sentence(f"Already logged that {kind} on {headline(result.lead)}")
    return SlackMessage(text=text, blocks=[section(text)])


@render.register
def _(result: ReminderSet) -> SlackMessage:
    reminder = result.reminder
    text = (
        f"⏰ I'll remind you about {headline(result.lead)} {local_when(reminder.due_at, reminder.tz)}: "
        f"{safe(reminder.text, 500)}"
    )
    return SlackMessage(text=text, blocks=[section(text)])


# --- follow-ups ------------------------------------------------------------------------
render.register(TaskList, tasks_message)
render.register(ReminderChanged, changed_message)

# --- predictive score ------------------------------------------------------------------
render.register(ProbabilitySet, probability_message)
# --- routing ---------------------------------------------------------------------------
render.register(RoutePlan, plan_message)
render.register(RoutingDecided, decided_answer)
render.register(AwayChanged, away_message)
# --- nurture cadences ------------------------------------------------------------------
render.register(NurtureChanged, nurture_message)
# --- scoring ---------------------------------------------------------------------------
render.register(ScoreExplained, score_message)


def error_message(error: DomainError) -> SlackMessage:
    text = f"⚠️ {escape(str(error))}"
    return SlackMessage(text=text, blocks=[section(text)])
