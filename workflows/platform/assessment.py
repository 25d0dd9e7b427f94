"""Handling units' annual assessment (年度综合考核): figures computed from the topics' task rows, never typed in.

Called by the assessment page, its XLSX export and the API. For one year and the units in the
caller's scope: signings (签收) on time, written replies on time, the reply class mix (A/B/C),
the satisfaction rate and re-handling count of the ratings of their replies, and the working days
by which late signings and replies overran. Read in a fixed number of statements: the units, the
signings, the replies with their class, the ratings, the late rows, and the calendar when a row is late.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from engine.time.calendar import SHANGHAI
from engine.time.calendar_days import load_calendar
from models import Event, Organization, TaskItem, TaskStatus, Unit, UnitKind, User
from workflows.platform import rooms

SIGN, REPLY, RATE = "sign_receipt", "write_reply", "rate_reply"
SATISFIED = ("satisfied", "basically_satisfied")


@dataclass
class UnitFigures:
    """One unit's year."""

    code: str
    name: str
    district: str
    signings: int = 0
    signed_on_time: int = 0
    replies: int = 0
    replies_on_time: int = 0
    reply_classes: Counter[str] = field(default_factory=Counter)
    ratings: int = 0
    satisfied: int = 0
    rehandled: int = 0  # unsatisfied ratings: each sends the reply back (退回重办)
    overdue_working_days: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def signing_rate(self) -> float | None:
        """Return the share of signings done by their deadline."""
        return self._rate(self.signed_on_time, self.signings)

    @property
    def reply_rate(self) -> float | None:
        """Return the share of written replies given by their deadline."""
        return self._rate(self.replies_on_time, self.replies)

    @property
    def satisfaction_rate(self) -> float | None:
        """Return the share of ratings that were satisfied or basically satisfied."""
        return self._rate(self.satisfied, self.ratings)

    @property
    def score(self) -> float:
        """Return the ranking score: the mean of the three rates (missing ones count as met), less overruns."""
        rates = [r if r is not None else 1.0 for r in (self.signing_rate, self.reply_rate, self.satisfaction_rate)]
        return round(100 * sum(rates) / 3 - self.overdue_working_days - 2 * self.rehandled, 2)


def _bounds(year: int) -> tuple[datetime, datetime]:
    """Return the UTC instants where the year begins and ends in Shanghai."""
    return (datetime(year, 1, 1, tzinfo=SHANGHAI).astimezone(UTC),
            datetime(year + 1, 1, 1, tzinfo=SHANGHAI).astimezone(UTC))


def assess(session: Session, user: User, year: int) -> list[UnitFigures]:
    """Return the year's figures of the handling units in the user's scope or of their own units, best first."""
    orgs = rooms.scope(session, user)
    own = {a.unit_id for a in user.roles if a.unit_id is not None}  # a unit's staff see their own unit
    start, end = _bounds(year)
    district = aliased(Organization)
    units = {row.id: UnitFigures(row.code, row.name, row.district or row.org) for row in session.execute(
        select(Unit.id, Unit.code, Unit.name, Organization.name.label("org"), district.name.label("district"))
        .join(Organization, Organization.id == Unit.organization_id)
        .outerjoin(district, and_(district.id == Organization.parent_id, Organization.kind != "district"))
        .where(Unit.organization_id.in_(orgs) | Unit.id.in_(own), Unit.kind != UnitKind.COMMITTEE))}
    done = [TaskItem.status == TaskStatus.COMPLETED, TaskItem.completed_at >= start, TaskItem.completed_at < end,
            TaskItem.candidate_unit_id.in_(units)]
    on_time = func.sum(case((TaskItem.completed_at <= TaskItem.due_at, 1), else_=0))
    for unit_id, total, timely in session.execute(
            select(TaskItem.candidate_unit_id, func.count(), on_time).where(TaskItem.bpmn_id == SIGN, *done)
            .group_by(TaskItem.candidate_unit_id)):
        units[unit_id].signings, units[unit_id].signed_on_time = total, int(timely or 0)
    reply_class = Event.payload["data"]["reply_class"].as_string()
    for unit_id, klass, total, timely in session.execute(
            select(TaskItem.candidate_unit_id, reply_class, func.count(), on_time).select_from(TaskItem)
            .join(Event, and_(Event.task_item_id == TaskItem.id, Event.kind == "task_completed"))
            .where(TaskItem.bpmn_id == REPLY, *done).group_by(TaskItem.candidate_unit_id, reply_class)):
        figures = units[unit_id]
        figures.replies += total
        figures.replies_on_time += int(timely or 0)
        figures.reply_classes[klass or "?"] += total
    _ratings(session, units, start, end)
    _overruns(session, units, done)
    return sorted(units.values(), key=lambda u: (-u.score, u.district, u.code))


def _ratings(session: Session, units: dict[int, UnitFigures], start: datetime, end: datetime) -> None:
    """Count the ratings given in the year to the topics each unit replied to, by value (one statement)."""
    reply = aliased(TaskItem)
    rating = Event.payload["data"]["rating"].as_string()
    query = (select(reply.candidate_unit_id, rating, func.count(func.distinct(Event.id))).select_from(TaskItem)
             .join(Event, and_(Event.task_item_id == TaskItem.id, Event.kind == "task_completed"))
             .join(reply, and_(reply.topic_id == TaskItem.topic_id, reply.bpmn_id == REPLY,
                               reply.status == TaskStatus.COMPLETED, reply.completed_at <= TaskItem.completed_at))
             .where(TaskItem.bpmn_id == RATE, TaskItem.status == TaskStatus.COMPLETED,
                    TaskItem.completed_at >= start, TaskItem.completed_at < end, reply.candidate_unit_id.in_(units))
             .group_by(reply.candidate_unit_id, rating))
    for unit_id, value, count in session.execute(query):
        figures = units[unit_id]
        figures.ratings += count
        figures.satisfied += count if value in SATISFIED else 0
        figures.rehandled += count if value == "unsatisfied" else 0


def _overruns(session: Session, units: dict[int, UnitFigures], done: list[Any]) -> None:
    """Add the working days by which late signings and replies overran their deadlines."""
    late = session.execute(select(TaskItem.candidate_unit_id, TaskItem.due_at, TaskItem.completed_at)
                           .where(TaskItem.bpmn_id.in_((SIGN, REPLY)), TaskItem.completed_at > TaskItem.due_at,
                                  *done)).all()
    if not late:
        return
    calendar = load_calendar(session)
    for unit_id, due_at, completed_at in late:
        days = calendar.working_days_between(due_at.astimezone(SHANGHAI).date(),
                                             completed_at.astimezone(SHANGHAI).date())
        units[unit_id].overdue_working_days += max(days, 0)

