"""`/lead import`'s work, away from the server's request threads: a file saved on disk, imported
in a process of its own at the lowest CPU priority, telling the server its progress.

The server process answers Slack; an import of a 50 MB file is minutes of Python. In one
process they would share one GIL, and every ack would wait behind the import's batches. So,
as the capture worker does (bot/capture/worker.py), the import runs in a spawned child at
NICENESS: the acks keep the CPU, and the thread that waits for the child only relays its
progress. Without Slack settings (a Deps built by hand) the same job runs in the calling
thread."""

import logging
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

from slack_sdk import WebClient

from bot.capture.worker import NICENESS
from bot.importing.owners import OwnerDirectory
from bot.importing.report import ReportWriter
from bot.operations.settings import Settings
from domain.config import LeadbotConfig
from domain.errors import DomainError
from handlers.context import Context, UowFactory
from handlers.importing.checkpoint import Checkpoint
from handlers.importing.pipeline import LeadsImported, import_leads
from handlers.importing.rows import UnreadableCsv, read_path
from handlers.registry import run

log = logging.getLogger(__name__)

_START = multiprocessing.get_context("spawn")  # never fork a process that runs threads
Progress = Callable[[int, int], None]  # (rows done, rows in the file)


@dataclass(frozen=True, slots=True)
class ImportJob:
    ctx: Context
    path: Path  # the file as downloaded; the report is written beside it
    name: str  # as the person named it
    dry_run: bool
    checkpoint: Checkpoint
    batch_rows: int

    @property
    def report_path(self) -> Path:
        return self.path.with_name(f"{self.path.name}.report.csv")


@dataclass(frozen=True, slots=True)
class ImportDone:
    """How the job ended: a result, or the reason the file could not be imported, or neither
    (it failed unexpectedly: the person gets an apology, the log the traceback)."""

    result: LeadsImported | None = None
    refused: str | None = None


Runner = Callable[[ImportJob, Progress], ImportDone]


def run_job(
    job: ImportJob, uow_factory: UowFactory, client: WebClient | None, progress: Progress
) -> ImportDone:
    """The import itself, wherever it runs: streamed from the file, its report written beside
    it a batch at a time; through the bus, so the imported leads are scored and routed and
    their teams told once (delivery is woken by the server after the importer's DM)."""
    try:
        layout, rows = read_path(job.path, job.ctx.config.fields)
        with job.report_path.open("w", encoding="utf-8", newline="") as out:
            work = partial(
                import_leads,
                rows,
                dry_run=job.dry_run,
                owners=OwnerDirectory(job.ctx.config, client),
                columns=layout.skipped,
                report=ReportWriter(out, layout.skipped),
                checkpoint=job.checkpoint,
                batch_rows=job.batch_rows,
                progress=lambda last_row: progress(last_row - 1, layout.rows),
            )
            result = run(work, uow_factory(), job.ctx)
    except (UnreadableCsv, DomainError) as problem:
        return ImportDone(refused=str(problem))
    return ImportDone(result=result)


def in_this_thread(uow_factory: UowFactory, client: WebClient | None) -> Runner:
    """For a Deps without settings to start a process from."""

    def run(job: ImportJob, progress: Progress) -> ImportDone:
        return run_job(job, uow_factory, client, progress)

    return run


def in_background(settings: Settings, config: LeadbotConfig) -> Runner:
    """Each job in a child process of its own, at the lowest priority."""

    def run(job: ImportJob, progress: Progress) -> ImportDone:
        receiving, sending = _START.Pipe(duplex=False)
        # Not a daemon: a large file forks a second process to prepare rows
        # (handlers/importing/batches.py), which a daemon may not. A server stopping waits for it;
        # one killed instead leaves an import that, run again, resumes (handlers/importing/checkpoint).
        child = _START.Process(target=_child, args=(settings, job, sending), name="leadbot-import")
        child.start()
        sending.close()
        try:
            while True:
                message = receiving.recv()
                if isinstance(message, ImportDone):
                    return message
                progress(*message)
        except EOFError:  # the child died without a word (killed, out of memory)
            log.error("the import process for a Slack upload ended without a result")
            return ImportDone()
        finally:
            receiving.close()
            child.join()

    return run


def _child(settings: Settings, job: ImportJob, sending: Connection) -> None:
    from bot.bootstrap import workspace_client
    from bot.operations.database import open_database
    from bot.operations.logs import configure_logging

    os.nice(NICENESS)
    configure_logging()
    engine, uow_factory = open_database(settings.database_url)
    client = workspace_client(settings, uow_factory, job.ctx.actor.team_id)
    try:
        done = run_job(job, uow_factory, client, lambda done, total: sending.send((done, total)))
    except Exception:  # noqa: BLE001 - told to the server as a failure; the traceback is logged here
        log.exception("import of a Slack upload failed")
        done = ImportDone()
    finally:
        engine.dispose()
    sending.send(done)
    sending.close()
