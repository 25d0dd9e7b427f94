"""The Flask application and composition root: configuration, sessions carrying the engine, blueprints, scheduler."""
import os
from pathlib import Path
from typing import Any

from flask import Flask

from engine.time import scheduler
from models import utcnow
from models.database import make_engine
from webui.database import close_session, default_attachment_dir, default_database_url
from workflows.deadlines.recurring import SweepAndDeliver
from workflows.wiring import session_factory


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the defaults (tests pass their database)."""
    app = Flask(__name__, instance_path=str(Path("instance").resolve()))
    app.config.update(
        DATABASE_URL=default_database_url(),
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        SECRET_KEY=os.environ.get("SHANGLIANG_SECRET_KEY"),
        DEMO=os.environ.get("SHANGLIANG_DEMO") == "1",
        SESSION_COOKIE_SECURE=None,  # None: Secure unless in demo mode (see webui.security)
        CLOCK=utcnow,
    )
    app.config.update(config or {})
    app.config.setdefault("ATTACHMENT_DIR", str(default_attachment_dir()))  # the folder `shangliang backup` copies
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable in responses
    app.json.sort_keys = False  # type: ignore[attr-defined]
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = session_factory(engine)  # every session carries the WorkflowEngine
    app.teardown_appcontext(close_session)

    from webui import converters, i18n, operations, security, text_guard
    from webui.api import admin as admin_api
    from webui.api import appraisals as appraisals_api
    from webui.api import deadlines as deadlines_api
    from webui.api import deliberation as deliberation_api
    from webui.api import directory as directory_api
    from webui.api import levels as levels_api
    from webui.api import operations as ops_api
    from webui.api import platform as platform_api
    from webui.api import public as public_api
    from webui.api import results as results_api
    from webui.api import topics as api
    from webui.api import triage as triage_api
    from webui.pages import admin, admin_ops, auth, exports, inbox, supervision, tasks, topics
    from webui.pages import appraisals as appraisal_pages
    from webui.pages import deadlines as deadline_pages
    from webui.pages import deliberation as deliberation_pages
    from webui.pages import directory as directory_pages
    from webui.pages import layout as pages
    from webui.pages import leaders as leader_pages
    from webui.pages import levels as level_pages
    from webui.pages import platform as platform_pages
    from webui.pages import public as public_pages
    from webui.pages import remote as remote_pages
    from webui.pages import results as result_pages
    from webui.pages import rounds as round_pages
    from webui.pages import triage as triage_pages

    converters.install(app)  # before the blueprints: their routes bind their converters when registered
    security.init_app(app)
    text_guard.install(app)
    i18n.init_app(app)
    operations.init_app(app)  # /healthz, /readyz, /metrics; request ids, timings and JSON log lines
    app.register_blueprint(api.bp)
    app.register_blueprint(deadlines_api.bp)
    app.register_blueprint(admin_api.bp)
    app.register_blueprint(ops_api.bp)
    app.register_blueprint(platform_api.bp)
    app.register_blueprint(levels_api.bp)
    app.register_blueprint(appraisals_api.bp)
    app.register_blueprint(directory_api.bp)
    app.register_blueprint(public_api.bp)
    app.register_blueprint(public_api.office)
    app.register_blueprint(results_api.bp)
    app.register_blueprint(results_api.office)
    app.register_blueprint(deliberation_api.bp)
    app.register_blueprint(deliberation_api.public)
    app.register_blueprint(triage_api.office)
    app.register_blueprint(triage_api.submitters)
    for token_api in (api.bp, deadlines_api.bp, admin_api.bp, ops_api.bp, platform_api.bp, levels_api.bp,
                      appraisals_api.bp, directory_api.bp,
                      public_api.bp, public_api.office, deliberation_api.bp, deliberation_api.public,
                      triage_api.office, triage_api.submitters, results_api.bp, results_api.office):
        security.csrf.exempt(token_api)
    for blueprint in (auth.bp, inbox.bp, tasks.bp, topics.bp, supervision.bp, exports.bp, deadline_pages.bp,
                      admin.bp, admin_ops.bp, platform_pages.bp, level_pages.bp, leader_pages.bp, directory_pages.bp,
                      public_pages.bp, public_pages.office, deliberation_pages.bp, deliberation_pages.invited,
                      result_pages.bp, triage_pages.office, triage_pages.submitters, appraisal_pages.bp,
                      round_pages.bp, remote_pages.bp):
        app.register_blueprint(blueprint)
    pages.init_app(app)  # after the APIs, so its error pages take over for HTML routes
    if app.config.get("SCHEDULER") == "embedded":
        scheduler.start_embedded(app.extensions["db_sessions"], SweepAndDeliver.from_env(), app.config, os.environ)
    return app
