"""`/lead score`: why a lead has its score, rule by rule, and how it got there."""

from domain.permissions import Action
from domain.scoring.rules import CompiledRules, ScoreBreakdown, score
from handlers.commands import ExplainScore
from handlers.context import Context, load_lead
from handlers.results import LeadView, ScoreExplained
from store.unit_of_work import SqlUnitOfWork


def explain_score(cmd: ExplainScore, uow: SqlUnitOfWork, ctx: Context) -> ScoreExplained:
    """The score as of now from the same rules and inputs the recompute uses, so the
    explanation always adds up; a closed lead shows its score as it stood at the close."""
    with uow:
        lead = load_lead(uow, ctx, cmd.number, Action.VIEW)
        assert lead.id is not None
        scorables = uow.scores.of_leads(lead.team_id, [lead.id])
        if scorables:
            only = scorables[0]
            breakdown = score(only.facts, only.events, ctx.now, CompiledRules(ctx.config.scoring))
        else:  # closed: scoring stopped with the close
            breakdown = ScoreBreakdown(lead.score)
        reached = uow.scores.reached(lead.team_id, lead.id)
        history = tuple(uow.scores.history(lead.team_id, lead.id, cmd.history))
    rules = ctx.config.scoring
    return ScoreExplained(
        LeadView.of(lead), breakdown, reached, history, rules.mql, rules.sql, rules.half_life_days, ctx.now
    )
