"""Routing a lead: the team by rule, the rep by the team's strategy, then a proposal to
the team's managers (or the lead given at once where the team auto-approves)."""

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.config import SalesTeam
from domain.errors import Conflict
from domain.events import ImportRouted, LeadsImported, TeamImport, in_batches
from domain.lead import Lead
from domain.lifecycle import OPEN_STATUSES
from domain.permissions import Action
from domain.routing.assignment import LEADBOT, Assignment, AssignmentState, Decision
from domain.routing.rules import LeadFacts, Placed, RepChoice, RepState, TeamChoice, choose_rep, choose_team
from handlers.commands import RouteLead
from handlers.context import Context, load_lead
from handlers.results import LeadView, RoutePlan, RoutingDecided
from handlers.routing.messages import give_lead, note_routed, queue_decided, queue_proposal
from handlers.routing.once import replayed, settled
from store.unit_of_work import SqlUnitOfWork

IMPORT_BATCH = 200  # imported leads routed per transaction (each takes its team's routing lock)


@dataclass(frozen=True, slots=True)
class Plan:
    team: SalesTeam
    choice: TeamChoice
    reps: RepChoice
    decision: int  # the team's decision number (taken under its routing lock)

    def view(self, lead: Lead, dry_run: bool) -> RoutePlan:
        return RoutePlan(
            LeadView.of(lead),
            self.team.key,
            self.team.name,
            self.choice.rule,
            self.reps.rep,
            self.reps.notes,
            dry_run,
        )


def route_lead(cmd: RouteLead, uow: SqlUnitOfWork, ctx: Context) -> RoutePlan | RoutingDecided:
    """Managers route their team's leads; a dry run shows the choice and changes nothing
    (its transaction, routing lock and decision number included, is rolled back)."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.VIEW if cmd.dry_run else Action.ASSIGN)
        earlier = None if cmd.dry_run else replayed(uow, ctx, cmd.request_key)
        if earlier is not None:
            return earlier  # a repeat: the proposal the first request made, not "already proposed"
        plan = plan_route(uow, ctx, lead)
        if cmd.dry_run or plan.reps.rep is None:
            return plan.view(lead, dry_run=cmd.dry_run)
        _refuse_if_taken(uow, lead)
        result = settled(uow, ctx, cmd.request_key, propose(uow, ctx, lead, plan))
        uow.commit()
    return result


def route_on_capture(uow: SqlUnitOfWork, ctx: Context, lead: Lead, score: int | None = None) -> bool:
    """A lead that came in without a rep is routed at once when routing rules are
    configured; False leaves it to the plain announcement (no rules, or nobody has room).
    `score`: what the rules read as its score when it is not stored yet (plan_route)."""
    return _route(uow, ctx, lead, tell=True, score=score) is not None


def _route(
    uow: SqlUnitOfWork, ctx: Context, lead: Lead, tell: bool, score: int | None = None
) -> RoutingDecided | None:
    if not ctx.config.routing.rules:
        return None
    plan = plan_route(uow, ctx, lead, score)
    if plan.reps.rep is None:
        return None
    return propose(uow, ctx, lead, plan, tell)


def route_imported(event: LeadsImported, uow: SqlUnitOfWork, ctx: Context) -> None:
    """An import's new leads routed as captured ones are (after scoring: rules may ask for a
    score), in file order, a batch per short transaction, but quietly: no card or DM per lead.
    What the import brought each team is then summed up once (ImportRouted)."""
    brought = _Brought()
    for batch in in_batches(event.created, IMPORT_BATCH):
        with uow:
            placed = uow.routing.placed(event.team_id, batch)
            decided = _route_quietly(uow, ctx, event.team_id, placed)
            for lead in placed:
                brought.created(lead, decided.get(lead.lead_id))
            uow.commit()
    created = set(event.created)
    updated = tuple(lead_id for lead_id in dict.fromkeys(event.updated) if lead_id not in created)
    for batch in in_batches(updated, IMPORT_BATCH):
        with uow:
            for lead in uow.routing.placed(event.team_id, batch):
                brought.updated(lead)
    with uow:
        uow.record(ImportRouted(event.team_id, brought.teams()))
        uow.commit()


def _route_quietly(
    uow: SqlUnitOfWork, ctx: Context, team_id: str, placed: list[Placed]
) -> dict[int, RoutingDecided]:
    """Routing rules to follow, and leads open, nobody's and with no proposal waiting (a file
    may bring an owner or a closed lead): only those are read whole and routed."""
    if not ctx.config.routing.rules:
        return {}
    candidates = [lead.lead_id for lead in placed if lead.open and lead.owner_id is None]
    waiting = uow.routing.waiting(team_id, candidates) if candidates else set()
    whole = uow.scores.leads(dict.fromkeys((i for i in candidates if i not in waiting), team_id))
    decided = {}
    for lead_id in candidates:
        if lead_id in whole and (routed := _route(uow, ctx, whole[lead_id], tell=False)) is not None:
            decided[lead_id] = routed
    return decided


@dataclass(slots=True)
class _Brought:
    """Per sales team: leads created and updated, proposals waiting, leads given at once,
    and new leads still nobody's."""

    counts: dict[str, list[int]] = field(default_factory=dict)  # team: [created, updated, given, unassigned]
    proposed: dict[str, list[int]] = field(default_factory=dict)  # team: lead numbers

    def created(self, lead: Placed, decided: RoutingDecided | None) -> None:
        counts = self._of(decided.assignment.sales_team if decided else lead.sales_team)
        counts[0] += 1
        if decided is not None and decided.decision is Decision.AUTO:
            counts[2] += 1
        elif decided is not None:
            self.proposed[decided.assignment.sales_team].append(lead.number)
        elif lead.owner_id is None and lead.open:
            counts[3] += 1

    def updated(self, lead: Placed) -> None:
        self._of(lead.sales_team)[1] += 1

    def _of(self, team: str | None) -> list[int]:
        self.proposed.setdefault(team or "", [])
        return self.counts.setdefault(team or "", [0, 0, 0, 0])

    def teams(self) -> tuple[TeamImport, ...]:
        return tuple(
            TeamImport(team, created, updated, tuple(self.proposed[team]), given, unassigned)
            for team, (created, updated, given, unassigned) in sorted(self.counts.items())
        )


def route_when_ready(uow: SqlUnitOfWork, ctx: Context, lead: Lead) -> bool:
    """A lead that became sales-qualified with nobody on it goes to routing, once: a lead
    with an owner, or with a proposal already waiting for a manager, is left as it is."""
    if lead.owner_id or uow.routing.pending_for(lead.team_id, lead.id or 0) is not None:
        return False
    return route_on_capture(uow, ctx, lead)


def plan_route(uow: SqlUnitOfWork, ctx: Context, lead: Lead, score: int | None = None) -> Plan:
    """`score`, when given, is read instead of the stored one: a new lead is routed inside its
    capture's transaction, and its score is stored by the follow-up after the commit
    (handlers.registry.EVENT_HANDLERS), so its rules read the fit it arrived with."""
    facts = LeadFacts(
        lead.country, lead.product, lead.source, lead.score if score is None else score, lead.custom
    )
    fallback = ctx.config.team(lead.sales_team).key
    choice = choose_team(ctx.config.routing, facts, fallback=fallback, fields=ctx.config.fields)
    team = ctx.config.team(choice.team)
    decision = uow.routing.next_decision(lead.team_id, team.key)  # the lock, before any count
    reps = rep_states(uow, ctx, team)
    # Seeded per decision: the tie-break shuffle differs from lead to lead, yet a dry run
    # and the real run of the same decision agree.
    return Plan(team, choice, choose_rep(team.routing.strategy, reps, ctx.now, seed=decision), decision)


def rep_states(uow: SqlUnitOfWork, ctx: Context, team: SalesTeam) -> list[RepState]:
    since = start_of_day(ctx.now, team)
    found = uow.routing.standings(ctx.actor.team_id, team.key, team.members, since, ctx.now)
    return [
        RepState(
            user_id=rep,
            capacity=team.routing.capacity_of(rep),
            open_leads=found[rep].open_leads,
            today=found[rep].today,
            turns=found[rep].turns,
            last_turn=found[rep].last_turn,
            away_until=found[rep].away_until,
        )
        for rep in team.members
    ]


def start_of_day(now: datetime, team: SalesTeam) -> datetime:
    """Midnight of `now`'s date in the team's zone: "new leads per day" is the team's day."""
    zone = ZoneInfo(team.timezone)
    return datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)


def propose(uow: SqlUnitOfWork, ctx: Context, lead: Lead, plan: Plan, tell: bool = True) -> RoutingDecided:
    """Without `tell`, nothing is posted for this lead (an import sums its leads up once)."""
    assert plan.reps.rep is not None and lead.id is not None
    rep, settings = plan.reps.rep, plan.team.routing
    auto = settings.auto_approve
    assignment = Assignment(
        id=0,
        team_id=lead.team_id,
        lead_id=lead.id,
        sales_team=plan.team.key,
        rep_id=rep,
        state=AssignmentState.APPROVED if auto else AssignmentState.PROPOSED,
        rule=plan.choice.rule,
        notes=plan.reps.notes,
        created_at=ctx.now,
        decided_by=LEADBOT if auto else None,
        decided_at=ctx.now if auto else None,
    )
    later = settings.auto_approve_after_minutes
    auto_at = ctx.now + timedelta(minutes=later) if later and not auto else None
    stored = replace(assignment, id=uow.routing.add(assignment, ctx.actor.user_id, auto_at))
    uow.routing.take_turn(lead.team_id, plan.team.key, rep, plan.decision)
    lead.sales_team = plan.team.key
    if auto:
        give_lead(uow, ctx, lead, rep, stored.id, tell)
        if tell:
            queue_decided(uow, ctx, lead, stored, Decision.AUTO, None)
    else:
        uow.leads.save(lead)
        note_routed(uow, ctx, lead, stored, plan.team)
        if tell:
            queue_proposal(uow, ctx, lead, stored, plan.team)
    return RoutingDecided(LeadView.of(lead), stored, Decision.AUTO if auto else None)


def _refuse_if_taken(uow: SqlUnitOfWork, lead: Lead) -> None:
    if lead.status not in OPEN_STATUSES:
        raise Conflict(f"{lead.ref} is {lead.status}: only open leads are routed (`/lead reopen` first).")
    if lead.owner_id:
        raise Conflict(f"{lead.ref} already has an owner. To move it: `/lead assign {lead.ref} @someone`.")
    if uow.routing.pending_for(lead.team_id, lead.id or 0) is not None:
        raise Conflict(f"{lead.ref} is already proposed and waits for a manager in the team channel.")
