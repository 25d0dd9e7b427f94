"""Managing bindings: which approved version each district's new topics start on, or call.

Called by the API, the CLI and the admin pages. A district row overrides the default row of
the same process; removing a district row sends that district back to the default. Running
topics are not touched: they keep their pinned versions until migrated (engine/migration.py).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput, NotFound
from engine.store import versions as processes
from models import Organization, OrgKind, ProcessBinding, ProcessDefinition, ProcessVersion, Role, User, utcnow
from models.database import require_writing
from workflows.people import audit
from workflows.people.access import require, require_role

# The levels with bindings of their own: each district, and the city for the topics of its own platform.
BINDING_LEVELS = (OrgKind.CITY, OrgKind.DISTRICT)

@dataclass(frozen=True)
class Row:
    """One line of the binding table as people read it: a process, a district (or default), a version."""

    binding_id: int
    process_id: str
    district: str | None
    district_name: str
    version_id: int
    label: str


def table(session: Session) -> list[Row]:
    """Return every binding, default rows first within each process."""
    rows = session.scalars(select(ProcessBinding)).all()
    result = [Row(b.id, b.process_id, b.district.code if b.district else None,
                  b.district.name if b.district else "默认（其他所有区）", b.version_id, b.version.label) for b in rows]
    return sorted(result, key=lambda r: (r.process_id, r.district is not None, r.district or ""))


def set_binding(
    session: Session, actor: User, version_id: int, district_code: str | None,
    address: str = "", now: datetime | None = None,
) -> ProcessBinding:
    """Bind an approved version for one district, or as the default when ``district_code`` is None."""
    require_writing(session)
    require_role(actor, Role.PROCESS_ADMIN)
    now = now or utcnow()
    version = require(session, ProcessVersion, version_id, "process version")
    district = _district(session, district_code)
    binding = processes.bind(session, version, district)
    audit.record(session, "bind", actor, f"process_version:{version.id}", address, now,
                 process=version.definition.process_id, number=version.number, district=district_code)
    return binding


def remove_binding(
    session: Session, actor: User, process_id: str, district_code: str, address: str = "", now: datetime | None = None,
) -> None:
    """Remove a district's own binding, so its new topics use the default binding again."""
    require_writing(session)
    require_role(actor, Role.PROCESS_ADMIN)
    now = now or utcnow()
    district = _district(session, district_code)
    assert district is not None
    binding = session.scalar(select(ProcessBinding).where(
        ProcessBinding.process_id == process_id, ProcessBinding.district_id == district.id))
    if binding is None:
        raise NotFound(f"{district.name} has no binding of its own for {process_id}")
    has_default = session.scalar(select(ProcessBinding.id).where(
        ProcessBinding.process_id == process_id, ProcessBinding.district_id.is_(None)))
    if has_default is None:
        raise Conflict(f"{process_id} has no default binding to fall back to; bind a default first")
    session.delete(binding)
    audit.record(session, "unbind", actor, f"process_binding:{binding.id}", address, now,
                 process=process_id, district=district_code)


def _district(session: Session, code: str | None) -> Organization | None:
    if code is None:
        return None
    district = session.scalar(
        select(Organization).where(Organization.code == code, Organization.kind.in_(BINDING_LEVELS)))
    if district is None:
        raise InvalidInput("unknown district", {"district": f"not a district or city code: {code}"})
    return district


def process_ids(session: Session) -> list[str]:
    """Return every deployed process id, sorted."""
    return list(session.scalars(select(ProcessDefinition.process_id).order_by(ProcessDefinition.process_id)))
