"""`/lead tasks` and the answer to a click on a follow-up."""

from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.blocks.followups import change_note, followup_buttons, followup_message, local_when
from bot.blocks.lead_card import headline
from bot.blocks.text import SlackMessage, safe
from handlers.results import ReminderChanged, TaskList, TaskView

PAGE = 15  # a header, 15 x (row + buttons) and a footer: 32 blocks, under Slack's 50


def tasks_message(result: TaskList) -> SlackMessage:
    overdue = sum(task.overdue for task in result.tasks)
    title = f"Your open follow-ups: {len(result.tasks)}" + (f", {overdue} overdue" if overdue else "")
    blocks: list[Any] = [HeaderBlock(text=title)]
    if not result.tasks:
        hint = "Nothing to follow up. `/lead remind L-42 tomorrow 9am call back` sets a follow-up."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=hint)))
    for task in result.tasks[:PAGE]:
        blocks += [_row(task, result.tz), followup_buttons(task.reminder.id or 0, task.lead.number, True)]
    hidden = len(result.tasks) - PAGE
    if hidden > 0:
        note = f"…and {hidden} more. Mark some done to see the rest."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return SlackMessage(text=title, blocks=[block.to_dict() for block in blocks])


def _row(task: TaskView, tz: str) -> SectionBlock:
    due = local_when(task.reminder.due_at, tz)
    mark = f"🔴 *Overdue* since {due}" if task.overdue else f"🕘 Due {due}"
    text = f"{mark}\n{headline(task.lead)}: {safe(task.reminder.text, 1000)}"
    return SectionBlock(text=MarkdownTextObject(text=text))


def changed_message(result: ReminderChanged) -> SlackMessage:
    """The reminder as it is now, with a line saying what was done and by whom."""
    reminder = result.reminder
    done = result.change == "done"  # a repeat shows who really did it, and when
    at = reminder.done_at if done and reminder.done_at else result.at
    by = reminder.done_by if done and reminder.done_by else result.by
    note = change_note(result.change, by, at, result.tz, reminder.due_at)
    buttons = followup_buttons(reminder.id or 0, result.lead.number, reminder.is_open)
    return followup_message(f"⏰ Reminder: {headline(result.lead)}", reminder.text, buttons, [note])
