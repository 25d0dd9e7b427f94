"""The inbox: my tasks and my unit's unclaimed tasks, least time left first."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("inbox", __name__)


@bp.get("/")
@login_required
def index() -> str:
    """Show the user's inbox."""
    return render_template("inbox/index.html")
