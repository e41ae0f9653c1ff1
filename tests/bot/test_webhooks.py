"""`POST /webhooks/leads` over a real socket: signed web-form leads, refusals, resends, duplicates."""

import http.client
import json
from datetime import UTC, datetime, timedelta

import pytest
from support import pydantic_says
from typer.testing import CliRunner
from webhook_support import post, send, signature, start

from bot.bootstrap import Runtime
from bot.operations.cli import cli
from bot.web.webhooks import MAX_BODY
from domain.config import CONSOLE_WORKSPACE

DANA = {"name": "Dana Scully", "email": "dana@fbi.gov", "company": "FBI"}


def leads_in(runtime: Runtime) -> list:
    with runtime.uow_factory() as uow:
        return uow.leads.all()


def exported(database_url: str) -> list[dict]:
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": None, "LEADBOT_CONFIG": None}
    result = CliRunner().invoke(cli, ["export", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_signed_lead_is_created_with_its_source_and_announced_in_its_team_channel(
    server, signed_runtime, fake_slack
):
    status, answer = send(server, {**DANA, "name": "Dana <!channel> Scully"})
    assert (status, answer) == (201, {"id": "L-1", "outcome": "created", "duplicate_of": None})
    [lead] = leads_in(signed_runtime)
    assert lead.team_id == CONSOLE_WORKSPACE and lead.source == "web form" and lead.owner_id is None

    signed_runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=1))
    [post_] = fake_slack.calls_to("chat.postMessage")
    assert post_.params["channel"] == "C0SALES"
    assert "L-1" in post_.params["text"] and "&lt;!channel&gt;" in post_.params["text"]
    assert "<!channel>" not in json.dumps(post_.params)


def test_a_source_the_form_gives_is_kept(server, signed_runtime):
    assert send(server, {**DANA, "source": "Google Ads", "campaign": "Q4"})[0] == 201
    [lead] = leads_in(signed_runtime)
    assert (lead.source, lead.campaign) == ("Google Ads", "Q4")


def test_read_only_export_fields_are_ignored(server, signed_runtime):
    status, answer = send(server, {**DANA, "id": "L-99", "status": "won", "owner": "U0REP0ANN"})
    assert status == 201 and answer["id"] == "L-1"
    [lead] = leads_in(signed_runtime)
    assert str(lead.status) != "won" and lead.owner_id is None


def test_an_export_row_posted_back_is_taken(server, signed_runtime, database_url):
    assert send(server, DANA)[0] == 201
    [row] = exported(database_url)
    assert send(server, {**row, "email": "fox@fbi.gov", "name": "Fox Mulder"})[0] == 201


def test_an_unknown_field_gets_422_with_the_field_meant_and_stores_nothing(server, signed_runtime):
    status, answer = send(server, {"name": "Typo Field", "compnay": "Acme"})

    assert status == 422 and answer["error"] == "invalid lead"
    assert answer["fields"] == [
        {"field": "compnay", "problem": 'Unknown field "compnay": did you mean "company"?'}
    ]
    assert leads_in(signed_runtime) == []


def test_an_unknown_field_like_no_other_lists_the_fields_to_send(server, signed_runtime):
    status, answer = send(server, {**DANA, "utm": "x"})
    assert status == 422 and answer["fields"][0]["field"] == "utm"
    assert "send only" in answer["fields"][0]["problem"] and "company" in answer["fields"][0]["problem"]
    assert leads_in(signed_runtime) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Leadbot-Signature": "sha256=" + "0" * 64},
        {"X-Leadbot-Signature": signature(json.dumps(DANA).encode(), "another-secret")},
        {"X-Leadbot-Signature": "sha256=é"},
    ],
    ids=["missing", "zeros", "other secret", "non-ascii"],
)
def test_a_bad_or_missing_signature_gets_401_and_stores_nothing(server, signed_runtime, headers):
    status, answer = post(server, json.dumps(DANA).encode(), headers)
    assert status == 401 and "X-Leadbot-Signature" in answer["error"]
    assert leads_in(signed_runtime) == []


def test_a_body_tampered_after_signing_gets_401(server, signed_runtime):
    body = json.dumps(DANA).encode()
    forged = body.replace(b"Dana", b"Evil")
    assert post(server, forged, {"X-Leadbot-Signature": signature(body)})[0] == 401
    assert leads_in(signed_runtime) == []


@pytest.mark.parametrize("body", [b'{"name": "Dana', b"", b'["Dana Scully"]', b"[" * 40_000])
def test_a_body_that_is_not_a_json_object_gets_400(server, signed_runtime, body):
    status, answer = send(server, body)
    assert status == 400 and answer["error"]
    assert leads_in(signed_runtime) == []


def test_a_body_over_64_kib_gets_413(server, signed_runtime):
    status, _ = send(server, json.dumps({**DANA, "title": "x" * MAX_BODY}).encode())
    assert status == 413
    assert leads_in(signed_runtime) == []


def test_a_lead_with_neither_name_nor_email_gets_422_naming_both(server, signed_runtime):
    status, answer = send(server, {"name": "  ", "company": "FBI"})
    assert status == 422 and answer["error"] == "invalid lead"
    assert {f["field"] for f in answer["fields"]} == {"name", "email"}
    assert leads_in(signed_runtime) == []


@pytest.mark.parametrize(
    ("lead", "field"),
    [
        ({**DANA, "email": "dana-at-fbi"}, "email"),
        ({**DANA, "phone": "call me maybe"}, "phone"),
        ({**DANA, "company": ["FBI"]}, "company"),
        ({**DANA, "team": "nope"}, "team"),
        ({**DANA, "name": "D" * 201}, "name"),
    ],
)
def test_a_bad_field_gets_422_naming_it_and_stores_nothing(server, signed_runtime, lead, field):
    status, answer = send(server, lead)
    assert status == 422
    assert [f["field"] for f in answer["fields"]] == [field] and answer["fields"][0]["problem"]
    assert not any(pydantic_says(f["problem"]) for f in answer["fields"]), answer
    assert leads_in(signed_runtime) == []


def test_a_phone_sent_as_a_number_is_taken(server, signed_runtime):
    assert send(server, {"name": "Dana Scully", "phone": 12025550143})[0] == 201
    assert leads_in(signed_runtime)[0].phone == "+12025550143"


def test_the_same_external_id_twice_updates_one_lead_and_logs_the_change(server, signed_runtime):
    assert send(server, {**DANA, "external_id": "form-7"})[0] == 201
    status, answer = send(server, {**DANA, "external_id": "form-7", "title": "Special Agent"})
    assert (status, answer) == (200, {"id": "L-1", "outcome": "updated", "duplicate_of": None})
    [lead] = leads_in(signed_runtime)
    assert lead.title == "Special Agent"
    with signed_runtime.uow_factory() as uow:
        notes = [a.body for a in uow.activities.latest(lead, 10)]
    assert any("same external id" in note and "title" in note for note in notes)


def test_a_resend_is_not_announced_twice(server, signed_runtime, fake_slack):
    send(server, {**DANA, "external_id": "form-7"})
    send(server, {**DANA, "external_id": "form-7"})
    signed_runtime.run_jobs(datetime.now(UTC) + timedelta(seconds=1))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_likely_duplicate_is_flagged_in_the_answer_and_the_export(server, database_url):
    send(server, {"name": "Jonathan Smithers", "email": "jonathan@acme.com", "company": "Acme Corporation"})
    status, answer = send(
        server, {"name": "Jon Smithers", "phone": "+1 202 555 0143", "company": "ACME Corp."}
    )
    assert (status, answer) == (201, {"id": "L-2", "outcome": "created", "duplicate_of": "L-1"})
    rows = {row["id"]: row for row in exported(database_url)}
    assert rows["L-2"]["duplicate_of"] == "L-1" and rows["L-1"]["duplicate_of"] is None
    assert rows["L-2"]["source"] == "web form"


def test_without_a_secret_the_webhook_is_off_with_503(runtime):
    running = start(runtime)
    try:
        body = json.dumps(DANA).encode()
        status, answer = post(running, body, {"X-Leadbot-Signature": signature(body)})
    finally:
        running.shutdown()
        running.server_close()
    assert status == 503 and "LEADBOT_WEBHOOK_SECRET" in answer["error"]
    assert leads_in(runtime) == []


def test_a_negative_content_length_gets_400_rather_than_a_read_until_hang_up(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.putrequest("POST", "/webhooks/leads")
    connection.putheader("Content-Length", "-1")
    connection.endheaders()
    assert connection.getresponse().status == 400


def test_a_forms_expected_value_and_close_month_are_kept(server, signed_runtime):
    assert send(server, {**DANA, "value": 12000, "close": "2027-03"})[0] == 201
    [lead] = leads_in(signed_runtime)
    assert (str(lead.expected_value), f"{lead.expected_close:%Y-%m}") == ("12000.00", "2027-03")


def test_a_close_month_that_is_not_one_is_refused_naming_the_field(server, signed_runtime):
    status, answer = send(server, {**DANA, "close": "next spring"})
    assert status == 422 and answer["fields"][0]["field"] == "close"
    assert "close:2027-03" in answer["fields"][0]["problem"]
    assert leads_in(signed_runtime) == []
