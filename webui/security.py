"""Login sessions for the web pages: Flask-Login, CSRF, cookie flags, idle and absolute limits.

``init_app`` is called once by ``create_app``; the decorators guard the page blueprints. The
JSON API authenticates by token and is exempt from CSRF (it reads no cookie).
"""
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask import Response as FlaskResponse
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from engine.errors import Forbidden
from models import Role, User
from webui.database import db_session

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=8)
OPEN_ENDPOINTS = {"auth.login", "auth.second_factor", "auth.enrol", "auth.set_locale", "static"}
# Requests a page makes by itself (the live diagram's refresh) do not count as activity.
PASSIVE_ENDPOINTS = {"topics.marks"}

# Every script, style, image and font is served by the app itself (npm libraries under static/vendor): nothing
# inline runs, nothing loads from elsewhere, no other site frames a page, and forms post only back here.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The modeler's properties panel sets style attributes from its script; style attributes run no code.
MODELER_POLICY = {**CONTENT_SECURITY_POLICY, "style-src-attr": "'unsafe-inline'"}
# What a downloaded file (a diagram's XML, an export) may do if a browser shows it anyway: nothing at all.
DOWNLOAD_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
HSTS_MAX_AGE = 365 * 24 * 3600

login_manager = LoginManager()
csrf = CSRFProtect()
talisman = Talisman()


def init_app(app: Flask) -> None:
    """Configure cookies, CSRF and Flask-Login, and check the session limits on every request."""
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        # Without a configured key every restart ends all sessions, which is safe but tiresome.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        # Demo mode runs on plain HTTP at 127.0.0.1; everywhere else cookies travel over TLS only.
        app.config["SESSION_COOKIE_SECURE"] = not app.config.get("DEMO", False)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_NAME="shangliang_session", WTF_CSRF_TIME_LIMIT=None,
                      REMEMBER_COOKIE_DURATION=timedelta(0))
    csrf.init_app(app)
    # HTTPS is the reverse proxy's job (README, Production); HSTS goes out on every request that arrived over it.
    talisman.init_app(app, force_https=False, session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
                      content_security_policy=CONTENT_SECURITY_POLICY, frame_options="DENY",
                      strict_transport_security=True, strict_transport_security_max_age=HSTS_MAX_AGE,
                      referrer_policy="same-origin", x_xss_protection=False)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录 (please sign in)"
    login_manager.session_protection = "basic"
    app.before_request(_enforce_session_limits)


def download_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a view's answer with the download policy: a browser that renders it runs nothing in it."""
    return talisman(content_security_policy=DOWNLOAD_POLICY)(view)


def diagram_file(data: bytes, filename: str, **headers: str) -> FlaskResponse:
    """Answer with a diagram's XML as a file to save: never shown inline, so markup hidden in it cannot run."""
    return FlaskResponse(data, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff", **headers})


def modeler_policy(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a view's page with the modeler's policy: the site's, with style attributes allowed."""
    return talisman(content_security_policy=MODELER_POLICY)(view)


def clock() -> datetime:
    """Return the application's current time (tests move it)."""
    return current_app.config["CLOCK"]()


class Anonymous:
    """The visitor who has not signed in: no roles, no locale of their own."""

    is_authenticated = False
    is_active = False
    is_anonymous = True
    roles: list[Any] = []
    locale = ""

    def has_role(self, _role: Role) -> bool:
        """Hold no role."""
        return False

    def get_id(self) -> None:
        """Have no id."""
        return None


login_manager.anonymous_user = Anonymous


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    is_id = user_id.isascii() and user_id.isdigit() and len(user_id) < 10
    user = db_session().get(User, int(user_id)) if is_id else None
    if user is None or not user.active:
        return None
    # A cookie from before the user's last logout or password change carries an older generation: it is dead.
    return user if session.get("generation") == user.session_generation else None


def start_session(user: User) -> None:
    """Log the user in with a fresh session carrying its start and last-seen times."""
    locale = session.get("locale")
    session.clear()
    login_user(user)
    now = clock().timestamp()
    session.update(started_at=now, seen_at=now, generation=user.session_generation)
    if locale and not user.locale:
        session["locale"] = locale


def end_session() -> None:
    """Log out and forget everything the session held."""
    logout_user()
    session.clear()


def _enforce_session_limits() -> Response | None:
    if request.blueprint == "api" or request.endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = clock().timestamp()
    started, seen = session.get("started_at", 0), session.get("seen_at", 0)
    if now - seen > IDLE_LIMIT.total_seconds() or now - started > ABSOLUTE_LIMIT.total_seconds():
        end_session()
        flash("会话已超时，请重新登录 (the session has expired)", "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["seen_at"] = now
    return None


def safe_next(target: str | None, default: str = "inbox.index") -> str:
    """Return a local path to go to next; anything pointing to another site goes to ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for(default)
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for(default)


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let only users holding one of the roles through (others get 403)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not any(current_user.has_role(r) for r in roles):
                raise Forbidden("this page needs the role " + " / ".join(r.value for r in roles))
            return view(*args, **kwargs)

        return wrapped

    return decorate
