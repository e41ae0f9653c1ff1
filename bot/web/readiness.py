"""`GET /readyz`: may this replica take traffic? Each part it needs, checked and named.

`/healthz` says the process answers; readiness also says the work behind the answers gets
done: the database answers, the background process that does queued captures and runs the
scheduler is alive, and the scheduler's last sweep is recent (a sweep stuck on a slow call
or failing every time leaves reminders, digests and queued messages unsent)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

OK = "ok"


@dataclass(frozen=True, slots=True)
class Parts:
    """What readiness looks at, each as a question the runtime answers."""

    database_answers: Callable[[], bool]
    background_running: Callable[[], bool]
    last_sweep: Callable[[], datetime | None]
    lag_limit: timedelta


def readiness(parts: Parts, now: datetime) -> tuple[bool, dict[str, object]]:
    """(ready, the body): `checks` names each part, "ok" or what is wrong with it;
    `failing` lists the parts that are not ok, so an operator reads the cause at once."""
    checks = {
        "database": OK if parts.database_answers() else "not answering",
        "background": OK if parts.background_running() else "not running: restart the service",
        "scheduler": _scheduler(parts.last_sweep(), parts.lag_limit, now),
    }
    failing = [name for name, state in checks.items() if state != OK]
    return not failing, {"ready": not failing, "failing": failing, "checks": checks}


def _scheduler(last: datetime | None, limit: timedelta, now: datetime) -> str:
    if last is None:
        return "not started"
    age = (now - last).total_seconds()
    if age > limit.total_seconds():
        return f"lagging: last sweep {age:.0f} s ago, more than {limit.total_seconds():.0f} s"
    return OK
