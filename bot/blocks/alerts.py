"""The admin's DM about messages Slack refused for good: what, where, why, and what to do."""

import re

from bot.blocks.text import SlackMessage, safe
from domain.delivery.messages import AdminAlert

SLACK_ID = re.compile(r"^[A-Z0-9]{2,}$")

# Slack's error -> what an admin can do about it; anything else is reported with the generic advice.
ADVICE = {
    "channel_not_found": "invite Leadbot to {where} or fix the team's channel in the config",
    "not_in_channel": "invite Leadbot to {where} (`/invite @Leadbot`) or fix the team's channel "
    "in the config",
    "is_archived": "unarchive {where} or point the team at another channel in the config",
    "user_not_found": "{where} is not in this workspace any more: reassign their leads and update the config",
    "user_disabled": "{where} was deactivated: reassign their leads and update the config",
    "account_inactive": "{where} was deactivated: reassign their leads and update the config",
    "cannot_dm_bot": "{where} is a bot: take it out of the config",
    "invalid_auth": "check SLACK_BOT_TOKEN, or reinstall Leadbot in the workspace",
    "token_revoked": "reinstall Leadbot in the workspace and update SLACK_BOT_TOKEN",
}
GENERIC = "check Slack's status and Leadbot's log; if {where} looks right, tell whoever runs Leadbot"


def delivery_alert(alert: AdminAlert) -> SlackMessage:
    where = _where(alert)
    count = alert.count
    what = f"{count} message{'s' if count != 1 else ''} ({', '.join(alert.kinds)})"
    leads = f" about {', '.join(alert.leads)}" if alert.leads else ""
    error = safe(alert.error, 200)
    advice = ADVICE.get(alert.error, GENERIC).format(where=where)
    text = (
        f":warning: Leadbot could not deliver {what}{leads} to {where}: Slack said `{error}`, "
        f"so they will not be retried.\n*What to do:* {advice}."
    )
    return SlackMessage(text=text)


def _where(alert: AdminAlert) -> str:
    if alert.channel_id:
        return _mention("#", alert.channel_id)
    if alert.person:
        return _mention("@", alert.person)
    return "a destination its stored form no longer names"


def _mention(sigil: str, slack_id: str) -> str:
    # Slack renders <#C123> as the channel's name; anything not shaped like an id is shown as text.
    if SLACK_ID.match(slack_id):
        return f"<{sigil}{slack_id}> (`{slack_id}`)"
    return f"`{safe(slack_id, 80)}`"
