"""Placeholder, filled in by the following steps."""
from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.get("/")
def dashboard() -> str:
    """Show the dashboard (filled in later)."""
    return ""
