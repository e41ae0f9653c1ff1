"""A per-process memo of the forecast each manager's (or admin's) Home tab shows, so opening
the tab, and each refresh of it after a change, does not sum the teams' whole open pipeline
again: that takes several times the Home tab's own reads at 100,000 leads (docs/benchmarks.md).
`/lead forecast` itself always computes it afresh."""

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from domain.permissions import Role
from domain.reporting.forecast import Forecast, month_of
from handlers.context import Context

# How long a Home tab shows the same forecast (it says as of when): a new value or a close
# reaches it within this time.
MEMO_TTL = timedelta(minutes=5)

Key = tuple[str, str, tuple[str, ...], date]  # (workspace, role, sales teams, month)


class ForecastMemo:
    def __init__(self, compute: Callable[[Context], Forecast]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._entries: dict[Key, tuple[Forecast, datetime]] = {}

    def lookup(self, ctx: Context) -> tuple[Forecast, datetime]:
        """The forecast of the person's scope (everyone of the same role and teams shares
        it), and when it was computed."""
        actor = ctx.actor
        teams = () if actor.role is Role.ADMIN else actor.sales_teams
        key = (actor.team_id, str(actor.role), teams, month_of(ctx.now))
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and ctx.now < entry[1] + MEMO_TTL:
            return entry
        fresh = (self._compute(ctx), ctx.now)
        with self._lock:
            self._entries[key] = fresh
        return fresh
