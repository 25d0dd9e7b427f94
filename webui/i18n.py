"""Page language: Simplified Chinese by default, English as the second locale (Flask-Babel).

The choice is the signed-in user's own (stored on the account), else the session's.
"""
from flask import Flask, session
from flask_babel import Babel
from flask_login import current_user

LOCALES = ("zh", "en")


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
