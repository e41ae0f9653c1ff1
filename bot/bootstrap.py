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

from bot.capture.deferred import deferred_job
from bot.capture.in_flight import CountingApp
from bot.capture.queue import CaptureQueue, InThreadQueue
from bot.capture.worker import ChildProcessQueue
from bot.delivery.send import make_deliver
from bot.deps import Deps
from bot.importing.job import in_background
from bot.listeners import installs, register
from bot.operations.database import open_database
from bot.operations.metrics import SlackCallCounter, watch_scheduler
from bot.operations.settings import Settings
from bot.reporting.home import home_tab
from bot.web.event_webhook import EventsEndpoint
from bot.web.metrics_endpoint import MetricsEndpoint
from bot.web.oauth_routes import oauth_routes
from bot.web.readiness import Parts, readiness
from bot.web.routes import Routes
from bot.web.webhook_keys import Keyring, OneSecret, WorkspaceSecrets
from bot.web.webhooks import WebhookEndpoint
from bot.workspaces.clients import InstalledTokens, client_for
from bot.workspaces.oauth import OAuth, build_oauth, not_installed_message
from bot.workspaces.tenancy import Home
from domain.config import CONSOLE_WORKSPACE, LeadbotConfig
from handlers.delivery.deliver import Deliver
from handlers.delivery.dm_channels import RememberedDms
from handlers.operations.ahead_of_clock import bring_back, release_leases
from handlers.scoring.decay import decay_daily
from scheduler.heartbeat import Heartbeat, lag_limit
from scheduler.jobs import Jobs, ScoresJob, drain_paced, kicked_round, run_all
from scheduler.runner import Worker, build_scheduler, utc_now
from store.capture.spool import Spool, open_spool
from store.deadline import PING_SECONDS, answering
from store.delivery.backlog import read_backlog
from store.engine import brief_lock_wait
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
    # Where captures wait that cannot be done in their ack, and what carries them out
    # (bot/capture/queue.py): a thread here, or a child process that runs the scheduler too.
    captures: CaptureQueue
    events_webhook: EventsEndpoint  # POST /webhooks/events (engagement scoring)
    spool: Spool  # where those captures wait (store/capture/spool.py)
    deps: Deps  # what the listeners were given
    heartbeat: Heartbeat  # when the sweep last finished, in whichever process runs it
    lag_limit: timedelta  # a last sweep older than this is a scheduler lagging (GET /readyz)
    metrics: MetricsEndpoint  # GET /metrics
    oauth: OAuth | None = None  # multi-workspace install (bot/workspaces/oauth.py); None: single-token mode

    @property
    def capture_slot(self) -> threading.Lock:
        """Held while a lead is captured (bot/capture/queue.QueueFront.capture)."""
        return self.captures.slot

    @property
    def worker(self) -> CaptureQueue:
        """The capture queue by its older name: what works it (thread or child process)."""
        return self.captures

    @property
    def routes(self) -> Routes:
        """GET routes besides health: the install flow's, in multi-workspace mode."""
        return oauth_routes(self.oauth.flow) if self.oauth is not None else {}

    def start(self) -> None:
        """The background parts: the periodic sweep and the queued-capture worker."""
        self.captures.start()

    def stop(self) -> None:
        """Work running after an ack (lazy listeners) finishes first: it may queue commands and
        kick the background process, which then finishes its round and stops."""
        self.app.listener_runner.listener_executor.shutdown(wait=True)
        self.captures.stop()

    def run_jobs(self, now: datetime) -> dict[str, int]:
        """One pass of every scheduled job, as `leadbot tick` runs it."""
        return run_all(now, self.jobs)

    def healthy(self) -> bool:
        """The database answers, and the background process (if this server has one) runs:
        without it queued captures would wait for a restart, so say so to the orchestrator."""
        return self.captures.alive() and self.database_answers()

    def ready(self, now: datetime | None = None) -> tuple[bool, dict[str, object]]:
        """GET /readyz (bot/web/readiness.py): database, background process, scheduler lag."""
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
        """The queue's worker and the scheduler, wherever they run."""
        return self.captures.running()


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
    """Multi-workspace mode has no one token: each request's comes from its installation."""
    if settings.oauth or settings.slack_bot_token is None:
        return None
    return settings.slack_bot_token.get_secret_value()


def build_runtime(
    settings: Settings, config: LeadbotConfig, *, sweep_seconds: float = 10, worker_process: bool = False
) -> Runtime:
    """`worker_process`: queued captures and the scheduled jobs run in a child process
    (bot/capture/worker.py, as `leadbot serve` runs), not in threads of this one, and each
    `/lead import` in a child process of its own (bot/importing/job.py)."""
    engine, uow_factory = open_database(settings.database_url)
    spool = open_spool(settings.database_url, engine, uow_factory)
    client = make_client(settings)
    capture_slot = threading.Lock()
    jobs = _jobs(settings, config, uow_factory, spool, capture_slot)
    heartbeat = Heartbeat()
    scheduler = build_scheduler(jobs, every_seconds=sweep_seconds, heartbeat=heartbeat)
    watch_scheduler(scheduler)
    captures: CaptureQueue
    background_metrics = None
    if worker_process:
        child = ChildProcessQueue(
            settings, config, sweep_seconds, spool.add, background_jobs, brief_lock_wait, capture_slot
        )
        background_metrics = child.metrics_file  # the child's series, for GET /metrics
        heartbeat = child.heartbeat  # the child runs the sweeps
        captures = child
    else:
        # The same round as the child's: a kick stands for queued commands and for outbox
        # messages, and one that lands mid-round makes another round (never a lost kick, as
        # moving the sweep's next run was while a sweep ran).
        worker = Worker(lambda now: kicked_round(jobs, utc_now))
        captures = InThreadQueue(spool.add, worker, scheduler, heartbeat.beat, brief_lock_wait, capture_slot)
    deps = Deps(
        uow_factory,
        config,
        kick_outbox=captures.kick,  # a kick also stands for outbox messages
        captures=captures,
        run_import=in_background(settings, config) if worker_process else None,
    )
    oauth = build_oauth(settings, uow_factory, client) if settings.oauth else None
    app, home = build_app(settings, client, deps, oauth)
    keyring = _keyring(settings, deps, home, oauth)
    installs.register(app, deps, keyring, settings.leadbot_public_url)
    return Runtime(
        settings,
        config,
        engine,
        uow_factory,
        client,
        jobs.deliver,
        scheduler,
        app,
        WebhookEndpoint(deps, keyring, answering),
        jobs,
        captures,
        EventsEndpoint(deps, keyring, answering),
        spool,
        deps,
        heartbeat,
        lag_limit(sweep_seconds),
        MetricsEndpoint(_backlog(engine, spool), background_metrics),
        oauth,
    )


def _keyring(settings: Settings, deps: Deps, home: Home, oauth: OAuth | None) -> Keyring:
    """Whose secrets sign webhooks: each workspace's own once installed through OAuth."""
    if oauth is not None:
        return WorkspaceSecrets(deps.uow_factory, oauth.box, deps.clock)
    return OneSecret(_secret(settings), home.team_id)


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
    home = lambda team, user: home_tab(homes, team, user)  # noqa: E731
    if settings.oauth:  # each message with its own workspace's token
        per_workspace = client_for(client, installed_tokens(settings, uow_factory, client))
        deliver = make_deliver(None, RememberedDms(uow_factory), home, per_workspace)
    else:
        deliver = make_deliver(client, RememberedDms(uow_factory), home)
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
    # A tick ahead of the clock leaves nothing dated in the future (handlers/operations/ahead_of_clock.py).
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


def installed_tokens(settings: Settings, uow_factory: UowFactory, client: WebClient) -> InstalledTokens:
    """Workspaces' bot tokens for work outside a request (the outbox, imports)."""
    oauth = build_oauth(settings, uow_factory, client)
    return InstalledTokens(uow_factory, oauth.store, oauth.authorize.token_rotator)


def workspace_client(settings: Settings, uow_factory: UowFactory, team_id: str) -> WebClient | None:
    """The listeners' kind of client for one workspace, outside a request (an import's child
    process); None without Slack (the console's database) or an installation there."""
    if settings.oauth:
        client = make_client(settings)
        return client_for(client, installed_tokens(settings, uow_factory, client))(team_id)
    return make_client(settings) if settings.has_slack() else None


def build_app(
    settings: Settings, client: WebClient, deps: Deps, oauth: OAuth | None = None
) -> tuple[App, Home]:
    """The Bolt app with every listener, and the installation it serves (see home_of): with
    OAuth, every installation, each request authorized with its own workspace's token."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    installed: dict[str, object] = {}
    if oauth is not None:
        installed = dict(
            oauth_flow=oauth.flow,
            authorize=oauth.authorize,
            installation_store_bot_only=True,
            user_facing_authorize_error_message=not_installed_message(settings),
        )
    # process_before_response: the listener runs to its ack inside the request,
    # which skips Bolt's 10 ms ack polling; listeners make no Slack call before ack.
    app = CountingApp(
        deps.in_flight,
        answering,
        client=client,
        signing_secret=secret,
        process_before_response=True,
        **installed,
    )
    home = Home.installed() if oauth is not None else home_of(app, settings)
    register(app, deps, home)
    return app, home
