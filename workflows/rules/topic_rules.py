"""The Rules a topic's workflow runs by, handed to the engine by the composition root.

The engine calls ``diagram_problems`` when a diagram is deployed or validated, and the row
methods whenever it brings a topic's task rows in step with its workflow (engine/store/projection.py).
Here the lanes become roles, the ``candidate`` property becomes an organization or a unit of
the topic, the ``clock`` properties (or the district's own clock) become a deadline, and no
consultation task may be reached without passing the research gate (不调研不协商).
"""
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from SpiffWorkflow.task import Task
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.diagrams.loading import NS, Diagram, flow_graph, local_name, problem, reachable
from engine.errors import Problem
from engine.time import clocks
from engine.time.calendar import WorkCalendar, parse_allowance
from models import TaskItem, TaskStatus, Topic, Unit
from workflows.rules.forms import FORMS
from workflows.rules.roles import CANDIDATES, LANE_ROLES, resolve_candidate
from workflows.rules.stages import STAGES
from workflows.supervision import tally

CLOCK_KEYS = ("clock", "warn", "clock_source")


class TopicRules:
    """The domain's answers to the engine's questions about diagrams and task rows."""

    def diagram_problems(self, diagram: Diagram) -> list[Problem]:
        """Return the user tasks' problems and the research gate's, in that order."""
        return [*user_task_problems(diagram), *research_gate_problems(diagram)]

    def fill_row(self, session: Session, item: TaskItem, task: Task, calendar: WorkCalendar, now: datetime) -> None:
        """Give a new row its topic, role, stage, place, context and, if the task has one, its clock."""
        topic = _topic(session, item)
        props = task_properties(task)
        clock = clocks.task_clock(session, topic.district_id, item.process_id, item.bpmn_id, props)
        item.stage = props.get("stage", topic.stage)
        item.role = LANE_ROLES[task.task_spec.lane]
        item.candidate_org_id, unit = _place(session, topic, props, task)
        item.candidate_unit_id = unit.id if unit else None
        item.context = _context(props, task, clock)
        if clock is not None:
            item.clock_started_at = _clock_start(session, topic, item.bpmn_id, props, now)
            clocks.apply(item, clocks.deadline_from(calendar, clock, item.clock_started_at), now)
        item.topic = topic

    def refresh_row(self, session: Session, item: TaskItem, task: Task, calendar: WorkCalendar,
                    now: datetime) -> None:
        """After a migration, bring an open row in line with its task's new spec: stage, lane, place, clock.

        The clock still runs from when it started (the task opening, or signing), so a shorter
        deadline in the new version shortens the running one; a district's own clock and a granted
        extension still win. A changed candidate property re-resolves the unit; otherwise a
        reassignment made on the row stays.
        """
        topic = _topic(session, item)
        props = task_properties(task)
        clock = clocks.task_clock(session, topic.district_id, item.process_id, item.bpmn_id, props)
        item.stage = props.get("stage", item.stage)
        item.role = LANE_ROLES.get(task.task_spec.lane, item.role)
        if props.get("candidate") != item.context.get("candidate"):
            item.candidate_org_id, item.candidate_unit = _place(session, topic, props, task)
        kept = {k: v for k, v in item.context.items() if k not in CLOCK_KEYS}
        item.context = {**kept, **_context(props, task, clock)}
        if clock is not None and item.clock_started_at is None:
            item.clock_started_at = _clock_start(session, topic, item.bpmn_id, props, item.created_at)
        deadline = clocks.recompute(calendar, item)
        if deadline is not None:
            clocks.apply(item, deadline, now)

    def rows_synced(self, session: Session, owner_id: int, open_items: Sequence[TaskItem],
                    opened: Sequence[TaskItem]) -> None:
        """Count the rows the save opened in the tallies; move the topic to its open tasks' earliest stage.

        The topic keeps its stage when none are open.
        """
        topic = session.get(Topic, owner_id)
        assert topic is not None, "a workflow belongs to a topic"
        for item in opened:
            tally.count_row(session, topic, None, tally.row_values(item))
        stage = current_stage(topic, open_items)
        if topic.stage != stage:  # an unchanged stage leaves the topic clean: nothing for the next flush
            topic.stage = stage


def current_stage(topic: Topic, open_items: Sequence[TaskItem]) -> str:
    """Return the earliest stage among the open tasks (the topic's stage when none are open)."""
    stages = [i.stage for i in open_items if i.stage in STAGES]
    return min(stages, key=STAGES.index) if stages else topic.stage


def task_properties(task: Task) -> dict[str, Any]:
    """Return the spiffworkflow properties of a task's spec (stage, form, candidate, clock …)."""
    return dict(task.task_spec.extensions.get("properties", {}))


def user_task_problems(diagram: Diagram) -> list[Problem]:
    """Every user task sits in a role's lane and declares a known stage, form, candidate and clock."""
    problems = []
    for task_spec in diagram.spec.task_specs.values():
        if not getattr(task_spec, "manual", False):
            continue
        props: dict[str, Any] = task_spec.extensions.get("properties", {})
        for message in _property_problems(task_spec.lane, props):
            problems.append(Problem(message, task_spec.bpmn_id or task_spec.name, task_spec.bpmn_name or ""))
    return problems


def _property_problems(lane: str | None, props: dict[str, Any]) -> list[str]:
    messages = []
    if lane not in LANE_ROLES:
        messages.append(f"lies in lane {lane!r}, which is not mapped to a role ({', '.join(LANE_ROLES)})")
    if props.get("stage") not in STAGES:
        messages.append(f"property stage must be one of {', '.join(STAGES)}")
    if props.get("form") not in FORMS:
        messages.append(f"property form {props.get('form')!r} names no known form")
    if props.get("candidate") not in CANDIDATES:
        messages.append(f"property candidate must be one of {', '.join(CANDIDATES)}")
    for key in ("clock", "warn"):
        try:
            parse_allowance(props.get(key, ""))
        except ValueError as exc:
            messages.append(f"property {key}: {exc}")
    return messages


def research_gate_problems(diagram: Diagram) -> list[Problem]:
    """No research, no consultation: with the gate removed, no consultation task is reachable."""
    nodes, edges = flow_graph(diagram.process)
    consultation = [
        e for e in nodes.values()
        if e.find(".//spiffworkflow:property[@name='stage'][@value='consultation']", NS) is not None
    ]
    if not consultation:
        return []
    if "research_gate" not in nodes:
        return [problem(e, "consultation without the research gate (research_gate) before it") for e in consultation]
    starts = {i for i, e in nodes.items() if local_name(e) == "startEvent"}
    passed = reachable(edges, starts, blocked="research_gate")
    return [problem(e, "can be reached without passing the research gate")
            for e in consultation if e.get("id") in passed]


def _topic(session: Session, item: TaskItem) -> Topic:
    topic = session.get(Topic, item.topic_id)
    assert topic is not None, "a task row belongs to a topic"
    return topic


def _place(session: Session, topic: Topic, props: dict[str, Any], task: Task) -> tuple[int | None, Unit | None]:
    """Return the organization id and unit a task belongs to, by its candidate property."""
    candidate = resolve_candidate(props.get("candidate", "platform"), topic, task.data)
    unit = session.scalar(select(Unit).where(Unit.code == candidate.unit_code)) if candidate.unit_code else None
    if unit is not None:
        return unit.organization_id, unit
    return (candidate.organization.id if candidate.organization else None), None


def _clock_start(session: Session, topic: Topic, task_id: str, props: dict[str, Any], now: datetime) -> datetime:
    """Return when the task's clock starts: now, or when the lead unit last signed for the topic.

    A task that runs again (re-handling after an unsatisfied rating) starts a fresh clock.
    """
    if props.get("clock_start") != "signed":
        return now
    again = select(TaskItem.id).where(TaskItem.topic_id == topic.id, TaskItem.bpmn_id == task_id,
                                      TaskItem.status == TaskStatus.COMPLETED).limit(1)
    if session.scalar(again) is not None:
        return now
    signed = select(TaskItem.signed_at).where(TaskItem.topic_id == topic.id, TaskItem.signed_at.is_not(None))
    return session.scalar(signed.order_by(TaskItem.signed_at.desc()).limit(1)) or now


def _context(props: dict[str, Any], task: Task, clock: clocks.TaskClock | None) -> dict[str, Any]:
    """Keep what a list needs to show without the workflow: the form key and the clock in force."""
    context: dict[str, Any] = {k: props[k] for k in ("form", "candidate", "signing") if k in props}
    if clock is not None:
        context.update(clock=str(clock.clock), warn=str(clock.warn), clock_source=clock.source)
    if props.get("candidate") == "assist_unit":
        context["assisting_unit"] = task.data.get("assisting_unit")
    return context
