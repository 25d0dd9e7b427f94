"""Page language: Simplified Chinese by default, English as the second locale (Flask-Babel).

The choice is the signed-in user's own (stored on the account), else the session's.
"""
from flask import Flask, session
from flask_babel import Babel
from flask_login import current_user

from workflows.i18n import N_

LOCALES = ("zh", "en")


# The engine's labels (engine/time/timeleft.py), listed here for the catalog: the engine marks nothing,
# since it knows no domain and no web. The domain marks its own labels where it defines them.
ENGINE_LABELS = (N_("正常"), N_("黄牌预警"), N_("红牌超期"), N_("无时限"))


def select_locale() -> str:
    """Return the locale of this request."""
    chosen = getattr(current_user, "locale", "") if current_user else ""
    chosen = chosen or session.get("locale", "")
    return chosen if chosen in LOCALES else "zh"


def init_app(app: Flask) -> None:
    """Install Babel with the catalogs in webui/translations."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    Babel(app, locale_selector=select_locale)
