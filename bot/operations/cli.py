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

from bot.operations.config_file import load_config
from bot.operations.logs import configure_logging
from bot.operations.settings import Settings
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import ConfigError, DomainError

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.web.server import Limits
    from handlers.context import UowFactory
    from handlers.importing.checkpoint import Checkpoint
    from handlers.importing.pipeline import LeadsImported

TICK_DRAIN_SECONDS = 45.0  # of a minute between cron ticks: the next tick starts after this one ends

cli = typer.Typer(
    help="Leadbot: Slack-first lead management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # main() says what failed in one line
)
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
OneWorkspaceOption = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        help="The workspace (team id, T…): needed with multi-workspace install (SLACK_CLIENT_ID).",
    ),
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
    if not settings.has_slack() and not settings.oauth:
        console()
    elif settings.slack_app_token:
        socket()
    else:
        serve()


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 3000,
    threads: Annotated[
        int | None, typer.Option(help="Requests handled at once [LEADBOT_HTTP_THREADS, 8]")
    ] = None,
    connections: Annotated[
        int | None, typer.Option(help="Open connections at most [LEADBOT_HTTP_CONNECTIONS, 200]")
    ] = None,
    idle_timeout: Annotated[
        int | None,
        typer.Option(help="Seconds before an idle connection is closed [LEADBOT_HTTP_IDLE_TIMEOUT, 30]"),
    ] = None,
    request_timeout: Annotated[
        int | None,
        typer.Option(help="Seconds a request may take to arrive [LEADBOT_HTTP_REQUEST_TIMEOUT, 10]"),
    ] = None,
    grace: Annotated[
        float | None,
        typer.Option(help="Seconds a stop waits for requests in hand [LEADBOT_HTTP_GRACE, 20]"),
    ] = None,
) -> None:
    """HTTP mode: POST /slack/events, /webhooks/leads, /webhooks/events; GET /healthz, /readyz,
    /metrics; under waitress (bot/web/server.py). SIGTERM or Ctrl-C stops it gracefully."""
    from bot.bootstrap import build_runtime
    from bot.web.server import keep_startup_objects
    from bot.web.server import serve as make_server

    settings, config = _settings_and_config()
    flags = {
        "threads": threads,
        "connections": connections,
        "idle_timeout": idle_timeout,
        "request_timeout": request_timeout,
        "grace": grace,
    }
    limits = _http_limits(settings, {key: value for key, value in flags.items() if value is not None})
    if settings.oauth or settings.slack_client_secret is not None:
        _ready_for_oauth(settings, "serve")
    else:
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
        limits=limits,
        routes=runtime.routes,
    )
    runtime.start()
    keep_startup_objects()
    typer.echo(f"Leadbot listening on http://{host}:{server.server_port}/slack/events")
    if settings.oauth:
        typer.echo(f"Install into a workspace: open http://{host}:{server.server_port}/slack/install")
    elif settings.leadbot_webhook_secret is None:
        typer.echo("Web-form and events webhooks are off (503) until LEADBOT_WEBHOOK_SECRET is set.")
    try:
        with _stopped_by_signals(server.stop):
            server.serve_forever()
    finally:
        runtime.stop()
    typer.echo("Leadbot stopped: requests in hand answered, background process ended.")


def _http_limits(settings: Settings, flags: dict[str, float]) -> "Limits":
    """The server's limits: LEADBOT_HTTP_* settings, each overridden by its flag; each more
    than 0 (the grace period may be 0: stop without waiting)."""
    from bot.web.server import Limits

    given = {
        "threads": settings.leadbot_http_threads,
        "connections": settings.leadbot_http_connections,
        "idle_timeout": settings.leadbot_http_idle_timeout,
        "request_timeout": settings.leadbot_http_request_timeout,
        "grace": settings.leadbot_http_grace,
        **flags,
    }
    for key, value in given.items():
        if value < 0 or (value == 0 and key != "grace"):
            at_least = "0 or more" if key == "grace" else "more than 0"
            _refuse(
                f"--{key.replace('_', '-')} (LEADBOT_HTTP_{key.upper()}) must be {at_least}, not {value:g}."
            )
    return Limits(**given)  # type: ignore[arg-type]


@contextmanager
def _stopped_by_signals(stop: Callable[[], None]) -> Iterator[None]:
    """SIGTERM (a service manager, `docker stop`) and SIGINT (Ctrl-C) ask for a graceful stop
    instead of killing the process mid-request; a second signal does the same again."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may take signals; its caller stops it
        return
    handler = lambda _signum, _frame: stop()  # noqa: E731 - two signals, one action
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@cli.command()
def socket() -> None:
    """Socket Mode (needs SLACK_APP_TOKEN, an xapp- token with connections:write)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.bootstrap import build_runtime
    from bot.web.server import keep_startup_objects

    settings, config = _settings_and_config()
    if settings.oauth:
        _refuse(
            "Multi-workspace install (SLACK_CLIENT_ID) runs over HTTP: "
            "use `leadbot serve`, or unset SLACK_CLIENT_ID."
        )
    _ready_for_slack(settings, "socket", ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    assert settings.slack_app_token is not None  # checked just above
    runtime = build_runtime(settings, config, worker_process=True)
    runtime.start()
    keep_startup_objects()
    SocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value()).start()


def _ready_for_slack(settings: Settings, command: str, tokens: tuple[str, ...]) -> None:
    """Before anything starts: the tokens are set and Slack accepts them, else one line
    saying what to set or check (Bolt's own check would end in a traceback)."""
    from bot.operations.preflight import NotReady, bot_workspace, check_app_token, require_tokens

    try:
        require_tokens(settings, command, tokens)
        bot_workspace(settings)
        if "SLACK_APP_TOKEN" in tokens:
            check_app_token(settings)
    except NotReady as exc:
        _refuse(str(exc))


def _ready_for_oauth(settings: Settings, command: str) -> None:
    """Multi-workspace install: everything it needs is set and usable, else one line."""
    from bot.operations.preflight import NotReady, check_oauth

    try:
        check_oauth(settings, command)
    except NotReady as exc:
        _refuse(str(exc))


@cli.command()
def console(
    user: Annotated[
        str | None, typer.Option(help="The console user to start as (default: the first).")
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="Overrides DATABASE_URL.")] = None,
) -> None:
    """The local Slack stand-in: type /lead commands as a chosen user."""
    from bot.local.console import run_console

    # The terminal is the chat window: keep library chatter out of it.
    logging.getLogger().setLevel(logging.WARNING)
    settings, config = _settings_and_config()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    people = config.console_users
    if user is not None and people and not any(user in (person.name, person.id) for person in people):
        names = ", ".join(person.name for person in people)
        _refuse(f"There is no console user `{user}`: start as one of {names}, e.g. --user {people[-1].name}.")
    run_console(settings, config, start_user=user or "")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Run Alembic migrations to head."""
    from bot.operations.database import open_database

    settings, _ = _settings_and_config()
    open_database(settings.database_url)
    typer.echo("Database is at the latest schema.")


@db_cli.command("reseal")
def db_reseal() -> None:
    """Seal every stored Slack token and webhook secret again with the first key of
    LEADBOT_ENCRYPTION_KEY: afterwards the keys after it may be removed."""
    from bot.operations.database import open_database
    from bot.workspaces.sealing import BadKey, SecretBox, Unreadable
    from handlers.operations.installations import reseal_all

    settings, _ = _settings_and_config()
    if settings.leadbot_encryption_key is None:
        _refuse("leadbot db reseal needs LEADBOT_ENCRYPTION_KEY: the new key first, then the old ones.")
    try:
        box = SecretBox(settings.leadbot_encryption_key.get_secret_value())
        _, uow_factory = open_database(settings.database_url)
        count = reseal_all(uow_factory, box.reseal)
    except (BadKey, Unreadable) as exc:
        _refuse(str(exc))
    typer.echo(f"Sealed {count} stored secret(s) again with the first key.")


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
    workspace: OneWorkspaceOption = None,
) -> None:
    """Capture every row of FILE; FILE.report.csv says what became of each row (rows numbered
    as a spreadsheet shows them: the header is row 1), columns not imported first."""
    from bot.importing.owners import OwnerDirectory
    from bot.importing.report import ReportWriter
    from bot.operations.database import open_database
    from domain.permissions import system_actor
    from handlers.commands import CaptureChannel
    from handlers.context import Context
    from handlers.importing.pipeline import BATCH_ROWS, import_leads
    from handlers.importing.rows import UnreadableCsv, read_path
    from handlers.operations.privacy import remember_report
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
    actor = system_actor(workspace_of(settings, workspace, uow_factory), str(CaptureChannel.IMPORT))
    ctx = Context(actor, datetime.now(UTC), config)
    owners = OwnerDirectory(config, _slack_client(settings, uow_factory, actor.team_id))
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
    from handlers.importing.checkpoint import Checkpoint

    with file.open("rb") as stream:
        return Checkpoint.of_content(iter(lambda: stream.read(1 << 20), b""))


def _slack_client(settings: Settings, uow_factory: "UowFactory", team_id: str) -> "WebClient | None":
    """For finding owners by email; None without a bot token (the console's database)."""
    if settings.oauth:
        from bot.bootstrap import workspace_client

        return workspace_client(settings, uow_factory, team_id)
    if not settings.has_slack() or settings.slack_bot_token is None:
        return None
    from slack_sdk import WebClient

    return WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.api_url)


def _import_summary(file: Path, result: "LeadsImported") -> str:
    from bot.importing.report import import_counts

    return f"{file.name}: {import_counts(result)}"


@contextmanager
def _progress_bar(rows: int) -> Iterator[Callable[[int], None]]:
    """On stderr, and only on a terminal: a pipe or a log gets the summary alone."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # Redrawn after each batch, not by a thread of its own: a large import forks a second
    # process, which a process with one thread can do safely (handlers.importing.batches).
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
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "json",
    workspace: OneWorkspaceOption = None,
) -> None:
    """Write every lead of the workspace to stdout (CSV safe to open in a spreadsheet)."""
    from bot.operations.database import open_database
    from bot.reporting.safe_csv import write_csv
    from handlers.reporting.export import csv_cells, export_fields, export_leads

    if fmt not in ("csv", "json"):
        typer.secho(f"--format must be csv or json, not {fmt!r}.", fg="red", err=True)
        raise typer.Exit(2)
    settings, config = _settings_and_config()
    _, uow_factory = open_database(settings.database_url)
    rows = export_leads(uow_factory(), workspace_of(settings, workspace, uow_factory), config.fields)
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
    from bot.operations.database import open_database
    from handlers.reporting.audit_export import export_audit

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
    from bot.operations.database import open_database
    from handlers.operations.privacy import export_personal_data

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
    from bot.operations.database import open_database
    from handlers.operations.privacy import erase_personal_data, find_personal_data

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
    from handlers.operations.backup import BackupRefused, back_up_database

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
    from handlers.operations.backup import BackupRefused, restore_database

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


def workspace_of(
    settings: Settings, given: str | None = None, uow_factory: "UowFactory | None" = None
) -> str:
    """Leads from the CLI belong to the bot token's workspace (console: the console's); with
    multi-workspace install, to the one named with --workspace, which must be installed."""
    if settings.oauth:
        return _installed_workspace(given, uow_factory)
    expected = _token_workspace(settings)
    if given is not None and given != expected:
        _refuse(f"--workspace {given} is not this Leadbot's workspace: its bot token is {expected}'s.")
    return expected


def _installed_workspace(given: str | None, uow_factory: "UowFactory | None") -> str:
    """An org-wide install covers workspaces it does not name: any is taken then."""
    from handlers.operations.installations import installed_bots

    installed = {place.team_id for place, _ in installed_bots(uow_factory)} if uow_factory else set()
    named = ", ".join(sorted(team for team in installed if team))
    choices = named or "none yet: install through /slack/install"
    if given is None:
        _refuse(f"With multi-workspace install, name the workspace: --workspace T… (installed: {choices}).")
    if given not in installed and "" not in installed:
        _refuse(f"Leadbot is not installed in workspace {given} (installed: {choices}).")
    return given


def _token_workspace(settings: Settings) -> str:
    if not settings.has_slack():
        return CONSOLE_WORKSPACE
    from bot.operations.preflight import NotReady, bot_workspace

    try:
        return bot_workspace(settings)
    except NotReady as exc:
        _refuse(str(exc))


def main() -> None:
    configure_logging(_log_settings())
    try:
        cli()
    except Exception as exc:  # noqa: BLE001 - the last stop: one line, never a traceback
        _stopped(exc)


def _stopped(exc: Exception) -> NoReturn:
    """A command that fails on something other than its input says so in one line: the
    database it could not use (a wrong DATABASE_URL, a server that is down), else the
    error's kind and first line. The trace goes to the debug log only: it may quote SQL."""
    import sqlalchemy as sa

    logging.getLogger(__name__).debug("command failed", exc_info=exc)
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        said = f"Leadbot could not use the database: {_first_line(exc.orig)}. Check DATABASE_URL."
    else:
        said = f"Leadbot stopped on an unexpected error: {type(exc).__name__}: {_first_line(exc)}"
    typer.secho(said, fg="red", err=True)
    sys.exit(1)  # outside click's own handling, where typer.Exit would be a traceback


def _first_line(exc: BaseException | None) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].rstrip(".") if lines else "no details"


def _log_settings() -> Settings | None:
    """The settings logging needs, before any command runs; a bad environment is reported
    by the command itself, so logging falls back to plain text here."""
    try:
        return Settings()
    except ValidationError:
        return None
