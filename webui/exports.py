"""Exporting any task list to CSV or XLSX with the columns shown, and saving list filters.

Every export is written to the audit log: who took which list out of the system, and when.
"""
import csv
import io
from collections.abc import Callable

from flask import Blueprint, Response, redirect, request, url_for
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.styles import Font

from engine import audit, filters, supervision
from engine.calendar import SHANGHAI
from engine.errors import Forbidden, NotFound
from engine.worklist import Row
from models.database import writing

from . import db_session
from .lists import STAGE_LABELS
from .security import clock, safe_next

bp = Blueprint("lists", __name__, url_prefix="/lists")
HEADERS = ("预警", "剩余工作日", "任务", "议题编号", "议题", "平台", "阶段", "等待谁办理", "认领人", "截止日期", "督办")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _row_values(row: Row) -> list[object]:
    item = row.item
    return [row.left.label, row.left.days if row.left.days is not None else "", item.name, item.topic_id,
            item.topic.title, item.topic.platform.name, STAGE_LABELS.get(item.stage, item.stage), row.waiting_label,
            item.assignee.display_name if item.assignee else "",
            item.due_at.astimezone(SHANGHAI).strftime("%Y-%m-%d") if item.due_at else "",
            "是" if row.escalated else ""]


def _rows_of(view: str) -> list[Row]:
    from .inbox import inbox_rows
    from .supervision import supervision_rows

    sources: dict[str, Callable[[], tuple[list[Row], list[Row], object]]] = {
        "inbox": inbox_rows, "supervision": supervision_rows}
    if view not in sources:
        raise NotFound(f"no list {view!r}")
    if view == "supervision" and not any(current_user.has_role(r) for r in supervision.SUPERVISING_ROLES):
        raise Forbidden("this list needs a supervising role")
    return sources[view]()[1]


@bp.get("/<view>/export.<any(csv, xlsx):fmt>")
@login_required
def export(view: str, fmt: str) -> Response:
    """Export the filtered list (every page) in the chosen format."""
    rows = _rows_of(view)
    body = _csv(rows) if fmt == "csv" else _xlsx(rows)
    session = db_session()
    with writing(session):
        audit.record(session, "export", current_user, target=f"list:{view}", address=request.remote_addr or "",
                     now=clock(), format=fmt, rows=len(rows), query=request.query_string.decode()[:500])
    stamp = clock().astimezone(SHANGHAI).strftime("%Y%m%d-%H%M")
    return Response(body, mimetype=CONTENT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{view}-{stamp}.{fmt}"'})


def _csv(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_neutral(v) for v in _row_values(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _neutral(value: object) -> object:
    """Keep a cell from being read as a formula by a spreadsheet (CSV injection)."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def _xlsx(rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "任务清单"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_neutral(v) for v in _row_values(row)])
    for column, width in zip("ABCDEFGHIJK", (10, 10, 22, 8, 30, 16, 10, 24, 12, 12, 6), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.post("/filters")
@login_required
def save_filter() -> Response:
    """Save the current filters of a list under a name."""
    view = request.form.get("view", "")
    filters.save(db_session(), current_user, view, request.form.get("name", ""), request.form.get("query", ""))
    endpoint = {"inbox": "inbox.index", "supervision": "supervision.tasks"}[view]
    return redirect(url_for(endpoint) + "?" + request.form.get("query", "").lstrip("?"))


@bp.post("/filters/<int:filter_id>/delete")
@login_required
def delete_filter(filter_id: int) -> Response:
    """Delete one of the user's saved filters."""
    filters.delete(db_session(), current_user, filter_id)
    return redirect(safe_next(request.form.get("next")))

