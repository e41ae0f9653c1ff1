"""The /lead grammar: one declaration yields parsing, usage, did-you-mean and help."""

import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import NOW

from bot.blocks.help import help_message
from bot.grammar import SPECS, CommandSyntaxError, HelpRequested, ParseEnv, parse
from domain.activity import ActivityKind
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
