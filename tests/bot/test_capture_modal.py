"""The capture form: `/lead add` alone and "Create lead from message", through the real app."""

import json
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from support import ANN, BEN, NOW, printed_until, wait_for_calls

from bot.grammar import CommandSyntaxError, OpenCaptureForm, ParseEnv, asks_for_form, parse
from bot.ids import BlockId, CallbackId, FormInput
from bot.local.standin.payloads import rich_text_message
from bot.local.standin.workspace import buttons_in, inputs_in
from handlers.commands import AddLead

MESSAGE = {
    "type": "message",
    "user": BEN,
    "ts": "1700000000.000200",
    "text": (
        "New one for us: Jon Smithers &lt;<mailto:jon@acme-robotics.com|jon@acme-robotics.com>&gt; "
        "wants a demo, call him on +1 202 555 0143"
    ),
}


def open_form(slack, fake_slack, user=ANN, channel_id="C0SALES"):
    reply = slack.slash(user, "add", channel_id=channel_id, trigger_id="T-FORM-1")
    assert reply.status == 200 and reply.body == {}  # the form is the answer: nothing said
    return wait_for_calls(fake_slack, "views.open")[-1].params


def leads(runtime):
    with runtime.uow_factory() as uow:
        return uow.leads.all()


def shown(view) -> dict[str, str | None]:
    return {block["block_id"]: block["element"].get("initial_value") for block in inputs_in(view)}


def test_add_alone_acks_then_opens_the_form_with_the_trigger_id(slack, fake_slack):
    fake_slack.hold("views.open")  # the ack must not wait for Slack
    try:
        opened = open_form(slack, fake_slack)
    finally:
        fake_slack.release("views.open")
    view = opened["view"]
    assert opened["trigger_id"] == "T-FORM-1"
    assert view["callback_id"] == CallbackId.CAPTURE_FORM and view["submit"]["text"] == "Save lead"
    assert len(view["title"]["text"]) <= 24
    assert [b["block_id"] for b in inputs_in(view)] == list(FormInput)


def test_a_bad_email_is_shown_next_to_the_email_and_nothing_is_stored(slack, fake_slack, runtime):
    view = open_form(slack, fake_slack)["view"]
    reply = slack.submit_view(ANN, view, {FormInput.NAME: "Dana Scully", FormInput.EMAIL: "dana@"})
    assert reply.body["response_action"] == "errors"
    assert list(reply.body["errors"]) == [FormInput.EMAIL]
    assert "not an email address" in reply.body["errors"][FormInput.EMAIL]
    assert leads(runtime) == []


def test_neither_name_nor_email_is_shown_at_the_name(slack, fake_slack, runtime):
    view = open_form(slack, fake_slack)["view"]
    reply = slack.submit_view(ANN, view, {FormInput.COMPANY: "FBI"})
    assert reply.body["response_action"] == "errors" and list(reply.body["errors"]) == [FormInput.NAME]
    assert leads(runtime) == []


def test_a_clean_submit_saves_closes_and_replies_privately_where_it_was_opened(slack, fake_slack, runtime):
    view = open_form(slack, fake_slack)["view"]
    typed = {
        FormInput.NAME: "Dana Scully",
        FormInput.EMAIL: "dana@fbi.gov",
        FormInput.TITLE: "Special Agent",
        FormInput.SOURCE: "referral",
        FormInput.NOTES: "Met at the Quantico fair",
    }
    reply = slack.submit_view(ANN, view, typed)
    assert reply.body == {"response_action": "clear"}
    [lead] = leads(runtime)
    assert (lead.name, lead.company, lead.title) == ("Dana Scully", "FBI", "Special Agent")
    assert lead.source == "referral"
    posted = wait_for_calls(fake_slack, "chat.postEphemeral")[-1].params
    assert posted["channel"] == "C0SALES" and posted["user"] == ANN
    assert "Added L-1 Dana Scully" in posted["text"]
    timeline = json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert "Met at the Quantico fair" in timeline and "Captured from form" in timeline


def test_saving_the_same_form_twice_stores_one_lead(slack, fake_slack, runtime):
    view = open_form(slack, fake_slack)["view"]
    typed = {FormInput.NAME: "Dana Scully", FormInput.NOTES: "likes golf"}
    slack.submit_view(ANN, view, typed)
    slack.submit_view(ANN, view, typed)
    assert len(leads(runtime)) == 1
    wait_for_calls(fake_slack, "chat.postEphemeral", count=2)
    assert json.dumps(slack.slash(ANN, "show L-1").blocks).count("likes golf") == 1


def test_a_likely_duplicate_is_asked_about_first_then_saved_with_merge_and_keep_both(
    slack, fake_slack, runtime
):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    view = open_form(slack, fake_slack)["view"]
    typed = {FormInput.NAME: "Jon Smithers", FormInput.COMPANY: "ACME Corp."}

    first = slack.submit_view(ANN, view, typed)
    assert first.body["response_action"] == "update"
    updated = first.body["view"]
    warning = next(b for b in updated["blocks"] if b.get("block_id") == BlockId.FORM_DUPLICATE)
    assert "Looks like *L-1* Jonathan Smithers · Acme Corporation" in warning["text"]["text"]
    assert "name 98% (Jon for Jonathan), same company" in warning["text"]["text"]
    assert "Save again to add it anyway" in warning["text"]["text"]
    assert shown(updated)[FormInput.NAME] == "Jon Smithers"  # what was typed is kept
    assert len(leads(runtime)) == 1

    second = slack.submit_view(ANN, updated)
    assert second.body == {"response_action": "clear"}
    saved = next(lead for lead in leads(runtime) if lead.number == 2)
    assert saved.duplicate_of is not None
    posted = wait_for_calls(fake_slack, "chat.postEphemeral")[-1].params
    labels = [b.label for b in buttons_in(posted["blocks"])]
    assert "Merge into L-1" in labels and "Keep both" in labels


def test_the_reply_is_a_dm_when_the_form_has_no_channel_to_answer_in(slack, fake_slack):
    fake_slack.fail_next("chat.postEphemeral", status=200, error="channel_not_found")
    view = open_form(slack, fake_slack)["view"]
    slack.submit_view(ANN, view, {FormInput.NAME: "Dana Scully"})
    dm = wait_for_calls(fake_slack, "chat.postMessage")[-1].params
    assert dm["channel"] == ANN and "Added L-1 Dana Scully" in dm["text"]


def test_create_lead_from_message_prefills_the_form_and_keeps_the_permalink(slack, fake_slack, runtime):
    reply = slack.message_shortcut(ANN, CallbackId.FROM_MESSAGE, MESSAGE, channel_id="C0SALES")
    assert reply.status == 200
    [link] = wait_for_calls(fake_slack, "chat.getPermalink")
    assert (link.params["channel"], link.params["message_ts"]) == ("C0SALES", MESSAGE["ts"])
    view = wait_for_calls(fake_slack, "views.open")[-1].params["view"]
    prefilled = shown(view)
    assert prefilled[FormInput.NAME] == "Jon Smithers"
    assert prefilled[FormInput.EMAIL] == "jon@acme-robotics.com"
    assert prefilled[FormInput.PHONE] == "+1 202-555-0143"
    assert prefilled[FormInput.COMPANY] == "Acme Robotics"

    assert slack.submit_view(ANN, view).body == {"response_action": "clear"}
    [lead] = leads(runtime)
    assert lead.origin_url == f"https://{fake_slack.domain}/archives/C0SALES/p1700000000000200"
    assert (lead.phone, lead.owner_id) == ("+12025550143", ANN)
    assert "Captured from message" in json.dumps(slack.slash(ANN, "show L-1").blocks)


def test_create_lead_from_a_message_typed_in_a_modern_client_reads_its_rich_text(slack, fake_slack):
    typed = "New one: Jon Smithers <jon@acme-robotics.com> wants a demo, call him on +1 202 555 0143"
    message = rich_text_message(BEN, typed, slack.team_id, ts="1700000000.000300")

    slack.message_shortcut(ANN, CallbackId.FROM_MESSAGE, message, channel_id="C0SALES")

    prefilled = shown(wait_for_calls(fake_slack, "views.open")[-1].params["view"])
    assert (prefilled[FormInput.NAME], prefilled[FormInput.EMAIL]) == (
        "Jon Smithers",
        "jon@acme-robotics.com",
    )
    assert prefilled[FormInput.PHONE] == "+1 202-555-0143"


def test_the_form_opens_without_an_origin_where_the_bot_cannot_link_the_message(slack, fake_slack, runtime):
    fake_slack.fail_next("chat.getPermalink", status=200, error="channel_not_found")
    slack.message_shortcut(ANN, CallbackId.FROM_MESSAGE, MESSAGE, channel_id="D0SOMEONE")
    view = wait_for_calls(fake_slack, "views.open")[-1].params["view"]
    slack.submit_view(ANN, view)
    [lead] = leads(runtime)
    assert lead.name == "Jon Smithers" and lead.origin_url is None


def test_a_form_that_cannot_open_is_explained_not_lost(slack, fake_slack):
    fake_slack.fail_next("views.open", status=200, error="expired_trigger_id")
    slack.slash(ANN, "add")
    answer = wait_for_calls(fake_slack, "response_url")[-1].params
    assert "Something went wrong" in answer["text"] and "Traceback" not in answer["text"]


ENV = ParseEnv(NOW, ZoneInfo("UTC"))


def test_add_alone_asks_for_the_form_and_add_with_words_still_captures():
    assert parse(" ADD ", ENV) == OpenCaptureForm()
    assert isinstance(parse("add Dana Scully", ENV), AddLead)


@given(st.one_of(st.text(max_size=30), st.sampled_from(["add", " add ", '"add"', "add x", "ad", "“add”"])))
def test_the_form_listener_routes_exactly_what_the_grammar_calls_a_form_request(text):
    try:
        parsed = parse(text, ENV)
    except CommandSyntaxError:
        parsed = None
    assert asks_for_form(text) == isinstance(parsed, OpenCaptureForm)


def test_the_console_shows_the_form_and_fills_it_in(console, fake_slack, capsys):
    console.handle('/lead add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    console.handle("/lead add")
    assert "1. Name: —" in printed_until(capsys, "[Save lead]")
    console.handle("submit email=dana@")
    assert "not an email address" in capsys.readouterr().out
    console.handle('submit name="Jon Smithers" company="ACME Corp." email=')
    warned = capsys.readouterr().out
    assert "1. Name: Jon Smithers" in warned and "Looks like" in warned and "[Save lead]" in warned
    console.handle("submit")
    saved = printed_until(capsys, "Keep both")
    assert "the form closed" in saved and "Merge into L-1" in saved
