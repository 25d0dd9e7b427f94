"""Placeholder, filled in by the following steps."""
from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
