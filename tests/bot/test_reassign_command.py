"""`/lead reassign @from @to [filters]`: a departing rep's open leads, after a confirmation,
with a DM to both reps through the outbox, and undoable."""

from datetime import UTC, datetime, timedelta

from support import ANN, BEN, MIA, wait_for_calls

from bot.local.standin.workspace import buttons_in
from domain.config import CONSOLE_WORKSPACE


def dms_to(fake_slack, user_id):
    return [
        c.params["text"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params["channel"] == "D" + user_id[1:]
    ]


def owners(runtime):
    with runtime.uow_factory() as uow:
        return {lead.number: (lead.owner_id, str(lead.status)) for lead in uow.leads.all(CONSOLE_WORKSPACE)}


def test_a_departing_reps_open_leads_go_to_another_rep_and_both_hear_of_it(slack, runtime, fake_slack):
    for n in range(3):
        slack.slash(ANN, f"add Person{n} p{n}@acme.com country:DE")
    slack.slash(ANN, "add Cold Case cold@acme.com country:US")
    slack.slash(ANN, "lost L-4 price")  # closed: keeps its owner
    question = slack.slash(MIA, f"reassign <@{ANN}|ann> <@{BEN}|ben> country:DE")
    assert f"Reassign to <@{BEN}>: *3* open leads match owner: <@{ANN}> `country:DE`" in question.text
    [confirm] = [b for b in buttons_in(question.blocks) if b.label.startswith("Reassign")]
    slack.click(MIA, confirm)
    done = wait_for_calls(fake_slack, "response_url", 2)[-1].params
    assert "3 of 3 leads reassigned" in done["text"]
    assert owners(runtime) == {1: (BEN, "new"), 2: (BEN, "new"), 3: (BEN, "new"), 4: (ANN, "lost")}

    runtime.run_jobs(datetime.now(UTC))
    assert any("gave you 3 leads" in text for text in dms_to(fake_slack, BEN))
    assert any(f"moved 3 leads of yours to <@{BEN}>" in text for text in dms_to(fake_slack, ANN))

    slack.slash(MIA, "undo")
    assert "3 leads are back" in wait_for_calls(fake_slack, "response_url", 3)[-1].params["text"]
    assert owners(runtime)[1] == (ANN, "new")
    runtime.run_jobs(datetime.now(UTC) + timedelta(minutes=5))
    assert any("3 leads came back to you" in text for text in dms_to(fake_slack, ANN))


def test_reassign_says_what_is_wrong(slack):
    assert "is not one person" in slack.slash(MIA, "reassign ann ben").text
    assert "same person" in slack.slash(MIA, f"reassign <@{ANN}|ann> <@{ANN}|ann>").text
    assert "Bulk actions are for managers and admins" in slack.slash(BEN, f"reassign <@{ANN}> <@{BEN}>").text
    assert "not in your teams" in slack.slash(MIA, f"reassign <@{ANN}> <@U0NOBODY1>").text
    assert "No open lead" in slack.slash(MIA, f"reassign <@{ANN}> <@{BEN}>").text


def test_help_lists_the_new_subcommands_with_examples(slack):
    listed = str(slack.slash(ANN, "help").body)
    for name, example in (
        ("bulk", "/lead bulk reassign @ben"),
        ("reassign", "/lead reassign @ann @ben"),
        ("undo", "/lead undo"),
        ("history", "/lead history L-42"),
    ):
        assert f"`/lead {name}" in listed
        assert example in str(slack.slash(ANN, f"help {name}").body)
