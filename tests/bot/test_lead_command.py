"""/lead through the real Bolt app with signed requests, against the Slack stand-in."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from support import ANN, BEN, MIA, displayed, wait_for_calls

from bot.bootstrap import build_runtime
from bot.local.standin.workspace import buttons_in, in_process


def everything_shown(reply, fake) -> str:
    """All a person could see: the reply plus every message the app sent to Slack."""
    # an upload's bytes are a chart picture (a Monday's weekly chart, at some hours of the day)
    shown = [{k: v for k, v in call.params.items() if not isinstance(v, bytes)} for call in fake.calls]
    sent = [displayed(params) for params in shown]
    return displayed(reply.body) + "".join(sent)


def lead_count(runtime) -> int:
    with runtime.uow_factory() as uow:
        return len(uow.leads.all())


def test_add_then_show_a_lead(slack):
    added = slack.slash(ANN, "add “Dana Scully” <mailto:dana@fbi.gov|dana@fbi.gov> company:“FBI”")
    assert added.status == 200
    assert added.body["response_type"] == "ephemeral"
    assert "Added L-1 Dana Scully" in added.text
    shown = slack.slash(ANN, "show L-1")
    card = json.dumps(shown.blocks)
    assert "dana@fbi.gov" in card and "FBI" in card and "Captured from slash command" in card


def test_every_id_form_reaches_the_same_lead(slack):
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov")
    for ref in ("L-1", "#1", "1", "l-1"):
        assert "Fox Mulder" in json.dumps(slack.slash(ANN, f"show {ref}").blocks)


def test_find_ranks_the_best_match_first(slack):
    slack.slash(ANN, "add Walter Skinner company:FBI")
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    found = slack.slash(ANN, "find scully")
    text = json.dumps(found.blocks)
    assert "Dana Scully" in text and "Walter Skinner" not in text


def test_mine_lists_only_my_leads(slack):
    slack.slash(ANN, "add Dana Scully")
    slack.slash(BEN, "add Fox Mulder")
    mine = json.dumps(slack.slash(ANN, "mine").blocks)
    assert "Dana Scully" in mine and "Fox Mulder" not in mine


def test_note_and_log_appear_on_the_timeline(slack):
    slack.slash(ANN, "add Dana Scully")
    assert "Noted on" in slack.slash(ANN, "note L-1 met at the conference").text
    assert "Logged a call" in slack.slash(ANN, "log L-1 call left a voicemail").text
    timeline = json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert "met at the conference" in timeline and "left a voicemail" in timeline
    assert "contacted" in timeline


def test_remind_confirms_the_time(slack):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, "remind L-1 in 1 minute call back")
    assert "remind you about" in reply.text and "call back" in reply.text
    assert "<!date^" in reply.text  # shown in each viewer's own time zone


def test_help_lists_every_subcommand(slack):
    text = json.dumps(slack.slash(ANN, "help").blocks)
    for name in ("add", "show", "find", "mine", "note", "log", "remind", "help"):
        assert f"/lead {name}" in text


def test_text_containing_the_word_payload_is_still_a_command(slack):
    slack.slash(ANN, "add Dana Scully")
    reply = slack.slash(ANN, "note L-1 the payload arrived")
    assert reply.status == 200 and "Noted on" in reply.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add company:FBI", "A lead needs a name or an email"),  # `add` alone opens the form
        ("show", "Missing the lead id"),
        ("show banana", "is not a lead id"),
        ("shwo L-1", "Did you mean `show`"),
        ("add “Dana Scully", "Unclosed quote"),
        ("remind L-1 whenever", "does not start with a time"),
        ("log L-1 fax", "is not something to log"),
        ("add Dana dana@", "is not an email address"),
        ("add Dana phone:12", "is not a phone number"),
        ("add Bob +1 555", "'+1 555' is not a phone number"),  # not a name "Bob +1 555"
        ("add Alice alice@@example.com", "it has more than one @"),
        ("add Dana colour:blue", "Unknown field `colour`"),
        ("show L-99", "There is no lead L-99"),
    ],
)
def test_bad_input_explains_itself_and_changes_nothing(slack, runtime, text, expected):
    before = lead_count(runtime)
    reply = slack.slash(ANN, text)
    assert reply.status == 200
    assert reply.body["response_type"] == "ephemeral"
    assert expected in reply.text
    assert "Traceback" not in reply.text
    assert lead_count(runtime) == before


def test_a_lead_named_channel_pings_nobody_anywhere(slack, fake_slack, runtime):
    added = slack.slash(ANN, "add <!channel> company:<!here> title:&lt;@U0MGR0MIA&gt;")
    slack.slash(ANN, "remind L-1 in 1 minute <!everyone>")
    found = slack.slash(ANN, "find channel")
    runtime.run_jobs(datetime.now(UTC) + timedelta(minutes=2))
    shown = everything_shown(added, fake_slack) + displayed(found.body)
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U0MGR0MIA>"):
        assert ping not in shown
    assert "&lt;!channel&gt;" in shown


def test_a_rep_cannot_see_another_reps_lead_but_the_manager_can(slack):
    slack.slash(ANN, "add Dana Scully")
    assert "You can't view L-1" in slack.slash(BEN, "show L-1").text
    assert "Dana Scully" in json.dumps(slack.slash(MIA, "show L-1").blocks)


def test_one_workspace_never_sees_anothers_leads(slack):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    other = type(slack)(slack.transport, slack.fake, slack.signer, "T0OTHER")
    # One token serves one workspace: another's requests are refused whole (test_other_workspaces).
    for text in ("show L-1", "find scully", "add Dana Scully dana@fbi.gov"):
        reply = other.slash(ANN, text)
        assert "own members only" in reply.text and "Dana" not in json.dumps(reply.body)


def test_the_same_request_twice_creates_one_lead(slack, runtime):
    request = slack.signer.slash_command(
        team_id=slack.team_id, user_id=ANN, text="add Dana Scully", response_url=slack.fake.response_url()
    )
    first, second = slack.send(request), slack.send(request)
    assert "Added L-1" in first.text
    assert "already L-1" in second.text
    assert lead_count(runtime) == 1


def test_a_known_email_is_not_captured_twice(slack, runtime):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov")
    again = slack.slash(ANN, "add D. Scully DANA@fbi.gov")
    assert "already L-1" in again.text
    assert lead_count(runtime) == 1


def test_card_buttons_log_a_call_once_even_on_a_double_click(slack, fake_slack, runtime):
    added = slack.slash(ANN, "add Dana Scully")
    log_call = next(b for b in buttons_in(added.blocks) if b.label == "Log a call")
    message = {"ts": "1700000000.000100", "text": added.text, "blocks": added.blocks}
    slack.click(ANN, log_call, message)
    slack.click(ANN, log_call, message)  # both run at once on Bolt's thread pool
    answers = sorted(c.params["text"].split()[0] for c in wait_for_calls(fake_slack, "response_url", 2))
    assert answers == ["Already", "Logged"]
    with runtime.uow_factory() as uow:
        lead = uow.leads.get(slack.team_id, 1)
        calls = [a for a in uow.activities.latest(lead, 10) if a.kind == "call"]
    assert len(calls) == 1


def test_show_button_in_a_list_opens_the_card_below_the_list(slack, fake_slack):
    slack.slash(ANN, "add Dana Scully")
    found = slack.slash(ANN, "find scully")
    show = buttons_in(found.blocks)[0]
    slack.click(ANN, show)
    answer = wait_for_calls(fake_slack, "response_url")[-1].params
    assert answer["replace_original"] is False and "Dana Scully" in json.dumps(answer["blocks"])


def test_remind_tomorrow_button_sets_a_morning_reminder(slack, fake_slack):
    added = slack.slash(ANN, "add Dana Scully")
    remind = next(b for b in buttons_in(added.blocks) if b.label == "Remind me tomorrow")
    slack.click(ANN, remind)
    answer = wait_for_calls(fake_slack, "response_url")[-1].params["text"]
    assert "remind you about" in answer


def test_a_click_on_someone_elses_lead_is_refused_below_the_message(slack, fake_slack):
    added = slack.slash(ANN, "add Dana Scully")
    log_call = buttons_in(added.blocks)[0]
    slack.click(BEN, log_call)
    assert "You can't work L-1" in wait_for_calls(fake_slack, "response_url")[-1].params["text"]


def test_an_internal_failure_gets_an_apology_not_a_stack_trace(settings, config, slack, tmp_path):
    # A private SQLite database, so breaking it cannot disturb a shared PostgreSQL.
    private = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/broken.db"})
    runtime = build_runtime(private, config)
    broken = type(slack)(in_process(runtime.app), slack.fake, slack.signer, slack.team_id)
    broken.slash(ANN, "add Dana Scully")
    with runtime.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE activities")
    reply = broken.slash(ANN, "show L-1")
    assert reply.status == 200
    assert "Something went wrong on our side" in reply.text
    assert "Traceback" not in json.dumps(reply.body) and "activities" not in json.dumps(reply.body)


def test_no_slack_call_happens_before_the_ack(slack, fake_slack):
    """The one call a command may cause (learning the person's time zone, once) runs after
    the ack: with Slack holding it unanswered, the commands still answer at once."""
    fake_slack.reset()
    fake_slack.hold("users.info")
    try:
        started = time.monotonic()
        added = slack.slash(ANN, "add Dana Scully")
        reminded = slack.slash(ANN, "remind L-1 in 5 minutes call")
        assert time.monotonic() - started < 2  # a held call would keep a waiting ack 30 s
        assert "Added L-1" in added.text and "remind you about" in reminded.text
        assert [c.method for c in fake_slack.calls] in ([], ["users.info"])
    finally:
        fake_slack.release("users.info")


def test_colleagues_behind_one_switchboard_are_two_leads(slack, runtime):
    slack.slash(ANN, 'add "Marie Curie" marie@acme.fr +33142685300 company:"ACME Corp."')
    colleague = slack.slash(ANN, 'add "Jean Martin" jean@acme.fr +33142685300 company:ACME')

    assert "Added L-2 Jean Martin" in colleague.text
    assert lead_count(runtime) == 2
    assert "ACME Corp." in json.dumps(slack.slash(ANN, "show L-1").blocks)
