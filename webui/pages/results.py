"""The public results pages (no sign-in): ``/public`` with the year's plan, published topics and their results,
a search and typical cases; one topic's page; the Atom feed. And the CPPCC office's publication page where it
marks a topic publishable or a typical case. Reads and writes through workflows.participation.results.
"""
import re
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from engine.time.calendar import SHANGHAI
from models.database import writing
from webui.database import db_session
from webui.query_args import plan_year, small_int
from webui.security import clock
from workflows.participation import results
from workflows.platform.suggestions import OUTCOME_LABELS
from workflows.rules.forms import REPLY_CLASSES
from workflows.rules.stages import STAGE_LABELS
from workflows.topics.labels import CATEGORY_LABELS, STATUS_LABELS, stage_label

bp = Blueprint("results", __name__)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 cannot carry these
LABELS = {"category_labels": CATEGORY_LABELS, "stage_labels": STAGE_LABELS, "topic_status_labels": STATUS_LABELS,
          "stage_label": stage_label, "reply_classes": dict(REPLY_CLASSES), "outcome_labels": OUTCOME_LABELS}


@bp.get("/public")
def index() -> str:
    """Show the year's plan, typical cases and the published topics with their results; ``?q=`` searches."""
    words = results.search_text(request.args.get("q", ""))
    year = plan_year(request.args.get("year"), clock().astimezone(SHANGHAI).year)
    page = small_int(request.args.get("page"), 1, 1000, 1)
    topics, more = results.page_of(db_session(), words, page=page)
    first = page == 1 and not words  # the plan and typical cases head the first page only
    return render_template("public/results.html", topics=topics, typical=[t for t in topics if t.typical] if first
                           else [], plan=results.plan(topics, year), year=year, words=words, page=page,
                           more=more, first=first, **LABELS)


@bp.get("/public/topics/<int:topic_id>")
def topic(topic_id: int) -> str:
    """Show one published topic's stage and results."""
    return render_template("public/result.html", topic=results.one(db_session(), topic_id), **LABELS)


@bp.get("/public/feed.atom")
def feed() -> Response:
    """Return the published topics as an Atom feed, newest first."""
    topics = results.published(db_session())
    generator = FeedGenerator()
    generator.id(url_for("results.index", _external=True))
    generator.title(_("有事好商量 协商成果公开"))
    generator.author(name=_("政协办公室"))
    generator.link(href=url_for("results.index", _external=True), rel="alternate", type="text/html")
    generator.link(href=url_for("results.feed", _external=True), rel="self", type="application/atom+xml")
    generator.language("en" if request.accept_languages.best == "en" else "zh-CN")
    generator.updated(max((t.updated for t in topics), default=datetime(2020, 1, 1, tzinfo=SHANGHAI)))
    for found in reversed(topics):  # feedgen prepends: the newest ends first
        entry = generator.add_entry()
        link = url_for("results.topic", topic_id=found.id, _external=True)
        entry.id(link)
        entry.title(_text(found.title))
        entry.link(href=link, rel="alternate", type="text/html")
        entry.published(found.created)
        entry.updated(found.updated)
        entry.category(term=found.category, label=_(CATEGORY_LABELS[found.category]))
        entry.content(_text(_entry_text(found)), type="text")
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")


def _entry_text(found: results.PublicTopic) -> str:
    lines = [f"{_('所在地')}: {found.place}", f"{_('阶段')}: {_(stage_label(found.stage, found.status))}"]
    if found.typical:
        lines.append(f"{_('典型案例')}: {found.typical_note}")
    if found.summary:
        lines.append(f"{_('协商纪要摘要')}: {found.summary}")
    lines += [f"{_('书面反馈')} ({_(dict(REPLY_CLASSES).get(r.reply_class, r.reply_class))}): {r.text}"
              for r in found.replies]
    lines += [f"{_('建议')} {s.number} ({s.unit}, {s.progress}%): {s.text}" for s in found.suggestions]
    return "\n".join(lines)


def _text(value: str) -> str:
    return CONTROL.sub("", value)


@bp.get("/publication")
@login_required
def publication() -> str:
    """List the topics of the office's districts with whether each is public or a typical case."""
    return render_template("public/publication.html", rows=results.managed(db_session(), current_user)[0],
                           **LABELS)


@bp.route("/publication/<int:topic_id>", methods=["GET", "POST"])
@login_required
def publish(topic_id: int) -> str | tuple[str, int] | Response:
    """Show or save a topic's publication: published, the public summary of its minutes, typical case."""
    session = db_session()
    if request.method == "GET":
        found = results.require_publishable(session, current_user, topic_id)
        mark = results.mark_of(session, topic_id)
        values = {"published": mark.published if mark else False, "typical": mark.typical if mark else False,
                  "summary": mark.summary if mark and mark.summary else results.minutes_of(session, topic_id),
                  "typical_note": mark.typical_note if mark else ""}
        return render_template("public/publish.html", topic=found, values=values, errors={}, **LABELS)
    try:
        with writing(session):
            found = results.require_publishable(session, current_user, topic_id)
            results.mark(session, current_user, found, request.form, clock())
    except InvalidInput as exc:
        found = results.require_publishable(session, current_user, topic_id)
        values = {k: request.form.get(k, "") for k in ("summary", "typical_note", "published", "typical")}
        return render_template("public/publish.html", topic=found, values=values, errors=exc.fields, **LABELS), 422
    return redirect(url_for("results.publication"))
