"""The daily team digest and the "while I was away" DM, rendered from their outbox messages."""

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ButtonElement, ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.blocks.fit import Room, fits, rows_that_fit
from bot.blocks.text import MESSAGE_BLOCK_LIMIT, SlackMessage, safe, section, truncate, user, when
from bot.ids import ActionId, LeadValue
from domain.delivery.messages import AwaySummary, LeadBrief, QuietLeads, TeamDigest

TALLY_LIMIT = 10  # sources, reasons and reps per line before "…and n more"
DIGEST_ROWS = 10  # leads a digest section lists at most; fewer when long names fill the message


def more(hidden: int, noun: str = "more") -> str:
    return f"…and {hidden} {noun}" if hidden > 0 else ""


def lead_row(lead: dict[str, Any]) -> SectionBlock:
    """One lead with a Show button: the clicker sees the card below, if they may."""
    company = f" · {safe(lead.get('company'), 200)}" if lead.get("company") else ""
    detail = f" · {lead['detail']}" if lead.get("detail") else ""  # built by us: ids and amounts
    score = f" · score {lead['score']}" if lead.get("score") else ""
    owner = f" · {user(lead['owner'])}" if lead.get("owner") else ""
    text = f"*{lead['ref']}* {safe(lead['name'], 200)}{company}{score}{owner}{detail}"
    button = ButtonElement(text="Show", action_id=ActionId.SHOW, value=LeadValue.of_ref(lead["ref"]).encode())
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=button)


def tallies(items: list[dict[str, Any]], label: Any = lambda s: safe(s, 100)) -> str:
    shown = [f"{label(item['label'])} {item['count']}" for item in items[:TALLY_LIMIT]]
    return " · ".join(shown) + (f" {more(len(items) - TALLY_LIMIT)}" if len(items) > TALLY_LIMIT else "")


def _lead_section(
    title: str, leads: list[dict[str, Any]], total: int, empty: str | None, rows: int
) -> list[Any]:
    """A titled list of at most `rows` leads; None for `empty` leaves the section out when
    it has none."""
    if not leads and empty is None:
        return []
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*: {total or empty}"))]
    blocks.extend(lead_row(lead) for lead in leads[:rows])
    if total > min(rows, len(leads)):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more(total - min(rows, len(leads))))]))
    return blocks


def digest_message(digest: TeamDigest) -> SlackMessage:
    """As many leads a section as fit in one message: every section keeps its place."""
    d = digest.digest
    title = f"📊 {d['team_name']} digest · {d['local_date']}"
    new_total = sum(t["count"] for t in d["new_by_source"])
    text = f"{title}: {new_total} new, {d['unassigned_total']} unassigned, {d['converted_total']} converted"
    for rows in range(DIGEST_ROWS, -1, -1):
        message = SlackMessage(text=text, blocks=[_dict(b) for b in _digest_blocks(d, title, rows)])
        if fits(message):
            break
    return message


def _digest_blocks(d: dict[str, Any], title: str, rows: int) -> list[Any]:
    blocks: list[Any] = [HeaderBlock(text=truncate(title, 150)), _coverage(d)]
    new_total = sum(t["count"] for t in d["new_by_source"])
    blocks.append(section(f"*New leads*: {new_total or 'none'}" + _by(d["new_by_source"])))
    blocks += _lead_section("Unassigned", d["unassigned"], d["unassigned_total"], "none", rows)
    approvals = d["awaiting_approval"]
    blocks += _lead_section("Awaiting approval", approvals, len(approvals), None, rows)
    late_total = d.get("sla_breaches_total") or len(d["sla_breaches"])  # digests queued before the total
    blocks += _lead_section("SLA breaches", d["sla_breaches"], late_total, None, rows)
    overdue = tallies(d["overdue_by_rep"], user) or "none"
    blocks.append(section(f"*Overdue follow-ups*: {overdue}"))
    blocks += _lead_section("Hot leads", d["hot"], len(d["hot"]), "none scored yet", rows)
    blocks += _lead_section("Converted", d["converted"], d["converted_total"], "none", rows)
    lost_total = sum(t["count"] for t in d["lost_by_reason"])
    blocks.append(section(f"*Lost*: {lost_total or 'none'}" + _by(d["lost_by_reason"])))
    return blocks[:MESSAGE_BLOCK_LIMIT]


def _by(items: list[dict[str, Any]]) -> str:
    return f" ({tallies(items)})" if items else ""


def _coverage(d: dict[str, Any]) -> ContextBlock:
    since = when(datetime.fromisoformat(d["since"]))
    note = f"Since {since}."
    if d.get("late"):
        note += " Late: Leadbot was away at digest time, so this covers everything since the last digest."
    return ContextBlock(elements=[MarkdownTextObject(text=note)])


def _dict(block: Any) -> dict[str, Any]:
    return block if isinstance(block, dict) else dict(block.to_dict())


def brief_row(lead: LeadBrief, detail: str | None = None) -> SectionBlock:
    """As lead_row, for a lead an outbox message names; `detail` already escaped."""
    return lead_row({**lead.model_dump(), "detail": detail})


def away_message(away: AwaySummary) -> SlackMessage:
    """Follow-ups that fell due while Leadbot was away, in one DM instead of a flood."""
    items = away.reminders
    head = f"⏰ While I was away, {len(items)} of your follow-ups fell due:"
    rows = [[_dict(brief_row(item.lead, safe(item.text, 300)))] for item in items]
    shown = rows_that_fit(rows, Room().less([section(head), _away_footer(len(items))]))
    blocks = [section(head), *(row[0] for row in rows[:shown]), _away_footer(len(items) - shown)]
    return SlackMessage(text=head, blocks=blocks)


def _away_footer(hidden: int) -> dict[str, Any]:
    tail = more(hidden)
    footer = (f"{tail}. " if tail else "") + "`/lead tasks` lists them all, with Done and Snooze."
    return _dict(ContextBlock(elements=[MarkdownTextObject(text=footer)]))


def quiet_leads_message(quiet: QuietLeads) -> SlackMessage:
    """An owner's leads nobody has touched for a while, once a day."""
    head = f"💤 {quiet.total} of your leads have had no activity for {quiet.days} days or more:"
    rows = [[_dict(brief_row(lead))] for lead in quiet.leads]
    shown = rows_that_fit(rows, Room().less([section(head), _more_block(quiet.total)]))
    blocks = [section(head), *(row[0] for row in rows[:shown])]
    if quiet.total > shown:
        blocks.append(_more_block(quiet.total - shown))
    return SlackMessage(text=head, blocks=blocks)


def _more_block(hidden: int) -> dict[str, Any]:
    return _dict(ContextBlock(elements=[MarkdownTextObject(text=more(hidden))]))
