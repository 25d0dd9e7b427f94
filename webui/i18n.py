"""Page language: Simplified Chinese by default, English as the second locale (Flask-Babel).

The choice is the signed-in user's own (stored on the account), else the session's.
"""
from flask import Flask, session
from flask_babel import Babel
from flask_login import current_user

from workflows.i18n import N_

LOCALES = ("zh", "en")


# Labels defined below webui (engine, workflows) that pages translate when they show them.
ENGINE_LABELS = (
    N_("正常"), N_("黄牌预警"), N_("红牌超期"), N_("无时限"),
    N_("调研报告"), N_("协商纪要"), N_("答复函"),
    N_("A 类：已解决"), N_("B 类：正在解决"), N_("C 类：列入计划或说明情况"),
    N_("满意"), N_("基本满意"), N_("不满意"), N_("现场协商"), N_("网络议政"), N_("远程协商"),
    N_("民主监督"), N_("调研视察"), N_("再调研"), N_("再协商"),
)


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
