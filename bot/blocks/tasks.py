"""`/lead tasks` and the answer to a click on a follow-up."""

from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.blocks.fit import Room, rows_that_fit
from bot.blocks.followups import change_note, followup_buttons, followup_message, local_when
from bot.blocks.lead_card import headline
from bot.blocks.text import SlackMessage, safe
from handlers.results import ReminderChanged, TaskList, TaskView

PAGE = 15  # at most: a header, 15 x (row + buttons) and a footer; long texts show fewer


def tasks_message(result: TaskList) -> SlackMessage:
    overdue = sum(task.overdue for task in result.tasks)
    title = f"Your open follow-ups: {len(result.tasks)}" + (f", {overdue} overdue" if overdue else "")
    head: list[dict[str, Any]] = [HeaderBlock(text=title).to_dict()]
    if not result.tasks:
        hint = "Nothing to follow up. `/lead remind L-42 tomorrow 9am call back` sets a follow-up."
        head.append(SectionBlock(text=MarkdownTextObject(text=hint)).to_dict())
    rows = [_task_blocks(task, result.tz) for task in result.tasks[:PAGE]]
    shown = rows_that_fit(rows, Room().less([*head, _more(len(result.tasks))]))
    blocks = head + [block for row in rows[:shown] for block in row]
    if len(result.tasks) > shown:
        blocks.append(_more(len(result.tasks) - shown))
    return SlackMessage(text=title, blocks=blocks)


def _task_blocks(task: TaskView, tz: str) -> list[dict[str, Any]]:
    buttons = followup_buttons(task.reminder.id or 0, task.lead.number, True)
    return [_row(task, tz).to_dict(), buttons.to_dict()]


def _more(hidden: int) -> dict[str, Any]:
    note = f"…and {hidden} more. Mark some done to see the rest."
    return dict(ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict())


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
