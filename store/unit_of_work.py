"""Unit of work: one session, its repositories, and rollback unless committed."""

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from domain.errors import Conflict
from domain.events import Event, MessageQueued
from store.bulk_actions import BulkActions
from store.contacts import ContactRepository
from store.deferred import DeferredCommands
from store.dm_channels import DmChannelRepository
from store.engagement import EngagementRepository
from store.lead_lists import LeadListRepository
from store.leads import LeadRepository
from store.merges import MergeRepository
from store.outbox import OutboxRepository
from store.predictive import PredictiveRepository
from store.qualifications import QualificationRepository
from store.reminders import ReminderRepository
from store.repositories import ActivityRepository, AuditLog, RequestKeys
from store.routing import RoutingRepository
from store.saved_lists import SavedLists
from store.scores import ScoreRepository
from store.sla import SlaRepository

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
        return self

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
        """For bulk statements (store.bulk) that must share this transaction."""
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
