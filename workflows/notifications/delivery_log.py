"""Reading the delivery log (outside messages: e-mail, DingTalk and WeCom robots) within the reader's scope.

Called by the API's ``GET /deliveries``. A delivery names its topic and the route it went out by
(a robot's webhook address is a secret of its organization), so a district's supervisor reads the
deliveries of that district's topics and routes only; the city guidance group, the process
administrators of the city and the auditor read all of them.
"""
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden
from models import Delivery, DeliveryStatus, NotifyRoute, Role, Topic, Unit, User
from workflows.people.audit import reader_scope

READERS = (Role.PROCESS_ADMIN, Role.SUPERVISOR, Role.AUDITOR)


def listing(session: Session, reader: User, status: DeliveryStatus | None = None) -> Select[Any]:
    """Return the query of the deliveries the reader may see, newest first."""
    if not any(reader.has_role(role) for role in READERS):
        raise Forbidden("only process administrators, supervisors and the auditor may read the delivery log")
    query = select(Delivery).order_by(Delivery.id.desc())
    if status is not None:
        query = query.where(Delivery.status == status)
    scope = reader_scope(session, reader, READERS)
    if scope is None:
        return query
    topics = select(Topic.id).where(or_(Topic.district_id.in_(scope), Topic.town_id.in_(scope)))
    units = select(Unit.id).where(Unit.organization_id.in_(scope))
    routes = select(NotifyRoute.id).where(or_(NotifyRoute.organization_id.in_(scope), NotifyRoute.unit_id.in_(units)))
    return query.where(or_(Delivery.topic_id.in_(topics), Delivery.topic_id.is_(None) & Delivery.route_id.in_(routes)))
