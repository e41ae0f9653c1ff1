"""The `leadbot` command: run, serve, socket, console, db upgrade, import, export, tick, audit
export, privacy export|erase, backup, restore."""

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from pydantic import ValidationError

from bot.config_file import load_config
from bot.logs import configure_logging
from bot.settings import Settings
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import ConfigError, DomainError

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from handlers.import_checkpoint import Checkpoint
    from handlers.importing import LeadsImported

TICK_DRAIN_SECONDS = 45.0  # of a minute between cron ticks: the next tick starts after this one ends

cli = typer.Typer(help="Leadbot: Slack-first lead management.", no_args_is_help=True, add_completion=False)
db_cli = typer.Typer(help="Database maintenance.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
privacy_cli = typer.Typer(help="Personal data of one person: export, erase.", no_args_is_help=True)
cli.add_typer(privacy_cli, name="privacy")
audit_cli = typer.Typer(help="The audit log: who did what, when.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")

YesOption = Annotated[bool, typer.Option("--yes", help="Go ahead: replace or erase what is there.")]
WorkspaceOption = Annotated[
    list[str] | None, typer.Option(help="A Slack workspace (team) id; repeat for several. Default: all.")
]
CLI_ACTOR = "leadbot-cli"  # the audit log's actor for what an operator does at the console


def _settings_and_config() -> tuple[Settings, LeadbotConfig]:
    settings = Settings()
    try:
        return settings, load_config(settings.leadbot_config)
    except ConfigError as exc:
        typer.secho(f"Configuration refused: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc


@cli.command()
def run() -> None:
    """Console when no Slack token is set; Socket Mode with SLACK_APP_TOKEN; else HTTP."""
    settings = Settings()
    if not settings.has_slack():
        console()
    elif settings.slack_app_token:
        socket()
    else:
        serve()


@cli.command()
def serve(host: str = "127.0.0.1", port: int = 3000) -> None:
    """HTTP mode: POST /slack/events, /webhooks/leads, /webhooks/events; GET /healthz, /readyz, /metrics."""
    from bot.bootstrap import build_runtime
    from bot.http_server import keep_startup_objects
    from bot.http_server import serve as make_server

    settings, config = _settings_and_config()
    _ready_for_slack(settings, "serve", ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))
    runtime = build_runtime(settings, config, worker_process=True)
    server = make_server(
        runtime.app,
        runtime.healthy,
        host,
        port,
        leads_webhook=runtime.webhook.handle,
        events_webhook=runtime.events_webhook.handle,
        ready=runtime.ready,
        metrics=runtime.metrics,
    )
    runtime.start()
    keep_startup_objects()
    typer.echo(f"Leadbot listening on http://{host}:{server.server_port}/slack/events")
    if settings.leadbot_webhook_secret is None:
        typer.echo("Web-form and events webhooks are off (503) until LEADBOT_WEBHOOK_SECRET is set.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        runtime.stop()


@cli.command()
def socket() -> None:
    """Socket Mode (needs SLACK_APP_TOKEN, an xapp- token with connections:write)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.bootstrap import build_runtime
    from bot.http_server import keep_startup_objects

    settings, config = _settings_and_config()
    _ready_for_slack(settings, "socket", ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    assert settings.slack_app_token is not None  # checked just above
    runtime = build_runtime(settings, config, worker_process=True)
    runtime.start()
    keep_startup_objects()
    SocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value()).start()


def _ready_for_slack(settings: Settings, command: str, tokens: tuple[str, ...]) -> None:
    """Before anything starts: the tokens are set and Slack accepts them, else one line
    saying what to set or check (Bolt's own check would end in a traceback)."""
    from bot.preflight import NotReady, bot_workspace, check_app_token, require_tokens

    try:
        require_tokens(settings, command, tokens)
        bot_workspace(settings)
        if "SLACK_APP_TOKEN" in tokens:
            check_app_token(settings)
    except NotReady as exc:
        _refuse(str(exc))


@cli.command()
def console(
    user: Annotated[str, typer.Option(help="The console user to start as.")] = "ann",
    database_url: Annotated[str | None, typer.Option(help="Overrides DATABASE_URL.")] = None,
) -> None:
    """The local Slack stand-in: type /lead commands as a chosen user."""
    from bot.console import run_console

    # The terminal is the chat window: keep library chatter out of it.
    logging.getLogger().setLevel(logging.WARNING)
    settings, config = _settings_and_config()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    run_console(settings, config, start_user=user)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Run Alembic migrations to head."""
    from bot.database import open_database

    settings, _ = _settings_and_config()
    open_database(settings.database_url)
    typer.echo("Database is at the latest schema.")


@cli.command("import")
def import_csv(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (UTF-8, UTF-16 or a legacy encoding such as cp1252) or .xlsx, with a header row."
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")] = False,
    batch_rows: Annotated[
        int | None,
        typer.Option(
            "--batch-rows",
            min=1,
            help="Rows saved per transaction (default 5000): an interrupted import, run again, resumes "
            "after the last one saved.",
        ),
    ] = None,
) -> None:
    """Capture every row of FILE; FILE.report.csv says what became of each row (rows numbered
    as a spreadsheet shows them: the header is row 1), columns not imported first."""
    from bot.database import open_database
    from bot.import_owners import OwnerDirectory
    from bot.import_report import ReportWriter
    from domain.permissions import system_actor
    from handlers.commands import CaptureChannel
    from handlers.context import Context
    from handlers.import_rows import UnreadableCsv, read_path
    from handlers.importing import BATCH_ROWS, import_leads
    from handlers.privacy import remember_report
    from handlers.registry import run

    settings, config = _settings_and_config()
    try:
        layout, rows = read_path(file, config.fields)
        checkpoint = _checkpoint_of(file)
    except OSError as exc:
        _refuse(f"Cannot read {file}: {exc.strerror or exc}.")
    except UnreadableCsv as exc:
        _refuse(f"Cannot import {file}: {exc}")
    _, uow_factory = open_database(settings.database_url)
    actor = system_actor(workspace_of(settings), str(CaptureChannel.IMPORT))
    ctx = Context(actor, datetime.now(UTC), config)
    owners = OwnerDirectory(config, _slack_client(settings))
    report = report_path(file)
    try:  # written as batches are done: a long file's report is never held whole
        out = report.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        typer.secho(f"Could not write the report {report}: {exc.strerror or exc}.", fg="red", err=True)
        raise typer.Exit(1) from exc
    # where it is, for an erasure: from its first line it may name people, finished or not
    remember_report(uow_factory(), actor.team_id, actor.user_id, report, ctx.now)
    try:
        with out, _progress_bar(layout.rows) as progress:
            # through the bus: the imported leads are then scored and routed, their teams told once
            work = partial(
                import_leads,
                rows,
                dry_run=dry_run,
                progress=progress,
                owners=owners,
                columns=layout.skipped,
                report=ReportWriter(out, layout.skipped),
                checkpoint=checkpoint,
                batch_rows=batch_rows or BATCH_ROWS,
            )
            result = run(work, uow_factory(), ctx)
    except (DomainError, UnreadableCsv) as exc:
        typer.secho(f"Import stopped: {exc}", fg="red", err=True)
        typer.echo(f"Report of the rows saved: {report}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(_import_summary(file, result))
    if layout.skipped:
        typer.echo("Columns not imported: " + "; ".join(layout.skipped))
    typer.echo(f"Report: {report}")


def _checkpoint_of(file: Path) -> "Checkpoint":
    """The file known by its content (read in chunks), for resuming an interrupted import."""
    from handlers.import_checkpoint import Checkpoint

    with file.open("rb") as stream:
        return Checkpoint.of_content(iter(lambda: stream.read(1 << 20), b""))


def _slack_client(settings: Settings) -> "WebClient | None":
    """For finding owners by email; None without a bot token (the console's database)."""
    if not settings.has_slack() or settings.slack_bot_token is None:
        return None
    from slack_sdk import WebClient

    return WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.api_url)


def _import_summary(file: Path, result: "LeadsImported") -> str:
    from bot.import_report import import_counts

    return f"{file.name}: {import_counts(result)}"


@contextmanager
def _progress_bar(rows: int) -> Iterator[Callable[[int], None]]:
    """On stderr, and only on a terminal: a pipe or a log gets the summary alone."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # Redrawn after each batch, not by a thread of its own: a large import forks a second
    # process, which a process with one thread can do safely (handlers.import_batches).
    with Progress(*columns, console=console, disable=not console.is_terminal, auto_refresh=False) as bar:
        task = bar.add_task("import", total=rows)
        yield lambda last_row: bar.update(task, completed=last_row - 1, refresh=True)


def _refuse(message: str) -> NoReturn:
    typer.secho(message, fg="red", err=True)
    raise typer.Exit(2)


def report_path(file: Path) -> Path:
    """DESIGN.md's `FILE.report.csv` beside `FILE.csv` or `FILE.xlsx`: `leads.csv` gives
    `leads.report.csv`."""
    return file.with_name(f"{file.stem}.report.csv")


@cli.command()
def export(fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "json") -> None:
    """Write every lead of the workspace to stdout (CSV safe to open in a spreadsheet)."""
    from bot.database import open_database
    from bot.safe_csv import write_csv
    from handlers.export import csv_cells, export_fields, export_leads

    if fmt not in ("csv", "json"):
        typer.secho(f"--format must be csv or json, not {fmt!r}.", fg="red", err=True)
        raise typer.Exit(2)
    settings, config = _settings_and_config()
    _, uow_factory = open_database(settings.database_url)
    rows = export_leads(uow_factory(), workspace_of(settings), config.fields)
    if fmt == "json":
        json.dump(list(rows), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    write_csv(sys.stdout, export_fields(config.fields), (csv_cells(row, config.fields) for row in rows))


@cli.command()
def tick(
    now: Annotated[str | None, typer.Option(help="ISO-8601 instant; default: the clock.")] = None,
    drain: Annotated[
        float | None,
        typer.Option(
            help="Seconds to go on sending what a channel's pace (about one message a second) held "
            f"back; default {TICK_DRAIN_SECONDS:g} on the clock, so a cron tick each minute sends "
            "a backlog within it. Not with --now."
        ),
    ] = None,
) -> None:
    """Run one pass of every scheduled job as of NOW, deliver the outbox, exit."""
    from bot.bootstrap import run_jobs_once

    instant = _parse_instant(now)
    if now is not None and drain:
        _refuse("--drain waits for the real clock: leave out --now, or --drain.")
    settings, config = _settings_and_config()
    seconds = drain if drain is not None else (0.0 if now is not None else TICK_DRAIN_SECONDS)
    counts = run_jobs_once(settings, config, instant, max(0.0, seconds))
    typer.echo(" ".join(f"{key}={value}" for key, value in counts.items()))


@audit_cli.command("export")
def audit_export(
    since: Annotated[
        str | None, typer.Option(help="A date (2026-11-01) or ISO-8601 instant, UTC unless it says.")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write the audit log to stdout as JSON lines, oldest first."""
    from bot.database import open_database
    from handlers.audit_export import export_audit

    start = _parse_instant(since, "--since") if since is not None else None
    settings, _ = _settings_and_config()
    _, uow_factory = open_database(settings.database_url)
    for entry in export_audit(uow_factory, start, tuple(workspace or ())):
        sys.stdout.write(json.dumps(entry, ensure_ascii=False, default=str))
        sys.stdout.write("\n")


@privacy_cli.command("export")
def privacy_export(email: str, workspace: WorkspaceOption = None) -> None:
    """Print as JSON everything held about the person with EMAIL: leads, contacts, timeline,
    reminders, engagement events, score history, audit entries, messages naming them."""
    from bot.database import open_database
    from handlers.privacy import export_personal_data

    settings, _ = _settings_and_config()
    _, uow_factory = open_database(settings.database_url)
    held = export_personal_data(uow_factory(), _email(email), tuple(workspace or ()))
    json.dump(held, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


@privacy_cli.command("erase")
def privacy_erase(
    email: str,
    yes: YesOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Erase the personal data of the person with EMAIL, keeping anonymous rows so reports
    still add up; the erasure is recorded in the audit log."""
    from bot.database import open_database
    from handlers.privacy import erase_personal_data, find_personal_data

    address = _email(email)
    settings, _ = _settings_and_config()
    _, uow_factory = open_database(settings.database_url)
    workspaces = tuple(workspace or ())
    if not yes:
        held = find_personal_data(uow_factory(), address, workspaces)
        typer.echo(held.summary())
        if held.found:
            typer.echo("Nothing was changed: add --yes to erase.")
        return
    held = erase_personal_data(uow_factory(), address, CLI_ACTOR, datetime.now(UTC), workspaces)
    typer.echo(f"Erased {held.summary()}" if held.found else held.summary())


@cli.command()
def backup(
    path: Annotated[Path, typer.Argument(help="Where to write the copy (replaced if it exists).")],
) -> None:
    """Copy the SQLite database (and its queue file) to PATH, consistently, while Leadbot
    runs. PostgreSQL: use pg_dump (this says how)."""
    from handlers.backup import BackupRefused, back_up_database

    settings = Settings()
    try:
        copied = back_up_database(settings.database_url, path)
    except BackupRefused as refused:
        _refuse(str(refused))
    except OSError as exc:
        _refuse(f"Could not write {path}: {exc.strerror or exc}.")
    queue = f" and its queue to {copied.queue}" if copied.queue else ""
    typer.echo(
        f"Backed up {copied.leads:,} leads to {copied.path}{queue}; the copy passed its integrity check."
    )


@cli.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file `leadbot backup` wrote.")],
    yes: YesOption = False,
) -> None:
    """Put a backup in place of the SQLite database, after checking it is sound and Leadbot's
    (at or below this version's schema); a database that holds leads is replaced only with --yes."""
    from handlers.backup import BackupRefused, restore_database

    settings = Settings()
    try:
        restored = restore_database(settings.database_url, path, replace=yes)
    except BackupRefused as refused:
        _refuse(str(refused))
    except OSError as exc:
        _refuse(f"Could not restore {path}: {exc.strerror or exc}.")
    queue = f" (and its queue, {restored.queue})" if restored.queue else ""
    typer.echo(f"Restored {restored.leads:,} leads into {restored.path}{queue} from {path}.")


def _email(text: str) -> str:
    address = text.strip()
    if "@" not in address or " " in address:
        _refuse(f"{text!r} is not an email address, e.g. dana@example.com.")
    return address


def _parse_instant(text: str | None, option: str = "--now") -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        typer.secho(f"{option} {text!r} is not ISO-8601, e.g. 2026-11-23T09:00:00Z.", fg="red", err=True)
        raise typer.Exit(2) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def workspace_of(settings: Settings) -> str:
    """Leads from the CLI belong to the bot token's workspace (console: the console's)."""
    if not settings.has_slack():
        return CONSOLE_WORKSPACE
    from bot.preflight import NotReady, bot_workspace

    try:
        return bot_workspace(settings)
    except NotReady as exc:
        _refuse(str(exc))


def main() -> None:
    configure_logging(_log_settings())
    cli()


def _log_settings() -> Settings | None:
    """The settings logging needs, before any command runs; a bad environment is reported
    by the command itself, so logging falls back to plain text here."""
    try:
        return Settings()
    except ValidationError:
        return None
