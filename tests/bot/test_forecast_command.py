"""`/lead value` and `/lead forecast`: the grammar, the replies, and the real Bolt app."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from support import ADA, ANN, MIA, NOW

from bot.grammar import CommandSyntaxError, ParseEnv, parse
from domain.reporting.forecast import add_months, month_of
from handlers.commands import SetLeadValue, ShowForecast

ENV = ParseEnv(NOW, ZoneInfo("UTC"), request_key="T1")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (
            "value L-42 12000 close:2027-03",
            SetLeadValue(number=42, value=Decimal(12000), close=date(2027, 3, 1)),
        ),
        ("value L-42 12k", SetLeadValue(number=42, value=Decimal(12000))),
        ("value 42 close:2027-06", SetLeadValue(number=42, close=date(2027, 6, 1))),
        ("forecast", ShowForecast()),
        ("forecast month", ShowForecast(horizon="month")),
        ("forecast ldn quarter", ShowForecast(horizon="quarter", team="ldn")),
    ],
)
def test_value_and_forecast_are_read_as_documented(text, command):
    parsed = parse(text, ENV)
    if isinstance(parsed, SetLeadValue):
        parsed = parsed.model_copy(update={"request_key": None})
    assert parsed == command


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("value L-42", "expected value, the close month or both"),
        ("value L-42 lots", "not an amount"),
        ("value L-42 12000 close:march", "not a close month"),
        ("forecast month quarter", "`month` or `quarter` and one team at most"),
    ],
)
def test_a_value_or_forecast_asked_wrongly_says_how_to_ask(text, problem):
    with pytest.raises(CommandSyntaxError, match=problem):
        parse(text, ENV)


def test_a_rep_values_a_lead_and_the_forecast_counts_it(slack):
    # The app reads the real clock: this month and the next.
    this, nxt = month_of(datetime.now(UTC)), add_months(month_of(datetime.now(UTC)), 1)
    slack.slash(ANN, f"add Dana Scully dana@fbi.gov value:5000 close:{nxt:%Y-%m}")
    valued = slack.slash(ANN, f"value L-1 12000 close:{this:%Y-%m}")
    slack.slash(ANN, "probability L-1 40")

    mine = slack.slash(ANN, "forecast")
    team = slack.slash(MIA, "forecast month")

    assert f"expected at 12,000, expected to close in {this:%B %Y}" in valued.text
    assert f"*Expected deal:* 12,000, closing {this:%B %Y}" in json.dumps(valued.blocks)
    assert mine.body["response_type"] == "ephemeral"
    assert "Forecast · your leads · this quarter: weighted 4,800, best case 12,000" in mine.text
    assert f"*{this:%B %Y}*: weighted *4,800* · best case 12,000 · committed 0 (1 deal)" in json.dumps(
        mine.blocks, ensure_ascii=False
    )
    assert "Forecast · " in team.text and "weighted 4,800" in team.text


def test_bad_value_input_changes_nothing_and_says_how(slack):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, "value L-1 twelve")
    assert "not an amount" in reply.text and "/lead value" in reply.text
    shown = slack.slash(ANN, "show L-1")
    assert "Expected deal" not in json.dumps(shown.blocks)


def test_the_help_lists_value_and_forecast_with_examples(slack):
    listed = json.dumps(slack.slash(ADA, "help").blocks)
    value, forecast = (json.dumps(slack.slash(ADA, f"help {name}").blocks) for name in ("value", "forecast"))
    assert (
        "`/lead value &lt;lead&gt; [amount] [close:YYYY-MM]`" in listed
        and "`/lead forecast [month|" in listed
    )
    assert "/lead value L-42 12000 close:2027-03" in value and "/lead forecast quarter ldn" in forecast
