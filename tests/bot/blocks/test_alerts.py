"""The admin's delivery alert names the place, Slack's error and what to do, and escapes."""

from bot.blocks.alerts import delivery_alert
from domain.delivery.alerts import Undelivered, group_undelivered
from domain.delivery.messages import AdminAlert, OutboxMessage, Unreadable


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


def test_an_unreadable_message_that_names_no_place_is_not_pinned_on_a_person():
    body = Unreadable(kind="channel_post", payload={"text": "hi"}, error="does not fit its model")
    [group] = group_undelivered([Undelivered(OutboxMessage("T1", "k-1", body), "unreadable payload")])
    alert = group.alert("U0ADM").body
    assert isinstance(alert, AdminAlert)

    text = delivery_alert(alert).text

    assert "<@" not in text and "`?`" not in text
    assert "a destination its stored form no longer names" in text
