"""The retention policy: personal data is not kept for ever.

With `retention_days` set in the config, the personal data of a person whose leads were all
lost, or untouched, that many days ago is erased as `leadbot privacy erase` erases it (rows
and counts stay, so reports still add up; what identifies the person goes), and each erasure
is recorded in the audit log under RETENTION_ACTOR. A person with one lead still in use, or
a customer (a converted lead), is kept whole.

It runs from the scheduler's sweep on the first pass of each UTC day, in one process only:
the day is claimed in the database (as the daily rescore is, handlers/scoring/decay.py), so replicas
and `leadbot tick` do not repeat it; an erased lead is never a candidate again."""

from datetime import datetime, timedelta

from domain.config import LeadbotConfig
from domain.daily import ALL_WORKSPACES
from domain.operations.privacy import Person
from handlers.operations.privacy import erase_people, leave_no_trace
from store.unit_of_work import SqlUnitOfWork, UowFactory

RETENTION_ACTOR = "leadbot-retention"  # the audit log's actor of an erasure nobody asked for
RETENTION_CAUSE = "retention"
BATCH = 200  # candidate leads per transaction


def erase_expired(now: datetime, uow_factory: UowFactory, config: LeadbotConfig) -> int:
    """People erased this pass: 0 when the policy is off or today's pass was done."""
    if not config.retention_days or not _claim_day(now, uow_factory):
        return 0
    cutoff = now - timedelta(days=config.retention_days)
    erased: list[Person] = []
    after = 0
    while True:
        with uow_factory() as uow:
            found = uow.personal_data.expired_leads(cutoff, after, BATCH)
            if not found:
                break
            people = _people(uow, found, cutoff)
            erase_people(uow, people, RETENTION_ACTOR, now, RETENTION_CAUSE)
            uow.commit()
        erased += people
        after = found[-1][1]
    leave_no_trace(uow_factory(), erased)
    return len(erased)


def _people(uow: SqlUnitOfWork, found: list[tuple[str, int]], cutoff: datetime) -> list[Person]:
    """Each candidate's person once, if none of their leads is still in use."""
    records = uow.personal_data
    people: list[Person] = []
    seen: set[int] = set()
    for team_id, lead_id in found:
        if lead_id in seen:
            continue
        person = records.person_of_lead(team_id, lead_id)
        seen |= person.lead_ids
        if records.all_past_retention(person, cutoff):
            people.append(person)
    return people


def _claim_day(now: datetime, uow_factory: UowFactory) -> bool:
    key = f"retention:daily:{now.date().isoformat()}"
    return uow_factory().first_time(ALL_WORKSPACES, key, now, result="claimed")
