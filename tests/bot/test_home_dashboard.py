"""The Home tab that runs the day, through the real Bolt app and the stand-in (which refuses a
view Slack would: more than 100 blocks, repeated block ids, bad fields). A rep sees their
follow-ups (Done / Snooze work in place), new and hottest leads, pipeline and speed-to-lead; a
manager the proposals to decide (Approve / Reassign / Reject in place), SLAs at risk, the pool,
reps' load and out of office, the month's funnel and the quarter's forecast; an admin all teams
and delivery alerts."""

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from routing_support import NOA, RON, routing_config, signed
from shapes_support import tracebacks
from sqlalchemy.orm import Session
from support import ADA, ANN, BEN, MIA, wait_for_calls

from bot.bootstrap import build_runtime
from bot.grammar.lists import read_filter
from bot.ids import ListPageValue
from bot.local.standin.workspace import Button, buttons_in
from domain.book.home import REFRESH_SECONDS
from domain.config import CONSOLE_WORKSPACE
from domain.followups.reminder import Reminder
from domain.lead import Lead
from domain.reporting.forecast import add_months, month_of
from handlers.book.home_refresh import home_opened
from store.tables import AssignmentRow, LeadRow, OutboxRow, ReminderRow

SECRET = "test-webhook-secret"
GRETA = {"name": "Greta Gruber", "email": "greta@example.de", "country": "Germany", "product": "X"}


@pytest.fixture
def config():
    return routing_config()


@pytest.fixture
def runtime(settings, config):
    built = build_runtime(settings.model_copy(update={"leadbot_webhook_secret": SecretStr(SECRET)}), config)
    yield built
    built.app.listener_runner.listener_executor.shutdown(wait=True)
    built.engine.dispose()


def settle(runtime) -> None:
    """Every click's work after its ack is done."""
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)


def web_form(runtime, lead: dict) -> None:
    status, _ = runtime.webhook.handle(*signed(lead, SECRET))
    assert status == 201


def text_of(view: dict) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def button(view: dict, label: str, block_prefix: str = "") -> Button:
    return next(
        b for b in buttons_in(view["blocks"]) if b.label == label and b.block_id.startswith(block_prefix)
    )


def overdue_reminder(runtime, user: str, number: int, text: str) -> int:
    """A follow-up that fell due an hour ago (a command cannot set one in the past)."""
    now = datetime.now(UTC)
    with runtime.uow_factory() as uow:
        lead = uow.leads.get(CONSOLE_WORKSPACE, number)
        assert lead is not None and lead.id is not None
        reminder = uow.reminders.add(
            Reminder(CONSOLE_WORKSPACE, lead.id, user, now - timedelta(hours=1), text, now)
        )
        uow.commit()
    assert reminder.id is not None
    return reminder.id


def published_to(fake_slack, user: str) -> int:
    return sum(1 for call in fake_slack.calls_to("views.publish") if call.params.get("user_id") == user)


def latest_home(slack, fake_slack, user: str, count: int, timeout: float = 10.0) -> dict:
    """The person's Home tab once the app published it `count` times."""
    deadline = time.monotonic() + timeout
    while published_to(fake_slack, user) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert published_to(fake_slack, user) >= count, f"no Home tab published to {user}"
    view = slack.home_view(user)
    assert view is not None
    return view


def home_of(slack, user: str) -> dict:
    """The Home tab the app publishes when the person opens it."""
    before = published_to(slack.fake, user)
    assert slack.open_home(user).status == 200
    return latest_home(slack, slack.fake, user, before + 1)


# --- a rep -----------------------------------------------------------------------------


def test_a_reps_home_shows_follow_ups_new_and_hottest_leads_pipeline_and_speed(slack, runtime, caplog):
    slack.slash(ANN, 'add "Dana <!channel> & Co" dana@fbi.gov company:"A&B <Corp>"')
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov")
    overdue_reminder(runtime, ANN, 1, "call back <!here>")

    home = home_of(slack, ANN)

    shown = text_of(home)
    for heading in (
        "Follow-ups due today and overdue (1)",
        "New leads given to you (2)",
        "hottest open leads",
    ):
        assert heading in shown
    assert "Your pipeline" in shown and "new *2*" in shown
    assert "speed-to-lead this week" in shown
    assert "overdue since" in shown and "<!date^" in shown  # Slack shows the viewer's zone
    assert [b.label for b in buttons_in(home["blocks"]) if b.label in ("Done", "Snooze: 1 hour")] == [
        "Done",
        "Snooze: 1 hour",
    ]
    # user text is escaped: nobody is pinged, no fake mention
    assert "&lt;!channel&gt; &amp; Co" in shown and "&lt;!here&gt;" in shown and "A&amp;B Corp" in shown
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert "Proposals waiting" not in shown  # a rep decides nothing
    assert tracebacks(caplog) == []


def test_done_on_the_home_tab_completes_the_follow_up_and_the_tab_shows_it_gone(slack, runtime, fake_slack):
    slack.slash(ANN, "add Dana Scully")
    reminder_id = overdue_reminder(runtime, ANN, 1, "call back")
    home = home_of(slack, ANN)

    assert slack.click_in_view(ANN, button(home, "Done"), home).status == 200

    after = latest_home(slack, fake_slack, ANN, count=2)
    settle(runtime)
    with Session(runtime.engine) as session:
        assert session.get(ReminderRow, reminder_id).status == "done"
    assert "Follow-ups due today and overdue (0)" in text_of(after)
    assert fake_slack.calls_to("views.open") == []  # no modal over the tab


def test_snooze_on_the_home_tab_moves_the_follow_up_past_today(slack, runtime, fake_slack):
    slack.slash(ANN, "add Dana Scully")
    reminder_id = overdue_reminder(runtime, ANN, 1, "call back")
    home = home_of(slack, ANN)

    slack.click_in_view(ANN, button(home, "Snooze: Next Monday 9am"), home)

    after = latest_home(slack, fake_slack, ANN, count=2)
    settle(runtime)
    with Session(runtime.engine) as session:
        assert session.get(ReminderRow, reminder_id).due_at > datetime.now(UTC) + timedelta(hours=8)
    assert "Follow-ups due today and overdue (0)" in text_of(after)


# --- a manager -------------------------------------------------------------------------


def test_a_managers_home_shows_the_proposal_sla_pool_reps_and_funnel(slack, runtime, caplog):
    web_form(runtime, GRETA)  # proposed to a rep of EMEA, waiting for mia
    web_form(runtime, {"name": "Nora Nobody", "email": "nora@example.com", "country": "FR"})  # NA's pool
    back = (datetime.now(UTC) + timedelta(days=10)).date()
    assert "Out of office" in slack.slash(BEN, f"ooo until {back}").text

    home = home_of(slack, MIA)

    shown = text_of(home)
    assert "Proposals waiting for a decision (1)" in shown and "Greta Gruber" in shown
    labels = [b.label for b in buttons_in(home["blocks"])]
    assert "Approve" in labels and "Reject" in labels and '"users_select"' in json.dumps(home["blocks"])
    assert "SLAs running out within the hour" in shown
    assert "Unassigned pool" in shown
    assert f"<@{ANN}> *0* / 50" in shown and f"<@{BEN}> *0* / 50" in shown
    assert "out of office until" in shown
    assert "This month's funnel (1 captured)" in shown  # EMEA's lead only: NA is not mia's
    assert "Nora Nobody" not in shown and f"<@{RON}>" not in shown
    assert tracebacks(caplog) == []


def test_approve_on_the_home_tab_assigns_the_lead_and_the_tab_refreshes(slack, runtime, fake_slack):
    web_form(runtime, GRETA)
    home = home_of(slack, MIA)

    assert slack.click_in_view(MIA, button(home, "Approve"), home).status == 200

    after = latest_home(slack, fake_slack, MIA, count=2)
    settle(runtime)
    with Session(runtime.engine) as session:
        assert session.scalars(sa.select(AssignmentRow.state)).one() == "approved"
        assert session.scalars(sa.select(LeadRow.owner_id)).one() in (ANN, BEN)
    assert "Proposals waiting for a decision (0)" in text_of(after)


def test_reassign_on_the_home_tab_gives_the_lead_to_the_rep_picked(slack, runtime, fake_slack):
    web_form(runtime, GRETA)
    home = home_of(slack, MIA)
    picker = next(b for b in home["blocks"] if b.get("block_id", "").startswith("routing.proposal."))
    reassign = Button("routing.reassign", "", "Reassign", picker["block_id"])

    slack.click_in_view(MIA, reassign, home, selected_user=BEN)

    latest_home(slack, fake_slack, MIA, count=2)
    settle(runtime)
    with Session(runtime.engine) as session:
        assert session.scalars(sa.select(LeadRow.owner_id)).one() == BEN


def test_a_rep_clicking_approve_in_a_stale_view_is_told_why_in_a_modal(slack, runtime, fake_slack):
    web_form(runtime, GRETA)
    home = home_of(slack, MIA)

    slack.click_in_view(ANN, button(home, "Approve"), {**home, "id": f"VHOME{ANN}"})

    [opened] = wait_for_calls(fake_slack, "views.open")
    assert "Only a manager of EMEA" in json.dumps(opened.params["view"])


def pool_leads(runtime, count: int, team: str) -> None:
    """Leads nobody owns yet (routing found no rep for them)."""
    now = datetime.now(UTC)
    rows = [
        {"team_id": CONSOLE_WORKSPACE, "number": 100 + n, "name": f"Pool {n}", "status": "new"}
        | {"sales_team": team, "score": n, "search_text": "", "cycle": 1, "created_by": "web form"}
        | {"created_at": now - timedelta(days=n), "updated_at": now}
        for n in range(count)
    ]
    with Session(runtime.engine) as session, session.begin():
        session.execute(sa.insert(LeadRow), rows)


def test_view_all_opens_the_sections_lead_list(slack, runtime, fake_slack):
    pool_leads(runtime, 8, "na")
    home = home_of(slack, NOA)
    view_all = button(home, "View all", "home.view_all.pool")
    read_filter(ListPageValue.decode(view_all.value).filter_text.split())  # a filter /lead list reads

    slack.click_in_view(NOA, view_all, home)

    [opened] = wait_for_calls(fake_slack, "views.open")
    assert "*8* leads match" in json.dumps(opened.params["view"])


# --- an admin --------------------------------------------------------------------------


def test_an_admins_home_spans_every_team_and_shows_delivery_alerts(slack, runtime, caplog):
    web_form(runtime, GRETA)
    web_form(runtime, {"name": "Nora Nobody", "email": "nora@example.com", "country": "FR"})
    with Session(runtime.engine) as session, session.begin():
        now = datetime.now(UTC)
        session.add(
            OutboxRow(
                team_id=CONSOLE_WORKSPACE,
                dedupe_key="dead:1",
                kind="team_digest",
                payload={"channel": "C0GONE", "digest": {}},
                status="dead",
                attempts=12,
                next_attempt_at=now,
                last_error="HTTP 200 channel_not_found <!channel>",
                created_at=now,
            )
        )

    home = home_of(slack, ADA)

    shown = text_of(home)
    assert "Every team" in shown and "Proposals waiting for a decision (2)" in shown  # EMEA's and NA's
    assert f"<@{RON}>" in shown and f"<@{ANN}>" in shown
    assert "This month's funnel (2 captured)" in shown
    assert "Messages Slack refused for good (1" in shown and "channel_not_found" in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert tracebacks(caplog) == []


def test_a_managers_home_shows_the_teams_forecast_and_an_admins_every_teams(slack, runtime, caplog):
    this = month_of(datetime.now(UTC))  # the app reads the real clock
    with runtime.uow_factory() as uow:
        for name, team, value, close in (
            ("Emea Now", "emea", 10_000, this),
            ("Emea Next", "emea", 4_000, add_months(this, 1)),
            ("Na Now", "na", 7_000, this),
        ):
            lead = Lead(CONSOLE_WORKSPACE, name, datetime.now(UTC), ADA, sales_team=team)
            uow.leads.add(replace(lead, expected_value=Decimal(value), expected_close=close))
        uow.commit()
    for ref, percent in (("L-1", 25), ("L-2", 50), ("L-3", 10)):
        assert "%" in slack.slash(ADA, f"probability {ref} {percent}").text

    manager, admin, rep = (
        text_of(home_of(slack, MIA)),
        text_of(home_of(slack, ADA)),
        text_of(home_of(slack, ANN)),
    )

    # EMEA: 10,000 x 25% this month, 4,000 x 50% next month
    assert "Forecast this quarter: weighted 4,500" in manager
    assert f"*{this:%B %Y}*: weighted *2,500* · best case 10,000 · committed 0 (1 deal)" in manager
    assert "*Quarter*: weighted *4,500* · best case 14,000 · committed 0 (2 deals)" in manager
    assert "As of <!date^" in manager
    assert "Forecast this quarter: weighted 5,200" in admin  # and North America's 7,000 x 10%
    assert "Forecast this quarter" not in rep
    assert tracebacks(caplog) == []


def test_a_home_without_valued_deals_says_how_to_value_one(slack):
    assert "No open deal has a value yet: `/lead value L-42 12000 close:2027-03`" in text_of(
        home_of(slack, MIA)
    )


# --- a huge book -----------------------------------------------------------------------


def test_a_huge_book_still_fits_the_home_tab_for_every_role(slack, runtime):
    now = datetime.now(UTC)
    long = "Ünïcödé <b>&" * 15  # names hold 200 characters
    with Session(runtime.engine) as session, session.begin():
        leads = [
            {
                "team_id": CONSOLE_WORKSPACE,
                "number": n,
                "name": f"{long} {n}",
                "company": long,
                "status": "new",
                "owner_id": (ANN, None, BEN, RON)[n % 4],
                "sales_team": "na" if n % 4 == 3 else "emea",
                "score": n % 100,
                "search_text": "",
                "cycle": 1,
                "created_by": ANN,
                "created_at": now - timedelta(days=n % 60),
                "updated_at": now,
            }
            for n in range(1, 3001)
        ]
        session.execute(sa.insert(LeadRow), leads)
        ids = dict(session.execute(sa.select(LeadRow.number, LeadRow.id)).all())
        session.execute(
            sa.insert(ReminderRow),
            [
                {
                    "team_id": CONSOLE_WORKSPACE,
                    "lead_id": ids[n],
                    "user_id": ANN,
                    "due_at": now - timedelta(hours=1),
                }
                | {"text": long, "status": "queued", "created_at": now, "tz": "UTC"}
                for n in range(1, 400, 4)
            ],
        )
        proposals = [
            {
                "team_id": CONSOLE_WORKSPACE,
                "lead_id": ids[n],
                "sales_team": "emea",
                "rep_id": ANN,
                "state": "proposed",
            }
            | {"reasons": [], "created_by": "leadbot", "created_at": now}
            for n in range(2, 600, 4)
        ]
        at_risk = [
            {
                "team_id": CONSOLE_WORKSPACE,
                "lead_id": ids[n],
                "sales_team": "emea",
                "rep_id": BEN,
                "state": "approved",
            }
            | {"reasons": [], "created_by": MIA, "created_at": now, "decided_at": now}
            | {"sla_status": "running", "sla_due_at": now + timedelta(minutes=30), "sla_minutes": 60}
            for n in range(3, 600, 4)
        ]
        session.execute(sa.insert(AssignmentRow), proposals + at_risk)

    for person in (ANN, MIA, ADA):
        home = home_of(slack, person)  # the stand-in refuses a view Slack would refuse
        assert len(home["blocks"]) <= 100
        ids_given = [b["block_id"] for b in home["blocks"] if "block_id" in b]
        assert len(ids_given) == len(set(ids_given))
        assert "<b>" not in text_of(home)
    assert "View all" in text_of(home_of(slack, ANN))
    manager = text_of(home_of(slack, MIA))
    assert "Proposals waiting for a decision (150)" in manager and "…and 144 more" in manager


# --- refreshed when something changes, debounced ----------------------------------------


def home_refreshes(runtime) -> list[tuple[str, str]]:
    with Session(runtime.engine) as session:
        rows = session.execute(
            sa.select(OutboxRow.payload, OutboxRow.status).where(OutboxRow.kind == "home_refresh")
        ).all()
    return sorted((payload["viewer"], status) for payload, status in rows)


def test_a_change_refreshes_the_home_tabs_it_touches_once_per_window(slack, runtime, fake_slack):
    home_of(slack, MIA)  # mia looks at her Home tab; the admin never opened his
    web_form(runtime, GRETA)  # a proposal for EMEA: a change for mia (and the admin)
    web_form(runtime, {**GRETA, "name": "Greta's twin", "email": "twin@example.de"})  # same window, mostly

    waiting = home_refreshes(runtime)
    assert set(waiting) == {(MIA, "pending")}  # nobody else opened a Home tab
    assert len(waiting) <= 2  # one a window, however many changes; two if the second crossed into the next

    runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=REFRESH_SECONDS + 1))

    assert set(home_refreshes(runtime)) == {(MIA, "sent")}
    mias = [c.params for c in fake_slack.calls_to("views.publish") if c.params["user_id"] == MIA]
    assert 2 <= len(mias) <= 3  # opened, then refreshed once a window
    assert "Proposals waiting for a decision (2)" in json.dumps(mias[-1]["view"])
    assert [c for c in fake_slack.calls_to("views.publish") if c.params["user_id"] == ADA] == []


def test_refreshes_wait_for_the_end_of_their_window(runtime):
    start = datetime(2026, 12, 7, 9, 0, 1, tzinfo=UTC)
    home_opened(runtime.uow_factory, CONSOLE_WORKSPACE, MIA, start)
    with runtime.uow_factory() as uow:
        uow.refresh_homes(CONSOLE_WORKSPACE, [MIA, MIA, NOA, "leadbot", None], start)
        uow.refresh_homes(CONSOLE_WORKSPACE, [MIA], start + timedelta(seconds=1))  # same window: nothing new
        uow.refresh_homes(CONSOLE_WORKSPACE, [MIA], start + timedelta(seconds=REFRESH_SECONDS))  # the next
        uow.commit()
    with Session(runtime.engine) as session:
        due = session.scalars(
            sa.select(OutboxRow.next_attempt_at)
            .where(OutboxRow.kind == "home_refresh")
            .order_by(OutboxRow.id)
        ).all()
    assert [d.replace(tzinfo=UTC) - start for d in due] == [
        timedelta(seconds=REFRESH_SECONDS - 1),
        timedelta(seconds=2 * REFRESH_SECONDS - 1),
    ]
