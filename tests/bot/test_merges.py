"""Merges that cannot hurt: asked right, confirmed when the people differ, undone
by whoever merged, and a merged-away lead is no longer live anywhere."""

import csv
import html
import io
import json

import pytest
import sqlalchemy as sa
from support import ADA, ANN, BEN, MIA, wait_for_calls
from typer.testing import CliRunner

from bot.local.standin.workspace import buttons_in
from bot.operations.cli import cli
from store.tables import ActivityRow, AuditRow, MergeRow, ReminderRow


def button(reply_or_blocks, label):
    blocks = reply_or_blocks if isinstance(reply_or_blocks, list) else reply_or_blocks.blocks
    return next(b for b in buttons_in(blocks) if b.label == label)


def answers(fake_slack, count=1):
    """What the app posted to the clicks' response_urls, in order."""
    return [call.params for call in wait_for_calls(fake_slack, "response_url", count)]


def counts(runtime):
    """Rows anything a command does would add: a change leaves a trace in one of them."""
    with runtime.engine.connect() as connection:
        return {
            table.__tablename__: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (ActivityRow, AuditRow, MergeRow, ReminderRow)
        }


def mulder_and_scully(slack):
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov +1 202 555 0100 company:FBI")  # L-1
    slack.slash(ANN, "add Dana Scully dana@fbi.gov +1 202 555 0143 company:FBI")  # L-2


def merged_smithers(slack):
    """L-2 merged into L-1 by Ann: no email or phone of one contradicts the other's."""
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')
    assert "Merged L-2 into" in slack.slash(ANN, "merge L-2 into L-1").text


# --- asking for a merge --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["merge L-1 L-2", "merge L-1 to L-2", "merge L-1 into", "merge L-1"])
def test_a_merge_without_into_is_a_usage_error_and_changes_nothing(slack, runtime, text):
    mulder_and_scully(slack)
    before = counts(runtime)
    shown = html.unescape(slack.slash(ANN, text).text)
    assert "then `into`" in shown and "merge <duplicate> into <lead>" in shown
    assert "/lead merge L-43 into L-42" in shown
    assert counts(runtime) == before


@pytest.mark.parametrize(
    ("second", "differs"),
    [
        ("add Dana Scully dana@fbi.gov", "dana@fbi.gov"),
        ("add Dana Scully +1 202 555 0199", "+12025550199"),
    ],
)
def test_merging_people_whose_email_or_phone_differs_asks_first_saying_what_differs(
    slack, runtime, second, differs
):
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov +1 202 555 0100")
    slack.slash(ANN, second)
    before = counts(runtime)
    reply = slack.slash(ANN, "merge L-2 into L-1")
    assert reply.body["response_type"] == "ephemeral"
    assert "differ" in reply.text and differs in json.dumps(reply.blocks)
    assert [b.label for b in buttons_in(reply.blocks)] == ["Merge anyway", "Cancel"]
    assert counts(runtime) == before
    assert "Status:" in json.dumps(slack.slash(ANN, "show L-2").blocks)  # still its own lead


def test_merge_anyway_merges_and_a_double_click_merges_once(slack, runtime, fake_slack):
    mulder_and_scully(slack)
    anyway = button(slack.slash(ANN, "merge L-2 into L-1"), "Merge anyway")
    slack.click(ANN, anyway)
    slack.click(ANN, anyway)
    texts = [answer["text"] for answer in answers(fake_slack, 2)]
    assert any("Merged L-2 into" in text for text in texts)
    assert counts(runtime)[MergeRow.__tablename__] == 1
    assert "merged into" in slack.slash(ANN, "show L-2").text


def test_cancel_leaves_both_leads_as_they_were(slack, runtime, fake_slack):
    mulder_and_scully(slack)
    before = counts(runtime)
    slack.click(ANN, button(slack.slash(ANN, "merge L-2 into L-1"), "Cancel"))
    assert "Nothing merged" in answers(fake_slack)[0]["text"]
    assert counts(runtime) == before


def test_the_duplicate_cards_merge_button_asks_too_when_the_emails_differ(slack, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    flagged = slack.slash(ANN, 'add Jon Smithers jon@acme.com company:"ACME Corp."')
    slack.click(ANN, button(flagged, "Merge into L-1"))
    answer = answers(fake_slack)[0]
    assert "jon@acme.com" in json.dumps(answer) and "jonathan@acme.com" in json.dumps(answer)
    assert "Merge anyway" in [b.label for b in buttons_in(answer["blocks"])]


# --- undo ----------------------------------------------------------------------------------


def test_the_rep_who_merged_can_undo_it(slack):
    merged_smithers(slack)
    assert "Undid the merge" in slack.slash(ANN, "unmerge L-2").text


def test_the_rep_who_merged_can_undo_it_with_the_button(slack, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')
    merged = slack.slash(ANN, "merge L-2 into L-1")
    slack.click(ANN, button(merged, "Undo merge"))
    assert "Undid the merge" in answers(fake_slack)[0]["text"]


def test_a_double_click_on_undo_undoes_once(slack, runtime, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')
    undo = button(slack.slash(ANN, "merge L-2 into L-1"), "Undo merge")
    slack.click(ANN, undo)
    slack.click(ANN, undo)
    texts = " | ".join(answer["text"] for answer in answers(fake_slack, 2))
    assert texts.count("Undid the merge") == 1 and texts.count("nothing to undo") == 1
    with runtime.engine.connect() as connection:
        undone = sa.select(sa.func.count()).where(AuditRow.action == "lead.merge_undone")
        assert connection.scalar(undone) == 1


@pytest.mark.parametrize("who", [MIA, ADA])
def test_a_manager_or_an_admin_can_undo_a_reps_merge(slack, who):
    merged_smithers(slack)
    assert "Undid the merge" in slack.slash(who, "unmerge L-2").text


def test_another_rep_cannot_undo_a_merge(slack, runtime):
    merged_smithers(slack)
    before = counts(runtime)
    refused = slack.slash(BEN, "unmerge L-2").text
    assert "Undid" not in refused and "who merged" in refused
    assert counts(runtime) == before


# --- a merged-away lead is not live --------------------------------------------------------


def test_show_on_a_merged_away_lead_says_where_it_went_with_a_button_to_it(slack, fake_slack):
    merged_smithers(slack)
    shown = slack.slash(ANN, "show L-2")
    everything = shown.text + json.dumps(shown.blocks)
    assert "merged into" in shown.text and "L-1" in shown.text
    assert "Status:" not in everything and "No activity yet" not in everything
    slack.click(ANN, button(shown, "Show L-1"))
    assert "Jonathan Smithers" in json.dumps(answers(fake_slack)[0]["blocks"])


@pytest.mark.parametrize(
    ("who", "text"),
    [
        (ANN, "note L-2 called back"),
        (ANN, "log L-2 call left a voicemail"),
        (ANN, "remind L-2 tomorrow 9am call back"),
        (ANN, "convert L-2 value:2500"),
        (ANN, "lost L-2 budget"),
        (ANN, "qualify L-2 budget:yes"),
        (ANN, "probability L-2 70"),
        (ANN, "nurture L-2 stop"),
        (ANN, "score L-2"),
        (ANN, "merge L-2 into L-1"),
        (ANN, "merge L-1 into L-2"),
        (ANN, "claim L-2"),
        (ANN, "qualify L-2"),
        (MIA, "route L-2"),
        (MIA, "route L-2 --dry-run"),
        (MIA, "assign L-2 <@U0REP0BEN>"),
        (MIA, "reopen L-2"),
    ],
)
def test_work_on_a_merged_away_lead_is_sent_to_the_kept_one_and_changes_nothing(slack, runtime, who, text):
    merged_smithers(slack)
    before = counts(runtime)
    reply = slack.slash(who, text)
    if text == "merge L-2 into L-1":  # the same merge again: said so, nothing new
        assert "already merged into" in reply.text
    else:
        assert "L-2 was merged into L-1: use L-1" in reply.text
    assert counts(runtime) == before


def test_buttons_on_a_merged_away_leads_old_card_point_to_the_kept_one(slack, runtime, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    card = slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')
    slack.slash(ANN, "merge L-2 into L-1")
    before = counts(runtime)
    slack.click(ANN, button(card, "Log a call"))
    assert "L-2 was merged into L-1: use L-1" in answers(fake_slack)[0]["text"]
    assert counts(runtime) == before


def test_lists_and_search_leave_a_merged_away_lead_out(slack):
    merged_smithers(slack)
    slack.slash(ANN, "remind L-1 tomorrow 9am send the quote")
    for text in ("mine", "mine all", "find smithers", "tasks"):
        assert "L-2" not in json.dumps(slack.slash(ANN, text).body), text


def test_the_report_counts_a_merged_person_once(slack):
    merged_smithers(slack)
    report = json.dumps(slack.slash(ANN, "report").body)
    assert "*1* captured" in report or "1 captured" in report


# --- export ----------------------------------------------------------------------------------


@pytest.fixture
def env(database_url):
    return {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": None, "LEADBOT_CONFIG": None}


def test_export_leaves_a_merged_away_lead_out_in_json_and_csv(slack, env):
    merged_smithers(slack)
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov")

    def export(kind):
        return CliRunner().invoke(cli, ["export", "--format", kind], env=env).stdout

    as_json, as_csv = json.loads(export("json")), csv.DictReader(io.StringIO(export("csv")))
    assert [row["id"] for row in as_json] == ["L-1", "L-3"]
    assert [row["id"] for row in as_csv] == ["L-1", "L-3"]
