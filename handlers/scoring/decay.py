"""The daily rescore: engagement fades with its half-life, so every open lead's score is
recomputed once a day, in batches, writing only the scores that changed."""

from datetime import datetime

from domain.config import LeadbotConfig
from domain.daily import ALL_WORKSPACES, daily_key
from domain.scoring.rules import CompiledRules
from handlers.scoring.rescore import RescoreReport, Verdict, apply_verdict, judge
from store.unit_of_work import UowFactory, reading_only

# Leads read and scored at a time; only the changes of a batch take the write lock.
BATCH = 500
DECAY_REASON = "daily decay"


def recompute_all(
    now: datetime,
    uow_factory: UowFactory,
    config: LeadbotConfig,
    reason: str = DECAY_REASON,
    batch: int = BATCH,
) -> RescoreReport:
    """Every open lead of every workspace (each keeps to its own rows), in id order. Each
    batch is read and scored outside the write lock (on SQLite a writing transaction holds
    it from its first statement: batches read under it, back to back, kept a person's
    capture waiting at the lock); only its changes are written, by a short transaction that
    first checks they still stand."""
    rules = CompiledRules(config.scoring)
    report, after = RescoreReport(), 0
    while True:
        with reading_only(), uow_factory() as uow:
            scorables = uow.scores.batch(after, batch)
        if not scorables:
            return report
        report += _write(judge(scorables, rules, now, config, reason), uow_factory, now, config)
        after = scorables[-1].lead_id


def _write(verdict: Verdict, uow_factory: UowFactory, now: datetime, config: LeadbotConfig) -> RescoreReport:
    if not verdict.lead_ids:
        return RescoreReport(verdict.leads)
    with uow_factory() as uow:
        report = apply_verdict(
            uow, verdict.still_standing(uow.scores.standing(verdict.lead_ids)), now, config
        )
        uow.commit()
    return report


def decay_daily(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> RescoreReport:
    """Runs on the first sweep of each UTC day, in one process only: the day's key is
    claimed in the database, so replicas and `leadbot tick` do not repeat it."""
    key = daily_key(now.date())
    if not uow_factory().first_time(ALL_WORKSPACES, key, now, result="claimed"):
        return RescoreReport()
    return recompute_all(now, uow_factory, config)
