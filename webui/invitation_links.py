"""Signed links that let an invited resident into one online deliberation without an account.

The link carries the invitation's id signed with the application's secret (itsdangerous), so it cannot be
forged or turned into another invitation; the office ends it by revoking the invitation, and the
deliberation's deadline ends what it may do. Called by webui.pages.deliberation and webui.api.deliberation.
"""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from engine.errors import NotFound

INVALID = "邀请链接无效或已被收回 (this invitation link is not valid or was withdrawn)"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="deliberation-invitation")


def token_for(invitation_id: int) -> str:
    """Return the signed token of an invitation."""
    return str(_signer().dumps(invitation_id))


def invitation_id(token: str) -> int:
    """Return the invitation id a token carries, or NotFound for a forged or malformed token."""
    try:
        found = _signer().loads(token[:200])
    except (BadSignature, ValueError, TypeError):
        raise NotFound(INVALID) from None
    if not isinstance(found, int) or isinstance(found, bool):
        raise NotFound(INVALID)
    return found
