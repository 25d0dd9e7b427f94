"""Signed links that confirm following a public proposal by e-mail, sent to the address that asked.

The link carries the proposal's number and the address, signed with the application's secret and dated
(itsdangerous), so it cannot be forged, moved to another proposal or address, or kept for long; nobody
follows a proposal until the address's owner opens it. Called by webui.pages.public and webui.api.results.
"""
from flask import current_app, url_for
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from engine.errors import NotFound
from webui.security import clock

MAX_AGE = 2 * 24 * 60 * 60  # seconds a confirmation link stays valid
INVALID = "确认链接无效或已过期 (this confirmation link is not valid or has expired)"


class _AppTimeSigner(TimestampSigner):
    """Dates and ages tokens by the application's clock, the one its deadlines and codes use."""

    def get_timestamp(self) -> int:
        return int(clock().timestamp())


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="proposal-follow", signer=_AppTimeSigner)


def link(number: str, email: str) -> str:
    """Return the absolute link that confirms the address following the proposal."""
    token = _signer().dumps([number, email.strip()])
    return url_for("public.confirm_follow", number=number, token=token, _external=True)


def email_of(token: str, number: str) -> str:
    """Return the address a token confirms for this proposal, or NotFound for a forged, stale or moved one."""
    try:
        found = _signer().loads(token[:500], max_age=MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        raise NotFound(INVALID) from None
    if not (isinstance(found, list) and len(found) == 2 and found[0] == number and isinstance(found[1], str)):
        raise NotFound(INVALID)
    return found[1]
