"""The report's deeper views of a period's cohort (the leads captured in it): the stage funnel,
the effectiveness of each source, and speed to lead by team and by rep. Pure: the store hands
over the cohort already summed (store/reporting/reports.ReportReads.cohort: leads alike counted together,
the medians of the times between stages taken in SQL, and the first contacts one number each),
and these figures are made from it. At 100,000 leads a row per lead made into Python objects
took seconds (docs/benchmarks.md).

A lead has *reached* a stage when it got there or further: a lead converted on the first call
was contacted, an MQL and an SQL too (the funnel never shows more leads at a later stage than
at an earlier one). Time *in* a stage is counted only where both ends are known, and the end
is not before the start."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from domain.lifecycle import LeadStatus

STAGES = ("captured", "contacted", "MQL", "SQL", "converted")
DAYS_A_MONTH = Decimal("30.44")
_CONTACTED = frozenset({LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED})


@dataclass(frozen=True, slots=True)
class CohortGroup:
    """Cohort leads alike: one source and status, the same stage times known (first contact
    after it was handed to a rep, MQL, SQL); how many, how many of them were handed to a rep,
    and the deal value of those converted."""

    source: str
    status: LeadStatus
    leads: int
    contacted: bool = False
    mql: bool = False
    sql: bool = False
    handed_over: int = 0
    value_won: Decimal = Decimal(0)

    def reached(self) -> int:
        """The furthest of STAGES reached (its index)."""
        if self.status is LeadStatus.CONVERTED:
            return 4
        if self.sql or self.status is LeadStatus.QUALIFIED:
            return 3
        if self.mql:
            return 2
        return 1 if self.contacted or self.status in _CONTACTED else 0


@dataclass(frozen=True, slots=True)
class FirstContact:
    """A handed-over cohort lead that was contacted: whose, and minutes from capture."""

    sales_team: str | None
    owner_id: str | None
    minutes: float


@dataclass(frozen=True, slots=True)
class Cohort:
    groups: tuple[CohortGroup, ...] = ()
    # Median days spent in each stage before the next (the last has none); None: not known
    stage_days: tuple[float | None, ...] = (None,) * (len(STAGES) - 1)
    convert_days: Mapping[str, float] = field(default_factory=dict)  # per source, capture to the win
    contacts: tuple[FirstContact, ...] = ()


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


def funnel(cohort: Cohort) -> tuple[FunnelStage, ...]:
    reached = [0] * len(STAGES)
    for group in cohort.groups:
        for stage in range(group.reached() + 1):
            reached[stage] += group.leads
    spent = (*cohort.stage_days, None)
    return tuple(
        FunnelStage(
            name,
            reached[i],
            (reached[i] / reached[i - 1] if reached[i - 1] else 0.0) if i else None,
            spent[i],
        )
        for i, name in enumerate(STAGES)
    )


def source_effects(cohort: Cohort, monthly_costs: dict[str, Decimal], days: int) -> tuple[SourceEffect, ...]:
    """Per source, most leads first. A configured source with no lead still shows its cost."""
    by_source: defaultdict[str, list[CohortGroup]] = defaultdict(list)
    for group in cohort.groups:
        by_source[group.source].append(group)
    for source in monthly_costs:
        by_source.setdefault(source, [])
    share = Decimal(days) / DAYS_A_MONTH
    lines = [
        _effect(source, groups, cohort.convert_days.get(source), monthly_costs.get(source), share)
        for source, groups in by_source.items()
    ]
    return tuple(sorted(lines, key=lambda line: (-line.leads, line.source)))


def _effect(
    source: str, groups: list[CohortGroup], median_days: float | None, monthly: Decimal | None, share: Decimal
) -> SourceEffect:
    won = [group for group in groups if group.status is LeadStatus.CONVERTED]
    value = sum((group.value_won for group in won), Decimal(0))
    cost = (monthly * share).quantize(Decimal("0.01")) if monthly is not None else None
    leads = sum(group.leads for group in groups)
    return SourceEffect(source, leads, sum(group.leads for group in won), median_days, value, cost)


def speeds(
    contacts: Iterable[FirstContact], who: Callable[[FirstContact], str | None]
) -> tuple[SpeedLine, ...]:
    """Speed to lead per team or rep (`who`), slowest p90 first: who needs help shows first."""
    minutes: defaultdict[str, list[float]] = defaultdict(list)
    for contact in contacts:
        key = who(contact)
        if key:
            minutes[key].append(contact.minutes)
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
