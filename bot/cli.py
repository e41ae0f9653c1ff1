"""The `leadbot` command: run, serve, socket, console, db upgrade, export, tick."""

import csv
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.config_file import load_config
from bot.settings import Settings
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from domain.errors import ConfigError

cli = typer.Typer(help="Leadbot: Slack-first lead management.", no_args_is_help=True, add_completion=False)
db_cli = typer.Typer(help="Database maintenance.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")


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
    """HTTP mode: POST /slack/events, GET /healthz."""
    from bot.bootstrap import build_runtime
    from bot.http_server import serve as make_server

    settings, config = _settings_and_config()
    runtime = build_runtime(settings, config)
    server = make_server(runtime.app, runtime.healthy, host, port)
    runtime.scheduler.start()
    typer.echo(f"Leadbot listening on http://{host}:{server.server_port}/slack/events")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        runtime.scheduler.shutdown(wait=False)


@cli.command()
def socket() -> None:
    """Socket Mode (needs SLACK_APP_TOKEN, an xapp- token with connections:write)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.bootstrap import build_runtime

    settings, config = _settings_and_config()
    if settings.slack_app_token is None:
        typer.secho("Socket Mode needs SLACK_APP_TOKEN (xapp-...).", fg="red", err=True)
        raise typer.Exit(2)
    runtime = build_runtime(settings, config)
    runtime.scheduler.start()
    SocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value()).start()


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
    from bot.bootstrap import open_database

    settings, _ = _settings_and_config()
    open_database(settings.database_url)
    typer.echo("Database is at the latest schema.")


@cli.command()
def export(fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "json") -> None:
    """Write every lead of the workspace to stdout."""
    from bot.bootstrap import open_database
    from handlers.export import EXPORT_FIELDS, export_leads

    if fmt not in ("csv", "json"):
        typer.secho(f"--format must be csv or json, not {fmt!r}.", fg="red", err=True)
        raise typer.Exit(2)
    settings, _ = _settings_and_config()
    _, uow_factory = open_database(settings.database_url)
    rows = export_leads(uow_factory(), workspace_of(settings))
    if fmt == "json":
        json.dump(list(rows), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(rows)


@cli.command()
def tick(
    now: Annotated[str | None, typer.Option(help="ISO-8601 instant; default: the clock.")] = None,
) -> None:
    """Run one pass of every scheduled job as of NOW, deliver the outbox, exit."""
    from bot.bootstrap import run_jobs_once

    instant = _parse_instant(now)
    settings, _ = _settings_and_config()
    counts = run_jobs_once(settings, instant)
    typer.echo(" ".join(f"{key}={value}" for key, value in counts.items()))


def _parse_instant(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        typer.secho(f"--now {text!r} is not ISO-8601, e.g. 2026-11-23T09:00:00Z.", fg="red", err=True)
        raise typer.Exit(2) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def workspace_of(settings: Settings) -> str:
    """Leads from the CLI belong to the bot token's workspace (console: the console's)."""
    if not settings.has_slack():
        return CONSOLE_WORKSPACE
    from bot.bootstrap import make_client

    return str(make_client(settings).auth_test()["team_id"])


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A sweep every few seconds is routine; only its problems are worth a line.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    cli()
