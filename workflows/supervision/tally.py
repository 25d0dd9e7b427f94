"""Keeping open_task_tally in step with task_item, in the transaction that changes the tasks.

The supervisors' dashboard (workflows/supervision/dashboard.py) reads it. ``install`` puts it
on every Session; the session factory (workflows/wiring.py) calls it, so any write through the
ORM (the topic service, the scheduler, the web pages) counts, whoever wrote it. Changes are collected at each flush and
written just before commit, in key order, so two transactions never wait on each other's
counters in opposite orders. Bulk writes that bypass the ORM call ``rebuild`` afterwards;
``rebuild`` also drops the rows whose count fell to zero.
"""
from collections import Counter
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, delete, event, func, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import OpenTaskTally, TaskItem, TaskStatus, Topic
from models.tally import NO_DEADLINE, NO_UNIT

Key = tuple[int, int, int, int, str, Any, Any]
KEY_COLUMNS = ("district_id", "platform_id", "candidate_unit_id", "candidate_org_id", "stage", "due_at", "warn_at")
ITEM_COLUMNS = ("status", "topic_id", "candidate_unit_id", "candidate_org_id", "stage", "due_at", "warn_at")
PENDING = "open_task_tally"  # session.info key of the changes not yet written


def _key(session: Session, item: TaskItem, values: dict[str, Any]) -> Key | None:
    """Return the tally key of a task with these values, or None when it is not open."""
    if values["status"] is not TaskStatus.READY:
        return None
    topic = item.topic if "topic" in item.__dict__ else session.get(Topic, values["topic_id"])
    assert topic is not None, "a task belongs to a topic"
    return (topic.district_id, topic.town_id or topic.district_id, values["candidate_unit_id"] or NO_UNIT,
            values["candidate_org_id"] or NO_UNIT, values["stage"], values["due_at"] or NO_DEADLINE,
            values["warn_at"] or NO_DEADLINE)


def _values(item: TaskItem, before: bool) -> dict[str, Any]:
    """Return the columns a key is made of, as they are now or as they were loaded."""
    state = inspect(item)
    out = {}
    for name in ITEM_COLUMNS:
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


def _write(session: Session) -> None:
    session.flush()
    changes: Counter[Key] = session.info.pop(PENDING, Counter())
    rows = [{**dict(zip(KEY_COLUMNS, key, strict=True)), "open_count": delta}
            for key, delta in sorted(changes.items(), key=lambda kv: _order(kv[0])) if delta]
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name), rows)


def _order(key: Key) -> tuple[Any, ...]:
    """Return a sort key of a tally key that compares the times as text (mixed types never meet)."""
    return (*key[:5], str(key[5]), str(key[6]))


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


_LISTENERS = (("before_flush", _collect), ("before_commit", _write), ("after_rollback", _forget))


def install() -> None:
    """Keep the tally on every Session from now on (the composition root calls it; again changes nothing)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@lru_cache(maxsize=4)
def _upsert(dialect: str) -> Insert:
    """Return the statement adding a row's count to the tally (built once per dialect)."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = make(OpenTaskTally)
    return statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS), set_={"open_count": OpenTaskTally.open_count + statement.excluded.open_count})


def rebuild(session: Session) -> int:
    """Count every open task again from task_item (after bulk writes); return how many rows the tally has."""
    keys = (Topic.district_id, func.coalesce(Topic.town_id, Topic.district_id),
            func.coalesce(TaskItem.candidate_unit_id, NO_UNIT), func.coalesce(TaskItem.candidate_org_id, NO_UNIT),
            TaskItem.stage, func.coalesce(TaskItem.due_at, NO_DEADLINE), func.coalesce(TaskItem.warn_at, NO_DEADLINE))
    counts = (select(*keys, func.count()).join(Topic, Topic.id == TaskItem.topic_id)
              .where(TaskItem.status == TaskStatus.READY).group_by(*keys))
    session.execute(delete(OpenTaskTally))
    session.execute(insert(OpenTaskTally).from_select([*KEY_COLUMNS, "open_count"], counts))
    return session.scalar(select(func.count()).select_from(OpenTaskTally)) or 0
