"""Delivering the outbox: e-mail over SMTP and DingTalk / WeCom group-robot webhooks, with retries.

The scheduler calls ``deliver_due`` after each sweep; like the sweep it is a batch that owns its
transactions. A delivery is first leased (status ``sending``, attempts + 1) in its own committed
transaction, then sent, then marked sent, or put back with a later ``next_attempt_at``, or failed
after the last attempt; every attempt is a row of the delivery log. A deliverer that dies
holding a lease loses it when the lease expires, or at once when another deliverer on the same
host sees its process is gone. Just before a message leaves, ``sending_since`` is committed: a
lost lease without it was never sent and goes again; one with it may have arrived. E-mails carry
a Message-ID derived from the delivery key, so their resend after a crash can be recognised;
robot messages have no such key and are not resent, but marked failed for a person to check
(docs/deadlines.md).
"""
import base64
import hashlib
import hmac
import json
import os
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Channel, Delivery, DeliveryAttempt, DeliveryStatus
from models.database import require_no_writing, require_writing, writing
from workflows import monitoring

BACKOFF_SECONDS = (60, 300, 900, 3600)
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes; an empty host means e-mail is not configured."""

    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    sender: str = "shangliang@localhost"
    starttls: bool = False
    ssl: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class DeliverySettings:
    """SMTP, retry and lease settings of the deliverer."""

    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    max_attempts: int = 5
    lease_seconds: int = 300
    http_timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "DeliverySettings":
        """Read SHANGLIANG_SMTP_* and SHANGLIANG_DELIVERY_* variables (see docs/deadlines.md)."""
        env = {k.removeprefix("SHANGLIANG_"): v for k, v in environ.items() if k.startswith("SHANGLIANG_")}
        yes = ("1", "true", "yes", "on")
        smtp = SmtpSettings(
            host=env.get("SMTP_HOST", ""), port=int(env.get("SMTP_PORT", "25")),
            username=env.get("SMTP_USERNAME", ""), password=env.get("SMTP_PASSWORD", ""),
            sender=env.get("SMTP_SENDER", SmtpSettings.sender), starttls=env.get("SMTP_STARTTLS", "").lower() in yes,
            ssl=env.get("SMTP_SSL", "").lower() in yes, timeout=float(env.get("SMTP_TIMEOUT", "10")))
        return cls(smtp=smtp, max_attempts=int(env.get("DELIVERY_MAX_ATTEMPTS", "5")),
                   lease_seconds=int(env.get("DELIVERY_LEASE_SECONDS", "300")),
                   http_timeout=float(env.get("DELIVERY_HTTP_TIMEOUT", "10")))


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


class DeliveryError(Exception):
    """The server refused or could not be reached; the message says what it answered."""


def owner_id() -> str:
    """Name this deliverer: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_due(session: Session, now: datetime, settings: DeliverySettings, limit: int = 100) -> DeliveryReport:
    """Send every delivery that is due, at most ``limit`` per call."""
    require_no_writing(session)
    report = DeliveryReport()
    with writing(session):
        _release_lost_leases(session, now)
    with writing(session):
        leased = _lease(session, now, settings, limit)
    for delivery_id in leased:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        with writing(session):  # committed before the message leaves: a restart knows this one may have gone
            delivery.sending_since = now
        try:
            detail, ok = send(delivery, settings, now), True
        except (DeliveryError, OSError, smtplib.SMTPException) as exc:
            detail, ok = f"{type(exc).__name__}: {exc}"[:2000], False
        with writing(session):
            _finish(session, delivery, ok, detail, now, settings, report)
    return report


def _lease(session: Session, now: datetime, settings: DeliverySettings, limit: int) -> list[int]:
    """Take due deliveries for this deliverer, committed before anything is sent."""
    require_writing(session)
    due = session.scalars(select(Delivery).where(
        Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit).with_for_update(skip_locked=True)).all()
    for delivery in due:
        delivery.status, delivery.attempts = DeliveryStatus.SENDING, delivery.attempts + 1
        delivery.lease_owner, delivery.lease_until = owner_id(), now + timedelta(seconds=settings.lease_seconds)
    return [d.id for d in due]


def _finish(session: Session, delivery: Delivery, ok: bool, detail: str, now: datetime,
            settings: DeliverySettings, report: DeliveryReport) -> None:
    """Record one attempt and move the delivery on: sent, retried later, or failed."""
    require_writing(session)
    session.add(DeliveryAttempt(delivery_id=delivery.id, at=now, ok=ok, detail=detail))
    delivery.lease_owner, delivery.lease_until, delivery.sending_since = "", None, None
    if ok:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, ""
        report.sent += 1
    elif delivery.attempts >= settings.max_attempts:
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, detail
        report.failed += 1
        monitoring.DELIVERY_FAILURES.labels(delivery.channel.value, "failed").inc()
    else:
        monitoring.DELIVERY_FAILURES.labels(delivery.channel.value, "retry").inc()
        wait = BACKOFF_SECONDS[min(delivery.attempts, len(BACKOFF_SECONDS)) - 1]
        delivery.status, delivery.last_error = DeliveryStatus.PENDING, detail
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        report.retrying += 1


def _release_lost_leases(session: Session, now: datetime) -> None:
    """Put back deliveries whose lease expired, or whose deliverer on this host has died."""
    require_writing(session)
    host = socket.gethostname()
    for delivery in session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.SENDING)
                                    .with_for_update(skip_locked=True)):
        expired = delivery.lease_until is None or delivery.lease_until < now
        if expired or _dead_here(delivery.lease_owner, host):
            _reconcile(session, delivery, now)


def _reconcile(session: Session, delivery: Delivery, now: datetime) -> None:
    """Put back a lost lease: unsent deliveries go again; one caught mid-send only where a resend is recognisable.

    An e-mail carries the same Message-ID again, so mail servers and clients recognise the
    copy; a robot webhook has no such key, so a robot message that may have arrived is not
    sent again but recorded as failed, for a person to check the group and resend if needed.
    """
    interrupted = delivery.sending_since is not None
    delivery.lease_owner, delivery.lease_until, delivery.sending_since = "", None, None
    if not interrupted or delivery.channel is Channel.EMAIL:
        delivery.status = DeliveryStatus.PENDING
        return
    detail = ("中断：发送途中投递进程停止，群机器人可能已收到，为免重复未再发送，请核对群消息 "
              "(interrupted while sending: the robot may have received it; not resent to avoid a duplicate)")
    session.add(DeliveryAttempt(delivery_id=delivery.id, at=now, ok=False, detail=detail))
    delivery.status, delivery.last_error = DeliveryStatus.FAILED, detail
    monitoring.DELIVERY_FAILURES.labels(delivery.channel.value, "interrupted").inc()


def _dead_here(owner: str, host: str) -> bool:
    """Tell whether a lease owner is a process of this host that no longer runs."""
    owner_host, _, pid = owner.rpartition(":")
    if owner_host != host or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def send(delivery: Delivery, settings: DeliverySettings, now: datetime) -> str:
    """Send one delivery on its channel; return what the server answered, or raise DeliveryError."""
    if delivery.channel is Channel.EMAIL:
        return send_email(delivery, settings.smtp)
    secret = delivery.route.secret if delivery.route is not None else ""
    return post_robot(delivery.channel, delivery.address, secret, delivery.subject, delivery.body, now,
                      settings.http_timeout)


def send_email(delivery: Delivery, smtp: SmtpSettings) -> str:
    """Send one delivery as a UTF-8 e-mail through the configured SMTP server."""
    if not smtp.host:
        raise DeliveryError("e-mail is not configured (SHANGLIANG_SMTP_HOST is empty)")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = delivery.subject, smtp.sender, delivery.address
    domain = smtp.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{hashlib.sha256(delivery.key.encode()).hexdigest()[:32]}@{domain}>"
    message.set_content(delivery.body)
    client = smtplib.SMTP_SSL if smtp.ssl else smtplib.SMTP
    with client(smtp.host, smtp.port, timeout=smtp.timeout) as server:
        if smtp.starttls and not smtp.ssl:
            server.starttls()
        if smtp.username:
            server.login(smtp.username, smtp.password)
        refused = server.send_message(message)
    if refused:
        raise DeliveryError(f"recipients refused: {refused}")
    return f"accepted by {smtp.host}:{smtp.port} as {message['Message-ID']}"


def robot_payload(channel: Channel, subject: str, body: str) -> dict[str, object]:
    """Build a DingTalk or WeCom group-robot markdown message."""
    text = f"#### {subject}\n\n" + "\n\n".join(body.splitlines())
    if channel is Channel.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": subject[:64], "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text.encode()[:4000].decode(errors="ignore")}}


def signed_url(url: str, secret: str, now: datetime) -> str:
    """Add DingTalk's 加签 timestamp and HMAC-SHA256 signature to a robot URL."""
    timestamp = str(int(now.timestamp() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    query = urllib.parse.urlencode({"timestamp": timestamp, "sign": base64.b64encode(digest).decode()})
    return f"{url}{'&' if '?' in url else '?'}{query}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a robot URL that redirects is refused, not followed


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_robot(channel: Channel, url: str, secret: str, subject: str, body: str, now: datetime,
               timeout: float) -> str:
    """POST a robot message and check the robot's ``errcode``; return its answer."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("a robot webhook must be an http or https URL")
    target = signed_url(url, secret, now) if channel is Channel.DINGTALK and secret else url
    data = json.dumps(robot_payload(channel, subject, body), ensure_ascii=False).encode()
    request = urllib.request.Request(target, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            answer = response.read(MAX_RESPONSE_BYTES).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} from the robot") from None
    try:
        errcode = json.loads(answer).get("errcode")
    except (ValueError, AttributeError):
        raise DeliveryError(f"the robot did not answer JSON: {answer[:200]!r}") from None
    if errcode != 0:
        raise DeliveryError(f"the robot answered {answer[:200]}")
    return answer[:500]
