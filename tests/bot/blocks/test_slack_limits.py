"""Every message with a list in it, filled to the worst its inputs allow, is still one Slack
shows: judged by the stand-in's Block Kit judge (50 blocks, 3,000 a section, about 12,000
characters a message), with the rows it could not show counted ("…and 37 more")."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.blocks.digest import away_message, digest_message, quiet_leads_message
from bot.blocks.fit import fit
from bot.blocks.render import render
from bot.blocks.text import SlackMessage
from bot.local.standin.blockkit import judge_message
from domain.delivery.messages import AwaySummary, QuietLeads, TeamDigest
from domain.followups.activity import Activity, ActivityKind
from domain.followups.reminder import Reminder
from domain.reporting.digest import Digest, DigestLead, Tally
from handlers.results import LeadDetails, LeadList, LeadView, TaskList, TaskView

NOW = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
# Escaping makes these five times longer: the worst a person can type, for its length.
WORST = "<&>" * 400


def shown(message: SlackMessage) -> None:
    refusal = judge_message({"text": message.text, "blocks": message.blocks})
    assert refusal is None, refusal


def lead(number: int) -> LeadView:
    return LeadView(
        ref=f"L-{number}",
        number=number,
        name=WORST[:200],
        email=f"{'x' * 60}{number}@{'y' * 250}.com",
        phone="+12025550100",
        company=WORST[:200],
        title=WORST[:200],
        source=WORST[:64],
        status="contacted",
        owner_id="U0REP0ANN",
        sales_team="ldn",
        score=99,
        created_at=NOW,
        deal_value=Decimal("1000000"),
    )


def digest_lead(number: int) -> DigestLead:
    return DigestLead(f"L-{number}", WORST[:200], WORST[:200], 99, None, "U0REP0ANN")


def test_a_list_of_leads_with_the_longest_names_shows_what_fits_and_counts_the_rest() -> None:
    message = render(LeadList("Your open leads", tuple(lead(n) for n in range(1, 31)), "none"))

    shown(message)
    rows = sum(block.get("accessory") is not None for block in message.blocks)
    assert f"…and {30 - rows} more" in str(message.blocks)


def test_a_card_with_ten_of_the_longest_notes_is_shown() -> None:
    notes = tuple(Activity(ActivityKind.NOTE, WORST * 4, "U0REP0ANN", NOW) for _ in range(10))
    reminders = tuple(Reminder("T", 1, "U0REP0ANN", NOW, WORST[:1000], NOW, id=n) for n in range(5))
    details = LeadDetails(lead(1), notes, reminders)

    shown(render(details))


def test_tasks_with_the_longest_follow_ups_show_what_fits() -> None:
    tasks = tuple(
        TaskView(
            lead(n),
            Reminder("T", n, "U0REP0ANN", NOW, WORST[:1000], NOW, id=n),
            True,
        )
        for n in range(1, 39)
    )

    shown(render(TaskList(tasks, "Europe/London", NOW)))


def test_the_while_i_was_away_dm_with_59_overdue_follow_ups_is_shown() -> None:
    # Measured: 49 blocks and 32,248 characters, which Slack answers msg_blocks_too_long.
    items = [
        {"reminder_id": n, "text": WORST[:1000], "due_at": NOW.isoformat(), "lead": lead(n).as_payload()}
        for n in range(59)
    ]

    message = away_message(AwaySummary.model_validate({"user": "U0REP0ANN", "reminders": items}))

    shown(message)
    assert "`/lead tasks` lists them all" in str(message.blocks)


def test_a_digest_with_every_section_full_is_shown() -> None:
    many = tuple(digest_lead(n) for n in range(10))
    digest = Digest(
        team_key="ldn",
        team_name=WORST[:100],
        local_date=NOW.date(),
        since=NOW - timedelta(days=1),
        until=NOW,
        new_by_source=tuple(Tally(WORST[:64], n) for n in range(40)),
        unassigned=many,
        unassigned_total=400,
        overdue_by_rep=tuple(Tally(f"U0REP{n:04d}", 3) for n in range(30)),
        hot=many,
        converted=many,
        converted_total=400,
        lost_by_reason=tuple(Tally(WORST[:64], n) for n in range(20)),
    )

    shown(digest_message(TeamDigest.model_validate({"channel": "C0LDN", "digest": digest.payload()})))


def test_quiet_leads_with_the_longest_names_are_shown() -> None:
    leads = [{**lead(n).as_payload(), "detail": "quiet 40 days"} for n in range(40)]

    shown(
        quiet_leads_message(
            QuietLeads.model_validate({"user": "U0REP0ANN", "leads": leads, "total": 400, "days": 14})
        )
    )


@pytest.mark.parametrize("count", [51, 200])
def test_the_last_guard_cuts_a_message_no_renderer_foresaw_and_says_so(count: int) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2000}} for _ in range(count)]

    message = fit(SlackMessage("many", blocks))

    shown(message)
    assert "more parts of this message are not shown" in str(message.blocks[-1])
