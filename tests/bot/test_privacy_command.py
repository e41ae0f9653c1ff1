"""`/lead privacy export|erase <email>` from Slack: admins only, the export as a file in a
DM, an erasure only after its button, all within the asker's workspace."""

import json

import sqlalchemy as sa
from support import ADA, ANN, wait_for_calls

from bot.local.standin.workspace import buttons_in
from store.tables import LeadRow

EMAIL = "dana@fbi.gov"


def button(reply, label):
    return next(b for b in buttons_in(reply.blocks) if b.label == label)


def names(runtime) -> list[str]:
    with runtime.engine.connect() as connection:
        return list(connection.execute(sa.select(LeadRow.name).order_by(LeadRow.number)).scalars())


def test_a_rep_is_refused_and_nothing_is_sent_or_changed(slack, fake_slack, runtime):
    slack.slash(ANN, f"add Dana Scully {EMAIL}")
    for text in (f"privacy export {EMAIL}", f"privacy erase {EMAIL}"):
        reply = slack.slash(ANN, text)
        assert "for admins" in reply.text and not buttons_in(reply.blocks)
    assert not [c for c in fake_slack.calls if c.method == "upload_url"]
    assert names(runtime) == ["Dana Scully"]


def test_an_admin_gets_the_export_as_a_file_in_a_dm(slack, fake_slack):
    slack.slash(ANN, f"add Dana Scully {EMAIL} company:FBI")
    slack.slash(ANN, "note L-1 prefers email")
    reply = slack.slash(ADA, f"privacy export <mailto:{EMAIL}|{EMAIL}>")
    assert "comes as a file in a DM" in reply.text
    [upload] = wait_for_calls(fake_slack, "upload_url")
    held = json.loads(upload.params["content"].decode())
    [workspace] = held["workspaces"]
    assert workspace["leads"][0]["name"] == "Dana Scully"
    assert "prefers email" in [note["body"] for note in workspace["timeline"]]
    assert "L-1" in wait_for_calls(fake_slack, "chat.postMessage")[-1].params["text"]


def test_erase_asks_first_then_the_button_erases(slack, runtime):
    slack.slash(ANN, f"add Dana Scully {EMAIL}")
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov")
    question = slack.slash(ADA, f"privacy erase {EMAIL}")
    assert "Erase the personal data of dana@fbi.gov (L-1)?" in question.text
    assert names(runtime) == ["Dana Scully", "Fox Mulder"]  # nothing yet

    slack.click(ADA, button(question, "Erase"), message=question.body)

    answer = wait_for_calls(slack.fake, "response_url")[-1].params
    assert "Erased the personal data on L-1" in answer["text"] and answer["replace_original"] is True
    assert EMAIL not in answer["text"]
    assert names(runtime) == ["(erased)", "Fox Mulder"]


def test_cancel_erases_nothing(slack, runtime):
    slack.slash(ANN, f"add Dana Scully {EMAIL}")
    question = slack.slash(ADA, f"privacy erase {EMAIL}")
    slack.click(ADA, button(question, "Cancel"), message=question.body)
    assert "Nothing was erased" in wait_for_calls(slack.fake, "response_url")[-1].params["text"]
    assert names(runtime) == ["Dana Scully"]


def test_nothing_held_and_bad_input_are_said_plainly(slack):
    assert "Nothing is held about nobody@x.co" in slack.slash(ADA, "privacy erase nobody@x.co").text
    assert "neither `export` nor `erase`" in slack.slash(ADA, f"privacy delete {EMAIL}").text
    assert "not an email address" in slack.slash(ADA, "privacy export dana").text


def test_help_lists_privacy(slack):
    assert "privacy export|erase &lt;email&gt;" in slack.slash(ADA, "help privacy").text
