"""Files attached to a task: research report, minutes, reply letter.

The web task page stores uploads here; the case page lists them and serves them to users who
may see the topic. Only a few document and image types are accepted, recognised by their first
bytes as well as their name, and the bytes are stored under a random name, never the user's.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound, ShangliangError
from models import Attachment, TaskItem, Topic, User, utcnow
from models.database import on_rollback, require_writing
from workflows.i18n import N_
from workflows.people.access import require, require_topic

MAX_BYTES = 10 * 1024 * 1024
KIND_BY_TASK = {"research": "research_report", "hold_meeting": "minutes", "submit_minutes": "minutes",
                "write_reply": "reply_letter"}
KIND_LABELS = {"research_report": N_("调研报告"), "minutes": N_("协商纪要"), "reply_letter": N_("答复函")}
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file: its content type and the bytes it starts with."""

    content_type: str
    magic: bytes


TYPES = {
    ".pdf": FileType("application/pdf", b"%PDF-"),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".doc": FileType("application/msword", OLE),
    ".odt": FileType("application/vnd.oasis.opendocument.text", ZIP),
    ".png": FileType("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": FileType("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": FileType("image/jpeg", b"\xff\xd8\xff"),
}


class UploadRefused(ShangliangError):
    """The file was not stored: wrong type, too large or empty."""

    status = 415


class UploadTooLarge(UploadRefused):
    """The file is larger than MAX_BYTES."""

    status = 413


def check(filename: str, head: bytes, size: int) -> FileType:
    """Return the file's type, or refuse a file whose name, first bytes or size do not fit."""
    suffix = Path(filename).suffix.lower()
    kind = TYPES.get(suffix)
    if kind is None:
        raise UploadRefused(f"只接受 PDF、Word、ODT、PNG、JPG 文件 (type {suffix or 'none'} is not accepted)")
    if size == 0:
        raise UploadRefused("文件为空 (the file is empty)")
    if size > MAX_BYTES:
        raise UploadTooLarge(f"文件不得超过 {MAX_BYTES // 1024 // 1024} MB (the file is too large)")
    if not head.startswith(kind.magic):
        raise UploadRefused(f"文件内容与扩展名 {suffix} 不符 (the content is not a {suffix} file)")
    return kind


def store(
    session: Session, directory: Path, user: User, item: TaskItem, filename: str, stream: IO[bytes],
    now: datetime | None = None,
) -> Attachment:
    """Check and save an uploaded file for a task the caller has already authorised.

    The file is removed again if the caller's write transaction rolls back, so a refused form
    leaves neither a row nor a file behind.
    """
    require_writing(session)
    kind = KIND_BY_TASK.get(item.bpmn_id)
    if kind is None:
        raise UploadRefused(f"任务“{item.name}”不接收附件 (this task takes no attachments)")
    data = stream.read(MAX_BYTES + 1)
    file_type = check(filename, data[:16], len(data))
    stored_name = secrets.token_hex(16)
    target = directory / str(item.topic_id)
    target.mkdir(parents=True, exist_ok=True)
    (target / stored_name).write_bytes(data)
    on_rollback(session, partial((target / stored_name).unlink, missing_ok=True))
    attachment = Attachment(
        topic_id=item.topic_id, task_item_id=item.id, kind=kind, filename=_display_name(filename),
        content_type=file_type.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        stored_name=stored_name, uploaded_by_id=user.id, uploaded_at=now or utcnow(),
    )
    session.add(attachment)
    session.flush()
    return attachment


def _display_name(filename: str) -> str:
    """Keep only the last path part of a client's file name, for display."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    return name[-200:]


def for_topic(session: Session, topic: Topic) -> list[Attachment]:
    """Return a topic's attachments, oldest first."""
    return list(session.scalars(select(Attachment).where(Attachment.topic_id == topic.id).order_by(Attachment.id)))


def for_task(session: Session, item: TaskItem) -> list[Attachment]:
    """Return the attachments uploaded on one task."""
    return list(session.scalars(select(Attachment).where(Attachment.task_item_id == item.id).order_by(Attachment.id)))


def open_for(session: Session, directory: Path, user: User, attachment_id: int) -> tuple[Attachment, Path]:
    """Return an attachment and its file, if the user may see its topic (else NotFound)."""
    attachment = require(session, Attachment, attachment_id, "attachment")
    require_topic(session, user, attachment.topic_id)
    path = directory / str(attachment.topic_id) / attachment.stored_name
    if not path.is_file():
        raise NotFound(f"the file of attachment {attachment_id} is missing")
    return attachment, path
