"""Writing and reading the audit log; written by the interfaces and admin services inside their transaction.

Supervisors, process administrators and the auditor read it, filtered by action, actor, target,
address and time (the API and the admin pages call ``search``). The auditor and whoever holds a
reading role at the city see every entry; a district's supervisor sees the entries of people of
that district and of its topics (``reader_scope``), not the city's sign-in failures or another
district's work.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from models import AuditEntry, Role, RoleAssignment, Topic, Unit, User, utcnow
from workflows.people.access import require_role
from workflows.topics.inbox import descendants

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
    scope = reader_scope(session, reader, READERS)
    query = _scoped(_filtered(select(AuditEntry), where), scope)
    total = session.scalar(_scoped(_filtered(select(func.count(AuditEntry.id)), where), scope)) or 0
    page = (query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(min(max(limit, 1), MAX_PAGE)).offset(max(offset, 0)))
    return list(session.scalars(page)), total


def reader_scope(session: Session, reader: User, roles: tuple[Role, ...]) -> set[int] | None:
    """Return the organizations whose records the reader may see, or None for all of them.

    The auditor sees all, and so does a reader holding one of ``roles`` at an organization with
    nothing above it (the city); anyone else sees the organizations where they hold those roles
    and everything below them.
    """
    if reader.has_role(Role.AUDITOR):
        return None
    held = [a for a in reader.roles if a.role in roles and a.in_force() and a.organization_id is not None]
    if any(a.organization is not None and a.organization.parent_id is None for a in held):
        return None
    return descendants(session, {a.organization_id for a in held if a.organization_id is not None})


def people_in(orgs: set[int]) -> Select[Any]:
    """Return the ids of the users holding a role in the organizations ``orgs`` or their units."""
    units = select(Unit.id).where(Unit.organization_id.in_(orgs))
    return select(RoleAssignment.user_id).where(or_(RoleAssignment.organization_id.in_(orgs),
                                                    RoleAssignment.unit_id.in_(units)))


def _topic_targets(orgs: set[int]) -> Select[Any]:
    return select(literal("topic:") + cast(Topic.id, String)).where(
        or_(Topic.district_id.in_(orgs), Topic.town_id.in_(orgs)))


def _scoped(query: Select[Any], scope: set[int] | None) -> Select[Any]:
    if scope is None:
        return query
    condition: ColumnElement[bool] = or_(AuditEntry.actor_id.in_(people_in(scope)),
                                         AuditEntry.target.in_(_topic_targets(scope)))
    return query.where(condition)


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
