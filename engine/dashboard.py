"""The supervisors' overdue dashboard: open, yellow and red task counts by district, unit and stage.

Called by the web pages (and by `make bench`). One grouped query over the open rows of
task_item, never a workflow. Yellow and red are computed from ``due_at`` and a warning window
in ``warning_levels``; when warning levels are stored on the rows, only that function changes.
"""
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from models import Organization, TaskItem, TaskStatus, Topic, Unit

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
    """Return the SQL conditions for a yellow and a red open task at ``now``."""
    red = TaskItem.due_at < now
    yellow = and_(TaskItem.due_at >= now, TaskItem.due_at < now + warn)
    return yellow, red


def overdue_counts(
    session: Session, now: datetime, district_ids: Collection[int] | None = None, warn: timedelta = DEFAULT_WARN
) -> list[DashboardRow]:
    """Count open tasks by district, unit and stage, with how many are yellow and red at ``now``."""
    yellow, red = warning_levels(now, warn)
    query = (
        select(
            Topic.district_id, TaskItem.candidate_unit_id, TaskItem.candidate_org_id, TaskItem.stage,
            func.count(), func.sum(case((yellow, 1), else_=0)), func.sum(case((red, 1), else_=0)),
        )
        .join(Topic, Topic.id == TaskItem.topic_id)
        .where(TaskItem.status == TaskStatus.READY)
        .group_by(Topic.district_id, TaskItem.candidate_unit_id, TaskItem.candidate_org_id, TaskItem.stage)
    )
    if district_ids is not None:
        query = query.where(Topic.district_id.in_(list(district_ids)))
    orgs = dict(session.execute(select(Organization.id, Organization.code)).tuples().all())
    units = dict(session.execute(select(Unit.id, Unit.code)).tuples().all())
    rows = [
        DashboardRow(orgs[district], units[unit] if unit is not None else orgs.get(org or 0, "-"), stage,
                     int(count), int(yellow_count or 0), int(red_count or 0))
        for district, unit, org, stage, count, yellow_count, red_count in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.district, r.unit, r.stage))
