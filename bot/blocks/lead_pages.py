"""A page of `/lead list`: a line saying how many leads match which filter, up to 20 rows with
Show, and Previous / Next buttons that carry the filter."""

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.fit import Room, rows_that_fit
from bot.blocks.text import SlackMessage, safe, sections, user
from bot.ids import ActionId, BlockId, BulkActionId, LeadValue, ListAction, ListPageValue
from domain.book.filters import LeadFilter, Owner, Sort
from domain.book.saved_lists import SavedList
from handlers.results import LeadPage, LeadView, ListDeleted, ListSaved, SavedListsShown

ORDER = {Sort.SCORE: "hottest first", Sort.CREATED: "newest first", Sort.STALE: "longest untouched first"}
Block = dict[str, Any]
ROW_NAME, ROW_COMPANY = 120, 80


def page_message(result: LeadPage) -> SlackMessage:
    summary = _summary(result)
    head = [_section(summary)]
    pager = _pager(result)
    rows = [[_row(lead)] for lead in result.leads]
    shown = rows_that_fit(rows, Room().less([*head, *pager, _section("…")]))
    blocks = head + [row[0] for row in rows[:shown]]
    if shown < len(rows):
        blocks.append(_section(f"…{len(rows) - shown} more on this page do not fit: narrow the filter."))
    return SlackMessage(text=summary, blocks=blocks + pager)


def _summary(result: LeadPage) -> str:
    described = described_filter(result.filter)
    if result.saved:
        whose = f"{safe(result.shared_by, 64)}'s shared list" if result.shared_by else "your list"
        described = f"{whose} *{safe(result.saved, 40)}* ({described or 'no filter'})"
    where = f"page {result.page} of {result.pages}, " if result.pages > 1 else ""
    first = (result.page - 1) * result.page_size
    span = f"{first + 1}–{first + len(result.leads)}" if result.leads else "none on this page"
    shown = f"({where}{span}, {ORDER[result.filter.sort]})"
    if not described:  # the whole book the person may see
        if not result.total:
            return "No lead you can see yet. Add one with `/lead add`, or see `/lead help list`."
        return f"*{result.total}* {'lead' if result.total == 1 else 'leads'} you can see {shown}"
    if not result.total:
        return f"No lead you can see matches {described}. Loosen the filter, or `/lead help list`."
    noun = "lead matches" if result.total == 1 else "leads match"
    return f"*{result.total}* {noun} {described} {shown}"


def saved_message(result: ListSaved) -> SlackMessage:
    verb = "Saved" if result.new else "Replaced"
    filter_text = safe(result.filter.text(), 1600)
    if result.team is None:
        whose, who = "your list", ""
    else:
        whose, who = "the list", f", shared with {safe(result.team, 64)} (each member sees what they may)"
    text = (
        f"{verb} {whose} *{safe(result.name, 40)}*{who}: `{filter_text}`. "
        f"`/lead list {result.name}` shows it."
    )
    return SlackMessage(text=text, blocks=[_section(text)])


def deleted_message(result: ListDeleted) -> SlackMessage:
    shared = f" shared with {safe(result.team, 64)}" if result.team else ""
    text = f"Deleted the list *{safe(result.name, 40)}*{shared}. `/lead list saved` shows the lists left."
    return SlackMessage(text=text, blocks=[_section(text)])


def saved_lists_message(result: SavedListsShown) -> SlackMessage:
    """Each list with its filter, the person's own first, then each team's shared ones."""
    if not result.own and not result.shared:
        text = "You have no saved list yet. Save one with `/lead list save hot-emea country:EMEA score:>60`."
        return SlackMessage(text=text, blocks=[_section(text)])
    own = [f"• *{safe(found.name, 40)}* `{_pairs_text(found)}`" for found in result.own]
    lines = [f"*Your lists* ({len(result.own)})", *(own or ["none yet"])]
    teams: dict[str, list[str]] = {}
    for shared in result.shared:
        saved = shared.saved
        teams.setdefault(shared.team, []).append(
            f"• *{safe(saved.name, 40)}* `{_pairs_text(saved)}` · by {user(saved.saved_by)}"
        )
    for team, rows in teams.items():
        lines += [f"*Shared with {safe(team, 64)}* ({len(rows)})", *rows]
    lines.append("`/lead list &lt;name&gt;` runs one; `/lead list delete &lt;name&gt;` forgets it.")
    text = f"{_lists(len(result.own))} of your own, {len(result.shared)} shared with your teams."
    return SlackMessage(text=text, blocks=sections(lines))  # bot/blocks/fit.py cuts a very long one


def _lists(count: int) -> str:
    return f"{count} list" if count == 1 else f"{count} lists"


def _pairs_text(found: SavedList) -> str:
    return safe(" ".join(f"{key}:{value}" for key, value in found.pairs), 300)


def described_filter(wanted: LeadFilter) -> str:
    """Each `key:value` as code, people as mentions (Slack shows their names)."""
    parts = []
    for key, value in wanted.pairs():
        if key == "owner":
            people = [v if v in tuple(Owner) else user(v.removeprefix("@")) for v in value.split(",")]
            parts.append(f"owner: {', '.join(people)}")
        else:
            parts.append(f"`{safe(f'{key}:{value}', 400)}`")
    return " ".join(parts)


def _row(lead: LeadView) -> Block:
    """Name and company cut short, so twenty rows always fit one message (about 400
    characters a row at most) and paging never skips a lead."""
    owner = user(lead.owner_id) if lead.owner_id else "unassigned"
    team = f" · {safe(lead.sales_team, 64)}" if lead.sales_team else ""
    company = f" · {safe(lead.company, ROW_COMPANY)}" if lead.company else ""
    line = f"*{lead.ref}* {safe(lead.name, ROW_NAME)}{company}"
    text = f"{line}\n{lead.status} · score {lead.score} · {owner}{team}"
    show = ButtonElement(text="Show", action_id=ActionId.SHOW, value=LeadValue(lead.number).encode())
    return dict(SectionBlock(text=MarkdownTextObject(text=text), accessory=show).to_dict())


def _pager(result: LeadPage) -> list[Block]:
    """Previous / Next where there is a page that way; nothing when all fit on one."""
    text = result.filter.text()
    buttons = []
    if result.page > 1:
        value = ListPageValue(min(result.page - 1, result.pages), text, result.saved or "").encode()
        buttons.append(ButtonElement(text="Previous", action_id=ListAction.PREVIOUS, value=value))
    if result.page < result.pages:
        value = ListPageValue(result.page + 1, text, result.saved or "").encode()
        buttons.append(ButtonElement(text="Next", action_id=ListAction.NEXT, value=value))
    if result.can_act and any(key != "sort" for key, _ in result.filter.pairs()):
        label = f"Act on all {result.total}…"
        buttons.append(ButtonElement(text=label, action_id=BulkActionId.OPEN_FORM, value=text))
    return [dict(ActionsBlock(block_id=BlockId.LIST_PAGES, elements=buttons).to_dict())] if buttons else []


def _section(text: str) -> Block:
    return dict(SectionBlock(text=MarkdownTextObject(text=text)).to_dict())
