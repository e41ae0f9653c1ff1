"""`GET /metrics`: Prometheus' text format, every series `leadbot_*`.

Three sources, gathered at each scrape: this process's series (bot/operations/metrics.py), the background
process's (its snapshot file), each with a `process` label saying which counted it, and what
waits in the database (outbox, dead messages, queued captures), read with cheap queries under
a short deadline: a database that does not answer makes `leadbot_database_up` 0 rather than
hold the scrape.

The route is a plain function of (query, headers, body) to (status, headers, body bytes), so
any HTTP server can route to it (bot/web/server.py does in a few lines)."""
# https://prometheus.io/docs/instrumenting/exposition_formats/

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.operations.metrics import REGISTRY, read_snapshot

log = logging.getLogger(__name__)

# Figures read in the database at scrape time: name -> help (store/delivery/backlog.Backlog.as_figures).
DATABASE_FIGURES = {
    "outbox_pending": "Messages to Slack waiting in the outbox (due now or later).",
    "outbox_oldest_pending_age_seconds": "Age of the oldest message waiting in the outbox (0: none).",
    "outbox_dead": "Messages to Slack given up on (dead), kept for the operator.",
    "queued_captures": "Commands queued at the ack and not yet carried out.",
}
Figures = Callable[[], Mapping[str, float]]  # raises when the database does not answer
Route = tuple[int, dict[str, str], bytes]


class _Exposition(Collector):
    def __init__(self, figures: Figures, background: Path | None) -> None:
        self._figures = figures
        self._background = background

    def collect(self) -> Iterable[Metric]:
        yield from _merged({"server": REGISTRY.collect(), "background": read_snapshot(self._background)})
        yield from _database(self._figures)


def _merged(sources: Mapping[str, Iterable[Metric]]) -> Iterable[Metric]:
    """One family per name, each sample labelled with the process that counted it."""
    families: dict[str, Metric] = {}
    for process, collected in sources.items():
        for family in collected:
            merged = families.setdefault(family.name, Metric(family.name, family.documentation, family.type))
            for sample in family.samples:
                merged.add_sample(sample.name, {**sample.labels, "process": process}, sample.value)
    return [family for family in families.values() if family.samples]


def _database(figures: Figures) -> Iterable[Metric]:
    up = GaugeMetricFamily("leadbot_database_up", "1 when the database answered this scrape's queries.")
    try:
        values = figures()
    except Exception as error:  # noqa: BLE001 - a scrape answers whatever the database does
        log.warning("metrics: the database did not answer (%s)", type(error).__name__)
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield up
    for name, help_text in DATABASE_FIGURES.items():
        yield GaugeMetricFamily(f"leadbot_{name}", help_text, value=float(values.get(name, 0)))


class MetricsEndpoint:
    """What `GET /metrics` answers for one server (its database, its background process)."""

    def __init__(self, figures: Figures, background: Path | None = None) -> None:
        self._registry = CollectorRegistry(auto_describe=False)
        self._registry.register(_Exposition(figures, background))

    def __call__(self, query: str, headers: Mapping[str, str], body: bytes) -> Route:
        """The format the scraper asks for in Accept (Prometheus' text 0.0.4 when it asks none)."""
        accept = next((value for key, value in headers.items() if key.lower() == "accept"), "")
        encode, content_type = choose_encoder(accept)
        return 200, {"content-type": content_type}, encode(self._registry)
