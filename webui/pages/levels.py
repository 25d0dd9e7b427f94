"""Pages of the linked levels (平台联动): raising a topic to the level above, deciding on it, joint topics.

The case page loads a topic's links as a panel; the levels page lists what an office received and
sent and the joint topics of the user's platforms; the supervisors' dashboard loads a joint-topics
panel. The services are in workflows/platform/levels.py.
"""
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.errors import Conflict, InvalidInput
from models import Organization, OrgKind, Topic
from models.database import writing
from webui.database import db_session
from webui.query_args import small_int
from webui.security import clock
from workflows.people.access import require_topic
from workflows.platform import levels, rooms
from workflows.rules.stages import STAGE_LABELS

bp = Blueprint("levels", __name__, url_prefix="/platform/levels")
JOINT_PAGE = 50  # joint topics on one page of the levels index
LABELS = {"level_labels": {k.value: v for k, v in levels.LEVEL_LABELS.items()},
          "raise_labels": {k.value: v for k, v in levels.STATUS_LABELS.items()}, "stage_labels": STAGE_LABELS}


def _address() -> str:
    return request.remote_addr or ""


def _seeing() -> set[int]:
    """Return the organizations whose platforms the user sees, answering 403 to someone who sees none."""
    orgs = rooms.scope(db_session(), current_user)
    if not orgs:
        abort(403)
    return orgs


@bp.get("/")
@login_required
def index() -> str:
    """List the raises the user's offices received and sent, and the joint topics of the user's platforms."""
    session, orgs = db_session(), _seeing()
    received, sent = levels.raises_for(session, current_user)
    return render_template("levels/index.html", received=received, sent=sent, errors={}, values={},
                           **_joint_page(orgs), **LABELS)


def _joint_page(orgs: set[int]) -> dict[str, Any]:
    """Read one page (``?page=``) of the joint topics in SQL, and whether another follows."""
    page = small_int(request.args.get("page"), 1, 100_000, 1)
    found = levels.joint_topics(db_session(), orgs, JOINT_PAGE + 1, (page - 1) * JOINT_PAGE)
    return {"joint": found[:JOINT_PAGE], "page": page, "more": len(found) > JOINT_PAGE}


@bp.post("/raises/<int:raise_id>/decision")
@login_required
def decide(raise_id: int) -> Response | tuple[str, int]:
    """Accept a raised topic, starting this level's own topic, or decline it with a reason."""
    session, choice = db_session(), request.form.get("decision", "")
    accept = {"accept": True, "decline": False}.get(choice, choice)
    try:
        with writing(session):
            raised = levels.decide(session, current_user, raise_id, accept, request.form.get("note", ""),
                                   clock(), _address())
    except (InvalidInput, Conflict) as exc:
        fields = exc.fields if isinstance(exc, InvalidInput) else {"note": str(exc)}
        session, orgs = db_session(), _seeing()
        received, sent = levels.raises_for(session, current_user)
        return render_template("levels/index.html", received=received, sent=sent, errors={raise_id: fields},
                               values={raise_id: request.form}, **_joint_page(orgs), **LABELS), exc.status
    if raised.raised_topic_id is not None:
        flash(_("已受理，本级议题已创建"), "success")
        return redirect(url_for("topics.detail", topic_id=raised.raised_topic_id))
    flash(_("已不予受理，理由已告知下级平台"), "success")
    return redirect(url_for("levels.index"))


def _choices(topic: Topic) -> list[Organization]:
    """Return the platforms that may co-organize the topic: active cities, districts, towns, streets and parks."""
    taken = {c.organization_id for c in levels.links(db_session(), topic).co_platforms} | {topic.platform.id}
    found = db_session().scalars(select(Organization).where(Organization.kind.in_(levels.PLATFORM_KINDS),
                                                            Organization.active.is_(True))
                                 .order_by(Organization.kind != OrgKind.CITY, Organization.code))
    return [o for o in found if o.id not in taken]


def _topic_context(topic: Topic) -> dict[str, Any]:
    session = db_session()
    found = levels.links(session, topic)
    office = levels.is_office_of(current_user, topic.platform)
    above = levels.above_of(topic)
    open_raise = any(r.status.value != "declined" for r in found.raised_to)
    return dict(topic=topic, links=found, earlier=levels.earlier_history(session, topic), above=above,
                may_raise=office and above is not None and not open_raise and topic.status in levels.RAISABLE,
                may_join=office, choices=_choices(topic) if office else [], **LABELS)


@bp.get("/topics/<int:topic_id>")
@login_required
def topic_page(topic_id: int) -> str:
    """Show a topic's links to the other levels, the history it came with, and the forms to raise or join it."""
    topic = require_topic(db_session(), current_user, topic_id)
    return render_template("levels/topic.html", errors={}, values={}, **_topic_context(topic))


@bp.get("/topics/<int:topic_id>/panel")
@login_required
def topic_panel(topic_id: int) -> str:
    """The case page's panel: where the topic came from and went, and who co-organizes it."""
    topic = require_topic(db_session(), current_user, topic_id)
    return render_template("levels/_panel.html", **_topic_context(topic))


def _refused(topic_id: int, exc: InvalidInput | Conflict, field: str) -> tuple[str, int]:
    """Show the topic's links page again with the message on its field and what the user typed."""
    topic = require_topic(db_session(), current_user, topic_id)
    fields = exc.fields if isinstance(exc, InvalidInput) else {field: str(exc)}
    return render_template("levels/topic.html", errors=fields, values=request.form,
                           **_topic_context(topic)), exc.status


@bp.post("/topics/<int:topic_id>/raise")
@login_required
def raise_topic(topic_id: int) -> Response | tuple[str, int]:
    """Raise the topic to the level above with the reason (the CPPCC office of its platform)."""
    session = db_session()
    try:
        with writing(session):
            levels.raise_topic(session, current_user, topic_id, request.form.get("reason", ""), clock(), _address())
    except (InvalidInput, Conflict) as exc:
        return _refused(topic_id, exc, "reason")
    flash(_("已提交上级平台，等待受理"), "success")
    return redirect(url_for("levels.topic_page", topic_id=topic_id))


@bp.post("/topics/<int:topic_id>/co-platforms")
@login_required
def add_co_platform(topic_id: int) -> Response | tuple[str, int]:
    """Name a co-organizing platform of the topic."""
    session = db_session()
    try:
        with writing(session):
            levels.add_co_platform(session, current_user, topic_id, request.form.get("platform", ""), clock(),
                                   _address())
    except (InvalidInput, Conflict) as exc:
        return _refused(topic_id, exc, "platform")
    flash(_("已加入联合协商平台"), "success")
    return redirect(url_for("levels.topic_page", topic_id=topic_id))


@bp.post("/topics/<int:topic_id>/co-platforms/<code>/remove")
@login_required
def remove_co_platform(topic_id: int, code: str) -> Response:
    """Take a co-organizing platform off the topic."""
    session = db_session()
    with writing(session):
        levels.remove_co_platform(session, current_user, topic_id, code, clock(), _address())
    flash(_("已移出联合协商平台"), "success")
    return redirect(url_for("levels.topic_page", topic_id=topic_id))


@bp.get("/joint-summary")
@login_required
def joint_summary() -> str:
    """The supervisors' dashboard panel: the joint topics of the platforms in the user's scope."""
    orgs = _seeing()
    return render_template("levels/_joint.html", joint=levels.joint_topics(db_session(), orgs, limit=10),
                           total=levels.count_joint(db_session(), orgs), **LABELS)
