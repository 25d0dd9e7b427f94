"""Topics: the list, starting a topic, and the case page with its live diagram, timeline and files."""
from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.errors import Forbidden, InvalidInput
from engine.time.calendar import SHANGHAI
from engine.time.timeleft import warning_level
from models import Organization, OrgKind, Role, TaskItem, Topic, TopicCategory, TopicSource, Unit
from models.database import writing
from webui.database import db_session
from webui.pages import printing
from webui.pages.lists import filters_from_request, list_context
from webui.security import clock, diagram_file, download_only, roles_required
from workflows.participation import triage
from workflows.people.access import may_act, may_read_contact, require_topic
from workflows.people.directory import ROLE_LABELS
from workflows.rules.forms import RATINGS, REPLY_CLASSES
from workflows.rules.roles import LANE_ROLES
from workflows.rules.stages import STAGE_LABELS
from workflows.topics import attachments, inbox, steps, timeline, worklist
from workflows.topics import filters as saved
from workflows.topics import lifecycle as topics
from workflows.topics import overview as casefile
from workflows.topics.kinds import KIND_LABELS
from workflows.topics.labels import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS, stage_label

bp = Blueprint("topics", __name__, url_prefix="/topics")
LABELS = {"stage_labels": STAGE_LABELS, "category_labels": CATEGORY_LABELS, "source_labels": SOURCE_LABELS,
          "status_labels": STATUS_LABELS, "reply_classes": dict(REPLY_CLASSES), "ratings": dict(RATINGS),
          "kind_labels": attachments.KIND_LABELS, "stage_label": stage_label, "consultation_labels": KIND_LABELS,
          "due_then": timeline.due_then}


@bp.get("/")
@login_required
def index() -> str:
    """List the topics the user may see, filtered by stage, district and status, paged."""
    session, filters = db_session(), filters_from_request()
    visible = casefile.visible(session, current_user)
    page = worklist.topic_page(session, visible, filters)
    return render_template(
        "topics/index.html", topics=page.rows, total=page.total, pages=page.pages, filters=filters,
        districts=worklist.topic_district_choices(session, visible),
        saved=saved.list_for(session, current_user, "topics"), view="topics", list_endpoint="topics.index",
        export_endpoint="lists.export", **{**LABELS, **list_context()})


def _platforms() -> tuple[bool, list[Organization], list[Organization]]:
    """Return whether the user may start district topics, and the districts and towns open to them."""
    session = db_session()
    offices = [a.organization for a in current_user.roles if a.role is Role.CPPCC_OFFICE and a.organization]
    districts = [o for o in offices if o.kind is OrgKind.DISTRICT]
    towns = [o for o in session.scalars(select(Organization))
             if o.kind.is_grassroots_platform and any(p in offices for p in o.lineage())]
    may_district = bool(districts)
    districts += [t.district() for t in towns if t.district() not in districts]
    return may_district, districts, towns


@bp.route("/new", methods=["GET", "POST"])
@login_required
@roles_required(Role.CPPCC_OFFICE)
def new() -> str | tuple[str, int] | Response:
    """Start a topic (政协办公室): its fields, and optionally the proposing resident's contact."""
    may_district, districts, towns = _platforms()
    cities = [a.organization for a in current_user.roles  # the city's office starts topics of the city's platform
              if a.role is Role.CPPCC_OFFICE and a.organization and a.organization.kind is OrgKind.CITY]
    context = dict(may_district=may_district, districts=districts, towns=towns, cities=cities, categories=TopicCategory,
                   sources=TopicSource, **LABELS)
    if request.method == "GET":
        return render_template("topics/new.html", values={}, errors={}, **context)
    fields: dict[str, str | None] = {k: request.form.get(k, "") for k in topics.TOPIC_FIELDS}
    fields["town"] = fields["town"] or None
    session = db_session()
    try:
        with writing(session):
            topic = topics.start_topic(session, current_user, fields, now=clock())
            casefile.add_contact(session, topic, request.form.get("contact_name", ""),
                                 request.form.get("contact_phone", ""), request.form.get("contact_address", ""))
    except InvalidInput as exc:
        return render_template("topics/new.html", values=request.form, errors=exc.fields, **context), 422
    except Forbidden:  # a district or town the clerk does not serve: said on the field, with the form kept
        errors = {"town" if fields["town"] else "district": "not yours (不在您所在政协办公室的范围内，请从列表中选择)"}
        return render_template("topics/new.html", values=request.form, errors=errors, **context), 403
    first = next((i for i in inbox.open_tasks(session, topic) if may_act(current_user, i)), None)
    return redirect(url_for("tasks.detail", task_id=first.id) if first else url_for("topics.detail", topic_id=topic.id))


@bp.get("/<int:topic_id>")
@login_required
def detail(topic_id: int) -> str:
    """Show the case page: summary, diagrams, open tasks, timeline, attachments, reply."""
    session, now = db_session(), clock()
    topic = require_topic(session, current_user, topic_id)
    calendar = topics.load_calendar(session)
    return render_template(
        "topics/detail.html", topic=topic, now=now,
        open_tasks=[(i, warning_level(i, now, calendar)) for i in inbox.open_tasks(session, topic)],
        diagrams=casefile.diagram_views(session, topic, now), events=topics.history(session, topic),
        files=attachments.for_topic(session, topic), replies=casefile.completed_data(session, topic, "write_reply"),
        ratings_given=casefile.completed_data(session, topic, "rate_reply"),
        minutes=casefile.completed_data(session, topic, "submit_minutes"),
        has_contact=(session.get(casefile.ResidentContact, topic.id) is not None
                     and may_read_contact(session, current_user, topic)),
        task_items={i.id: i for i in session.scalars(select(TaskItem).where(TaskItem.topic_id == topic.id))},
        steps=steps.of_topic(session, topic), lane_labels=lane_labels(),
        origin=triage.origin(session, topic), origin_labels=triage.SOURCE_LABELS,
        may_escalate=current_user.has_role(Role.SUPERVISOR) and topic.status.value == "active",
        **LABELS,
    )


def lane_labels() -> dict[str, str]:
    """Return each lane's role code with its name in words, in the page's language."""
    return {code: _(ROLE_LABELS[role]) for code, role in LANE_ROLES.items()}


@bp.get("/<int:topic_id>/diagrams/<int:version_id>.bpmn")
@download_only
@login_required
def diagram(topic_id: int, version_id: int) -> Response:
    """Serve the BPMN XML of a process version the topic is pinned to."""
    xml = casefile.diagram_xml(db_session(), current_user, topic_id, version_id)
    return diagram_file(xml, f"topic{topic_id}_v{version_id}.bpmn", **{"Cache-Control": "private, max-age=3600"})


@bp.get("/<int:topic_id>/marks.json")
@login_required
def marks(topic_id: int) -> Response:
    """Return the finished, current and overdue steps of each diagram (the page refreshes them)."""
    session = db_session()
    topic = require_topic(session, current_user, topic_id)
    return jsonify({str(v.version_id): v.marks() for v in casefile.diagram_views(session, topic, clock())})


@bp.post("/<int:topic_id>/contact")
@login_required
def contact(topic_id: int) -> str:
    """Reveal the resident's contact details; the look is audited."""
    session = db_session()
    topic = require_topic(session, current_user, topic_id)
    with writing(session):
        found = casefile.contact(session, current_user, topic, request.remote_addr or "", now=clock())
    return render_template("topics/_contact.html", contact=found)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int) -> Response:
    """Serve an attachment to a user who may see its topic."""
    found, path = attachments.open_for(db_session(), Path(current_app.config["ATTACHMENT_DIR"]), current_user,
                                       attachment_id)
    return send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename)


@bp.get("/<int:topic_id>/casefile.pdf")
@login_required
def casefile_pdf(topic_id: int) -> Response:
    """Print the whole topic as one case file (案卷): masthead, number, participants, every step and its dates.

    ``?preview=1`` answers the same page as HTML, to read before printing.
    """
    session = db_session()
    topic = require_topic(session, current_user, topic_id)
    done = steps.of_topic(session, topic)
    escalations = [e for e in topics.history(session, topic) if e.kind in ("escalated", "task_escalated")]
    html = render_template("topics/casefile_print.html", topic=topic, steps=done, escalations=escalations,
                           masthead=masthead(topic), number=document_number(topic), printed=clock(),
                           participants=participants(done), **LABELS)
    if request.args.get("preview") == "1":
        return Response(html, mimetype="text/html")
    return Response(printing.pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="topic-{topic.id}-casefile.pdf"'})


def masthead(topic: Topic) -> str:
    """Return the CPPCC body of the topic's platform: a district's, or a town's working committee."""
    return f"{topic.town.name}政协工委" if topic.town is not None else f"{topic.district.name}政协"


def document_number(topic: Topic) -> str:
    """Return the case file's number: the district's short name, the year proposed and the topic's number."""
    year = topic.created_at.astimezone(SHANGHAI).year
    short = topic.district.name.removesuffix("区").removesuffix("市")
    return f"{short}政协案〔{year}〕{topic.id}号"


def participants(done: list[steps.Step]) -> list[str]:
    """Return the units and people who completed the topic's steps, each once, in order of first appearance."""
    names = [n for s in done for n in (s.item.candidate_unit.name if s.item.candidate_unit else "",
                                       s.actor.display_name if s.actor else "") if n]
    return list(dict.fromkeys(names))


@bp.get("/<int:topic_id>/<any(minutes, reply):kind>.pdf")
@login_required
def pdf(topic_id: int, kind: str) -> Response:
    """Print the minutes (协商纪要) or the written reply (书面答复) as PDF."""
    session = db_session()
    topic = require_topic(session, current_user, topic_id)
    task = "submit_minutes" if kind == "minutes" else "write_reply"
    entries = casefile.completed_data(session, topic, task)
    if not entries:
        raise InvalidInput(f"the topic has no {kind} yet", {"kind": "尚未形成 (not written yet)"})
    units = dict(session.execute(select(Unit.code, Unit.name)).tuples().all())
    html = render_template("topics/print.html", topic=topic, kind=kind, entries=entries, units=units,
                           ratings_given=casefile.completed_data(session, topic, "rate_reply"), **LABELS)
    return Response(printing.pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="topic-{topic.id}-{kind}.pdf"'})
