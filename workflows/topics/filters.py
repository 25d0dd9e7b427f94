"""Named list filters a user saves (保存筛选条件) and opens again from any list page."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from models import SavedFilter, User
from models.database import require_writing
from workflows.people.access import require

VIEWS = ("inbox", "supervision", "topics")
MAX_PER_USER = 50


def list_for(session: Session, user: User, view: str) -> list[SavedFilter]:
    """Return the user's saved filters of one list, by name."""
    return list(session.scalars(select(SavedFilter).where(
        SavedFilter.user_id == user.id, SavedFilter.view == view).order_by(SavedFilter.name)))


def save(session: Session, user: User, view: str, name: str, query: str) -> SavedFilter:
    """Save (or overwrite) a named filter of a list."""
    require_writing(session)
    name = name.strip()
    errors = {}
    if view not in VIEWS:
        errors["view"] = f"must be one of {', '.join(VIEWS)}"
    if not name or len(name) > 60:
        errors["name"] = "名称必填，最多 60 字 (a name of at most 60 characters is required)"
    if len(query) > 1000:
        errors["query"] = "too long"
    if errors:
        raise InvalidInput("the filter cannot be saved", errors)
    found = session.scalar(select(SavedFilter).where(
        SavedFilter.user_id == user.id, SavedFilter.view == view, SavedFilter.name == name))
    if found is None:
        if len(list_for(session, user, view)) >= MAX_PER_USER:
            raise InvalidInput("too many saved filters", {"name": f"at most {MAX_PER_USER} per list"})
        found = SavedFilter(user_id=user.id, view=view, name=name)
        session.add(found)
    found.query = query.lstrip("?")
    session.flush()
    return found


def delete(session: Session, user: User, filter_id: int) -> None:
    """Delete one of the user's own saved filters."""
    require_writing(session)
    session.delete(require(session, SavedFilter, filter_id, "saved filter", where=lambda f: f.user_id == user.id))
