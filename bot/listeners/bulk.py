"""Bulk actions after their question: Confirm, Cancel, Undo (on the result, or `/lead undo`),
and Previous / Next of `/lead history`. Applying or undoing hundreds of leads takes longer
than Slack's 3 seconds: the click (or command) is acked at once and the work runs after it
(lazy), saying how far it got, then its summary, in place of the message clicked."""

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.answer_view import answer_view
from bot.blocks.bulk import working_message
from bot.blocks.bulk_form import bulk_form, form_choice
from bot.blocks.render import render
from bot.blocks.text import SlackMessage, section
from bot.deps import Deps
from bot.grammar.bulk import asks_for_undo
from bot.grammar.lists import read_filter
from bot.grammar.tokens import split_words
from bot.ids import BulkActionId, BulkFormInput, CallbackId, HistoryAction, HistoryPageValue
from bot.listeners.answers import Answer, answer_to
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import answering_errors
from bot.listeners.only_when import on_text
from bot.listeners.reply import ephemeral, ephemeral_followup
from bot.workspaces.tenancy import workspace_of
from domain.book.bulk import BulkAction, BulkKind, BulkState
from domain.errors import DomainError
from handlers.book.bulk import apply_bulk, undo_bulk
from handlers.commands import ApplyBulk, CancelBulk, PrepareBulk, ShowHistory, UndoBulk
from handlers.context import Context
from handlers.registry import run

# The ack comes before the undo looks: there may be nothing to undo.
LOOKING = "⏳ Looking for your latest bulk action to undo…"
UNDOING = SlackMessage(text=LOOKING, blocks=[section(LOOKING)])
PROGRESS_FROM = 150  # fewer leads than this are done in a moment: no progress line
PROGRESS_LINES = 2  # a response_url takes 5 answers: working, two progress lines, the summary


class Progress:
    """Tells the person how far the work got, at a third and at two thirds of the way."""

    def __init__(self, answer: Answer, doing: str) -> None:
        self.answer, self.doing = answer, doing
        self.told = 0

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or self.told >= PROGRESS_LINES:
            return
        if done * (PROGRESS_LINES + 1) >= total * (self.told + 1) and done < total:
            self.told += 1
            text = f"⏳ {self.doing}: {done} of {total} leads so far…"
            self.answer(SlackMessage(text=text, blocks=[section(text)]))


class BulkButtons:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @staticmethod
    def on_ack(ack: Ack) -> None:
        ack()

    def on_confirm(
        self, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        answer = answer_to(body, client, respond, in_place=True)
        # Counted as a request in hand while it runs: a rep's `/lead add` meanwhile is queued
        # and acked at once (Deps.capture) rather than wait behind a batch's write.
        with answering_errors(answer), self.deps.in_flight:
            ctx = self._context(body, context)
            command = ApplyBulk(action_id=int(body["actions"][0]["value"]))
            action = self._pending(ctx, command.action_id)
            if action is not None:
                answer(working_message(action, 0, action.total))
            progress = Progress(answer, f"Bulk action #{command.action_id}")
            answer(render(self._run(partial(apply_bulk, command, progress=progress), ctx)))

    def on_cancel(
        self, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        answer = answer_to(body, client, respond, in_place=True)
        with answering_errors(answer):
            command = CancelBulk(action_id=int(body["actions"][0]["value"]))
            answer(render(self.deps.dispatch(command, self._context(body, context))))

    def on_undo(
        self, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        answer = answer_to(body, client, respond, in_place=True)
        with answering_errors(answer):
            ctx = self._context(body, context)
            action_id = int(body["actions"][0]["value"])
            command = UndoBulk(action_id=action_id, request_key=f"undo:{action_id}")
            self._undo(command, ctx, answer)

    def on_undo_command(self, ack: Ack, command: dict[str, Any]) -> None:
        ack(**ephemeral(UNDOING))

    def undo_latest(self, command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """After the ack (lazy): the actor's latest bulk action undone, answered below."""

        def answer(message: SlackMessage) -> None:
            respond(**ephemeral_followup(message))

        with answering_errors(answer):
            ctx = self.deps.context(workspace_of(command, context), command["user_id"])
            self._undo(UndoBulk(request_key=command.get("trigger_id")), ctx, answer)

    def open_form(
        self, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """After the ack (lazy, at once: the trigger id lasts 3 seconds): the form for "Act on
        all N", carrying the list's filter."""
        with answering_errors(answer_to(body, client, respond)):
            client.views_open(
                trigger_id=body["trigger_id"], view=bulk_form(action["value"], self.deps.config)
            )

    def on_form_submit(
        self, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        """Counted before the ack (one query), and the question shown in the form's place; a
        missing choice or a bad one is said next to its input."""
        ctx = self._context(body, context)
        try:
            command = form_command(view)
            result = self.deps.dispatch(command, ctx)
        except FormProblem as problem:
            ack(response_action="errors", errors={problem.block_id: problem.message})
            return
        except DomainError as error:
            ack(response_action="errors", errors={_block_of(error): str(error)[:150]})
            return
        ack(response_action="update", view=answer_view(render(result)))

    def on_history_page(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        answer = answer_to(body, client, respond, in_place=True)
        with answering_errors(answer):
            value = HistoryPageValue.decode(action["value"])
            command = ShowHistory(number=value.number, page=value.page)
            answer(render(self.deps.dispatch(command, self._context(body, context))))

    def _undo(self, command: UndoBulk, ctx: Context, answer: Answer) -> None:
        progress = Progress(answer, "Undoing")
        with self.deps.in_flight:  # as for Confirm
            answer(render(self._run(partial(undo_bulk, command, progress=progress), ctx)))

    def _pending(self, ctx: Context, action_id: int) -> BulkAction | None:
        """The action, if it still waits for this person's Confirm (a second click, or someone
        else's, says nothing yet: the handler answers it)."""
        with self.deps.uow_factory() as uow:
            action = uow.bulk.get(ctx.actor.team_id, action_id)
        mine = action is not None and action.actor_id == ctx.actor.user_id
        return action if mine and action is not None and action.state is BulkState.PENDING else None

    def _run(self, work: Any, ctx: Context) -> Any:
        return run(work, self.deps.uow_factory(), ctx, self.deps.kick_outbox)

    def _context(self, body: dict[str, Any], context: BoltContext) -> Context:
        return self.deps.context(workspace_of(body, context), body["user"]["id"])


class FormProblem(Exception):
    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id, self.message = block_id, message


NEEDS = {
    BulkKind.REASSIGN: (BulkFormInput.REP, "rep", "Pick the rep who gets the leads."),
    BulkKind.LOSE: (BulkFormInput.REASON, "reason", "Pick why they were lost."),
}
BLOCK_OF_FIELD = {
    "rep": BulkFormInput.REP,
    "reason": BulkFormInput.REASON,
    "note": BulkFormInput.NOTE,
    "cadence": BulkFormInput.CADENCE,
}


def form_command(view: dict[str, Any]) -> PrepareBulk:
    state = view["state"]["values"]
    chosen_kind = form_choice(state, BulkFormInput.ACTION)
    if chosen_kind not in tuple(BulkKind):
        raise FormProblem(BulkFormInput.ACTION, "Pick what should happen to the leads.")
    kind = BulkKind(chosen_kind)
    params: dict[str, str] = {}
    if kind in NEEDS:
        block_id, key, missing = NEEDS[kind]
        if (chosen := form_choice(state, block_id)) is None:
            raise FormProblem(block_id, missing)
        params[key] = chosen
    if kind is BulkKind.NURTURE and (cadence := form_choice(state, BulkFormInput.CADENCE)):
        params["cadence"] = cadence
    if kind is BulkKind.LOSE and (note := form_choice(state, BulkFormInput.NOTE)):
        params["note"] = note
    wanted = read_filter(list(split_words(view.get("private_metadata") or "")))
    return PrepareBulk(kind=kind, params=params, filter=wanted, request_key=f"form:{view['id']}")


def _block_of(error: DomainError) -> str:
    field = getattr(error, "field", "")
    return BLOCK_OF_FIELD.get(field, BulkFormInput.ACTION)


def register(app: App, deps: Deps) -> None:
    buttons = BulkButtons(deps)
    app.action(BulkActionId.CONFIRM.value)(ack=buttons.on_ack, lazy=[buttons.on_confirm])
    app.action(BulkActionId.CANCEL.value)(ack=buttons.on_ack, lazy=[buttons.on_cancel])
    app.action(BulkActionId.UNDO.value)(ack=buttons.on_ack, lazy=[buttons.on_undo])
    for action_id in HistoryAction:
        app.action(action_id.value)(ack=buttons.on_ack, lazy=[buttons.on_history_page])
    app.action(BulkActionId.OPEN_FORM.value)(ack=buttons.on_ack, lazy=[buttons.open_form])
    app.view(CallbackId.BULK_FORM.value)(buttons.on_form_submit)
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_undo)])(
        ack=buttons.on_undo_command, lazy=[buttons.undo_latest]
    )
