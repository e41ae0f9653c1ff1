"""Mondays at the team's digest time, each team channel gets last week's funnel and sources as
a PNG: once per team per week with two servers ticking at once (on PostgreSQL in its run)."""

import io
import threading
from datetime import UTC, datetime, timedelta

from matplotlib import image
from slack_sdk import WebClient
from support import ANN, BEN, MIA, context_of

from bot.delivery.send import make_deliver
from bot.operations.database import open_database
from domain.config import LeadbotConfig, SalesTeam
from handlers.commands import AddLead, ConvertLead, LogActivity
from handlers.registry import dispatch
from scheduler.jobs import Jobs, run_all

LONDON = SalesTeam(
    key="ldn", name="London", channel="C0LDN", timezone="Europe/London", members=(ANN,), managers=(MIA,)
)
NEW_YORK = SalesTeam(key="nyc", name="New York", channel="C0NYC", timezone="America/New_York", members=(BEN,))
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_two_servers_post_one_chart_per_team_per_week(database_url, uow_factory, fake_slack):
    config = LeadbotConfig(teams=(LONDON, NEW_YORK), admins=("U0ADM0ADA",))
    last_week = MONDAY - timedelta(days=4)
    for name, source in (("Dana", "webinar"), ("Fox", "webinar"), ("Walter", "referral")):
        dispatch(
            AddLead(name=name, fields={"source": source}), uow_factory(), context_of(config, ANN, last_week)
        )
    dispatch(LogActivity(number=1, kind="call"), uow_factory(), context_of(config, ANN, last_week))
    dispatch(ConvertLead(number=1), uow_factory(), context_of(config, ANN, last_week + timedelta(hours=1)))
    servers = [open_database(database_url) for _ in range(2)]
    deliver = make_deliver(WebClient(token="xoxb-test", base_url=fake_slack.url, timeout=5))
    ticks = [MONDAY + timedelta(minutes=30 * n) for n in range(2 * 24 * 2)]  # Monday and Tuesday
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def serve(factory) -> None:
        try:
            for now in ticks:
                barrier.wait(timeout=30)
                run_all(now, Jobs(factory, deliver, config=config))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=serve, args=(factory,)) for _, factory in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    for engine, _ in servers:
        engine.dispose()

    assert errors == []
    charts = {}
    for file, content in fake_slack.uploads.completed:
        charts.setdefault(file["channels"][0], []).append((file, content))
    assert sorted(charts) == ["C0LDN", "C0NYC"] and all(len(sent) == 1 for sent in charts.values())
    [(file, content)] = charts["C0LDN"]
    assert content.startswith(PNG_MAGIC) and file["mimetype"] == "image/png"
    assert image.imread(io.BytesIO(content), format="png").shape[1] > 100
    assert "London · 16 Nov to 22 Nov 2026" in file["initial_comment"]
