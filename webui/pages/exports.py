"""Exporting any list (inbox, supervision, topics) to CSV or XLSX with the columns shown, and
saving list filters.

Every export is written to the audit log: who took which list out of the system, and when.
"""
import csv
import io
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine.errors import Forbidden, NotFound
from engine.time.calendar import SHANGHAI
from models import TaskItem, Topic, User
from models.database import writing
from webui.database import db_session, writes
from webui.pages.lists import filters_from_request
from webui.security import clock, safe_next
from workflows.people import audit
from workflows.rules.stages import STAGE_LABELS
from workflows.supervision import escalation as supervision
from workflows.topics import filters, inbox, worklist
from workflows.topics import lifecycle as topics
from workflows.topics import overview as casefile
from workflows.topics.kinds import KIND_LABELS
from workflows.topics.labels import CATEGORY_LABELS, STATUS_LABELS, stage_label
from workflows.topics.worklist import Row

bp = Blueprint("lists", __name__, url_prefix="/lists")
TASK_HEADERS = ("预警", "剩余工作日", "任务", "议题编号", "议题", "平台", "阶段", "等待谁办理", "认领人", "截止日期",
                "督办")
TOPIC_HEADERS = ("编号", "议题", "平台", "类别", "协商形式", "提案号", "阶段", "状态", "提出时间")
REPLY_HEADERS = ("议题编号", "议题", "办理单位", "截止日期", "答复日期", "是否按时")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
Table = tuple[tuple[str, ...], list[list[object]]]


def _day(moment: datetime | None) -> date | str:
    """Return a stored time's Beijing day: a date, so that a spreadsheet sorts and filters it as one."""
    return moment.astimezone(SHANGHAI).date() if moment else ""


def _reply_values(item: TaskItem) -> list[object]:
    on_time = item.due_at is not None and item.completed_at is not None and item.completed_at <= item.due_at
    return [item.topic_id, item.topic.title, item.candidate_unit.name if item.candidate_unit else "",
            _day(item.due_at), _day(item.completed_at), "按时" if on_time else "超期"]


def _task_values(row: Row) -> list[object]:
    item = row.item
    return [row.left.label, row.left.days if row.left.days is not None else "", item.name, item.topic_id,
            item.topic.title, item.topic.platform.name, STAGE_LABELS.get(item.stage, item.stage), row.waiting_label,
            item.assignee.display_name if item.assignee else "", _day(item.due_at), "是" if row.escalated else ""]


def _topic_values(topic: Topic) -> list[object]:
    return [topic.id, topic.title, topic.platform.name, CATEGORY_LABELS[topic.category.value],
            KIND_LABELS[topic.consultation_kind.value], topic.proposal_number,
            stage_label(topic.stage, topic.status.value), STATUS_LABELS[topic.status.value], _day(topic.created_at)]


def _table(view: str) -> Table:
    """Return the headers and the rows (every page, filters applied) of one list, in a fixed number of queries."""
    session, wanted = db_session(), filters_from_request()
    if view == "topics":
        found = worklist.all_topics(session, casefile.visible(session, current_user), wanted)
        return TOPIC_HEADERS, [_topic_values(t) for t in found]
    if view == "replies":
        if not any(current_user.has_role(r) for r in supervision.SUPERVISING_ROLES):
            raise Forbidden("this list needs a supervising role")
        return REPLY_HEADERS, [_reply_values(i) for i in supervision.replies(session, current_user)]
    sources: dict[str, Callable[[Session, User], list[ColumnElement[bool]]]] = {
        "inbox": inbox.inbox_conditions, "supervision": supervision.open_task_conditions}
    if view not in sources:
        raise NotFound(f"no list {view!r}")
    if view == "supervision" and not any(current_user.has_role(r) for r in supervision.SUPERVISING_ROLES):
        raise Forbidden("this list needs a supervising role")
    rows = worklist.all_task_rows(session, sources[view](session, current_user), wanted, current_user, clock(),
                                  topics.load_calendar(session))
    return TASK_HEADERS, [_task_values(r) for r in rows]


@bp.get("/<view>/export.<any(csv, xlsx):fmt>")
@login_required
def export(view: str, fmt: str) -> Response:
    """Export the filtered list (every page) in the chosen format."""
    headers, rows = _table(view)
    body = _csv(headers, rows) if fmt == "csv" else _xlsx(headers, rows)
    session = db_session()
    with writing(session):
        audit.record(session, "export", current_user, target=f"list:{view}", address=request.remote_addr or "",
                     now=clock(), format=fmt, rows=len(rows), query=request.query_string.decode()[:500])
    stamp = clock().astimezone(SHANGHAI).strftime("%Y%m%d-%H%M")
    return Response(body, mimetype=CONTENT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{view}-{stamp}.{fmt}"'})


def _csv(headers: tuple[str, ...], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutral(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


# What makes a spreadsheet read a cell as a formula or a DDE call, in half- or full-width (＝ reads as =).
FORMULA_STARTS = frozenset("=+-@|%\t\r")


def neutral(value: object) -> object:
    """Keep a cell from being read as a formula by a spreadsheet (CSV injection): prefix it with a quote."""
    if not isinstance(value, str) or not value:
        return value
    first = unicodedata.normalize("NFKC", value.lstrip(" \u3000")[:1] or value[0])
    return "'" + value if value[0] in FORMULA_STARTS or first in FORMULA_STARTS else value


def _xlsx(headers: tuple[str, ...], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    sheet.title = "清单"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutral(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    for index, header in enumerate(headers):
        widest = max([len(str(r[index])) for r in rows[:200]] + [len(header)])
        sheet.column_dimensions[chr(ord("A") + index)].width = min(40, 4 + widest * 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.post("/filters")
@login_required
@writes
def save_filter() -> Response:
    """Save the current filters of a list under a name."""
    view = request.form.get("view", "")
    filters.save(db_session(), current_user, view, request.form.get("name", ""), request.form.get("query", ""))
    endpoint = {"inbox": "inbox.index", "supervision": "supervision.tasks", "topics": "topics.index"}[view]
    return redirect(url_for(endpoint) + "?" + request.form.get("query", "").lstrip("?"))


@bp.post("/filters/<int:filter_id>/delete")
@login_required
@writes
def delete_filter(filter_id: int) -> Response:
    """Delete one of the user's saved filters."""
    filters.delete(db_session(), current_user, filter_id)
    return redirect(safe_next(request.form.get("next")))

