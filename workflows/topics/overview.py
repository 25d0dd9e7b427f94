"""What the case page of a topic shows: its diagrams with step states, its reply, its contact.

Called by the web case page and the PDF prints; the topic list and its export read ``visible``.
Reads only; the one write is the audit entry left by every look at a resident's contact details.
"""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from engine.diagrams.loading import BPMN, parse_xml
from engine.errors import Forbidden
from engine.store import versions as processes
from models import Event, ResidentContact, Role, TaskItem, TaskStatus, Topic, TopicCoPlatform, User, WorkflowState
from models.database import require_writing
from workflows.people import audit
from workflows.people.access import SEE_ALL_IN_SCOPE, may_read_contact, orgs_with, require_topic, units_with
from workflows.topics.inbox import descendants


@dataclass
class DiagramView:
    """One diagram of a topic and the ids of its steps by state."""

    process_id: str
    label: str
    version_id: int
    done: set[str] = field(default_factory=set)
    current: set[str] = field(default_factory=set)
    overdue: set[str] = field(default_factory=set)

    def marks(self) -> dict[str, list[str]]:
        """Return the step ids by state, a step counting once, in its most urgent state."""
        return {"done": sorted(self.done - self.current - self.overdue),
                "current": sorted(self.current - self.overdue), "overdue": sorted(self.overdue)}


def visible(session: Session, user: User) -> ColumnElement[bool]:
    """Return the condition of a topic the user may see (the topic list filters and pages within it)."""
    orgs = descendants(session, orgs_with(user, *SEE_ALL_IN_SCOPE))
    units = units_with(user, *Role)
    through_units = select(TaskItem.topic_id).where(TaskItem.candidate_unit_id.in_(units))
    co_organized = select(TopicCoPlatform.topic_id).where(TopicCoPlatform.organization_id.in_(orgs))  # joint topics
    return or_(Topic.district_id.in_(orgs) & Topic.town_id.is_(None), Topic.town_id.in_(orgs),
               Topic.id.in_(through_units), Topic.id.in_(co_organized))


def diagram_views(session: Session, topic: Topic, now: datetime) -> list[DiagramView]:
    """Return the topic's main diagram and each diagram it calls, with finished, current and overdue steps."""
    stored = session.get(WorkflowState, topic.id)
    pinned = stored.subprocess_versions if stored else {}
    called = {pid: processes.version_by_id(session, vid) for pid, vid in pinned.items()}
    main = topic.process_version
    views = {main.definition.process_id: DiagramView(main.definition.process_id, main.definition.name, main.id)}
    for pid, version in called.items():
        views[pid] = DiagramView(pid, version.definition.name, version.id)
    items = session.scalars(select(TaskItem).where(TaskItem.topic_id == topic.id)).all()
    for item in items:
        view = views.get(item.process_id)
        if view is None:
            continue
        if item.status is TaskStatus.COMPLETED:
            view.done.add(item.bpmn_id)
        elif item.status is TaskStatus.READY:
            view.current.add(item.bpmn_id)
            if item.due_at is not None and item.due_at < now:
                view.overdue.add(item.bpmn_id)
    _mark_call_activities(views, main.bpmn_xml, main.definition.process_id)
    for pid, version in called.items():
        _mark_call_activities(views, version.bpmn_xml, pid)
    return list(views.values())


def _mark_call_activities(views: dict[str, DiagramView], xml: bytes, process_id: str) -> None:
    """Give each call activity the state of the diagram it calls."""
    caller = views[process_id]
    for element in parse_xml(xml).iter(f"{{{BPMN}}}callActivity"):
        callee = views.get(element.get("calledElement", ""))
        if callee is None:
            continue
        element_id = element.get("id", "")
        if callee.overdue:
            caller.overdue.add(element_id)
        if callee.current:
            caller.current.add(element_id)
        elif callee.done:
            caller.done.add(element_id)


def diagram_xml(session: Session, user: User, topic_id: int, version_id: int) -> bytes:
    """Return the XML of a process version the topic is pinned to (NotFound for any other)."""
    topic = require_topic(session, user, topic_id)
    stored = session.get(WorkflowState, topic.id)
    pinned = {topic.process_version_id, *(stored.subprocess_versions.values() if stored else ())}
    if version_id not in pinned:
        from engine.errors import NotFound

        raise NotFound(f"topic {topic_id} does not use process version {version_id}")
    return processes.version_by_id(session, version_id).bpmn_xml


def completed_data(session: Session, topic: Topic, task: str) -> list[dict[str, Any]]:
    """Return the form data of every completion of one task of the topic, oldest first."""
    events = session.scalars(select(Event).where(
        Event.topic_id == topic.id, Event.kind == "task_completed").order_by(Event.at, Event.id))
    return [dict(e.payload.get("data") or {}, at=e.at, actor=e.actor) for e in events if e.payload.get("task") == task]


def contact(
    session: Session, user: User, topic: Topic, address: str = "", now: datetime | None = None,
) -> ResidentContact | None:
    """Return the resident's contact details of a topic to who handles it, writing the look to the audit log."""
    require_writing(session)
    if not may_read_contact(session, user, topic):
        raise Forbidden("群众联系方式仅限办理该议题的工作人员查看"
                        " (the resident's contact is for the staff handling the topic)")
    found = session.get(ResidentContact, topic.id)
    if found is not None:
        audit.record(session, "contact_viewed", user, target=f"topic:{topic.id}", address=address, now=now)
    return found


def masked_phone(phone: str) -> str:
    """Return a phone number with its middle digits hidden."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def add_contact(session: Session, topic: Topic, name: str, phone: str, address: str) -> ResidentContact | None:
    """Keep the proposing resident's contact details with a new topic (nothing when no name is given)."""
    require_writing(session)
    name, phone, address = name.strip()[:60], phone.strip()[:30], address.strip()[:200]
    if not name:
        return None
    if phone and not all(c.isdigit() or c in "+- " for c in phone):
        from engine.errors import InvalidInput

        raise InvalidInput("bad phone number", {"contact_phone": "电话号码只能包含数字、空格、+ 和 - (digits only)"})
    found = ResidentContact(topic_id=topic.id, name=name, phone=phone, address=address)
    session.add(found)
    return found
