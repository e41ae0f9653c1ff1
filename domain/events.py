"""What happened: past-tense facts a use case records on its unit of work.

An event is handed to its handlers (handlers.registry.EVENT_HANDLERS) only once the
transaction that recorded it committed, each handler in a unit of work of its own: what
follows a change can fail without undoing it, and "what happens after X?" is one table.
Events carry ids, never leads: a handler reads the lead as it is when it runs."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Event:
    """The base of every event; `merged` lets the bus fold two into one."""

    def merged(self, other: "Event") -> "Event | None":
        """One event saying what both say, or None when they stay two. An event
        recorded twice (two commits that queued messages) is the same fact once."""
        return self if self == other else None


@dataclass(frozen=True, slots=True)
class LeadCaptured(Event):
    """A capture (slash command, form, webhook, shortcut) stored a new lead or updated one."""

    team_id: str
    lead_id: int
    outcome: str  # "created" | "updated"


@dataclass(frozen=True, slots=True)
class LeadsImported(Event):
    """A batch of an import committed. The events of one import fold into one (`merged`),
    so its follow-ups see the whole import, and work through it in batches of their own."""

    team_id: str
    created: tuple[int, ...]  # lead ids
    updated: tuple[int, ...]

    def merged(self, other: Event) -> Event | None:
        if not isinstance(other, LeadsImported) or other.team_id != self.team_id:
            return None
        return LeadsImported(self.team_id, self.created + other.created, self.updated + other.updated)


def in_batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """A big event's ids a slice at a time: its handlers work in short transactions."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True, slots=True)
class TeamImport:
    """What an import brought one sales team (after scoring and routing)."""

    sales_team: str
    created: int
    updated: int
    proposed: tuple[int, ...]  # lead numbers proposed to a rep, waiting for a manager
    given: int  # given to a rep at once (the team approves by itself)
    unassigned: int  # new, open, and still nobody's: routing found no rep, or has no rules


@dataclass(frozen=True, slots=True)
class ImportRouted(Event):
    """An import's leads went through routing; per sales team, what it brought."""

    team_id: str
    teams: tuple[TeamImport, ...]


@dataclass(frozen=True, slots=True)
class LeadClosed(Event):
    """A lead was converted or lost: the closed history the predictive score learns from moved."""

    team_id: str
    lead_id: int
    action: str  # "converted" | "lost"


@dataclass(frozen=True, slots=True)
class LeadReopened(Event):
    """A lost lead came back to work: it leaves the closed history."""

    team_id: str
    lead_id: int


@dataclass(frozen=True, slots=True)
class MessageQueued(Event):
    """A transaction committed messages to the outbox: worth trying to deliver now rather
    than at the next sweep. Recorded by the unit of work itself, at commit."""
