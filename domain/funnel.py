"""The report's deeper views of a period's cohort (the leads captured in it): the stage funnel,
the effectiveness of each source, and speed to lead by team and by rep. Pure: the store reads
one row per cohort lead, and these figures are made from the rows.

A lead has *reached* a stage when it got there or further: a lead converted on the first call
was contacted, an MQL and an SQL too (the funnel never shows more leads at a later stage than
at an earlier one). Time *in* a stage is counted only where both ends are known."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from statistics import median

from domain.lifecycle import LeadStatus

STAGES = ("captured", "contacted", "MQL", "SQL", "converted")
DAYS_A_MONTH = Decimal("30.44")
_CONTACTED = frozenset({LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED})


@dataclass(frozen=True, slots=True)
class CohortLead:
    source: str
    sales_team: str | None
    owner_id: str | None
    status: LeadStatus
    created_at: datetime
    contacted_at: datetime | None = None  # first contact after it was handed to a rep
    mql_at: datetime | None = None
    sql_at: datetime | None = None
    closed_at: datetime | None = None
    deal_value: Decimal | None = None
    handed_over: bool = False

    def stamps(self) -> tuple[datetime | None, ...]:
        """When it entered each of STAGES (None: not reached, or not known when)."""
        converted = self.closed_at if self.status is LeadStatus.CONVERTED else None
        return (self.created_at, self.contacted_at, self.mql_at, self.sql_at, converted)

    def reached(self) -> int:
        """The furthest of STAGES reached (its index)."""
        if self.status is LeadStatus.CONVERTED:
            return 4
        if self.sql_at is not None or self.status is LeadStatus.QUALIFIED:
            return 3
        if self.mql_at is not None:
            return 2
        return 1 if self.contacted_at is not None or self.status in _CONTACTED else 0


@dataclass(frozen=True, slots=True)
class FunnelStage:
    name: str
    reached: int
    rate: float | None  # of those at the stage before; None for the first
    median_days: float | None  # spent in this stage before the next; None: not known / last


@dataclass(frozen=True, slots=True)
class SourceEffect:
    source: str
    leads: int
    converted: int
    median_days: float | None  # capture to conversion
    value_won: Decimal
    cost: Decimal | None  # the period's share of its `[[campaigns]]` cost; None: not configured

    @property
    def conversion(self) -> float:
        return self.converted / self.leads if self.leads else 0.0

    @property
    def cost_per_lead(self) -> Decimal | None:
        return _per(self.cost, self.leads)

    @property
    def cost_per_customer(self) -> Decimal | None:
        return _per(self.cost, self.converted)


@dataclass(frozen=True, slots=True)
class SpeedLine:
    """Minutes from capture to first contact, for one team or rep's handed-over leads."""

    who: str  # a team's key, or a rep's Slack id
    contacted: int
    p50: float
    p90: float


def funnel(leads: Sequence[CohortLead]) -> tuple[FunnelStage, ...]:
    reached = [0] * len(STAGES)
    spent: list[list[float]] = [[] for _ in STAGES]
    for lead in leads:
        for stage in range(lead.reached() + 1):
            reached[stage] += 1
        stamps = lead.stamps()
        for stage, (start, end) in enumerate(zip(stamps, stamps[1:], strict=False)):
            if start is not None and end is not None and end >= start:
                spent[stage].append((end - start).total_seconds() / 86400)
    return tuple(
        FunnelStage(
            name,
            reached[i],
            (reached[i] / reached[i - 1] if reached[i - 1] else 0.0) if i else None,
            median(spent[i]) if spent[i] else None,
        )
        for i, name in enumerate(STAGES)
    )


def source_effects(
    leads: Iterable[CohortLead], monthly_costs: dict[str, Decimal], days: int
) -> tuple[SourceEffect, ...]:
    """Per source, most leads first. A configured source with no lead still shows its cost."""
    by_source: defaultdict[str, list[CohortLead]] = defaultdict(list)
    for lead in leads:
        by_source[lead.source].append(lead)
    for source in monthly_costs:
        by_source.setdefault(source, [])
    share = Decimal(days) / DAYS_A_MONTH
    lines = [_effect(source, group, monthly_costs.get(source), share) for source, group in by_source.items()]
    return tuple(sorted(lines, key=lambda line: (-line.leads, line.source)))


def _effect(source: str, group: list[CohortLead], monthly: Decimal | None, share: Decimal) -> SourceEffect:
    won = [lead for lead in group if lead.status is LeadStatus.CONVERTED]
    days = [(lead.closed_at - lead.created_at).total_seconds() / 86400 for lead in won if lead.closed_at]
    value = sum((lead.deal_value or Decimal(0) for lead in won), Decimal(0))
    cost = (monthly * share).quantize(Decimal("0.01")) if monthly is not None else None
    return SourceEffect(source, len(group), len(won), median(days) if days else None, value, cost)


def speeds(leads: Iterable[CohortLead], who: Callable[[CohortLead], str | None]) -> tuple[SpeedLine, ...]:
    """Speed to lead per team or rep (`who`), slowest p90 first: who needs help shows first."""
    minutes: defaultdict[str, list[float]] = defaultdict(list)
    for lead in leads:
        key = who(lead)
        if lead.handed_over and lead.contacted_at is not None and key:
            minutes[key].append(max(0.0, (lead.contacted_at - lead.created_at).total_seconds() / 60))
    lines = [SpeedLine(key, len(m), percentile(m, 50), percentile(m, 90)) for key, m in minutes.items()]
    return tuple(sorted(lines, key=lambda line: (-line.p90, line.who)))


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile: a value someone actually waited, not an interpolation."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def _per(cost: Decimal | None, count: int) -> Decimal | None:
    if cost is None or not count:
        return None
    return (cost / count).quantize(Decimal("0.01"))
