"""After downtime: many follow-ups that fell due while Leadbot was away reach a person as
one "while I was away" message rather than a flood of DMs."""

from collections import defaultdict
from datetime import datetime, timedelta

from domain.followups.reminder import Reminder

AWAY_AFTER = timedelta(minutes=10)  # overdue by more than this: it was missed, not just due
AWAY_MORE_THAN = 3  # a person with more missed than this at one sweep gets one summary


def coalesce(due: list[Reminder], now: datetime) -> tuple[list[Reminder], list[list[Reminder]]]:
    """Split due reminders into those sent one by one and, per person, the missed ones
    folded into one summary. A few missed ones still come one by one, with their buttons."""
    missed: dict[tuple[str, str], list[Reminder]] = defaultdict(list)
    for reminder in due:
        if now - reminder.due_at > AWAY_AFTER:
            missed[(reminder.team_id, reminder.user_id)].append(reminder)
    groups = [group for group in missed.values() if len(group) > AWAY_MORE_THAN]
    grouped = {id(r) for group in groups for r in group}
    return [r for r in due if id(r) not in grouped], groups
