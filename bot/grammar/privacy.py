"""Personal data: `privacy export|erase <email>`, for admins (the listener checks who asks)."""

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import Choice, Word
from bot.grammar.outcomes import ParseEnv
from bot.grammar.spec import Area, Arg, SubcommandSpec, Values
from handlers.operations.privacy import EMAIL_SHAPE, PrivacyRequest

NAME = "privacy"
EXAMPLE_EMAIL = "dana@example.com"
USAGE_EXAMPLE = f"/lead privacy export {EXAMPLE_EMAIL}"


class Email(Word):
    """An email address: what a person is found by (Slack's `<mailto:...|...>` is unwrapped
    before parsing)."""

    placeholder = "email"
    example = EXAMPLE_EMAIL
    what = "the person's email address"


class Verb(Choice):
    """What to do, shown bare as DESIGN.md writes it: `privacy export|erase <email>`."""

    def shape(self, placeholder: str, optional: bool) -> str:
        return placeholder


def _request(values: Values, env: ParseEnv) -> PrivacyRequest:
    email = str(values["email"])
    if not EMAIL_SHAPE.fullmatch(email):
        example = f"/lead privacy {values['action']} {EXAMPLE_EMAIL}"
        raise CommandSyntaxError(f"`{email}` is not an email address: `{example}`.")
    return PrivacyRequest(action=values["action"], email=email)


PRIVACY = SubcommandSpec(
    NAME,
    "Admins: send yourself as a file everything held about a person, or erase their personal "
    "data (asked to confirm first)",
    (
        Arg(
            "action",
            Verb(
                {"export": "export", "erase": "erase"},
                invalid=f"`{{token}}` is neither `export` nor `erase`: `{USAGE_EXAMPLE}`.",
            ),
            what="`export` or `erase`",
        ),
        Arg("email", Email()),
    ),
    (f"/lead privacy export {EXAMPLE_EMAIL}", f"/lead privacy erase {EXAMPLE_EMAIL}"),
    _request,
)

AREA = Area("Personal data", (PRIVACY,))


def asks_for_privacy(text: str) -> bool:
    """`/lead privacy ...`: its own listener answers it (it sends a file, it asks first)."""
    words = text.split(maxsplit=1)
    return bool(words) and words[0].lower() == NAME
