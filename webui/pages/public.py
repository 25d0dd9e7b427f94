"""Public participation pages: the proposal form and the look-up by tracking number (no sign-in),
and the CPPCC office's list of received proposals where it answers or rejects them.
"""
import io
import os
from typing import Any

import qrcode
import qrcode.image.svg
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models import ProposalSource, ProposalStatus
from models.database import writing
from webui import follow_links, human_check
from webui.database import db_session
from webui.security import clock
from workflows.participation import photos, proposals, tracking, triage
from workflows.platform import rooms
from workflows.topics.labels import CATEGORY_LABELS

bp = Blueprint("public", __name__, url_prefix="/public")
office = Blueprint("proposals", __name__, url_prefix="/proposals")
LABELS = {"category_labels": CATEGORY_LABELS, "status_labels": proposals.STATUS_LABELS}
FIELDS = ("title", "description", "category", "place", "contact")


def _form(values: dict[str, Any], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    page = render_template("public/propose.html", values=values, errors=errors, check=human_check.challenge(),
                           places=proposals.places(db_session()), **LABELS)
    return page, status


@bp.route("/propose", methods=["GET", "POST"])
def propose() -> tuple[str, int] | Response:
    """Show the proposal form (place preselected by ``?place=``) or store a proposal and show its number."""
    if request.method == "GET":
        return _form({"place": request.args.get("place", "")}, {})
    values = {k: request.form.get(k, "") for k in FIELDS}
    failed = human_check.problem(request.form)
    if failed:
        return _form(values, {"answer": failed}, 422)
    session = db_session()
    try:
        sent = photos.clean([f.read(photos.MAX_BYTES + 1) for f in request.files.getlist("photos") if f.filename])
        with writing(session):
            proposal = proposals.propose(session, request.form, request.remote_addr or "", clock())
            photos.attach(session, proposal, sent, clock())
            number = proposal.number
    except InvalidInput as exc:
        return _form(values, exc.fields, 422)
    except proposals.RateLimited as exc:
        return _form(values, {"form": str(exc)}, 429)
    return redirect(url_for("public.proposal", number=number, new=1))


@bp.get("/proposals")
def find() -> Response:
    """Go from the look-up box to the proposal's page."""
    return redirect(url_for("public.proposal", number=request.args.get("number", "").strip().upper()[:32]))


@bp.get("/proposals/<number>")
def proposal(number: str) -> str:
    """Show a proposal's public state to whoever holds its number (never the contact)."""
    session = db_session()
    found = proposals.lookup(session, number)
    return render_template("public/proposal.html", proposal=proposals.public_state(found),
                           received_at=found.received_at, new=request.args.get("new") == "1",
                           photo_ids=photos.of(session, found, published_only=True),
                           **LABELS)


@bp.get("/proposals/<number>/photos/<int:photo_id>.jpg")
def photo(number: str, photo_id: int) -> Response:
    """Serve a photo the office published (re-encoded JPEG; any other is the same 404)."""
    session = db_session()
    return _jpeg(photos.one(session, proposals.lookup(session, number), photo_id, published_only=True))


def _jpeg(found: Any) -> Response:
    response = Response(found.content, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.post("/proposals/<number>/follow")
def follow(number: str) -> Response | tuple[str, int]:
    """Send the address a link confirming that it follows the proposal (nothing else about it is shown)."""
    session = db_session()
    email = request.form.get("email", "")
    try:
        with writing(session):
            found = proposals.lookup(session, number)
            tracking.ask_to_follow(session, found, email, request.remote_addr or "", clock(),
                                   follow_links.link(number, email[:200]))
    except (InvalidInput, tracking.TooOften) as exc:
        found = proposals.lookup(session, number)
        problem = exc.message if isinstance(exc, InvalidInput) else str(exc)
        page = render_template("public/proposal.html", proposal=proposals.public_state(found),
                               received_at=found.received_at, new=False, follow_error=problem, email=email,
                               photo_ids=photos.of(session, found, published_only=True), **LABELS)
        return page, 429 if isinstance(exc, tracking.TooOften) else 422
    return redirect(url_for("public.proposal", number=number, following="asked"))


@bp.route("/proposals/<number>/follow/<token>", methods=["GET", "POST"])
def confirm_follow(number: str, token: str) -> str | Response:
    """Show the confirmation of following to the address's owner, and follow when confirmed."""
    session = db_session()
    email = follow_links.email_of(token, number)
    found = proposals.lookup(session, number)
    if request.method == "GET":
        return render_template("public/confirm_follow.html", number=number, title=found.title, email=email)
    with writing(session):
        tracking.follow(session, proposals.lookup(session, number), email, clock())
    return redirect(url_for("public.proposal", number=number, following="yes"))


def email_ready() -> bool:
    """Tell whether codes can go out by e-mail: the SMTP server of the delivery outbox is configured."""
    configured = current_app.config.get("EMAIL_CODES")
    return bool(configured if configured is not None else os.environ.get("SHANGLIANG_SMTP_HOST"))


@bp.route("/lookup", methods=["GET", "POST"])
def lookup() -> str | tuple[str, int]:
    """Look up one's proposals by the contact given with them and a one-time code sent to it."""
    if request.method == "GET":
        return render_template("public/lookup.html", contact="", step="contact", errors={}, found=None, **LABELS)
    session, contact = db_session(), request.form.get("contact", "")
    address, now = request.remote_addr or "", clock()
    try:
        with writing(session):
            if request.form.get("code") is None:
                sent = tracking.request_code(session, contact, address, now, email_ready())
                return render_template("public/lookup.html", contact=contact, step="code", sent=sent, errors={},
                                       found=None, **LABELS)
            found = tracking.verify(session, contact, request.form.get("code", ""), address, now)
            states = [proposals.public_state(p) for p in found] if found is not None else None
    except InvalidInput as exc:
        return render_template("public/lookup.html", contact=contact, step="contact", errors=exc.fields,
                               found=None, **LABELS), 422
    except tracking.TooOften as exc:
        return render_template("public/lookup.html", contact=contact, step="contact", errors={"form": str(exc)},
                               found=None, **LABELS), 429
    if states is None:
        return render_template("public/lookup.html", contact=contact, step="code", errors={"code": tracking.BAD_CODE},
                               found=None, **LABELS), 422
    return render_template("public/lookup.html", contact="", step="done", errors={}, found=states, **LABELS)


@office.get("")
@login_required
def queue() -> str:
    """List the triage queue of the office's districts, every source together, newest first."""
    raw, raw_source = request.args.get("status", ""), request.args.get("source", "")
    status = ProposalStatus(raw) if raw in {s.value for s in ProposalStatus} else None
    source = ProposalSource(raw_source) if raw_source in {s.value for s in ProposalSource} else None
    found = triage.queue(db_session(), current_user, status, source)
    return render_template("public/queue.html", proposals=found, status=raw, source=raw_source,
                           source_labels=triage.SOURCE_LABELS, **LABELS)


@office.post("/<number>/respond")
@login_required
def respond(number: str) -> Response | tuple[str, int]:
    """Answer the proposer or reject with a reason; the proposer sees it by the number."""
    session = db_session()
    try:
        with writing(session):
            found = proposals.require_for_office(session, current_user, number)
            proposals.respond(session, current_user, found, request.form.get("answer", ""),
                              request.form.get("decision") == "reject", clock())
    except InvalidInput as exc:
        page = render_template("public/queue.html", proposals=triage.queue(session, current_user), status="",
                               source="", source_labels=triage.SOURCE_LABELS, errors={number: exc.message},
                               typed={number: request.form.get("answer", "")}, **LABELS)
        return page, 422
    return redirect(url_for("proposals.queue"))


@office.get("/<number>/photos/<int:photo_id>.jpg")
@login_required
def office_photo(number: str, photo_id: int) -> Response:
    """Serve any photo of a proposal to its office."""
    session = db_session()
    found = proposals.require_for_office(session, current_user, number)
    return _jpeg(photos.one(session, found, photo_id, published_only=False))


@office.post("/<number>/photos/<int:photo_id>")
@login_required
def publish_photo(number: str, photo_id: int) -> Response:
    """Make a photo public on the proposal's page, or take it back (audited)."""
    session = db_session()
    with writing(session):
        found = proposals.require_for_office(session, current_user, number)
        photos.publish(session, current_user, found, photo_id, request.form.get("public") == "1", clock())
    return redirect(request.referrer if _same_site(request.referrer) else url_for("proposals.queue"))


def _same_site(url: str | None) -> bool:
    return bool(url) and str(url).startswith(request.host_url)


@bp.app_template_global("proposal_photos")
def proposal_photos(item: Any) -> list[tuple[int, bool]]:
    """Return the photos of a proposal and whether each is public, for the office's pages."""
    return photos.states(db_session(), item)


@office.get("/rooms/<code>/qr.svg")
@login_required
def room_qr(code: str) -> Response:
    """Render the room's link to the public form, its place preselected, as an SVG QR code to print."""
    found = rooms.require_room(db_session(), current_user, code)
    return _qr(url_for("public.propose", place=found.organization.code, _external=True))


def _qr(link: str) -> Response:
    buffer = io.BytesIO()
    qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=12).save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@office.get("/district-links")
@login_required
def district_links() -> str:
    """List one link to the public form per district the office covers, with its QR code, to publish or print."""
    found = tracking.districts_of_office(db_session(), current_user)
    links = [(d, url_for("public.propose", place=d.code, _external=True)) for d in found]
    return render_template("public/district_links.html", links=links)


@office.get("/district-links/<code>/qr.svg")
@login_required
def district_qr(code: str) -> Response:
    """Render a district's link to the public form as an SVG QR code."""
    found = tracking.district_of_office(db_session(), current_user, code)
    return _qr(url_for("public.propose", place=found.code, _external=True))
