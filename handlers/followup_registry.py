"""The follow-up commands' handlers, merged into handlers.registry.COMMAND_HANDLERS."""

from collections.abc import Callable
from typing import Any

from handlers.commands import (
    CompleteReminder,
    EnrollLead,
    ListTasks,
    LogReminderCall,
    SnoozeReminder,
    StopNurture,
)
from handlers.context import Context
from handlers.followups import complete_reminder, log_reminder_call, snooze_reminder
from handlers.nurture import enroll_lead, stop_nurture
from handlers.results import Result
from handlers.tasks import list_tasks
from store.unit_of_work import SqlUnitOfWork

FOLLOWUP_HANDLERS: dict[type, Callable[[Any, SqlUnitOfWork, Context], Result]] = {
    ListTasks: list_tasks,
    CompleteReminder: complete_reminder,
    SnoozeReminder: snooze_reminder,
    LogReminderCall: log_reminder_call,
    EnrollLead: enroll_lead,
    StopNurture: stop_nurture,
}
