"""Routing messages stay inside Block Kit's limits and escape what people and configs wrote."""

import json

from bot.blocks.routing import decided_message, proposal_message, thread_reply
from bot.ids import ROUTING_BLOCK_PREFIX, RoutingAction
from domain.delivery.messages import ProposalDecided, RoutingProposal


def payload(reps: int = 3, **overrides) -> dict:
    notes = [
        {"user_id": f"U{n:04d}", "skipped": n % 2 == 1, "detail": "has 4 of 10 open"} for n in range(reps)
    ]
    lead = {"ref": "L-7", "name": "<!channel> & co", "company": "A<b>", "country": "DE", "product": "X"}
    return {
        "channel": "C0EMEA",
        "assignment_id": 12,
        "lead": lead,
        "team": "EMEA <!here>",
        "rule": "EMEA-<enterprise>",
        "rep": "U0001",
        "notes": notes,
        **overrides,
    }


def test_the_proposal_carries_approve_reassign_and_reject_for_its_assignment():
    message = proposal_message(RoutingProposal.model_validate(payload()))
    actions = message.blocks[-1]
    assert actions["block_id"] == f"{ROUTING_BLOCK_PREFIX}12"
    assert [e["action_id"] for e in actions["elements"]] == [a.value for a in RoutingAction]
    assert [e.get("value") for e in actions["elements"]] == ["12", None, "12"]


def test_user_and_config_text_is_escaped_everywhere():
    for message in (
        proposal_message(RoutingProposal.model_validate(payload())),
        decided_message(ProposalDecided.model_validate(payload(decision="approve", by="U0MGR"))),
        thread_reply(ProposalDecided.model_validate(payload(decision="reject", by="U0MGR"))),
    ):
        shown = json.dumps(message.blocks) + message.text
        assert "<!channel>" not in shown and "<!here>" not in shown and "<enterprise>" not in shown
    assert "&lt;!channel&gt; &amp; co" in proposal_message(RoutingProposal.model_validate(payload())).text


def test_a_team_of_200_reps_stays_within_the_section_and_block_limits():
    message = proposal_message(RoutingProposal.model_validate(payload(reps=200)))
    assert len(message.blocks) <= 50
    assert all(len(block["text"]["text"]) <= 3000 for block in message.blocks if block["type"] == "section")
    assert "skipped: has 4 of 10 open" in json.dumps(message.blocks)
    assert "…and 185 more reps" in json.dumps(message.blocks, ensure_ascii=False)
