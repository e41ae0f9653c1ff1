"""Every action_id, block_id and callback_id, defined once."""

from enum import StrEnum


class ActionId(StrEnum):
    SHOW = "lead.show"
    LOG_CALL = "lead.log_call"
    REMIND_TOMORROW = "lead.remind_tomorrow"
    SNOOZE_HOUR = "reminder.snooze_hour"
    MERGE = "lead.duplicate.merge"  # value "<duplicate>:<keep>"
    KEEP_BOTH = "lead.duplicate.keep_both"
    LINK_RETURNING = "lead.duplicate.link_returning"  # alike a customer's lead: their next cycle
    UNDO_MERGE = "lead.merge.undo"
    MERGE_ANYWAY = "lead.merge.anyway"  # value "<duplicate>:<keep>": the two differ, merge all the same
    MERGE_CANCEL = "lead.merge.cancel"  # value "<duplicate>:<keep>"


class BlockId(StrEnum):
    CARD_ACTIONS = "lead.card.actions"
    REMINDER_ACTIONS = "reminder.actions"
    DUPLICATE_ACTIONS = "lead.duplicate.actions"
    MERGE_ACTIONS = "lead.merge.actions"
    MERGE_CONFIRM_ACTIONS = "lead.merge.confirm"
    MERGED_AWAY_ACTIONS = "lead.merged_away.actions"
    FORM_DUPLICATE = "lead.form.duplicate"  # the likely-duplicate warning inside the capture form


class CallbackId(StrEnum):
    """Slack's callback_id of our modals and shortcuts."""

    CAPTURE_FORM = "lead.capture.form"
    FROM_MESSAGE = "lead.from_message"  # the "Create lead from message" shortcut (slack-manifest.yml)
    QUALIFY_FORM = "lead.qualify.form"
    IMPORT_FORM = "lead.import.form"


class FormInput(StrEnum):
    """The capture form's inputs; each is both the block_id and the action_id of its input."""

    NAME = "lead.form.name"
    EMAIL = "lead.form.email"
    PHONE = "lead.form.phone"
    COMPANY = "lead.form.company"
    TITLE = "lead.form.title"
    SOURCE = "lead.form.source"
    NOTES = "lead.form.notes"


class QualifyInput(StrEnum):
    """The qualification form's inputs (block_id and action_id); named as the BANT answer."""

    BUDGET = "lead.qualify.budget"
    AUTHORITY = "lead.qualify.authority"
    NEED = "lead.qualify.need"
    TIMELINE = "lead.qualify.timeline"

    @property
    def answer(self) -> str:
        return self.name.lower()


class FollowupAction(StrEnum):
    """Buttons on a follow-up (the reminder DM and `/lead tasks`); the value is the reminder id."""

    DONE = "reminder.done"
    SNOOZE_HOUR = "reminder.snooze.hour"
    SNOOZE_TOMORROW = "reminder.snooze.tomorrow"
    SNOOZE_NEXT_WEEK = "reminder.snooze.next_week"
    LOG_CALL = "reminder.log_call"


class ImportInput(StrEnum):
    """The import form's inputs (block_id and action_id)."""

    FILE = "lead.import.file"
    DRY_RUN = "lead.import.dry_run"


class RoutingAction(StrEnum):
    """A routing proposal's controls; the proposal's id rides in the block_id (a users_select
    has no value), as `routing.proposal.<id>`."""

    APPROVE = "routing.approve"
    REASSIGN = "routing.reassign"  # a users_select: the manager picks the rep
    REJECT = "routing.reject"


ROUTING_BLOCK_PREFIX = "routing.proposal."
