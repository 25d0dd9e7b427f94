"""What the domain tells the engine: the checks a diagram must pass and what a task row holds.

The engine knows BPMN, time and its own tables, never what a task means. The composition root
builds one ``WorkflowEngine(rules=...)`` with the domain's implementation of this protocol
(workflows/rules/topic_rules.py); the diagram loader asks it for the domain's problems with a
diagram, and the task-row projection asks it to fill in the rows of ready user tasks.
"""
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session

from engine.errors import Problem
from engine.time.calendar import WorkCalendar
from models import TaskItem

if TYPE_CHECKING:
    from engine.diagrams.loading import Diagram


class Rules(Protocol):
    """The domain's part of loading diagrams and projecting their tasks into rows."""

    def diagram_problems(self, diagram: "Diagram") -> list[Problem]:
        """Return what the domain refuses in a diagram that passed the engine's own checks."""
        ...

    def fill_row(self, session: Session, item: TaskItem, task: Task, calendar: WorkCalendar, now: datetime) -> None:
        """Fill in a new row of a ready user task: its role, stage, place, context and clock.

        Leave it out of the session: the projection writes the new rows in one INSERT afterwards.
        """
        ...

    def refresh_row(self, session: Session, item: TaskItem, task: Task, calendar: WorkCalendar,
                    now: datetime) -> None:
        """Bring an open row in line with its task's spec after the workflow moved to a new version."""
        ...

    def rows_synced(self, session: Session, owner_id: int, open_items: Sequence[TaskItem],
                    opened: Sequence[TaskItem]) -> None:
        """Learn the open rows of a workflow after they were brought in step with it.

        ``opened`` are those this save wrote: as one statement, outside the unit of work, so nothing
        listening to the session's flushes saw them.
        """
        ...
