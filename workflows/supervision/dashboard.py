"""The supervisors' overdue dashboard: open, yellow and red task counts by district, unit and stage.

Called by the web pages (and by `make bench`). One grouped query over open_task_tally (kept by
engine/tally.py), never over the tasks themselves, so its cost follows the number of districts,
units, stages and due days, not the number of topics. Yellow and red are computed from the due
time and a warning window in ``warning_levels``; when warning levels are stored, only that
function and the tally's key change.
"""
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from models import OpenTaskTally, Organization, Unit
from models.tally import NO_UNIT

DEFAULT_WARN = timedelta(days=3)  # 黄牌: due within three days; 红牌: past due


@dataclass(frozen=True)
class DashboardRow:
    """One line of the dashboard: where the work lies and how late it is."""

    district: str  # district code
    unit: str  # unit code, or the code of the organization whose CPPCC acts
    stage: str
    open: int
    yellow: int
    red: int


def warning_levels(now: datetime, warn: timedelta) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Return the SQL conditions for yellow and red tally rows at ``now`` (no deadline is never late)."""
    red = OpenTaskTally.due_at < now
    yellow = and_(OpenTaskTally.due_at >= now, OpenTaskTally.due_at < now + warn)
    return yellow, red


def overdue_counts(
    session: Session, now: datetime, district_ids: Collection[int] | None = None, warn: timedelta = DEFAULT_WARN
) -> list[DashboardRow]:
    """Count open tasks by district, unit and stage, with how many are yellow and red at ``now``."""
    yellow, red = warning_levels(now, warn)
    tally = OpenTaskTally
    count = tally.open_count
    groups = (tally.district_id, tally.candidate_unit_id, tally.candidate_org_id, tally.stage)
    query = (
        select(*groups, func.sum(count),
               func.sum(case((yellow, count), else_=0)), func.sum(case((red, count), else_=0)))
        .where(count > 0)
        .group_by(*groups)
        .having(func.sum(count) > 0)
    )
    if district_ids is not None:
        query = query.where(tally.district_id.in_(list(district_ids)))
    orgs = dict(session.execute(select(Organization.id, Organization.code)).tuples().all())
    units = dict(session.execute(select(Unit.id, Unit.code)).tuples().all())
    rows = [
        DashboardRow(orgs[district], units[unit] if unit != NO_UNIT else orgs.get(org, "-"), stage,
                     int(count), int(yellow_count or 0), int(red_count or 0))
        for district, unit, org, stage, count, yellow_count, red_count in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.district, r.unit, r.stage))
