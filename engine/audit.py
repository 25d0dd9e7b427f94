"""Writing the audit log; called by the interfaces and the admin services inside their transaction."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import AuditEntry, User, utcnow


def record(
    session: Session, action: str, actor: User | None = None, target: str = "", address: str = "",
    now: datetime | None = None, **payload: Any,
) -> AuditEntry:
    """Add an audit entry to the session (the caller's transaction commits it)."""
    entry = AuditEntry(action=action, actor=actor, target=target, address=address, at=now or utcnow(), payload=payload)
    session.add(entry)
    return entry
