"""The daily rescore: engagement fades with its half-life, so every open lead's score is
recomputed once a day, in batches, writing only the scores that changed."""

from datetime import datetime

from domain.config import LeadbotConfig
from domain.daily import ALL_WORKSPACES, daily_key
from domain.scoring.rules import CompiledRules
from handlers.scoring.rescore import RescoreReport, settle_scores
from store.unit_of_work import UowFactory

# Leads per transaction. On SQLite each holds the write lock while it reads, scores and writes
# its batch: 5,000 held it for 0.3-0.6 s at a time and other people's commands waited for it;
# 500 hold it for a few tens of ms (bench/acks_under_load.py).
BATCH = 500
DECAY_REASON = "daily decay"


def recompute_all(
    now: datetime,
    uow_factory: UowFactory,
    config: LeadbotConfig,
    reason: str = DECAY_REASON,
    batch: int = BATCH,
) -> RescoreReport:
    """Every open lead of every workspace (each keeps to its own rows), in id order."""
    rules = CompiledRules(config.scoring)
    report, after = RescoreReport(), 0
    while True:
        with uow_factory() as uow:
            scorables = uow.scores.batch(after, batch)
            if not scorables:
                return report
            report += settle_scores(uow, scorables, rules, now, config, reason)
            uow.commit()
        after = scorables[-1].lead_id


def decay_daily(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> RescoreReport:
    """Runs on the first sweep of each UTC day, in one process only: the day's key is
    claimed in the database, so replicas and `leadbot tick` do not repeat it."""
    key = daily_key(now.date())
    if not uow_factory().first_time(ALL_WORKSPACES, key, now, result="claimed"):
        return RescoreReport()
    return recompute_all(now, uow_factory, config)
