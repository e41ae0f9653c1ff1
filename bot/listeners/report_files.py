"""`/lead report … csv|chart`: the report's figures as a file, in the asker's DM with Leadbot
(the report is the asker's alone, as its message is). The ack says it is coming; the report is
made and uploaded after it (files_upload_v2: three calls to Slack, more than an ack may wait)."""

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.text import SlackMessage
from bot.deps import Deps
from bot.grammar import CommandSyntaxError, ParseEnv, parse
from bot.grammar.reports import asks_for_report_file
from bot.listeners.commands import SLASH_COMMAND
from bot.listeners.errors import answering_errors, message_for
from bot.listeners.only_when import on_text
from bot.listeners.reply import ephemeral
from bot.reporting.report_files import report_chart, report_csv
from bot.workspaces.tenancy import workspace_of
from domain.reporting.report import PipelineReport
from handlers.commands import ShowReport

WANTED = "leadbot_report_file"  # set by the ack for its lazy listener: the parsed command
KINDS = {"csv": "CSV", "chart": "chart"}


class ReportFiles:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ctx = self.deps.context(workspace_of(command, context), command["user_id"])
        try:
            wanted = parse(command.get("text", ""), ParseEnv(ctx.now, self.deps.timezone(ctx)))
        except CommandSyntaxError as error:
            ack(**ephemeral(message_for(error)))
            return
        assert isinstance(wanted, ShowReport) and wanted.output is not None  # asks_for_report_file
        context[WANTED] = wanted
        text = f"📎 Making the report's {KINDS[wanted.output]}: it comes in your DM with Leadbot in a moment."
        ack(**ephemeral(SlackMessage(text=text)))

    def send_file(
        self, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """After the ack (lazy): the report (permissions are its handler's), then the file."""
        wanted = context.get(WANTED)
        if wanted is None:
            return
        with answering_errors(respond):
            ctx = self.deps.context(workspace_of(command, context), command["user_id"])
            report = self.deps.dispatch(wanted, ctx)
            assert isinstance(report, PipelineReport)
            name = f"pipeline-{report.until:%Y-%m-%d}-{report.days}d"
            if wanted.output == "csv":
                content: str | bytes = report_csv(report)
                filename = f"{name}.csv"
            else:
                content, filename = report_chart(report), f"{name}.png"
            channel = client.conversations_open(users=command["user_id"])["channel"]["id"]
            client.files_upload_v2(
                channel=channel,
                content=content,
                filename=filename,
                title=filename,
                initial_comment=f"📈 Pipeline · last {report.days} days ({KINDS[wanted.output]})",
            )


def register(app: App, deps: Deps) -> None:
    files = ReportFiles(deps)
    app.command(SLASH_COMMAND, middleware=[on_text(asks_for_report_file)])(
        ack=files.on_command, lazy=[files.send_file]
    )
