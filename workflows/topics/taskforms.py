"""What a task page needs besides the form schema: unit choices and saved drafts.

Called by the web task page. Drafts keep raw input exactly as typed, only for the form's own
fields; validation happens when the task is completed (engine.topics.complete_task).
"""
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Organization, TaskDraft, TaskItem, Topic, Unit, UnitKind, User, utcnow
from models.database import require_writing
from workflows.rules.forms import Form
from workflows.topics.inbox import descendants

MAX_DRAFT_VALUE = 20_000


def unit_choices(session: Session, item: TaskItem, field_name: str) -> list[tuple[str, str]]:
    """Return (code, name) of the units a unit field of this task may name, within the topic's district."""
    topic = item.topic
    scope = descendants(session, {topic.platform.id if field_name == "committee" else topic.district_id})
    query = select(Unit).where(Unit.organization_id.in_(scope)).order_by(Unit.organization_id, Unit.id)
    if field_name == "committee":
        query = query.where(Unit.kind == UnitKind.COMMITTEE)
    else:
        query = query.where(Unit.kind != UnitKind.COMMITTEE)
    return [(u.code, u.name) for u in session.scalars(query)]


def unit_in_district(session: Session, code: str, topic: Topic) -> bool:
    """Tell whether a unit named in a form exists in the topic's district (another district's unit is refused)."""
    unit_org = session.scalar(select(Unit.organization_id).where(Unit.code == code, Unit.active.is_(True)))
    return unit_org is not None and unit_org in descendants(session, {topic.district_id})


def load_draft(session: Session, user: User, item: TaskItem) -> TaskDraft | None:
    """Return the user's draft of a task, if one is saved."""
    return session.scalar(select(TaskDraft).where(TaskDraft.task_item_id == item.id, TaskDraft.user_id == user.id))


def save_draft(session: Session, user: User, item: TaskItem, form: Form, raw: dict[str, Any],
               now: datetime | None = None) -> TaskDraft:
    """Keep the form's fields of ``raw`` as the user's draft of the task (overwriting an older one)."""
    require_writing(session)
    names = {f.name for f in form.fields}
    data = {k: _clip(v) for k, v in raw.items() if k in names}
    draft = load_draft(session, user, item)
    if draft is None:
        draft = TaskDraft(task_item_id=item.id, user_id=user.id)
        session.add(draft)
    draft.data, draft.saved_at = data, now or utcnow()
    return draft


def drop_drafts(session: Session, item: TaskItem) -> None:
    """Delete every draft of a finished task."""
    require_writing(session)
    session.execute(delete(TaskDraft).where(TaskDraft.task_item_id == item.id))


def _clip(value: Any) -> Any:
    if isinstance(value, list):
        return [_clip_row(v) if isinstance(v, dict) else str(v)[:200] for v in value[:50]]
    return str(value)[:MAX_DRAFT_VALUE]


def _clip_row(row: dict[str, Any]) -> dict[str, str]:
    """Keep one row of a repeated field (a minutes' suggestion: its text and unit)."""
    return {str(k)[:20]: str(v)[:MAX_DRAFT_VALUE] for k, v in list(row.items())[:5]}


def organization_name(session: Session, org_id: int | None) -> str:
    """Return an organization's name (for labels)."""
    org = session.get(Organization, org_id) if org_id else None
    return org.name if org else ""
