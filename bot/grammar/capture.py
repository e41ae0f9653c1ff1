"""Capture: `add`, `import`, `merge`, `unmerge`."""

import re

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.kinds import KeyValues, Keyword, Kind, LeadRef
from bot.grammar.outcomes import OpenCaptureForm, OpenImportForm, Parsed, ParseEnv
from bot.grammar.spec import LEAD, Area, Arg, SubcommandSpec, Values, makes
from domain.capture.normalize import looks_like_email, looks_like_phone
from handlers.commands import AddLead, MergeLeads, UndoMerge

_PHONE_START = re.compile(r"^[+(\d][\d()\-.]*$")
_PHONE_PART = re.compile(r"^[\d()\-.]+$")


def join_phone_runs(tokens: list[str]) -> list[str]:
    """`+1 202 555 0143` typed without quotes arrives as four tokens: make it one."""
    joined: list[str] = []
    for token in tokens:
        previous = joined[-1] if joined else ""
        if _PHONE_PART.match(token) and _PHONE_START.match(previous.replace(" ", "")):
            joined[-1] = f"{previous} {token}"
        else:
            joined.append(token)
    return joined


class Email(Kind):
    """Meant as an email, so a typo in it is reported rather than taken into the name."""

    example = "dana@fbi.gov"

    def accepts(self, token: str) -> bool:
        return looks_like_email(token)


class Phone(Kind):
    """A phone wherever it is typed in `add`, spaces and all."""

    example = "+1 202 555 0143"

    def accepts(self, token: str) -> bool:
        return looks_like_phone(token)

    def prepare(self, tokens: list[str]) -> list[str]:
        return join_phone_runs(tokens)


class NameWords(Kind):
    """Every word no other argument takes: the lead's name, in the order typed."""

    example = "Dana Scully"
    catch_all = True
    many = True


def _build_add(values: Values, env: ParseEnv) -> AddLead | OpenCaptureForm:
    if not values:
        return OpenCaptureForm()
    fields = values.get("fields", {})
    if "name" in fields:
        raise CommandSyntaxError("Give the name first, without `name:`.")
    words, email, phone = values.get("name", []), values.get("email"), values.get("phone")
    if not words and email is None:  # the capture rule: a name or an email
        example = f"/lead add Jane Doe {phone or ''}".strip()
        raise CommandSyntaxError(f"A lead needs a name or an email: `{example}`.")
    name = " ".join(words) or None
    return AddLead(name=name, email=email, phone=phone, fields=fields, request_key=env.request_key)


def _open_import_form(values: Values, env: ParseEnv) -> Parsed:
    return OpenImportForm()


# `into` is required: without it, which lead goes and which stays is a guess.
MERGE_ORDER = "Name the duplicate, then `into`, then the lead to keep."

ADD = SubcommandSpec(
    "add",
    "Capture a new lead (`/lead add` alone opens a form)",
    (
        Arg("name", NameWords()),
        Arg("email", Email(), optional=True, keyed=True),
        Arg("phone", Phone(), optional=True, keyed=True),
        Arg("fields", KeyValues(), optional=True),
    ),
    (
        "/lead add “Dana Scully” dana@fbi.gov +1 202 555 0143 company:FBI",
        '/lead add Jon Smithers company:"ACME Corp" source:referral',
    ),
    _build_add,
    any_order=True,
)

AREA = Area(
    "Capture",
    (
        ADD,
        SubcommandSpec(
            "import",
            "Managers: import leads from a CSV attached in a form (rows checked, duplicates flagged)",
            (),
            ("/lead import",),
            _open_import_form,
            extra="`/lead import` takes no file name: run it alone and attach the CSV in the form "
            "(from a terminal: `leadbot import FILE.csv`).",
        ),
        SubcommandSpec(
            "merge",
            "Fold a duplicate into the lead to keep (both histories stay)",
            (
                Arg("duplicate", LeadRef(), placeholder="duplicate", missing=MERGE_ORDER),
                Arg("into", Keyword("into", invalid=MERGE_ORDER), missing=MERGE_ORDER),
                Arg("lead", LeadRef(), field="keep", missing=MERGE_ORDER),
            ),
            ("/lead merge L-43 into L-42",),
            makes(MergeLeads),
            extra=MERGE_ORDER,
        ),
        SubcommandSpec(
            "unmerge",
            "Undo the merge of a lead (whoever merged it, a manager or an admin)",
            (LEAD,),
            ("/lead unmerge L-43",),
            makes(UndoMerge),
        ),
    ),
)
