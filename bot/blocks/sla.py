"""Speed-to-lead messages: the SLA escalation in the proposal's thread, and the card's
speed line ("Assigned in 12 min · first contact after 3 h 10 min (SLA 60 min: met)")."""

from datetime import timedelta

from bot.blocks.text import SlackMessage, safe, user
from domain.delivery.messages import SlaBreached
from domain.routing.sla import LeadSpeed, SlaStatus


def breach_message(breach: SlaBreached) -> SlackMessage:
    """ "⏰ L-12 not contacted within 60 working minutes by @ann — @mia @max", then where
    the lead went when the team re-routes on breach."""
    lead, managers = breach.lead, " ".join(user(m) for m in breach.managers)
    late = f"not contacted within {breach.minutes} working minutes by {user(breach.rep)}"
    text = f"⏰ {lead.ref} {safe(lead.name, 200)} {late}" + (f" — {managers}" if managers else "")
    if breach.rerouted_to:
        text += f"\nRe-routed: {user(breach.rerouted_to)} owns {lead.ref} now."
    elif breach.reroute:
        team, rep = safe(breach.team, 80), user(breach.rep)
        text += f"\nNobody else in {team} has room: it stays with {rep}."
    return SlackMessage(text=text)


def speed_line(speed: LeadSpeed) -> str:
    parts = [f"Assigned in {span(speed.to_assignment)}" if speed.to_assignment is not None else ""]
    contact = speed.to_first_contact
    parts.append(f"first contact after {span(contact)}" if contact is not None else "not contacted yet")
    line = " · ".join(p for p in parts if p)
    if speed.sla_minutes is not None and speed.status is not None:
        line += f" (SLA {speed.sla_minutes} min: {STATUS_WORDS[speed.status]})"
    return line


STATUS_WORDS = {
    SlaStatus.RUNNING: "running",
    SlaStatus.MET: "met",
    SlaStatus.BREACHED: "breached",
    SlaStatus.VOID: "stopped",
}


def span(length: timedelta) -> str:
    """12 min, 3 h 10 min, 2 d 4 h: short, rounded down to the minute."""
    minutes = int(length.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"
