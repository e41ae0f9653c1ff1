"""A likely duplicate in Slack: flagged with reasons, merged with a click, undone by whoever merged
it or a manager."""

import json

from support import ANN, BEN, MIA, wait_for_calls

from bot.local.standin.workspace import buttons_in


def add_smithers(slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    slack.slash(ANN, "note L-1 met at the fair")
    return slack.slash(ANN, 'add Jon Smithers +1 202 555 0143 company:"ACME Corp."')


def test_the_rep_is_told_of_the_likely_duplicate_with_reasons_and_choices(slack):
    reply = add_smithers(slack)
    text = json.dumps(reply.blocks)
    assert "Added L-2 Jon Smithers" in reply.text
    assert "Looks like *L-1* Jonathan Smithers" in text and "same company" in text
    labels = [b.label for b in buttons_in(reply.blocks)]
    assert "Merge into L-1" in labels and "Keep both" in labels


def test_merge_from_the_button_leaves_one_lead_with_both_histories(slack, fake_slack):
    reply = add_smithers(slack)
    slack.slash(ANN, "note L-2 asked for pricing")
    merge = next(b for b in buttons_in(reply.blocks) if b.label == "Merge into L-1")
    slack.click(ANN, merge)
    answer = wait_for_calls(fake_slack, "response_url")[-1].params
    assert "Merged L-2 into *L-1*" in answer["text"]
    card = json.dumps(slack.slash(ANN, "show L-1").blocks)
    assert "met at the fair" in card and "asked for pricing" in card and "+12025550143" in card
    assert "No lead matches" not in json.dumps(slack.slash(ANN, "find smithers").blocks)
    assert "L-2" not in json.dumps(slack.slash(ANN, "find smithers").blocks)


def test_keep_both_clears_the_flag(slack, fake_slack):
    reply = add_smithers(slack)
    keep = next(b for b in buttons_in(reply.blocks) if b.label == "Keep both")
    slack.click(ANN, keep)
    assert "Kept both" in wait_for_calls(fake_slack, "response_url")[-1].params["text"]


def test_merge_and_unmerge_by_command(slack):
    add_smithers(slack)
    assert "Merged L-2 into" in slack.slash(ANN, "merge L-2 into L-1").text
    assert "can undo that merge" in slack.slash(BEN, "unmerge L-2").text
    assert "Undid the merge" in slack.slash(MIA, "unmerge L-2").text
    assert "met at the fair" not in json.dumps(slack.slash(ANN, "show L-2").blocks)


def test_another_rep_recapturing_a_known_email_learns_it_exists_not_its_details(slack):
    slack.slash(ANN, "add Dana Scully dana@fbi.gov company:FBI title:Agent")
    reply = slack.slash(BEN, "add Dana Scully dana@fbi.gov")
    assert "is already L-1, worked by <@U0REP0ANN>" in reply.text
    assert "Agent" not in json.dumps(reply.body)


def test_a_lead_alike_a_customers_is_offered_as_that_customer_back(slack, fake_slack):
    slack.slash(ANN, 'add "Jonathan Smithers" jonathan@acme.com company:"Acme Corporation"')
    slack.slash(ANN, "log L-1 call")
    slack.slash(ANN, "convert L-1 value:2500")
    reply = slack.slash(ANN, 'add Jon Smithers jon.s@gmail.com company:"ACME Corp."')

    assert "Looks like *L-1* Jonathan Smithers · Acme Corporation, a customer's lead" in json.dumps(
        reply.blocks, ensure_ascii=False
    )
    buttons = buttons_in(reply.blocks)[-3:]  # after the card's own
    assert [b.label for b in buttons] == ["Returning customer", "Merge into L-1", "Keep both"]
    slack.click(ANN, buttons[0])
    answer = wait_for_calls(fake_slack, "response_url")[-1].params["text"]
    assert (
        "*L-2* Jon Smithers · ACME Corp. is returning customer Jonathan Smithers (contact of L-1): cycle 2"
        in answer
    )
    assert "*Returning customer:* contact of L-1, cycle 2" in json.dumps(
        slack.slash(ANN, "show L-2").blocks, ensure_ascii=False
    )
