"""Every action_id, block_id and callback_id, defined once; and what a button's value (or a
block_id) carries back, encoded and decoded in one place."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from domain.lead import LEAD_PREFIX


class ActionId(StrEnum):
    """Buttons about leads; the value is a LeadValue unless said."""

    SHOW = "lead.show"
    LOG_CALL = "lead.log_call"
    REMIND_TOMORROW = "lead.remind_tomorrow"
    SNOOZE_HOUR = "reminder.snooze_hour"  # value: SnoozeValue (reminders queued before follow-ups)
    MERGE = "lead.duplicate.merge"  # value: MergePair
    KEEP_BOTH = "lead.duplicate.keep_both"
    LINK_RETURNING = "lead.duplicate.link_returning"  # alike a customer's lead: their next cycle
    UNDO_MERGE = "lead.merge.undo"
    MERGE_ANYWAY = "lead.merge.anyway"  # value: MergePair; the two differ, merge all the same
    MERGE_CANCEL = "lead.merge.cancel"  # value: MergePair
    PRIVACY_ERASE = "privacy.erase"  # value: the email to erase
    PRIVACY_CANCEL = "privacy.cancel"


class ListAction(StrEnum):
    """`/lead list` paging; the value is a ListPageValue."""

    PREVIOUS = "lead.list.previous"
    NEXT = "lead.list.next"
    VIEW_ALL = "lead.list.view_all"  # a Home tab section's "View all": its first page


class BulkActionId(StrEnum):
    """A bulk action's question and result; the value is the action's id."""

    CONFIRM = "lead.bulk.confirm"
    CANCEL = "lead.bulk.cancel"
    UNDO = "lead.bulk.undo"
    OPEN_FORM = "lead.bulk.open_form"  # "Act on all N" on a /lead list page; value: the filter as typed


class BulkFormInput(StrEnum):
    """The bulk action form's inputs; each is both the block_id and the action_id."""

    ACTION = "lead.bulk.form.action"
    REP = "lead.bulk.form.rep"
    REASON = "lead.bulk.form.reason"
    CADENCE = "lead.bulk.form.cadence"
    NOTE = "lead.bulk.form.note"


class HistoryAction(StrEnum):
    """`/lead history` paging; the value is a HistoryPageValue."""

    PREVIOUS = "lead.history.previous"
    NEXT = "lead.history.next"


class BlockId(StrEnum):
    CARD_ACTIONS = "lead.card.actions"
    REMINDER_ACTIONS = "reminder.actions"
    DUPLICATE_ACTIONS = "lead.duplicate.actions"
    MERGE_ACTIONS = "lead.merge.actions"
    MERGE_CONFIRM_ACTIONS = "lead.merge.confirm"
    MERGED_AWAY_ACTIONS = "lead.merged_away.actions"
    PRIVACY_CONFIRM_ACTIONS = "privacy.erase.confirm"
    LIST_PAGES = "lead.list.pages"
    BULK_ACTIONS = "lead.bulk.actions"
    HISTORY_PAGES = "lead.history.pages"
    FORM_DUPLICATE = "lead.form.duplicate"  # the likely-duplicate warning inside the capture form


class CallbackId(StrEnum):
    """Slack's callback_id of our modals and shortcuts."""

    CAPTURE_FORM = "lead.capture.form"
    FROM_MESSAGE = "lead.from_message"  # the "Create lead from message" shortcut (slack-manifest.yml)
    QUALIFY_FORM = "lead.qualify.form"
    IMPORT_FORM = "lead.import.form"
    BULK_FORM = "lead.bulk.form"


class FormInput(StrEnum):
    """The capture form's inputs; each is both the block_id and the action_id of its input."""

    NAME = "lead.form.name"
    EMAIL = "lead.form.email"
    PHONE = "lead.form.phone"
    COMPANY = "lead.form.company"
    TITLE = "lead.form.title"
    SOURCE = "lead.form.source"
    NOTES = "lead.form.notes"


# A custom field's input in the capture form: this prefix and the field's key (block_id and
# action_id alike; a key is at most 40 characters, well inside the 255 allowed).
FIELD_INPUT = "lead.form.field."


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
    """Buttons on a follow-up (the reminder DM and `/lead tasks`); the value is a ReminderValue."""

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
    """A routing proposal's controls; the proposal rides in the block_id (a users_select has
    no value): a ProposalBlock."""

    APPROVE = "routing.approve"
    REASSIGN = "routing.reassign"  # a users_select: the manager picks the rep
    REJECT = "routing.reject"


ROUTING_BLOCK_PREFIX = "routing.proposal."


# --- what a click carries back ------------------------------------------------------------
# Messages stay in Slack for years and their buttons still work: each wire format below is
# that of messages already sent. Never change one; add a kind.


@dataclass(frozen=True, slots=True)
class _Number:
    """A value that is one number: `42`."""

    number: int

    def encode(self) -> str:
        return str(self.number)

    @classmethod
    def decode(cls, value: str) -> Self:
        return cls(int(value))


class LeadValue(_Number):
    """A button about one lead: its number, `42`."""

    __slots__ = ()

    @classmethod
    def of_ref(cls, ref: str) -> Self:
        """From a lead's ref as an outbox payload carries it (`L-42`)."""
        return cls(int(ref.removeprefix(LEAD_PREFIX)))


@dataclass(frozen=True, slots=True)
class MergePair:
    """The duplicate and the lead to keep: `43:42`. Both ride in the button, so the answer
    to a merge question needs no state."""

    duplicate: int
    keep: int

    def encode(self) -> str:
        return f"{self.duplicate}:{self.keep}"

    @classmethod
    def decode(cls, value: str) -> Self:
        duplicate, keep = value.split(":")
        return cls(int(duplicate), int(keep))


@dataclass(frozen=True, slots=True)
class SnoozeValue:
    """A reminder's lead and words: `42:call back`. The snoozed reminder keeps its words, so
    they ride in the value, cut to fit Slack's 2,000 characters."""

    number: int
    text: str

    MAX_TEXT = 1500

    def encode(self) -> str:
        return f"{self.number}:{self.text[: self.MAX_TEXT]}"

    @classmethod
    def decode(cls, value: str) -> Self:
        number, _, text = value.partition(":")
        return cls(int(number), text)


@dataclass(frozen=True, slots=True)
class ListPageValue:
    """A page of `/lead list`, the saved list's name if it was one, and the filter as typed
    (sort included): `2::status:new owner:none`, `2:hot-emea:country:EMEA`. The filter rides
    in the value, read again on the click, so paging needs no state; the grammar keeps a
    filter short enough (bot/grammar/lists.MAX_FILTER_TEXT) and a name free of colons."""

    page: int
    filter_text: str
    saved: str = ""

    def encode(self) -> str:
        return f"{self.page}:{self.saved}:{self.filter_text}"

    @classmethod
    def decode(cls, value: str) -> Self:
        page, _, rest = value.partition(":")
        saved, _, text = rest.partition(":")
        return cls(int(page), text, saved)


class ReminderValue(_Number):
    """A follow-up's buttons: the reminder's id, `17`."""

    __slots__ = ()

    @property
    def reminder_id(self) -> int:
        return self.number


@dataclass(frozen=True, slots=True)
class ProposalBlock:
    """A routing proposal's actions block: `routing.proposal.17`."""

    assignment_id: int

    PREFIX = ROUTING_BLOCK_PREFIX

    def encode(self) -> str:
        return f"{self.PREFIX}{self.assignment_id}"

    @classmethod
    def decode(cls, block_id: str) -> Self:
        return cls(int(block_id.removeprefix(cls.PREFIX)))


@dataclass(frozen=True, slots=True)
class HistoryPageValue:
    """A page of a lead's audit trail: `42:2`."""

    number: int
    page: int

    def encode(self) -> str:
        return f"{self.number}:{self.page}"

    @classmethod
    def decode(cls, value: str) -> Self:
        number, page = value.split(":")
        return cls(int(number), int(page))
