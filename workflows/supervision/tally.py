"""Keeping the tallies in step with task_item and event, in the transaction that changes them.

open_task_tally counts the open tasks, feedback_tally the written replies (and those on time)
and the ratings of each platform; the supervisors' dashboard (workflows/supervision/dashboard.py)
reads both, so its cost does not follow the number of topics. ``install`` puts the listeners on
every Session; the session factory (workflows/wiring.py) calls it, so any write through the ORM
(the topic service, the scheduler, the web pages) counts, whoever wrote it. The completion's
path writes its rows as statements, which no listener sees, and counts them itself through
``count_row`` and ``count_event``. Changes are collected at each flush (or as told) and written
just before commit, in key order, so two transactions never wait on each other's counters in
opposite orders. Bulk writes that bypass both call ``rebuild`` afterwards; ``rebuild`` also drops
the rows whose count fell to zero.
"""
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, and_, delete, event, func, insert, inspect, literal, select, union_all
from sqlalchemy.orm import Session

from models import Event, FeedbackTally, OpenTaskTally, TaskItem, TaskStatus, Topic
from models.database import adding_to
from models.tally import NO_DEADLINE, NO_UNIT

Key = tuple[int, int, int, int, str, Any, Any]
KEY_COLUMNS = ("district_id", "platform_id", "candidate_unit_id", "candidate_org_id", "stage", "due_at", "warn_at")
ITEM_COLUMNS = ("status", "topic_id", "candidate_unit_id", "candidate_org_id", "stage", "due_at", "warn_at")
PENDING = "open_task_tally"  # session.info key of the changes not yet written
FEEDBACK = "feedback_tally"  # the same for the feedback counts
REPLY_COLUMNS = ("status", "topic_id", "bpmn_id", "due_at", "completed_at")
COUNTED_COLUMNS = tuple(dict.fromkeys((*ITEM_COLUMNS, *REPLY_COLUMNS)))
Measure = tuple[int, int, str]  # district, platform, measure


def count_row(session: Session, topic: Topic, before: Mapping[str, Any] | None,
              after: Mapping[str, Any] | None) -> None:
    """Count a task row written outside the unit of work, by its ``row_values`` before (None: new) and after.

    The listeners below see only what the ORM flushes; the save cycle writes its rows as statements
    (engine/store/projection.py, workflows/topics/lifecycle.py) and tells the tallies here.
    """
    changes: Counter[Key] = session.info.setdefault(PENDING, Counter())
    feedback: Counter[Measure] = session.info.setdefault(FEEDBACK, Counter())
    if before is not None:
        if old := _key_of(topic, before):
            changes[old] -= 1
        feedback.subtract(_replies(session, before))
    if after is not None:
        if new := _key_of(topic, after):
            changes[new] += 1
        feedback.update(_replies(session, after))


def count_event(session: Session, topic: Topic, kind: str, payload: Mapping[str, Any]) -> None:
    """Count an event written outside the unit of work (a rating counts for its platform's satisfaction)."""
    if (rating := _rating_of(kind, payload)) is not None:
        feedback: Counter[Measure] = session.info.setdefault(FEEDBACK, Counter())
        feedback[(topic.district_id, topic.town_id or topic.district_id, rating)] += 1


def row_values(item: TaskItem) -> dict[str, Any]:
    """Return the columns the tallies count a task row by, as the row object holds them now."""
    return {name: getattr(item, name) for name in COUNTED_COLUMNS}


def _key(session: Session, item: TaskItem, values: dict[str, Any]) -> Key | None:
    """Return the tally key of a task with these values, or None when it is not open."""
    if values["status"] is not TaskStatus.READY:
        return None  # before the topic is looked up
    topic = item.topic if "topic" in item.__dict__ else session.get(Topic, values["topic_id"])
    assert topic is not None, "a task belongs to a topic"
    return _key_of(topic, values)


def _key_of(topic: Topic, values: Mapping[str, Any]) -> Key | None:
    """Return the tally key of a task of ``topic`` with these values, or None when it is not open."""
    if values["status"] is not TaskStatus.READY:
        return None
    return (topic.district_id, topic.town_id or topic.district_id, values["candidate_unit_id"] or NO_UNIT,
            values["candidate_org_id"] or NO_UNIT, values["stage"], values["due_at"] or NO_DEADLINE,
            values["warn_at"] or NO_DEADLINE)


def _values(item: TaskItem, before: bool, names: tuple[str, ...] = ITEM_COLUMNS) -> dict[str, Any]:
    """Return the columns a key is made of, as they are now or as they were loaded."""
    state = inspect(item)
    out = {}
    for name in names:
        history = state.attrs[name].history
        out[name] = (history.deleted[0] if history.deleted else getattr(item, name)) if before else getattr(item, name)
    return out


def _key_changed(item: TaskItem) -> bool:
    """Tell whether a change touches the task's key or status (a new warning level or chase step does not)."""
    attrs = inspect(item).attrs
    return any(attrs[name].history.has_changes() for name in ITEM_COLUMNS)


def _collect(session: Session, _context: object, _instances: object) -> None:
    changes: Counter[Key] = session.info.setdefault(PENDING, Counter())
    with session.no_autoflush:
        for item in session.new:
            if isinstance(item, TaskItem):
                values = _values(item, before=False)
                values["status"] = values["status"] or TaskStatus.READY  # the column default, not yet applied
                if key := _key(session, item, values):
                    changes[key] += 1
        for item in session.dirty:
            if isinstance(item, TaskItem) and _key_changed(item):
                if old := _key(session, item, _values(item, before=True)):
                    changes[old] -= 1
                if new := _key(session, item, _values(item, before=False)):
                    changes[new] += 1
        for item in session.deleted:
            if isinstance(item, TaskItem) and (key := _key(session, item, _values(item, before=True))):
                changes[key] -= 1
        _collect_feedback(session)


def _collect_feedback(session: Session) -> None:
    """Count the replies that were completed (or stopped being) and the ratings given in this flush."""
    changes: Counter[Measure] = session.info.setdefault(FEEDBACK, Counter())
    for item in session.new:
        if isinstance(item, TaskItem):
            changes.update(_replies(session, _values(item, before=False, names=REPLY_COLUMNS)))
        elif isinstance(item, Event) and (rating := _rating_of(item.kind, item.payload or {})) is not None:
            changes[(*_platform(session, item.topic_id), rating)] += 1
    for item in session.dirty:
        if isinstance(item, TaskItem) and inspect(item).attrs["status"].history.has_changes():
            changes.update(_replies(session, _values(item, before=False, names=REPLY_COLUMNS)))
            changes.subtract(_replies(session, _values(item, before=True, names=REPLY_COLUMNS)))
    for item in session.deleted:
        if isinstance(item, TaskItem):
            changes.subtract(_replies(session, _values(item, before=True, names=REPLY_COLUMNS)))


def _replies(session: Session, values: Mapping[str, Any]) -> list[Measure]:
    """Return what a task with these values counts for: a completed written reply, and whether on time."""
    if values["status"] is not TaskStatus.COMPLETED or values["bpmn_id"] != "write_reply":
        return []
    where = _platform(session, values["topic_id"])
    due, done = values["due_at"], values["completed_at"]
    return [(*where, "reply"), *([(*where, "reply_on_time")] if due and done and done <= due else [])]


def _rating_of(kind: str, payload: Mapping[str, Any]) -> str | None:
    """Return the measure of a rating event (``rating:<value>``), or None for any other event."""
    data = payload.get("data")
    if kind != "task_completed" or payload.get("task") != "rate_reply" or not isinstance(data, dict):
        return None
    return None if data.get("rating") is None else f"rating:{data['rating']}"


def _platform(session: Session, topic_id: int | None) -> tuple[int, int]:
    """Return the district and the platform (the town, else the district) of a topic."""
    topic = session.get(Topic, topic_id)
    assert topic is not None, "a task or rating belongs to a topic"
    return topic.district_id, topic.town_id or topic.district_id


def _write(session: Session) -> None:
    session.flush()
    changes: Counter[Key] = session.info.pop(PENDING, Counter())
    rows = [{**dict(zip(KEY_COLUMNS, key, strict=True)), "open_count": delta}
            for key, delta in sorted(changes.items(), key=lambda kv: _order(kv[0])) if delta]
    # On the connection, after the flush above: no autoflush, and no ORM bulk-insert path around two small writes.
    if rows:
        session.connection().execute(_ADD_OPEN, rows)
    feedback: Counter[Measure] = session.info.pop(FEEDBACK, Counter())
    measured = [{"district_id": d, "platform_id": p, "measure": m, "count": delta}
                for (d, p, m), delta in sorted(feedback.items()) if delta]
    if measured:
        session.connection().execute(_ADD_FEEDBACK, measured)


def _order(key: Key) -> tuple[Any, ...]:
    """Return a sort key of a tally key that compares the times as text (mixed types never meet)."""
    return (*key[:5], str(key[5]), str(key[6]))


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(FEEDBACK, None)


_LISTENERS = (("before_flush", _collect), ("before_commit", _write), ("after_rollback", _forget))


def install() -> None:
    """Keep the tally on every Session from now on (the composition root calls it; again changes nothing)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_ADD_OPEN = adding_to(OpenTaskTally.__table__, "open_count")  # type: ignore[arg-type]  # a mapped class's Table
_ADD_FEEDBACK = adding_to(FeedbackTally.__table__, "count")  # type: ignore[arg-type]


def feedback_counts() -> Any:
    """Return the query of (district, platform, measure, count) recounted from task_item and event."""
    where = (Topic.district_id, func.coalesce(Topic.town_id, Topic.district_id))
    done = and_(TaskItem.status == TaskStatus.COMPLETED, TaskItem.bpmn_id == "write_reply")
    on_time = and_(TaskItem.due_at.is_not(None), TaskItem.completed_at.is_not(None),
                   TaskItem.completed_at <= TaskItem.due_at)
    tasks = TaskItem.__table__.join(Topic.__table__, Topic.id == TaskItem.topic_id)
    replies = select(*where, literal("reply", String), func.count()).select_from(tasks)
    timely = select(*where, literal("reply_on_time", String), func.count()).select_from(tasks)
    rating = Event.payload[("data", "rating")].as_string()
    ratings = (select(*where, literal("rating:", String) + rating, func.count()).select_from(TaskItem)
               .join(Event, and_(Event.task_item_id == TaskItem.id, Event.kind == "task_completed"))
               .join(Topic, Topic.id == TaskItem.topic_id)
               .where(TaskItem.bpmn_id == "rate_reply", TaskItem.status == TaskStatus.COMPLETED, rating.is_not(None)))
    return union_all(replies.where(done).group_by(*where),
                     timely.where(done, on_time).group_by(*where),
                     ratings.group_by(*where, rating))


def rebuild(session: Session) -> int:
    """Count every open task and every reply and rating again (after bulk writes); return the open tally's rows."""
    session.execute(delete(FeedbackTally))
    session.execute(insert(FeedbackTally).from_select(["district_id", "platform_id", "measure", "count"],
                                                      feedback_counts()))
    keys = (Topic.district_id, func.coalesce(Topic.town_id, Topic.district_id),
            func.coalesce(TaskItem.candidate_unit_id, NO_UNIT), func.coalesce(TaskItem.candidate_org_id, NO_UNIT),
            TaskItem.stage, func.coalesce(TaskItem.due_at, NO_DEADLINE), func.coalesce(TaskItem.warn_at, NO_DEADLINE))
    counts = (select(*keys, func.count()).join(Topic, Topic.id == TaskItem.topic_id)
              .where(TaskItem.status == TaskStatus.READY).group_by(*keys))
    session.execute(delete(OpenTaskTally))
    session.execute(insert(OpenTaskTally).from_select([*KEY_COLUMNS, "open_count"], counts))
    return session.scalar(select(func.count()).select_from(OpenTaskTally)) or 0
