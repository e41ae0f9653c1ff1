"""The composition root: settings in, a wired Bolt app, scheduler and outbox out."""
# https://slack.dev/bolt-python/concepts/lazy-listeners (process_before_response)

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.capture_worker import WorkerProcess
from bot.database import open_database
from bot.deferred import deferred_job
from bot.delivery import make_deliver
from bot.deps import Deps
from bot.event_webhook import EventsEndpoint
from bot.home import home_tab
from bot.import_job import in_background
from bot.in_flight import CountingApp
from bot.listeners import register
from bot.metrics import SlackCallCounter, watch_scheduler
from bot.metrics_endpoint import MetricsEndpoint
from bot.readiness import Parts, readiness
from bot.settings import Settings
from bot.tenancy import Home
from bot.webhooks import WebhookEndpoint
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from handlers.ahead_of_clock import bring_back, release_leases
from handlers.decay import decay_daily
from handlers.deliver import Deliver
from handlers.dm_channels import RememberedDms
from scheduler.heartbeat import Heartbeat, lag_limit
from scheduler.jobs import Jobs, ScoresJob, answer_deferred, drain_paced, run_all
from scheduler.runner import Worker, build_scheduler, kick
from store.backlog import read_backlog
from store.deadline import PING_SECONDS, answering
from store.engine import brief_lock_wait
from store.spool import Spool, open_spool
from store.unit_of_work import UowFactory

DELIVERY_TIMEOUT = 10  # seconds per Web API call from the outbox


@dataclass(slots=True)
class Runtime:
    settings: Settings
    config: LeadbotConfig
    engine: sa.Engine
    uow_factory: UowFactory
    client: WebClient
    deliver: Deliver
    scheduler: BackgroundScheduler
    app: App
    webhook: WebhookEndpoint
    jobs: Jobs  # what the sweep and `tick` run with
    capture_slot: threading.Lock  # held while a lead is captured; see Deps.capture
    worker: Worker | WorkerProcess  # carries out captures queued while the slot was taken
    events_webhook: EventsEndpoint  # POST /webhooks/events (engagement scoring)
    spool: Spool  # where those captures wait (store/spool.py)
    deps: Deps  # what the listeners were given
    heartbeat: Heartbeat  # when the sweep last finished, in whichever process runs it
    lag_limit: timedelta  # a last sweep older than this is a scheduler lagging (GET /readyz)
    metrics: MetricsEndpoint  # GET /metrics

    def start(self) -> None:
        """The background parts: the periodic sweep and the queued-capture worker (a
        worker process runs the sweep itself)."""
        if isinstance(self.worker, Worker):
            self.heartbeat.beat(datetime.now(UTC))  # the first sweep is due a period from now
            self.scheduler.start()
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def run_jobs(self, now: datetime) -> dict[str, int]:
        """One pass of every scheduled job, as `leadbot tick` runs it."""
        return run_all(now, self.jobs)

    def healthy(self) -> bool:
        """The database answers, and the background process (if this server has one) runs:
        without it queued captures would wait for a restart, so say so to the orchestrator."""
        if isinstance(self.worker, WorkerProcess) and not self.worker.alive():
            return False
        return self.database_answers()

    def ready(self, now: datetime | None = None) -> tuple[bool, dict[str, object]]:
        """GET /readyz (bot/readiness.py): database, background process, scheduler lag."""
        parts = Parts(self.database_answers, self._background_running, self.heartbeat.last, self.lag_limit)
        return readiness(parts, now or datetime.now(UTC))

    def database_answers(self) -> bool:
        try:
            with answering(PING_SECONDS), self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def _background_running(self) -> bool:
        """The worker, and in a single process the scheduler beside it."""
        in_process = isinstance(self.worker, Worker)
        return self.worker.running() and (self.scheduler.running or not in_process)


def make_client(settings: Settings) -> WebClient:
    """The listeners' client: retries connection errors, 5xx and one 429 in place."""
    return WebClient(
        token=_token(settings),
        base_url=settings.api_url,
        retry_handlers=[
            SlackCallCounter(),  # first: it sees every answer, and retries none (GET /metrics)
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=1),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_delivery_client(settings: Settings) -> WebClient:
    """The outbox's client: a 429 is not slept on here, because the outbox
    reschedules the message after Retry-After and moves on to the next one;
    a short timeout keeps every send well inside its lease."""
    return WebClient(
        token=_token(settings),
        base_url=settings.api_url,
        timeout=DELIVERY_TIMEOUT,
        retry_handlers=[
            SlackCallCounter(),
            ConnectionErrorRetryHandler(max_retry_count=1),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def _token(settings: Settings) -> str | None:
    return settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None


def build_runtime(
    settings: Settings, config: LeadbotConfig, *, sweep_seconds: float = 10, worker_process: bool = False
) -> Runtime:
    """`worker_process`: queued captures and the scheduled jobs run in a child process
    (bot/capture_worker.py, as `leadbot serve` runs), not in threads of this one, and each
    `/lead import` in a child process of its own (bot/import_job.py)."""
    engine, uow_factory = open_database(settings.database_url)
    spool = open_spool(settings.database_url, engine, uow_factory)
    client = make_client(settings)
    capture_slot = threading.Lock()
    jobs = _jobs(settings, config, uow_factory, spool, capture_slot)
    heartbeat = Heartbeat()
    scheduler = build_scheduler(jobs, every_seconds=sweep_seconds, heartbeat=heartbeat)
    watch_scheduler(scheduler)
    worker: Worker | WorkerProcess
    background_metrics = None
    if worker_process:
        worker = WorkerProcess(settings, config, sweep_seconds)
        background_metrics = worker.metrics_file  # the child's series, for GET /metrics
        kick_outbox, queue_busy = worker.kick, worker.busy
        heartbeat = worker.heartbeat  # the child runs the sweeps
    else:
        deferred = jobs.deferred
        assert deferred is not None
        worker = Worker(lambda now: answer_deferred(now, uow_factory, jobs.deliver, deferred))
        kick_outbox, queue_busy = (lambda: kick(scheduler)), (lambda: False)
    deps = Deps(
        uow_factory,
        config,
        kick_outbox=kick_outbox,
        kick_queue=worker.kick,
        capture_slot=capture_slot,
        enqueue=spool.add,
        queue_busy=queue_busy,
        brief_lock_wait=brief_lock_wait,
        run_import=in_background(settings, config) if worker_process else None,
    )
    app, home = build_app(settings, client, deps)
    webhook = WebhookEndpoint(deps, _secret(settings), home.team_id, answering)
    return Runtime(
        settings,
        config,
        engine,
        uow_factory,
        client,
        jobs.deliver,
        scheduler,
        app,
        webhook,
        jobs,
        capture_slot,
        worker,
        EventsEndpoint(deps, _secret(settings), home.team_id, answering),
        spool,
        deps,
        heartbeat,
        lag_limit(sweep_seconds),
        MetricsEndpoint(_backlog(engine, spool), background_metrics),
    )


def _backlog(engine: sa.Engine, spool: Spool) -> Callable[[], dict[str, float]]:
    """What waits in the database, for each scrape: bounded like a health check."""

    def figures() -> dict[str, float]:
        with answering(PING_SECONDS):
            return read_backlog(engine, spool.engine).as_figures(datetime.now(UTC))

    return figures


def _jobs(
    settings: Settings, config: LeadbotConfig, uow_factory: UowFactory, spool: Spool, slot: threading.Lock
) -> Jobs:
    deferred = deferred_job(uow_factory, spool.uow_factory, config, slot)
    homes = Deps(uow_factory, config)  # what a due Home tab refresh is built with
    client = make_delivery_client(settings)
    deliver = make_deliver(client, RememberedDms(uow_factory), lambda team, user: home_tab(homes, team, user))
    return Jobs(uow_factory, deliver, deferred, config, scores_job(uow_factory, config))


def background_jobs(settings: Settings, config: LeadbotConfig) -> Jobs:
    """Every scheduled job, queued commands included, against the configured database and
    Slack: what `leadbot tick` runs once and the background process runs on schedule."""
    engine, uow_factory = open_database(settings.database_url)
    spool = open_spool(settings.database_url, engine, uow_factory)
    return _jobs(settings, config, uow_factory, spool, threading.Lock())


def home_of(app: App, settings: Settings) -> Home:
    """The installation the bot token belongs to, as auth.test reports it: the only one the app
    serves, and the workspace webhook leads belong to (DESIGN.md). Asked once here, not per
    request: a web form must not wait on Slack."""
    if not settings.has_slack():
        return Home(CONSOLE_WORKSPACE)
    return Home.of(app.client.auth_test().data)


def _secret(settings: Settings) -> str | None:
    secret = settings.leadbot_webhook_secret
    return secret.get_secret_value() if secret else None


def run_jobs_once(
    settings: Settings, config: LeadbotConfig, now: datetime, drain_seconds: float = 0.0
) -> dict[str, int]:
    """`leadbot tick`: one pass of every job, commands left queued by a server that
    stopped included; then, on the real clock, the messages their channel's pace held back
    for up to `drain_seconds` (scheduler.jobs.drain_paced)."""
    jobs = background_jobs(settings, config)
    # A tick ahead of the clock leaves nothing dated in the future (handlers/ahead_of_clock.py).
    release_leases(datetime.now(UTC), jobs.uow_factory)
    try:
        counts = run_all(now, jobs)
    finally:
        bring_back(now, datetime.now(UTC), jobs.uow_factory, config)
    if drain_seconds > 0:
        counts["messages_sent"] += drain_paced(now, jobs, drain_seconds, clock=lambda: datetime.now(UTC))
    return counts


def scores_job(uow_factory: UowFactory, config: LeadbotConfig) -> ScoresJob:
    """The daily rescore with this process's config bound: leads rescored, 0 if the day was done."""
    return lambda now: decay_daily(now, uow_factory, config).leads


def build_app(settings: Settings, client: WebClient, deps: Deps) -> tuple[App, Home]:
    """The Bolt app with every listener, and the installation it serves (see home_of)."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    # process_before_response: the listener runs to its ack inside the request,
    # which skips Bolt's 10 ms ack polling; listeners make no Slack call before ack.
    app = CountingApp(
        deps.in_flight, answering, client=client, signing_secret=secret, process_before_response=True
    )
    home = home_of(app, settings)
    register(app, deps, home)
    return app, home
