"""Unit of work: one session, its repositories, and rollback unless committed."""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from domain.book.home import refresh_message
from domain.errors import Conflict
from domain.events import Event, MessageQueued
from domain.reporting.report import ReportScope
from store.book.bulk_actions import BulkActions
from store.book.home import HomeReads as HomeReads
from store.book.home import HomeViewers
from store.book.lead_lists import LeadListRepository
from store.book.saved_lists import SavedLists
from store.capture.contacts import ContactRepository
from store.capture.deferred import DeferredCommands
from store.delivery.dm_channels import DmChannelRepository
from store.delivery.outbox import OutboxRepository
from store.engine import reading_only as reading_only  # a read-only unit of work: `with reading_only(), uow:`
from store.followups.reminders import ReminderRepository
from store.leads import LeadRepository
from store.matching.merges import MergeRepository
from store.nurture.cadences import CadenceRepository
from store.operations.ahead_of_clock import (
    AheadOfClock as AheadOfClock,  # read models handlers name in their signatures
)
from store.operations.installations import InstallationRepository
from store.operations.privacy import PersonalData
from store.operations.user_tz import UserTimezones
from store.reporting.audit import audit_page
from store.reporting.digests import DailyRuns
from store.reporting.digests import DigestReads as DigestReads
from store.reporting.forecast import ForecastMonths
from store.reporting.forecast import ForecastReads as ForecastReads
from store.reporting.reports import ReportReads
from store.repositories import ActivityRepository, AuditLog, RequestKeys
from store.routing.sla import SlaRepository
from store.routing.state import RoutingRepository
from store.scoring.engagement import EngagementRepository
from store.scoring.predictive import PredictiveRepository
from store.scoring.qualifications import QualificationRepository
from store.scoring.scores import ScoreRepository

CONFLICT_MESSAGE = (
    "Someone saved the same lead (same email, phone or external id) at the same moment. "
    "Nothing was changed: try again."
)


class SqlUnitOfWork:
    leads: LeadRepository
    lead_lists: LeadListRepository
    saved_lists: SavedLists
    bulk: BulkActions  # bulk actions on a list, for their undo
    activities: ActivityRepository
    reminders: ReminderRepository
    outbox: OutboxRepository
    dm_channels: DmChannelRepository
    audit: AuditLog
    requests: RequestKeys
    merges: MergeRepository
    deferred: DeferredCommands
    contacts: ContactRepository
    qualifications: QualificationRepository
    predictive: PredictiveRepository
    routing: RoutingRepository
    sla: SlaRepository  # speed-to-lead
    # scoring
    engagement: EngagementRepository
    scores: ScoreRepository
    installations: InstallationRepository  # OAuth installs, sealed
    cadences: CadenceRepository  # nurture
    daily_runs: DailyRuns  # jobs that run once a day (or month) per team, claimed here
    home_viewers: HomeViewers  # who opened their Home tab, so a change refreshes it
    timezones: UserTimezones  # each person's zone as Slack last told it
    personal_data: PersonalData  # one person's records, for an export or an erasure
    forecast_months: ForecastMonths  # the monthly forecast snapshots

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self._recorded: list[Event] = []  # in the transaction in hand: gone if it rolls back
        self._committed: list[Event] = []  # for the bus (handlers.registry) to hand on

    def fresh(self) -> "SqlUnitOfWork":
        """Another unit of work on the same database: each follow-up of a change gets its own."""
        return SqlUnitOfWork(self._factory)

    def record(self, event: Event) -> None:
        """Something happened in this transaction; its handlers run once it commits."""
        self._recorded.append(event)

    def collect_events(self) -> list[Event]:
        """The events of every transaction committed since the last collection."""
        events, self._committed = self._committed, []
        return events

    def first_time(self, team_id: str, key: str, now: datetime, result: str = "") -> bool:
        """Claim a request key in a transaction of its own (settled with `result`), for work
        that is not one transaction (an event's listeners, an import in batches, a daily
        job): True the first time, False for a repeat. Work inside one transaction claims
        its key there instead (`requests.first`, then `requests.settle`)."""
        with self:
            fresh = not self.requests.seen_before(team_id, key, now)
            if fresh and result:
                self.requests.settle(team_id, key, result)
            self.commit()
        return fresh

    def __enter__(self) -> Self:
        session = self._session = self._factory()
        self.leads = LeadRepository(session)
        self.lead_lists = LeadListRepository(session)
        self.saved_lists = SavedLists(session)
        self.bulk = BulkActions(session)
        self.activities = ActivityRepository(session)
        self.reminders = ReminderRepository(session)
        self.outbox = OutboxRepository(session)
        self.dm_channels = DmChannelRepository(session)
        self.audit = AuditLog(session)
        self.requests = RequestKeys(session)
        self.merges = MergeRepository(session)
        self.deferred = DeferredCommands(session)
        self.contacts = ContactRepository(session)
        self.qualifications = QualificationRepository(session)
        self.predictive = PredictiveRepository(session)
        self.routing = RoutingRepository(session)
        self.sla = SlaRepository(session)
        # scoring
        self.engagement = EngagementRepository(session)
        self.scores = ScoreRepository(session)
        self.installations = InstallationRepository(session)
        self.cadences = CadenceRepository(session)
        self.daily_runs = DailyRuns(session)
        self.home_viewers = HomeViewers(session)
        self.timezones = UserTimezones(session)
        self.personal_data = PersonalData(session)
        self.forecast_months = ForecastMonths(session)
        return self

    def refresh_homes(self, team_id: str, people: Iterable[str | None], now: datetime) -> None:
        """Queue a refresh of the Home tab of each person a change touched, if they ever
        opened it (no one twice; system actors are nobody). In the change's own transaction,
        so a rolled-back change refreshes nobody; debounced per person by the outbox key
        (domain/book/home.refresh_message: one refresh per person per window, however many
        replicas)."""
        candidates = {person for person in people if person and person[:1] in ("U", "W")}
        wanted = self.home_viewers.among(team_id, candidates) if candidates else []
        if not wanted:
            return
        messages = [refresh_message(team_id, person, now) for person in wanted]
        self.outbox.add_all([message for message, _ in messages], now, due=messages[0][1])

    # Read models over a scope, made for the question in hand on this transaction's session.

    def report_reads(self, scope: ReportScope, since: datetime, until: datetime) -> ReportReads:
        return ReportReads(self.session, scope, since, until)

    def forecast_reads(self, scope: ReportScope) -> ForecastReads:
        return ForecastReads(self.session, scope)

    def digest_reads(self, team_id: str, team_key: str, include_unteamed: bool) -> DigestReads:
        return DigestReads(self.session, team_id, team_key, include_unteamed)

    def home_reads(self, team_id: str) -> HomeReads:
        return HomeReads(self.session, team_id)

    def ahead_of_clock(self, instant: datetime) -> AheadOfClock:
        """What a tick ahead of the clock (`leadbot tick --at`) left to bring back."""
        return AheadOfClock(self.session, instant)

    def audit_page(
        self, after_id: int, since: datetime | None, workspaces: Sequence[str], limit: int
    ) -> list[dict[str, Any]]:
        """The audit log a page at a time (keyset), for its export."""
        return audit_page(self.session, after_id, since, workspaces, limit)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        self._session.rollback()
        self._session.close()
        self._session = None
        self._recorded.clear()
        if isinstance(exc, IntegrityError):
            # A unique key lost a race with another transaction: say so in the
            # domain's terms so callers can retry or explain, not crash.
            raise Conflict(CONFLICT_MESSAGE) from exc

    @property
    def session(self) -> Session:
        """For bulk statements (store.importing.bulk) that must share this transaction."""
        assert self._session is not None, "use the unit of work inside `with`"
        return self._session

    def commit(self) -> None:
        assert self._session is not None, "use the unit of work inside `with`"
        self._session.commit()
        if self.outbox.added:
            # first: delivery starts on the messages while the other follow-ups run
            self._recorded.insert(0, MessageQueued())
            self.outbox.added = 0
        self._committed.extend(self._recorded)
        self._recorded.clear()

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()
        self._recorded.clear()


# Where a handler needs transactions of its own (a job, a long import), it is given this.
UowFactory = Callable[[], SqlUnitOfWork]
