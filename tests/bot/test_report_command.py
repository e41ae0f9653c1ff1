"""/lead report: the grammar, the message, and the real Bolt app answering it."""

import json
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from support import ADA, ANN, MIA, NOW

from bot.blocks.report import report_message
from bot.grammar import CommandSyntaxError, ParseEnv, parse
from bot.local.standin.blockkit import judge_message
from domain.reporting.digest import Tally
from domain.reporting.funnel import STAGES, FunnelStage, SourceEffect, SpeedLine
from domain.reporting.report import PipelineReport, RepLine, SourceLine
from handlers.commands import ShowReport

ENV = ParseEnv(NOW, ZoneInfo("UTC"), request_key="T1")
EVIL = "<!channel> & <@U123>"


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("report", ShowReport()),
        ("report week", ShowReport(days=7)),
        ("report 90d ldn", ShowReport(days=90, team="ldn")),
        ("report ldn quarter", ShowReport(days=91, team="ldn")),
        ("report ldn", ShowReport(team="ldn")),
        ("report month csv ldn", ShowReport(days=30, team="ldn", output="csv")),
        ("report chart", ShowReport(output="chart")),
    ],
)
def test_a_period_and_a_team_in_either_order(text, command):
    assert parse(text, ENV) == command


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("report 0d", "1 to 366 days"),
        ("report week month", "one period, one team and `csv` or `chart` at most"),
        ("report ldn emea", "one period, one team and `csv` or `chart` at most"),
        ("report csv chart", "one period, one team and `csv` or `chart` at most"),
    ],
)
def test_a_report_asked_wrongly_says_how_to_ask(text, problem):
    with pytest.raises(CommandSyntaxError, match=problem) as raised:
        parse(text, ENV)
    assert raised.value.spec is not None and raised.value.spec.name == "report"  # the reply shows its usage


def big_report() -> PipelineReport:
    return PipelineReport(
        scope=f"Sales {EVIL}",
        days=30,
        since=NOW - timedelta(days=30),
        until=NOW,
        captured=120,
        captured_by_status=(Tally("new", 100), Tally("converted", 20)),
        by_source=tuple(SourceLine(f"{EVIL} {n}" + "x" * 300, 4, n % 4) for n in range(30)),
        won=20,
        won_value=Decimal("123456.50"),
        won_days=(3.0, 12.5, 40.0),
        lost_by_reason=(Tally("price", 10), Tally(EVIL, 1)),
        by_rep=tuple(RepLine(f"U0REP{n:04d}", 5, 1, 1, n % 2) for n in range(40)),
        open_now=100,
        unassigned_now=7,
        handed_over=5,
        first_contact_minutes=(10.0, 100.0, 3000.0),
    )


def test_the_message_is_escaped_bounded_and_says_the_figures():
    message = report_message(big_report())
    shown = json.dumps(message.blocks, ensure_ascii=False)
    mrkdwn = json.dumps([message.text, *(b for b in message.blocks if b["type"] != "header")])

    assert "<!channel>" not in mrkdwn and "&lt;!channel&gt; &amp; &lt;@U123&gt;" in shown
    assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")
    assert "…and 20 more sources" in shown and "…and 30 more reps" in shown
    assert "120 (new 100 · converted 20); 17% converted so far" in shown
    assert "20 won worth 123,456.50, 11 lost (price 10 ·" in shown and "win rate 65%" in shown
    assert "average deal 6,172.82; median sales cycle 12.5 days from capture to win" in shown
    assert "(leads handed to a rep): median 1.7 h (3 of 5 contacted)" in shown
    assert (
        "<@U0REP0000>: 5 open, 1 won, 1 lost" in shown
        and "<@U0REP0001>: 5 open, 1 won, 1 lost, 1 follow-ups overdue" in shown
    )
    assert "*Open now*: 100, of which 7 unassigned" in shown


def test_a_quiet_period_reads_as_such():
    quiet = PipelineReport(
        "your leads", 7, NOW - timedelta(days=7), NOW, 0, (), (), 0, Decimal(0), (), (), 0, 0
    )
    shown = json.dumps(report_message(quiet).blocks)
    assert "none in this period" in shown and "none handed over in this period" in shown
    assert "win rate" not in shown and "worth" not in shown and "sales cycle" not in shown


def test_the_slash_command_answers_the_asker_alone(slack):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov source:referral")
    slack.slash(ANN, "log L-1 call")
    slack.slash(ANN, "convert L-1 value:2500")

    mine = slack.slash(ANN, "report week")
    team = slack.slash(MIA, "report")
    everyone = slack.slash(ADA, "report year sales")

    assert mine.body["response_type"] == "ephemeral"
    assert "Pipeline · your leads · last 7 days" in mine.text
    assert "Pipeline · Sales · last 30 days: 1 captured, 1 won, 0 lost" in team.text
    assert "referral: 1 lead, 1 converted (100%), median 0.0 days to convert, won 2,500" in json.dumps(
        team.blocks
    )
    assert "Pipeline · Sales · last 365 days" in everyone.text


def test_a_rep_asking_for_a_team_is_told_who_may(slack):
    reply = slack.slash(ANN, "report sales")
    assert "Only a manager of Sales or an admin sees its report" in reply.text


def fullest_report() -> PipelineReport:
    """Every section at its longest: long, hostile names everywhere."""
    many = 40
    return replace(
        big_report(),
        funnel=tuple(FunnelStage(name, 1000 - i, 0.5 if i else None, 12.5) for i, name in enumerate(STAGES)),
        sources=tuple(
            SourceEffect(
                f"{EVIL} {n}" + "y" * 300, 4000, 900, 33.3, Decimal("1234567.89"), Decimal("99999.99")
            )
            for n in range(many)
        ),
        speed_by_team=tuple(SpeedLine(f"team-{n}" + "z" * 60, 500, 95.0, 3000.0) for n in range(many)),
        speed_by_rep=tuple(SpeedLine(f"U0REP{n:04d}", 50, 95.0, 3000.0) for n in range(many)),
        lost_by_source=tuple(
            (f"{EVIL} {n}" + "w" * 300, tuple(Tally(f"reason-{r}" + "v" * 50, 9) for r in range(8)))
            for n in range(many)
        ),
    )


def test_the_fullest_report_is_one_message_slack_shows():
    message = report_message(fullest_report())
    shown = json.dumps(message.blocks, ensure_ascii=False)

    assert judge_message({"text": message.text, "blocks": message.blocks}) is None
    mrkdwn = json.dumps([b for b in message.blocks if b["type"] != "header"])
    assert len(message.blocks) <= 50 and "<!channel>" not in mrkdwn
    assert "…and 30 more sources" in shown and "…and 30 more reps" in shown
