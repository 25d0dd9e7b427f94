"""Writing and reading the audit log; written by the interfaces and admin services inside their transaction.

Supervisors and process administrators read it, filtered by action, actor, target, address
and time (the API and the admin pages call ``search``).
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models import AuditEntry, Role, User, utcnow
from workflows.people.access import require_role

MAX_PAGE = 500
# The auditor reads the log; system and security administrators do not (等保 2.0 separated duties).
READERS = (Role.SUPERVISOR, Role.PROCESS_ADMIN, Role.AUDITOR)


def record(
    session: Session, action: str, actor: User | None = None, target: str = "", address: str = "",
    now: datetime | None = None, **payload: Any,
) -> AuditEntry:
    """Add an audit entry to the session (the caller's transaction commits it)."""
    entry = AuditEntry(action=action, actor=actor, target=target, address=address, at=now or utcnow(), payload=payload)
    session.add(entry)
    return entry


@dataclass(frozen=True)
class Filter:
    """What a reader narrows the log to; empty fields match everything."""

    action: str = ""
    actor: str = ""  # username
    target: str = ""  # exact ("topic:12") or a prefix ending in ":" ("topic:")
    address: str = ""
    since: datetime | None = None
    until: datetime | None = None


def search(
    session: Session, reader: User, where: Filter, limit: int = 100, offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Return one page of matching entries, newest first, and how many match in all."""
    require_role(reader, *READERS)
    query = _filtered(select(AuditEntry), where)
    total = session.scalar(_filtered(select(func.count(AuditEntry.id)), where)) or 0
    page = (query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(min(max(limit, 1), MAX_PAGE)).offset(max(offset, 0)))
    return list(session.scalars(page)), total


def _filtered(query: Select[Any], where: Filter) -> Select[Any]:
    if where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.actor:
        query = query.where(AuditEntry.actor_id.in_(select(User.id).where(User.username == where.actor)))
    if where.target:
        query = query.where(AuditEntry.target.startswith(where.target, autoescape=True) if where.target.endswith(":")
                            else AuditEntry.target == where.target)
    if where.address:
        query = query.where(AuditEntry.address == where.address)
    if where.since:
        query = query.where(AuditEntry.at >= where.since)
    if where.until:
        query = query.where(AuditEntry.at < where.until)
    return query


def every(session: Session, reader: User, where: Filter) -> list[AuditEntry]:
    """Return every matching entry, newest first, for an export (the readers of ``search`` only)."""
    require_role(reader, *READERS)
    return list(session.scalars(_filtered(select(AuditEntry), where).order_by(AuditEntry.at.desc(),
                                                                             AuditEntry.id.desc())))


def actions(session: Session) -> list[str]:
    """Return every action that occurs in the log, for a filter's choices."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
