"""Remote consultation (远程协商): an activity's video meeting link, and who joined through it rather than in the room.
Called by webui.pages.remote and webui.api.deliberation; check-in itself stays in workflows.platform.activities.
"""
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput, NotFound
from models import Activity, Participant, User
from models.database import require_writing
from workflows.people import audit
from workflows.platform import activities, rooms

LINK_LIMIT = 500
LINK_MESSAGE = "请填写以 https:// 开头的会议链接 (a meeting link starting with https://)"


def clean_link(raw: object) -> str:
    """Return the meeting link if it is a plain https address ('' clears it), else InvalidInput."""
    text = str(raw or "").strip()
    if not text:
        return ""
    parts = urlsplit(text) if len(text) <= LINK_LIMIT else None
    plain = text.isprintable() and not any(c.isspace() or c in "<>\"'`" for c in text)
    if parts is None or parts.scheme != "https" or not parts.hostname or not plain:
        raise InvalidInput(LINK_MESSAGE, {"meeting_link": LINK_MESSAGE})
    return text


def set_link(session: Session, user: User, activity: Activity, raw: object, now: datetime) -> None:
    """Record the video meeting link of an activity (CPPCC office of its platform or above)."""
    require_writing(session)
    if not rooms.may_manage(user, activity.platform):
        raise Forbidden("this needs the CPPCC office of the activity's platform or above")
    activity.meeting_link = clean_link(raw)
    audit.record(session, "meeting_link_set", user, f"activity:{activity.id}", now=now, link=activity.meeting_link)


def join(session: Session, user: User, code: str, now: datetime) -> Participant:
    """Check the invited person in as joining through the meeting link (409 when already checked in)."""
    person = activities.check_in(session, user, code, now)
    person.joined_remotely = True
    return person


def mark(session: Session, user: User, activity: Activity, participant_id: int, remote: bool, now: datetime) -> None:
    """Let staff record a participant present through the meeting link, or in the room."""
    person = next((p for p in activity.participants if p.id == participant_id), None)
    if person is None:
        raise NotFound(f"no participant {participant_id} in this activity")
    activities.tick(session, user, activity, participant_id, True, now)
    person.joined_remotely = remote
