"""The `/lead` grammar, declared once: one module of subcommand specs per area (capture,
find, work, closing, routing, reports), from which parsing, usage, "did you mean" and help
are all generated (spec.py says how a subcommand is declared)."""

from bot.grammar.errors import CommandSyntaxError
from bot.grammar.outcomes import (
    HelpRequested,
    OpenCaptureForm,
    OpenImportForm,
    OpenQualifyForm,
    Parsed,
    ParseEnv,
)
from bot.grammar.parser import asks_for_form, asks_for_import_form, asks_for_qualify_form, lookup, parse
from bot.grammar.spec import Area, Arg, SubcommandSpec
from bot.grammar.table import AREAS, SPEC_BY_NAME, SPECS

__all__ = [
    "AREAS",
    "SPECS",
    "SPEC_BY_NAME",
    "Arg",
    "Area",
    "CommandSyntaxError",
    "HelpRequested",
    "OpenCaptureForm",
    "OpenImportForm",
    "OpenQualifyForm",
    "ParseEnv",
    "Parsed",
    "SubcommandSpec",
    "asks_for_form",
    "asks_for_import_form",
    "asks_for_qualify_form",
    "lookup",
    "parse",
]
