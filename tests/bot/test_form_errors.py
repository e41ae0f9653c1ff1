"""An unexpected failure while saving the form is shown in the form, not as Slack's generic error."""

import json

from support import ANN

from bot.bootstrap import build_runtime
from bot.ids import CallbackId, FormInput
from bot.local.standin.workspace import in_process


def test_a_crash_on_submit_is_shown_next_to_the_first_field(settings, config, slack, tmp_path):
    private = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/broken.db"})
    runtime = build_runtime(private, config)
    with runtime.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE lead_match_keys")
    broken = type(slack)(in_process(runtime.app), slack.fake, slack.signer, slack.team_id)
    request = slack.signer.view_submission(
        team_id=slack.team_id,
        user_id=ANN,
        callback_id=CallbackId.CAPTURE_FORM,
        values={FormInput.NAME: {FormInput.NAME: "Dana Scully"}},
    )
    reply = broken.send(request)
    assert reply.status == 200
    assert reply.body["response_action"] == "errors"
    assert "Something went wrong" in json.dumps(reply.body["errors"])
