"""Every step a topic has been through, with what was entered: the context of a task and the case file.

Called by the task page (the earlier steps shown beside the form), the case page and its PDF
(案卷). Reads in a fixed number of statements: the completions with their tasks and actors,
the units named in them, and the topic's attachments.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import Attachment, Event, TaskItem, Topic, Unit, User
from workflows.rules.forms import FORMS, Field
from workflows.topics.timeline import due_then

YES_NO = {True: "是", False: "否"}


@dataclass(frozen=True)
class Entry:
    """One field of a completed form as it reads: its label, and its value in words."""

    label: str
    value: str
    translate: bool = False  # the value is a label of the page's vocabulary (a choice, yes or no)
    long: bool = False


@dataclass
class Step:
    """One completed task: who, when, the deadline it had then, what was entered and the files."""

    item: TaskItem
    actor: User | None
    at: datetime
    due_at: datetime | None
    entries: list[Entry]
    files: list[Attachment] = field(default_factory=list)

    @property
    def late(self) -> bool:
        """Tell whether the step was completed after the deadline it had."""
        return self.due_at is not None and self.at > self.due_at


def of_topic(session: Session, topic: Topic, before: TaskItem | None = None) -> list[Step]:
    """Return the topic's completed steps, oldest first (those completed before ``before``'s creation, if given)."""
    query = (select(Event).where(Event.topic_id == topic.id, Event.kind == "task_completed",
                                 Event.task_item_id.is_not(None))
             .options(joinedload(Event.actor)).order_by(Event.at, Event.id))
    events = list(session.scalars(query))
    items = {i.id: i for i in session.scalars(select(TaskItem).where(TaskItem.topic_id == topic.id))}
    units = _unit_names(session, [e.payload.get("data") or {} for e in events])
    files: dict[int | None, list[Attachment]] = {}
    for attachment in session.scalars(select(Attachment).where(Attachment.topic_id == topic.id)
                                      .order_by(Attachment.id)):
        files.setdefault(attachment.task_item_id, []).append(attachment)
    steps = []
    for event in events:
        item = items.get(event.task_item_id or 0)
        if item is None or (before is not None and item.id == before.id):
            continue
        entries = _entries(item, event.payload.get("data") or {}, units)
        steps.append(Step(item, event.actor, event.at, due_then(event.payload), entries, files.get(item.id, [])))
    return steps


def _unit_names(session: Session, datas: Sequence[dict[str, Any]]) -> dict[str, str]:
    codes = {v for d in datas for v in d.values() if isinstance(v, str)}
    codes |= {c for d in datas for v in d.values() if isinstance(v, list) for c in v if isinstance(c, str)}
    if not codes:
        return {}
    return dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).tuples().all())


def _entries(item: TaskItem, data: dict[str, Any], units: dict[str, str]) -> list[Entry]:
    form = FORMS.get(item.context.get("form", item.bpmn_id))
    if form is None:
        return []
    entries = []
    for form_field in form.fields:
        value = data.get(form_field.name)
        if value in (None, "", []) or form_field.kind == "file":
            continue
        entries.append(_entry(form_field, value, units))
    return entries


def _entry(form_field: Field, value: Any, units: dict[str, str]) -> Entry:
    if form_field.kind == "bool":
        return Entry(form_field.label, YES_NO[bool(value)], translate=True)
    if form_field.kind == "choice":
        return Entry(form_field.label, dict(form_field.choices).get(str(value), str(value)), translate=True)
    if form_field.kind == "unit":
        return Entry(form_field.label, units.get(str(value), str(value)))
    if form_field.kind == "units":
        return Entry(form_field.label, "、".join(units.get(str(v), str(v)) for v in value))
    return Entry(form_field.label, str(value), long=form_field.kind == "textarea")
