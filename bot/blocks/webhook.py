"""`/lead webhook [rotate]`: what an admin is shown (ephemeral: only they see the secret)."""

from bot.blocks.text import SlackMessage, safe, section
from bot.web.signing import HOW_TO_SIGN

LEADS_PATH = "/webhooks/leads"
EVENTS_PATH = "/webhooks/events"
NOT_ALLOWED = "The webhook secret is for admins: ask one of your workspace's admins."
SINGLE_WORKSPACE = (
    "This Leadbot serves one workspace: its webhooks are signed with `LEADBOT_WEBHOOK_SECRET`, "
    "which the operator sets where Leadbot runs. It is not shown or changed in Slack."
)


def _said(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[section(text)])


def webhook_secret_message(public_url: str | None, secret: str, rotated: bool) -> SlackMessage:
    base = public_url.rstrip("/") if public_url else "https://<Leadbot's address>"
    head = (
        "🔑 A new webhook secret for this workspace: requests signed with the old one are refused now."
        if rotated
        else "🔑 This workspace's webhooks (only you see this message)."
    )
    text = "\n".join(
        (
            head,
            f"Web-form leads: `POST {safe(base + LEADS_PATH, 500)}`",
            f"Engagement events: `POST {safe(base + EVENTS_PATH, 500)}`",
            f"Secret: `{safe(secret, 200)}`",
            f"To sign: {safe(HOW_TO_SIGN, 600)}.",
            "`/lead webhook rotate` makes a new secret.",
        )
    )
    return _said(text)


def single_workspace_message() -> SlackMessage:
    return _said(SINGLE_WORKSPACE)


def not_allowed_message() -> SlackMessage:
    return _said(f"⚠️ {NOT_ALLOWED}")
