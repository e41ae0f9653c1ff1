"""What an import brought each team, as one message in its channel: a file of a thousand
leads is one notice, not a thousand cards."""

import hashlib

from domain.delivery.messages import ChannelPost, OutboxMessage
from domain.events import ImportRouted, TeamImport
from domain.lead import lead_ref
from handlers.context import Context
from store.unit_of_work import SqlUnitOfWork

SHOWN = 10  # proposals named in the message; the rest are counted


def summarise_import(event: ImportRouted, uow: SqlUnitOfWork, ctx: Context) -> None:
    """One channel post per team that has a channel and got something from the import."""
    with uow:
        for brought in event.teams:
            channel = ctx.config.team(brought.sales_team or None).channel
            if channel and (brought.created or brought.updated):
                uow.outbox.add(_post(event.team_id, channel, brought, ctx), ctx.now)
        uow.commit()


def _post(team_id: str, channel: str, brought: TeamImport, ctx: Context) -> OutboxMessage:
    text = summary_text(ctx.config.team(brought.sales_team or None).name, brought)
    # Once per import and team: the same summary queued twice (a retried follow-up) is one post.
    digest = hashlib.sha256(f"{ctx.now.isoformat()}:{text}".encode()).hexdigest()[:16]
    key = f"import:{team_id}:{brought.sales_team}:{digest}"
    return OutboxMessage(team_id, key, ChannelPost(channel=channel, text=text))


def summary_text(team: str, brought: TeamImport) -> str:
    """Plain text (the channel post escapes it): counts, then the proposals waiting."""
    total = brought.created + brought.updated
    lines = [
        f"📥 An import brought {team} {_leads(total)}: {brought.created} new, {brought.updated} updated."
    ]
    if brought.proposed:
        shown = ", ".join(lead_ref(number) for number in brought.proposed[:SHOWN])
        more = f" and {len(brought.proposed) - SHOWN} more" if len(brought.proposed) > SHOWN else ""
        lines.append(
            f"{_leads(len(brought.proposed))} proposed to reps, waiting for a manager: {shown}{more}. "
            "Give one with `/lead assign L-n @rep`."
        )
    if brought.given:
        lines.append(f"{_leads(brought.given)} given to reps at once (they are in `/lead mine`).")
    if brought.unassigned:
        lines.append(f"{_leads(brought.unassigned)} without a rep yet: `/lead route L-n` proposes one.")
    return "\n".join(lines)


def _leads(n: int) -> str:
    return f"{n} lead" if n == 1 else f"{n} leads"
