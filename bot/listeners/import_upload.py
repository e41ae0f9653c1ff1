"""`/lead import` from Slack: a manager attaches a CSV or .xlsx in a form; the file is read after
the ack, through the same import as `leadbot import`, and the result comes as a DM."""

import logging
import urllib.error
import urllib.request
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.import_form import failed_import_message, import_form, imported_message, importing_view
from bot.blocks.render import error_message
from bot.blocks.text import SlackMessage
from bot.deps import Deps
from bot.grammar import asks_for_import_form
from bot.ids import CallbackId, ImportInput
from bot.import_owners import OwnerDirectory
from bot.import_report import report_csv
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import APOLOGY, answering_errors
from bot.listeners.only_when import on_text
from bot.listeners.reply import ephemeral
from bot.tenancy import workspace_of
from domain.errors import DomainError, PermissionDenied
from domain.permissions import Action, Actor, can
from handlers.import_rows import UnreadableCsv, read_file
from handlers.importing import import_leads
from handlers.once import first_time
from handlers.registry import run

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024  # a million rows of ordinary lead data fits well inside
DOWNLOAD_TIMEOUT = 60  # seconds
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
        return first_time(self.deps.uow_factory(), actor.team_id, key, self.deps.clock())

    def after_submit(self, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """After the ack (lazy): fetch the file, import it, DM the result and the report."""
        if JOB not in context:
            return
        file_id, name, dry_run = context[JOB]
        user_id = body["user"]["id"]
        ctx = self.deps.context(workspace_of(body, context), user_id)
        report = ""
        try:
            layout, rows = read_file(_download(client, file_id), name)
            owners = OwnerDirectory(self.deps.config, client)
            # through the bus: the imported leads are then scored and routed, their teams told once
            work = partial(import_leads, rows, dry_run=dry_run, owners=owners, columns=layout.skipped)
            result = run(work, self.deps.uow_factory(), ctx)  # delivery woken after the DM, below
            message, report = (
                imported_message(name, result),
                report_csv(result.problems, result.columns) if result.problems or result.columns else "",
            )
        except (UnreadableCsv, DomainError) as problem:
            message = failed_import_message(name, str(problem))
        except Exception:  # noqa: BLE001 - after the ack the person learns of a failure only from us
            log.exception("import of %s from Slack failed", name)
            message = APOLOGY
        _send_result(client, user_id, message, f"{name}.report.csv", report)
        self.deps.kick_outbox()  # then the teams' summaries: the importer hears first

    def _actor(self, workspace_id: str, user_id: str) -> Actor:
        return self.deps.config.actor(workspace_id, user_id)


def _download(client: WebClient, file_id: str) -> bytes:
    """The file's bytes from Slack (files:read), refused when too big to be a lead list."""
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
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as answer:  # noqa: S310 - Slack's own URL
            data = bytes(answer.read(MAX_FILE_BYTES + 1))
    except (urllib.error.URLError, OSError) as error:
        raise UnreadableCsv(f"The file could not be downloaded from Slack ({error}). Try again.") from error
    if len(data) > MAX_FILE_BYTES:  # the size Slack gave was wrong: never import a cut-off file
        raise UnreadableCsv(TOO_BIG)
    return data


def _send_result(
    client: WebClient, user_id: str, message: SlackMessage, report_name: str, report: str
) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks or None)
    if report:
        client.files_upload_v2(
            channel=channel, thread_ts=posted["ts"], content=report, filename=report_name, title=report_name
        )


def register(app: App, deps: Deps) -> None:
    """Its /lead listener takes the command that opens its form (commands.plain excludes it)."""
    upload = ImportUpload(deps)
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_import_form)])(
        ack=upload.on_command, lazy=[upload.on_form_wanted]
    )
    app.view_submission(CallbackId.IMPORT_FORM)(ack=upload.on_submit, lazy=[upload.after_submit])
