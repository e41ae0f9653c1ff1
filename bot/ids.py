"""Every action_id, block_id and callback_id, defined once."""

from enum import StrEnum


class ActionId(StrEnum):
    SHOW = "lead.show"
    LOG_CALL = "lead.log_call"
    REMIND_TOMORROW = "lead.remind_tomorrow"
    SNOOZE_HOUR = "reminder.snooze_hour"


class BlockId(StrEnum):
    CARD_ACTIONS = "lead.card.actions"
    REMINDER_ACTIONS = "reminder.actions"
