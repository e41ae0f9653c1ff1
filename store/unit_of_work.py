"""Unit of work: one session, its repositories, and rollback unless committed."""

from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from domain.errors import Conflict
from store.contacts import ContactRepository
from store.deferred import DeferredCommands
from store.dm_channels import DmChannelRepository
from store.engagement import EngagementRepository
from store.leads import LeadRepository
from store.merges import MergeRepository
from store.outbox import OutboxRepository
from store.predictive import PredictiveRepository
from store.qualifications import QualificationRepository
from store.reminders import ReminderRepository
from store.repositories import ActivityRepository, AuditLog, RequestKeys
from store.routing import RoutingRepository
from store.scores import ScoreRepository
from store.sla import SlaRepository

CONFLICT_MESSAGE = (
    "Someone saved the same lead (same email, phone or external id) at the same moment. "
    "Nothing was changed: try again."
)


class SqlUnitOfWork:
    leads: LeadRepository
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
    predictive: PredictiveRepository  # issue 4 item 5
    routing: RoutingRepository  # issue 5
    sla: SlaRepository  # issue 5 item 4: speed-to-lead
    # scoring (issue 4)
    engagement: EngagementRepository
    scores: ScoreRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self.committed_outbox = False  # tells the caller a delivery is worth trying now

    def __enter__(self) -> Self:
        session = self._session = self._factory()
        self.leads = LeadRepository(session)
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
        # scoring (issue 4)
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
        self.committed_outbox = self.committed_outbox or self.outbox.added > 0

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()
