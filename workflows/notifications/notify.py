"""Who hears about a deadline, and the notifications that tell them.

The sweep (reminders, escalations) and the extension service call ``notify`` inside their
own transaction: the in-app rows and the outbox rows for e-mail and robot webhooks are
written with the action that caused them, or not at all. Delivery happens later
(engine/delivery.py). ``Recipients`` caches lookups for the length of one sweep.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Select, bindparam, func, select
from sqlalchemy.orm import Session, lazyload

from models import Delivery, Notification, NotifyRoute, Organization, Role, RoleAssignment, TaskItem, Topic, Unit, User
from models.bulk import insert_rows
from models.database import require_writing
from models.people import BEIJING
from workflows.i18n import translate
from workflows.rules.task_names import TASK_NAMES

PURPOSES = ("reminder", "escalation", "any")


@dataclass
class Recipients:
    """Looks up the people and outside routes to notify, remembering answers within one sweep."""

    session: Session
    _users: dict[tuple[Role, int | None, int | None], list[User]] = field(default_factory=dict)
    _routes: dict[tuple[str, int | None, int | None], list[NotifyRoute]] = field(default_factory=dict)

    def users(self, role: Role, unit_id: int | None = None, org_id: int | None = None) -> list[User]:
        """Return the active users holding ``role`` at exactly this unit or organization."""
        key = (role, unit_id, org_id)
        if key not in self._users:
            place, place_id = ((RoleAssignment.unit_id, unit_id) if unit_id is not None
                               else (RoleAssignment.organization_id, org_id))
            values = {"role": role, "day": datetime.now(BEIJING).date(),
                      **({} if place_id is None else {"place": place_id})}
            # One statement: the assignment is checked in SQL, so the people's other roles are not loaded.
            self._users[key] = list(self.session.scalars(_people_at(place, place_id is None), values).unique())
        return self._users[key]

    def routes(self, purpose: str, unit_id: int | None = None, org_id: int | None = None) -> list[NotifyRoute]:
        """Return the active outside routes of a unit or organization for ``purpose``."""
        key = (purpose, unit_id, org_id)
        if key not in self._routes:
            place = NotifyRoute.unit_id == unit_id if unit_id is not None else NotifyRoute.organization_id == org_id
            query = select(NotifyRoute).where(place, NotifyRoute.active.is_(True),
                                              NotifyRoute.purpose.in_((purpose, "any")))
            self._routes[key] = list(self.session.scalars(query.order_by(NotifyRoute.id)))
        return self._routes[key]

    def task_actors(self, item: TaskItem) -> list[User]:
        """Return the people who work on the task: its role at its unit, else at its organization."""
        return self.users(item.role, item.candidate_unit_id, None if item.candidate_unit_id else item.candidate_org_id)

    def leaders(self, item: TaskItem) -> list[User]:
        """Return the leaders (负责人) of the task's unit, or of its organization."""
        org_id = None if item.candidate_unit_id else item.candidate_org_id
        found = self.users(Role.LEADER, item.candidate_unit_id, org_id)
        unit = self.session.get(Unit, item.candidate_unit_id) if item.candidate_unit_id else None
        named = self.session.get(User, unit.leader_id) if unit is not None and unit.leader_id else None
        if named is not None and named.active and named not in found:
            return [named, *found]  # the leader named on the unit's page (人员与组织) hears first
        return found

    def supervising(self, topic: Topic) -> tuple[Organization | None, list[User]]:
        """Return the nearest level above the topic's platform that has supervisors, and them."""
        for org in topic.platform.lineage():
            found = self.users(Role.SUPERVISOR, None, org.id)
            if found:
                return org, found
        return None, []


@lru_cache(maxsize=4)
def _people_at(place: Any, nowhere: bool) -> Select[tuple[User]]:
    """Return the query of the active people holding a role at a place, in force on a day (built once per form)."""
    day = bindparam("day", type_=Date)  # a role outside its dates hears nothing (RoleAssignment.in_force)
    in_force = RoleAssignment.in_force_on(day)
    where = place.is_(None) if nowhere else place == bindparam("place")
    return (select(User).join(RoleAssignment)
            .where(RoleAssignment.role == bindparam("role"), where, in_force, User.active.is_(True))
            .options(lazyload(User.roles)).order_by(User.id))


@dataclass(frozen=True)
class Message:
    """What a notification says, and about which topic and task.

    ``title`` is a catalog message (marked with N_) naming ``params``; ``body`` is one too when ``body_worded``,
    else the author's own words (a reason, a note). Each reader gets the message in their language.
    """

    kind: str
    title: str
    body: str
    topic_id: int | None = None
    task_item_id: int | None = None
    params: Mapping[str, str | int] = field(default_factory=dict)
    body_worded: bool = False

    def worded(self, locale: str) -> tuple[str, str]:
        """Return the title and body in ``locale``."""
        params = _named(self.params, locale)
        body = translate(self.body, locale, params) if self.body_worded else self.body
        return translate(self.title, locale, params), body


def notify(session: Session, message: Message, users: Iterable[User], routes: Sequence[NotifyRoute],
           key: str, now: datetime) -> int:
    """Add in-app notifications and outbox deliveries for one message; return how many rows."""
    notes, deliveries = notification_rows(message, users, routes, key, now)
    if notes or deliveries:
        session.flush()  # the rows they point at (a new task, a topic) first; nothing to write on a completion's path
        insert_rows(session, Notification, notes)
        insert_rows(session, Delivery, deliveries)
    return len(notes) + len(deliveries)


def notification_rows(message: Message, users: Iterable[User], routes: Sequence[NotifyRoute], key: str,
                      now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the notification and delivery rows of one message, as values (the sweep inserts a batch's at once)."""
    people = list({u.id: u for u in users}.values())
    title, body = message.worded("zh")
    notes = [{"user_id": u.id, "topic_id": message.topic_id, "task_item_id": message.task_item_id,
              "kind": message.kind, "title": title[:200], "body": body, "title_key": message.title[:200],
              "body_key": message.body[:200] if message.body_worded else "", "params": dict(message.params),
              "created_at": now} for u in people]
    deliveries = [{"key": f"{key}:route:{r.id}"[:120], "route_id": r.id, "topic_id": message.topic_id,
                   "channel": r.channel, "address": r.address, "subject": subject[:200], "body": text,
                   "next_attempt_at": now, "created_at": now}
                  for r in routes for subject, text in [message.worded(r.locale or "zh")]]
    return notes, deliveries


def wording(note: Notification, locale: str) -> tuple[str, str]:
    """Return a notification's title and body in the reader's language (rows from before keys: as written)."""
    params = _named(note.params or {}, locale)
    title = translate(note.title_key, locale, params) if note.title_key else note.title
    return title, translate(note.body_key, locale, params) if note.body_key else note.body


def _named(params: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """Return the values with a bundled diagram's task name in ``locale`` (a typed name stays as typed)."""
    task = params.get("task")
    return {**params, "task": translate(task, locale)} if task in TASK_NAMES else dict(params)


def unread(session: Session, user: User, limit: int = 100) -> list[Notification]:
    """Return the user's unread notifications, newest first."""
    return list(session.scalars(unread_query(user).limit(limit)))


def unread_query(user: User) -> Select[tuple[Notification]]:
    """Return the query of the user's unread notifications, newest first (the API pages it)."""
    query = select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return query.order_by(Notification.id.desc())


def mark_read(session: Session, user: User, notification_id: int | None, now: datetime) -> int:
    """Mark one of the user's notifications read (all of them when the id is None); return how many."""
    require_writing(session)
    query = select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    notes = list(session.scalars(query))
    for note in notes:
        note.read_at = now
    return len(notes)


def unread_count(session: Session, user: User) -> int:
    """Count the user's unread notifications."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
