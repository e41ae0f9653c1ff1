"""What a click carries back: each kind of button value is encoded and decoded in one place,
and the values of messages already in Slack still decode (their wire format is fixed)."""

import pytest

from bot.ids import LeadValue, ListPageValue, MergePair, ProposalBlock, ReminderValue, SnoozeValue


@pytest.mark.parametrize(
    "value",
    [
        LeadValue(42),
        MergePair(43, 42),
        SnoozeValue(42, "call back"),
        ReminderValue(17),
        ProposalBlock(9),
        ListPageValue(2, 'status:new source:"trade show" sort:stale'),
        ListPageValue(3, "country:EMEA", "hot-emea"),
    ],
)
def test_every_kind_of_value_comes_back_as_it_went(value):
    assert type(value).decode(value.encode()) == value


@pytest.mark.parametrize(
    ("kind", "sent", "read"),
    [
        (LeadValue, "42", LeadValue(42)),
        (MergePair, "43:42", MergePair(duplicate=43, keep=42)),
        (SnoozeValue, "42:call back: ask for Dana", SnoozeValue(42, "call back: ask for Dana")),
        (SnoozeValue, "42:", SnoozeValue(42, "")),
        (ReminderValue, "17", ReminderValue(17)),
        (ProposalBlock, "routing.proposal.17", ProposalBlock(17)),
        (ListPageValue, "2::status:new owner:none", ListPageValue(2, "status:new owner:none")),
        (ListPageValue, "2:hot-emea:country:EMEA", ListPageValue(2, "country:EMEA", "hot-emea")),
    ],
)
def test_values_already_in_slack_still_decode(kind, sent, read):
    assert kind.decode(sent) == read and read.encode() == sent


def test_a_lead_value_is_read_from_a_ref_as_payloads_carry_it():
    assert LeadValue.of_ref("L-42") == LeadValue(42)


def test_a_long_reminder_is_cut_to_fit_slacks_value_limit():
    value = SnoozeValue(42, "x" * 5000).encode()
    assert len(value) <= 2000 and SnoozeValue.decode(value).text == "x" * SnoozeValue.MAX_TEXT


def test_the_longest_filter_a_list_takes_fits_a_buttons_value():
    from bot.grammar.lists import MAX_FILTER_TEXT

    value = ListPageValue(100_000, "x" * MAX_FILTER_TEXT, "n" * 40).encode()
    assert len(value) <= 2000
