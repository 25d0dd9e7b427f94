"""Task and topic lists as people read them: filtered, sorted and paged in SQL, each task with its time left.

Used by the inbox (a user's own tasks), the supervision lists (every task in a scope), the topic
list and the exports of all three. A caller gives the conditions of what the list may hold; the
filters become SQL conditions too (the warning level through the rule's own SQL in
engine/time/timeleft.py), so a page costs a fixed number of statements however long the list is:
the total, one page with its topic, platform, unit, organization and assignee joined in, the
escalation marks of that page, and the filter choices.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from engine.time.calendar import SHANGHAI, WorkCalendar
from engine.time.timeleft import TimeLeft, level_is, warning_level
from models import Chase, ConsultationKind, Event, Organization, TaskItem, Topic, TopicStatus, Unit, User

PAGE_SIZE = 20
T = TypeVar("T")
SCOPES = ("all", "mine", "unclaimed")
PLATFORM_ID = func.coalesce(Topic.town_id, Topic.district_id)  # a town's topic runs on the town's platform
# What a task row shows, loaded with the row in the same statement.
_SHOWN = (contains_eager(TaskItem.topic).joinedload(Topic.district),
          contains_eager(TaskItem.topic).joinedload(Topic.town), joinedload(TaskItem.candidate_unit),
          joinedload(TaskItem.candidate_org), joinedload(TaskItem.assignee))


@dataclass(frozen=True)
class Row:
    """One open task as a list shows it."""

    item: TaskItem
    left: TimeLeft
    escalated: bool = False

    @property
    def waiting_for(self) -> str:
        """Return the key of the unit or organization the task waits for."""
        return f"u{self.item.candidate_unit_id}" if self.item.candidate_unit_id else f"o{self.item.candidate_org_id}"

    @property
    def waiting_label(self) -> str:
        """Return the name of the unit or organization the task waits for."""
        item = self.item
        if item.candidate_unit is not None:
            return item.candidate_unit.name
        return item.candidate_org.name if item.candidate_org is not None else "—"


@dataclass
class Filters:
    """What a list is narrowed to; empty strings mean no narrowing."""

    scope: str = "all"
    stage: str = ""
    district: str = ""
    warning: str = ""
    waiting: str = ""
    unit: str = ""
    platform: str = ""
    status: str = ""  # topic lists: active | closed | rejected
    kind: str = ""  # topic lists: the kind of consultation (a ConsultationKind value)
    q: str = ""  # a title's words, or a topic number (#12 or 12)
    since: date | None = None  # task lists: due on or after; topic lists: proposed on or after (Beijing days)
    until: date | None = None  # … on or before
    sort: str = ""  # a key of TASK_SORTS or TOPIC_SORTS, "-" before it for descending
    page: int = 1
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, how many rows the whole list has, which page and of how many."""

    rows: list[T]
    total: int
    number: int
    pages: int


# The columns a list may be sorted by; the id last keeps the order stable from page to page.
TASK_SORTS: dict[str, Any] = {"due": TaskItem.due_at, "topic": Topic.id, "title": Topic.title, "task": TaskItem.name,
                              "stage": TaskItem.stage, "opened": TaskItem.created_at}
TOPIC_SORTS: dict[str, Any] = {"id": Topic.id, "title": Topic.title, "stage": Topic.stage, "status": Topic.status,
                               "created": Topic.created_at}


def search(q: str) -> ColumnElement[bool]:
    """Return the condition of a topic whose number is ``q`` (``#12`` or ``12``), whose proposal number is ``q``,
    or whose title holds its words."""
    text = q.strip()
    number = text.removeprefix("#")
    words = [w for w in text.split() if w]
    by_title = and_(*(Topic.title.contains(w, autoescape=True) for w in words)) if words else false()
    by_title = or_(by_title, Topic.proposal_number == text) if text else by_title
    is_id = number.isascii() and number.isdigit() and len(number) < 10
    return or_(Topic.id == int(number), by_title) if is_id else by_title


def _day_range(column: Any, since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Return the conditions of ``column`` falling on Beijing days from ``since`` to ``until``, both included."""
    found = []
    if since is not None:
        found.append(column >= datetime.combine(since, time(0), tzinfo=SHANGHAI))
    if until is not None:
        found.append(column < datetime.combine(until + timedelta(days=1), time(0), tzinfo=SHANGHAI))
    return found


def _sorted(query: Select[Any], sort: str, columns: dict[str, Any], default: list[Any], tie: Any) -> Select[Any]:
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    if key not in columns:
        return query.order_by(*default)
    column = columns[key]
    return query.order_by(column.is_(None), column.desc() if descending else column, tie.desc() if descending else tie)


def task_filters(filters: Filters, user: User | None, now: datetime) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the filters over task_item joined with its topic."""
    conditions: list[ColumnElement[bool]] = [*_day_range(TaskItem.due_at, filters.since, filters.until)]
    if filters.q:
        conditions.append(search(filters.q))
    if filters.scope == "mine":
        conditions.append(TaskItem.assignee_id == user.id if user is not None else false())
    elif filters.scope == "unclaimed":
        conditions.append(TaskItem.assignee_id.is_(None))
    if filters.stage:
        conditions.append(TaskItem.stage == filters.stage)
    if filters.district:
        conditions.append(Topic.district_id.in_(_org_ids(filters.district)))
    if filters.platform:
        conditions.append(PLATFORM_ID.in_(_org_ids(filters.platform)))
    if filters.warning:
        conditions.append(level_is(filters.warning, TaskItem.due_at, TaskItem.warn_at, now))
    if filters.waiting:
        conditions.append(_waiting(filters.waiting))
    if filters.unit:
        conditions.append(TaskItem.candidate_unit_id.in_(select(Unit.id).where(Unit.code == filters.unit)))
    return conditions


def _org_ids(code: str) -> Select[tuple[int]]:
    return select(Organization.id).where(Organization.code == code)


def _waiting(key: str) -> ColumnElement[bool]:
    """Return the condition of a task waiting for ``u<unit id>`` or ``o<organization id>`` (as ``Row.waiting_for``)."""
    kind, number = key[:1], key[1:]
    if kind == "u" and number.isascii() and number.isdigit() and len(number) < 10:
        return TaskItem.candidate_unit_id == int(number)
    if kind == "o" and number.isascii() and number.isdigit() and len(number) < 10:
        return and_(TaskItem.candidate_unit_id.is_(None), TaskItem.candidate_org_id == int(number))
    if key == "oNone":
        return and_(TaskItem.candidate_unit_id.is_(None), TaskItem.candidate_org_id.is_(None))
    return false()


def tasks(conditions: Iterable[ColumnElement[bool]]) -> Select[tuple[TaskItem]]:
    """Return the query of the tasks meeting ``conditions``, joined with their topics."""
    return select(TaskItem).join(Topic, Topic.id == TaskItem.topic_id).where(*conditions)


def _least_time_left(query: Select[Any], sort: str = "") -> Select[Any]:
    return _sorted(query, sort, TASK_SORTS, [TaskItem.due_at.is_(None), TaskItem.due_at, TaskItem.id], TaskItem.id)


def task_page(session: Session, conditions: Sequence[ColumnElement[bool]], filters: Filters, user: User | None,
              now: datetime, calendar: WorkCalendar) -> Page[Row]:
    """Return one page of the tasks meeting ``conditions`` and the filters, least time left first."""
    query = tasks([*conditions, *task_filters(filters, user, now)])
    total = session.scalar(query.with_only_columns(func.count(TaskItem.id))) or 0
    number, pages = _clamp(filters.page, total)
    page = _least_time_left(query, filters.sort).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    return Page(_rows(session, page, now, calendar, paged=True), total, number, pages)


def all_task_rows(session: Session, conditions: Sequence[ColumnElement[bool]], filters: Filters, user: User | None,
                  now: datetime, calendar: WorkCalendar) -> list[Row]:
    """Return every task meeting ``conditions`` and the filters, least time left first (for exports)."""
    query = _least_time_left(tasks([*conditions, *task_filters(filters, user, now)]), filters.sort)
    return _rows(session, query, now, calendar, paged=False)


def _rows(session: Session, query: Select[tuple[TaskItem]], now: datetime, calendar: WorkCalendar,
          paged: bool) -> list[Row]:
    """Load the tasks with what they show, and mark those escalated (by a supervisor or by the sweep)."""
    items = session.scalars(query.options(*_SHOWN)).all()
    if not items:
        return []
    # A page names its few ids; a whole list is named by its query rather than by thousands of ids.
    ids: Any = [i.id for i in items] if paged else query.with_only_columns(TaskItem.id).order_by(None)
    escalated = set(session.scalars(select(Event.task_item_id).where(
        Event.kind == "escalated", Event.task_item_id.in_(ids))))
    return [Row(i, warning_level(i, now, calendar), i.id in escalated or i.chase is Chase.ESCALATED) for i in items]


def _clamp(number: int, total: int) -> tuple[int, int]:
    """Return the page number within the pages ``total`` rows make, and the number of pages."""
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(1, number), pages), pages


def org_choices(session: Session, conditions: Sequence[ColumnElement[bool]], column: Any,
                by_name: bool = False) -> list[tuple[str, str]]:
    """Return (code, name) of the organizations ``column`` names among the tasks meeting ``conditions``, by code."""
    return _orgs(session, tasks(conditions).with_only_columns(column).distinct(), by_name)


def _orgs(session: Session, ids: Select[Any], by_name: bool) -> list[tuple[str, str]]:
    """Return (code, name) of the organizations whose ids the query selects, by code or by name."""
    order = (Organization.name, Organization.code) if by_name else (Organization.code,)
    found = session.execute(select(Organization.code, Organization.name).where(Organization.id.in_(ids))
                            .order_by(*order)).tuples()
    return list(found)


def waiting_choices(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[tuple[str, str]]:
    """Return the units and organizations the tasks meeting ``conditions`` wait for, as (key, name), by name."""
    query = (tasks(conditions).with_only_columns(TaskItem.candidate_unit_id, TaskItem.candidate_org_id, Unit.name,
                                                  Organization.name)
             .outerjoin(Unit, Unit.id == TaskItem.candidate_unit_id)
             .outerjoin(Organization, Organization.id == TaskItem.candidate_org_id).distinct())
    found = {(f"u{unit}", unit_name) if unit else (f"o{org}", org_name or "—")
             for unit, org, unit_name, org_name in session.execute(query)}
    return sorted(found, key=lambda c: c[1])


def topic_filters(filters: Filters) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the search, date range, stage, district and status filters over topics."""
    conditions: list[ColumnElement[bool]] = [*_day_range(Topic.created_at, filters.since, filters.until)]
    if filters.q:
        conditions.append(search(filters.q))
    if filters.stage:
        conditions.append(Topic.stage == filters.stage)
    if filters.district:
        conditions.append(Topic.district_id.in_(_org_ids(filters.district)))
    if filters.status:
        conditions.append(Topic.status == TopicStatus(filters.status))
    if filters.kind:
        conditions.append(Topic.consultation_kind == ConsultationKind(filters.kind))
    return conditions


def _newest_first(conditions: Iterable[ColumnElement[bool]], sort: str = "") -> Select[tuple[Topic]]:
    query = _sorted(select(Topic).where(*conditions), sort, TOPIC_SORTS, [Topic.created_at.desc(), Topic.id.desc()],
                    Topic.id)
    return query.options(joinedload(Topic.district), joinedload(Topic.town))


def topic_page(session: Session, visible: ColumnElement[bool], filters: Filters) -> Page[Topic]:
    """Return one page of the visible topics the filters keep, newest first."""
    conditions = [visible, *topic_filters(filters)]
    total = session.scalar(select(func.count(Topic.id)).where(*conditions)) or 0
    number, pages = _clamp(filters.page, total)
    shown = _newest_first(conditions, filters.sort).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    return Page(list(session.scalars(shown)), total, number, pages)


def all_topics(session: Session, visible: ColumnElement[bool], filters: Filters) -> list[Topic]:
    """Return every visible topic the filters keep, newest first (for exports)."""
    return list(session.scalars(_newest_first([visible, *topic_filters(filters)], filters.sort)))


def topic_district_choices(session: Session, visible: ColumnElement[bool]) -> list[tuple[str, str]]:
    """Return (code, name) of the districts of the visible topics, by code."""
    return _orgs(session, select(Topic.district_id).where(visible).distinct(), by_name=False)
