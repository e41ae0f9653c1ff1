"""`/lead import` from Slack: a manager attaches a CSV or .xlsx in a form; after the ack the file
is saved to disk and imported, through the same import as `leadbot import`, in a low-priority
process of its own (bot/importing/job.py) so no one's commands wait behind it. A long import keeps
one DM up to date as its batches land (at most every PROGRESS_SECONDS); the result comes as a
DM with the report in its thread."""

import logging
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.import_form import (
    failed_import_message,
    import_done_progress_message,
    import_form,
    import_progress_message,
    imported_message,
    importing_view,
)
from bot.blocks.render import error_message
from bot.blocks.text import SlackMessage
from bot.deps import Deps
from bot.grammar import asks_for_import_form
from bot.ids import CallbackId, ImportInput
from bot.importing.job import ImportDone, ImportJob, in_this_thread
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import APOLOGY, answering_errors
from bot.listeners.only_when import on_text
from bot.listeners.reply import ephemeral
from bot.operations.metrics import observe_import
from bot.workspaces.tenancy import workspace_of
from domain.errors import PermissionDenied
from domain.permissions import Action, Actor, can
from handlers.importing.checkpoint import Checkpoint
from handlers.importing.pipeline import BATCH_ROWS
from handlers.importing.rows import UnreadableCsv

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024  # a million rows of ordinary lead data fits well inside
DOWNLOAD_TIMEOUT = 60  # seconds
DOWNLOAD_CHUNK = 1024 * 1024  # the file goes to disk a chunk at a time, never whole in memory
PROGRESS_SECONDS = 3.0  # the progress DM is updated at most this often (Slack's chat.update tier)
TOO_BIG = f"The file is larger than {MAX_FILE_BYTES // 2**20} MB: split it, or use `leadbot import`."
NOT_ALLOWED = PermissionDenied(
    "Importing leads is for managers and admins: send the file to your team's manager, "
    "or add the leads one by one with `/lead add`."
)
# Set by the acks for their lazy listeners (Bolt hands lazy listeners a copy of the context).
ALLOWED = "leadbot_import_allowed"
JOB = "leadbot_import_job"


class ImportUpload:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        actor = self._actor(workspace_of(command, context), command["user_id"])
        if not can(actor, Action.IMPORT):
            ack(**ephemeral(error_message(NOT_ALLOWED)))
            return
        context[ALLOWED] = True
        ack()  # the form is the answer

    @staticmethod
    def on_form_wanted(
        command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """After the ack (lazy): the trigger id expires 3 seconds after the command."""
        if context.get(ALLOWED):
            with answering_errors(respond):
                client.views_open(trigger_id=command["trigger_id"], view=import_form(""))

    def on_submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        actor = self._actor(workspace_of(body, context), body["user"]["id"])
        values = view["state"]["values"]
        files = values.get(ImportInput.FILE, {}).get(ImportInput.FILE, {}).get("files") or []
        if not can(actor, Action.IMPORT):
            ack(response_action="errors", errors={ImportInput.FILE: str(NOT_ALLOWED)[:150]})
        elif not files:
            ack(
                response_action="errors", errors={ImportInput.FILE: "Attach the CSV or Excel file to import."}
            )
        else:
            checked = values.get(ImportInput.DRY_RUN, {}).get(ImportInput.DRY_RUN, {}).get("selected_options")
            name = files[0].get("name") or "leads.csv"
            if self._first_submit(view, files[0]["id"], actor):
                context[JOB] = (files[0]["id"], name, bool(checked))
            ack(response_action="update", view=importing_view(name))

    def _first_submit(self, view: dict[str, Any], file_id: str, actor: Actor) -> bool:
        """A double click or a re-sent submit imports the file once: a repeat is shown the
        same "Importing…" view, and no second import runs and no second DM comes."""
        key = f"import:{view['id']}:{file_id}"
        return self.deps.uow_factory().first_time(actor.team_id, key, self.deps.clock())

    def after_submit(self, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """After the ack (lazy): fetch the file, import it, DM the result and the report."""
        if JOB not in context:
            return
        file_id, name, dry_run = context[JOB]
        user_id = body["user"]["id"]
        ctx = self.deps.context(workspace_of(body, context), user_id)
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        progress = ProgressMessage(client, channel, name)
        report: Path | None = None
        with tempfile.TemporaryDirectory(prefix="leadbot-import-") as folder:
            try:
                path, checkpoint = _download(client, file_id, Path(folder) / "upload")
                job = ImportJob(ctx, path, name, dry_run, checkpoint, BATCH_ROWS)
                done = self._runner(client)(job, progress)
                message, report = self._outcome(name, job, done)
            except UnreadableCsv as problem:
                message = failed_import_message(name, str(problem))
            except Exception:  # noqa: BLE001 - after the ack the person learns of a failure only from us
                log.exception("import of %s from Slack failed", name)
                message = APOLOGY
            progress.finish()
            _send_result(client, channel, message, f"{name}.report.csv", report)
        self.deps.kick_outbox()  # then the teams' summaries of the new leads: the importer hears first

    def _runner(self, client: WebClient) -> "Callable[[ImportJob, ProgressMessage], ImportDone]":
        return self.deps.run_import or in_this_thread(self.deps.uow_factory, client)

    def _outcome(self, name: str, job: ImportJob, done: ImportDone) -> tuple[SlackMessage, Path | None]:
        if done.result is None:
            return (failed_import_message(name, done.refused) if done.refused else APOLOGY), None
        if not done.result.dry_run:
            observe_import(done.result)
        return imported_message(name, done.result), job.report_path  # every row has its line

    def _actor(self, workspace_id: str, user_id: str) -> Actor:
        return self.deps.config.actor(workspace_id, user_id)


class ProgressMessage:
    """One DM kept up to date while an import runs: posted once the import has taken
    PROGRESS_SECONDS (a small file gets its summary alone), then updated at most that often."""

    def __init__(
        self, client: WebClient, channel: str, name: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client, self._channel, self._name, self._clock = client, channel, name, clock
        self._last = clock()
        self.ts: str | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if now - self._last < PROGRESS_SECONDS:
            return
        self._last = now
        message = import_progress_message(self._name, done, total)
        try:
            if self.ts is None:
                posted = self._client.chat_postMessage(
                    channel=self._channel, text=message.text, blocks=message.blocks
                )
                self.ts = posted["ts"]
            else:
                self._client.chat_update(
                    channel=self._channel, ts=self.ts, text=message.text, blocks=message.blocks
                )
        except SlackApiError as error:  # progress is a courtesy: the import goes on
            log.warning("import progress not shown: %s", error.response.get("error"))

    def finish(self) -> None:
        if self.ts is None:
            return
        message = import_done_progress_message(self._name)
        try:
            self._client.chat_update(
                channel=self._channel, ts=self.ts, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:
            log.warning("import progress not closed: %s", error.response.get("error"))


def _download(client: WebClient, file_id: str, path: Path) -> tuple[Path, Checkpoint]:
    """The file from Slack (files:read) saved at `path` a chunk at a time, and its identity
    for resuming; refused when too big to be a lead list."""
    try:
        file = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        raise UnreadableCsv(f"Slack would not hand over the file ({error.response.get('error')}).") from error
    if int(file.get("size") or 0) > MAX_FILE_BYTES:
        raise UnreadableCsv(TOO_BIG)
    request = urllib.request.Request(
        file["url_private_download"], headers={"Authorization": f"Bearer {client.token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as answer, path.open("wb") as out:  # noqa: S310 - Slack's own URL
            size = 0
            while chunk := answer.read(DOWNLOAD_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:  # the size Slack gave was wrong: never import a cut-off file
                    raise UnreadableCsv(TOO_BIG)
                out.write(chunk)
    except (urllib.error.URLError, OSError) as error:
        raise UnreadableCsv(f"The file could not be downloaded from Slack ({error}). Try again.") from error
    with path.open("rb") as saved:
        return path, Checkpoint.of_content(iter(lambda: saved.read(DOWNLOAD_CHUNK), b""))


def _send_result(
    client: WebClient, channel: str, message: SlackMessage, report_name: str, report: Path | None
) -> None:
    posted = client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks or None)
    if report is not None:
        client.files_upload_v2(
            channel=channel, thread_ts=posted["ts"], file=str(report), filename=report_name, title=report_name
        )


def register(app: App, deps: Deps) -> None:
    """Its /lead listener takes the command that opens its form (commands.plain excludes it)."""
    upload = ImportUpload(deps)
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_import_form)])(
        ack=upload.on_command, lazy=[upload.on_form_wanted]
    )
    app.view_submission(CallbackId.IMPORT_FORM)(ack=upload.on_submit, lazy=[upload.after_submit])
