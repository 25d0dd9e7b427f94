"""Notifications: in-app messages per user, and the outbox and log of e-mail and webhook deliveries."""
import enum
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization, Unit


class Notification(Base):
    """A message shown to one user inside shangliang (站内通知)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    task_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("task_item.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # reminder | escalation | extension_* …
    title: Mapped[str] = mapped_column(String(200))  # in Chinese; what rows written before title_key show
    body: Mapped[str] = mapped_column(Text, default="")
    # The catalog's message (its Chinese text) and the values it names: each reader sees it in their language.
    title_key: Mapped[str] = mapped_column(String(200), default="")
    body_key: Mapped[str] = mapped_column(String(200), default="")  # empty: the body is the author's own words
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]]


class Channel(enum.StrEnum):
    """Where an outside notification goes."""

    EMAIL = "email"
    DINGTALK = "dingtalk"  # 钉钉群机器人
    WECOM = "wecom"  # 企业微信群机器人


class NotifyRoute(Base):
    """An outside address of a unit or organization for one purpose (its leader's mailbox, its group robot)."""

    __tablename__ = "notify_route"

    id: Mapped[intpk]
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # reminder | escalation | any
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    address: Mapped[str] = mapped_column(String(500))  # e-mail address or robot URL
    secret: Mapped[str] = mapped_column(String(200), default="")  # DingTalk signing secret (加签)
    label: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(16), default="zh")  # the language its messages are written in
    active: Mapped[bool] = mapped_column(default=True)

    organization: Mapped[Optional[Organization]] = relationship()
    unit: Mapped[Optional[Unit]] = relationship()


class DeliveryStatus(enum.StrEnum):
    """Life of one outside delivery."""

    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # leased by a deliverer
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


class Delivery(Base):
    """One message to one outside address; created with the action that caused it, sent later."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(120), unique=True)  # action and route: never twice
    route_id: Mapped[Optional[int]] = mapped_column(ForeignKey("notify_route.id", ondelete="SET NULL"))
    topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    address: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str] = mapped_column(String(120), default="")
    lease_until: Mapped[Optional[datetime]]
    sending_since: Mapped[Optional[datetime]]  # committed just before the message leaves; cleared with the outcome
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[datetime]]
    last_error: Mapped[str] = mapped_column(Text, default="")

    route: Mapped[Optional[NotifyRoute]] = relationship()


class DeliveryAttempt(Base):
    """The delivery log: one row per attempt, with what the server answered."""

    __tablename__ = "delivery_attempt"

    id: Mapped[intpk]
    delivery_id: Mapped[int] = mapped_column(ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    detail: Mapped[str] = mapped_column(Text, default="")
