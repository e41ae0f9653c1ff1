"""The WSGI application around the route table, called as a WSGI server calls it."""

import io
import json

from bot.web.routes import Headers, Reply
from bot.web.wsgi import LeadbotWsgi


def call(
    app: LeadbotWsgi, method: str, path: str, body: bytes = b"", **environ: str
) -> tuple[str, dict, bytes]:
    answered: dict = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answered.update(status=status, headers=dict(headers))

    base = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    chunks = app({**base, **environ}, start_response)
    return answered["status"], answered["headers"], b"".join(chunks)


def echo(query: str, headers: Headers, body: bytes) -> Reply:
    seen = {"query": query, "signature": headers.get("X-Slack-Signature"), "body": body.decode()}
    return 200, {"content-type": "application/json"}, json.dumps(seen).encode()


def test_an_endpoint_gets_the_query_the_headers_by_their_http_names_and_the_raw_body():
    app = LeadbotWsgi({("POST", "/echo"): echo})
    status, headers, body = call(
        app, "POST", "/echo", b"a=1", QUERY_STRING="x=y", HTTP_X_SLACK_SIGNATURE="v0=abc"
    )
    assert status == "200 OK" and headers["Content-Length"] == str(len(body))
    assert json.loads(body) == {"query": "x=y", "signature": "v0=abc", "body": "a=1"}


def test_a_path_or_method_not_in_the_table_is_404():
    app = LeadbotWsgi({("POST", "/echo"): echo})
    assert call(app, "GET", "/echo")[0] == "404 Not Found"
    assert call(app, "POST", "/other")[0] == "404 Not Found"


def test_a_body_over_the_limit_is_413_and_a_bad_length_400():
    app = LeadbotWsgi({("POST", "/echo"): echo}, max_body=10)
    assert call(app, "POST", "/echo", b"x" * 11)[0] == "413 Request Entity Too Large"
    assert call(app, "POST", "/echo", b"x", CONTENT_LENGTH="-1")[0] == "400 Bad Request"


def test_an_endpoint_that_fails_answers_500_without_a_traceback(caplog):
    def broken(query: str, headers: Headers, body: bytes) -> Reply:
        raise RuntimeError("secret detail")

    status, _headers, body = call(LeadbotWsgi({("GET", "/x"): broken}), "GET", "/x")
    assert status == "500 Internal Server Error"
    assert b"secret detail" not in body and b"Traceback" not in body
    assert "secret detail" in caplog.text  # the log has it, for us
