"""The /lead grammar: one declaration yields parsing, usage, did-you-mean and help."""

import dataclasses
import json
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import NOW

from bot.blocks.help import help_message
from bot.grammar import AREAS, SPECS, CommandSyntaxError, HelpRequested, ParseEnv, SubcommandSpec, parse
from bot.grammar.binding import bind
from bot.grammar.tokens import split_words
from domain.followups.activity import ActivityKind
from handlers.commands import AddLead, AddNote, FindLeads, LogActivity, MyLeads, SetReminder, ShowLead

ENV = ParseEnv(NOW, ZoneInfo("UTC"), request_key="T1")
names = st.text(alphabet=st.characters(whitelist_categories=("L",)), min_size=1, max_size=12)


def test_add_takes_name_email_phone_and_fields_in_any_order():
    cmd = parse('add Dana Scully +1 202 555 0143 <mailto:dana@fbi.gov|dana@fbi.gov> company:"FBI HQ"', ENV)
    assert cmd == AddLead(
        name="Dana Scully",
        email="dana@fbi.gov",
        phone="+1 202 555 0143",
        fields={"company": "FBI HQ"},
        request_key="T1",
    )


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("add Jane Roe jane@roe.co.uk extra@x.com", "email"),
        ("add Jane Roe +44 20 7946 0958 +33 1 42 68 53 00", "phone"),
    ],
)
def test_a_second_email_or_phone_is_refused_not_taken_into_the_name(text, second):
    with pytest.raises(CommandSyntaxError, match=f"second {second}.*a lead has one {second}"):
        parse(text, ENV)


def test_typographic_quotes_group_a_name_and_a_value():
    cmd = parse("add “Dana Katherine Scully” company:“Federal Bureau”", ENV)
    assert isinstance(cmd, AddLead)
    assert cmd.name == "Dana Katherine Scully" and cmd.fields == {"company": "Federal Bureau"}


def test_each_subcommand_builds_its_command():
    assert parse("show #7", ENV) == ShowLead(number=7)
    assert parse("find acme corp", ENV) == FindLeads(query="acme corp")
    assert parse("mine all", ENV) == MyLeads(include_closed=True)
    assert parse("note 7 likes golf", ENV) == AddNote(number=7, text="likes golf", request_key="T1")
    assert parse("log L-7 meeting demo", ENV) == LogActivity(
        number=7, kind=ActivityKind.MEETING, text="demo", request_key="T1"
    )
    remind = parse("remind L-7 in 2 hours call", ENV)
    assert isinstance(remind, SetReminder) and remind.text == "call"
    assert (remind.due_at - NOW).total_seconds() == 7200


def test_empty_text_and_help_ask_for_help():
    assert parse("", ENV) == HelpRequested()
    assert parse("help remind", ENV) == HelpRequested("remind")


def test_a_misspelt_subcommand_gets_a_suggestion():
    with pytest.raises(CommandSyntaxError, match="Did you mean `remind`"):
        parse("remnid L-1 in 1 hour", ENV)


def test_a_syntax_error_carries_the_usage_of_its_subcommand():
    with pytest.raises(CommandSyntaxError) as caught:
        parse("note L-1", ENV)
    assert caught.value.spec is not None and caught.value.spec.name == "note"


def test_help_is_generated_from_the_specs_so_it_cannot_drift():
    overview = json.dumps(help_message().blocks)
    for spec in SPECS:
        assert f"/lead {spec.usage.split()[0]}" in overview
        detail = help_message(spec.name).text
        for example in spec.examples:
            assert example.replace("<", "&lt;").replace(">", "&gt;") in detail


@given(st.integers(min_value=1, max_value=2**31 - 1), st.sampled_from(["L-{}", "#{}", "{}", "l-{}"]))
def test_every_id_form_parses_to_the_same_number(number, form):
    assert parse(f"show {form.format(number)}", ENV) == ShowLead(number=number)


@given(st.lists(names, min_size=1, max_size=4))
def test_a_quoted_name_comes_back_whole(words):
    name = " ".join(words)
    for quoted in (f'"{name}"', f"“{name}”"):
        cmd = parse(f"add {quoted}", ENV)
        assert isinstance(cmd, AddLead) and cmd.name == name


@given(st.text(max_size=80))
def test_any_text_parses_or_explains_never_crashes(text):
    try:
        parse(text, ENV)
    except CommandSyntaxError as error:
        assert error.problem


# --- the declaration is the only source: usage and examples cannot drift from parsing ----


def as_slack_sends(example: str) -> str:
    """An example as a person types it; Slack sends an @mention as `<@U…|name>`."""
    line = example.removeprefix("/lead ")
    return re.sub(r"@(\w+)", lambda m: f"<@U0{m[1].upper()}|{m[1]}>", line)


def test_no_usage_is_written_by_hand_each_is_made_from_the_declared_arguments():
    assert "usage" not in {field.name for field in dataclasses.fields(SubcommandSpec)}
    for spec in SPECS:
        shown = [arg.usage(keyed_form=not spec.any_order) for arg in spec.args]
        assert spec.usage == " ".join([spec.name, *shown])
        assert len(set(shown)) == len(shown), spec.name  # every argument shows, once


@pytest.mark.parametrize("example", [e for spec in SPECS for e in spec.examples])
def test_every_example_help_shows_parses(example):
    parsed = parse(as_slack_sends(example), ENV)
    assert not isinstance(parsed, HelpRequested) or example.startswith("/lead help")


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_every_argument_has_an_example_that_is_read_as_that_argument(spec):
    words = []
    for arg in spec.args:
        assert arg.sample, f"{spec.name} {arg.name}"
        keyed = arg.keyed and not spec.any_order
        words.append(f"{arg.name}:{arg.sample}" if keyed else arg.sample)
    line = as_slack_sends(" ".join([spec.name, *words]))
    values = bind(spec, split_words(line).after(1), ENV)
    assert set(values) == {arg.target for arg in spec.args if arg.kind.binds}
    parse(line, ENV)  # and the whole line makes a command


def test_every_subcommand_is_in_one_area_of_help():
    assert [spec for area in AREAS for spec in area.specs] == list(SPECS)
    assert len({spec.name for spec in SPECS}) == len(SPECS)


@pytest.mark.parametrize("text", ["show L-1 L-2", "claim L-1 now", "unmerge L-1 L-2", "score L-1 why"])
def test_words_after_the_last_argument_are_refused_not_dropped(text):
    name, _, extra = text.split(" ", 2)
    with pytest.raises(CommandSyntaxError, match=f"`{name}` takes only the lead, but got `{extra}` after it"):
        parse(text, ENV)


def test_a_misspelt_key_gets_a_suggestion_from_the_declared_keys():
    said = "`vlaue` is not one of value, product. Did you mean `value`"
    with pytest.raises(CommandSyntaxError, match=said):
        parse("convert L-1 vlaue:12000", ENV)


def test_a_key_value_may_also_fill_an_argument_add_reads_by_shape():
    cmd = parse("add Dana email:dana@fbi.gov phone:+12025550143 source:web", ENV)
    assert isinstance(cmd, AddLead)
    assert (cmd.email, cmd.phone, cmd.fields) == ("dana@fbi.gov", "+12025550143", {"source": "web"})
