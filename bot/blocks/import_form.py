"""`/lead import` in Slack: the upload form, the form while the file is read, and the
result as a DM. Plain dicts: slack_sdk.models has no file_input element."""

from typing import Any

from bot.blocks.text import SlackMessage, escape, safe, section
from bot.ids import CallbackId, ImportInput
from handlers.importing.pipeline import LeadsImported
from handlers.importing.rows import QUIET_OUTCOMES, ImportProblem

PROBLEMS_SHOWN = 10  # the rest are in the report file beside the message

_TITLE = {"type": "plain_text", "text": "Import leads"}
_COLUMNS = (
    "One lead per row, with a header row: *name* (or first and last name), *email*, *phone*, "
    "*company*, *title*, *source*, *status*, *owner*, *created date*, *tags*… The columns of "
    "HubSpot, Salesforce, Pipedrive, Zoho, Odoo, Close, Copper, Freshsales and LinkedIn Lead Gen "
    "exports are understood as they are. CSV (UTF-8, UTF-16, cp1252, Latin-1) or Excel .xlsx."
)


def import_form(metadata: str) -> dict[str, Any]:
    file_input = {
        "type": "input",
        "block_id": ImportInput.FILE,
        "label": {"type": "plain_text", "text": "CSV or Excel file"},
        "element": {
            "type": "file_input",
            "action_id": ImportInput.FILE,
            "filetypes": ["csv", "xlsx"],
            "max_files": 1,
        },
    }
    dry_run = {
        "type": "input",
        "block_id": ImportInput.DRY_RUN,
        "optional": True,
        "label": {"type": "plain_text", "text": "Dry run"},
        "element": {
            "type": "checkboxes",
            "action_id": ImportInput.DRY_RUN,
            "options": [_option("Check every row and report; save nothing", "dry_run")],
        },
    }
    return {
        "type": "modal",
        "callback_id": CallbackId.IMPORT_FORM,
        "title": _TITLE,
        "submit": {"type": "plain_text", "text": "Import"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": metadata,
        "blocks": [section(_COLUMNS), file_input, dry_run],
    }


def importing_view(file_name: str) -> dict[str, Any]:
    text = (
        f"⏳ Importing *{safe(file_name, 200)}*… The result comes as a DM from Leadbot, "
        "with a report of any rows it could not take."
    )
    return {
        "type": "modal",
        "title": _TITLE,
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [section(text)],
    }


def imported_message(file_name: str, result: LeadsImported) -> SlackMessage:
    verb = "Checked" if result.dry_run else "Imported"
    counts = (
        f"{result.created} new (of which {result.duplicates} flagged as likely duplicates"
        f"{f' and {result.returning} returning customers' if result.returning else ''}), "
        f"{result.updated} already known and updated, {result.rejected} rejected"
    )
    if result.unchanged:
        counts += f", {result.unchanged} saved already by an earlier run that was interrupted"
    warnings = result.warnings
    if warnings:
        counts += f"; {warnings} value{'s' if warnings != 1 else ''} left out of rows that were kept"
    text = f"{'🔎' if result.dry_run else '✅'} {verb} *{safe(file_name, 200)}*: {counts}."
    if result.dry_run:
        text += " Dry run: nothing was saved."
    blocks = [section(text)]
    if result.columns:
        blocks.append(section(_column_lines(result.columns)))
    problems = tuple(p for p in result.problems if p.outcome not in QUIET_OUTCOMES)
    if problems:
        blocks.append(section(_problem_lines(problems, result.notable)))
    return SlackMessage(text=text, blocks=blocks)


def import_progress_message(file_name: str, done: int, total: int) -> SlackMessage:
    """The DM a long import keeps up to date while it runs."""
    share = f" ({done * 100 // total}%)" if total else ""
    text = f"⏳ Importing *{safe(file_name, 200)}*: {done:,} of {total:,} rows done{share}…"
    return SlackMessage(text=text, blocks=[section(text)])


def import_done_progress_message(file_name: str) -> SlackMessage:
    """The progress DM once the import is over: the summary follows in its own message."""
    text = f"Import of *{safe(file_name, 200)}* finished: the summary and the report are below."
    return SlackMessage(text=text, blocks=[section(text)])


def failed_import_message(file_name: str, problem: str) -> SlackMessage:
    text = f"⚠️ Could not import *{safe(file_name, 200)}*: {escape(problem)} Nothing was saved."
    return SlackMessage(text=text, blocks=[section(text)])


def _column_lines(columns: tuple[str, ...]) -> str:
    lines = [
        f"Columns not imported ({len(columns)}):",
        *(f"• {column}" for column in columns[:PROBLEMS_SHOWN]),
    ]
    if len(columns) > PROBLEMS_SHOWN:
        lines.append(f"…and {len(columns) - PROBLEMS_SHOWN} more in the report.")
    return safe("\n".join(lines))


def _problem_lines(problems: tuple[ImportProblem, ...], notable: int) -> str:
    """The first lines needing a look; `notable` of them in all (the result may hold a sample)."""
    lines = [
        f"Row {p.row}: {p.outcome}{f' ({p.lead})' if p.lead else ''}, {safe(p.reason, 200)}"
        for p in problems[:PROBLEMS_SHOWN]
    ]
    shown = min(len(problems), PROBLEMS_SHOWN)
    if max(notable, len(problems)) > shown:
        lines.append(f"…and {max(notable, len(problems)) - shown} more in the report.")
    return safe("\n".join(lines))


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}
