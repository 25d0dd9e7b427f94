"""The triage pages: the CPPCC office's page of one queued item (similar items to merge, answer, reject, start a
topic), and the page where members recommend topics or report public opinion heard in a room and leaders assign
topics (点题), each from their own account. The queue itself is webui.pages.public's ``/proposals``.
"""
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.errors import Forbidden, InvalidInput
from models import Organization, ProposalSource, PublicProposal, TopicCategory
from models.database import writing
from webui.database import db_session
from webui.pages.public import LABELS
from webui.security import clock
from workflows.participation import proposals, tracking, triage

office = Blueprint("triage", __name__, url_prefix="/proposals")
submitters = Blueprint("recommendations", __name__, url_prefix="/recommendations")
TRIAGE_LABELS = {**LABELS, "source_labels": triage.SOURCE_LABELS}
SUBMIT_FIELDS = ("source", "title", "description", "category", "place", "room")


def _towns(item: PublicProposal) -> list[Organization]:
    """Return the towns, streets and parks of the item's district: a town-platform topic runs on one of them."""
    below = db_session().scalars(select(Organization).where(Organization.parent_id == item.district_id)
                                 .order_by(Organization.code))
    return [o for o in below if o.kind.is_grassroots_platform and o.active]


def _item_page(item: PublicProposal, errors: dict[str, str] | None = None, typed: dict[str, Any] | None = None,
               status: int = 200) -> tuple[str, int]:
    session = db_session()
    page = render_template(
        "public/triage_item.html", item=item, similar=triage.similar(session, current_user, item),
        merged=triage.merged_into(session, item), towns=_towns(item),
        into=session.get(PublicProposal, item.merged_into_id) if item.merged_into_id is not None else None,
        categories=TopicCategory,
        errors=errors or {}, typed=typed or {}, **TRIAGE_LABELS)
    return page, status


@office.get("/<number>")
@login_required
def item(number: str) -> tuple[str, int]:
    """Show one queued item to its office: who sent it, the similar items to merge, and what to do with it.

    Opening a received item puts it under review, and showing a contact is audited (contact_viewed).
    """
    session = db_session()
    with writing(session):
        found = proposals.require_for_office(session, current_user, number)
        tracking.open_for_office(session, current_user, found, clock())
    return _item_page(found)


@office.post("/<number>/merge")
@login_required
def merge(number: str) -> Response | tuple[str, int]:
    """Merge the ticked items (and any number typed) into this one."""
    session = db_session()
    numbers = request.form.getlist("numbers") + [n for n in [request.form.get("number", "").strip().upper()] if n]
    try:
        with writing(session):
            target = proposals.require_for_office(session, current_user, number)
            triage.merge(session, current_user, target, numbers, clock())
    except InvalidInput as exc:
        found = proposals.require_for_office(session, current_user, number)
        return _item_page(found, {"numbers": exc.message}, {"number": request.form.get("number", "")}, 422)
    return redirect(url_for("triage.item", number=number))


@office.post("/<number>/unmerge")
@login_required
def unmerge(number: str) -> Response | tuple[str, int]:
    """Take this merged item out of the item it was merged into, back to review."""
    session = db_session()
    try:
        with writing(session):
            triage.unmerge(session, current_user, proposals.require_for_office(session, current_user, number), clock())
    except InvalidInput as exc:
        return _item_page(proposals.require_for_office(session, current_user, number), {"unmerge": exc.message},
                          status=422)
    return redirect(url_for("triage.item", number=number))


@office.post("/<number>/topic")
@login_required
def start_topic(number: str) -> Response | tuple[str, int]:
    """Start a topic from this item: it keeps the item as its origin and every item merged into it."""
    session = db_session()
    try:
        with writing(session):
            found = proposals.require_for_office(session, current_user, number)
            topic = triage.start_topic(session, current_user, found, request.form, clock())
            topic_id = topic.id
    except (InvalidInput, Forbidden) as exc:
        fields = exc.fields if isinstance(exc, InvalidInput) else {}
        errors = {"topic": exc.message, **{k: str(v) for k, v in fields.items()}}
        found = proposals.require_for_office(session, current_user, number)
        return _item_page(found, errors, dict(request.form), 422 if isinstance(exc, InvalidInput) else 403)
    return redirect(url_for("topics.detail", topic_id=topic_id))


def _submit_page(values: dict[str, Any], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    session = db_session()
    sources = triage.sources_for(current_user)
    if not sources:
        raise Forbidden("只有政协委员和党委政府领导可以在这里提交 (only members and party or government leaders)")
    places = list({p.id: p for s in sources for p in triage.places_for(session, current_user, s)}.values())
    page = render_template(
        "public/recommend.html", sources=sources, places=places,
        rooms=triage.rooms_for(session, current_user) if ProposalSource.OPINION in sources else [],
        mine=triage.mine(session, current_user), values=values, errors=errors, **TRIAGE_LABELS)
    return page, status


@submitters.get("")
@login_required
def index() -> tuple[str, int]:
    """Show the submission form for the user's sources and what the user submitted, with its state."""
    return _submit_page({"source": request.args.get("source", "")}, {})


@submitters.post("")
@login_required
def submit() -> Response | tuple[str, int]:
    """Store a recommendation, an opinion report or an assigned topic in the office's queue."""
    values = {k: request.form.get(k, "") for k in SUBMIT_FIELDS}
    raw = values["source"]
    source = ProposalSource(raw) if raw in {s.value for s in ProposalSource} else None
    if source is None:
        return _submit_page(values, {"source": "请选择类型 (choose what you submit)"}, 422)
    session = db_session()
    try:
        with writing(session):
            triage.submit(session, current_user, source, request.form, clock())
    except InvalidInput as exc:
        return _submit_page(values, exc.fields, 422)
    return redirect(url_for("recommendations.index", sent=1))
