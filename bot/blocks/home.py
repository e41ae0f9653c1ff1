"""The Home tab: a rep's day (follow-ups, new and hottest leads, pipeline, speed-to-lead), a
manager's teams (proposals to decide, SLAs at risk, the pool, reps' load, the month's funnel
and the quarter's forecast)
and an admin's workspace (the same across teams, plus delivery alerts).

Every section is capped (domain/book/home.py) and says how many more there are, with "View all"
opening `/lead list` with the section's filter; the whole view stays under Slack's 100 blocks.
Buttons are those of the messages they mirror (a follow-up's Done and Snooze, a proposal's
Approve / Reassign / Reject), so their listeners serve both. User text is escaped; times are
Slack date tokens, shown in the viewer's zone, with a fallback written in it."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks.followups import followup_buttons, local_when
from bot.blocks.forecast import NO_DEALS, deals_word, money, month_line
from bot.blocks.routing import proposal_actions
from bot.blocks.text import safe, section, sections, user
from bot.ids import ActionId, LeadValue, ListAction, ListPageValue
from domain.book.home import Count, LeadLine, Shown
from domain.lifecycle import OPEN_STATUSES, LeadStatus
from domain.permissions import Role
from handlers.results import HomeTab, MyDesk, Oversight

Block = dict[str, Any]
HOME_BLOCK_LIMIT = 100
NAME, COMPANY, TEXT = 80, 60, 200
OPEN = ",".join(s for s in LeadStatus if s in OPEN_STATUSES)
TITLES = {Role.REP: "Your day", Role.MANAGER: "Your teams today", Role.ADMIN: "Your workspace today"}


def home_view(tab: HomeTab) -> dict[str, Any]:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": f"🏠 {TITLES[tab.role]}"}},
        _context(f"Updated {local_when(tab.now, tab.tz)} · `/lead help` lists every command"),
        *_followups(tab),
    ]
    if tab.desk is not None:
        blocks += _desk(tab.desk, tab.tz)
    if tab.oversight is not None:
        blocks += [*_oversight(tab.oversight, tab.tz), *_forecast(tab)]
    if tab.alerts is not None:
        blocks += _alerts(tab)
    return {"type": "home", "blocks": _within_limit(blocks)}


def _within_limit(blocks: list[Block]) -> list[Block]:
    """The caps keep a tab far below 100 blocks; should a future section not, the tail goes
    rather than the whole view being refused."""
    if len(blocks) <= HOME_BLOCK_LIMIT:
        return blocks
    return [*blocks[: HOME_BLOCK_LIMIT - 1], _context("…more than the Home tab can show: `/lead list`.")]


# --- pieces ------------------------------------------------------------------------------


def _heading(text: str) -> list[Block]:
    return [{"type": "divider"}, section(f"*{text}*")]


def _context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def _view_all(key: str, filter_text: str, hidden: int) -> list[Block]:
    """ "…and N more" with a button that opens the section's `/lead list`."""
    if not hidden:
        return []
    value = ListPageValue(1, filter_text).encode()
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": "View all"},
        "action_id": ListAction.VIEW_ALL.value,
        "value": value,
    }
    text = f"…and {hidden} more · `/lead list {safe(filter_text, 300)}`"
    return [{**section(text), "block_id": f"home.view_all.{key}", "accessory": button}]


def _more(hidden: int, where: str) -> list[Block]:
    return [_context(f"…and {hidden} more: {where}")] if hidden else []


def _lead_text(lead: LeadLine) -> str:
    company = f" · {safe(lead.company, COMPANY)}" if lead.company else ""
    return f"*L-{lead.number}* {safe(lead.name, NAME)}{company}"


def _lead_row(lead: LeadLine, detail: str) -> Block:
    show = {
        "type": "button",
        "text": {"type": "plain_text", "text": "Show"},
        "action_id": ActionId.SHOW.value,
        "value": LeadValue(lead.number).encode(),
    }
    return {**section(f"{_lead_text(lead)}\n{detail}"), "accessory": show}


def _tallies(counts: Sequence[Count], order: Sequence[str] = ()) -> str:
    ranked = {label: at for at, label in enumerate(order)}
    ordered = sorted(counts, key=lambda c: (ranked.get(c.label, len(ranked)), c.label))
    return " · ".join(f"{safe(c.label, 40)} *{c.count}*" for c in ordered) or "none"


# --- everyone's own follow-ups ------------------------------------------------------------


def _followups(tab: HomeTab) -> list[Block]:
    shown = tab.followups
    if not shown.total and tab.role is not Role.REP:
        return []  # a manager without follow-ups of their own sees their teams first
    blocks = _heading(f"⏰ Follow-ups due today and overdue ({shown.total})")
    if not shown.total:
        return [*blocks, _context("Nothing due today. `/lead remind L-42 tomorrow 9am` sets one.")]
    for item in shown.rows:
        late = "overdue since" if item.due_at <= tab.now else "due"
        detail = f"{late} {local_when(item.due_at, tab.tz)}: {safe(item.text, TEXT)}"
        blocks.append(section(f"{_lead_text(item.lead)}\n{detail}"))
        blocks.append(followup_buttons(item.reminder_id, item.lead.number, is_open=True).to_dict())
    return blocks + _more(shown.hidden, "`/lead tasks` lists them all.")


# --- a rep's desk ---------------------------------------------------------------------------


def _desk(desk: MyDesk, tz: str) -> list[Block]:
    blocks = _leads(
        f"📥 New leads given to you ({desk.new_leads.total})",
        desk.new_leads,
        "new",
        "owner:me status:new sort:created",
        tz,
    )
    hottest = f"🔥 Your hottest open leads ({desk.hottest.total} open)"
    blocks += _leads(hottest, desk.hottest, "hot", f"owner:me status:{OPEN}", tz)
    blocks += _heading("📊 Your pipeline")
    stages = _tallies(desk.by_stage, ("lead", "mql", "sql"))
    blocks.append(section(f"By status: {_tallies(desk.by_status, list(LeadStatus))}\nBy stage: {stages}"))
    blocks += _heading("⚡ Your speed-to-lead this week")
    blocks.append(section(_speed(desk)))
    return blocks


def _leads(title: str, shown: Shown[LeadLine], key: str, filter_text: str, tz: str) -> list[Block]:
    blocks = _heading(title)
    if not shown.total:
        return [*blocks, _context("None right now.")]
    for lead in shown.rows:
        came = local_when(lead.created_at, tz)
        blocks.append(_lead_row(lead, f"{lead.status} · score {lead.score} · came in {came}"))
    return blocks + _view_all(key, filter_text, shown.hidden)


def _speed(desk: MyDesk) -> str:
    speed = desk.speed
    if not speed.given:
        return "No lead was given to you this week yet."
    median = f"median *{_minutes(speed.median_minutes)}* to first contact" if speed.median_minutes else ""
    parts = [f"*{speed.given}* given", f"*{speed.contacted}* contacted", median]
    if speed.breached:
        parts.append(f"⚠️ *{speed.breached}* first-contact SLA missed")
    return " · ".join(part for part in parts if part)


def _minutes(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"


# --- a manager's teams, an admin's workspace ------------------------------------------------


def _oversight(view: Oversight, tz: str) -> list[Block]:
    names = ", ".join(safe(name, 64) for name in view.team_names[:10])
    return [
        _context(f"Teams: {names}" if view.teams is not None else "Every team"),
        *_proposals(view, tz),
        *_slas(view, tz),
        *_pool(view),
        *_reps(view, tz),
        *_funnel(view),
    ]


def _proposals(view: Oversight, tz: str) -> list[Block]:
    shown = view.proposals
    blocks = _heading(f"🧭 Proposals waiting for a decision ({shown.total})")
    if not shown.total:
        return [*blocks, _context("Nothing to decide.")]
    for proposal in shown.rows:
        since = local_when(proposal.created_at, tz)
        detail = f"proposed to {user(proposal.rep_id)} · {safe(proposal.sales_team, 64)} · since {since}"
        blocks.append(section(f"{_lead_text(proposal.lead)} · score {proposal.lead.score}\n{detail}"))
        blocks.append(proposal_actions(proposal.assignment_id))
    return blocks + _more(shown.hidden, "decide them in the team channel, or `/lead assign`.")


def _slas(view: Oversight, tz: str) -> list[Block]:
    shown = view.slas
    blocks = _heading(f"⏳ First-contact SLAs running out within the hour ({shown.total})")
    if not shown.total:
        return [*blocks, _context("None at risk.")]
    lines = [
        f"{_lead_text(item.lead)} · {user(item.rep_id)} · due {local_when(item.due_at, tz)}"
        for item in shown.rows
    ]
    return blocks + sections(lines) + _more(shown.hidden, "the soonest are shown.")


def _pool(view: Oversight) -> list[Block]:
    waiting = sum(count.count for count in view.pool)
    blocks = _heading(f"🗂️ Unassigned pool ({waiting})")
    blocks.append(section(f"Waiting: {_tallies(view.pool, [c.label for c in view.pool])}"))
    return blocks + _view_all("pool", f"owner:none status:{OPEN} sort:created", waiting)


def _reps(view: Oversight, tz: str) -> list[Block]:
    shown = view.reps
    blocks = _heading(f"👥 Reps: open leads against capacity ({shown.total})")
    if not shown.total:
        return [*blocks, _context("No reps in the config's teams.")]
    lines = [_load_line(load.rep_id, load.open, load.capacity, load.away_until, tz) for load in shown.rows]
    return blocks + sections(lines) + _more(shown.hidden, "the fullest are shown.")


def _load_line(rep: str, open_leads: int, capacity: int, away: datetime | None, tz: str) -> str:
    full = " 🔴 full" if open_leads >= capacity else ""
    out = f" · 🌴 out of office until {local_when(away, tz)}" if away else ""
    return f"{user(rep)} *{open_leads}* / {capacity}{full}{out}"


def _funnel(view: Oversight) -> list[Block]:
    captured = sum(count.count for count in view.funnel)
    blocks = _heading(f"📈 This month's funnel ({captured} captured)")
    return [*blocks, section(f"Where they stand now: {_tallies(view.funnel, list(LeadStatus))}")]


def _forecast(tab: HomeTab) -> list[Block]:
    """The teams' weighted pipeline this quarter, month by month (as `/lead forecast` says it,
    and as of when: it is computed every few minutes, bot/reporting/forecasts.py); last month's and the
    overdue deals are the command's to show."""
    forecast = tab.forecast
    if forecast is None or tab.forecast_at is None:
        return []
    total = forecast.total
    blocks = _heading(f"🔮 Forecast this quarter: weighted {money(total.weighted)}")
    as_of = f"As of {local_when(tab.forecast_at, tab.tz)} · "
    if not total.deals and not forecast.overdue.deals:
        return [*blocks, _context(f"{as_of}{NO_DEALS[0].upper()}{NO_DEALS[1:]}.")]
    lines = [month_line(month) for month in forecast.months]
    lines.append(month_line(total, label="*Quarter*"))
    overdue = forecast.overdue.deals
    late = f"{overdue} open {deals_word(overdue)} past {'its' if overdue == 1 else 'their'} close month · "
    how = "Weighted = Σ chance × expected value · `/lead forecast` compares last month's with what was won"
    return [*blocks, section("\n".join(lines)), _context(as_of + (late if overdue else "") + how)]


# --- an admin's -----------------------------------------------------------------------------


def _alerts(tab: HomeTab) -> list[Block]:
    assert tab.alerts is not None
    shown = tab.alerts
    blocks = _heading(f"🚨 Messages Slack refused for good ({shown.total} kinds of failure)")
    if not shown.total:
        return [*blocks, _context("Every message was delivered.")]
    lines = [
        f"`{safe(a.kind, 40)}` · {safe(a.error, 200)} · *{a.count}*, last {local_when(a.last_at, tab.tz)}"
        for a in shown.rows
    ]
    return blocks + sections(lines) + _more(shown.hidden, "the commonest are shown.")
