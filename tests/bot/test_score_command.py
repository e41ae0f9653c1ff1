"""Rule scores, end to end: the real Bolt app, the signed events
webhook over a socket, the outbox to the Slack stand-in, and time moved by time-machine."""

import json
from datetime import UTC, datetime, timedelta

import time_machine
from support import ANN, BEN, SIGNING_SECRET
from webhook_support import EVENTS, send

from bot.local.standin.signer import SlackSigner
from bot.local.standin.workspace import LocalWorkspace, in_process

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
BANT = 'qualify L-1 budget:yes authority:"VP Sales" need:"replace spreadsheets" timeline:Q1'


def events(*kinds_and_urls: tuple[str, str | None]) -> list[dict]:
    return [
        {"email": "dana@fbi.gov", "event": kind, **({"url": url} if url else {}), "external_id": f"e-{n}"}
        for n, (kind, url) in enumerate(kinds_and_urls)
    ]


def texts(blocks: list[dict]) -> str:
    """What a person reads: every section's mrkdwn, one after the other."""
    return "\n".join(block["text"]["text"] for block in blocks if "text" in block)


def score_card(slack, user: str = ANN) -> str:
    reply = slack.slash(user, "score L-1")
    assert reply.status == 200 and reply.body["response_type"] == "ephemeral"
    return texts(reply.blocks)


def ready_cards(fake_slack) -> list[dict]:
    posts = [call.params for call in fake_slack.calls_to("chat.postMessage")]
    return [p for p in posts if "Ready for sales" in p["text"]]


def workspace(runtime, fake_slack) -> LocalWorkspace:
    return LocalWorkspace(in_process(runtime.app), fake_slack, SlackSigner(SIGNING_SECRET), "T0CONSOLE")


def test_webinar_and_pricing_cross_mql_bant_crosses_sql_one_card_and_a_month_decays(
    server, signed_runtime, fake_slack
):
    slack = workspace(signed_runtime, fake_slack)
    with time_machine.travel(START, tick=False) as clock:
        slack.slash(ANN, "add Dana Scully dana@fbi.gov company:FBI")
        assert "score *0*" in score_card(slack)

        pricing = "https://acme.com/pricing"
        body = events(("webinar_attended", None), ("page_visited", pricing), ("page_visited", pricing))
        assert send(server, body, EVENTS)[1]["matched"] == 3
        card = score_card(slack)
        assert "score *40*" in card and "MQL 40: crossed" in card and "SQL 70: 30 to go" in card
        assert "+20 Webinar attended" in card and "+20 Pricing page ×2" in card
        assert "0 → 40 (+40) event: webinar_attended, page_visited ×2" in card

        slack.slash(ANN, BANT)
        card = score_card(slack)
        assert "score *70*" in card and "SQL 70: crossed" in card and "+30 BANT complete" in card
        assert "40 → 70 (+30) BANT qualification" in card and "handed to sales" in card
        assert "*Status:* qualified" in texts(slack.slash(ANN, "show L-1").blocks)

        signed_runtime.run_jobs(START)
        slack.slash(ANN, 'qualify L-1 budget:"yes, 50k"')  # rescored again, still over SQL
        send(server, body, EVENTS)  # a resend: nothing new
        signed_runtime.run_jobs(START + timedelta(minutes=1))
        [ready] = ready_cards(fake_slack)
        assert ready["channel"] == "C0SALES" and "*L-1* Dana Scully · FBI, score 70" in ready["text"]

        clock.move_to(START + timedelta(days=30))
        signed_runtime.run_jobs(START + timedelta(days=30))
        card = score_card(slack)
        assert "score *50*" in card  # engagement 40 halved over one 30-day half-life
        assert "Decay so far: -20" in card and "70 → 50 (-20) daily decay" in card
        assert "SQL 70: crossed" in card  # a lead handed to sales stays handed over
        assert len(ready_cards(fake_slack)) == 1


def test_score_of_a_lead_named_to_ping_everyone_pings_nobody(slack):
    slack.slash(ANN, "add <!channel> Scully dana@fbi.gov title:VP")

    reply = slack.slash(ANN, "score L-1")

    assert "&lt;!channel&gt; Scully" in texts(reply.blocks)
    assert "<!channel>" not in json.dumps(reply.body)
    assert "+15 Senior title" in texts(reply.blocks)
    assert len(reply.blocks) <= 50 and all(len(b["text"]["text"]) <= 3000 for b in reply.blocks)


def test_score_with_a_bad_lead_or_extra_words_says_how_to_write_it(slack):
    slack.slash(ANN, "add Dana Scully")

    for text in ("score", "score L-x", "score L-1 please"):
        reply = slack.slash(ANN, text)
        assert reply.text.startswith("⚠️") and "/lead score L-12" in reply.text
    assert "no lead L-9" in slack.slash(ANN, "score L-9").text


def test_someone_who_may_not_see_the_lead_is_told_so(slack):
    slack.slash(ANN, "add Dana Scully")

    reply = slack.slash(BEN, "score L-1")

    assert reply.text.startswith("⚠️") and "score" not in json.dumps(reply.blocks[1:])
