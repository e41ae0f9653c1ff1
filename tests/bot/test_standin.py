"""The Slack stand-in answers the real slack_sdk clients like Slack; its signer satisfies Bolt."""

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from urllib.error import URLError
from urllib.parse import parse_qsl, urlsplit
from urllib.request import urlopen

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.local.standin import FakeSlack, SignedRequest, SlackSigner
from bot.local.standin.server import ApiCall

SECRET = "test-signing-secret"
ANN = {"name": "ann", "real_name": "Ann Lee", "tz": "Europe/Berlin"}
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*L-1* Ada"}}]


def bolt_request(request: SignedRequest) -> BoltRequest:
    headers: dict[str, str | Sequence[str]] = {**request.headers}
    return BoltRequest(body=request.body, headers=headers)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(users={"U1ANN": ANN}) as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_url_is_a_web_api_base_with_trailing_slash(fake: FakeSlack) -> None:
    assert fake.url.startswith("http://127.0.0.1:")
    assert fake.url.endswith("/api/")


def test_auth_test_reports_the_configured_workspace_and_bot(client: WebClient) -> None:
    answer = client.auth_test()

    assert answer["team_id"] == "T0CONSOLE"
    assert answer["team"] == "Console"
    assert answer["user_id"] == "U0LEADBOT"
    assert answer["bot_id"]


def test_post_message_is_recorded_with_its_blocks_and_token(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postMessage(channel="C1", text="New lead", blocks=BLOCKS)

    [call] = fake.calls_to("chat.postMessage")
    assert call.params["blocks"] == BLOCKS
    assert call.params["_token"] == "xoxb-test"
    assert answer["channel"] == "C1"
    assert answer["message"]["blocks"] == BLOCKS


def test_form_encoded_blocks_are_decoded_but_other_values_are_not(fake: FakeSlack, client: WebClient) -> None:
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps(BLOCKS)})
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "[1]"})

    first, second = fake.calls_to("chat.postMessage")
    assert first.params["blocks"] == BLOCKS
    assert second.params["text"] == "[1]"


def test_message_timestamps_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=f"C{n}", text=str(n))["ts"] for n in range(5)]

    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_posting_to_a_user_id_lands_in_their_dm(client: WebClient) -> None:
    assert client.chat_postMessage(channel="U1ANN", text="hi")["channel"] == "D1ANN"


def test_conversations_open_returns_the_dm_channel(client: WebClient) -> None:
    assert client.conversations_open(users="U1ANN")["channel"]["id"] == "D1ANN"


def test_users_info_answers_known_users_with_their_time_zone(client: WebClient) -> None:
    user = client.users_info(user="U1ANN")["user"]

    assert (user["id"], user["name"], user["real_name"]) == ("U1ANN", "ann", "Ann Lee")
    assert user["tz"] == "Europe/Berlin"
    assert user["tz_label"] in ("CET", "CEST") and user["tz_offset"] in (3600, 7200)


def test_users_info_refuses_unknown_users(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U404")

    assert raised.value.response["error"] == "user_not_found"


def test_views_open_answers_with_a_view_id(fake: FakeSlack, client: WebClient) -> None:
    title = {"type": "plain_text", "text": "Add"}
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Who?"}}]
    view = {"type": "modal", "callback_id": "lead.add", "title": title, "blocks": blocks}

    answer = client.views_open(trigger_id="t1", view=view)

    assert answer["view"]["id"].startswith("V")
    assert fake.calls_to("views.open")[0].params["view"]["callback_id"] == "lead.add"


def test_unknown_methods_answer_ok_and_are_recorded(fake: FakeSlack, client: WebClient) -> None:
    assert client.api_call("pins.add", params={"channel": "C1"})["ok"] is True
    assert fake.calls[-1].method == "pins.add"


def test_rate_limit_raises_with_status_and_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    assert fake.calls_to("chat.postMessage")[0].failed is True


def test_rate_limit_retry_handler_gets_through_on_the_next_try(fake: FakeSlack, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail_next("chat.postMessage", retry_after=0)  # the handler still adds up to 1 s jitter

    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert [call.failed for call in fake.calls_to("chat.postMessage")] == [True, False]


def test_status_200_failure_simulates_a_slack_error(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C404", text="hi")

    assert raised.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True


def test_server_error_fails_the_given_number_of_calls(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.update", status=500, times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_update(channel="C1", ts="1.0", text="x")
        assert raised.value.response.status_code == 500
    assert client.chat_update(channel="C1", ts="1.0", text="x")["ok"] is True


def test_down_answers_503_to_everything_until_up(fake: FakeSlack, client: WebClient) -> None:
    fake.down()
    with pytest.raises(SlackApiError) as raised:
        client.auth_test()
    fake.up()

    assert raised.value.response.status_code == 503
    assert client.auth_test()["ok"] is True
    assert [call.failed for call in fake.calls_to("auth.test")] == [True, False]


def test_a_caller_killed_mid_request_leaves_no_call_and_no_refusal(fake: FakeSlack) -> None:
    # A killed process's headers can arrive without their body; Slack never acts on half a
    # request, so the stand-in must not read an empty chat.postMessage (and refuse it).
    address = urlsplit(fake.url)
    with socket.create_connection((address.hostname, address.port)) as dying:
        dying.sendall(
            b"POST /api/chat.postMessage HTTP/1.1\r\nHost: slack\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\nchannel=C1"
        )
        dying.shutdown(socket.SHUT_WR)
        answer = b"".join(iter(lambda: dying.recv(4096), b""))  # until the stand-in hangs up

    assert answer == b""
    assert fake.calls == []
    assert fake.take_refusals() == []


def test_reset_forgets_calls_and_queued_failures(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    fake.fail_next("auth.test")

    fake.reset()

    assert fake.calls == []
    assert client.auth_test()["ok"] is True


def test_response_url_posts_are_recorded_like_api_calls(fake: FakeSlack) -> None:
    url = fake.response_url("lead-add")

    answer = WebhookClient(url).send(text="Captured L-1", replace_original=True)

    assert (answer.status_code, answer.body) == (200, "ok")
    [call] = fake.calls_to("response_url")
    assert call.params["text"] == "Captured L-1"
    assert call.params["replace_original"] is True
    assert call.params["_url"] == url


def test_each_response_url_is_fresh(fake: FakeSlack) -> None:
    assert fake.response_url() != fake.response_url()


def test_files_upload_v2_goes_through_the_absolute_upload_url(fake: FakeSlack, client: WebClient) -> None:
    answer = client.files_upload_v2(channel="C1", content="name,email\n", filename="leads.csv")

    methods = [call.method for call in fake.calls]
    assert methods == ["files.getUploadURLExternal", "upload_url", "files.completeUploadExternal"]
    assert fake.calls_to("upload_url")[0].params["content"] == b"name,email\n"
    assert answer["file"]["id"].startswith("F")


def test_a_completed_upload_is_kept_with_its_bytes(fake: FakeSlack, client: WebClient) -> None:
    client.files_upload_v2(channel="C1", content=b"\x89PNG", filename="chart.png", initial_comment="hi")

    [(file, content)] = fake.uploads.completed
    assert (file["name"], file["mimetype"], file["channels"], content) == (
        "chart.png",
        "image/png",
        ["C1"],
        b"\x89PNG",
    )


def test_uploads_slack_would_refuse_are_refused(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_length:
        client.api_call("files.getUploadURLExternal", params={"filename": "a.csv"})
    never_uploaded = client.files_getUploadURLExternal(filename="a.csv", length=3)
    with pytest.raises(SlackApiError) as not_uploaded:
        client.files_completeUploadExternal(files=[{"id": never_uploaded["file_id"]}])

    assert no_length.value.response["error"] == "invalid_arguments"
    assert not_uploaded.value.response["error"] == "file_not_found"
    assert fake.uploads.completed == []


def test_on_call_sees_every_call_as_it_happens(fake: FakeSlack, client: WebClient) -> None:
    seen: list[ApiCall] = []
    fake.on_call = seen.append
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")

    client.auth_test()
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C404", text="hi")

    assert [(call.method, call.failed) for call in seen] == [
        ("auth.test", False),
        ("chat.postMessage", True),
    ]


@pytest.mark.slack_unlimited  # ten posts to one channel at once: about recording, not pacing
def test_concurrent_calls_are_all_recorded(fake: FakeSlack, client: WebClient) -> None:
    def post(n: int) -> None:
        client.chat_postMessage(channel="C1", text=str(n))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(int(call.params["text"]) for call in fake.calls) == list(range(10))


def test_stop_frees_the_port() -> None:
    server = FakeSlack().start()
    url = server.url
    server.stop()

    with pytest.raises(URLError):  # raw urllib: WebClient would retry the refusal with a sleep
        urlopen(url + "auth.test", data=b"", timeout=1)


# -- SlackSigner ---------------------------------------------------------------


def test_signed_slash_command_passes_slack_sdks_verifier() -> None:
    request = SlackSigner(SECRET).slash_command(
        team_id="T1", user_id="U1ANN", text="add Ada", response_url="http://x/r"
    )

    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)
    form = dict(parse_qsl(request.body))
    assert (form["command"], form["text"], form["team_id"]) == ("/lead", "add Ada", "T1")
    assert form["trigger_id"]


def test_a_request_signed_six_minutes_ago_is_refused() -> None:
    request = SlackSigner(SECRET).slash_command(
        team_id="T1",
        user_id="U1",
        text="help",
        response_url="http://x/r",
        timestamp=int(time.time()) - 360,
    )

    assert not SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)


def test_a_different_secret_is_refused() -> None:
    request = SlackSigner("other-secret").event(team_id="T1", event={"type": "app_home_opened"})

    assert not SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)


def test_trigger_ids_are_fresh_each_time() -> None:
    signer = SlackSigner(SECRET)
    first, second = (
        signer.slash_command(team_id="T1", user_id="U1", text="", response_url="u") for _ in range(2)
    )

    assert dict(parse_qsl(first.body))["trigger_id"] != dict(parse_qsl(second.body))["trigger_id"]


def test_block_action_payload_carries_the_click() -> None:
    message = {"ts": "1700000000.000100", "text": "L-1"}
    request = SlackSigner(SECRET).block_action(
        team_id="T1",
        user_id="U1",
        action_id="lead.claim",
        value="L-1",
        channel_id="C1",
        message=message,
        response_url="http://x/r",
    )

    payload = bolt_request(request).body
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["action_id"] == "lead.claim"
    assert payload["actions"][0]["value"] == "L-1"
    assert payload["message"] == message
    assert payload["container"]["message_ts"] == message["ts"]
    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)


def test_view_submission_wraps_plain_strings_as_text_inputs() -> None:
    request = SlackSigner(SECRET).view_submission(
        team_id="T1",
        user_id="U1",
        callback_id="lead.add",
        values={"name": {"input": "Ada"}},
        private_metadata='{"ref": 1}',
    )

    view = bolt_request(request).body["view"]
    assert view["callback_id"] == "lead.add"
    assert view["private_metadata"] == '{"ref": 1}'
    assert view["state"]["values"]["name"]["input"] == {"type": "plain_text_input", "value": "Ada"}


def test_event_retry_carries_slacks_retry_headers() -> None:
    request = SlackSigner(SECRET).event(
        team_id="T1", event={"type": "app_home_opened", "user": "U1"}, event_id="Ev1", retry_num=1
    )

    body = json.loads(request.body)
    assert (body["type"], body["event_id"], body["team_id"]) == ("event_callback", "Ev1", "T1")
    assert request.headers["X-Slack-Retry-Num"] == "1"
    assert request.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)


# -- both together, through a real Bolt App ------------------------------------


@pytest.fixture
def app(client: WebClient) -> App:
    app = App(client=client, signing_secret=SECRET, process_before_response=True)

    @app.command("/lead")
    def on_lead(ack, respond, command) -> None:  # type: ignore[no-untyped-def]
        ack(text=f"got {command['text']}", response_type="ephemeral")
        respond(text="done")

    return app


def test_bolt_app_runs_a_signed_command_against_the_stand_in(fake: FakeSlack, app: App) -> None:
    request = SlackSigner(SECRET).slash_command(
        team_id="T0CONSOLE", user_id="U1ANN", text="add Ada", response_url=fake.response_url()
    )

    response = app.dispatch(bolt_request(request))

    assert response.status == 200
    assert json.loads(response.body)["text"] == "got add Ada"
    assert fake.calls_to("response_url")[0].params["text"] == "done"
    assert fake.calls_to("auth.test")  # Bolt checked the token at construction


def test_bolt_app_refuses_a_stale_signature(fake: FakeSlack, app: App) -> None:
    request = SlackSigner(SECRET).slash_command(
        team_id="T0CONSOLE",
        user_id="U1ANN",
        text="add Ada",
        response_url=fake.response_url(),
        timestamp=int(time.time()) - 301,
    )

    response = app.dispatch(bolt_request(request))

    assert response.status == 401
    assert fake.calls_to("response_url") == []
