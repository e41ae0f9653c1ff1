"""How Leadbot's processes log: one format for the server and its background process.

Plain text for a person at a console; JSON lines (LEADBOT_LOG_FORMAT=json) for a log
pipeline: one object a line with time, level, logger, message, and the request id, workspace
and surface of the request being answered (bot/web/request_context.py). Either way every message
and traceback is redacted first (bot/operations/redact.py): no token, secret, email or phone."""

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType

import sqlalchemy as sa
from pydantic import SecretStr

from bot.operations.redact import redact
from bot.operations.settings import Settings
from bot.web.request_context import current

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str | None = None, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self._secrets = tuple(secret for secret in secrets if secret)

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = self.redact(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 - logging's name
        return self.redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return self.redact(super().formatStack(stack_info))


class JsonFormatter(RedactingFormatter):
    """One JSON object a line; the request fields are null outside a request (jobs, startup)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            **current(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings | None = None) -> None:
    """Root logging for this process, from LEADBOT_LOG_FORMAT; the configured secrets are
    masked by value in every line."""
    log_format = (settings.leadbot_log_format if settings else "text").strip().lower()
    secrets = secrets_of(settings) if settings else ()
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(secrets=secrets) if log_format == "json" else RedactingFormatter(TEXT, secrets)
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # A sweep every few seconds is routine; only its problems are worth a line.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if log_format not in FORMATS:
        logging.getLogger(__name__).warning("LEADBOT_LOG_FORMAT is neither text nor json: logging as text")


def secrets_of(settings: Settings) -> list[str]:
    """Every SecretStr setting's value, and the database password."""
    values = [getattr(settings, name) for name in type(settings).model_fields]
    secrets = [value.get_secret_value() for value in values if isinstance(value, SecretStr)]
    password = sa.make_url(settings.database_url).password
    return [*secrets, str(password)] if password else secrets
