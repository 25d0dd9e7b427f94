"""Outside notification routes: which mailbox or group robot hears a unit's reminders or a level's escalations.

Managed by process administrators through the API and the CLI; read by engine/notify.py.
"""
import re
import urllib.parse
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from models import Channel, NotifyRoute, Organization, Role, Unit, User
from models.database import require_writing
from workflows.notifications.notify import PURPOSES
from workflows.people.access import require

EMAIL = re.compile(r"[^@\s<>,;\"]{1,64}@[A-Za-z0-9.-]{1,190}")
FIELDS = {"unit", "organization", "purpose", "channel", "address", "secret", "label", "locale"}
LOCALES = ("zh", "en")  # the languages a route's messages are written in


def add(session: Session, actor: User, fields: dict[str, Any]) -> NotifyRoute:
    """Check and add a route, in the caller's write transaction."""
    require_writing(session)
    _require_admin(actor)
    errors = {k: "not a field of a route" for k in set(fields) - FIELDS}
    values = {k: v if isinstance(v := fields.get(k), str) else "" for k in FIELDS}
    unit = session.scalar(select(Unit).where(Unit.code == values["unit"])) if values["unit"] else None
    org = session.scalar(select(Organization).where(Organization.code == values["organization"])) \
        if values["organization"] else None
    if (unit is None) == (org is None):
        errors["unit"] = "name exactly one known unit or organization code"
    if values["purpose"] not in PURPOSES:
        errors["purpose"] = f"must be one of {', '.join(PURPOSES)}"
    try:
        channel = Channel(values["channel"])
    except ValueError:
        errors["channel"] = f"must be one of {', '.join(c.value for c in Channel)}"
        channel = None
    if channel is not None and not _address_ok(channel, values["address"]):
        errors["address"] = "an e-mail address" if channel is Channel.EMAIL else "an http or https URL"
    values["locale"] = values["locale"] or "zh"
    if values["locale"] not in LOCALES:
        errors["locale"] = f"must be one of {', '.join(LOCALES)}"
    for name, limit in (("secret", 200), ("label", 100)):
        if len(values[name]) > limit:
            errors[name] = f"at most {limit} characters"
    if errors:
        raise InvalidInput("the route is incomplete", errors)
    route = NotifyRoute(unit=unit, organization=org, purpose=values["purpose"], channel=channel,
                        address=values["address"].strip(), secret=values["secret"], label=values["label"],
                        locale=values["locale"])
    session.add(route)
    session.flush()
    return route


def remove(session: Session, actor: User, route_id: int) -> None:
    """Deactivate a route, keeping it for the delivery log, in the caller's write transaction."""
    require_writing(session)
    _require_admin(actor)
    route = require(session, NotifyRoute, route_id, "route")
    route.active = False


def active(session: Session) -> list[NotifyRoute]:
    """Return every active route."""
    return list(session.scalars(select(NotifyRoute).where(NotifyRoute.active.is_(True)).order_by(NotifyRoute.id)))


def _address_ok(channel: Channel, address: str) -> bool:
    if channel is Channel.EMAIL:
        return EMAIL.fullmatch(address.strip()) is not None
    parts = urllib.parse.urlsplit(address.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(address) <= 500


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.PROCESS_ADMIN):
        raise Forbidden("only a process administrator may manage notification routes")
