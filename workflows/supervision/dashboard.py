"""The supervisors' dashboard (督查督办): open, yellow and red tasks by group, unit and stage; the feedback rates.

Called by the supervision page (``dashboard``) and by `make bench`, which times that same
function. The task figures are one grouped query over open_task_tally (kept by
workflows/supervision/tally.py), never over the tasks themselves, so their cost follows the
number of platforms, units, stages and deadlines, not the number of topics. Yellow and red are
the warning rule of engine/time/timeleft.py applied to the tally's due and warning times. The
feedback rates are one grouped query over feedback_tally: replies, replies on time and ratings
counted per platform as they are given.
"""
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from engine.time.timeleft import is_red, is_yellow
from models import FeedbackTally, OpenTaskTally, Organization, Unit, User
from models.tally import NO_UNIT
from workflows.supervision.escalation import grouping, scope

SATISFIED = ("satisfied", "basically_satisfied")
LEVEL_COLUMNS = ("open", "yellow", "red")


@dataclass
class Figures:
    """The dashboard: counts of open tasks by group, unit and stage, and the feedback rates."""

    grouped_by: str  # district | platform
    by_group: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    by_unit: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)
    replies: int = 0
    replies_on_time: int = 0
    ratings: Counter[str] = field(default_factory=Counter)

    @property
    def on_time_rate(self) -> float | None:
        """Return the share of written replies given by their deadline."""
        return self.replies_on_time / self.replies if self.replies else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Return the share of ratings that were satisfied or basically satisfied."""
        total = sum(self.ratings.values())
        return sum(self.ratings[r] for r in SATISFIED) / total if total else None


@dataclass(frozen=True)
class DashboardRow:
    """One line of the overdue counts: where the work lies and how late it is."""

    district: str  # district code
    unit: str  # unit code, or the code of the organization whose CPPCC acts
    stage: str
    open: int
    yellow: int
    red: int


def tally_counts(now: datetime, groups: Iterable[Any], where: Iterable[ColumnElement[bool]] = ()) -> Select[Any]:
    """Return the grouped query of open, yellow and red task counts over the tally at ``now``."""
    tally, count = OpenTaskTally, OpenTaskTally.open_count
    groups = list(groups)
    yellow, red = is_yellow(tally.due_at, tally.warn_at, now), is_red(tally.due_at, now)
    return (select(*groups, func.sum(count), func.sum(case((yellow, count), else_=0)),
                   func.sum(case((red, count), else_=0)))
            .where(count > 0, *where).group_by(*groups).having(func.sum(count) > 0))


def dashboard(session: Session, user: User, now: datetime) -> Figures:
    """Return the figures of the user's scope at ``now``: grouped task counts and the feedback rates."""
    orgs = scope(session, user)
    result = Figures(grouping(session, user))
    tally = OpenTaskTally
    group = tally.district_id if result.grouped_by == "district" else tally.platform_id
    rows = session.execute(tally_counts(now, (group, tally.candidate_unit_id, tally.candidate_org_id, tally.stage),
                                        [tally.platform_id.in_(orgs)])).tuples().all()
    names = _names(session, Organization, {r[0] for r in rows} | {r[2] for r in rows})
    units = _names(session, Unit, {r[1] for r in rows})
    for group_id, unit_id, org_id, stage, *levels in rows:
        counts = dict(zip(LEVEL_COLUMNS, (int(n or 0) for n in levels), strict=True))
        unit_key = units[unit_id] if unit_id != NO_UNIT else (
            f"org:{org_id if org_id != NO_UNIT else None}", names.get(org_id, ("", "—"))[1])
        for counter in (result.by_group.setdefault(names[group_id], Counter()),
                        result.by_unit.setdefault(unit_key, Counter()),
                        result.by_stage.setdefault(stage, Counter()), result.totals):
            counter.update(counts)
    _feedback(session, orgs, result)
    return result


def _names(session: Session, table: type[Organization | Unit], ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """Return (code, name) of the given organizations or units by id, in one query."""
    found = session.execute(select(table.id, table.code, table.name).where(table.id.in_(list(ids)))).tuples()
    return {id_: (code, name) for id_, code, name in found}


def _feedback(session: Session, orgs: Collection[int], result: Figures) -> None:
    """Sum the replies, those on time and the ratings of the platforms in scope, in one grouped query."""
    rows = session.execute(select(FeedbackTally.measure, func.sum(FeedbackTally.count))
                           .where(FeedbackTally.platform_id.in_(list(orgs))).group_by(FeedbackTally.measure)).tuples()
    for measure, count in rows:
        if measure == "reply":
            result.replies = int(count or 0)
        elif measure == "reply_on_time":
            result.replies_on_time = int(count or 0)
        elif measure.startswith("rating:") and count:
            result.ratings[measure.removeprefix("rating:")] = int(count)


def overdue_counts(session: Session, now: datetime, district_ids: Collection[int] | None = None) -> list[DashboardRow]:
    """Count open tasks by district, unit and stage, with how many are yellow and red at ``now``, most late first."""
    tally = OpenTaskTally
    where = [] if district_ids is None else [tally.district_id.in_(list(district_ids))]
    query = tally_counts(now, (tally.district_id, tally.candidate_unit_id, tally.candidate_org_id, tally.stage), where)
    found = session.execute(query).tuples().all()
    orgs = _names(session, Organization, {r[0] for r in found} | {r[2] for r in found})
    units = _names(session, Unit, {r[1] for r in found})
    rows = [DashboardRow(orgs[district][0], units[unit][0] if unit != NO_UNIT else orgs.get(org, ("-",))[0], stage,
                         int(count), int(yellow or 0), int(red or 0))
            for district, unit, org, stage, count, yellow, red in found]
    return sorted(rows, key=lambda r: (-r.red, -r.yellow, r.district, r.unit, r.stage))
