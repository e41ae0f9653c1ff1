"""The SLA escalation and the card's speed line: user text escaped, spans short."""

from datetime import UTC, datetime, timedelta

from bot.blocks.sla import breach_message, span, speed_line
from domain.delivery.messages import SlaBreached
from domain.routing.sla import LeadSpeed, SlaStatus

PAYLOAD = {
    "channel": "C0EMEA",
    "lead": {"ref": "L-12", "name": "<!channel> & co"},
    "rep": "U0REP0ANN",
    "minutes": 60,
    "managers": ["U0MGR0MIA", "U0MGR0MAX"],
    "reroute": False,
    "rerouted_to": None,
    "team": "EMEA",
}


def test_the_escalation_names_the_late_rep_and_mentions_the_managers_with_the_name_escaped():
    text = breach_message(SlaBreached.model_validate(PAYLOAD)).text
    assert text == (
        "⏰ L-12 &lt;!channel&gt; &amp; co not contacted within 60 working minutes by <@U0REP0ANN>"
        " — <@U0MGR0MIA> <@U0MGR0MAX>"
    )


def test_the_escalation_says_where_the_lead_went_or_why_it_stayed():
    assert (
        "Re-routed: <@U0REP0BEN> owns L-12 now."
        in breach_message(
            SlaBreached.model_validate({**PAYLOAD, "reroute": True, "rerouted_to": "U0REP0BEN"})
        ).text
    )
    assert (
        "Nobody else in EMEA has room: it stays with <@U0REP0ANN>."
        in breach_message(SlaBreached.model_validate({**PAYLOAD, "reroute": True})).text
    )


def test_spans_read_short():
    spans = [span(timedelta(minutes=m)) for m in (0, 12, 190, 3000)]
    assert spans == ["0 min", "12 min", "3 h 10 min", "2 d 2 h"]


def test_the_speed_line_before_and_after_contact():
    captured = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assigned = captured + timedelta(minutes=12)
    waiting = LeadSpeed(captured, assigned, None, 60, None, SlaStatus.RUNNING)
    assert speed_line(waiting) == "Assigned in 12 min · not contacted yet (SLA 60 min: running)"
    late = LeadSpeed(captured, assigned, assigned + timedelta(minutes=190), 60, None, SlaStatus.BREACHED)
    assert speed_line(late) == "Assigned in 12 min · first contact after 3 h 10 min (SLA 60 min: breached)"
    no_sla = LeadSpeed(captured, assigned, None, None, None, None)
    assert speed_line(no_sla) == "Assigned in 12 min · not contacted yet"
