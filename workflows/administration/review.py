"""Four-eyes review of diagrams: a deployed version takes effect only once a second administrator approves it.

Called by the API, the CLI and the admin pages. Submitting validates and stores a pending
version; approving binds it where the deployer asked; rejecting keeps it for the record. Each
step runs in the caller's write transaction together with its audit entry.
"""
import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import WorkflowEngine
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.store import versions as processes
from models import Organization, ProcessVersion, Role, User, VersionStatus, utcnow
from models.database import require_writing
from workflows.administration.bindings import BINDING_LEVELS
from workflows.people import audit
from workflows.people.access import require, require_role

DEFAULT = None  # in bind_on_approval: the default binding for every district without its own


def submit(
    session: Session, actor: User, data: bytes, *, source_name: str = "upload.bpmn", note: str = "",
    bind_to: Sequence[str | None] = (), address: str = "", now: datetime | None = None,
) -> ProcessVersion:
    """Validate a diagram and store it as a pending version; ``bind_to`` lists district codes (None: default)."""
    require_writing(session)
    require_role(actor, Role.PROCESS_ADMIN)
    now = now or utcnow()
    districts = district_codes(session, bind_to)
    existing = session.scalar(select(ProcessVersion).where(
        ProcessVersion.sha256 == hashlib.sha256(data).hexdigest()))
    if existing is not None:
        raise Conflict(f"this diagram is already deployed as {existing.label} ({existing.status.value})",
                       version_id=existing.id)
    version = WorkflowEngine.of(session).deploy(session, data, source_name=source_name[:200], note=note[:2000],
                                                deployed_by=actor, now=now)
    version.bind_on_approval = districts
    audit.record(session, "deploy", actor, f"process_version:{version.id}", address, now,
                 process=version.definition.process_id, number=version.number, bind_to=districts)
    return version


def district_codes(session: Session, codes: Sequence[str | None]) -> list[str | None]:
    """Check that every code names a district or the city (None stands for the default binding); keep their order."""
    known = set(session.scalars(select(Organization.code).where(Organization.kind.in_(BINDING_LEVELS))))
    unknown = [c for c in codes if c is not DEFAULT and c not in known]
    if unknown:
        raise InvalidInput("unknown district", {"bind_to": f"not a district code: {', '.join(map(str, unknown))}"})
    return list(dict.fromkeys(codes))


def approve(
    session: Session, actor: User, version_id: int, note: str = "", address: str = "", now: datetime | None = None,
) -> ProcessVersion:
    """Approve a pending version (not one's own) and bind it where its deployer asked."""
    require_writing(session)
    now = now or utcnow()
    version = _pending(session, actor, version_id)
    _decide(version, actor, VersionStatus.APPROVED, note, now)
    for code in version.bind_on_approval:
        district = None if code is DEFAULT else \
            session.scalar(select(Organization).where(Organization.code == code))
        processes.bind(session, version, district)
    audit.record(session, "approve", actor, f"process_version:{version.id}", address, now,
                 process=version.definition.process_id, number=version.number, bound=version.bind_on_approval)
    return version


def reject(
    session: Session, actor: User, version_id: int, note: str, address: str = "", now: datetime | None = None,
) -> ProcessVersion:
    """Reject a pending version with a reason; it stays on record and can never be bound."""
    require_writing(session)
    now = now or utcnow()
    if not note.strip():
        raise InvalidInput("a rejection needs a reason", {"note": "required"})
    version = _pending(session, actor, version_id)
    _decide(version, actor, VersionStatus.REJECTED, note, now)
    audit.record(session, "reject", actor, f"process_version:{version.id}", address, now,
                 process=version.definition.process_id, number=version.number, note=note)
    return version


def _pending(session: Session, actor: User, version_id: int) -> ProcessVersion:
    require_role(actor, Role.PROCESS_ADMIN)
    version = require(session, ProcessVersion, version_id, "process version")
    if version.status is not VersionStatus.PENDING:
        raise Conflict(f"{version.label} is already {version.status.value}")
    if version.deployed_by_id == actor.id:
        raise Forbidden("a second process administrator must review this deployment, not its deployer")
    return version


def _decide(version: ProcessVersion, actor: User, status: VersionStatus, note: str, now: datetime) -> None:
    version.status, version.reviewed_by, version.reviewed_at, version.review_note = status, actor, now, note[:2000]
