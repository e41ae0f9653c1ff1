"""Messages a person can act on, through the real Bolt app: limits said in words with what
to write instead, free text taken as typed, a phone read as a phone, and the wording."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from support import ANN, BEN, MIA, pydantic_says, wait_for_calls

from bot.local.standin.workspace import buttons_in


def lead_count(runtime) -> int:
    with runtime.uow_factory() as uow:
        return len(uow.leads.all())


def timeline(slack, ref: str = "L-1") -> str:
    return json.dumps(slack.slash(ANN, f"show {ref}").blocks, ensure_ascii=False)


# --- no raw validation text ------------------------------------------------------------


def test_a_chance_over_100_says_what_a_chance_is(slack):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, "probability L-1 150")
    assert "A chance is a percentage from 0 to 100, not 150." in reply.text
    assert "/lead probability L-12 70" in reply.text  # how to write it
    assert not pydantic_says(reply.text)


def test_a_note_over_the_limit_says_how_long_it_is_and_what_to_do(slack):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, "note L-1 " + "x" * 5000)
    assert "A note can be at most 4,000 characters (yours has 5,000): split it into two notes." in reply.text
    assert not pydantic_says(reply.text)
    assert "x" * 100 not in timeline(slack)


@pytest.mark.parametrize(
    "text",
    [
        "note L-1 " + "y" * 4001,
        "log L-1 email " + "y" * 4001,
        "remind L-1 tomorrow 9am " + "y" * 1001,
        "lost L-1 other " + "y" * 1001,
        "lost L-1 " + "r" * 65,
        "find " + "f" * 201,
        "convert L-1 product:" + "p" * 501,
        "nurture L-1 " + "c" * 65,
        "report 7d " + "t" * 65,
        "probability L-1 101",
        "assign L-1 <@ben>",
    ],
    ids=lambda text: text[:16],
)
def test_no_command_answers_in_pydantics_words(slack, runtime, text):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, text)
    assert reply.status == 200 and reply.text.startswith("⚠️")
    assert not pydantic_says(json.dumps(reply.body)), reply.text
    assert lead_count(runtime) == 1


# --- free text as typed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "kept"),
    [
        ('note L-1 she said "call me later', 'she said \\"call me later'),
        ("note L-1 'twas a good call", "'twas a good call"),
        ("note L-1 she said “call me later", "she said “call me later"),
        ('note L-1 "quoted" stays as typed', '\\"quoted\\" stays as typed'),
        ('log L-1 call she said "later', 'she said \\"later'),
        ("lost L-1 other they're 'done", "they're 'done"),
    ],
)
def test_free_text_is_taken_as_typed_a_lone_quote_included(slack, command, kept):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, command)
    assert "Unclosed quote" not in reply.text and not reply.text.startswith("⚠️"), reply.text
    assert kept in timeline(slack)


def test_a_reminders_text_is_taken_as_typed(slack):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, 'remind L-1 tomorrow 9am ask about "the deal')
    assert "I'll remind you" in reply.text and 'ask about "the deal' in reply.text


def test_slack_forms_in_free_text_are_unescaped_and_still_escaped_when_shown(slack):
    slack.slash(ANN, "add Dana Scully")
    slack.slash(ANN, "note L-1 R&amp;D at <mailto:d@x.co|d@x.co> says &lt;!channel&gt; 'soon")
    shown = timeline(slack)
    assert "R&amp;D at d@x.co says &lt;!channel&gt; 'soon" in shown


def test_quotes_still_group_a_value_with_spaces_in_add(slack):
    slack.slash(ANN, "add Jon Smithers company:\"ACME Corp\" title:'VP Sales'")
    shown = timeline(slack)
    assert "ACME Corp" in shown and "VP Sales" in shown and '\\"' not in shown


# --- a phone alone ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["+1 202 555 0100", "+1-202-555-0100", "(202) 555-0100", "202.555.0100", "+44 20 7946 0958"]
)
def test_a_phone_alone_asks_for_a_name_or_email_and_adds_nothing(slack, runtime, phone):
    reply = slack.slash(ANN, f"add {phone}")
    assert "A lead needs a name or an email" in reply.text
    assert f"/lead add Jane Doe {phone}`" in reply.text  # their own number, with the name it lacks
    assert lead_count(runtime) == 0


def test_a_phone_before_the_name_is_still_the_phone(slack):
    reply = slack.slash(ANN, "add (202) 555-0100 Jane Doe")
    assert "Added L-1 Jane Doe" in reply.text
    assert "+12025550100" in timeline(slack)


def test_an_email_alone_is_enough_for_a_lead(slack):
    reply = slack.slash(ANN, "add <mailto:dana.scully@fbi.gov|dana.scully@fbi.gov> +1 202 555 0100")
    assert "Added L-1 Dana Scully" in reply.text
    assert "+12025550100" in timeline(slack)


# --- wording ---------------------------------------------------------------------------


def test_an_email_is_logged_with_an(slack):
    slack.slash(ANN, "add Dana Scully")
    assert "Logged an email on *L-1* Dana Scully." in slack.slash(ANN, "log L-1 email sent pricing").text
    assert "Logged a call on" in slack.slash(ANN, "log L-1 call").text


def test_a_value_ending_in_a_full_stop_gets_no_second_one(slack):
    added = slack.slash(ANN, 'add Jon Smithers Jr. company:"ACME Corp."')
    assert added.text.endswith("Added L-1 Jon Smithers Jr.")
    noted = slack.slash(ANN, "note L-1 wants a demo").text
    logged = slack.slash(ANN, "log L-1 call").text
    for text in (noted, logged):
        assert text.endswith("· ACME Corp.") and ".." not in text, text


def test_back_without_having_been_away_welcomes_nobody_back(slack):
    reply = slack.slash(ANN, "back")
    assert "Welcome back" not in reply.text and "were not out of office" in reply.text


def test_keep_both_says_what_the_lead_is_no_longer_flagged_as(slack, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    reply = slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')
    keep = next(b for b in buttons_in(reply.blocks) if b.label == "Keep both")
    slack.click(ANN, keep)
    said = wait_for_calls(fake_slack, "response_url")[-1].params["text"]
    assert "Kept both: *L-2* Jon Smithers · ACME Corp. is no longer flagged as a duplicate of L-1." in said


# --- the rep a lead is taken from hears of it ------------------------------------------


def dms_to(fake_slack, user_id: str) -> list[str]:
    return [
        c.params["text"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params["channel"] == "D" + user_id[1:]
    ]


def test_a_rep_whose_lead_is_assigned_to_someone_else_is_told_once(slack, runtime, fake_slack):
    slack.slash(ANN, "add Dana Scully company:FBI")
    slack.slash(MIA, f"assign L-1 <@{BEN}|ben>")
    runtime.run_jobs(datetime.now(UTC))
    runtime.run_jobs(datetime.now(UTC) + timedelta(minutes=5))

    assert dms_to(fake_slack, ANN) == [f"↪️ *L-1* Dana Scully · FBI was given to <@{BEN}> by <@{MIA}>."]
    assert any("is yours now" in text for text in dms_to(fake_slack, BEN))


def test_nobody_is_told_of_a_lead_taken_from_nobody_or_given_away_by_its_owner(slack, runtime, fake_slack):
    slack.slash(MIA, "add Fox Mulder")  # mia's own lead, given away by mia
    slack.slash(MIA, f"assign L-1 <@{BEN}|ben>")
    runtime.run_jobs(datetime.now(UTC))
    assert dms_to(fake_slack, MIA) == []


def test_a_misspelt_field_in_add_gets_the_field_meant(slack, runtime):
    reply = slack.slash(ANN, "add Dana Scully compnay:Acme")
    assert "Unknown field `compnay`. Did you mean `company`?" in reply.text
    assert lead_count(runtime) == 0
