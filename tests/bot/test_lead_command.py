"""/lead through the real Bolt app with signed requests, against the Slack stand-in."""

from support import ANN


def test_add_then_show_a_lead(slack):
    added = slack.slash(ANN, "add “Dana Scully” <mailto:dana@fbi.gov|dana@fbi.gov> company:“FBI”")
    assert added.status == 200
    assert "Added L-1 Dana Scully" in added.text
    shown = slack.slash(ANN, "show L-1")
    assert "dana@fbi.gov" in str(shown.blocks)
