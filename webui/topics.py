"""Placeholder, filled in by the following steps."""
from flask import Blueprint

bp = Blueprint("topics", __name__, url_prefix="/topics")


@bp.get("/")
def index() -> str:
    """List topics (filled in later)."""
    return ""
