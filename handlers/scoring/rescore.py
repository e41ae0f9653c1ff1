"""Rescoring: after a change that matters (an event, a logged touch, BANT answers, the
daily decay) recompute rule scores, record what changed and why, and act on crossings."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.config import LeadbotConfig
from domain.delivery.messages import OutboxMessage, ReadyForSales
from domain.events import LeadCaptured, LeadsImported, in_batches
from domain.followups.activity import LOGGABLE_KINDS, Activity, ActivityKind
from domain.lead import Lead
from domain.lifecycle import TRANSITIONS, LeadStatus
from domain.permissions import system_actor
from domain.scoring.rules import CompiledRules, NewScore, Scorable, Stage, day_of, reached, score_total
from handlers.context import Context
from handlers.results import LeadView
from handlers.routing.route import route_when_ready
from store.unit_of_work import SqlUnitOfWork

SCORER = "scoring"  # the system actor named in the timeline and the audit log
IMPORT_BATCH = 1000  # imported leads scored per transaction: short ones, however big the file


@dataclass(frozen=True, slots=True)
class RescoreReport:
    leads: int = 0
    changed: int = 0
    mql: int = 0  # leads that crossed MQL (only)
    sql: int = 0  # leads that crossed SQL, moved to qualified and announced

    def __add__(self, other: "RescoreReport") -> "RescoreReport":
        return RescoreReport(
            self.leads + other.leads,
            self.changed + other.changed,
            self.mql + other.mql,
            self.sql + other.sql,
        )


def rescore_leads(
    uow: SqlUnitOfWork,
    team_id: str,
    lead_ids: Sequence[int],
    reasons: Mapping[int, str],
    now: datetime,
    config: LeadbotConfig,
) -> RescoreReport:
    """Rescore a few leads of one workspace inside the caller's transaction."""
    scorables = uow.scores.of_leads(team_id, lead_ids)
    return settle_scores(uow, scorables, CompiledRules(config.scoring), now, config, reasons)


def rescore_lead(uow: SqlUnitOfWork, ctx: Context, lead: Lead, reason: str) -> Lead:
    """Rescore one lead after a change a person made; the lead as it is afterwards
    (crossing SQL may have qualified it)."""
    assert lead.id is not None
    rescore_leads(uow, lead.team_id, [lead.id], {lead.id: reason}, ctx.now, ctx.config)
    return uow.leads.by_id(lead.team_id, lead.id) or lead


def count_engagement(uow: SqlUnitOfWork, ctx: Context, lead: Lead, activity: Activity) -> Lead:
    """A logged call, email or meeting is engagement too: stored beside the webhook's
    events and scored by the same rules. Notes are not."""
    if activity.kind not in LOGGABLE_KINDS or lead.id is None:
        return lead
    uow.engagement.add(lead.team_id, lead.id, str(activity.kind), activity.created_at, ctx.now)
    return rescore_lead(uow, ctx, lead, f"{activity.kind} logged")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What scoring made of some leads, before anything is written: the scores that changed
    and the stages crossed."""

    leads: int
    changes: list[NewScore]
    crossings: list[tuple[Scorable, Stage, int]]

    def still_standing(self, standing: Mapping[int, tuple[int, Stage]]) -> "Verdict":
        """Only the leads whose score and stage are still what was scored (`standing`, read
        in the writing transaction): a lead rescored meanwhile keeps its fresher score."""
        changes = [c for c in self.changes if standing.get(c.lead_id, (None, None))[0] == c.before]
        crossings = [x for x in self.crossings if standing.get(x[0].lead_id) == (x[0].score, x[0].stage)]
        return Verdict(self.leads, changes, crossings)

    @property
    def lead_ids(self) -> list[int]:
        return sorted({c.lead_id for c in self.changes} | {x[0].lead_id for x in self.crossings})


def settle_scores(
    uow: SqlUnitOfWork,
    scorables: Sequence[Scorable],
    rules: CompiledRules,
    now: datetime,
    config: LeadbotConfig,
    reasons: Mapping[int, str] | str,
    announce: bool = True,
) -> RescoreReport:
    """Score the leads, then write what changed, in the caller's transaction."""
    return apply_verdict(uow, judge(scorables, rules, now, config, reasons), now, config, announce)


def judge(
    scorables: Sequence[Scorable],
    rules: CompiledRules,
    now: datetime,
    config: LeadbotConfig,
    reasons: Mapping[int, str] | str,
) -> Verdict:
    """Pure scoring for each lead: which scores change, which stages are crossed."""
    changes, crossings = [], []
    today = day_of(now)
    lowest = config.scoring.mql  # below it no stage can be reached: skip the check
    for lead in scorables:
        total = score_total(lead.facts, lead.events, today, rules)
        if total != lead.score:
            reason = reasons if isinstance(reasons, str) else reasons.get(lead.lead_id, "rescored")
            changes.append(NewScore(lead.lead_id, lead.team_id, lead.score, total, reason))
        if total >= lowest and (stage := reached(lead.stage, total, config.scoring)) is not lead.stage:
            crossings.append((lead, stage, total))
    return Verdict(len(scorables), changes, crossings)


def apply_verdict(
    uow: SqlUnitOfWork, verdict: Verdict, now: datetime, config: LeadbotConfig, announce: bool = True
) -> RescoreReport:
    """One bulk write of the scores that changed, then the rare crossings one by one.
    Without `announce` a lead crossing SQL is qualified but neither announced nor routed
    here (an import tells its teams once, and routes itself)."""
    crossings = verdict.crossings
    uow.scores.record(verdict.changes, now)
    leads = (
        uow.scores.leads({scored.lead_id: scored.team_id for scored, _, _ in crossings}) if crossings else {}
    )
    for scored, stage, total in crossings:
        _cross(uow, leads[scored.lead_id], scored, stage, total, now, config, announce)
    sql = sum(1 for _, stage, _ in crossings if stage is Stage.SQL)
    return RescoreReport(verdict.leads, len(verdict.changes), len(crossings) - sql, sql)


def _cross(
    uow: SqlUnitOfWork,
    lead: Lead,
    scored: Scorable,
    stage: Stage,
    total: int,
    now: datetime,
    config: LeadbotConfig,
    announce: bool,
) -> None:
    """MQL is recorded; SQL also moves the lead to qualified (where the lifecycle allows)
    and posts one "ready for sales" card to the team channel."""
    uow.scores.reach(lead.team_id, scored.lead_id, scored.stage, stage, now)
    threshold = config.scoring.sql if stage is Stage.SQL else config.scoring.mql
    body = f"Score {total} crossed {stage.upper()} ({threshold})"
    before = {"score": scored.score, "stage": str(scored.stage), "status": str(lead.status)}
    if stage is Stage.SQL:
        body += ": ready for sales"
        _qualify(uow, lead, now)
        if announce:
            _announce(uow, lead, total, now, config)
        if announce and route_when_ready(uow, Context(system_actor(lead.team_id, SCORER), now, config), lead):
            body += ", proposed to a rep by routing"
    uow.activities.add(lead, Activity(ActivityKind.SYSTEM, body, SCORER, now))
    after = {"score": total, "stage": str(stage), "status": str(lead.status)}
    uow.audit.record(
        team_id=lead.team_id,
        actor_id=SCORER,
        action=f"lead.{stage}",
        entity="lead",
        entity_ref=lead.ref,
        at=now,
        before=before,
        after=after,
    )


def _qualify(uow: SqlUnitOfWork, lead: Lead, now: datetime) -> None:
    # domain/lifecycle.TRANSITIONS decides; a lead already qualified simply stays.
    if LeadStatus.QUALIFIED in TRANSITIONS[lead.status]:
        lead.move_to(LeadStatus.QUALIFIED, now)
        uow.leads.save(lead)


def _announce(uow: SqlUnitOfWork, lead: Lead, total: int, now: datetime, config: LeadbotConfig) -> None:
    """Once per lead and buying cycle: the dedupe key makes a second crossing a no-op."""
    channel = config.team(lead.sales_team).channel
    if not channel:
        return
    body = ReadyForSales(
        channel=channel,
        lead=LeadView.of(lead).brief(),
        owner=lead.owner_id,
        score=total,
        sql=config.scoring.sql,
    )
    key = f"ready:{lead.id}:{lead.cycle}"
    uow.outbox.add(OutboxMessage(lead.team_id, key, body), now)


def score_captured(event: LeadCaptured, uow: SqlUnitOfWork, ctx: Context) -> None:
    """A captured lead's fit scored once the capture committed: a lead that arrives as a VP
    has its points at once, not at the next daily run. A replay changed nothing and records
    no event, so it is not rescored."""
    with uow:
        reason = f"lead {event.outcome}"
        rescore_leads(uow, event.team_id, [event.lead_id], {event.lead_id: reason}, ctx.now, ctx.config)
        uow.commit()


def score_imported(event: LeadsImported, uow: SqlUnitOfWork, ctx: Context) -> None:
    """An import's leads scored as captured ones are, a batch per short transaction. Crossing
    SQL qualifies a lead but posts nothing: the import's summary tells each team once."""
    rules = CompiledRules(ctx.config.scoring)
    reasons = dict.fromkeys(event.updated, "lead updated") | dict.fromkeys(event.created, "lead created")
    every = tuple(dict.fromkeys(event.created + event.updated))  # a lead a later row updated: once
    for batch in in_batches(every, IMPORT_BATCH):
        with uow:
            scorables = uow.scores.of_leads(event.team_id, batch)
            settle_scores(uow, scorables, rules, ctx.now, ctx.config, reasons, announce=False)
            uow.commit()
