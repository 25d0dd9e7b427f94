"""Drafts of diagrams in the modeler: saved freely, checked on demand, deployed into a pending version.

Called by the API and the modeler page. A draft must be safe XML with a BPMN root to be saved
(no DTD, within the size limit); the full check (engine/diagrams.py) runs when the
administrator asks to validate or deploy, and its problems point at the elements.
"""
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.diagrams import loading as diagrams
from engine.errors import DiagramRejected, Problem
from models import ProcessDraft, ProcessVersion, Role, User, utcnow
from models.database import require_writing
from workflows.administration import review
from workflows.people.access import require, require_role
from workflows.rules.topic_rules import TopicRules

MAX_TITLE = 200


def listing(session: Session, actor: User) -> list[ProcessDraft]:
    """Return every draft, most recently saved first."""
    require_role(actor, Role.PROCESS_ADMIN)
    return list(session.scalars(select(ProcessDraft).order_by(ProcessDraft.updated_at.desc(), ProcessDraft.id.desc())))


def get(session: Session, actor: User, draft_id: int) -> ProcessDraft:
    """Return one draft."""
    require_role(actor, Role.PROCESS_ADMIN)
    return require(session, ProcessDraft, draft_id, "draft")


def create(session: Session, actor: User, data: bytes, title: str = "", base_version_id: int | None = None,
           now: datetime | None = None) -> ProcessDraft:
    """Start a draft from a file made elsewhere, or from a stored version (``base_version_id``)."""
    require_writing(session)
    require_role(actor, Role.PROCESS_ADMIN)
    now = now or utcnow()
    base = None
    if base_version_id is not None:
        base = require(session, ProcessVersion, base_version_id, "process version")
        data = base.bpmn_xml
    process_id = _process_id(data)
    draft = ProcessDraft(title=(title.strip() or (base.label if base else process_id) or "untitled")[:MAX_TITLE],
                         process_id=process_id, bpmn_xml=data, base_version=base, created_by=actor,
                         created_at=now, updated_by=actor, updated_at=now)
    session.add(draft)
    session.flush()  # the caller names the new draft by its id before the transaction commits
    return draft


def save(session: Session, actor: User, draft_id: int, data: bytes, now: datetime | None = None) -> ProcessDraft:
    """Replace a draft's diagram with what the modeler sends."""
    require_writing(session)
    draft = get(session, actor, draft_id)
    draft.process_id = _process_id(data)
    draft.bpmn_xml, draft.updated_by, draft.updated_at = data, actor, now or utcnow()
    return draft


def delete(session: Session, actor: User, draft_id: int) -> None:
    """Throw a draft away."""
    require_writing(session)
    session.delete(get(session, actor, draft_id))


def check(data: bytes) -> list[Problem]:
    """Return every problem the deploy-time checks find in a diagram (none: it would deploy)."""
    try:
        diagrams.load(data, rules=TopicRules())
    except DiagramRejected as exc:
        return exc.problems
    return []


def deploy(session: Session, actor: User, draft_id: int, note: str = "", bind_to: Sequence[str | None] = (),
           address: str = "", now: datetime | None = None) -> ProcessVersion:
    """Deploy a draft as a pending version and remove the draft."""
    require_writing(session)
    draft = get(session, actor, draft_id)
    version = review.submit(session, actor, draft.bpmn_xml, source_name=f"{draft.process_id or 'draft'}.bpmn",
                            note=note, bind_to=bind_to, address=address, now=now)
    session.delete(session.get(ProcessDraft, draft_id))
    return version


def _process_id(data: bytes) -> str:
    """Read the process id of a safe, well-formed BPMN document (refusing anything else)."""
    root = diagrams.parse_xml(data)
    process = root.find("bpmn:process", diagrams.NS)
    return (process.get("id", "") if process is not None else "")[:64]
