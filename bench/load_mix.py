"""The requests of `bench/load.py`: a weighted mix of what Slack and web forms send, each
signed as its sender signs it, each with a tag that finds its answer and its effect later."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.ids import ActionId, CallbackId, FormInput
from bot.local.standin import FakeSlack, SlackSigner
from bot.web.signing import sign

REPS = ("U0REP0ANN", "U0REP0BEN")  # the default config's reps: their own leads, their notes
TEAM_ID = "T0CONSOLE"
CHANNELS = tuple(f"C0LOAD{n:03d}" for n in range(20))  # modal replies spread as people are

# kind -> share of the requests (sums to 1): mostly commands and clicks, as reps work
MIX = {
    "add": 0.25,
    "note": 0.10,
    "remind": 0.10,
    "log_call": 0.15,
    "remind_tomorrow": 0.10,
    "modal": 0.05,
    "web_lead": 0.15,
    "event": 0.10,
}
ANSWERED_BY_RESPONSE_URL = {"log_call", "remind_tomorrow"}  # acked empty; the answer comes later


@dataclass(frozen=True, slots=True)
class Seed:
    """A lead made before the run, owned by `rep`: what notes, reminders and clicks are about."""

    number: int
    rep: str
    email: str


@dataclass(slots=True)
class Request:
    index: int
    kind: str
    path: str
    body: bytes
    headers: dict[str, str]
    tag: str  # in its response_url, or in what its answer says (the modal's lead name)
    sent_at: float = 0.0  # time.time()
    ack_ms: float | None = None
    status: int = 0
    reply: str = ""
    error: str = ""
    answered_in_ack: bool = False
    seen_ms: float | None = None  # until the person sees the answer
    extra: dict[str, str] = field(default_factory=dict)


class Mix:
    def __init__(
        self, nonce: str, fake: FakeSlack, slack: SlackSigner, webhook_secret: bytes, seeds: list[Seed]
    ) -> None:
        self.nonce, self.fake, self.slack, self.secret, self.seeds = nonce, fake, slack, webhook_secret, seeds
        self._kinds, self._weights = zip(*MIX.items(), strict=True)
        self._makers: dict[str, Callable[[int, random.Random], Request]] = {
            "add": self.add,
            "note": self.note,
            "remind": self.remind,
            "log_call": self.click(ActionId.LOG_CALL),
            "remind_tomorrow": self.click(ActionId.REMIND_TOMORROW),
            "modal": self.modal,
            "web_lead": self.web_lead,
            "event": self.event,
        }

    def request(self, index: int, rng: random.Random) -> Request:
        kind = rng.choices(self._kinds, self._weights)[0]
        return self._makers[kind](index, rng)

    def tag(self, index: int) -> str:
        return f"load-{self.nonce}-{index}"

    def _command(self, index: int, kind: str, user: str, text: str) -> Request:
        signed = self.slack.slash_command(
            team_id=TEAM_ID, user_id=user, text=text, response_url=self.fake.response_url(self.tag(index))
        )
        return Request(index, kind, "/slack/events", signed.body.encode(), signed.headers, self.tag(index))

    def add(self, index: int, rng: random.Random) -> Request:
        text = f'add "{person_name(rng)}" p{index}.{self.nonce}@example.com source:cmd-{self.nonce}'
        return self._command(index, "add", rng.choice(REPS), text)

    def note(self, index: int, rng: random.Random) -> Request:
        seed = rng.choice(self.seeds)
        return self._command(index, "note", seed.rep, f"note L-{seed.number} load note {self.tag(index)}")

    def remind(self, index: int, rng: random.Random) -> Request:
        seed = rng.choice(self.seeds)
        text = f"remind L-{seed.number} in 3 days load reminder {self.tag(index)}"
        return self._command(index, "remind", seed.rep, text)

    def click(self, action: ActionId) -> Callable[[int, random.Random], Request]:
        def make(index: int, rng: random.Random) -> Request:
            seed = rng.choice(self.seeds)
            message = {"type": "message", "ts": f"1700000000.{index:06d}", "text": f"L-{seed.number}"}
            signed = self.slack.block_action(
                team_id=TEAM_ID,
                user_id=seed.rep,
                action_id=action.value,
                value=str(seed.number),
                channel_id=CHANNELS[0],
                message=message,
                response_url=self.fake.response_url(self.tag(index)),
            )
            kind = "log_call" if action is ActionId.LOG_CALL else "remind_tomorrow"
            return Request(
                index, kind, "/slack/events", signed.body.encode(), signed.headers, self.tag(index)
            )

        return make

    def modal(self, index: int, rng: random.Random) -> Request:
        name = f"{person_name(rng)} {self.nonce}{index}"
        values = {
            FormInput.NAME: {FormInput.NAME: name},
            FormInput.EMAIL: {FormInput.EMAIL: f"m{index}.{self.nonce}@example.com"},
            FormInput.SOURCE: {FormInput.SOURCE: f"modal-{self.nonce}"},
        }
        channel = rng.choice(CHANNELS)
        signed = self.slack.view_submission(
            team_id=TEAM_ID,
            user_id=rng.choice(REPS),
            callback_id=CallbackId.CAPTURE_FORM.value,
            values={str(k): {str(a): v for a, v in acts.items()} for k, acts in values.items()},
            private_metadata=json.dumps({"channel_id": channel}),
            view_id=f"VLOAD{index:08d}",
        )
        return Request(index, "modal", "/slack/events", signed.body.encode(), signed.headers, name)

    def _webhook(self, index: int, kind: str, path: str, payload: dict[str, str]) -> Request:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **webhook_headers(self.secret, body)}
        return Request(index, kind, path, body, headers, self.tag(index))

    def web_lead(self, index: int, rng: random.Random) -> Request:
        payload = {
            "name": person_name(rng),
            "email": f"w{index}.{self.nonce}@example.com",
            "source": f"web-{self.nonce}",
            "external_id": self.tag(index),
        }
        return self._webhook(index, "web_lead", "/webhooks/leads", payload)

    def event(self, index: int, rng: random.Random) -> Request:
        seed = rng.choice(self.seeds)
        payload = {
            "email": seed.email,
            "event": "page_visited",
            "url": f"https://example.com/pricing?{index}",
            "external_id": self.tag(index),
        }
        return self._webhook(index, "event", "/webhooks/events", payload)


def person_name(rng: random.Random) -> str:
    """A made-up name unlike the others, so that the duplicate check flags none of them (a
    flagged form is asked again, not saved: see asked_again)."""
    return " ".join(_word(rng) for _ in range(2))


def _word(rng: random.Random) -> str:
    syllables = rng.randint(2, 3)
    word = "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(syllables))
    return word.capitalize() + rng.choice("nrslt")


def asked_again(request: Request) -> bool:
    """The form came back (a likely duplicate to confirm, a field to fix): nothing saved yet."""
    if request.kind != "modal" or not request.reply.strip():
        return False
    return json.loads(request.reply).get("response_action") in ("update", "errors", "push")


def webhook_headers(secret: bytes, body: bytes) -> dict[str, str]:
    import time

    stamp = int(time.time())
    return {"X-Leadbot-Timestamp": str(stamp), "X-Leadbot-Signature": sign(secret, body, stamp)}
