"""Bulk actions on a list through the real Bolt app, with the example config (its EMEA region
and teams): confirmation, apply after the ack, one undo, audit trail and timeline."""

import json
import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import ADA, ANN, BEN, MIA, wait_for_calls

from bot.local.standin.workspace import buttons_in
from domain.config import CONSOLE_WORKSPACE, parse_config
from domain.lead import Lead
from store.tables import ActivityRow, AuditRow, BulkActionRow

EXAMPLE = Path(__file__).resolve().parents[2] / "leadbot.example.toml"
WANTED = "owner:none source:webinar country:emea score:>40"


@pytest.fixture
def config():
    return parse_config(tomllib.loads(EXAMPLE.read_text("utf-8")), str(EXAMPLE))


def seed(runtime, count, **fields):
    now = datetime.now(UTC)
    with runtime.uow_factory() as uow:
        for n in range(count):
            values = {
                "sales_team": "emea",
                "score": 41 + n % 50,
                "source": "webinar",
                "country": "DE",
            } | fields
            uow.leads.add(Lead(CONSOLE_WORKSPACE, f"Lead {n:03}", now - timedelta(days=1), ANN, **values))
        uow.commit()


def button(blocks, label):
    return next(b for b in buttons_in(blocks) if b.label.startswith(label))


def answers(fake_slack, count):
    return [call.params for call in wait_for_calls(fake_slack, "response_url", count, timeout=30)]


def owners(runtime):
    with runtime.uow_factory() as uow:
        return {lead.number: lead.owner_id for lead in uow.leads.all(CONSOLE_WORKSPACE)}


def dms_to(fake_slack, user_id):
    return [
        c.params["text"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params["channel"] == "D" + user_id[1:]
    ]


def test_a_manager_reassigns_a_hundred_listed_leads_after_confirming_and_undoes_it(
    slack, runtime, fake_slack
):
    seed(runtime, 100)
    seed(runtime, 3, country="US")  # not in EMEA
    seed(runtime, 2, score=30)  # too cold
    seed(runtime, 2, owner_id=BEN)  # not unassigned

    first = slack.slash(MIA, f"list {WANTED}")
    assert "*100* leads match" in first.text and "page 1 of 5" in first.text
    page = first.blocks
    for n in range(2, 6):  # pages through all 100, in place
        slack.click(MIA, button(page, "Next"))
        page = answers(fake_slack, n - 1)[-1]["blocks"]
    assert "81–100" in answers(fake_slack, 4)[-1]["text"]
    fake_slack.reset()

    question = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}")
    assert "Reassign to <@U0REP0BEN>: *100* open leads match owner: none `source:webinar`" in question.text
    assert all(owner is None for number, owner in owners(runtime).items() if number <= 100)  # nothing yet

    slack.click(MIA, button(question.blocks, "Reassign"))
    done = answers(fake_slack, 2)[-1]
    assert done["replace_original"] is True
    assert "✅ Bulk action #1: 100 of 100 leads reassigned" in done["text"]
    assert [owners(runtime)[n] for n in range(1, 101)] == [BEN] * 100
    assert owners(runtime)[101] is None and owners(runtime)[104] is None  # US and cold: untouched

    card = json.dumps(slack.slash(MIA, "show L-7").blocks, ensure_ascii=False)
    assert f"Reassigned from unassigned to <@{BEN}> (bulk action #1)" in card
    trail = json.dumps(slack.slash(MIA, "history L-7").blocks, ensure_ascii=False)
    assert "bulk reassign" in trail and f"owner: — → <@{BEN}>" in trail

    runtime.run_jobs(datetime.now(UTC))
    assert any("gave you 100 leads (bulk action #1)" in text for text in dms_to(fake_slack, BEN))

    slack.click(MIA, button(done["blocks"], "Undo"))
    undone = answers(fake_slack, 3)[-1]
    assert "↩️ Bulk action #1 (Reassign to <@U0REP0BEN>) was undone: 100 leads are back" in undone["text"]
    assert all(owners(runtime)[n] is None for n in range(1, 101))

    card = json.dumps(slack.slash(MIA, "show L-7").blocks, ensure_ascii=False)
    assert f"Reassigned from <@{BEN}> to unassigned (bulk action #1 undone)" in card
    assert f"Reassigned from unassigned to <@{BEN}> (bulk action #1)" in card
    trail = json.dumps(slack.slash(MIA, "history L-7").blocks, ensure_ascii=False)
    assert "bulk action undone" in trail and f"owner: <@{BEN}> → —" in trail
    with runtime.uow_factory() as uow:
        actions = uow.session.scalars(
            sa.select(AuditRow.action).where(AuditRow.entity_ref == "L-7").order_by(AuditRow.id)
        ).all()
    assert actions == ["lead.bulk_reassign", "lead.bulk_undone"]
    with runtime.uow_factory() as uow:  # every lead's, not only L-7's
        audited = uow.session.execute(sa.select(AuditRow.action, AuditRow.entity_ref)).all()
        lines = uow.session.scalars(
            sa.select(ActivityRow.body).where(ActivityRow.body.contains("bulk action #1"))
        ).all()
    assert sorted(ref for action, ref in audited if action == "lead.bulk_reassign") == sorted(
        f"L-{n}" for n in range(1, 101)
    )
    assert len([ref for action, ref in audited if action == "lead.bulk_undone"]) == 100
    assert len([line for line in lines if line.endswith("(bulk action #1)")]) == 100
    assert len([line for line in lines if line.endswith("(bulk action #1 undone)")]) == 100


def test_a_second_confirm_changes_nothing_twice(slack, runtime, fake_slack):
    seed(runtime, 5)
    question = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}")
    confirm = button(question.blocks, "Reassign")
    slack.click(MIA, confirm)
    slack.click(MIA, confirm)
    texts = [a["text"] for a in answers(fake_slack, 3)]
    texts = [a["text"] for a in answers(fake_slack, 4 if texts[1].startswith("⏳ Working") else 3)]
    assert sum("✅ Bulk action #1: 5 of 5" in t for t in texts) == 1
    assert any("already done" in t or "is being applied" in t for t in texts)
    with runtime.uow_factory() as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(AuditRow)) == 5
    assert slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}").text.startswith("⚠️ No open lead")


def test_an_undo_keeps_a_lead_someone_changed_since_and_names_it(slack, runtime, fake_slack):
    seed(runtime, 4)
    question = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}")
    slack.click(MIA, button(question.blocks, "Reassign"))
    answers(fake_slack, 2)
    slack.slash(MIA, f"assign L-2 <@{MIA}|mia>")  # someone changed L-2 since
    reply = slack.slash(MIA, "undo")
    assert "Looking for your latest bulk action to undo" in reply.text
    undone = answers(fake_slack, 3)[-1]
    assert "3 leads are back" in undone["text"] and "L-2: changed by someone since" in json.dumps(
        undone["blocks"], ensure_ascii=False
    )
    assert owners(runtime) == {1: None, 2: MIA, 3: None, 4: None}
    assert "already undone" in (slack.slash(MIA, "undo"), answers(fake_slack, 4)[-1]["text"])[1]


def test_an_undo_after_a_day_is_refused(slack, runtime, fake_slack):
    seed(runtime, 2)
    question = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}")
    slack.click(MIA, button(question.blocks, "Reassign"))
    done = answers(fake_slack, 2)[-1]
    with runtime.uow_factory() as uow:
        uow.session.execute(sa.update(BulkActionRow).values(applied_at=datetime.now(UTC) - timedelta(days=2)))
        uow.commit()
    slack.click(MIA, button(done["blocks"], "Undo"))
    assert "more than a day ago: an undo works within a day" in answers(fake_slack, 3)[-1]["text"]
    assert set(owners(runtime).values()) == {BEN}


def test_a_rep_is_refused_bulk_actions_and_the_audit_trail(slack, runtime, fake_slack):
    seed(runtime, 2)
    assert "Bulk actions are for managers and admins" in slack.slash(BEN, f"bulk route {WANTED}").text
    assert "The audit trail is for managers and admins" in slack.slash(BEN, "history L-1").text
    slack.slash(ANN, "undo")
    assert "Bulk actions are for managers and admins" in answers(fake_slack, 1)[0]["text"]
    assert set(owners(runtime).values()) == {None}


def test_cancel_changes_nothing(slack, runtime, fake_slack):
    seed(runtime, 3)
    question = slack.slash(ADA, f"bulk lost unresponsive {WANTED}")
    assert "Close as lost (unresponsive): *3* open leads" in question.text
    slack.click(ADA, button(question.blocks, "Cancel"))
    assert "Cancelled: nothing was changed" in answers(fake_slack, 1)[0]["text"]
    with runtime.uow_factory() as uow:
        assert {lead.status for lead in uow.leads.all(CONSOLE_WORKSPACE)} == {"new"}


def test_bulk_lost_and_its_undo_restore_the_status(slack, runtime, fake_slack):
    seed(runtime, 3)
    question = slack.slash(ADA, f"bulk lost price {WANTED}")
    slack.click(ADA, button(question.blocks, "Close"))
    done = answers(fake_slack, 2)[-1]
    assert "3 of 3 leads closed as lost" in done["text"]
    with runtime.uow_factory() as uow:
        assert {(lead.status, lead.lost_reason) for lead in uow.leads.all(CONSOLE_WORKSPACE)} == {
            ("lost", "price")
        }
    slack.click(ADA, button(done["blocks"], "Undo"))
    answers(fake_slack, 3)
    with runtime.uow_factory() as uow:
        assert {(lead.status, lead.lost_reason) for lead in uow.leads.all(CONSOLE_WORKSPACE)} == {
            ("new", None)
        }


def test_bulk_tags_add_and_remove_and_their_undo_puts_each_leads_tags_back(slack, runtime, fake_slack):
    seed(runtime, 2, tags=("cold",))
    seed(runtime, 1, tags=("hot",))
    question = slack.slash(MIA, f"bulk tag hot -cold {WANTED}")
    assert "`hot` `-cold`" in question.text and "*3* open leads" in question.text
    slack.click(MIA, button(question.blocks, "Tag"))
    done = answers(fake_slack, 2)[-1]
    assert "2 of 3 leads tagged" in done["text"] and "tagged so already" in json.dumps(done["blocks"])
    with runtime.uow_factory() as uow:
        assert {lead.tags for lead in uow.leads.all(CONSOLE_WORKSPACE)} == {("hot",)}
    assert "*3* leads match `tag:hot`" in slack.slash(MIA, "list tag:hot").text  # the index follows
    slack.click(MIA, button(done["blocks"], "Undo"))
    answers(fake_slack, 3)
    with runtime.uow_factory() as uow:
        tags = sorted(lead.tags for lead in uow.leads.all(CONSOLE_WORKSPACE))
    assert tags == [("cold",), ("cold",), ("hot",)]
    assert "*1* lead matches `tag:hot`" in slack.slash(MIA, "list tag:hot").text


def test_a_bad_reason_or_no_filter_is_said_and_changes_nothing(slack, runtime):
    seed(runtime, 2)
    assert "price" in slack.slash(MIA, f"bulk lost pricey {WANTED}").text
    assert "Give at least one filter" in slack.slash(MIA, f"bulk reassign <@{BEN}|ben>").text
    assert "changes open leads only" in slack.slash(MIA, "bulk route status:new,lost").text
    assert "is not a bulk action" in slack.slash(MIA, "bulk delete status:new").text
    assert "Name a tag" in slack.slash(MIA, f"bulk tag {WANTED}").text
    with runtime.uow_factory() as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(BulkActionRow)) == 0


def form_submit(slack, view, picks, view_id="V1"):
    """The form submitted as Slack sends it: selects as selected_option / selected_user."""
    values = {block: {block: {"type": kind, **picked}} for block, (kind, picked) in picks.items()}
    request = slack.signer.view_submission(
        team_id=CONSOLE_WORKSPACE,
        user_id=MIA,
        callback_id=view["callback_id"],
        values=values,
        private_metadata=view["private_metadata"],
        view_id=view_id,
    )
    return slack.send(request)


def test_act_on_all_from_a_list_page_opens_the_form_and_confirms_in_it(slack, runtime, fake_slack):
    seed(runtime, 30)
    listed = slack.slash(MIA, f"list {WANTED}")
    slack.click(MIA, button(listed.blocks, "Act on all 30"))
    view = wait_for_calls(fake_slack, "views.open")[0].params["view"]
    assert view["private_metadata"] == "owner:none source:webinar country:emea score:>40"
    assert ben_absent(runtime)  # opening the form changes nothing

    missing = form_submit(
        slack, view, {"lead.bulk.form.action": ("static_select", {"selected_option": {"value": "reassign"}})}
    )
    assert missing.body["response_action"] == "errors" and "Pick the rep" in str(missing.body["errors"])

    picks = {
        "lead.bulk.form.action": ("static_select", {"selected_option": {"value": "reassign"}}),
        "lead.bulk.form.rep": ("users_select", {"selected_user": BEN}),
    }
    asked = form_submit(slack, view, picks)
    assert asked.body["response_action"] == "update"
    question = asked.body["view"]
    assert "*30* open leads match" in json.dumps(question)
    slack.click_in_view(MIA, button(question["blocks"], "Reassign"), {**question, "id": "V1"})
    updates = wait_for_calls(fake_slack, "views.update", 2, timeout=30)
    assert "30 of 30 leads reassigned" in json.dumps(updates[-1].params["view"], ensure_ascii=False)
    assert set(owners(runtime).values()) == {BEN}


def ben_absent(runtime):
    return BEN not in owners(runtime).values()


def test_a_rep_sees_no_act_on_all_button(slack, runtime):
    seed(runtime, 3, sales_team="na", owner_id=ANN)
    listed = slack.slash(ANN, "list owner:me")
    assert "*3* leads match" in listed.text
    assert not [b for b in buttons_in(listed.blocks) if b.label.startswith("Act on all")]


def test_bulk_route_sends_each_lead_where_routing_says_and_its_undo_puts_it_back(slack, runtime, fake_slack):
    seed(runtime, 5, sales_team="na")  # German leads in the wrong team
    question = slack.slash(MIA, "bulk route owner:none country:emea")
    assert "Re-route through routing: *5* open leads" in question.text
    slack.click(MIA, button(question.blocks, "Re-route"))
    done = answers(fake_slack, 2)[-1]
    assert "5 of 5 leads re-routed" in done["text"]
    with runtime.uow_factory() as uow:
        assert {(lead.owner_id, lead.sales_team) for lead in uow.leads.all(CONSOLE_WORKSPACE)} == {
            (BEN, "emea")
        }
    card = json.dumps(slack.slash(MIA, "show L-1").blocks, ensure_ascii=False)
    assert f"Reassigned from unassigned to <@{BEN}> in team emea (bulk action #1)" in card
    slack.click(MIA, button(done["blocks"], "Undo"))
    answers(fake_slack, 3)
    with runtime.uow_factory() as uow:
        assert {(lead.owner_id, lead.sales_team) for lead in uow.leads.all(CONSOLE_WORKSPACE)} == {
            (None, "na")
        }


def test_bulk_nurture_enrols_owned_leads_skips_the_rest_and_its_undo_stops_the_cadence(
    slack, runtime, fake_slack
):
    from store.nurture.cadences import CadenceRepository

    seed(runtime, 3, owner_id=BEN)
    seed(runtime, 1)  # nobody's: no owner for the cadence to remind
    question = slack.slash(MIA, "bulk nurture new-lead source:webinar")
    assert "Enrol in a cadence: new-lead: *4* open leads" in question.text
    slack.click(MIA, button(question.blocks, "Enrol"))
    done = answers(fake_slack, 2)[-1]
    assert "3 of 4 leads enrolled" in done["text"]
    assert "L-4: no owner for the cadence to remind" in json.dumps(done["blocks"], ensure_ascii=False)

    def active():
        with runtime.uow_factory() as uow:
            cadences = CadenceRepository(uow.session)
            return [
                len(cadences.active(CONSOLE_WORKSPACE, lead.id)) for lead in uow.leads.all(CONSOLE_WORKSPACE)
            ]

    assert active() == [1, 1, 1, 0]
    slack.click(MIA, button(done["blocks"], "Undo"))
    assert "3 leads are back" in answers(fake_slack, 3)[-1]["text"]
    assert active() == [0, 0, 0, 0]


@pytest.mark.slack_unlimited
def test_hundreds_of_leads_are_applied_after_the_ack_with_progress(slack, runtime, fake_slack):
    seed(runtime, 300)
    question = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}")
    started = time.perf_counter()
    ack = slack.click(MIA, button(question.blocks, "Reassign"))
    acked = time.perf_counter() - started
    assert ack.status == 200 and acked < 1.0
    answers(fake_slack, 1)  # the work has started: a rep's capture meanwhile is queued, not kept waiting
    assert "the card follows here in a moment" in slack.slash(ANN, "add Dana Scully").text
    texts = [answer["text"] for answer in answers(fake_slack, 4)]
    assert texts[0].startswith("⏳ Working on bulk action #1") and "0 of 300" in texts[0]
    assert "leads so far" in texts[1] and "leads so far" in texts[2]
    assert "300 of 300 leads reassigned" in texts[3]


def test_a_resent_question_is_one_pending_action_and_only_its_asker_confirms_it(slack, runtime, fake_slack):
    seed(runtime, 2)
    first = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}", trigger_id="T1.resent")
    again = slack.slash(MIA, f"bulk reassign <@{BEN}|ben> {WANTED}", trigger_id="T1.resent")
    assert first.text == again.text
    with runtime.uow_factory() as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(BulkActionRow)) == 1
    slack.click(ADA, button(first.blocks, "Reassign"))
    assert "is someone else's: only the person who asked can confirm" in answers(fake_slack, 1)[0]["text"]
    assert set(owners(runtime).values()) == {None}
