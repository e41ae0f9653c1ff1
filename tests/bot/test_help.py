"""`/lead help`: an overview that fits Slack's limits and names every subcommand, the
detail of one subcommand, and a clear answer for a subcommand that does not exist."""

import json

from support import ANN

from bot.blocks.help import help_message
from bot.blocks.text import SECTION_LIMIT, section
from bot.grammar import SPECS

MESSAGE_TEXT_LIMIT = 12_000  # characters of text across one message's blocks (PLATFORM-NOTES)


def texts_of(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        found += [block["text"]["text"]] if "text" in block else []
        found += [element["text"] for element in block.get("elements", []) if "text" in element]
    return found


def test_the_overview_names_every_subcommand_of_the_grammar_with_its_summary(slack):
    shown = "\n".join(texts_of(slack.slash(ANN, "help").blocks))
    for spec in SPECS:
        assert f"`/lead {spec.name}" in shown, spec.name
        assert spec.summary.split("(")[0].strip() in shown, spec.name


def test_the_overview_fits_slacks_limits_and_no_section_is_cut(slack):
    blocks = slack.slash(ANN, "help").blocks
    texts = texts_of(blocks)
    assert len(blocks) <= 50 and sum(map(len, texts)) <= MESSAGE_TEXT_LIMIT
    assert all(len(text) <= SECTION_LIMIT and not text.endswith("…") for text in texts)
    assert len([b for b in blocks if b["type"] == "section"]) > 1  # grouped, not one long list


def test_the_overview_is_grouped_and_points_to_the_detail(slack):
    shown = "\n".join(texts_of(slack.slash(ANN, "help").blocks))
    for group in ("Capture", "Work", "Close", "Routing", "Reports"):
        assert f"*{group}" in shown
    assert "/lead help <subcommand>".replace("<", "&lt;").replace(">", "&gt;") in shown


def test_help_with_a_subcommand_gives_its_usage_summary_and_examples(slack):
    reply = slack.slash(ANN, "help remind")
    shown = json.dumps(reply.blocks)
    assert "/lead remind &lt;lead&gt; &lt;when&gt; [text]" in shown
    assert "Get a DM about a lead at a time" in shown
    assert "/lead remind L-42 tomorrow 9am send pricing" in shown
    assert "/lead note" not in shown  # only that subcommand


def test_help_for_a_subcommand_that_does_not_exist_says_so_with_a_suggestion(slack):
    reply = slack.slash(ANN, "help remnid")
    assert "There is no subcommand `remnid`" in reply.text
    assert "Did you mean `remind`?" in reply.text
    assert "`/lead help` lists them all" in reply.text


def test_help_for_nonsense_says_there_is_no_such_subcommand_without_a_wild_guess(slack):
    reply = slack.slash(ANN, "help bogus")
    assert "There is no subcommand `bogus`" in reply.text and "Did you mean" not in reply.text


def test_a_section_too_long_for_slack_is_cut_with_a_mark():
    text = section("x" * (SECTION_LIMIT + 10))["text"]["text"]
    assert len(text) == SECTION_LIMIT and text.endswith("…")


def test_every_help_message_fits_a_section():
    for topic in [None, *(spec.name for spec in SPECS)]:
        for text in texts_of(help_message(topic).blocks):
            assert len(text) <= SECTION_LIMIT and not text.endswith("…")
