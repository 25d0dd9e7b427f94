"""A human check without any outside service, for the public proposal form and its API.

The question is a small sum; its token is signed with the application's secret and dated, so it
cannot be forged or kept for long. A hidden field (``website``) that people never fill is a trap for bots.
"""
import secrets
from collections.abc import Mapping
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 2 * 60 * 60  # seconds a question stays answerable
MESSAGE = "请正确回答验证问题 (please answer the check question correctly)"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="public-proposal-check")


def challenge() -> dict[str, str]:
    """Return a fresh question and its signed token."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return {"question": f"{a} + {b} = ?", "token": _signer().dumps([a, b])}


def problem(form: Mapping[str, Any]) -> str:
    """Return why the check fails ('' when it passes): a filled trap, a missing, stale or wrong answer."""
    if str(form.get("website") or ""):
        return MESSAGE
    try:
        a, b = _signer().loads(str(form.get("token") or ""), max_age=MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return MESSAGE
    answer = str(form.get("answer") or "").strip()
    return "" if answer.isascii() and answer.isdigit() and len(answer) < 4 and int(answer) == a + b else MESSAGE
