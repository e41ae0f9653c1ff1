"""Messages a person can act on, through the real Bolt app: limits said in words with what
to write instead, free text taken as typed, a phone read as a phone, and the wording."""

import json

import pytest
from support import ANN, pydantic_says


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
    assert "I'll remind you" in reply.text and "ask about \"the deal" in reply.text


def test_slack_forms_in_free_text_are_unescaped_and_still_escaped_when_shown(slack):
    slack.slash(ANN, "add Dana Scully")
    slack.slash(ANN, "note L-1 R&amp;D at <mailto:d@x.co|d@x.co> says &lt;!channel&gt; 'soon")
    shown = timeline(slack)
    assert "R&amp;D at d@x.co says &lt;!channel&gt; 'soon" in shown


def test_quotes_still_group_a_value_with_spaces_in_add(slack):
    slack.slash(ANN, 'add Jon Smithers company:"ACME Corp" title:\'VP Sales\'')
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
