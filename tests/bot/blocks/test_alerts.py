"""The admin's delivery alert names the place, Slack's error and what to do, and escapes."""

from bot.blocks.alerts import delivery_alert
from domain.delivery.messages import AdminAlert


def test_the_alert_for_a_channel_says_how_many_what_and_to_invite_leadbot():
    text = delivery_alert(
        AdminAlert.model_validate(
            {
                "user": "U0ADM",
                "channel_id": "C0GONE",
                "error": "not_in_channel",
                "count": 2,
                "kinds": ["lead_announced"],
                "leads": ["L-1", "L-2"],
            }
        )
    ).text
    assert "2 messages (lead_announced) about L-1, L-2 to <#C0GONE>" in text
    assert "`not_in_channel`" in text and "invite Leadbot to <#C0GONE>" in text


def test_a_person_who_left_gets_advice_about_their_leads():
    text = delivery_alert(
        AdminAlert.model_validate(
            {"user": "U0ADM", "person": "U0GONE", "error": "account_inactive", "count": 1}
        )
    ).text
    assert "1 message " in text and "<@U0GONE>" in text and "reassign their leads" in text


def test_odd_destinations_and_errors_cannot_inject_mrkdwn():
    text = delivery_alert(
        AdminAlert.model_validate(
            {"user": "U0ADM", "channel_id": "<!channel>", "error": "<!here>", "count": 1}
        )
    ).text
    assert "<!channel>" not in text and "<!here>" not in text
