"""/lead qualify, convert, lost and reopen through the real Bolt app, against the Slack stand-in."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import ANN, BEN, MIA, displayed, wait_for_calls

from bot.grammar import CommandSyntaxError, OpenQualifyForm, ParseEnv, asks_for_qualify_form, parse
from bot.ids import CallbackId, QualifyInput
from bot.local.standin.workspace import inputs_in


def contacted(slack, text: str = "add Dana Scully dana@fbi.gov company:FBI") -> None:
    slack.slash(ANN, text)
    slack.slash(ANN, "log L-1 call")


def state_of(runtime, number: int = 1):
    """What a change would touch: the lead's stored status and its audit trail."""
    with runtime.uow_factory() as uow:
        lead = uow.leads.get("T0CONSOLE", number)
        audit = [e.action for e in uow.audit.entries("T0CONSOLE", f"L-{number}")]
        return lead.status, lead.lost_reason, lead.deal_value, audit


def card_of(slack, ref: str = "L-1") -> str:
    return json.dumps(slack.slash(ANN, f"show {ref}").blocks, ensure_ascii=False)


def test_qualify_records_bant_and_the_card_shows_the_latest(slack):
    contacted(slack)
    reply = slack.slash(
        ANN, 'qualify L-1 budget:yes authority:"VP Sales" need:replace spreadsheets timeline:Q1'
    )
    assert reply.body["response_type"] == "ephemeral"
    assert "Qualification of *L-1* Dana Scully · FBI saved (budget, authority, need, timeline)" in reply.text
    slack.slash(ANN, "qualify L-1 budget:no")
    card = card_of(slack)
    assert "Budget: no" in card and "Authority: VP Sales" in card and "Need: replace spreadsheets" in card
    assert "*Status:* contacted" in card  # qualifying alone does not move the status
    assert "Qualification (BANT): budget: no" in card  # on the timeline


def test_qualify_alone_opens_the_form_with_the_latest_answers_and_its_submit_records_them(
    slack, fake_slack, runtime
):
    contacted(slack)
    slack.slash(ANN, 'qualify L-1 budget:yes authority:"VP Sales"')
    fake_slack.hold("views.open")  # the ack must not wait for Slack
    try:
        reply = slack.slash(ANN, "qualify L-1", channel_id="C0SALES", trigger_id="T-QUALIFY")
    finally:
        fake_slack.release("views.open")
    assert reply.status == 200 and reply.body == {}
    opened = wait_for_calls(fake_slack, "views.open")[-1].params
    view = opened["view"]
    assert opened["trigger_id"] == "T-QUALIFY" and view["callback_id"] == CallbackId.QUALIFY_FORM
    shown = {b["block_id"]: b["element"].get("initial_value") for b in inputs_in(view)}
    assert shown == {
        QualifyInput.BUDGET: "yes",
        QualifyInput.AUTHORITY: "VP Sales",
        QualifyInput.NEED: None,
        QualifyInput.TIMELINE: None,
    }

    typed = {QualifyInput.NEED: "replace spreadsheets", QualifyInput.BUDGET: None}
    submitted = slack.submit_view(ANN, view, typed, view_id="VQ1")
    slack.submit_view(ANN, view, typed, view_id="VQ1")  # a double click records once
    assert submitted.body == {"response_action": "clear"}
    posted = [c.params for c in wait_for_calls(fake_slack, "chat.postEphemeral", count=2)]
    assert {p["channel"] for p in posted} == {"C0SALES"}
    answers = sorted(p["text"].split(" of ")[0] for p in posted)  # the lazy replies race
    assert answers == ["Already saved that qualification", "📋 Qualification"]
    assert any("saved (budget, need)" in p["text"] for p in posted)
    with runtime.uow_factory() as uow:
        history = uow.qualifications.history(uow.leads.get("T0CONSOLE", 1))
    assert len(history) == 2
    assert history[0].answers() == {
        "budget": None,
        "authority": "VP Sales",
        "need": "replace spreadsheets",
        "timeline": None,
    }


def test_the_form_is_refused_before_it_opens_for_a_lead_that_is_not_yours(slack, fake_slack):
    contacted(slack)
    reply = slack.slash(BEN, "qualify L-1")
    assert "You can't work L-1" in reply.text
    assert fake_slack.calls_to("views.open") == []


def test_a_form_submit_that_is_refused_shows_why_in_the_form(slack, fake_slack, runtime):
    contacted(slack)
    slack.slash(ANN, "qualify L-1")
    view = wait_for_calls(fake_slack, "views.open")[-1].params["view"]
    slack.slash(ANN, "lost L-1 price")
    reply = slack.submit_view(ANN, view, {QualifyInput.BUDGET: "yes"})
    assert reply.body["response_action"] == "errors"
    assert "/lead reopen L-1" in reply.body["errors"][QualifyInput.BUDGET]


def test_convert_makes_a_contact_with_a_deal_and_the_card_shows_it(slack):
    contacted(slack)
    reply = slack.slash(ANN, "convert L-1 value:12,000 product:Pro plan")
    assert "Converted *L-1* Dana Scully · FBI, deal 12,000.00. Dana Scully is a contact now." in reply.text
    card = card_of(slack)
    assert "*Status:* converted" in card and "*Deal:* 12,000.00 · Pro plan" in card
    assert "*Contact:* Dana Scully (since L-1)" in card
    assert "Converted a deal of 12,000.00 for Pro plan" in card


def test_a_new_lead_converts_on_the_first_call(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov company:FBI")
    reply = slack.slash(ANN, "convert L-1 value:900")
    assert "Converted *L-1* Dana Scully · FBI, deal 900.00. Dana Scully is a contact now." in reply.text
    assert state_of(runtime)[0] == "converted"


def test_a_returning_customer_becomes_a_new_lead_linked_to_the_contact(slack):
    contacted(slack)
    slack.slash(ANN, "convert L-1 value:500")
    again = slack.slash(ANN, "add Dana Scully DANA@fbi.gov")
    assert "Added L-2 Dana Scully: returning customer: contact of L-1 (cycle 2)." in again.text
    assert "*Returning customer:* contact of L-1, cycle 2" in card_of(slack, "L-2")


def test_lost_with_a_reason_and_note_then_reopen(slack):
    contacted(slack)
    lost = slack.slash(ANN, "lost L-1 no decision maker CFO left")
    assert "Marked *L-1* Dana Scully · FBI lost (no-decision-maker)." in lost.text
    assert "*Lost:* no-decision-maker: CFO left" in card_of(slack)
    reopened = slack.slash(ANN, "reopen L-1")
    assert "Reopened *L-1* Dana Scully · FBI as nurturing." in reopened.text
    card = card_of(slack)
    assert "*Status:* nurturing" in card and "*Lost:*" not in card
    assert "Lost: no-decision-maker (CFO left)" in card  # the timeline keeps it


def test_a_manager_closes_a_reps_lead_another_rep_cannot(slack, runtime):
    contacted(slack)
    assert "You can't close L-1" in slack.slash(BEN, "lost L-1 price").text
    assert "Marked" in slack.slash(MIA, "lost L-1 price").text
    assert state_of(runtime)[0] == "lost"


def test_a_slack_retry_of_convert_changes_nothing_twice(slack, runtime):
    contacted(slack)
    request = slack.signer.slash_command(
        team_id=slack.team_id,
        user_id=ANN,
        text="convert L-1 value:100",
        response_url=slack.fake.response_url(),
        trigger_id="T-RETRY",
    )
    first, retry = slack.send(request), slack.send(request)
    assert "Converted" in first.text and "Already done: *L-1* Dana Scully · FBI is converted." in retry.text
    assert state_of(runtime)[3].count("lead.converted") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("qualify L-1 budgte:yes", "Did you mean `budget`?"),
        ("qualify L-1 hello", "`hello` is not a key:value pair: write e.g. budget:yes."),
        ("qualify L-9", "There is no lead L-9"),
        ("qualify banana", "'banana' is not a lead id"),  # the form's listener answers it
        ("convert L-1 value:lots", "`lots` is not an amount: write e.g. value:12000"),
        ("convert L-1 colour:red", "`colour` is not one of value, product."),
        ("lost L-1 pricey", "Did you mean `price`? Reasons: price, competitor, budget"),
        ("lost L-1 other", "Reason `other` needs a note saying why"),
        ("lost L-1", "Say why the lead was lost"),
        ("reopen L-1", "L-1 is contacted, not lost"),
        ("reopen L-1 qualified", "`qualified` is not a status to reopen to: use new or nurturing."),
        ("convrt L-1", "Did you mean `convert`?"),
    ],
)
def test_bad_input_explains_itself_and_changes_nothing(slack, runtime, text, expected):
    contacted(slack)
    slack.slash(ANN, "add Fox Mulder")
    before = state_of(runtime), state_of(runtime, 2)
    reply = slack.slash(ANN, text)
    assert reply.status == 200 and reply.body["response_type"] == "ephemeral"
    assert expected in reply.text
    assert (state_of(runtime), state_of(runtime, 2)) == before


def test_usage_comes_with_a_syntax_error(slack):
    contacted(slack)
    assert (
        "/lead convert &lt;lead&gt; [value:amount] [product:name]" in slack.slash(ANN, "convert L-1 x").text
    )


def test_user_text_pings_nobody_on_the_card(slack):
    contacted(slack)
    slack.slash(ANN, "qualify L-1 authority:<@U0MGR0MIA> need:<!here>")
    lost = slack.slash(ANN, "lost L-1 other <!channel> & co")
    shown = displayed(lost.body) + displayed(slack.slash(ANN, "show L-1").body)
    for ping in ("<!channel>", "<!here>", "<@U0MGR0MIA>"):
        assert ping not in shown
    assert "&lt;!channel&gt; &amp; co" in shown


def test_help_lists_the_closing_subcommands(slack):
    blocks = slack.slash(ANN, "help").blocks
    for name in ("qualify", "convert", "lost", "reopen"):
        assert f"/lead {name}" in json.dumps(blocks)
    assert all(len(block["text"]["text"]) <= 3000 for block in blocks if "text" in block)


ENV = ParseEnv(datetime(2026, 11, 30, tzinfo=UTC), ZoneInfo("UTC"))


@given(
    st.one_of(st.text(max_size=30), st.sampled_from(["qualify 1", " qualify L-2 ", "qualify x", "qualify"]))
)
def test_the_form_listener_takes_every_qualify_form_request_and_nothing_else(text):
    try:
        parsed = parse(text, ENV)
    except CommandSyntaxError:
        parsed = None  # a refusal: whichever listener runs, app.error answers it
    if isinstance(parsed, OpenQualifyForm):
        assert asks_for_qualify_form(text)
    if asks_for_qualify_form(text):
        assert parsed is None or isinstance(parsed, OpenQualifyForm)
