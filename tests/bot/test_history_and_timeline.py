"""The timeline shows what the lead did (engagement events) and what Leadbot changed (routed,
assigned); `/lead history` shows managers the audit trail, paged, through the real Bolt app."""

import json

from support import ANN, BEN, MIA, SIGNING_SECRET, wait_for_calls
from webhook_support import EVENTS, send

from bot.local.standin import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, buttons_in, in_process
from domain.config import CONSOLE_WORKSPACE

DANA = {"name": "Dana Scully", "email": "dana@fbi.gov", "company": "FBI"}
WEBINAR = {"email": "dana@fbi.gov", "event": "webinar_attended", "external_id": "zoom-77"}
PRICING = {"email": "dana@fbi.gov", "event": "page_visited", "url": "https://acme.com/pricing"}


def shown(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_the_timeline_shows_engagement_and_assignments(server, signed_runtime, fake_slack):
    slack = LocalWorkspace(
        in_process(signed_runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), CONSOLE_WORKSPACE
    )
    assert send(server, DANA)[0] == 201
    assert send(server, [WEBINAR, PRICING], EVENTS)[0] == 200
    slack.slash(MIA, f"assign L-1 <@{ANN}|ann>")
    slack.slash(MIA, f"assign L-1 <@{BEN}|ben>")
    card = shown(slack.slash(MIA, "show L-1").blocks)
    assert "🌐" in card and "engagement webinar attended" in card
    assert "page visited: https://acme.com/pricing" in card
    assert f"Assigned to <@{ANN}>" in card and f"Reassigned from <@{ANN}> to <@{BEN}>" in card


def test_a_lead_named_like_a_mention_is_still_escaped_on_the_timeline(slack):
    slack.slash(ANN, "add <!channel> x@y.co")
    slack.slash(ANN, "note L-1 ping <@U0REP0BEN> and <!here>")
    card = shown(slack.slash(ANN, "show L-1").blocks)
    assert "<!here>" not in card and "<!channel>" not in card


def test_a_manager_pages_through_the_audit_trail_and_a_rep_is_refused(slack, fake_slack):
    slack.slash(ANN, "add Fox Mulder fox@fbi.gov")
    for n in range(12):
        slack.slash(MIA, f"assign L-1 <@{(ANN, BEN)[n % 2]}|rep>")
    first = slack.slash(MIA, "history L-1")
    assert "*Audit trail of L-1* Fox Mulder: 13 entries, newest first (1–10, page 1 of 2)" in shown(
        first.blocks
    )
    assert f"owner: <@{BEN}> → <@{ANN}>" in shown(first.blocks)
    [next_page] = [b for b in buttons_in(first.blocks) if b.label == "Next"]
    slack.click(MIA, next_page)
    second = wait_for_calls(fake_slack, "response_url")[0].params
    assert second["replace_original"] is True and "11–13" in shown(second["blocks"])
    assert "*captured*" in shown(second["blocks"])
    refused = slack.slash(ANN, "history L-1")
    assert "The audit trail is for managers and admins: `/lead show L-1`" in refused.text
