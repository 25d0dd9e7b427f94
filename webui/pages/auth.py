"""Signing in and out: password, then a TOTP code for administrators and supervisors; language switch.

Every success, failure and lockout goes to the audit log (engine.accounts writes it).
"""
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models import User
from models.database import writing
from webui.database import db_session
from webui.security import clock, end_session, safe_next, start_session
from workflows.people import accounts, audit

bp = Blueprint("auth", __name__)
LOCALES = ("zh", "en")
T = TypeVar("T")


def _address() -> str:
    return request.remote_addr or ""


def _attempt(action: Callable[[Session], T]) -> T:
    """Run a login step as one transaction that commits even when it refuses (failures count)."""
    sess = db_session()
    refused: accounts.LoginRefused | None = None
    with writing(sess):
        try:
            result = action(sess)
        except accounts.LoginRefused as exc:
            refused = exc
    if refused is not None:
        raise refused
    return result


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Check the user name and password; hand over to the second factor where one is needed."""
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    now = clock()
    username, password = request.form.get("username", ""), request.form.get("password", "")

    def check(sess: Session) -> User:
        user = accounts.check_password(sess, username, password, now, _address(), current_app.config["DEMO"])
        if not accounts.needs_second_factor(user):
            audit.record(sess, "login", user, address=_address(), now=now)
        return user

    try:
        user = _attempt(check)
    except accounts.LoginRefused as exc:
        return render_template("auth/login.html", error=exc.message, username=username,
                               next=request.form.get("next", "")), 401
    target = safe_next(request.form.get("next"))
    if accounts.needs_second_factor(user):
        session.clear()
        session.update(pending_user=user.id, pending_next=target)
        return redirect(url_for("auth.enrol" if not user.totp_secret else "auth.second_factor"))
    start_session(user)
    return redirect(target)


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    return db_session().get(User, user_id) if isinstance(user_id, int) else None


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor() -> Response | str | tuple[str, int]:
    """Ask for the six-digit code of a user who passed the password step."""
    user = _pending_user()
    if user is None or not user.totp_secret:
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return render_template("auth/code.html", user=user)
    return _finish_second_factor(user, user.totp_secret, "auth/code.html")


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol() -> Response | str | tuple[str, int]:
    """Show a new TOTP secret to a user who has none yet, and keep it once a code matches."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if user.totp_secret:
        return redirect(url_for("auth.second_factor"))
    secret = session.setdefault("enrol_secret", accounts.new_totp_secret())
    if request.method == "GET":
        return render_template("auth/enrol.html", user=user, secret=secret, uri=accounts.totp_uri(user, secret))
    return _finish_second_factor(user, secret, "auth/enrol.html", enrolling=True)


def _finish_second_factor(
    user: User, secret: str, template: str, enrolling: bool = False,
) -> Response | tuple[str, int]:
    sess, now = db_session(), clock()
    with writing(sess):
        ok = accounts.confirm_code(sess, user, secret, request.form.get("code", ""), now, _address())
        if ok:
            if enrolling:
                user.totp_secret = secret
                audit.record(sess, "totp_enrolled", user, address=_address(), now=now)
            audit.record(sess, "login", user, address=_address(), now=now, second_factor=True)
    if not ok:
        if accounts.is_locked(user, now):
            session.clear()
            flash(_("账户已锁定 30 分钟"), "error")
            return redirect(url_for("auth.login"))
        extra = {"secret": secret, "uri": accounts.totp_uri(user, secret)} if enrolling else {}
        return render_template(template, user=user, error="验证码不正确 (wrong code)", **extra), 401
    target = session.get("pending_next") or url_for("inbox.index")
    start_session(user)
    return redirect(target)


@bp.post("/logout")
def logout() -> Response:
    """End the session, and with it every session cookie of this user issued before (a copy kept stops working)."""
    if current_user.is_authenticated:
        with writing(db_session()):
            current_user.session_generation += 1
    end_session()
    flash(_("已退出"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale() -> Response:
    """Switch the page language (remembered on the account when signed in)."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        raise InvalidInput("unknown language", {"locale": "must be zh or en"})
    session["locale"] = locale
    if current_user.is_authenticated:
        with writing(db_session()):
            current_user.locale = locale
    return redirect(safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Response | str | tuple[str, int]:
    """Let a signed-in user change their password, under the policy."""
    if request.method == "GET":
        return render_template("auth/password.html")
    now = clock()
    if request.form.get("new") != request.form.get("confirm"):
        return render_template("auth/password.html", errors={"confirm": "两次输入不一致 (the two entries differ)"}), 422

    def change(sess: Session) -> None:
        user = accounts.check_password(sess, current_user.username, request.form.get("current", ""), now,
                                       _address(), current_app.config["DEMO"])
        accounts.set_password(sess, user, request.form.get("new", ""))
        user.must_change_password = False
        audit.record(sess, "password_changed", user, address=_address(), now=now)

    try:
        _attempt(change)
    except accounts.LoginRefused as exc:
        return render_template("auth/password.html", errors={"current": exc.message}), 422
    except InvalidInput as exc:
        return render_template("auth/password.html", errors=exc.fields), 422
    start_session(current_user._get_current_object())  # the change ended every session of the user; this one goes on
    flash(_("密码已修改"), "info")
    return redirect(url_for("inbox.index"))
